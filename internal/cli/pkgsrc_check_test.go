package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPkgsrcCheck(t *testing.T) {
	dir := t.TempDir()
	real, err := os.ReadFile("../../testdata/pkgsrc/pkg-vulnerabilities-1.3817")
	if err != nil {
		t.Fatal(err)
	}
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tampered := strings.Replace(string(real), "remote-root-shell", "remote-root-shelL", 1)
	tests := []struct {
		name, path string
		code       int
		stderr     string
	}{
		{"real file verifies", "../../testdata/pkgsrc/pkg-vulnerabilities-1.3817", 0, ""},
		{"tampered body", write("tampered", tampered), 1, "SHA1 hash doesn't match"},
		{"malformed", write("bad", "#FORMAT 1.0.0\n"), 2, "Input #FORMAT"},
		{"missing", filepath.Join(dir, "nope"), 2, "Cannot open"},
		{"warning only", write("md5", "#FORMAT 1.1.0\nfoo<1 dos http://x\n#CHECKSUM MD5 abc\n"), 0, "Unsupported hash algorithm: MD5"},
	}
	for _, tt := range tests {
		_, errOut, code := run(t, "", "pkgsrc", "check", tt.path)
		if code != tt.code || !strings.Contains(errOut, tt.stderr) || (tt.stderr == "" && errOut != "") {
			t.Errorf("%s: code %d stderr %q, want %d containing %q", tt.name, code, errOut, tt.code, tt.stderr)
		}
	}
}

func TestPkgsrcSourceList(t *testing.T) {
	src, _ := os.ReadFile("../../testdata/pkgsrc/pkgsrc-doc-pkg-vulnerabilities-2024-head.txt")
	p := filepath.Join(t.TempDir(), "doc-pkg-vulnerabilities")
	os.WriteFile(p, src[strings.Index(string(src), "# $NetBSD"):], 0o644)
	if _, errOut, code := run(t, "", "pkgsrc", "check", p); code != 2 || !strings.Contains(errOut, "Input #FORMAT") {
		t.Errorf("without --source-list: %d %q", code, errOut)
	}
	if _, errOut, code := run(t, "", "pkgsrc", "check", "--source-list", p); code != 0 {
		t.Errorf("--source-list: %d %q", code, errOut)
	}
	out, _, code := run(t, "", "pkgsrc", "audit-pkg", "--source-list", "-f", p, "pine-4.21")
	want := "Package pine-4.21 has a remote-user-shell vulnerability, see http://www.securityfocus.com/bid/1709\n" +
		"Package pine-4.21 has a denial-of-service vulnerability, see http://www.securityfocus.com/advisories/2646\n"
	if code != 1 || out != want {
		t.Errorf("audit-pkg --source-list: %d %q", code, out)
	}
}
