package fetch_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/pkgaudit/pkgaudit/fetch"
	ft "github.com/pkgaudit/pkgaudit/fetch/fetchtest"
	"github.com/pkgaudit/pkgaudit/internal/decompress"
	"github.com/pkgaudit/pkgaudit/internal/vectors"
)

// realVuXML is a whole VuXML document made of the real year files in
// testdata (vectors.CombinedVuXML: 315 KB, 237 entries).
func realVuXML(b *testing.B) []byte {
	data, err := vectors.CombinedVuXML(filepath.Join("..", "testdata", "vuxml"))
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func benchRun(b *testing.B, body []byte, unpacked int, kind fetch.Kind) {
	srv := ft.NewServer(b, ft.Serve(body, newTime, ""))
	dest := filepath.Join(b.TempDir(), "db")
	b.SetBytes(int64(unpacked))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := fetch.Run(context.Background(), fetch.Options{URL: srv.URL + "/db", Dest: dest, Kind: kind, Force: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRunVuXML: the whole fetch of an xz-compressed VuXML document
// from a local server: download, unpack, parse, atomic write with fsync.
func BenchmarkRunVuXML(b *testing.B) {
	doc := realVuXML(b)
	benchRun(b, ft.XZ(b, doc), len(doc), fetch.VuXML)
}

// BenchmarkRunPkgsrc: the same for the real signed 2011 pkg-vulnerabilities,
// gzip-compressed as the CDN serves it (checksums verified).
func BenchmarkRunPkgsrc(b *testing.B) {
	raw, err := os.ReadFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817")
	if err != nil {
		b.Fatal(err)
	}
	benchRun(b, ft.Gzip(raw), len(raw), fetch.PkgVulnerabilities)
}

// BenchmarkUnpack: decompression alone, per format, of the VuXML document.
func BenchmarkUnpack(b *testing.B) {
	doc := realVuXML(b)
	for _, f := range []struct {
		name string
		data []byte
	}{{"xz", ft.XZ(b, doc)}, {"gzip", ft.Gzip(doc)}, {"zstd", ft.Zstd(b, doc)}, {"bzip2", ft.Bzip2(b, doc)}} {
		b.Run(f.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				if _, err := decompress.Bytes(f.data, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
