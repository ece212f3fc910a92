package cli

import (
	"os"
	"strings"
	"testing"
)

// `pkgaudit man` prints pkgaudit.8 as it is in the repository.
func TestManPrintsManPage(t *testing.T) {
	want, err := os.ReadFile("../../pkgaudit.8")
	if err != nil {
		t.Fatal(err)
	}
	out, stderr, code := run(t, "", "man")
	if code != ExitOK || stderr != "" || out != string(want) {
		t.Errorf("exit %d, stderr %q, %d bytes (want %d)", code, stderr, len(out), len(want))
	}
}

// The completion of --format, --os and --feed offers their values.
func TestCompletionValues(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want []string
	}{
		{[]string{"audit", "--format", ""}, []string{"text\t", "sarif\t", "cyclonedx\t", "markdown\t"}},
		{[]string{"remediate", "--format", "h"}, []string{"html\n"}},
		{[]string{"vuxml", "validate", "--format", ""}, []string{"text\n", "json\n"}},
		{[]string{"remediate", "--os", ""}, []string{"freebsd\n", "netbsd\n", "pkgsrc-linux\n"}},
		{[]string{"fetch", "--feed", "pk"}, []string{"pkgsrc\t"}},
	} {
		out, _, code := run(t, "", append([]string{"__complete"}, tc.args...)...)
		for _, w := range tc.want {
			if code != ExitOK || !strings.Contains(out, w) {
				t.Errorf("%v: exit %d, %q lacks %q", tc.args, code, out, w)
			}
		}
		if !strings.HasSuffix(out, ":4\n") { // ShellCompDirectiveNoFileComp
			t.Errorf("%v: %q offers file names", tc.args, out)
		}
	}
}
