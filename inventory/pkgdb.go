package inventory

import (
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pkgaudit/pkgaudit/internal/inroot"

	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// PkgDBFile is the name of FreeBSD pkg's installed-package database inside
// PKG_DBDIR.
const PkgDBFile = "local.sqlite"

// ErrNoSQLite is returned by FromPkgDB on platforms for which the pure-Go
// SQLite driver has no port (netbsd/arm64, illumos, ...).
var ErrNoSQLite = errors.New("reading local.sqlite is not supported on this platform")

// ErrPkgDBAccess is wrapped by FromPkgDB when the database exists but may
// not be read; pkg prints "Insufficient privileges to read the package
// database" for it.
var ErrPkgDBAccess = errors.New("insufficient privileges to read the package database")

// FromPkgDB lists the packages installed according to FreeBSD pkg's
// database dir/local.sqlite (dir is PKG_DBDIR, /var/db/pkg by default),
// ordered by name as pkg audit lists them. Each Package carries its origin
// and, in RequiredBy, the "name-version" of every installed package that
// depends on it directly (the deps table, in the order pkg reads it).
//
// The database is opened read-only and never written. When it does not
// exist FromPkgDB returns no packages and no error: pkg audit treats a
// missing database as "nothing installed" and exits 0.
func FromPkgDB(dir string) ([]Package, error) {
	path, ok, err := pkgDBPath(dir)
	if !ok {
		return nil, err
	}
	var pkgs []Package
	err = readLocalSQLite(path, func(tx *sql.Tx) (err error) {
		pkgs, err = listPackages(tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("reading the package database %s: %w", path, err)
	}
	return pkgs, nil
}

// pkgDBPath returns the path of dir/local.sqlite once it is known to be a
// readable file; ok is false (with a nil error) when it does not exist,
// and false with ErrPkgDBAccess wrapped when it may not be read.
func pkgDBPath(dir string) (path string, ok bool, err error) {
	path = filepath.Join(dir, PkgDBFile)
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return path, false, nil
	case errors.Is(err, fs.ErrPermission):
		return path, false, fmt.Errorf("%s: %w", path, ErrPkgDBAccess)
	case err != nil:
		return path, false, fmt.Errorf("reading the package database: %w", err)
	case st.IsDir():
		return path, false, fmt.Errorf("reading the package database: %s is a directory", path)
	}
	f, err := safeopen.Open(path)
	if errors.Is(err, fs.ErrPermission) {
		return path, false, fmt.Errorf("%s: %w", path, ErrPkgDBAccess)
	}
	if err != nil {
		return path, false, fmt.Errorf("reading the package database: %w", err)
	}
	f.Close()
	return path, true, nil
}

// RootPkgDBDir is where FreeBSD pkg keeps its database inside a system
// root (pkg's default PKG_DBDIR).
const RootPkgDBDir = "var/db/pkg"

// MaxRootPkgDB caps the copy FromPkgDBInRoot makes of a root's database.
const MaxRootPkgDB = 1 << 30

// ErrNoRootPkgDB is wrapped by FromPkgDBInRoot's error when the root has
// no package database: nothing can be audited there.
var ErrNoRootPkgDB = errors.New("no installed-package database")

// FromPkgDBInRoot lists the packages installed in the system whose root
// directory is root (a jail or a chroot), from root/var/db/pkg/local.sqlite,
// as FromPkgDB does. The root belongs to someone else: its database is
// opened inside root only (symbolic links and ".." that would lead out of
// it are refused), without blocking on a FIFO, must be a regular file, and
// is copied (with its -wal file, when there is one) into a private
// temporary directory that SQLite then reads, so that nothing can be
// swapped under it. A root without the database is an error wrapping
// ErrNoRootPkgDB, never "nothing installed".
func FromPkgDBInRoot(root string) ([]Package, error) {
	name := RootPkgDBDir + "/" + PkgDBFile
	path := filepath.Join(root, filepath.FromSlash(name))
	tmp, err := os.MkdirTemp("", "pkgaudit-root-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	if _, err := inroot.CopyOut(root, name, filepath.Join(tmp, PkgDBFile), MaxRootPkgDB); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%w at %s: nothing was audited in %s", ErrNoRootPkgDB, path, root)
		}
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("%s: %w", path, ErrPkgDBAccess)
		}
		return nil, fmt.Errorf("reading the package database: %w", err)
	}
	if _, err := inroot.CopyOut(root, name+"-wal", filepath.Join(tmp, PkgDBFile+"-wal"), MaxRootPkgDB); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("reading the package database: %w", err)
	}
	pkgs, err := FromPkgDB(tmp)
	if err != nil {
		// Name the root's file, not the private copy.
		return nil, &copyError{msg: strings.ReplaceAll(err.Error(), filepath.Join(tmp, PkgDBFile), path), err: err}
	}
	return pkgs, nil
}

type copyError struct {
	msg string
	err error
}

func (e *copyError) Error() string { return e.msg }
func (e *copyError) Unwrap() error { return e.err }
