//go:build (darwin && (amd64 || arm64)) || (freebsd && (386 || amd64 || arm || arm64)) || (linux && (386 || amd64 || arm || arm64 || loong64 || ppc64le || riscv64 || s390x)) || (netbsd && amd64) || (openbsd && (amd64 || arm64)) || (windows && (386 || amd64 || arm64))

package inventory

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/internal/pkgdbtest"
)

// fixturePkg is one package as pkg register records it.
type fixturePkg = pkgdbtest.Pkg

func buildPkgDB(t testing.TB, dir string, pkgs []fixturePkg) string {
	t.Helper()
	return pkgdbtest.Build(t, dir, pkgs)
}

var fixtureSet = []fixturePkg{
	// Inserted out of name order: FromPkgDB must sort by name as pkg does.
	{Origin: "security/openssl", Name: "openssl", Version: "3.0.13_1,1"},
	{Origin: "ftp/curl", Name: "curl", Version: "8.7.1", Deps: []string{"openssl", "libnghttp2"}},
	{Origin: "www/libnghttp2", Name: "libnghttp2", Version: "1.61.0"},
	{Origin: "devel/git", Name: "git", Version: "2.44.0_1", Deps: []string{"curl", "openssl", "perl5"}},
	{Origin: "lang/perl5.36", Name: "perl5", Version: "5.36.3_1"},
	{Origin: "ports-mgmt/pkg", Name: "pkg", Version: "1.21.2"},
	{Origin: "www/py-requests@py311", Name: "py311-requests", Version: "2.31.0", Deps: []string{"curl"}},
}

func TestFromPkgDB(t *testing.T) {
	dir := t.TempDir()
	path := buildPkgDB(t, dir, fixtureSet)
	before := fileSum(t, path)

	got, err := FromPkgDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []Package{
		{Name: "curl", Version: "8.7.1", Origin: "ftp/curl", RequiredBy: []string{"git-2.44.0_1", "py311-requests-2.31.0"}, Scheme: advisory.FreeBSD},
		{Name: "git", Version: "2.44.0_1", Origin: "devel/git", Scheme: advisory.FreeBSD},
		{Name: "libnghttp2", Version: "1.61.0", Origin: "www/libnghttp2", RequiredBy: []string{"curl-8.7.1"}, Scheme: advisory.FreeBSD},
		{Name: "openssl", Version: "3.0.13_1,1", Origin: "security/openssl", RequiredBy: []string{"curl-8.7.1", "git-2.44.0_1"}, Scheme: advisory.FreeBSD},
		{Name: "perl5", Version: "5.36.3_1", Origin: "lang/perl5.36", RequiredBy: []string{"git-2.44.0_1"}, Scheme: advisory.FreeBSD},
		{Name: "pkg", Version: "1.21.2", Origin: "ports-mgmt/pkg", Scheme: advisory.FreeBSD},
		{Name: "py311-requests", Version: "2.31.0", Origin: "www/py-requests@py311", Scheme: advisory.FreeBSD},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FromPkgDB:\n got %+v\nwant %+v", got, want)
	}
	if after := fileSum(t, path); !bytes.Equal(before, after) {
		t.Error("FromPkgDB changed local.sqlite")
	}
	// Nothing is created beside the database (no -wal, no -shm).
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		var names []string
		for _, e := range es {
			names = append(names, e.Name())
		}
		t.Errorf("PKG_DBDIR holds %q after reading, want only local.sqlite", names)
	}

	g := NewGraph(got)
	if d := g.Dependents("openssl"); !reflect.DeepEqual(d, []string{"curl", "git", "py311-requests"}) {
		t.Errorf("Dependents(openssl) = %q", d)
	}
}

func TestFromPkgDBReadOnlyDir(t *testing.T) {
	dir := t.TempDir()
	path := buildPkgDB(t, dir, fixtureSet[:2])
	before := fileSum(t, path)
	if err := os.Chmod(dir, 0o555); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chmod(dir, 0o755) })
	got, err := FromPkgDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Errorf("got %d packages, want 2", len(got))
	}
	if after := fileSum(t, path); !bytes.Equal(before, after) {
		t.Error("FromPkgDB changed local.sqlite")
	}
}

// TestFromPkgDBLiveWAL reads a database while another connection holds
// committed transactions in its -wal file, as when pkg is running: they
// must be seen.
func TestFromPkgDBLiveWAL(t *testing.T) {
	dir := t.TempDir()
	path := buildPkgDB(t, dir, fixtureSet[:1])
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	for _, q := range []string{
		"PRAGMA wal_autocheckpoint = 0",
		`INSERT INTO packages (origin, name, version, comment, desc, arch, maintainer, prefix, flatsize, automatic, licenselogic)
			VALUES ('x/late', 'late', '1.0', '', '', 'a', 'm', '/usr/local', 0, 0, 1)`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	if st, err := os.Stat(path + "-wal"); err != nil || st.Size() == 0 {
		t.Fatalf("expected a live -wal file: %v", err)
	}
	got, err := FromPkgDB(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Name != "late" {
		t.Errorf("got %+v, want the uncheckpointed package too", got)
	}
}

func TestFromPkgDBErrors(t *testing.T) {
	// No database: no packages, no error (pkg audit exits 0 silently).
	if got, err := FromPkgDB(t.TempDir()); err != nil || got != nil {
		t.Errorf("missing db: %v, %v", got, err)
	}
	// Not a database.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, PkgDBFile), []byte("not a database, just text\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := FromPkgDB(dir); err == nil {
		t.Error("garbage db: no error")
	}
	// A database without pkg's tables.
	dir = t.TempDir()
	db, err := sql.Open("sqlite", filepath.Join(dir, PkgDBFile))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec("CREATE TABLE other (x)"); err != nil {
		t.Fatal(err)
	}
	db.Close()
	if _, err := FromPkgDB(dir); err == nil {
		t.Error("foreign db: no error")
	}
	// Directory in place of the file.
	dir = t.TempDir()
	os.Mkdir(filepath.Join(dir, PkgDBFile), 0o755)
	if _, err := FromPkgDB(dir); err == nil {
		t.Error("directory: no error")
	}
	// Unreadable (not as root, who may read anything).
	if os.Geteuid() != 0 {
		dir = t.TempDir()
		path := buildPkgDB(t, dir, fixtureSet[:1])
		os.Chmod(path, 0)
		if _, err := FromPkgDB(dir); !errors.Is(err, ErrPkgDBAccess) {
			t.Errorf("unreadable: %v, want ErrPkgDBAccess", err)
		}
	}
}

func fileSum(t testing.TB, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(data)
	return s[:]
}

func BenchmarkFromPkgDB(b *testing.B) {
	// 2,000 packages, each depending on up to 5 earlier ones: the size of a
	// large desktop installation.
	var pkgs []fixturePkg
	for i := 0; i < 2000; i++ {
		p := fixturePkg{Origin: "cat/port" + itoa(i), Name: "port" + itoa(i), Version: "1.0." + itoa(i)}
		for j := 1; j <= 5 && i-j*7 >= 0; j++ {
			p.Deps = append(p.Deps, "port"+itoa(i-j*7))
		}
		pkgs = append(pkgs, p)
	}
	dir := b.TempDir()
	buildPkgDB(b, dir, pkgs)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		got, err := FromPkgDB(dir)
		if err != nil || len(got) != 2000 {
			b.Fatal(len(got), err)
		}
	}
}
