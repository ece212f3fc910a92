//go:build unix

package safeopen

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// mkfifo makes a FIFO nobody writes to: opening it for reading the usual
// way blocks for ever.
func mkfifo(t *testing.T, path string) {
	t.Helper()
	if err := syscall.Mkfifo(path, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
}

// promptly runs f and fails the test if it has not returned in a minute
// (a blocking open never returns; no time is asserted otherwise).
func promptly(t *testing.T, f func() error) error {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- f() }()
	select {
	case err := <-done:
		return err
	case <-time.After(time.Minute):
		t.Fatal("blocked")
		return nil
	}
}

func TestFIFORefused(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "vuln.xml")
	mkfifo(t, fifo)
	for name, open := range map[string]func() error{
		"Open":          func() error { _, err := Open(fifo); return err },
		"OpenFileOrDir": func() error { _, _, err := OpenFileOrDir(fifo); return err },
		"Stat":          func() error { _, err := Stat(fifo); return err },
		"ReadFile":      func() error { _, err := ReadFile(fifo); return err },
		"ReadFileLimit": func() error { _, err := ReadFileLimit(fifo, 10); return err },
		"OpenInRoot":    func() error { _, err := OpenInRoot(dir, "vuln.xml"); return err },
	} {
		err := promptly(t, open)
		if !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), fifo+": is a named pipe (FIFO), not a regular file") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestDevicesAndDirectories(t *testing.T) {
	if _, err := os.Stat("/dev/null"); err == nil {
		if _, err := Open("/dev/null"); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "character device") {
			t.Errorf("/dev/null: %v", err)
		}
	}
	dir := t.TempDir()
	if _, err := Open(dir); !errors.Is(err, ErrNotRegular) || !strings.Contains(err.Error(), "is a directory") {
		t.Errorf("directory: %v", err)
	}
	f, st, err := OpenFileOrDir(dir)
	if err != nil || !st.IsDir() {
		t.Fatalf("OpenFileOrDir(dir): %v", err)
	}
	if names, err := f.Readdirnames(-1); err != nil || len(names) != 0 {
		t.Errorf("Readdirnames: %v %v", names, err)
	}
	f.Close()
	if _, err := Open(filepath.Join(dir, "missing")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

func TestRegularFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "db")
	os.WriteFile(path, []byte("#FORMAT 1.1.0\n"), 0o644)
	if data, err := ReadFile(path); err != nil || string(data) != "#FORMAT 1.1.0\n" {
		t.Errorf("ReadFile: %q %v", data, err)
	}
	if _, err := ReadFileLimit(path, 4); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ReadFileLimit: %v", err)
	}
	// A symbolic link to a regular file is followed; one to a FIFO is not
	// opened.
	os.Symlink(path, filepath.Join(dir, "link"))
	if data, err := ReadFile(filepath.Join(dir, "link")); err != nil || len(data) == 0 {
		t.Errorf("link: %v", err)
	}
	// OpenInRoot stays inside its directory.
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	if _, err := OpenInRoot(filepath.Join(dir, "sub"), "../db"); err == nil {
		t.Error("OpenInRoot left its directory")
	}
	if f, err := OpenInRoot(dir, "db"); err != nil {
		t.Errorf("OpenInRoot: %v", err)
	} else {
		f.Close()
	}
	fifo := filepath.Join(dir, "fifo")
	mkfifo(t, fifo)
	os.Symlink(fifo, filepath.Join(dir, "fifolink"))
	if err := promptly(t, func() error { _, err := ReadFile(filepath.Join(dir, "fifolink")); return err }); !errors.Is(err, ErrNotRegular) {
		t.Errorf("link to a FIFO: %v", err)
	}
}

func TestReadDir(t *testing.T) {
	dir := t.TempDir()
	for _, n := range []string{"b", "a", "c"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	ents, err := ReadDir(dir)
	if err != nil || len(ents) != 3 || ents[0].Name() != "a" || ents[2].Name() != "c" {
		t.Errorf("%v %v", ents, err)
	}
	if _, err := ReadDir(filepath.Join(dir, "a")); err == nil {
		t.Error("a file read as a directory")
	}
	fifo := filepath.Join(dir, "fifo")
	mkfifo(t, fifo)
	if err := promptly(t, func() error { _, err := ReadDir(fifo); return err }); !errors.Is(err, ErrNotRegular) {
		t.Errorf("FIFO: %v", err)
	}
}
