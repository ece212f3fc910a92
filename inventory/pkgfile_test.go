package inventory

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"

	"github.com/pkgaudit/pkgaudit/advisory"
)

var genSeeds = flag.Bool("genseeds", false, "rewrite the fuzz seed corpus of FuzzReadPackage")

type member struct{ name, body string }

func tarOf(t testing.TB, ms ...member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range ms {
		if err := tw.WriteHeader(&tar.Header{Name: m.name, Mode: 0o644, Size: int64(len(m.body)), Typeflag: tar.TypeReg, Format: tar.FormatPAX}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(m.body))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func compress(t testing.TB, kind string, data []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	switch kind {
	case "gzip":
		w := gzip.NewWriter(&buf)
		w.Write(data)
		w.Close()
	case "xz":
		w, err := xz.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		w.Close()
	case "zstd":
		w, err := zstd.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(data)
		w.Close()
	case "none":
		return data
	default:
		t.Fatalf("unknown compression %s", kind)
	}
	return buf.Bytes()
}

// A +COMPACT_MANIFEST as pkg create writes it (JSON, one line).
const compactManifest = `{"name":"curl","origin":"ftp/curl","version":"8.7.1","comment":"Command line tool and library for transferring data with URLs","maintainer":"sunpoet@FreeBSD.org","www":"https://curl.se/","abi":"FreeBSD:14:amd64","arch":"freebsd:14:x86:64","prefix":"/usr/local","flatsize":4786712,"licenselogic":"single","licenses":["MIT"],"desc":"curl is a command line tool for transferring data with URLs.","deps":{"libnghttp2":{"origin":"www/libnghttp2","version":"1.61.0"}},"categories":["ftp","net","www"],"shlibs_required":["libnghttp2.so.14"],"shlibs_provided":["libcurl.so.4"],"annotations":{"FreeBSD_version":"1400097","flavor":"","build_timestamp":"2024-04-01T00:00:00+0000"}}`

// The same in UCL, as older pkg or hand-made packages have it.
const uclManifest = `name = "curl";
origin = "ftp/curl";
version = "8.7.1";
deps {
  name = "nested-should-not-count";
}
`

// A pkgsrc packing list as pkg_create writes it.
const pkgsrcContents = `@comment $NetBSD: +CONTENTS $
@name openssl-3.0.13nb1
@pkgdep perl>=5.0
@comment ORIGIN:security/openssl
@cwd /usr/pkg
@src /usr/pkg
bin/openssl
@comment MD5:0123456789abcdef0123456789abcdef
`

const pkgsrcBuildInfo = "ABI=64\nMACHINE_ARCH=x86_64\nOPSYS=NetBSD\nPKGPATH=security/openssl\n"

const pkgHash = "pkgsrc signature\n\nversion: 1\npkgname: openssl-3.0.13nb1\ntype: SHA512\nblock size: 65536\nfile size: 1234\n\n"

// packageCases are package files and what ReadPackage must make of them.
func packageCases(t testing.TB) []struct {
	name string
	data []byte
	want Package
	err  string
} {
	freebsd := Package{Name: "curl", Version: "8.7.1", Origin: "ftp/curl", Scheme: advisory.FreeBSD}
	pkgsrc := Package{Name: "openssl", Version: "3.0.13nb1", Origin: "security/openssl", Scheme: advisory.Pkgsrc}
	fbsdTar := tarOf(t, member{"+COMPACT_MANIFEST", compactManifest}, member{"+MANIFEST", compactManifest}, member{"/usr/local/bin/curl", "ELF"})
	srcTar := tarOf(t, member{"+CONTENTS", pkgsrcContents}, member{"+COMMENT", "SSL toolkit\n"}, member{"+DESC", "OpenSSL\n"}, member{"+BUILD_INFO", pkgsrcBuildInfo}, member{"bin/openssl", "ELF"})
	inner := compress(t, "gzip", srcTar)
	return []struct {
		name string
		data []byte
		want Package
		err  string
	}{
		{"curl-8.7.1.pkg zstd", compress(t, "zstd", fbsdTar), freebsd, ""},
		{"curl-8.7.1.pkg xz", compress(t, "xz", fbsdTar), freebsd, ""},
		{"curl-8.7.1.pkg gzip", compress(t, "gzip", fbsdTar), freebsd, ""},
		{"curl-8.7.1.pkg plain", fbsdTar, freebsd, ""},
		{"curl-8.7.1.pkg ucl", compress(t, "zstd", tarOf(t, member{"+COMPACT_MANIFEST", uclManifest})), freebsd, ""},
		{"openssl.tgz", inner, pkgsrc, ""},
		{"openssl.tgz no build info", compress(t, "gzip", tarOf(t, member{"+CONTENTS", pkgsrcContents}, member{"bin/x", ""})), Package{Name: "openssl", Version: "3.0.13nb1", Scheme: advisory.Pkgsrc}, ""},
		{"openssl.tgz signed", tarOf(t, member{"+PKG_HASH", pkgHash}, member{"+PKG_GPG_SIGNATURE", "-----BEGIN PGP SIGNATURE-----\n"}, member{"openssl-3.0.13nb1.tgz", string(inner)}), pkgsrc, ""},
		{"no metadata", compress(t, "gzip", tarOf(t, member{"bin/x", "x"})), Package{}, "no package metadata"},
		{"empty", nil, Package{}, "no package metadata"},
		{"not an archive", []byte("hello, world, this is not a tar archive at all\n"), Package{}, "reading archive"},
		{"truncated gzip", compress(t, "gzip", fbsdTar)[:40], Package{}, "reading"},
		{"manifest without version", tarOf(t, member{"+COMPACT_MANIFEST", `{"name":"x"}`}), Package{}, "no name or version"},
		{"contents without name", tarOf(t, member{"+CONTENTS", "@cwd /usr/pkg\n"}), Package{}, "no @name line"},
	}
}

func TestReadPackage(t *testing.T) {
	for _, tc := range packageCases(t) {
		got, err := ReadPackage(bytes.NewReader(tc.data))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: err = %v, want %q", tc.name, err, tc.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: got %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

func TestReadPackageLimits(t *testing.T) {
	// A member declaring more than MaxMetaMember bytes is refused before
	// it is read.
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	tw.WriteHeader(&tar.Header{Name: "+COMPACT_MANIFEST", Size: MaxMetaMember + 1, Mode: 0o644})
	if _, err := ReadPackage(bytes.NewReader(buf.Bytes())); err == nil || !strings.Contains(err.Error(), "allowed") {
		t.Errorf("oversized member: %v", err)
	}
}

func TestFromPackageDir(t *testing.T) {
	dir := t.TempDir()
	write := func(rel string, data []byte) {
		t.Helper()
		p := filepath.Join(dir, rel)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	cases := packageCases(t)
	write("All/curl-8.7.1.pkg", cases[0].data)
	write("All/Hashed/curl-8.7.1~abc.pkg", cases[1].data)
	write("pkgsrc/All/openssl-3.0.13nb1.tgz", cases[5].data)
	write("All/broken-1.0.pkg", []byte("garbage"))
	write("All/readme.txt", []byte("ignored"))
	write("All/nodash.pkg", cases[2].data)

	got, err := FromPackageDir(dir)
	var fe *FileError
	if !errors.As(err, &fe) || !strings.HasSuffix(fe.Path, "broken-1.0.pkg") {
		t.Errorf("err = %v, want a FileError for broken-1.0.pkg", err)
	}
	var names []string
	for _, p := range got {
		names = append(names, p.String()+" "+strings.TrimPrefix(p.Path, dir))
	}
	want := []string{
		"curl-8.7.1 /All/Hashed/curl-8.7.1~abc.pkg",
		"curl-8.7.1 /All/curl-8.7.1.pkg",
		"curl-8.7.1 /All/nodash.pkg",
		"openssl-3.0.13nb1 /pkgsrc/All/openssl-3.0.13nb1.tgz",
	}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("FromPackageDir:\n got %q\nwant %q", names, want)
	}

	got, err = FromPackageDirNames(dir)
	if err != nil {
		t.Fatal(err)
	}
	names = nil
	for _, p := range got {
		names = append(names, fmt.Sprintf("%s|%s", p.Name, p.Version))
	}
	// pkg audit -d: ".pkg" names only, split at the last '-', no '-' skipped.
	want = []string{"curl|8.7.1~abc", "broken|1.0", "curl|8.7.1"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("FromPackageDirNames: got %q, want %q", names, want)
	}

	if _, err := FromPackageDir(filepath.Join(dir, "missing")); err == nil {
		t.Error("missing dir: no error")
	}
}

// TestGenSeeds writes the seed corpora (go test -run GenSeeds -genseeds)
// of FuzzReadPackage
// and FuzzFromIndex.
func TestGenSeeds(t *testing.T) {
	if !*genSeeds {
		t.Skip("use -genseeds to rewrite testdata/fuzz/FuzzReadPackage")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzReadPackage")
	os.MkdirAll(dir, 0o755)
	for i, tc := range packageCases(t) {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", tc.data)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%02d", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir = filepath.Join("testdata", "fuzz", "FuzzFromIndex")
	os.MkdirAll(dir, 0o755)
	for i, line := range strings.SplitAfter(indexSample, "\n") {
		body := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", line)
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%02d", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func FuzzReadPackage(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ReadPackage(bytes.NewReader(data))
		if err == nil && p.Name == "" {
			t.Errorf("no error and no name")
		}
	})
}

func FuzzFromIndex(f *testing.F) {
	f.Add([]byte(indexSample))
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, err := FromIndex(bytes.NewReader(data), "INDEX")
		if err == nil {
			for _, p := range pkgs {
				if p.Name == "" {
					t.Errorf("empty package from %q", data)
				}
			}
		}
	})
}

func BenchmarkReadPackage(b *testing.B) {
	cases := packageCases(b)
	for _, i := range []int{0, 1, 5} {
		tc := cases[i]
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.data)))
			for n := 0; n < b.N; n++ {
				if _, err := ReadPackage(bytes.NewReader(tc.data)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
