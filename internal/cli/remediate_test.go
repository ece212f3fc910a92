package cli

import (
	"bufio"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/pkgdbtest"
	"github.com/pkgaudit/pkgaudit/remediate"
)

// remediateFreeBSDHost builds a FreeBSD host: local.sqlite with the real
// schema (foo with an rc.d script, enabled in rc.conf, and two packages
// depending on it, directly and not; py39-foo, vulnerable through a <gt>
// range), a root with rc.conf files, and the VuXML fixture of the export
// tests.
func remediateFreeBSDHost(t *testing.T) (dbdir, root, vx string) {
	t.Helper()
	dir := t.TempDir()
	dbdir = filepath.Join(dir, "pkgdb")
	root = filepath.Join(dir, "root")
	for _, d := range []string{dbdir, filepath.Join(root, "etc", "rc.conf.d")} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	path := pkgdbtest.Build(t, dbdir, []pkgdbtest.Pkg{
		{Origin: "security/foo", Name: "foo", Version: "1.1"},
		{Origin: "www/bar", Name: "bar", Version: "2.0", Deps: []string{"foo"}},
		{Origin: "www/baz", Name: "baz", Version: "1.0", Deps: []string{"bar"}},
		{Origin: "devel/py-foo", Name: "py39-foo", Version: "117.0,1"},
		{Origin: "ftp/curl", Name: "curl", Version: "8.9.1"},
	})
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range [][2]string{
		{"foo", "/usr/local/bin/foo"},
		{"foo", "/usr/local/etc/rc.d/foo"},
		{"foo", "/usr/local/etc/rc.d/foo_helper"},
		{"foo", "/usr/local/share/doc/foo/README"},
		{"bar", "/usr/local/etc/rc.d/bar"},
	} {
		if _, err := db.Exec(`INSERT INTO files (path, sha256, package_id) SELECT ?1, '1$0', id FROM packages WHERE name = ?2`, f[1], f[0]); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	write := func(p, s string) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(root, p), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("etc/rc.conf", "hostname=\"host.example.org\"\nfoo_enable=\"NO\"\nsshd_enable=\"YES\"\n")
	write("etc/rc.conf.local", "foo_enable=\"YES\"   # overrides rc.conf\n")
	write("etc/rc.conf.d/foo_helper", "foo_helper_enable=NO\n")
	vx = filepath.Join(dir, "vuln.xml")
	if err := os.WriteFile(vx, []byte(exportFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	return dbdir, root, vx
}

// remediateNetBSDHost builds a NetBSD host: a PKG_DBDIR with +CONTENTS,
// +REQUIRED_BY and +BUILD_INFO (nginx ships an rc.d script that was
// copied to /etc/rc.d and is enabled in rc.conf), and a
// pkg-vulnerabilities file.
func remediateNetBSDHost(t *testing.T) (dbdir, root, pv string) {
	t.Helper()
	dir := t.TempDir()
	dbdir = filepath.Join(dir, "pkgdb")
	root = filepath.Join(dir, "root")
	write := func(p, s string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write(filepath.Join(dbdir, "nginx-1.0.0", "+CONTENTS"), "@name nginx-1.0.0\n@pkgdep openssl>=0.9.8\n@cwd /usr/pkg\n@comment MD5:abc\nsbin/nginx\nshare/examples/rc.d/nginx\n@cwd /usr/pkg\nshare/examples/nginx/nginx.conf\n@dirrm share/examples/nginx\n")
	write(filepath.Join(dbdir, "nginx-1.0.0", "+BUILD_INFO"), "MACHINE_ARCH=x86_64\nPKGPATH=www/nginx\n")
	write(filepath.Join(dbdir, "openssl-0.9.8q", "+CONTENTS"), "@name openssl-0.9.8q\n@cwd /usr/pkg\nbin/openssl\nlib/libssl.so\n")
	write(filepath.Join(dbdir, "openssl-0.9.8q", "+BUILD_INFO"), "PKGPATH=security/openssl\n")
	write(filepath.Join(dbdir, "openssl-0.9.8q", "+REQUIRED_BY"), "nginx-1.0.0\n")
	write(filepath.Join(root, "etc", "rc.conf"), "# local settings\nnginx=YES\n")
	write(filepath.Join(root, "etc", "rc.d", "nginx"), "#!/bin/sh\n")
	pv = filepath.Join(dir, "pkg-vulnerabilities")
	write(pv, exportPkgsrcFixture+"nginx<1.0.1\tremote-code-execution\thttps://example.org/nginx-CVE-2011-0001\n")
	return dbdir, root, pv
}

// remediateScrub replaces the temporary paths of a run by stable names.
func remediateScrub(s string, repl ...string) string {
	return strings.NewReplacer(repl...).Replace(s)
}

func TestRemediateFreeBSDGolden(t *testing.T) {
	dbdir, root, vx := remediateFreeBSDHost(t)
	env := map[string]string{"PKG_DBDIR": dbdir}
	for _, format := range []string{"markdown", "html"} {
		out, stderr, code := runEnv(t, env, "", "remediate", "-f", vx, "--os", "freebsd", "--root", root, "--format", format)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		out = remediateScrub(out, vx, "/var/db/pkg/vuln.xml")
		ext := map[string]string{"markdown": "md", "html": "html"}[format]
		checkGolden(t, "remediate/freebsd."+ext, []byte(out))
		remediateCheckCommands(t, out, format)
	}
	// One package, one advisory.
	out, stderr, code := runEnv(t, env, "", "remediate", "-f", vx, "--os", "freebsd", "--root", root, "py39-foo")
	if code != 0 || strings.Contains(out, "\n---\n") || !strings.HasPrefix(out, "# py39-foo-117.0,1:") {
		t.Errorf("remediate py39-foo: exit %d %s\n%s", code, stderr, out)
	}
	out, _, code = runEnv(t, env, "", "remediate", "-f", vx, "--os", "freebsd", "--root", root, "22222222-2222-11f0-8000-000000000002")
	if code != 0 || out != "No vulnerable packages found.\n" {
		t.Errorf("remediate VID without findings: exit %d\n%s", code, out)
	}
	// The HTML page without findings says so, and nothing failed: exit 0
	// (it used to exit 2 after writing it).
	out, stderr, code = runEnv(t, env, "", "remediate", "-f", vx, "--os", "freebsd", "--root", root, "--format", "html", "22222222-2222-11f0-8000-000000000002")
	if code != 0 || stderr != "" || !strings.Contains(out, "<p>No vulnerable packages found.</p>") {
		t.Errorf("remediate --format html without findings: exit %d %q\n%s", code, stderr, out)
	}
	// A name-version that is not installed is audited as an operand.
	out, _, code = runEnv(t, env, "", "remediate", "-f", vx, "--os", "freebsd", "--root", root, "FreeBSD-14.3_7")
	if code != 0 || !strings.Contains(out, "# FreeBSD-14.3\\_7: FreeBSD -- kernel and base problems") || !strings.Contains(out, "freebsd-update install") {
		t.Errorf("remediate FreeBSD-14.3_7: exit %d\n%.600s", code, out)
	}
}

func TestRemediateNetBSDGolden(t *testing.T) {
	dbdir, root, pv := remediateNetBSDHost(t)
	for _, format := range []string{"markdown", "html"} {
		out, stderr, code := run(t, "", "remediate", "-f", pv, "--pkgsrc-dbdir", dbdir, "--os", "netbsd", "--root", root, "--format", format)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		out = remediateScrub(out, pv, "/usr/pkg/pkgdb/pkg-vulnerabilities", dbdir, "/usr/pkg/pkgdb")
		ext := map[string]string{"markdown": "md", "html": "html"}[format]
		checkGolden(t, "remediate/netbsd."+ext, []byte(out))
		remediateCheckCommands(t, out, format)
	}
	// The same host seen as pkgsrc on SmartOS: other tool paths, no rc.d.
	out, stderr, code := run(t, "", "remediate", "-f", pv, "--pkgsrc-dbdir", dbdir, "--os", "pkgsrc-smartos", "--root", root)
	if code != 0 {
		t.Fatalf("smartos: exit %d: %s", code, stderr)
	}
	out = remediateScrub(out, pv, "/var/db/pkg/pkg-vulnerabilities", dbdir, "/var/db/pkg")
	checkGolden(t, "remediate/smartos.md", []byte(out))
	remediateCheckCommands(t, out, "markdown")
}

func TestRemediateErrors(t *testing.T) {
	dbdir, root, vx := remediateFreeBSDHost(t)
	env := map[string]string{"PKG_DBDIR": dbdir}
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"remediate", "-f", vx, "--format", "pdf"}, "--format"},
		{[]string{"remediate", "-f", vx, "--os", "plan9"}, "unknown system"},
		{[]string{"remediate", "-f", vx, "--all", "foo"}, "exclude"},
		{[]string{"remediate", "-f", vx, "nosuchthing"}, "neither an installed package"},
		{[]string{"remediate", "-f", filepath.Join(root, "missing.xml")}, "no such file"},
	} {
		_, stderr, code := runEnv(t, env, "", tc.args...)
		if code != ExitError || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%v: exit %d, stderr %q (want %q)", tc.args, code, stderr, tc.msg)
		}
	}
	// No installed-package database: nothing was audited, which is no
	// "No vulnerable packages found." (it used to be).
	nodb := map[string]string{"PKG_DBDIR": filepath.Join(root, "nodb")}
	out, stderr, code := runEnv(t, nodb, "", "remediate", "-f", vx, "--os", "freebsd")
	if code != ExitError || out != "" || !strings.Contains(stderr, "nothing was audited") {
		t.Errorf("no local.sqlite: exit %d, stdout %q, stderr %q", code, out, stderr)
	}
	// A missing pkgsrc PKG_DBDIR likewise.
	_, stderr, code = runEnv(t, nil, "", "remediate", "-f", vx, "--os", "netbsd", "--pkgsrc-dbdir", filepath.Join(root, "nodb"))
	if code != ExitError || !strings.Contains(stderr, "expected pkgsrc's installed-package database") {
		t.Errorf("no pkgsrc dbdir: exit %d, stderr %q", code, stderr)
	}
}

// remediateCheckCommands asserts that every command line a guide prints —
// every line of its sh code blocks — comes from remediate.Commands.
func remediateCheckCommands(t *testing.T, out, format string) {
	t.Helper()
	var lines []string
	switch format {
	case "markdown":
		sc := bufio.NewScanner(strings.NewReader(out))
		in := false
		for sc.Scan() {
			l := sc.Text()
			switch {
			case l == "```sh":
				in = true
			case l == "```":
				in = false
			case in:
				lines = append(lines, l)
			}
		}
	case "html":
		for _, part := range strings.Split(out, `<pre><code class="language-sh">`)[1:] {
			block, _, _ := strings.Cut(part, "</code></pre>")
			block = strings.NewReplacer("&amp;", "&", "&lt;", "<", "&gt;", ">", "&#34;", `"`, "&#39;", "'", "&#43;", "+").Replace(block)
			lines = append(lines, strings.Split(block, "\n")...)
		}
	}
	if len(lines) == 0 {
		t.Fatal("no commands in the guides")
	}
	for _, l := range lines {
		if !remediate.Matches(l) {
			t.Errorf("%s guide prints %q, which is not in remediate.Commands", format, l)
		}
	}
}
