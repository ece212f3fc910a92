package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/pkgaudit/pkgaudit/config"
)

// The cache directory: --no-cache, --cache, audit.cache_dir, else the
// default for the user (root: /var/cache/pkgaudit).
func TestCacheDirChoice(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "pkgaudit.toml")
	os.WriteFile(conf, []byte("[audit]\ncache_dir = \"/srv/cache\"\n"), 0o644)
	off := filepath.Join(dir, "off.toml")
	os.WriteFile(off, []byte("[audit]\ncache_dir = \"\"\n"), 0o644)
	for _, c := range []struct {
		name    string
		env     map[string]string
		euid    int
		config  string
		flag    string
		noCache bool
		want    string
	}{
		{"user, XDG", map[string]string{"XDG_CACHE_HOME": "/x", "HOME": "/home/u"}, 1000, "", "", false, "/x/pkgaudit"},
		{"user, HOME", map[string]string{"HOME": "/home/u"}, 1000, "", "", false, "/home/u/.cache/pkgaudit"},
		{"user, nothing", nil, 1000, "", "", false, ""},
		{"root", map[string]string{"XDG_CACHE_HOME": "/x", "HOME": "/root"}, 0, "", "", false, "/var/cache/pkgaudit"},
		{"configured", map[string]string{"HOME": "/home/u"}, 0, conf, "", false, "/srv/cache"},
		{"PKGAUDIT_CACHE_DIR", map[string]string{"PKGAUDIT_CACHE_DIR": "/env", "HOME": "/root"}, 0, conf, "", false, "/env"},
		{"configured off", map[string]string{"HOME": "/home/u"}, 0, off, "", false, ""},
		{"--cache", map[string]string{"HOME": "/home/u"}, 0, conf, "/flag", false, "/flag"},
		{"--no-cache", map[string]string{"HOME": "/home/u"}, 0, "", "", true, ""},
		{"--no-cache beats --cache", nil, 0, conf, "/flag", true, ""},
	} {
		env := testEnv("", &bytes.Buffer{}, &bytes.Buffer{})
		env.Getenv = func(k string) string { return c.env[k] }
		env.Geteuid = func() int { return c.euid }
		cfg, err := config.Load(c.config, env.Getenv)
		if err != nil {
			t.Fatal(err)
		}
		if got := cacheDir(env, cfg, c.flag, c.noCache); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
}

// runAs runs pkgaudit as an ordinary user whose XDG_CACHE_HOME is
// cacheHome.
func runAs(t *testing.T, cacheHome string, args ...string) (string, string, int) {
	t.Helper()
	return runEnv(t, map[string]string{"XDG_CACHE_HOME": cacheHome}, "", args...)
}

