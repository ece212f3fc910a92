package remediate

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/inventory"
)

// Every entry of the table says what its syntax was checked against, and
// every system has the core actions.
func TestCommandsTable(t *testing.T) {
	for _, s := range Systems {
		acts, ok := Commands[s]
		if !ok {
			t.Fatalf("%s: no commands", s)
		}
		for _, a := range []Action{Info, UpgradeBinary, UpgradeSource, RestoreCache, Audit, AuditHost, Fetch} {
			if _, ok := acts[a]; !ok {
				t.Errorf("%s: no %s command", s, a)
			}
		}
		for a, c := range acts {
			if strings.TrimSpace(c.Checked) == "" || strings.TrimSpace(c.Line) == "" {
				t.Errorf("%s %s: empty line or source", s, a)
			}
		}
	}
	if _, ok := Commands[NetBSD][Lock]; ok {
		t.Error("pkgin has no pin command")
	}
	for _, tc := range []struct {
		line string
		want bool
	}{
		{"pkg upgrade curl", true},
		{"/opt/pkg/bin/pkgin install curl", true},
		{"cd /usr/pkgsrc/www/nginx && make replace", true},
		{"pkg upgrade curl; rm -rf /", false},
		{"pkg upgrade", false},
		{"pkgin upgrade curl", false},
		{"rm -rf /", false},
	} {
		if got := Matches(tc.line); got != tc.want {
			t.Errorf("Matches(%q) = %v", tc.line, got)
		}
	}
	if _, ok := Expand(FreeBSD, UpgradeSource, map[string]string{"name": "x"}); ok {
		t.Error("Expand with a missing value succeeded")
	}
	if got, ok := Expand(PkgsrcMacOS, UpgradeBinary, map[string]string{"name": "curl"}); !ok || got != "/opt/pkg/bin/pkgin install curl" {
		t.Errorf("Expand: %q %v", got, ok)
	}
	if _, err := ParseSystem("plan9"); err == nil {
		t.Error("ParseSystem accepted plan9")
	}
}

func TestShellWord(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{`"YES"`, "YES", true}, {`'YES'`, "YES", true}, {`YES`, "YES", true},
		{`"YES" # comment`, "YES", true}, {`YES;`, "YES", true}, {`""`, "", true},
		{`"$foo"`, "", false}, {`$(cmd)`, "", false}, {`"unterminated`, "", false},
		{`YES extra`, "YES", false}, {`ab"c d"e`, "abc de", true},
	} {
		got, ok := shellWord(tc.in)
		if got != tc.want || ok != tc.ok {
			t.Errorf("shellWord(%q) = %q, %v; want %q, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestServices(t *testing.T) {
	root := t.TempDir()
	write := func(p, s string) {
		t.Helper()
		p = filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("etc/rc.conf", "a_enable=YES\nb_enable=\"YES\"\nc=YES\nif true; then d_enable=YES; fi\n")
	write("etc/rc.conf.local", "b_enable=off\n")
	write("usr/local/etc/rc.conf.d/e", "e_enable='TRUE'\n")
	files := []string{"/usr/local/etc/rc.d/a", "/usr/local/etc/rc.d/b", "/usr/local/etc/rc.d/d", "/usr/local/etc/rc.d/e", "/usr/local/etc/rc.d/sub/x", "/usr/local/bin/a"}
	got, err := Services(FreeBSD, root, files)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]bool{"a": true, "b": false, "d": false, "e": true}
	if len(got) != len(want) {
		t.Fatalf("services %+v", got)
	}
	for _, s := range got {
		if s.Enabled != want[s.Name] {
			t.Errorf("%s: enabled %v (%+v)", s.Name, s.Enabled, s)
		}
	}
	// NetBSD: NAME=YES, the example script copied to /etc/rc.d.
	write("etc/rc.d/c", "#!/bin/sh\n")
	got, err = Services(NetBSD, root, []string{"/usr/pkg/share/examples/rc.d/c"})
	if err != nil || len(got) != 1 || !got[0].Enabled || got[0].Active != "/etc/rc.d/c" || got[0].Var != "c" {
		t.Errorf("netbsd: %+v %v", got, err)
	}
	if got, _ := Services(PkgsrcLinux, root, files); got != nil {
		t.Errorf("linux has no rc.d: %+v", got)
	}
}

func TestParseContents(t *testing.T) {
	got, err := inventory.ParseContents(strings.NewReader("@name nginx-1.0.0\n@cwd /usr/pkg\n@comment x\nsbin/nginx\n@ignore\n+DISPLAY\nshare/examples/rc.d/nginx\n@cwd /etc\nnginx.conf\n/abs/file\n"))
	if err != nil {
		t.Fatal(err)
	}
	want := "/usr/pkg/sbin/nginx /usr/pkg/share/examples/rc.d/nginx /etc/nginx.conf /abs/file"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v", got)
	}
}

func TestDemoteHeadings(t *testing.T) {
	in := "# A\n\n> ## B\n\n```\n# not a heading\n```\n###### C"
	want := "### A\n\n> #### B\n\n```\n# not a heading\n```\n###### C"
	if got := demoteHeadings(in); got != want {
		t.Errorf("got %q", got)
	}
}
