// Package inroot opens files inside a directory tree that someone else
// controls — the root of a jail or chroot, whose root user may plant
// symbolic links or FIFOs — without ever leaving the tree or blocking.
package inroot

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// ErrNotRegular is wrapped by Open's error for anything but a regular file
// (a FIFO, a device, a socket, a directory).
var ErrNotRegular = safeopen.ErrNotRegular

// Open opens the file name (a slash-separated path relative to root) for
// reading. The path is resolved inside root only: ".." and symbolic links
// are followed while they stay in root, and a path that would leave it (an
// absolute link, a link or ".." above root) is an error, as with openat(2)
// and RESOLVE_BENEATH. The file is opened non-blocking, so a FIFO planted
// there cannot make the caller wait, and it must be a regular file
// (safeopen.OpenInRoot). A file that does not exist gives an error
// wrapping fs.ErrNotExist.
func Open(root, name string) (*os.File, error) {
	return safeopen.OpenInRoot(root, filepath.FromSlash(name))
}

// CopyOut copies the regular file name inside root (opened with Open) to
// dst, a new file, reading at most limit bytes; it returns the number of
// bytes copied.
func CopyOut(root, name, dst string, limit int64) (int64, error) {
	f, err := Open(root, name)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(out, io.LimitReader(f, limit+1))
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil && n > limit {
		err = fmt.Errorf("%s: larger than %d bytes", filepath.Join(root, name), limit)
	}
	if err != nil {
		os.Remove(dst)
		return 0, err
	}
	return n, nil
}
