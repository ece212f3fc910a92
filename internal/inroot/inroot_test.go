//go:build unix

package inroot

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestOpen(t *testing.T) {
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	os.WriteFile(secret, []byte("host"), 0o600)
	root := t.TempDir()
	db := filepath.Join(root, "var", "db", "pkg")
	os.MkdirAll(db, 0o755)
	os.WriteFile(filepath.Join(db, "local.sqlite"), []byte("jail"), 0o644)
	os.MkdirAll(filepath.Join(root, "data"), 0o755)
	os.WriteFile(filepath.Join(root, "data", "real"), []byte("inside"), 0o644)
	os.Symlink("../../../data/real", filepath.Join(db, "inside-link"))
	os.Symlink(secret, filepath.Join(db, "absolute-link"))
	os.Symlink("../../../../"+filepath.Base(outside)+"/secret", filepath.Join(db, "dotdot-link"))
	os.Symlink(outside, filepath.Join(root, "var", "db", "out"))
	if err := syscall.Mkfifo(filepath.Join(db, "fifo"), 0o644); err != nil {
		t.Fatal(err)
	}

	read := func(name string) (string, error) {
		done := make(chan struct{})
		var s string
		var err error
		go func() {
			defer close(done)
			var f *os.File
			if f, err = Open(root, name); err == nil {
				b, _ := io.ReadAll(f)
				f.Close()
				s = string(b)
			}
		}()
		select {
		case <-done:
			return s, err
		case <-time.After(10 * time.Second):
			t.Fatalf("%s: Open blocked", name)
			return "", nil
		}
	}
	for name, want := range map[string]string{
		"var/db/pkg/local.sqlite":        "jail",
		"var/db/pkg/inside-link":         "inside",
		"var/db/pkg/../pkg/local.sqlite": "jail",
	} {
		if got, err := read(name); err != nil || got != want {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	for name, check := range map[string]func(error) bool{
		"var/db/pkg/absolute-link":                 func(err error) bool { return err != nil },
		"var/db/pkg/dotdot-link":                   func(err error) bool { return err != nil },
		"var/db/out/secret":                        func(err error) bool { return err != nil },
		"../" + filepath.Base(outside) + "/secret": func(err error) bool { return err != nil },
		"var/db/pkg/fifo":                          func(err error) bool { return errors.Is(err, ErrNotRegular) && strings.Contains(err.Error(), "FIFO") },
		"var/db/pkg":                               func(err error) bool { return errors.Is(err, ErrNotRegular) },
		"var/db/pkg/missing":                       func(err error) bool { return errors.Is(err, fs.ErrNotExist) && strings.Contains(err.Error(), root) },
	} {
		got, err := read(name)
		if !check(err) || got == "host" {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}

	dst := filepath.Join(t.TempDir(), "copy")
	if n, err := CopyOut(root, "var/db/pkg/local.sqlite", dst, 100); err != nil || n != 4 {
		t.Fatalf("CopyOut: %d, %v", n, err)
	}
	if b, _ := os.ReadFile(dst); string(b) != "jail" {
		t.Errorf("copy %q", b)
	}
	if _, err := CopyOut(root, "var/db/pkg/local.sqlite", dst+"2", 3); err == nil {
		t.Error("limit not enforced")
	}
	if _, err := os.Stat(dst + "2"); err == nil {
		t.Error("partial copy left behind")
	}
}