// idxFiles lists the cache files under dir.
func idxFiles(t *testing.T, dir string) []string {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, "pkgaudit", "*.idx"))
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// audit -f FILE keeps the compiled index in the default cache directory
// and uses it; it follows the file's content, survives a damaged cache
// file, and --no-cache neither reads nor writes one. Every run prints
// what the uncached audit prints.
func TestAuditDefaultCache(t *testing.T) {
	tmp := t.TempDir()
	db := filepath.Join(tmp, "vuln.xml")
	src, err := os.ReadFile("../../testdata/vuxml/vuln-2026.xml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(db, src, 0o644)
	ops := auditCacheOperands(t, db)
	args := append([]string{"audit", "-f", db, "--"}, ops...)
	noCacheArgs := append([]string{"audit", "--no-cache", "-f", db, "--"}, ops...)
	want, wantErr, wantCode := run(t, "", noCacheArgs...)
	if wantCode != ExitFound {
		t.Fatalf("uncached: exit %d, %s", wantCode, wantErr)
	}
	home := filepath.Join(tmp, "cachehome")
	check := func(what string) {
		t.Helper()
		out, errOut, code := runAs(t, home, args...)
		if out != want || errOut != wantErr || code != wantCode {
			t.Fatalf("%s: exit %d, stderr %q; output differs from the uncached one: %v", what, code, errOut, out != want)
		}
	}

	// --no-cache writes nothing.
	if out, _, _ := runAs(t, home, noCacheArgs...); out != want {
		t.Fatal("--no-cache: output differs")
	}
	if _, err := os.Stat(home); !os.IsNotExist(err) {
		t.Fatalf("--no-cache made the cache directory: %v", err)
	}

	// Cold, then warm: the file is used, not rewritten.
	check("cold")
	files := idxFiles(t, home)
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	before, _ := os.Stat(files[0])
	check("warm")
	if after, _ := os.Stat(files[0]); !os.SameFile(before, after) || !after.ModTime().Equal(before.ModTime()) {
		t.Fatal("the warm run rewrote the cache file: it did not use it")
	}

	// Stale: the database changes; the cache is rebuilt for the new
	// content, in the same file.
	os.WriteFile(db, bytes.Replace(src, []byte("<vuln vid="), []byte("<vuln  vid="), 1), 0o644)
	check("stale")
	if after, _ := os.Stat(files[0]); os.SameFile(before, after) {
		t.Fatal("stale: the cache file was not rebuilt")
	}
	// Another database entirely: the output follows it.
	os.WriteFile(db, []byte(`<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1"></vuxml>`), 0o644)
	if out, errOut, code := runAs(t, home, args...); code != ExitOK || out != "0 problem(s) in 0 package(s) found.\n" {
		t.Fatalf("emptied database: exit %d, %q %q", code, out, errOut)
	}
	os.WriteFile(db, src, 0o644)
	check("content back")

	// Damaged: never trusted, rebuilt.
	for i, damage := range [][]byte{nil, []byte("PKGAUDIX garbage"), append(bytes.Repeat([]byte{0}, 4096), 1)} {
		os.WriteFile(files[0], damage, 0o644)
		check("damaged")
		if st, _ := os.Stat(files[0]); st.Size() < 4096 {
			t.Fatalf("damage %d: not rebuilt (%d bytes)", i, st.Size())
		}
		check("rebuilt")
	}

	// --no-cache does not read it either: a cache file claiming another
	// content would be caught by its checks anyway, so look at the time.
	before, _ = os.Stat(files[0])
	if out, _, _ := runAs(t, home, noCacheArgs...); out != want {
		t.Fatal("--no-cache: output differs")
	}
	if after, _ := os.Stat(files[0]); !after.ModTime().Equal(before.ModTime()) {
		t.Fatal("--no-cache touched the cache file")
	}
}

// A cache directory that cannot be made (beneath a regular file: root
// too is refused) is no error: the audit runs uncached, says nothing
// more, and exits as it would.
func TestAuditCacheDirUnwritable(t *testing.T) {
	tmp := t.TempDir()
	db := "../../testdata/vuxml/vuln-2026.xml"
	ops := auditCacheOperands(t, db)
	want, wantErr, wantCode := run(t, "", append([]string{"audit", "-f", db, "--"}, ops...)...)
	blocker := filepath.Join(tmp, "file")
	os.WriteFile(blocker, nil, 0o644)
	out, errOut, code := runAs(t, blocker, append([]string{"audit", "-f", db, "--"}, ops...)...)
	if out != want || errOut != wantErr || code != wantCode {
		t.Fatalf("exit %d, stderr %q; output differs: %v", code, errOut, out != want)
	}
	// So is a configured one.
	conf := filepath.Join(tmp, "pkgaudit.toml")
	os.WriteFile(conf, []byte("[audit]\ncache_dir = \""+filepath.Join(blocker, "c")+"\"\n"), 0o644)
	out, errOut, code = run(t, "", append([]string{"audit", "--config", conf, "-f", db, "--"}, ops...)...)
	if out != want || errOut != wantErr || code != wantCode {
		t.Fatalf("configured: exit %d, stderr %q; output differs: %v", code, errOut, out != want)
	}
}

// fetch compiles the fetched database's index into the cache directory:
// the first audit after it finds the index warm. --no-cache skips that.
func TestFetchWarmsCache(t *testing.T) {
	tmp := t.TempDir()
	src := auditCombinedVuXML(t)
	abs, _ := filepath.Abs(src)
	dest := filepath.Join(tmp, "vuln.xml")
	home := filepath.Join(tmp, "cachehome")
	if _, errOut, code := runAs(t, home, "fetch", "-q", "--offline", "--no-cache", "--feed", "file://"+abs, "-o", dest); code != ExitOK {
		t.Fatalf("fetch --no-cache: exit %d, %s", code, errOut)
	}
	if len(idxFiles(t, home)) != 0 {
		t.Fatal("fetch --no-cache wrote a cache file")
	}
	if _, errOut, code := runAs(t, home, "fetch", "-q", "--offline", "--force", "--feed", "file://"+abs, "-o", dest); code != ExitOK {
		t.Fatalf("fetch: exit %d, %s", code, errOut)
	}
	files := idxFiles(t, home)
	if len(files) != 1 {
		t.Fatalf("cache files after fetch: %v", files)
	}
	before, _ := os.Stat(files[0])
	ops := auditCacheOperands(t, src)
	want, _, _ := run(t, "", append([]string{"audit", "-f", dest, "--"}, ops...)...)
	out, _, _ := runAs(t, home, append([]string{"audit", "-f", dest, "--"}, ops...)...)
	if out != want {
		t.Fatal("audit after fetch: output differs from the uncached one")
	}
	if after, _ := os.Stat(files[0]); !os.SameFile(before, after) {
		t.Fatal("the audit after fetch rebuilt the cache file: fetch compiled another")
	}
}

// auditCacheOperands are some names of the packages of the testdata
// VuXML files, vulnerable or not.
func auditCacheOperands(t *testing.T, db string) []string {
	return append(auditOSVOperands[:len(auditOSVOperands):len(auditOSVOperands)], "nosuchpkg-1.0")
}
