package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

func TestWriteReplacesAndFailureKeepsOld(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "db")
	os.WriteFile(p, []byte("old"), 0o644)
	boom := errors.New("disk full")
	err := Write(p, 0o644, func(w io.Writer) error {
		w.Write([]byte("half"))
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("err %v", err)
	}
	if b, _ := os.ReadFile(p); string(b) != "old" {
		t.Fatalf("old content lost: %q", b)
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Fatalf("temporary file left behind: %v", es)
	}
	if err := Write(p, 0o600, func(w io.Writer) error { _, err := w.Write([]byte("new")); return err }); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(p); string(b) != "new" {
		t.Fatalf("content %q", b)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o600 {
		t.Fatalf("mode %v", st.Mode())
	}
}

// fullDisk is a temporary file on a disk that fills up after room bytes.
type fullDisk struct {
	*os.File
	room int
}

func (f *fullDisk) Write(p []byte) (int, error) {
	if len(p) > f.room {
		n, _ := f.File.Write(p[:f.room])
		f.room = 0
		return n, syscall.ENOSPC
	}
	f.room -= len(p)
	return f.File.Write(p)
}

// failSync fails at fsync, as an NFS server that went away would.
type failSync struct{ *os.File }

func (failSync) Sync() error { return syscall.EIO }

func TestWriteWithOptions(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "vuln.xml")
	mt := time.Date(2026, 11, 1, 10, 0, 0, 0, time.UTC)
	n, err := WriteReader(p, Options{Perm: 0o444, ModTime: mt, MaxSize: 10}, strings.NewReader("0123456789"))
	if err != nil || n != 10 {
		t.Fatalf("n %d, err %v", n, err)
	}
	st, err := os.Stat(p)
	if err != nil || st.Mode().Perm() != 0o444 || !st.ModTime().Equal(mt) {
		t.Fatalf("stat %v %v", st, err)
	}
	// A read-only file is still replaced (rename needs only the directory).
	old := snapshot(t, p)
	for name, tc := range map[string]struct {
		o    Options
		want error
	}{
		"too large": {Options{MaxSize: 5}, ErrTooLarge},
		"disk full": {Options{Create: func(dir, pat string) (File, error) {
			f, err := os.CreateTemp(dir, pat)
			return &fullDisk{File: f, room: 3}, err
		}}, syscall.ENOSPC},
		"sync fails": {Options{Create: func(dir, pat string) (File, error) {
			f, err := os.CreateTemp(dir, pat)
			return failSync{f}, err
		}}, syscall.EIO},
		"cannot create": {Options{Create: func(string, string) (File, error) { return nil, syscall.EROFS }}, syscall.EROFS},
	} {
		_, err := WriteReader(p, tc.o, strings.NewReader("new content"))
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), p) {
			t.Errorf("%s: err %v, want %v naming the file", name, err, tc.want)
		}
		if got := snapshot(t, p); got != old {
			t.Errorf("%s: old file changed: %+v -> %+v", name, old, got)
		}
		if es, _ := os.ReadDir(dir); len(es) != 1 {
			t.Errorf("%s: temporary file left behind: %v", name, es)
		}
	}
	if _, err := WriteReader(p, Options{}, strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(p); st.Mode().Perm() != 0o644 {
		t.Errorf("default mode %v", st.Mode())
	}
}

type fileState struct {
	data  string
	mtime time.Time
	mode  os.FileMode
}

func snapshot(t *testing.T, p string) fileState {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fileState{string(b), st.ModTime(), st.Mode()}
}

// A directory given as the output file is refused by name, before anything
// is written, and left as it was (issue 11, F.23).
func TestWriteToDirectory(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "out")
	os.Mkdir(sub, 0o755)
	os.WriteFile(filepath.Join(sub, "keep"), []byte("x"), 0o644)
	filled := false
	for _, p := range []string{sub, sub + "/", filepath.Join(dir, "missing") + "/"} {
		err := Write(p, 0o644, func(w io.Writer) error { filled = true; _, err := w.Write([]byte("new")); return err })
		if err == nil || err.Error() != p+" is a directory" || !errors.Is(err, ErrIsDir) {
			t.Errorf("Write(%q): %v, want %q", p, err, p+" is a directory")
		}
	}
	if filled {
		t.Error("content produced for a directory destination")
	}
	if es, _ := os.ReadDir(dir); len(es) != 1 {
		t.Errorf("left behind: %v", es)
	}
	if b, _ := os.ReadFile(filepath.Join(sub, "keep")); string(b) != "x" {
		t.Error("directory content changed")
	}
}

// A directory that appears at the destination while the content is
// produced is also reported by name.
func TestWriteDirectoryAppears(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "out")
	err := Write(p, 0o644, func(w io.Writer) error {
		os.Mkdir(p, 0o755)
		os.WriteFile(filepath.Join(p, "f"), nil, 0o644)
		return nil
	})
	if err == nil || err.Error() != p+" is a directory" {
		t.Fatalf("err %v", err)
	}
	if strings.Contains(err.Error(), ".tmp") {
		t.Fatal("temporary name leaked")
	}
}
