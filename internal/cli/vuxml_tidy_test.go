package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const vuxmlTidyFixture = "../../vuxml/tidy/testdata/untidy.xml"

func TestVuxmlTidyStdout(t *testing.T) {
	out, errOut, code := run(t, "", "vuxml", "tidy", vuxmlTidyFixture)
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	want, _ := os.ReadFile("../../vuxml/tidy/testdata/untidy.want.xml")
	if out != string(want) {
		t.Errorf("output differs from untidy.want.xml:\n%s", out)
	}
	if !strings.Contains(errOut, "untidy.xml:24:18: warning: <freebsdpr> holds markup") {
		t.Errorf("loss not reported: %q", errOut)
	}
	// The real files come out byte for byte.
	for _, y := range []string{"2003", "2025", "2026"} {
		path := "../../testdata/vuxml/vuln-" + y + ".xml"
		data, _ := os.ReadFile(path)
		out, _, code := run(t, "", "vuxml", "tidy", path)
		if code != ExitOK || out != string(data) {
			t.Errorf("%s changed", path)
		}
	}
}

func TestVuxmlTidyCheck(t *testing.T) {
	t.Chdir("../../vuxml/tidy/testdata")
	out, errOut, code := run(t, "", "vuxml", "tidy", "--check", "untidy.xml", "untidy.want.xml")
	if code != ExitFound {
		t.Errorf("exit %d", code)
	}
	got := out + "--- stderr\n" + errOut
	_, _, code = run(t, "", "vuxml", "tidy", "--check", "untidy.want.xml")
	if code != ExitOK {
		t.Errorf("tidy file: exit %d", code)
	}
	vuxmlGolden(t, "vuxml/tidy-check.txt", []byte(got))
}

func TestVuxmlTidyWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "2026.xml")
	data, _ := os.ReadFile(vuxmlTidyFixture)
	os.WriteFile(path, data, 0o640)
	_, errOut, code := run(t, "", "vuxml", "tidy", "-w", path)
	if code != ExitOK || !strings.Contains(errOut, "13 change(s)") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got, _ := os.ReadFile(path)
	want, _ := os.ReadFile("../../vuxml/tidy/testdata/untidy.want.xml")
	if string(got) != string(want) {
		t.Errorf("-w result differs")
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o640 {
		t.Errorf("mode %v", st.Mode())
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("temporary files left: %v", es)
	}
	// Idempotent: a second -w changes nothing.
	st1, _ := os.Stat(path)
	_, errOut, code = run(t, "", "vuxml", "tidy", "-w", path)
	st2, _ := os.Stat(path)
	if code != ExitOK || strings.Contains(errOut, "change(s)") || !st1.ModTime().Equal(st2.ModTime()) {
		t.Errorf("second -w: exit %d, %q", code, errOut)
	}
}

func TestVuxmlTidySortAndWhitespace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "2025.xml")
	data, _ := os.ReadFile("../../testdata/vuxml/vuln-2025.xml")
	os.WriteFile(path, data, 0o644)
	out, _, code := run(t, "", "vuxml", "tidy", "--check", "--sort", path)
	if code != ExitFound || !strings.Contains(out, "entries are not in order of their last date") {
		t.Errorf("--check --sort: exit %d, %q", code, out)
	}
	ws := filepath.Join(dir, "ws.xml")
	os.WriteFile(ws, []byte("  <vuln vid=\"a\">  \n        <topic>a</topic>\n  </vuln>\n"), 0o644)
	out, _, code = run(t, "", "vuxml", "tidy", "--check", "--whitespace", ws)
	if code != ExitFound || strings.Count(out, "\n") != 2 {
		t.Errorf("--whitespace --check: exit %d, %q", code, out)
	}
	out, _, _ = run(t, "", "vuxml", "tidy", "--whitespace", ws)
	if out != "  <vuln vid=\"a\">\n\t<topic>a</topic>\n  </vuln>\n" {
		t.Errorf("--whitespace: %q", out)
	}
}

func TestVuxmlTidyErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xml")
	os.WriteFile(bad, []byte("  <vuln vid=\"a\">\n  <topic>x</vuln>\n"), 0o644)
	for _, args := range [][]string{
		{bad},
		{"-w", bad},
		{filepath.Join(dir, "missing.xml")},
		{"-w", "--check", vuxmlTidyFixture},
		{vuxmlTidyFixture, vuxmlTidyFixture},
		{},
	} {
		_, errOut, code := run(t, "", append([]string{"vuxml", "tidy"}, args...)...)
		if code != ExitError {
			t.Errorf("%v: exit %d (%s)", args, code, errOut)
		}
	}
	data, _ := os.ReadFile(bad)
	if string(data) != "  <vuln vid=\"a\">\n  <topic>x</vuln>\n" {
		t.Error("a file that is not XML was touched")
	}
}
