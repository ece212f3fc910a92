package cli

import (
	"bytes"
	"compress/gzip"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Argument errors show the command's usage line after the message
// (issue 12, C.9); runtime errors do not.
func TestUsageLineOnArgumentErrors(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		usage string // "" for none
	}{
		{[]string{"vuxml", "validate"}, "usage: pkgaudit vuxml validate [--format text|json]"},
		{[]string{"audit", "--no-such-flag"}, "usage: pkgaudit audit [flags] [NAME-VERSION...]"},
		{[]string{"audit", "--format", "yaml", "curl-1"}, "usage: pkgaudit audit [flags] [NAME-VERSION...]"},
		{[]string{"version", "-t", "1"}, "usage: pkgaudit version"},
		{[]string{"vuxml", "match", "x"}, "usage: pkgaudit vuxml match VID -f FILE --index INDEX"},
		{[]string{"audit", "-f", "/nonexistent/vuln.xml", "curl-1"}, ""},
		{[]string{"vuxml", "frob"}, "usage: pkgaudit vuxml COMMAND [flags]"},
		{[]string{"frob"}, "usage: pkgaudit COMMAND [flags]"},
	} {
		_, stderr, code := run(t, "", tc.args...)
		lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
		if code != ExitError || !strings.HasPrefix(lines[0], "pkgaudit: ") {
			t.Errorf("%v: exit %d, stderr %q", tc.args, code, stderr)
			continue
		}
		last := lines[len(lines)-1]
		if tc.usage == "" && strings.HasPrefix(last, "usage:") || tc.usage != "" && (len(lines) != 2 || !strings.HasPrefix(last, tc.usage)) {
			t.Errorf("%v: stderr %q, want usage line %q", tc.args, stderr, tc.usage)
		}
	}
}

// The help of vuxml validate and pkgsrc fetch says what the code does
// (issue 12, C.9): what they promise is checked here or by the tests named.
func TestHelpSaysWhatCodeDoes(t *testing.T) {
	help, _, _ := run(t, "", "vuxml", "validate", "--help")
	for _, want := range []string{"may be compressed", "looks like", "summary line on standard", "NO_COLOR", "--skip CHECK"} {
		if !strings.Contains(strings.Join(strings.Fields(help), " "), want) {
			t.Errorf("vuxml validate --help lacks %q", want)
		}
	}
	// A compressed year file validates as the plain one.
	plain, _, code := run(t, "", "vuxml", "validate", "../../testdata/vuxml/vuln-2025.xml")
	dir := t.TempDir()
	data, _ := os.ReadFile("../../testdata/vuxml/vuln-2025.xml")
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(data)
	w.Close()
	p := filepath.Join(dir, "vuln-2025.xml.gz")
	os.WriteFile(p, gz.Bytes(), 0o644)
	got, _, code2 := run(t, "", "vuxml", "validate", p)
	if code2 != code || strings.ReplaceAll(got, p, "F") != strings.ReplaceAll(plain, "../../testdata/vuxml/vuln-2025.xml", "F") {
		t.Errorf("compressed: exit %d (want %d)", code2, code)
	}
	// pkgsrc fetch: checksums, signature exit 1 (TestFetchPkgsrcFeedSigned
	// and the fetch failure goldens), the compiled index, --config.
	help, _, _ = run(t, "", "pkgsrc", "fetch", "--help")
	for _, want := range []string{"#CHECKSUM", "1 the signature check failed", "--config names pkgaudit.toml", "compiled index", "--max-age"} {
		if !strings.Contains(strings.Join(strings.Fields(help), " "), want) {
			t.Errorf("pkgsrc fetch --help lacks %q", want)
		}
	}
}

// Wrong-format inputs say what the file is, and every message names the
// file once (issue 12, C.9).
func TestWrongFormatSaysWhatItIs(t *testing.T) {
	vx := "../../testdata/vuxml/vuln-2025.xml"
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.xml")
	os.WriteFile(text, []byte("not xml at all\n"), 0o644)
	for _, tc := range []struct {
		args []string
		file string
		want string
	}{
		{[]string{"pkgsrc", "check", vx}, vx, "(this is a VuXML file, where a pkg-vulnerabilities file is expected)"},
		{[]string{"pkgsrc", "audit-pkg", "-f", vx, "a-1"}, vx, "(this is a VuXML file, where a pkg-vulnerabilities file is expected)"},
		{[]string{"vuxml", "new", text}, text, "not a VuXML document or year file; left untouched"},
	} {
		_, stderr, code := run(t, "", tc.args...)
		if code != ExitError || !strings.HasPrefix(stderr, "pkgaudit: "+tc.file+":1") || !strings.Contains(stderr, tc.want) || strings.Count(stderr, tc.file) != 1 {
			t.Errorf("%v: exit %d, %q", tc.args, code, stderr)
		}
	}
	missing := filepath.Join(dir, "none")
	for _, args := range [][]string{{"pkgsrc", "check", missing}, {"pkgsrc", "audit-pkg", "-f", missing, "a-1"}} {
		_, stderr, code := run(t, "", args...)
		if code != ExitError || stderr != "pkgaudit: "+missing+": Cannot open: no such file or directory\n" {
			t.Errorf("%v: exit %d, %q", args, code, stderr)
		}
	}
}
