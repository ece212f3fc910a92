package cli

import (
	"os"
	"path/filepath"
	"testing"
)

// Issue 11, E.19: an OSV package whose only ranges are GIT ranges (as in
// freebsd/pkg's own OSV test record) is not vulnerable in every version.
func TestAuditOSVGitOnlyRanges(t *testing.T) {
	rec := `{"schema_version": "1.7.0", "id": "FreeBSD-2025-0001", "modified": "2025-05-26T12:30:00Z", "summary": "git only",
  "affected": [{"package": {"ecosystem": "FreeBSD:ports", "name": "git-only"},
    "ranges": [{"type": "GIT", "repo": "https://git.example.org/x", "events": [{"introduced": "ae637a3ad"}, {"fixed": "c14e07db4"}]}]}]}`
	path := filepath.Join(t.TempDir(), "rec.json")
	if err := os.WriteFile(path, []byte(rec), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := run(t, "", "audit", "-f", path, "git-only-1.0")
	if code != ExitOK || out != "0 problem(s) in 0 package(s) found.\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
