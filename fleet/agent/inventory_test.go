package agent

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/pkgdbtest"
)

// A jail's database is read inside the jail only, and a jail without one
// is an error, never an empty (clean) inventory.
func TestJailInventories(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "www")
	os.MkdirAll(filepath.Join(good, "var/db/pkg"), 0o755)
	pkgdbtest.Build(t, filepath.Join(good, "var/db/pkg"), []pkgdbtest.Pkg{{Name: "curl", Version: "8.5.0", Origin: "ftp/curl"}})
	// A jail whose var/db/pkg links to the host's (outside the jail).
	escape := filepath.Join(dir, "escape")
	os.MkdirAll(filepath.Join(escape, "var/db"), 0o755)
	os.Symlink(filepath.Join(good, "var/db/pkg"), filepath.Join(escape, "var/db/pkg"))
	running := []Jail{{Name: "www", Path: good}, {Name: "escape", Path: escape}, {Name: "bare", Path: filepath.Join(dir, "bare")}}

	invs, err := jailInventories(running, []string{"www"})
	if err != nil || len(invs) != 1 || len(invs[0].Packages) != 1 || invs[0].Packages[0].Name != "curl" {
		t.Fatalf("www: %+v %v", invs, err)
	}
	for name, want := range map[string]string{"escape": "jail escape:", "bare": "nothing was audited", "nope": "not running"} {
		if _, err := jailInventories(running, []string{name}); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error containing %q", name, err, want)
		}
	}
	if _, err := jailInventories(running, []string{"all"}); err == nil {
		t.Error("all: the jails without a database were taken as clean")
	}
}
