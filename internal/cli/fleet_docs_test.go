package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// between returns the fenced block between <!-- BEGIN name --> and
// <!-- END name --> of a markdown file.
func between(t *testing.T, doc, name string) string {
	t.Helper()
	_, rest, ok := strings.Cut(doc, "<!-- BEGIN "+name+" -->\n")
	block, _, ok2 := strings.Cut(rest, "<!-- END "+name+" -->")
	if !ok || !ok2 {
		t.Fatalf("no block %s", name)
	}
	block = strings.TrimSpace(block)
	_, block, _ = strings.Cut(block, "\n") // the opening fence
	return strings.TrimSuffix(block, "```")
}

// TestFleetInFiveMinutes runs the walk-through of docs/fleet.md as
// written, with a pkgaudit built from this tree first on PATH, and
// compares its output with the one the document shows. It builds the
// binary and listens on 127.0.0.1:8765: it runs with PKGAUDIT_LONG=1 or
// under CI=true.
func TestFleetInFiveMinutes(t *testing.T) {
	if os.Getenv("PKGAUDIT_LONG") == "" && os.Getenv("CI") != "true" {
		t.Skip("set PKGAUDIT_LONG=1 to run the fleet walk-through (builds pkgaudit)")
	}
	for _, tool := range []string{"bash", "curl"} {
		if _, err := exec.LookPath(tool); err != nil {
			t.Fatalf("the walk-through needs %s: %v", tool, err)
		}
	}
	doc, err := os.ReadFile("../../docs/fleet.md")
	if err != nil {
		t.Fatal(err)
	}
	script := between(t, string(doc), "five-minutes")
	want := between(t, string(doc), "five-minutes-output")
	// The README shows the same walk-through and output.
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	if between(t, string(readme), "five-minutes") != script || between(t, string(readme), "five-minutes-output") != want {
		t.Error("README.md's fleet walk-through differs from docs/fleet.md's")
	}
	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "pkgaudit"), "./cmd/pkgaudit")
	build.Dir = "../.."
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	cmd := exec.Command("bash", "-c", script)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("walk-through: %v\n%s\n%s", err, out, stderr.String())
	}
	if string(out) != want {
		t.Errorf("walk-through printed\n%s\ndocs/fleet.md shows\n%s", out, want)
	}
}
