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
)

// fixturePkg is one package as pkg register records it.
type fixturePkg struct {
	origin, name, version string
	deps                  []string // names of the packages it depends on
}

// buildPkgDB creates dir/local.sqlite with pkg's schema and inserts pkgs the
// way pkg register does (packages row, then one deps row per dependency,
// carrying the dependency's origin, name and version).
func buildPkgDB(t testing.TB, dir string, pkgs []fixturePkg) string {
	t.Helper()
	path := filepath.Join(dir, PkgDBFile)
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("PRAGMA journal_mode = WAL")
	exec("PRAGMA synchronous = NORMAL")
	for _, s := range pkgSchema {
		exec(s)
	}
	exec("INSERT INTO pkg_lock VALUES(0,0,0)")
	exec("PRAGMA user_version = 42")
	byName := map[string]fixturePkg{}
	for _, p := range pkgs {
		byName[p.name] = p
	}
	ids := map[string]int64{}
	for i, p := range pkgs {
		res, err := db.Exec(`INSERT INTO packages (origin, name, version, comment, desc, message, arch, maintainer, www, prefix, flatsize, automatic, licenselogic, time, manifestdigest, pkg_format_version, dep_formula, vital)
			VALUES (?1, ?2, ?3, 'comment', 'desc', NULL, 'FreeBSD:14:amd64', 'ports@FreeBSD.org', 'https://example.org/', '/usr/local', ?4, 0, 1, 1700000000, '1$abc', 2, NULL, 0)`,
			p.origin, p.name, p.version, 1000*(i+1))
		if err != nil {
			t.Fatal(err)
		}
		ids[p.name], _ = res.LastInsertId()
	}
	for _, p := range pkgs {
		for _, d := range p.deps {
			dp := byName[d]
			exec(`INSERT INTO deps (origin, name, version, package_id) VALUES (?1, ?2, ?3, ?4)`, dp.origin, dp.name, dp.version, ids[p.name])
		}
	}
	return path
}

var fixtureSet = []fixturePkg{
	// Inserted out of name order: FromPkgDB must sort by name as pkg does.
	{"security/openssl", "openssl", "3.0.13_1,1", nil},
	{"ftp/curl", "curl", "8.7.1", []string{"openssl", "libnghttp2"}},
	{"www/libnghttp2", "libnghttp2", "1.61.0", nil},
	{"devel/git", "git", "2.44.0_1", []string{"curl", "openssl", "perl5"}},
	{"lang/perl5.36", "perl5", "5.36.3_1", nil},
	{"ports-mgmt/pkg", "pkg", "1.21.2", nil},
	{"www/py-requests@py311", "py311-requests", "2.31.0", []string{"curl"}},
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
		{Name: "curl", Version: "8.7.1", Origin: "ftp/curl", RequiredBy: []string{"git-2.44.0_1", "py311-requests-2.31.0"}},
		{Name: "git", Version: "2.44.0_1", Origin: "devel/git"},
		{Name: "libnghttp2", Version: "1.61.0", Origin: "www/libnghttp2", RequiredBy: []string{"curl-8.7.1"}},
		{Name: "openssl", Version: "3.0.13_1,1", Origin: "security/openssl", RequiredBy: []string{"curl-8.7.1", "git-2.44.0_1"}},
		{Name: "perl5", Version: "5.36.3_1", Origin: "lang/perl5.36", RequiredBy: []string{"git-2.44.0_1"}},
		{Name: "pkg", Version: "1.21.2", Origin: "ports-mgmt/pkg"},
		{Name: "py311-requests", Version: "2.31.0", Origin: "www/py-requests@py311"},
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
		p := fixturePkg{origin: "cat/port" + itoa(i), name: "port" + itoa(i), version: "1.0." + itoa(i)}
		for j := 1; j <= 5 && i-j*7 >= 0; j++ {
			p.deps = append(p.deps, "port"+itoa(i-j*7))
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
