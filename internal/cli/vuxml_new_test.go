package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const vuxmlNewTestVID = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"

func vuxmlNewFixedVID(t *testing.T) {
	old := vuxmlNewVID
	vuxmlNewVID = func(v int) (string, error) {
		if v != 1 && v != 4 {
			return old(v)
		}
		return vuxmlNewTestVID, nil
	}
	t.Cleanup(func() { vuxmlNewVID = old })
}

// vuxmlNewPort makes a security/vuxml port directory with the real 2026
// year file.
func vuxmlNewPort(t *testing.T) string {
	t.Helper()
	port := filepath.Join(t.TempDir(), "security", "vuxml")
	os.MkdirAll(filepath.Join(port, "vuln"), 0o755)
	os.WriteFile(filepath.Join(port, "vuln.xml"), []byte("<vuxml/>\n"), 0o644)
	data, err := os.ReadFile("../../testdata/vuxml/vuln-2026.xml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(port, "vuln", "2026.xml"), data, 0o644)
	return port
}

func TestVuxmlNewStdout(t *testing.T) {
	vuxmlNewFixedVID(t)
	out, errOut, code := run(t, "", "vuxml", "new", "-o", "-")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkGolden(t, "vuxml/new-template.xml", []byte(out))
	out, _, code = run(t, "", "vuxml", "new", "-o", "-", "--package", "curl", "--package", "linux-rl9-curl",
		"--ge", "7.0", "--lt", "8.15.0", "--cve", "CVE-2026-1234", "--topic", "curl -- header <injection>",
		"--url", "https://curl.se/docs/CVE-2026-1234.html")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	checkGolden(t, "vuxml/new-filled.xml", []byte(out))
}

func TestVuxmlNewIntoPort(t *testing.T) {
	vuxmlNewFixedVID(t)
	port := vuxmlNewPort(t)
	year := filepath.Join(port, "vuln", "2026.xml")
	before, _ := os.ReadFile(year)
	_, errOut, code := run(t, "", "vuxml", "new", "--dir", port, "--package", "curl", "--lt", "8.15.0")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, vuxmlNewTestVID+" added to "+year+" at line 1") {
		t.Errorf("stderr %q", errOut)
	}
	after, _ := os.ReadFile(year)
	entry, _, _ := run(t, "", "vuxml", "new", "-o", "-", "--package", "curl", "--lt", "8.15.0")
	if string(after) != entry+"\n"+string(before) {
		t.Errorf("the year file is not entry + blank line + old content")
	}
	// Found from PORTSDIR, and from inside the port.
	env := map[string]string{"PORTSDIR": filepath.Dir(filepath.Dir(port))}
	if _, errOut, code := runEnv(t, env, "", "vuxml", "new"); code != ExitOK {
		t.Fatalf("PORTSDIR: exit %d: %s", code, errOut)
	}
	t.Chdir(filepath.Join(port, "vuln"))
	if _, errOut, code := run(t, "", "vuxml", "new"); code != ExitOK {
		t.Fatalf("from the port: exit %d: %s", code, errOut)
	}
	got, _ := os.ReadFile(year)
	if n := strings.Count(string(got), `<vuln vid="`+vuxmlNewTestVID+`">`); n != 3 {
		t.Errorf("%d new entries, want 3", n)
	}
	// $EDITOR runs only with --edit, on the file.
	marker := filepath.Join(t.TempDir(), "edited")
	env = map[string]string{"EDITOR": "cp /dev/null " + marker + "; true"}
	if _, errOut, code := runEnv(t, env, "", "vuxml", "new", "--edit"); code != ExitOK {
		t.Fatalf("--edit: exit %d: %s", code, errOut)
	}
	if _, err := os.Stat(marker); err != nil {
		t.Errorf("EDITOR not run: %v", err)
	}
}

func TestVuxmlNewErrors(t *testing.T) {
	vuxmlNewFixedVID(t)
	port := vuxmlNewPort(t)
	os.Remove(filepath.Join(port, "vuln", "2026.xml"))
	t.Chdir(t.TempDir())
	for _, args := range [][]string{
		{"--dir", port},                  // no 2026.xml yet
		{},                               // not in a port, no PORTSDIR
		{"-o", "x.xml"},                  // -o takes only -
		{"--uuid", "3", "-o", "-"},       // no such UUID version
		{"-o", "-", "--topic", "a\nb"},   // one line only
		{"-o", "-", "--dir", port},       // -o - writes no file
		{"--dir", port, "some/file.xml"}, // both
	} {
		if _, _, code := run(t, "", append([]string{"vuxml", "new"}, args...)...); code != ExitError {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}
