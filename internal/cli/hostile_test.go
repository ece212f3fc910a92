package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The hostile-input regression tests of the command line (docs/hostile-input.md).

// hostileXZ is a 56-byte xz file whose block header declares a 4 GiB
// LZMA2 dictionary (internal/decompress builds it: xzHostile(40)).
var hostileXZ = []byte{
	0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x01, 0x69, 0x22, 0xde, 0x36,
	0x02, 0x00, 0x21, 0x01, 0x28, 0x00, 0x00, 0x00, 0xe6, 0xa0, 0x11, 0xb3,
	0x01, 0x00, 0x02, 0x68, 0x69, 0x0a, 0x00, 0x00, 0x7a, 0x7a, 0x6f, 0xed,
	0x00, 0x01, 0x17, 0x03, 0x07, 0x60, 0x0c, 0xbc, 0x90, 0x42, 0x99, 0x0d,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x59, 0x5a,
}

// A tiny xz database declaring a 4 GiB dictionary is refused with exit 2
// and a message, before the decoder allocates the dictionary (the runtime
// aborted with a stack dump under a memory limit).
func TestHostileXZDictionary(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vuln.xml.xz")
	if err := os.WriteFile(db, hostileXZ, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"audit", "-f", db, "curl-8.5.0"},
		{"pkgsrc", "check", db},
		{"vuxml", "validate", db},
	} {
		_, errOut, code := run(t, "", args...)
		if code != ExitError || !strings.Contains(errOut, "too much memory") || !strings.Contains(errOut, "xz dictionary") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

// -f DIR: the ports' security/vuxml/vuln/ layout (year files, no wrapper)
// is read as one database, the same as the wrapper; a directory with no
// advisories is exit 2, never "0 problem(s)".
func TestAuditDirectoryDatabases(t *testing.T) {
	dir := t.TempDir()
	vuln := filepath.Join(dir, "vuln")
	for _, y := range []string{"2025", "2026"} {
		data, err := os.ReadFile("../../testdata/vuxml/vuln-" + y + ".xml")
		if err != nil {
			t.Fatal(err)
		}
		auditWrite(t, vuln, y+".xml", string(data))
	}
	ops := []string{"curl-8.5.0", "sudo-1.9.16p2", "chromium-144.0.7559.108", "xrdb-1.0.9"}
	want, _, code := run(t, "", append([]string{"audit", "-f", filepath.Join(vuln, "2026.xml"), "-f", filepath.Join(vuln, "2025.xml")}, ops...)...)
	if code != ExitFound {
		t.Fatalf("files: exit %d", code)
	}
	got, errOut, code := run(t, "", append([]string{"audit", "-f", vuln}, ops...)...)
	if code != ExitFound || got != want {
		t.Errorf("directory: exit %d, stderr %q\n%s\nwant\n%s", code, errOut, got, want)
	}
	// With a cache too, twice.
	for i := range 2 {
		got, errOut, code = run(t, "", append([]string{"audit", "--cache", filepath.Join(dir, "cache"), "-f", vuln}, ops...)...)
		if code != ExitFound || got != want {
			t.Errorf("cached run %d: exit %d, stderr %q", i, code, errOut)
		}
	}
	for name, files := range map[string][]string{
		"empty":   nil,
		"unknown": {"README", "notes.txt"},
	} {
		d := filepath.Join(dir, name)
		os.MkdirAll(d, 0o755)
		for _, f := range files {
			auditWrite(t, d, f, "hello\n")
		}
		out, errOut, code := run(t, "", "audit", "-f", d, "curl-8.5.0")
		if code != ExitError || !strings.Contains(errOut, d+": no advisories in this directory") || strings.Contains(out, "0 problem(s)") {
			t.Errorf("%s: exit %d, stdout %q, stderr %q", name, code, out, errOut)
		}
	}
}

// A file of no known format says what it looks like; a command that
// needs VuXML names the format it was given.
func TestWrongFormatMessages(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join("..", "..", "testdata", "vuxml", "vuln-2026.xml")
	report, _, _ := run(t, "", "audit", "-f", db, "--format", "json", "curl-8.5.0")
	reportPath := auditWrite(t, dir, "report.json", report)
	html := auditWrite(t, dir, "vuln.xml", "<!DOCTYPE html>\n<html><body>502 Bad Gateway</body></html>\n")
	blank := auditWrite(t, dir, "blank.xml", "\n\n<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\"></vuxml>\n")
	pkgsrcDB := filepath.Join("..", "..", "testdata", "pkgsrc", "pkg-vulnerabilities-1.3817")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"audit", "-f", reportPath, "curl-8.5.0"}, ExitError, reportPath + ": this is pkgaudit's own JSON report"},
		{[]string{"audit", "-f", html, "curl-8.5.0"}, ExitError, html + ": this is HTML"},
		{[]string{"audit", "-f", blank, "curl-8.5.0"}, 0, ""},
		{[]string{"vuxml", "validate", pkgsrcDB}, ExitError, pkgsrcDB + ": this is a pkg-vulnerabilities file, where VuXML is expected"},
		{[]string{"vuxml", "validate", html}, ExitError, html + ": this is HTML"},
		{[]string{"vuxml", "match", "x", "-f", pkgsrcDB, "--index", html}, ExitError, "this is a pkg-vulnerabilities file, where VuXML is expected"},
	} {
		_, errOut, code := run(t, "", c.args...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%v: exit %d, stderr %q, want %q", c.args, code, errOut, c.want)
		}
	}
}

// vuxml tidy refuses what is not plain VuXML before rewriting anything.
func TestTidyWrongFormat(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "pkgsrc", "pkg-vulnerabilities-1.3817"))
	if err != nil {
		t.Fatal(err)
	}
	p := auditWrite(t, dir, "pkg-vulnerabilities", string(data))
	_, errOut, code := run(t, "", "vuxml", "tidy", "-w", p)
	if code != ExitError || !strings.Contains(errOut, p+": this is a pkg-vulnerabilities file, where VuXML is expected") {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	if after, _ := os.ReadFile(p); string(after) != string(data) {
		t.Error("the file was changed")
	}
}
