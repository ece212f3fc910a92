package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/internal/bytesize"
)

func noPaths() Paths { return Paths{PkgsrcDBDirs: []string{"/nonexistent/pkgdb"}} }

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDefaults(t *testing.T) {
	defer asUser(1000)()
	c, err := LoadPaths("", envOf(nil), noPaths())
	if err != nil {
		t.Fatal(err)
	}
	if c.File != "" || len(c.Files) != 0 {
		t.Errorf("files %q %v", c.File, c.Files)
	}
	checks := []struct{ got, want any }{
		{c.FreeBSD.DBDir, "/var/db/pkg"},
		{c.FreeBSD.VulnXML, "/var/db/pkg/vuln.xml"},
		{c.FreeBSD.Site, DefaultSite},
		{c.Pkgsrc.DBDir, "/nonexistent/pkgdb"},
		{c.Pkgsrc.VulnDir, "/nonexistent/pkgdb"},
		{c.Pkgsrc.VulnFile(), "/nonexistent/pkgdb/pkg-vulnerabilities"},
		{c.Pkgsrc.URL, DefaultPkgsrcURL},
		{c.Audit.StaleDays, 7},
		{c.Audit.CacheDir, ""},
		{c.Fetch.MaxDownload, int64(64 << 20)},
		{c.Fetch.MaxUnpacked, int64(256 << 20)},
		{c.Fetch.Timeout, 5 * time.Minute},
		{c.Fetch.Offline, false},
		{c.Source("freebsd.dbdir"), "default"},
		{c.Source("freebsd.vulnxml"), "derived from freebsd.dbdir"},
	}
	for i, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%d: got %v, want %v", i, ch.got, ch.want)
		}
	}
}

func TestPkgsrcDBDirFallback(t *testing.T) {
	dir := t.TempDir()
	p := Paths{PkgsrcDBDirs: []string{filepath.Join(dir, "pkgdb"), dir}}
	c, err := LoadPaths("", envOf(nil), p)
	if err != nil {
		t.Fatal(err)
	}
	if c.Pkgsrc.DBDir != dir {
		t.Errorf("DBDir %q, want %q (the only one that exists)", c.Pkgsrc.DBDir, dir)
	}
}

func TestLayers(t *testing.T) {
	dir := t.TempDir()
	sys := writeFile(t, dir, "etc/pkgaudit.toml", `
[freebsd]
dbdir = "/sys/db"
site = "https://mirror.example/vuln.xml.xz"
[fetch]
max_download = "1MiB"
timeout = "10s"
`)
	user := writeFile(t, dir, "home/.config/pkgaudit/pkgaudit.toml", `
[freebsd]
dbdir = "/user/db"   # overrides the system file
[audit]
stale_days = 3
ignore_file = "ignore.toml"
`)
	conf := writeFile(t, dir, "pkg_install.conf", "PKGVULNDIR=/conf/vulns\nPKG_DBDIR=/conf/pkgdb\n")
	p := Paths{System: []string{filepath.Join(dir, "nope.toml"), sys}, InstallConf: []string{conf}}
	defer asUser(1000)()
	c, err := LoadPaths("", envOf(map[string]string{"HOME": filepath.Join(dir, "home"), "PKGVULNURL": "file:///srv/pv.gz"}), p)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ got, want any }{
		{c.File, user},
		{strings.Join(c.Files, ","), sys + "," + user},
		{c.FreeBSD.DBDir, "/user/db"},
		{c.Source("freebsd.dbdir"), user + ":3"},
		{c.FreeBSD.VulnXML, "/user/db/vuln.xml"},
		{c.FreeBSD.Site, "https://mirror.example/vuln.xml.xz"},
		{c.Source("freebsd.site"), sys + ":4"},
		{c.Fetch.MaxDownload, int64(1 << 20)},
		{c.Fetch.Timeout, 10 * time.Second},
		{c.Audit.StaleDays, 3},
		{c.Audit.IgnoreFile, filepath.Join(filepath.Dir(user), "ignore.toml")},
		{c.Pkgsrc.DBDir, "/conf/pkgdb"},
		{c.Pkgsrc.VulnDir, "/conf/vulns"},
		{c.Source("pkgsrc.vulndir"), "pkg_install.conf " + conf},
		{c.Pkgsrc.URL, "file:///srv/pv.gz"},
		{c.Source("pkgsrc.url"), "environment PKGVULNURL"},
		{c.Audit.CacheDir, filepath.Join(dir, "home", ".cache", "pkgaudit")},
	}
	for i, ch := range checks {
		if ch.got != ch.want {
			t.Errorf("%d: got %v, want %v", i, ch.got, ch.want)
		}
	}
}

func TestExplicitReplacesSearch(t *testing.T) {
	dir := t.TempDir()
	sys := writeFile(t, dir, "sys.toml", "[freebsd]\ndbdir = \"/sys\"\n")
	ex := writeFile(t, dir, "ex.toml", "[fetch]\noffline = true\n")
	c, err := LoadPaths(ex, envOf(map[string]string{"PKG_DBDIR": "/env/db"}), Paths{System: []string{sys}})
	if err != nil {
		t.Fatal(err)
	}
	if c.File != ex || len(c.Files) != 1 || !c.Fetch.Offline || c.FreeBSD.DBDir != "/env/db" || c.Pkgsrc.DBDir != "/env/db" {
		t.Errorf("%+v", c)
	}
	if c.FreeBSD.VulnXML != "/env/db/vuln.xml" || c.Pkgsrc.VulnDir != "/env/db" {
		t.Errorf("derived %q %q", c.FreeBSD.VulnXML, c.Pkgsrc.VulnDir)
	}
	// $PKGAUDIT_CONFIG is the explicit file when there is no flag.
	c, err = LoadPaths("", envOf(map[string]string{"PKGAUDIT_CONFIG": ex}), Paths{System: []string{sys}})
	if err != nil || c.File != ex {
		t.Fatalf("%v %v", c, err)
	}
	// A missing explicit file is an error.
	if _, err := LoadPaths(filepath.Join(dir, "missing.toml"), envOf(nil), noPaths()); err == nil {
		t.Error("missing explicit file accepted")
	}
}

