package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigShow(t *testing.T) {
	dir := t.TempDir()
	conf := filepath.Join(dir, "pkgaudit.toml")
	os.WriteFile(conf, []byte("[fetch]\nmax_download = \"16MiB\"\noffline = true\n\n[audit]\nstale_days = 3\n"), 0o644)
	out, errOut, code := runEnv(t, map[string]string{"PKG_DBDIR": "/var/db/pkg", "VULNXML_SITE": "https://mirror.example/vuln.xml.xz", "PKGAUDIT_CACHE_DIR": "/var/tmp/pkgaudit"}, "", "config", "show", "--config", conf)
	if code != 0 || errOut != "" {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
	checkGolden(t, "fetch/config-show.txt", []byte(strings.ReplaceAll(out, dir, "DIR")))
}

func TestConfigCheck(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	bad := filepath.Join(dir, "bad.toml")
	os.WriteFile(good, []byte("[freebsd]\nsite = \"file:///srv/vuln.xml\"\n"), 0o644)
	os.WriteFile(bad, []byte("[freebsd]\nsite = \"file:///srv/vuln.xml\"\n[fetch]\ntimeuot = \"5m\"\n"), 0o644)
	if _, errOut, code := run(t, "", "config", "check", good); code != 0 || errOut != "" {
		t.Errorf("good: %d %q", code, errOut)
	}
	_, errOut, code := run(t, "", "config", "check", good, bad)
	if code != ExitFound || errOut != "pkgaudit: "+bad+":4: unknown key \"fetch.timeuot\" (known: connect_timeout, idle_timeout, max_download, max_redirects, max_unpacked, offline, timeout)\n" {
		t.Errorf("bad: %d %q", code, errOut)
	}
	// Every error, not the first (issue 12, C.9), in line order.
	many := filepath.Join(dir, "many.toml")
	os.WriteFile(many, []byte("[audit]\nstale_days = -1\nfoo = 1\n[fetch]\nmax_redirects = 500\n[freebsd]\nsite = \"gopher://x\"\n"), 0o644)
	_, errOut, code = run(t, "", "config", "check", many)
	lines := strings.Split(strings.TrimSuffix(errOut, "\n"), "\n")
	if code != ExitFound || len(lines) != 4 || !strings.HasPrefix(lines[0], "pkgaudit: "+many+":2: audit.stale_days") ||
		!strings.HasPrefix(lines[1], "pkgaudit: "+many+":3: unknown key") || !strings.HasPrefix(lines[2], "pkgaudit: "+many+":5: fetch.max_redirects") ||
		!strings.HasPrefix(lines[3], "pkgaudit: "+many+":7: freebsd.site") {
		t.Errorf("many: %d\n%s", code, errOut)
	}
	if _, _, code := run(t, "", "config", "check", filepath.Join(dir, "missing.toml")); code != ExitError {
		t.Errorf("missing: %d", code)
	}
	// A bad file given to any command is an error naming file and line.
	_, errOut, code = run(t, "", "fetch", "--config", bad)
	if code != ExitError || !strings.Contains(errOut, bad+":4: unknown key") {
		t.Errorf("fetch --config bad: %d %q", code, errOut)
	}
}
