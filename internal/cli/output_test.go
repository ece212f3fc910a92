package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// --output FILE (issue 12, C.8): the report goes to FILE, replaced
// atomically once complete; "-" is standard output; a failed run leaves
// the previous report as it was.
func TestAuditOutputFile(t *testing.T) {
	db := auditCombinedVuXML(t)
	out := filepath.Join(t.TempDir(), "results.sarif")
	want, _, code := run(t, "", "audit", "-f", db, "--format", "sarif", "curl-8.5.0")
	if code != ExitFound {
		t.Fatalf("stdout run: exit %d", code)
	}
	stdout, stderr, code := run(t, "", "audit", "-f", db, "--format", "sarif", "--output", out, "curl-8.5.0")
	got, _ := os.ReadFile(out)
	if code != ExitFound || stdout != "" || stderr != "" || string(got) != want {
		t.Fatalf("--output: exit %d, stdout %q, stderr %q, file %d bytes (want %d)", code, stdout, stderr, len(got), len(want))
	}
	if stdout, _, _ := run(t, "", "audit", "-f", db, "-o", "-", "--format", "sarif", "curl-8.5.0"); stdout != want {
		t.Error("-o - did not write to standard output")
	}
	// A failed audit leaves the previous report.
	if _, stderr, code := run(t, "", "audit", "-f", filepath.Join(t.TempDir(), "none.xml"), "-o", out, "curl-8.5.0"); code != ExitError || stderr == "" {
		t.Fatalf("missing database: exit %d, %q", code, stderr)
	}
	if again, _ := os.ReadFile(out); string(again) != want {
		t.Error("a failed audit touched the --output file")
	}
	if fi, err := os.Stat(out); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v", fi.Mode(), err)
	}
}

func TestRemediateOutputFile(t *testing.T) {
	dbdir, root, vx := remediateFreeBSDHost(t)
	env := map[string]string{"PKG_DBDIR": dbdir}
	out := filepath.Join(t.TempDir(), "guide.md")
	want, stderr, code := runEnv(t, env, "", "remediate", "-f", vx, "--os", "freebsd", "--root", root)
	if code != ExitOK {
		t.Fatalf("stdout run: exit %d: %s", code, stderr)
	}
	stdout, stderr, code2 := runEnv(t, env, "", "remediate", "-f", vx, "--os", "freebsd", "--root", root, "--output", out)
	got, _ := os.ReadFile(out)
	if code2 != code || stdout != "" || stderr != "" || string(got) != want || want == "" {
		t.Fatalf("--output: exit %d, stdout %q, stderr %q, file %q", code2, stdout, stderr, got)
	}
}

// `pkg info | pkgaudit audit --from -`: pkg info's "name-version  comment"
// lines count by their first field.
func TestAuditFromPkgInfo(t *testing.T) {
	db := auditCombinedVuXML(t)
	info := "curl-8.5.0                     Command line tool and library for transferring data with URLs\n" +
		"sudo-1.9.16p2                  Allow others to run commands as root\n"
	stdout, stderr, code := run(t, info, "audit", "-q", "-f", db, "--from", "-")
	if code != ExitFound || stderr != "" || !strings.Contains(stdout, "curl-8.5.0\n") {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

// -f - reads the database from standard input (issue 12, C.8): its format
// detected as for a file, compressed or not, and never cached.
func TestAuditDatabaseFromStdin(t *testing.T) {
	data, err := os.ReadFile("../../testdata/vuxml/vuln-2025.xml")
	if err != nil {
		t.Fatal(err)
	}
	want, _, _ := run(t, "", "audit", "-f", "../../testdata/vuxml/vuln-2025.xml", "curl-8.5.0")
	cache := t.TempDir()
	got, stderr, code := run(t, string(data), "audit", "--cache", cache, "-f", "-", "curl-8.5.0")
	if code != ExitFound || stderr != "" || got != want {
		t.Errorf("exit %d, stderr %q, stdout %q", code, stderr, got)
	}
	if ents, _ := os.ReadDir(cache); len(ents) != 0 {
		t.Errorf("standard input cached: %v", ents)
	}
	pv, _ := os.ReadFile(realPkgVulns)
	if out, _, code := run(t, string(pv), "audit", "-q", "-f", "-", "openssl-0.9.8p"); code != ExitFound || out != "openssl-0.9.8p\n" {
		t.Errorf("pkg-vulnerabilities on stdin: exit %d, %q", code, out)
	}
	_, stderr, code = run(t, "<html><body>Not Found</body></html>\n", "audit", "-f", "-", "curl-8.5.0")
	if code != ExitError || !strings.HasPrefix(stderr, "pkgaudit: -: this is HTML") {
		t.Errorf("HTML on stdin: exit %d, %q", code, stderr)
	}
	_, stderr, code = run(t, "curl-8.5.0\n", "audit", "-f", "-", "--from", "-")
	if code != ExitError || !strings.Contains(stderr, "usage:") {
		t.Errorf("-f - --from -: exit %d, %q", code, stderr)
	}
}
