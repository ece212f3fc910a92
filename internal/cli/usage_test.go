package cli

import (
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
