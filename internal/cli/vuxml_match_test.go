package cli

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const vuxmlMatchIndex = "../../vuxml/match/testdata/INDEX-14"

func TestVuxmlMatch(t *testing.T) {
	var all bytes.Buffer
	for _, tc := range []struct {
		vid, file string
		code      int
	}{
		{"4b824428-fb93-11f0-b194-8447094a420f", "../../testdata/vuxml/vuln-2026.xml", ExitOK},
		{"5a0e6b8c-1f7d-4c2e-9a3b-6d4f8e2c1a01", "../../vuxml/match/testdata/vuln.xml", ExitFound},
		{"5A0E6B8C-1F7D-4C2E-9A3B-6D4F8E2C1A02", "../../vuxml/match/testdata/vuln.xml", ExitFound},
		{"5a0e6b8c-1f7d-4c2e-9a3b-6d4f8e2c1a03", "../../vuxml/match/testdata/vuln.xml", ExitFound},
	} {
		out, errOut, code := run(t, "", "vuxml", "match", tc.vid, "-f", tc.file, "--index", vuxmlMatchIndex)
		if code != tc.code || errOut != "" {
			t.Errorf("%s: exit %d, stderr %q", tc.vid, code, errOut)
		}
		all.WriteString("$ pkgaudit vuxml match " + tc.vid + "\n" + out + "\n")
	}
	checkGolden(t, "vuxml/match.txt", all.Bytes())
}

func TestVuxmlMatchErrors(t *testing.T) {
	dir := t.TempDir()
	gz := filepath.Join(dir, "INDEX-14.gz")
	data, _ := os.ReadFile(vuxmlMatchIndex)
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	os.WriteFile(gz, b.Bytes(), 0o644)
	// A compressed INDEX reads the same.
	plain, _, _ := run(t, "", "vuxml", "match", "4b824428-fb93-11f0-b194-8447094a420f", "-f", "../../testdata/vuxml/vuln-2026.xml", "--index", vuxmlMatchIndex)
	zipped, _, _ := run(t, "", "vuxml", "match", "4b824428-fb93-11f0-b194-8447094a420f", "-f", "../../testdata/vuxml/vuln-2026.xml", "--index", gz)
	if plain != zipped || plain == "" {
		t.Errorf("gzip INDEX differs:\n%s\n%s", plain, zipped)
	}
	for _, args := range [][]string{
		{"no-such-vid", "-f", "../../testdata/vuxml/vuln-2026.xml", "--index", vuxmlMatchIndex},
		{"4b824428-fb93-11f0-b194-8447094a420f", "-f", "../../testdata/vuxml/vuln-2026.xml"},
		{"4b824428-fb93-11f0-b194-8447094a420f", "-f", "missing.xml", "--index", vuxmlMatchIndex},
		{"4b824428-fb93-11f0-b194-8447094a420f", "-f", "../../testdata/vuxml/vuln-2026.xml", "--index", "missing"},
	} {
		if _, _, code := run(t, "", append([]string{"vuxml", "match"}, args...)...); code != ExitError {
			t.Errorf("%v: exit %d", args, code)
		}
	}
}

func TestVuxmlRelated(t *testing.T) {
	out, errOut, code := run(t, "", "vuxml", "related", "firefox", "chromium", "openssl", "vim", "aspell", "--index", vuxmlMatchIndex)
	if code != ExitFound || errOut != "" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	checkGolden(t, "vuxml/related.txt", []byte(out))
	out, errOut, code = run(t, "", "vuxml", "related", "sudo", "--index", vuxmlMatchIndex)
	if code != ExitOK || !strings.HasPrefix(out, "sudo-1.9.17p1 (security/sudo): the name itself") {
		t.Errorf("sudo: exit %d, %q %q", code, out, errOut)
	}
	_, errOut, code = run(t, "", "vuxml", "related", "no-such-port", "--index", vuxmlMatchIndex)
	if code != ExitOK || !strings.Contains(errOut, "no package of that name") {
		t.Errorf("missing port: exit %d, %q", code, errOut)
	}
	if _, _, code := run(t, "", "vuxml", "related", "firefox"); code != ExitError {
		t.Errorf("without --index: exit %d", code)
	}
}
