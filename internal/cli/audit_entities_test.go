package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// A vuln.xml wrapper is read through its year files, unless
// --no-external-entities refuses them (exit 2, naming the reference).
func TestAuditWrapperEntities(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "vuln"), 0o755); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../../testdata/vuxml/vuln-2025.xml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "vuln", "2025.xml"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	wrapper := filepath.Join(dir, "vuln.xml")
	if err := os.WriteFile(wrapper, []byte(`<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE vuxml PUBLIC "-//vuxml.org//DTD VuXML 1.1//EN" "http://www.vuxml.org/dtd/vuxml-1/vuxml-11.dtd" [
<!ENTITY vuln-2025 SYSTEM "vuln/2025.xml">
]>
<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">
&vuln-2025;
</vuxml>
`), 0o644); err != nil {
		t.Fatal(err)
	}
	out, _, code := run(t, "", "audit", "-q", "-f", wrapper, "sudo-1.9.16p2", "sudo-1.9.17p1")
	if code != ExitFound || out != "sudo-1.9.16p2\n" {
		t.Errorf("wrapper: exit %d, stdout %q", code, out)
	}
	out, errOut, code := run(t, "", "audit", "--no-external-entities", "-f", wrapper, "sudo-1.9.16p2")
	if code != ExitError || out != "" || !strings.Contains(errOut, "vuln.xml:6:1: external entity &vuln-2025;") {
		t.Errorf("--no-external-entities: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
