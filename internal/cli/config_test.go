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
	if _, _, code := run(t, "", "config", "check", filepath.Join(dir, "missing.toml")); code != ExitError {
		t.Errorf("missing: %d", code)
	}
	// A bad file given to any command is an error naming file and line.
	_, errOut, code = run(t, "", "fetch", "--config", bad)
	if code != ExitError || !strings.Contains(errOut, bad+":4: unknown key") {
		t.Errorf("fetch --config bad: %d %q", code, errOut)
	}
}
