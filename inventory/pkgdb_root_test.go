//go:build unix && ((freebsd && (386 || amd64 || arm || arm64)) || (linux && (386 || amd64 || arm || arm64 || loong64 || ppc64le || riscv64 || s390x)) || (netbsd && amd64) || (darwin && (amd64 || arm64)) || (openbsd && (amd64 || arm64)))

package inventory

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/internal/pkgdbtest"
)

// Issue 11, B.11: a jail's database is read inside the jail only, never
// through a link that leaves it, never blocking on a FIFO; a jail without
// one is an error, not "nothing installed".
func TestFromPkgDBInRoot(t *testing.T) {
	host := t.TempDir()
	pkgdbtest.Build(t, host, []pkgdbtest.Pkg{{Origin: "ftp/curl", Name: "curl", Version: "8.0.0"}})

	jail := t.TempDir()
	db := filepath.Join(jail, RootPkgDBDir)
	os.MkdirAll(db, 0o755)
	pkgdbtest.Build(t, db, []pkgdbtest.Pkg{{Origin: "www/nginx", Name: "nginx", Version: "1.26.0"}})
	pkgs, err := FromPkgDBInRoot(jail)
	if err != nil || len(pkgs) != 1 || pkgs[0].Name != "nginx" {
		t.Fatalf("jail: %v, %v", pkgs, err)
	}

	empty := t.TempDir()
	if _, err := FromPkgDBInRoot(empty); !errors.Is(err, ErrNoRootPkgDB) || !strings.Contains(err.Error(), "nothing was audited") {
		t.Errorf("no database: %v", err)
	}

	// var/db/pkg is a link to the host's database directory (absolute,
	// and relative through ..): refused, the host's packages never read.
	for _, target := range []string{host, strings.Repeat("../", 8) + strings.TrimPrefix(host, "/")} {
		evil := t.TempDir()
		os.MkdirAll(filepath.Join(evil, "var", "db"), 0o755)
		if err := os.Symlink(target, filepath.Join(evil, RootPkgDBDir)); err != nil {
			t.Fatal(err)
		}
		pkgs, err := FromPkgDBInRoot(evil)
		if err == nil || len(pkgs) > 0 {
			t.Errorf("link to %s: %v, %v", target, pkgs, err)
		}
	}

	// local.sqlite is a FIFO: an error at once.
	fifo := t.TempDir()
	os.MkdirAll(filepath.Join(fifo, RootPkgDBDir), 0o755)
	if err := syscall.Mkfifo(filepath.Join(fifo, RootPkgDBDir, PkgDBFile), 0o644); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { _, err := FromPkgDBInRoot(fifo); done <- err }()
	select {
	case err := <-done:
		if err == nil || !strings.Contains(err.Error(), "FIFO") {
			t.Errorf("FIFO: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("blocked on a FIFO")
	}
}
