package contrib_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ft "github.com/pkgaudit/pkgaudit/fetch/fetchtest"
	"github.com/pkgaudit/pkgaudit/internal/pkgdbtest"
	"github.com/pkgaudit/pkgaudit/internal/testlong"
)

var (
	buildOnce sync.Once
	buildBin  string
	buildErr  error
	buildDir  string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if buildDir != "" {
		os.RemoveAll(buildDir)
	}
	os.Exit(code)
}

// buildPkgaudit builds the real binary, once for all the tests.
func buildPkgaudit(t *testing.T) string {
	t.Helper()
	testlong.Skip(t, "builds pkgaudit")
	buildOnce.Do(func() {
		buildDir, buildErr = os.MkdirTemp("", "pkgaudit-contrib-")
		if buildErr != nil {
			return
		}
		buildBin = filepath.Join(buildDir, "pkgaudit")
		cmd := exec.Command("go", "build", "-o", buildBin, "../cmd/pkgaudit")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if buildErr != nil {
		t.Fatal(buildErr)
	}
	return buildBin
}

func runReal(t *testing.T, script string, env []string) (string, int) {
	t.Helper()
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	cmd := exec.Command(sh, script)
	// The cache directory too is the test's (root's would be /var/cache).
	cmd.Env = append([]string{"PATH=/usr/bin:/bin", "HOME=" + t.TempDir(), "PKGAUDIT_CACHE_DIR=" + t.TempDir()}, env...)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return string(out), code
}

// The periodic script with the real pkgaudit: vuln.xml fetched from a
// file:// site into PKG_DBDIR, the installed packages of a real
// local.sqlite audited against it.
func TestPeriodicEndToEnd(t *testing.T) {
	bin := buildPkgaudit(t)
	dir := t.TempDir()
	site := filepath.Join(dir, "site", "vuln.xml.xz")
	os.MkdirAll(filepath.Dir(site), 0o755)
	os.WriteFile(site, ft.XZ(t, []byte(ft.VuXML)), 0o644)
	db := filepath.Join(dir, "db")
	os.MkdirAll(db, 0o755)
	pkgdbtest.Build(t, db, []pkgdbtest.Pkg{
		{Origin: "ftp/curl", Name: "curl", Version: "8.0.0"},
		{Origin: "security/openssl", Name: "openssl", Version: "3.0.16,1"},
	})
	env := []string{
		"security_status_pkgauditgo_enable=YES",
		"security_status_pkgauditgo_program=" + bin,
		"PKG_DBDIR=" + db,
		"VULNXML_SITE=file://" + site,
	}
	out, code := runReal(t, "periodic/security/415.pkgaudit", env)
	if code != 3 || !strings.Contains(out, "curl-8.0.0 is vulnerable") || !strings.Contains(out, "pkgaudit: vulnerable packages found.") || strings.Contains(out, "openssl-3.0.16") {
		t.Errorf("vulnerable host: exit %d\n%s", code, out)
	}
	st, err := os.Stat(filepath.Join(db, "vuln.xml"))
	if err != nil || st.Mode().Perm() != 0o444 {
		t.Fatalf("database not fetched: %v %v", st, err)
	}
	// Broken: the site is gone and so is the database.
	os.Chmod(filepath.Join(db, "vuln.xml"), 0o644)
	os.Remove(filepath.Join(db, "vuln.xml"))
	os.Remove(site)
	out, code = runReal(t, "periodic/security/415.pkgaudit", env)
	if code != 3 || !strings.Contains(out, "could not be refreshed") || !strings.Contains(out, "the audit failed (exit status 2)") {
		t.Errorf("broken: exit %d\n%s", code, out)
	}
}

// The NetBSD daily.local section with the real pkgsrc fetch and audit.
func TestDailyLocalEndToEnd(t *testing.T) {
	bin := buildPkgaudit(t)
	dir := t.TempDir()
	key := ft.NewKey(t, "pkgsrc-security")
	src := filepath.Join(dir, "pkg-vulnerabilities.gz")
	os.WriteFile(src, ft.PkgVulns(t, key), 0o644)
	kr := filepath.Join(dir, "pkgsrc.asc")
	os.WriteFile(kr, key.PublicArmored, 0o644)
	pkgdb := filepath.Join(dir, "pkgdb")
	for _, p := range []string{"openssl-0.9.8p", "xrdb-1.0.9"} {
		os.MkdirAll(filepath.Join(pkgdb, p), 0o755)
		os.WriteFile(filepath.Join(pkgdb, p, "+CONTENTS"), []byte("@name "+p+"\n"), 0o644)
	}
	env := []string{
		"pkgaudit_program=" + bin,
		"pkgaudit_daily_signed=YES",
		"PKG_DBDIR=" + pkgdb,
		"PKGVULNURL=file://" + src,
		"GPG_KEYRING_PKGVULN=" + kr,
	}
	out, code := runReal(t, "netbsd/daily.local", env)
	want := "Package openssl-0.9.8p has a denial-of-service vulnerability, see http://www.openssl.org/news/secadv_20110208.txt\n"
	if code != 1 || !strings.Contains(out, want) || !strings.Contains(out, "vulnerable packages found") {
		t.Errorf("exit %d\n%s", code, out)
	}
	// The second day: the list is unchanged (up to date), the audit runs.
	time.Sleep(10 * time.Millisecond)
	if out2, code := runReal(t, "netbsd/daily.local", env); code != 1 || !strings.Contains(out2, want) {
		t.Errorf("second run: exit %d\n%s", code, out2)
	}
	// A list signed by someone else is refused; the installed copy stays
	// and is still audited; the section reports itself broken.
	other := ft.NewKey(t, "impostor")
	os.WriteFile(src, ft.PkgVulns(t, other), 0o644)
	later := time.Now().Add(time.Hour)
	os.Chtimes(src, later, later)
	out, code = runReal(t, "netbsd/daily.local", env)
	if code != 2 || !strings.Contains(out, "unable to verify signature") || !strings.Contains(out, "could not be refreshed") || !strings.Contains(out, want) {
		t.Errorf("bad signature: exit %d\n%s", code, out)
	}
}

// Issue 11, B.11: with the real pkgaudit, a chroot without a package
// database, one whose database directory is a link out of it, and one
// whose database is a FIFO each fail the run (exit 3, "the audit in ROOT
// failed") instead of being reported clean, and nothing blocks.
func TestPeriodicChrootsEndToEnd(t *testing.T) {
	bin := buildPkgaudit(t)
	dir := t.TempDir()
	vulnxml := filepath.Join(dir, "db", "vuln.xml")
	os.MkdirAll(filepath.Dir(vulnxml), 0o755)
	os.WriteFile(vulnxml, []byte(ft.VuXML), 0o644)
	pkgdbtest.Build(t, filepath.Dir(vulnxml), []pkgdbtest.Pkg{{Origin: "security/openssl", Name: "openssl", Version: "3.0.16,1"}})
	// The host's database directory also holds a vulnerable package the
	// escaping link must not reach.
	host := filepath.Join(dir, "hostdb")
	os.MkdirAll(host, 0o755)
	pkgdbtest.Build(t, host, []pkgdbtest.Pkg{{Origin: "ftp/curl", Name: "curl", Version: "7.0.0"}})

	good := filepath.Join(dir, "good")
	os.MkdirAll(filepath.Join(good, "var/db/pkg"), 0o755)
	pkgdbtest.Build(t, filepath.Join(good, "var/db/pkg"), []pkgdbtest.Pkg{{Origin: "ftp/curl", Name: "curl", Version: "8.0.0"}})
	empty := filepath.Join(dir, "empty")
	os.MkdirAll(empty, 0o755)
	escape := filepath.Join(dir, "escape")
	os.MkdirAll(filepath.Join(escape, "var/db"), 0o755)
	os.Symlink(host, filepath.Join(escape, "var/db/pkg"))
	fifo := filepath.Join(dir, "fifo")
	os.MkdirAll(filepath.Join(fifo, "var/db/pkg"), 0o755)
	if err := exec.Command("mkfifo", filepath.Join(fifo, "var/db/pkg/local.sqlite")).Run(); err != nil {
		t.Skip("no mkfifo")
	}
	env := []string{
		"security_status_pkgauditgo_enable=YES",
		"security_status_pkgauditgo_program=" + bin,
		"security_status_pkgauditgo_expiry=0",
		"PKG_DBDIR=" + filepath.Dir(vulnxml),
	}
	for _, tc := range []struct {
		root  string
		code  int
		wants []string
	}{
		{good, 3, []string{"curl-8.0.0 is vulnerable", "vulnerable packages found in " + good}},
		{empty, 3, []string{"no installed-package database at " + empty + "/var/db/pkg/local.sqlite", "the audit in " + empty + " failed (exit status 2)"}},
		{escape, 3, []string{"the audit in " + escape + " failed (exit status 2)"}},
		{fifo, 3, []string{"FIFO", "the audit in " + fifo + " failed (exit status 2)"}},
	} {
		done := make(chan struct{})
		var out string
		var code int
		go func() {
			defer close(done)
			out, code = runReal(t, "periodic/security/415.pkgaudit", append(env, "security_status_pkgauditgo_chroots="+tc.root))
		}()
		select {
		case <-done:
		case <-time.After(60 * time.Second):
			t.Fatalf("%s: the periodic script blocked", tc.root)
		}
		if code != tc.code || strings.Contains(out, "curl-7.0.0") {
			t.Errorf("%s: exit %d (want %d)\n%s", tc.root, code, tc.code, out)
		}
		for _, w := range tc.wants {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q\n%s", tc.root, w, out)
			}
		}
	}
}
