package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// vuxmlGolden is checkGolden from any working directory.
var vuxmlGoldenDir = func() string {
	d, err := os.Getwd()
	if err != nil {
		panic(err)
	}
	return d
}()

func vuxmlGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	if wd, _ := os.Getwd(); wd != vuxmlGoldenDir {
		t.Chdir(vuxmlGoldenDir)
	}
	checkGolden(t, name, got)
}

// vuxmlValidateRun runs pkgaudit in dir and returns stdout, stderr and the
// exit code in one text for golden files.
func vuxmlValidateRun(t *testing.T, dir string, args ...string) (string, int) {
	t.Helper()
	if dir != "" {
		t.Chdir(dir)
	}
	out, errOut, code := run(t, "", args...)
	return fmt.Sprintf("%s--- stderr\n%s--- exit %d\n", out, errOut, code), code
}

// The real data: every finding is a real problem (reviewed line by line;
// see TestRealData in vuxml/validate for what each check finds).
func TestVuxmlValidateRealData(t *testing.T) {
	got, code := vuxmlValidateRun(t, "../../testdata/vuxml", "vuxml", "validate", "vuln-2003.xml", "vuln-2025.xml", "vuln-2026.xml")
	if code != ExitFound {
		t.Errorf("exit %d", code)
	}
	vuxmlGolden(t, "vuxml/validate-real.txt", []byte(got))
}

func TestVuxmlValidateRealDataJSON(t *testing.T) {
	t.Chdir("../../testdata/vuxml")
	out, _, code := run(t, "", "vuxml", "validate", "--format", "json", "vuln-2003.xml", "vuln-2025.xml", "vuln-2026.xml")
	if code != ExitFound {
		t.Errorf("exit %d", code)
	}
	var doc struct {
		Files    []string
		Errors   int
		Warnings int
		Findings []struct {
			File, Severity, Check, Message, VID string
			Line, Col                           int
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Errors == 0 || doc.Warnings == 0 || len(doc.Findings) != doc.Errors+doc.Warnings {
		t.Errorf("errors %d warnings %d findings %d", doc.Errors, doc.Warnings, len(doc.Findings))
	}
	for _, f := range doc.Findings {
		if f.File == "" || f.Line == 0 || f.Col == 0 || f.Check == "" || f.Message == "" || f.VID == "" {
			t.Errorf("incomplete finding %+v", f)
		}
	}
	vuxmlGolden(t, "vuxml/validate-real.json", []byte(out))
}

// The fixture holds one defect per check (vuxml/validate/testdata/defects).
func TestVuxmlValidateDefects(t *testing.T) {
	got, code := vuxmlValidateRun(t, "../../vuxml/validate/testdata/defects", "vuxml", "validate", "2026.xml")
	if code != ExitFound {
		t.Errorf("exit %d", code)
	}
	// Every check of the list shows up in the fixture.
	js, _, _ := run(t, "", "vuxml", "validate", "--format", "json", "2026.xml")
	list, _, _ := run(t, "", "vuxml", "validate", "--list-checks")
	for _, line := range strings.Split(strings.TrimSpace(list), "\n") {
		id := strings.Fields(line)[0]
		if id == "dates-missing" || id == "range-missing" {
			continue // the parser's structure check reports these where they apply
		}
		if !strings.Contains(js, `"check": "`+id+`"`) {
			t.Errorf("no finding of check %s in the fixture", id)
		}
	}
	vuxmlGolden(t, "vuxml/validate-defects.txt", []byte(got))
}

func TestVuxmlValidateDefectsJSON(t *testing.T) {
	t.Chdir("../../vuxml/validate/testdata/defects")
	out, _, code := run(t, "", "vuxml", "validate", "--format", "json", "2026.xml")
	if code != ExitFound {
		t.Errorf("exit %d", code)
	}
	vuxmlGolden(t, "vuxml/validate-defects.json", []byte(out))
}

// A wrapper is checked through its year files, each with its own
// positions, once even when also named.
func TestVuxmlValidateWrapper(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "vuln"), 0o755)
	for _, y := range []string{"2003", "2026"} {
		data, err := os.ReadFile("../../testdata/vuxml/vuln-" + y + ".xml")
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "vuln", y+".xml"), data, 0o644)
	}
	wrapper := `<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE vuxml PUBLIC "-//vuxml.org//DTD VuXML 1.1//EN" "http://www.vuxml.org/dtd/vuxml-1/vuxml-11.dtd" [
<!ENTITY vuln-2003 SYSTEM "vuln/2003.xml">
<!ENTITY vuln-2026 SYSTEM "vuln/2026.xml">
]>
<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">
&vuln-2026;
&vuln-2003;
</vuxml>
`
	os.WriteFile(filepath.Join(dir, "vuln.xml"), []byte(wrapper), 0o644)
	got, code := vuxmlValidateRun(t, dir, "vuxml", "validate", "vuln.xml", "vuln/2026.xml")
	if code != ExitOK {
		t.Errorf("exit %d (warnings only)", code)
	}
	if _, _, code := run(t, "", "vuxml", "validate", "--strict", "vuln.xml"); code != ExitFound {
		t.Errorf("--strict with warnings: exit %d", code)
	}
	vuxmlGolden(t, "vuxml/validate-wrapper.txt", []byte(got))
	// Refused on request: the wrapper cannot be read at all (exit 2).
	_, errOut, code := run(t, "", "vuxml", "validate", "--no-external-entities", filepath.Join(dir, "vuln.xml"))
	if code != ExitError || !strings.Contains(errOut, "vuln.xml:") || !strings.Contains(errOut, "external") {
		t.Errorf("--no-external-entities: exit %d, stderr %q", code, errOut)
	}
}

