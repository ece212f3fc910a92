package inventory

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
)

func TestFromPkgsrcDB(t *testing.T) {
	dir := t.TempDir()
	mk := func(name string, files map[string]string) {
		t.Helper()
		d := filepath.Join(dir, name)
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		for f, body := range files {
			if err := os.WriteFile(filepath.Join(d, f), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	mk("openssl-3.0.13nb1", map[string]string{
		"+CONTENTS":    "@name openssl-3.0.13nb1\n",
		"+REQUIRED_BY": "curl-8.7.1\nwget-1.21.4nb2\n\n",
		"+BUILD_INFO":  "ABI=64\nPKGPATH=security/openssl\nOPSYS=NetBSD\n",
	})
	mk("curl-8.7.1", map[string]string{"+BUILD_INFO": "PKGPATH=www/curl\n"})
	mk("wget-1.21.4nb2", nil)
	mk("pkg-vulnerabilities", nil) // skipped even as a directory
	mk(".cookie", nil)
	os.WriteFile(filepath.Join(dir, "pkgdb.byfile.db"), []byte("x"), 0o644)
	os.WriteFile(filepath.Join(dir, "stray-1.0"), []byte("x"), 0o644)            // not a directory
	os.Symlink(filepath.Join(dir, "curl-8.7.1"), filepath.Join(dir, "link-1.0")) // DT_LNK: skipped

	got, err := FromPkgsrcDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Package{
		{Name: "curl", Version: "8.7.1", Origin: "www/curl", Path: filepath.Join(dir, "curl-8.7.1"), Scheme: advisory.Pkgsrc},
		{Name: "openssl", Version: "3.0.13nb1", Origin: "security/openssl", RequiredBy: []string{"curl-8.7.1", "wget-1.21.4nb2"}, Path: filepath.Join(dir, "openssl-3.0.13nb1"), Scheme: advisory.Pkgsrc},
		{Name: "wget", Version: "1.21.4nb2", Path: filepath.Join(dir, "wget-1.21.4nb2"), Scheme: advisory.Pkgsrc},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FromPkgsrcDB:\n got %+v\nwant %+v", got, want)
	}
	if d := NewGraph(got).Dependents("openssl"); !reflect.DeepEqual(d, []string{"curl", "wget"}) {
		t.Errorf("Dependents = %q", d)
	}

	if got, err := FromPkgsrcDB(filepath.Join(dir, "nope")); got != nil || err != nil {
		t.Errorf("missing dir: %v %v", got, err)
	}
	if _, err := FromPkgsrcDB(filepath.Join(dir, "stray-1.0")); err == nil {
		t.Error("file as PKG_DBDIR: no error")
	}
}

func TestGraphDependents(t *testing.T) {
	pkgs := []Package{
		{Name: "a", Version: "1", RequiredBy: []string{"b-1", "outside-1", "c-1"}},
		{Name: "b", Version: "1", RequiredBy: []string{"d-1", "a-1"}}, // cycle back to a
		{Name: "c", Version: "1", RequiredBy: []string{"d-1"}},
		{Name: "d", Version: "1"},
		{Name: "a", Version: "2", RequiredBy: []string{"zzz-1"}}, // duplicate name: first wins
	}
	g := NewGraph(pkgs)
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"a", []string{"b", "d", "a", "c"}},
		{"c", []string{"d"}},
		{"d", nil},
		{"missing", nil},
	} {
		if got := g.Dependents(tc.name); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Dependents(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
