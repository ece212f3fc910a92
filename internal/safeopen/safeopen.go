// Package safeopen opens the files pkgaudit reads (databases, lists,
// package files, INDEX, ignore and configuration files, the year files a
// vuln.xml wrapper includes) so that a path naming a FIFO, a device or a
// socket fails at once instead of blocking: the file is opened without
// blocking (O_NONBLOCK, O_NOCTTY on Unix), its type checked on the open
// descriptor (fstat), and anything but a regular file (or a directory,
// where the caller allows one) is closed and refused.
//
// Standard input ("-") is the callers' business: they read it where they
// document it.
package safeopen

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// ErrNotRegular is matched (errors.Is) by the errors of files that are
// neither regular files nor, where allowed, directories.
var ErrNotRegular = errors.New("not a regular file")

// TypeError says what a refused file is.
type TypeError struct {
	Mode fs.FileMode
}

func (e *TypeError) Error() string {
	switch t := e.Mode.Type(); {
	case t&fs.ModeNamedPipe != 0:
		return "is a named pipe (FIFO), not a regular file"
	case t&fs.ModeCharDevice != 0:
		return "is a character device, not a regular file"
	case t&fs.ModeDevice != 0:
		return "is a block device, not a regular file"
	case t&fs.ModeSocket != 0:
		return "is a socket, not a regular file"
	case t&fs.ModeDir != 0:
		return "is a directory, not a regular file"
	}
	return "is not a regular file"
}

// Is makes errors.Is(err, ErrNotRegular) true.
func (e *TypeError) Is(target error) bool { return target == ErrNotRegular }

// Open opens the regular file at path for reading. A FIFO, a device, a
// socket or a directory is refused with a *fs.PathError whose Err is a
// *TypeError.
func Open(path string) (*os.File, error) {
	f, _, err := open(nil, path, false)
	return f, err
}

// OpenFileOrDir is Open that also accepts a directory; it returns the
// file's information too.
func OpenFileOrDir(path string) (*os.File, fs.FileInfo, error) {
	return open(nil, path, true)
}

// Stat returns the information of the file at path as Open would find
// it: a regular file or a directory, else an error (without blocking).
func Stat(path string) (fs.FileInfo, error) {
	f, st, err := open(nil, path, true)
	if err != nil {
		return nil, err
	}
	f.Close()
	return st, nil
}

// OpenInRoot opens the regular file name, a relative path that must stay
// inside dir (os.OpenInRoot: no "..", no symbolic link out of dir).
func OpenInRoot(dir, name string) (*os.File, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	defer root.Close()
	f, _, err := open(root, name, false)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == name {
			pe.Path = filepath.Join(dir, name)
		}
	}
	return f, err
}

func open(root *os.Root, path string, dirOK bool) (*os.File, fs.FileInfo, error) {
	var f *os.File
	var err error
	if root != nil {
		f, err = root.OpenFile(path, os.O_RDONLY|openFlags, 0)
	} else {
		f, err = os.OpenFile(path, os.O_RDONLY|openFlags, 0)
	}
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() && !(dirOK && st.IsDir()) {
		f.Close()
		return nil, nil, &fs.PathError{Op: "open", Path: path, Err: &TypeError{st.Mode()}}
	}
	if err := setBlocking(f); err != nil {
		f.Close()
		return nil, nil, err
	}
	return f, st, nil
}

// ReadFile reads the whole regular file at path (os.ReadFile, refusing
// what Open refuses).
func ReadFile(path string) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readAll(f)
}

// ReadFileLimit reads the regular file at path, which may hold at most
// limit bytes; a larger one gives ErrTooLarge (wrapped in a
// *fs.PathError).
func ReadFileLimit(path string, limit int64) ([]byte, error) {
	f, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, &fs.PathError{Op: "read", Path: path, Err: ErrTooLarge}
	}
	return data, nil
}

// ErrTooLarge is the error of ReadFileLimit for a file over its limit.
var ErrTooLarge = errors.New("file too large")

func readAll(f *os.File) ([]byte, error) {
	var size int64
	if st, err := f.Stat(); err == nil {
		size = st.Size()
	}
	data := make([]byte, 0, size+1)
	for {
		n, err := f.Read(data[len(data):cap(data)])
		data = data[:len(data)+n]
		if err == io.EOF {
			return data, nil
		}
		if err != nil {
			return nil, err
		}
		if len(data) == cap(data) {
			data = append(data, 0)[:len(data)]
		}
	}
}

// ReadDir reads the directory at path (os.ReadDir: entries sorted by
// name), refusing without blocking a path that is not a directory.
func ReadDir(path string) ([]fs.DirEntry, error) {
	f, st, err := open(nil, path, true)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if !st.IsDir() {
		return nil, &fs.PathError{Op: "readdir", Path: path, Err: errors.New("not a directory")}
	}
	ents, err := f.ReadDir(-1)
	slices.SortFunc(ents, func(a, b fs.DirEntry) int { return strings.Compare(a.Name(), b.Name()) })
	return ents, err
}
