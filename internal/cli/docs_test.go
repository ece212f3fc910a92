package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Every command pkgaudit has must be documented in the README or a page
// of docs/, and in the man page.
func TestCommandsDocumented(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	pages, _ := filepath.Glob("../../docs/*.md")
	for _, p := range pages {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		readme = append(readme, b...)
	}
	man, err := os.ReadFile("../../pkgaudit.8")
	if err != nil {
		t.Fatal(err)
	}
	root := NewRoot(OSEnv())
	for _, c := range root.Commands() {
		if c.Hidden || c.Name() == "help" || (c.HasSubCommands() && len(c.Commands()) == 0) {
			continue
		}
		if !c.HasSubCommands() {
			if !strings.Contains(string(readme), "pkgaudit "+c.Name()) {
				t.Errorf("README.md nor docs/ show `pkgaudit %s`", c.Name())
			}
			if !strings.Contains(string(man), ".Cm "+c.Name()) {
				t.Errorf("pkgaudit.8 does not document %s", c.Name())
			}
		}
		for _, sub := range c.Commands() {
			if !strings.Contains(string(readme), "pkgaudit "+c.Name()+" "+sub.Name()) {
				t.Errorf("README.md nor docs/ show `pkgaudit %s %s`", c.Name(), sub.Name())
			}
		}
	}
}

// Group commands without subcommands yet must not be offered.
func TestHelpListsCommands(t *testing.T) {
	out, _, code := run(t, "", "--help")
	if code != 0 {
		t.Fatalf("--help: code %d", code)
	}
	for _, want := range []string{"version", "pmatch"} {
		if !strings.Contains(out, want) {
			t.Errorf("--help lacks %q:\n%s", want, out)
		}
	}
}
