package cli

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/vuxml"
)

// vuxmlFlattenPort lays out security/vuxml from the test data: vuln.xml
// and vuln/2003.xml ... vuln/2026.xml (empty for the years without data).
func vuxmlFlattenPort(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "vuln"), 0o755)
	for y := 2003; y <= 2026; y++ {
		var data []byte
		if y == 2003 || y == 2025 || y == 2026 {
			var err error
			if data, err = os.ReadFile("../../testdata/vuxml/vuln-" + strconv.Itoa(y) + ".xml"); err != nil {
				t.Fatal(err)
			}
		}
		os.WriteFile(filepath.Join(dir, "vuln", strconv.Itoa(y)+".xml"), data, 0o644)
	}
	w, err := os.ReadFile("../../testdata/vuxml/vuln-wrapper.example.xml")
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "vuln.xml"), w, 0o644)
	return filepath.Join(dir, "vuln.xml")
}

func TestVuxmlFlatten(t *testing.T) {
	w := vuxmlFlattenPort(t)
	stdout, stderr, code := run(t, "", "vuxml", "flatten", w)
	if code != ExitOK || stderr != "" {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	d, err := vuxml.Parse([]byte(stdout), vuxml.ParseOptions{NoExternalEntities: true})
	if err != nil || len(d.Entries) != 237 {
		t.Fatalf("flattened output: %v", err)
	}
	if !strings.HasPrefix(stdout, `<?xml version="1.0" encoding="utf-8"?>`+"\n<!DOCTYPE vuxml PUBLIC") || strings.Contains(stdout, "&vuln-20") {
		t.Errorf("output starts %q", stdout[:80])
	}

	out := filepath.Join(filepath.Dir(w), "vuln-flat.xml")
	if _, stderr, code := run(t, "", "vuxml", "flatten", "-o", out, w); code != ExitOK || stderr != "" {
		t.Fatalf("-o: exit %d: %s", code, stderr)
	}
	if got, err := os.ReadFile(out); err != nil || string(got) != stdout {
		t.Fatalf("-o wrote %d bytes, %v", len(got), err)
	}

	// an error writes nothing and keeps an existing output file
	os.WriteFile(filepath.Join(filepath.Dir(w), "vuln", "2025.xml"), []byte("<vuln>"), 0o644)
	_, stderr, code = run(t, "", "vuxml", "flatten", "-o", out, w)
	if code != ExitError || !strings.Contains(stderr, "2025.xml") {
		t.Errorf("broken year file: exit %d: %s", code, stderr)
	}
	if got, _ := os.ReadFile(out); string(got) != stdout {
		t.Error("output file changed after an error")
	}
	if _, _, code := run(t, "", "vuxml", "flatten"); code != ExitError {
		t.Errorf("no operand: exit %d", code)
	}
}