func TestVuxmlValidateExitCodes(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	clean := `  <vuln vid="2a4c5f2e-8a8b-4d6e-9f00-1c2d3e4f5a6b">
    <topic>foo -- buffer overflow</topic>
    <affects>
      <package>
	<name>foo</name>
	<range><lt>1.0</lt></range>
      </package>
    </affects>
    <description>
      <body xmlns="http://www.w3.org/1999/xhtml">
	<p>Foo reports.</p>
      </body>
    </description>
    <references>
      <url>https://example.org/a</url>
    </references>
    <dates>
      <discovery>2026-01-01</discovery>
      <entry>2026-01-02</entry>
    </dates>
  </vuln>
`
	os.WriteFile("2026.xml", []byte(clean), 0o644)
	os.WriteFile("warn.xml", []byte(strings.Replace(clean, "foo -- buffer", "foo buffer", 1)), 0o644)
	os.WriteFile("bad.xml", []byte(strings.Replace(clean, "</topic>", "</topik>", 1)), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{[]string{"2026.xml"}, ExitOK, ""},
		{[]string{"warn.xml"}, ExitOK, "warn.xml:2:5: warning: topic"},
		{[]string{"--strict", "warn.xml"}, ExitFound, "warning"},
		{[]string{"bad.xml"}, ExitError, ""},
		{[]string{"missing.xml"}, ExitError, ""},
		{[]string{"--format", "yaml", "2026.xml"}, ExitError, ""},
		{[]string{"--skip", "nonsense", "2026.xml"}, ExitError, ""},
		{[]string{}, ExitError, ""},
	} {
		out, errOut, code := run(t, "", append([]string{"vuxml", "validate"}, tc.args...)...)
		if code != tc.code || !strings.Contains(out, tc.out) {
			t.Errorf("%v: exit %d, out %q, stderr %q", tc.args, code, out, errOut)
		}
	}
	out, _, _ := run(t, "", "vuxml", "validate", "--format", "json", "2026.xml")
	if !strings.Contains(out, `"findings": []`) {
		t.Errorf("json for a clean file: %s", out)
	}
}
