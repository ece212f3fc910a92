package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/config"
	ft "github.com/pkgaudit/pkgaudit/fetch/fetchtest"
)

// runHost runs pkgaudit on the host h whose files are under root.
func runHost(t *testing.T, h config.Host, root string, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := testEnv("", &out, &errb)
	e.Getenv = func(k string) string { return env[k] }
	p := config.HostPaths(h, root)
	e.Paths = &p
	code = Main(args, e)
	return out.String(), errb.String(), code
}

// hintCommand extracts the command of "download it with '...'".
var hintCommand = regexp.MustCompile(`download it with '([^']*)'`)

// TestDefaultsFollowTheHost (issue 11, B.8): on a NetBSD host (pkgsrc in
// /usr/pkg) and on a host without a package system, `pkgaudit audit`
// without a database says how to download it, the command it names
// fetches exactly that database, and `pkgaudit fetch && pkgaudit audit`
// then audits the host's packages against it. (Before, the hint's
// `pkgaudit fetch` got pkgsrc's file on Linux and NetBSD while audit kept
// looking for vuln.xml.)
func TestDefaultsFollowTheHost(t *testing.T) {
	pkgsrcSrv := ft.NewServer(t, ft.Serve(ft.PkgVulns(t, nil), fetchTestNew, ""))
	vuxmlSrv := ft.NewServer(t, ft.Serve(ft.XZ(t, []byte(ft.VuXML)), fetchTestNew, ""))
	for _, c := range []struct {
		name, goos string
		files      []string
		operand    string // audited when the host has no inventory
		want       string // in the audit's output
		database   string // under root, or absolute
	}{
		{"NetBSD", "netbsd", []string{"usr/pkg/sbin/pkg_admin", "usr/pkg/pkgdb/openssl-0.9.8p/+CONTENTS", "usr/pkg/pkgdb/xrdb-1.0.9/+CONTENTS"}, "",
			"openssl-0.9.8p is vulnerable", "usr/pkg/pkgdb/pkg-vulnerabilities"},
		{"Linux with pkgsrc in /opt/local", "linux", []string{"opt/local/etc/pkg_install.conf", "opt/local/pkg/asterisk-1.8.3/+CONTENTS"}, "",
			"asterisk-1.8.3 is vulnerable", "opt/local/pkg/pkg-vulnerabilities"},
		{"Linux", "linux", nil, "curl-8.5.0", "curl-8.5.0 is vulnerable", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			root := t.TempDir()
			for _, f := range c.files {
				p := filepath.Join(root, f)
				os.MkdirAll(filepath.Dir(p), 0o755)
				os.WriteFile(p, nil, 0o644)
			}
			h := config.DetectHost(c.goos, root)
			env := map[string]string{"PKGVULNURL": pkgsrcSrv.URL + "/pkg-vulnerabilities.gz", "VULNXML_SITE": vuxmlSrv.URL + "/vuln.xml.xz"}
			if c.database == "" {
				// No package system: FreeBSD's defaults, in a directory of the test.
				env["PKG_DBDIR"] = filepath.Join(root, "db")
				os.Mkdir(env["PKG_DBDIR"], 0o755)
				c.database = filepath.Join(env["PKG_DBDIR"], "vuln.xml")
			} else {
				c.database = filepath.Join(root, c.database)
			}
			args := []string{"audit"}
			if c.operand != "" {
				args = append(args, c.operand)
			}
			_, errOut, code := runHost(t, h, root, env, args...)
			m := hintCommand.FindStringSubmatch(errOut)
			if code != ExitError || m == nil || !strings.Contains(errOut, c.database) {
				t.Fatalf("audit without a database: code %d, stderr %q; want exit 2 naming %s and a command", code, errOut, c.database)
			}
			if m[1] != "pkgaudit fetch" {
				t.Errorf("hint %q, want 'pkgaudit fetch'", m[1])
			}
			if _, errOut, code := runHost(t, h, root, env, "fetch", "-q"); code != 0 {
				t.Fatalf("fetch: %d %q", code, errOut)
			}
			if _, err := os.Stat(c.database); err != nil {
				t.Fatalf("fetch did not write the database audit reads: %v", err)
			}
			out, errOut, code := runHost(t, h, root, env, args...)
			if code != ExitFound || !strings.Contains(out, c.want) {
				t.Errorf("audit after fetch: code %d, stdout %q, stderr %q; want %q", code, out, errOut, c.want)
			}
			// config show says what the host is and what the defaults are.
			out, _, _ = runHost(t, h, root, env, "config", "show")
			if !strings.Contains(out, "# host: "+h.Kind.String()+" ("+h.Why+"): `pkgaudit fetch` gets the "+map[bool]string{true: "pkgsrc", false: "freebsd"}[h.Kind == config.HostPkgsrc]+" feed into "+c.database) {
				t.Errorf("config show:\n%s", out)
			}
		})
	}
}

// TestMissingDatabaseHint (B.8): the hint names the command that fills
// the very file that is missing.
func TestMissingDatabaseHint(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"audit", "--pkgsrc-dbdir", dir}, "'pkgaudit fetch --feed pkgsrc'"},
		{[]string{"audit", "-f", filepath.Join(dir, "my-vuln.xml"), "curl-8.5.0"}, "'pkgaudit fetch --feed freebsd -o " + filepath.Join(dir, "my-vuln.xml") + "'"},
		{[]string{"audit", "curl-8.5.0"}, "'pkgaudit fetch'"},
	} {
		_, errOut, code := runEnv(t, map[string]string{"PKG_DBDIR": dir}, "", c.args...)
		if code != ExitError || !strings.Contains(errOut, "download it with "+c.want) {
			t.Errorf("%v: code %d, stderr %q; want the hint %s", c.args, code, errOut, c.want)
		}
	}
}

// TestPkgsrcAuditFollowsTheHost (B.8): pkgsrc audit reads the
// pkg_install.conf of the host's pkgsrc prefix, as the pkg_admin built
// for it does, and finds the installed packages there.
func TestPkgsrcAuditFollowsTheHost(t *testing.T) {
	root := t.TempDir()
	dbdir := filepath.Join(root, "var/db/pkgsrc")
	os.MkdirAll(filepath.Join(dbdir, "openssl-0.9.8p"), 0o755)
	os.MkdirAll(filepath.Join(root, "opt/pkg/etc"), 0o755)
	os.WriteFile(filepath.Join(root, "opt/pkg/etc/pkg_install.conf"), []byte("PKG_DBDIR="+dbdir+"\n"), 0o644)
	body, _ := os.ReadFile("../../testdata/pkgsrc/pkg-vulnerabilities-1.3817")
	os.WriteFile(filepath.Join(dbdir, "pkg-vulnerabilities"), body, 0o644)
	out, errOut, code := runHost(t, config.DetectHost("darwin", root), root, nil, "pkgsrc", "audit")
	if code != ExitFound || !strings.Contains(out, "Package openssl-0.9.8p has a denial-of-service vulnerability") {
		t.Errorf("code %d, stdout %q, stderr %q", code, out, errOut)
	}
}
