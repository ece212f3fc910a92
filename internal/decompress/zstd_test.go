package decompress

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/dsnet/compress/bzip2"
	"github.com/klauspost/compress/zstd"
)

func zst(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := zstd.NewWriter(&buf, zstd.WithEncoderLevel(zstd.SpeedBestCompression))
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func bz2(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := bzip2.NewWriter(&buf, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestUnpackFormats(t *testing.T) {
	plain := []byte("<?xml version=\"1.0\"?>\n<vuxml/>\n")
	for _, tc := range []struct {
		name   string
		in     []byte
		layers []Format
	}{
		{"plain", plain, nil},
		{"zstd", zst(t, plain), []Format{Zstd}},
		{"bzip2", bz2(t, plain), []Format{Bzip2}},
		{"xz", xzb(t, plain), []Format{XZ}},
		{"gzip of zstd", gz(zst(t, plain)), []Format{Gzip, Zstd}},
		{"zstd of bzip2", zst(t, bz2(t, plain)), []Format{Zstd, Bzip2}},
	} {
		out, layers, err := Unpack(tc.in, 0)
		if err != nil || !bytes.Equal(out, plain) || len(layers) != len(tc.layers) {
			t.Errorf("%s: %q %v %v", tc.name, out, layers, err)
			continue
		}
		for i := range layers {
			if layers[i] != tc.layers[i] {
				t.Errorf("%s: layers %v, want %v", tc.name, layers, tc.layers)
			}
		}
	}
}

// Small inputs that expand past the limit are refused in every format,
// without the whole expansion being held in memory.
func TestBombs(t *testing.T) {
	big := bytes.Repeat([]byte("A"), 8<<20)
	const limit = 1 << 20
	for name, in := range map[string][]byte{
		"gzip": gz(big), "xz": xzb(t, big), "zstd": zst(t, big), "bzip2": bz2(t, big),
		"gzip of gzip": gz(gz(big)),
	} {
		if len(in) > 64<<10 {
			t.Fatalf("%s: bomb is %d bytes, not small", name, len(in))
		}
		if _, err := Bytes(in, limit); !errors.Is(err, ErrTooLarge) {
			t.Errorf("%s (%d bytes): %v, want ErrTooLarge", name, len(in), err)
		}
	}
}

func TestZstdTruncatedAndCorrupt(t *testing.T) {
	full := zst(t, bytes.Repeat([]byte("0123456789abcdef"), 4096))
	if _, err := Bytes(full[:len(full)/2], 0); err == nil {
		t.Error("truncated zstd accepted")
	}
	bad := append([]byte(nil), full...)
	bad[len(bad)/2] ^= 0xff
	if out, err := Bytes(bad, 0); err == nil && bytes.Equal(out, bytes.Repeat([]byte("0123456789abcdef"), 4096)) {
		t.Error("corrupt zstd gave the original")
	}
	// A frame header that asks for a 1 GiB window is refused, not allocated.
	hdr := []byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 0xa8} // window descriptor: exponent 21 -> 1 GiB... (see RFC 8878 3.1.1.1.2)
	if _, err := Bytes(append(hdr, make([]byte, 16)...), 0); err == nil {
		t.Error("absurd window accepted")
	}
}

func TestSniffZstd(t *testing.T) {
	if Sniff([]byte{0x28, 0xb5, 0x2f, 0xfd}) != Zstd || Sniff([]byte{0x5a, 0x2a, 0x4d, 0x18}) != Zstd || Sniff([]byte{0x28, 0xb5, 0x2f}) != Plain {
		t.Error("Sniff zstd")
	}
}

// FuzzBytes: no input crashes Unpack or makes it exceed its limit or
// allocate much more than its windows (MaxWindow) and output allow, and
// whatever it returns is plain (sniffs as no known format).
func FuzzBytes(f *testing.F) {
	seeds, _ := filepath.Glob("../../testdata/pkgsrc/pkg-vulnerabilities-*")
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil && len(b) < 1<<20 {
			f.Add(b[:min(len(b), 4096)])
		}
	}
	plain := []byte("#FORMAT 1.1.0\n<vuxml/>\n")
	f.Add(plain)
	f.Add(gz(plain))
	f.Add(zst(f, plain))
	f.Add(bz2(f, plain))
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd})
	f.Add([]byte("BZh9"))
	f.Add(xzHostile(40))
	f.Add(xzHostile(8))
	f.Add(gz(xzHostile(30)))
	f.Add([]byte{0x28, 0xb5, 0x2f, 0xfd, 0x00, 21 << 3, 0x19, 0x00, 0x00, 'h', 'i', '\n'})
	f.Fuzz(func(t *testing.T, data []byte) {
		const limit = 1 << 20
		var out []byte
		var layers []Format
		var err error
		if n := allocated(func() { out, layers, err = Unpack(data, limit) }); n > MaxWindow+64*limit {
			t.Fatalf("allocated %d bytes", n)
		}
		if err != nil {
			return
		}
		if int64(len(out)) > limit {
			t.Fatalf("output %d bytes over the limit", len(out))
		}
		if Sniff(out) != Plain {
			t.Fatalf("output still compressed after %v", layers)
		}
		if len(layers) == 0 && !bytes.Equal(out, data) {
			t.Fatal("plain input changed")
		}
	})
}
