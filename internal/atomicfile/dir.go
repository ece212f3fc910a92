package atomicfile

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// This file holds the directory-sized counterpart of Write, for outputs
// that are many files (a static site, a directory of OSV records): they
// are written into a new directory beside the destination, made durable,
// and the directory takes the destination's place in one rename, so that
// a reader sees the old tree or the new one, never a mixture.

// CreateNew creates path, which must not exist yet, with data (mode 0644).
// It does not sync: SyncFiles makes a batch of such files durable at once.
func CreateNew(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// SyncDir makes the entries of dir durable (file systems that cannot sync
// a directory are not an error).
func SyncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return err
	}
	return nil
}

// ReplaceDir replaces dir with a directory that fill populates. fill gets
// an empty temporary directory beside dir and returns the names of the
// files it wrote there (with CreateNew); they are synced (SyncFiles), the
// directory gets mode 0755 and is synced, then it is renamed to dir. An
// existing dir is moved aside first and removed once the new one is in
// place; if the final rename fails, it is put back. On any failure the old
// dir is left as it was and the temporary directory is removed.
func ReplaceDir(dir string, fill func(tmp string) ([]string, error)) (err error) {
	dir = filepath.Clean(dir)
	parent, base := filepath.Dir(dir), filepath.Base(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return err
	}
	tmp, err := os.MkdirTemp(parent, "."+base+".new-")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			os.RemoveAll(tmp)
		}
	}()
	names, err := fill(tmp)
	if err != nil {
		return err
	}
	if err := SyncFiles(tmp, names); err != nil {
		return err
	}
	if err := os.Chmod(tmp, 0o755); err != nil {
		return err
	}
	if err := SyncDir(tmp); err != nil {
		return err
	}
	var old string
	if _, err := os.Lstat(dir); err == nil {
		old = filepath.Join(parent, "."+base+".old-"+filepath.Base(tmp)[len(base)+6:])
		if err := os.Rename(dir, old); err != nil {
			return fmt.Errorf("moving %s aside: %w", dir, err)
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			os.Rename(old, dir) // best effort: put the old one back
		}
		return err
	}
	if err := SyncDir(parent); err != nil {
		return err
	}
	if old != "" {
		return os.RemoveAll(old)
	}
	return nil
}
