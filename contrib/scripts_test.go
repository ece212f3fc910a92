// Tests of the scheduled-use scripts: each is syntax-checked with sh -n
// under every shell found (dash, bash, sh), then run against a fake
// pkgaudit on PATH that logs how it was called and exits as told, so that
// every path through the script (clean, vulnerable, broken, fetch failure,
// chroots, jails, bad settings) is seen, with its output and exit status
// compared to golden files (go test ./contrib -update to rewrite them).
package contrib_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

var scripts = []string{"periodic/security/415.pkgaudit", "netbsd/daily.local"}

func shells(t *testing.T) []string {
	var found []string
	for _, s := range []string{"dash", "bash", "sh"} {
		if p, err := exec.LookPath(s); err == nil {
			found = append(found, p)
		}
	}
	if len(found) == 0 {
		t.Skip("no shell")
	}
	return found
}

func TestScriptsSyntax(t *testing.T) {
	for _, sh := range shells(t) {
		for _, s := range scripts {
			if out, err := exec.Command(sh, "-n", s).CombinedOutput(); err != nil {
				t.Errorf("%s -n %s: %v\n%s", sh, s, err, out)
			}
		}
	}
}

// fakePkgaudit logs each call ("pkgaudit ARGS [PKG_DBDIR=...]") to
// $FAKE_LOG and exits with $FAKE_FETCH_RC for fetch, $FAKE_AUDIT_RC for
// audit (default 0), printing a line for audit findings.
const fakePkgaudit = `#!/bin/sh
echo "pkgaudit $*${PKG_DBDIR:+ [PKG_DBDIR=$PKG_DBDIR]}" >> "$FAKE_LOG"
case "$1 $2" in
"config show")
	echo '[freebsd]'
	echo 'vulnxml = "/var/db/pkg/vuln.xml"  # derived from freebsd.dbdir'
	exit 0 ;;
"pkgsrc fetch"|fetch*)
	exit "${FAKE_FETCH_RC:-0}" ;;
esac
rc=${FAKE_AUDIT_RC:-0}
case "$PKG_DBDIR $*" in
*nodb*) echo "pkgaudit: no installed-package database at $3/var/db/pkg/local.sqlite: nothing was audited" >&2
	exit 2 ;;
*vulnerable*) rc=1 ;;
esac
[ "$rc" = 1 ] && echo "curl-8.0.0 is vulnerable"
[ "$rc" = 2 ] && echo "pkgaudit: cannot open database" >&2
exit "$rc"
`

const fakeJls = `#!/bin/sh
# jls -j NAME path
case "$2" in
www) echo /jails/www ;;
*) echo "jls: jail \"$2\" not found" >&2; exit 1 ;;
esac
`

type scriptCase struct {
	name string
	env  map[string]string
}

func runScript(t *testing.T, sh, script string, c scriptCase, withPkgaudit bool) string {
	t.Helper()
	bin := t.TempDir()
	log := filepath.Join(t.TempDir(), "log")
	if withPkgaudit {
		os.WriteFile(filepath.Join(bin, "pkgaudit"), []byte(fakePkgaudit), 0o755)
	}
	os.WriteFile(filepath.Join(bin, "jls"), []byte(fakeJls), 0o755)
	// Only the fakes and the basic tools: nothing else named pkgaudit.
	path := bin
	for _, d := range []string{"/usr/bin", "/bin"} {
		path += ":" + d
	}
	cmd := exec.Command(sh, script)
	cmd.Env = []string{"PATH=" + path, "FAKE_LOG=" + log, "HOME=" + t.TempDir()}
	keys := make([]string, 0, len(c.env))
	for k := range c.env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		cmd.Env = append(cmd.Env, k+"="+c.env[k])
	}
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	calls, _ := os.ReadFile(log)
	var b strings.Builder
	fmt.Fprintf(&b, "=== %s", c.name)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%q", k, c.env[k])
	}
	fmt.Fprintf(&b, "\n--- calls\n%s--- output\n%s--- exit %d\n\n", calls, out.String(), code)
	return b.String()
}

func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	p := filepath.Join("testdata", name)
	if *update {
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(p)
	if err != nil {
		t.Fatalf("%v (run with -update)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update and review):\n%s", p, got)
	}
}

func TestPeriodicScript(t *testing.T) {
	on := func(kv ...string) map[string]string {
		m := map[string]string{"security_status_pkgauditgo_enable": "YES"}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	cases := []scriptCase{
		{"disabled", nil},
		{"clean", on()},
		{"vulnerable", on("FAKE_AUDIT_RC", "1")},
		{"vulnerable, quiet", on("FAKE_AUDIT_RC", "1", "security_status_pkgauditgo_quiet", "YES")},
		{"broken", on("FAKE_AUDIT_RC", "2")},
		{"fetch fails", on("FAKE_FETCH_RC", "2")},
		{"pkg's knobs carry over", on("security_status_pkgaudit_expiry", "5", "security_status_pkgaudit_quiet", "yes")},
		{"never fetch", on("security_status_pkgauditgo_expiry", "0")},
		{"bad expiry", on("security_status_pkgauditgo_expiry", "soon")},
		{"chroots", on("security_status_pkgauditgo_chroots", "/chroot/a /chroot/vulnerable")},
		// Issue 11, B.11: a chroot without a package database fails.
		{"chroot without a package database", on("security_status_pkgauditgo_chroots", "/chroot/nodb")},
		{"jails", on("security_status_pkgauditgo_jails", "www down", "security_status_pkgauditgo_flags", "--format markdown")},
	}
	for _, sh := range shells(t) {
		var all strings.Builder
		for _, c := range cases {
			all.WriteString(runScript(t, sh, "periodic/security/415.pkgaudit", c, true))
		}
		all.WriteString(runScript(t, sh, "periodic/security/415.pkgaudit", scriptCase{"pkgaudit not installed", on()}, false))
		checkGolden(t, "periodic.txt", all.String())
	}
}

func TestDailyLocal(t *testing.T) {
	cases := []scriptCase{
		{"clean", nil},
		{"vulnerable", map[string]string{"FAKE_AUDIT_RC": "1"}},
		{"broken", map[string]string{"FAKE_AUDIT_RC": "2"}},
		{"fetch fails", map[string]string{"FAKE_FETCH_RC": "2"}},
		{"fetch fails, vulnerable", map[string]string{"FAKE_FETCH_RC": "2", "FAKE_AUDIT_RC": "1"}},
		{"signed, no fetch, flags", map[string]string{"pkgaudit_daily_signed": "YES", "pkgaudit_daily_fetch": "NO", "pkgaudit_daily_flags": "-e"}},
		{"disabled", map[string]string{"pkgaudit_daily": "NO"}},
	}
	for _, sh := range shells(t) {
		var all strings.Builder
		for _, c := range cases {
			all.WriteString(runScript(t, sh, "netbsd/daily.local", c, true))
		}
		all.WriteString(runScript(t, sh, "netbsd/daily.local", scriptCase{"pkgaudit not installed", nil}, false))
		checkGolden(t, "daily.txt", all.String())
	}
}
