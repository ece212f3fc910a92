package contrib_test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
)

var fleetScripts = []string{"periodic/security/420.pkgaudit-report", "netbsd/daily.local.fleet",
	"rc.d/freebsd/pkgaudit_server", "rc.d/netbsd/pkgaudit_server"}

func TestFleetScriptsSyntax(t *testing.T) {
	for _, sh := range shells(t) {
		for _, s := range fleetScripts {
			if out, err := exec.Command(sh, "-n", s).CombinedOutput(); err != nil {
				t.Errorf("%s -n %s: %v\n%s", sh, s, err, out)
			}
		}
	}
}

// TestFleetReportScripts runs the periodic(8) and daily.local report
// scripts against the fake pkgaudit: the calls they make (the token from
// its file, never on the command line) and their exit status.
func TestFleetReportScripts(t *testing.T) {
	sh := shells(t)[0]
	var b strings.Builder
	on := map[string]string{"security_status_pkgauditreport_enable": "YES", "security_status_pkgauditreport_server": "https://fleet.example.org",
		"security_status_pkgauditreport_token_file": "/dev/null"}
	with := func(extra ...string) map[string]string {
		m := map[string]string{}
		for k, v := range on {
			m[k] = v
		}
		for i := 0; i+1 < len(extra); i += 2 {
			m[extra[i]] = extra[i+1]
		}
		return m
	}
	for _, c := range []scriptCase{
		{"disabled", nil},
		{"no server", map[string]string{"security_status_pkgauditreport_enable": "YES"}},
		{"unreadable token", with("security_status_pkgauditreport_token_file", "/nonexistent/token")},
		{"clean", with()},
		{"vulnerable", with("FAKE_AUDIT_RC", "1")},
		{"report failed", with("FAKE_AUDIT_RC", "2")},
		{"named jails, no base, flags", with("security_status_pkgauditreport_jails", "www db", "security_status_pkgauditreport_base", "NO",
			"security_status_pkgauditreport_flags", "--tag web")},
	} {
		b.WriteString(runScript(t, sh, "periodic/security/420.pkgaudit-report", c, true))
	}
	b.WriteString(runScript(t, sh, "periodic/security/420.pkgaudit-report", scriptCase{"pkgaudit missing", with()}, false))
	nb := map[string]string{"pkgaudit_report_server": "https://fleet.example.org", "PKG_DBDIR": "/usr/pkg/pkgdb"}
	for _, c := range []scriptCase{
		{"netbsd clean", nb},
		{"netbsd vulnerable", map[string]string{"pkgaudit_report_server": "https://fleet.example.org", "PKG_DBDIR": "/vulnerable/pkgdb"}},
		{"netbsd no server", map[string]string{"PKG_DBDIR": "/usr/pkg/pkgdb"}},
		{"netbsd off", map[string]string{"pkgaudit_report": "NO"}},
	} {
		b.WriteString(runScript(t, sh, "netbsd/daily.local.fleet", c, true))
	}
	checkGolden(t, "fleet.txt", b.String())
}

// The systemd unit runs the server with the documented flags and reloads
// with SIGHUP.
func TestSystemdUnit(t *testing.T) {
	data, err := os.ReadFile("systemd/pkgaudit-server.service")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"\nExecStart=/usr/local/bin/pkgaudit server --listen ${PKGAUDIT_LISTEN} --store ${PKGAUDIT_STORE}",
		"\nExecReload=/bin/kill -HUP $MAINPID\n", "\n[Install]\nWantedBy=multi-user.target\n"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("unit lacks %q", want)
		}
	}
}
