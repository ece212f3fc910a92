package cli

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runTerminal runs pkgaudit as on a terminal (standard output and error
// are terminals) with the environment env.
func runTerminal(t *testing.T, env map[string]string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := testEnv("", &out, &errb)
	e.IsTerminal = func(io.Writer) bool { return true }
	e.Getenv = func(k string) string { return env[k] }
	code = Main(args, e)
	return out.String(), errb.String(), code
}

// Colour on a terminal only (issue 12, C.8): pkg's text is byte-identical
// when piped or with NO_COLOR.
func TestAuditColour(t *testing.T) {
	db := auditCombinedVuXML(t)
	args := []string{"audit", "-f", db, "curl-8.5.0", "sudo-1.9.16p2"}
	plain, _, code := run(t, "", args...)
	tty, _, code2 := runTerminal(t, nil, args...)
	if code != ExitFound || code2 != ExitFound {
		t.Fatalf("exit %d, %d", code, code2)
	}
	if !strings.Contains(tty, colourRed+"curl-8.5.0 is vulnerable:"+colourReset+"\n") {
		t.Errorf("terminal output not coloured:\n%q", tty)
	}
	if strings.ReplaceAll(strings.ReplaceAll(tty, colourRed, ""), colourReset, "") != plain {
		t.Error("colour changed more than the headings")
	}
	for _, env := range []map[string]string{{"NO_COLOR": "1"}, {"TERM": "dumb"}} {
		if out, _, _ := runTerminal(t, env, args...); out != plain {
			t.Errorf("%v: %q, want the plain text", env, out)
		}
	}
	// --output FILE is never coloured.
	outFile := filepath.Join(t.TempDir(), "report.txt")
	runTerminal(t, nil, append(args, "-o", outFile)...)
	if got, _ := os.ReadFile(outFile); string(got) != plain {
		t.Error("--output file coloured")
	}
}

func TestValidateColourAndProgress(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "2026.xml")
	os.WriteFile(p, []byte(`<?xml version="1.0" encoding="utf-8"?>
<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">
  <vuln vid="NOT-A-UUID">
    <topic>x</topic>
  </vuln>
</vuxml>
`), 0o644)
	plain, _, code := run(t, "", "vuxml", "validate", p)
	tty, stderr, code2 := runTerminal(t, nil, "vuxml", "validate", p)
	if code != ExitFound || code2 != ExitFound || plain == "" {
		t.Fatalf("exit %d, %d, %q", code, code2, plain)
	}
	if !strings.Contains(tty, ": "+colourRed+"error"+colourReset+": ") {
		t.Errorf("terminal findings not coloured:\n%s", tty)
	}
	if strings.NewReplacer(colourRed, "", colourYellow, "", colourReset, "").Replace(tty) != plain {
		t.Error("colour changed more than the severities")
	}
	if !strings.Contains(stderr, "error") { // the summary, after the bar
		t.Errorf("stderr %q", stderr)
	}
	if out, _, _ := runTerminal(t, map[string]string{"NO_COLOR": "1"}, "vuxml", "validate", p); out != plain {
		t.Error("NO_COLOR: coloured")
	}
}

// export osv shows progress on a terminal's standard error; what it
// writes is the same.
func TestExportProgress(t *testing.T) {
	out := t.TempDir()
	plainOut, _, code := run(t, "", "export", "osv", "-f", "../../testdata/vuxml/vuln-2025.xml", "--zip", filepath.Join(out, "a.zip"))
	ttyOut, stderr, code2 := runTerminal(t, nil, "export", "osv", "-f", "../../testdata/vuxml/vuln-2025.xml", "--zip", filepath.Join(out, "b.zip"))
	a, _ := os.ReadFile(filepath.Join(out, "a.zip"))
	b, _ := os.ReadFile(filepath.Join(out, "b.zip"))
	if code != ExitOK || code2 != ExitOK || !bytes.Equal(a, b) || strings.ReplaceAll(plainOut, "a.zip", "b.zip") != ttyOut {
		t.Fatalf("exit %d %d, stdout %q %q", code, code2, plainOut, ttyOut)
	}
	if !strings.Contains(stderr, "(0/2)") { // one database, then the writing
		t.Errorf("no progress on the terminal: %q", stderr)
	}
}
