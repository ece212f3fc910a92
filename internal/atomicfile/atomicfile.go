// Package atomicfile replaces files atomically: the new content goes to a
// temporary file in the same directory, is synced, and is renamed over the
// old one, and the directory is synced. On any failure the old file is
// left exactly as it was and the temporary file is removed.
package atomicfile

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// File is the temporary file Write fills. *os.File is one; tests inject
// others (a disk that fills up midway) through Options.Create.
type File interface {
	io.Writer
	Name() string
	Chmod(os.FileMode) error
	Sync() error
	Close() error
}

// Options control WriteWith.
type Options struct {
	// Perm is the mode of the new file (0: 0644).
	Perm os.FileMode
	// ModTime, when not zero, becomes the new file's modification and
	// access time (set before the rename, so that the file never appears
	// with another time).
	ModTime time.Time
	// MaxSize, when positive, caps the content: writing more fails with
	// ErrTooLarge and nothing is replaced.
	MaxSize int64
	// Create makes the temporary file in dir from a pattern as
	// os.CreateTemp does (nil: os.CreateTemp). The returned file's Name
	// must be a path in dir that os.Rename and os.Remove accept.
	Create func(dir, pattern string) (File, error)
}

// ErrTooLarge is returned when more than Options.MaxSize bytes are written.
var ErrTooLarge = errors.New("content exceeds the size limit")

// ErrIsDir is wrapped by the error of a write whose destination is a
// directory (or a path ending in a separator): the message is "PATH is a
// directory", never a rename error naming the temporary file.
var ErrIsDir = errors.New("is a directory")

// isDirError returns the "PATH is a directory" error, or nil when path
// names no directory.
func isDirError(path string) error {
	if path != "" && os.IsPathSeparator(path[len(path)-1]) {
		return &dirError{path}
	}
	if st, err := os.Stat(path); err == nil && st.IsDir() {
		return &dirError{path}
	}
	return nil
}

type dirError struct{ path string }

func (e *dirError) Error() string { return e.path + " is a directory" }
func (e *dirError) Unwrap() error { return ErrIsDir }

// Write replaces path with what fill writes, with permissions perm.
func Write(path string, perm os.FileMode, fill func(io.Writer) error) error {
	return WriteWith(path, Options{Perm: perm}, fill)
}

// WriteReader replaces path with the content of r and returns the number of
// bytes written. Errors name path.
func WriteReader(path string, o Options, r io.Reader) (n int64, err error) {
	err = WriteWith(path, o, func(w io.Writer) error {
		var err error
		n, err = io.Copy(w, r)
		if err != nil && !errors.Is(err, ErrTooLarge) {
			return fmt.Errorf("writing %s: %w", path, bare(err))
		}
		return err
	})
	return n, err
}

// WriteWith replaces path with what fill writes, as o says.
func WriteWith(path string, o Options, fill func(io.Writer) error) (err error) {
	if err := isDirError(path); err != nil {
		return err
	}
	dir := filepath.Dir(path)
	create := o.Create
	if create == nil {
		create = func(dir, pattern string) (File, error) { return os.CreateTemp(dir, pattern) }
	}
	perm := o.Perm
	if perm == 0 {
		perm = 0o644
	}
	tmp, err := create(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("creating a temporary file beside %s: %w", path, bare(err))
	}
	closed := false
	defer func() {
		if err != nil {
			if !closed {
				tmp.Close()
			}
			os.Remove(tmp.Name())
		}
	}()
	// Only Write: an injected File must see every byte (io.Copy would
	// otherwise use *os.File's ReadFrom behind its back).
	var w io.Writer = writeOnly{tmp}
	var lw *limitWriter
	if o.MaxSize > 0 {
		lw = &limitWriter{w: tmp, left: o.MaxSize}
		w = lw
	}
	if err = fill(w); err != nil {
		if lw != nil && lw.over {
			return fmt.Errorf("writing %s: %w", path, ErrTooLarge)
		}
		return err
	}
	if err = tmp.Chmod(perm); err != nil {
		return fmt.Errorf("writing %s: chmod: %w", path, bare(err))
	}
	if err = tmp.Sync(); err != nil {
		return fmt.Errorf("writing %s: fsync: %w", path, bare(err))
	}
	closed = true
	if err = tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: close: %w", path, bare(err))
	}
	if !o.ModTime.IsZero() {
		if err = os.Chtimes(tmp.Name(), o.ModTime, o.ModTime); err != nil {
			return fmt.Errorf("writing %s: setting the time: %w", path, bare(err))
		}
	}
	if err = os.Rename(tmp.Name(), path); err != nil {
		if derr := isDirError(path); derr != nil {
			return derr // a directory appeared there meanwhile
		}
		return fmt.Errorf("replacing %s: %w", path, bare(err))
	}
	if d, derr := os.Open(dir); derr == nil {
		d.Sync() // best effort: not every file system syncs directories
		d.Close()
	}
	return nil
}

// bare drops the *os.PathError around err: its path is the temporary
// file's random name, which says nothing to the user; the message names the
// real file instead.
func bare(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

type writeOnly struct{ w io.Writer }

func (w writeOnly) Write(p []byte) (int, error) { return w.w.Write(p) }

type limitWriter struct {
	w    io.Writer
	left int64
	over bool
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		l.over = true
		n, err := l.w.Write(p[:l.left])
		l.left -= int64(n)
		if err == nil {
			err = ErrTooLarge
		}
		return n, err
	}
	n, err := l.w.Write(p)
	l.left -= int64(n)
	return n, err
}