func TestOfflineEnv(t *testing.T) {
	for v, want := range map[string]bool{"1": true, "yes": true, "0": false, "no": false, "false": false, "": false} {
		c, err := LoadPaths("", envOf(map[string]string{"PKGAUDIT_OFFLINE": v}), noPaths())
		if err != nil || c.Fetch.Offline != want {
			t.Errorf("PKGAUDIT_OFFLINE=%q: %v %v", v, c.Fetch.Offline, err)
		}
	}
}

func TestFileErrors(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"[freebsd]\ndbdir = \"/x\"\nsite2 = \"x\"\n", "f.toml:3: unknown key \"freebsd.site2\" (known: dbdir, site, vulnxml)"},
		{"\n[nosuch]\nx = 1\n", "f.toml:2: unknown key \"nosuch\" (known: tables [freebsd], [pkgsrc], [audit], [fetch])"},
		{"top = 1\n", "f.toml:1: unknown key \"top\""},
		{"fetch.bogus = 1\n", "f.toml:1: unknown key \"fetch.bogus\""},
		{"[audit]\nstale_days = \"x\"\n", "f.toml:2"},
		{"[audit]\nstale_days = -1\n", "f.toml:2: audit.stale_days: must not be negative"},
		{"[fetch]\n\nmax_download = \"12 parsecs\"\n", "f.toml:3"},
		{"[fetch]\ntimeout = 5\n", "f.toml:2"},
		{"[fetch]\ntimeout = \"soon\"\n", "bad duration"},
		{"[freebsd]\nsite = \"ftp://x/y\"\n", "f.toml:2: freebsd.site: URL \"ftp://x/y\": unsupported scheme"},
		{"[freebsd\n", "to end table name"},
		{"[fetch]\noffline = \"yes\"\n", "f.toml:2"},
	} {
		err := Check([]byte(tc.text), "f.toml")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: got %v, want %q", tc.text, err, tc.want)
		}
	}
}

func TestSetAndShow(t *testing.T) {
	c, err := LoadPaths("", envOf(nil), noPaths())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Set("fetch.offline", "true", "flag --offline"); err != nil {
		t.Fatal(err)
	}
	if err := c.Set("fetch.max_unpacked", "1GiB", "flag"); err != nil {
		t.Fatal(err)
	}
	if err := c.Set("freebsd.site", "gopher://x", "flag"); err == nil {
		t.Error("bad URL accepted")
	}
	if err := c.Set("no.such", "1", "flag"); err == nil {
		t.Error("unknown key accepted")
	}
	if !c.Fetch.Offline || c.Source("fetch.offline") != "flag --offline" || c.Fetch.MaxUnpacked != 1<<30 {
		t.Errorf("%+v", c.Fetch)
	}
	var b strings.Builder
	if err := c.WriteTOML(&b); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"[fetch]\n", "offline = true  # flag --offline\n", "max_unpacked = \"1GiB\"", "vulnxml = \"/var/db/pkg/vuln.xml\"  # derived from freebsd.dbdir\n"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("show lacks %q:\n%s", want, b.String())
		}
	}
	// What show prints parses back.
	if err := Check([]byte(b.String()), "show"); err != nil {
		t.Errorf("show output does not parse: %v", err)
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{"1": 1, "64MiB": 64 << 20, "64M": 64 << 20, "2 GB": 2e9, "10kb": 10000, "3KiB": 3072} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("%q: %d %v", in, got, err)
		}
	}
	for _, in := range []string{"", "MiB", "0", "-1", "1TiB", "99999999999999999999", "9999999999999GiB"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("%q accepted", in)
		}
	}
	for _, n := range []int64{1, 1024, 64 << 20, 1<<20 + 1, 3 << 30} {
		if got, _ := ParseSize(bytesize.Compact(n)); got != n {
			t.Errorf("bytesize.Compact(%d) = %q", n, bytesize.Compact(n))
		}
	}
}

// The example file of docs/fetch.md is valid and is what the tests use.
func TestReadmeExample(t *testing.T) {
	readme, err := os.ReadFile("../docs/fetch.md")
	if err != nil {
		t.Fatal(err)
	}
	start := strings.Index(string(readme), "# /usr/local/etc/pkgaudit.toml\n")
	if start < 0 {
		t.Fatal("docs/fetch.md has no example pkgaudit.toml")
	}
	end := strings.Index(string(readme[start:]), "```")
	example := string(readme[start : start+end])
	want, _ := os.ReadFile("testdata/example.toml")
	if example != string(want) {
		t.Errorf("docs/fetch.md example differs from testdata/example.toml:\n%s", example)
	}
	if err := Check([]byte(example), "docs/fetch.md"); err != nil {
		t.Error(err)
	}
	c, err := LoadPaths(filepath.Join("testdata", "example.toml"), envOf(nil), noPaths())
	if err != nil {
		t.Fatal(err)
	}
	if c.Pkgsrc.Keyring != "/usr/pkg/etc/pkgsrc-security.gpg" || c.Fetch.MaxDownload != 64<<20 || c.Audit.CacheDir != "/var/cache/pkgaudit" {
		t.Errorf("%+v", c)
	}
}
