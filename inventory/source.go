package inventory

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/pkgaudit/pkgaudit/internal/decompress"
)

// Source is one place packages to audit are listed. Every source the
// command line knows has a constructor below; sources combine (the caller
// concatenates their packages).
//
// A source the user names must exist and yield what it claims: a missing
// or unreadable file or directory is an error (exit 2 in the command),
// never an empty list. The one exception is Installed with AllowMissing,
// pkg's "no database means nothing installed".
type Source interface {
	// Describe names the source in messages ("--from list.txt",
	// "local.sqlite in /var/db/pkg").
	Describe() string
	// Packages lists the source's packages. A *PartialError means some
	// entries could not be read: the packages returned are those of the
	// others.
	Packages(ctx context.Context) ([]Package, error)
}

// The constructors, in the order the audit command reads its sources:
//
//	Operands(args)               name-version command-line operands
//	List(path, stdin)            a list file, one name-version a line ("-": stdin)
//	PkgsrcInstalled(dir)         pkgsrc's PKG_DBDIR
//	PackageFiles(dir, namesOnly) *.pkg / *.tgz files under dir
//	PortsIndex(path)             a ports INDEX file (compressed or not)
//	BaseSystem(userland, kernel) the FreeBSD base system of given versions
//	HostBaseSystem()             the FreeBSD base system of this host
//	Installed(dbdir)             FreeBSD pkg's local.sqlite in dbdir

// PartialError is returned by a source that read some of its entries:
// Errs are the entries that failed (each a *FileError for package files).
type PartialError struct{ Errs []error }

func (e *PartialError) Error() string { return errors.Join(e.Errs...).Error() }

// Unwrap returns the entries' errors.
func (e *PartialError) Unwrap() []error { return e.Errs }

// NoDatabaseError is returned by Installed when dbdir holds no
// local.sqlite: nothing was audited.
type NoDatabaseError struct{ Path string }

func (e *NoDatabaseError) Error() string {
	return "no installed-package database at " + e.Path + ": nothing was audited"
}

// Is makes errors.Is(err, fs.ErrNotExist) true.
func (e *NoDatabaseError) Is(target error) bool { return target == fs.ErrNotExist }

type funcSource struct {
	desc string
	list func(ctx context.Context) ([]Package, error)
}

func (s *funcSource) Describe() string { return s.desc }
func (s *funcSource) Packages(ctx context.Context) ([]Package, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.list(ctx)
}

// Packages returns the packages of a fixed list: a server that received a
// host's package list wraps it as a source.
func Packages(desc string, pkgs []Package) Source {
	return &funcSource{desc, func(context.Context) ([]Package, error) { return pkgs, nil }}
}

// Operands lists command-line operands as pkg audit reads them (see
// ParseOperand); an operand that is no package name is an error.
func Operands(args []string) Source {
	return &funcSource{"operands", func(context.Context) ([]Package, error) {
		pkgs := make([]Package, len(args))
		for i, a := range args {
			p, err := ParseOperand(a)
			if err != nil {
				return nil, err
			}
			pkgs[i] = p
		}
		return pkgs, nil
	}}
}

// ParseOperand reads one command-line operand as pkg audit does: split at
// its last '-' into name and version ("py311-requests-2.31.0"); "NAME-" is
// the empty version of NAME; a bare NAME without '-' asks about every
// version. The forms pkg documents are kept, but an operand holding
// blanks or control characters ("curl 8.5.0") or with an empty name
// ("-1.0", "") is refused, as the same line is in a list file.
func ParseOperand(s string) (Package, error) {
	if i := strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }); i >= 0 {
		return Package{}, fmt.Errorf("operand %q: not a package name (name-version): it holds a blank or control character at byte %d", s, i+1)
	}
	p := pkgFromFullName(s)
	if p.Name == "" {
		return Package{}, fmt.Errorf("operand %q: not a package name (name-version): the name is empty", s)
	}
	return p, nil
}

// List reads a list file, one name-version a line (see FromList); path
// "-" reads stdin.
func List(path string, stdin io.Reader) Source {
	desc := "--from " + path
	return &funcSource{desc, func(context.Context) ([]Package, error) {
		if path == "-" {
			if stdin == nil {
				return nil, errors.New("--from -: no standard input")
			}
			return FromList(stdin, "-")
		}
		fh, err := openRegular(path, "a list file of name-version lines")
		if err != nil {
			return nil, err
		}
		defer fh.Close()
		return FromList(fh, path)
	}}
}

// PkgsrcInstalled lists pkgsrc's installed packages in the PKG_DBDIR dir;
// dir must be a directory.
func PkgsrcInstalled(dir string) Source {
	return &funcSource{"pkgsrc PKG_DBDIR " + dir, func(context.Context) ([]Package, error) {
		if err := checkDir(dir, "pkgsrc's installed-package database, a PKG_DBDIR directory"); err != nil {
			return nil, err
		}
		return FromPkgsrcDB(dir)
	}}
}

// PackageFiles lists the package files under dir: their metadata
// (FromPackageDir), or with namesOnly their names as pkg audit -d does
// (FromPackageDirNames). Files that cannot be read give a *PartialError.
func PackageFiles(dir string, namesOnly bool) Source {
	return &funcSource{"package files under " + dir, func(context.Context) ([]Package, error) {
		if err := checkDir(dir, "a directory of package files (*.pkg, *.tgz)"); err != nil {
			return nil, err
		}
		if namesOnly {
			return FromPackageDirNames(dir)
		}
		pkgs, err := FromPackageDir(dir)
		var fe *FileError
		if err != nil && errors.As(err, &fe) {
			var errs []error
			if j, ok := err.(interface{ Unwrap() []error }); ok {
				errs = j.Unwrap()
			} else {
				errs = []error{err}
			}
			return pkgs, &PartialError{errs}
		}
		return pkgs, err
	}}
}

// PortsIndex lists the ports of a ports INDEX file, compressed or not.
func PortsIndex(path string) Source {
	return &funcSource{"ports INDEX " + path, func(context.Context) ([]Package, error) {
		return ReadIndexFile(path)
	}}
}

// ReadIndexFile reads a ports INDEX file, compressed or not.
func ReadIndexFile(path string) ([]Package, error) {
	if path == "-" {
		return nil, errors.New("--index: give a file, not standard input")
	}
	fh, err := openRegular(path, "a ports INDEX file")
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	data, err := io.ReadAll(io.LimitReader(fh, decompress.DefaultLimit+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if decompress.Sniff(data) != decompress.Plain {
		if data, err = decompress.Bytes(data, decompress.DefaultLimit); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	return FromIndex(bytes.NewReader(data), path)
}

// BaseSystem is the FreeBSD base system of the given freebsd-version(1)
// strings (see Base); each given string must be one
// (ValidFreeBSDVersion).
func BaseSystem(userland, kernel string) Source {
	return &funcSource{"--base-version " + userland + "," + kernel, func(context.Context) ([]Package, error) {
		for _, v := range []string{userland, kernel} {
			if v != "" && !ValidFreeBSDVersion(v) {
				return nil, fmt.Errorf("--base-version: %q is not freebsd-version(1) output: expected a string like 14.3-RELEASE-p2 (or -STABLE, -CURRENT, -PRERELEASE, -BETA1, -RC2, -ALPHA1)", v)
			}
		}
		return Base(userland, kernel)
	}}
}

// ValidFreeBSDVersion reports whether s is what freebsd-version(1) prints:
// MAJOR.MINOR-BRANCH[-pN], BRANCH one of RELEASE, STABLE, CURRENT,
// PRERELEASE, BETAn, RCn, ALPHAn.
func ValidFreeBSDVersion(s string) bool {
	num, rest, ok := strings.Cut(s, "-")
	if !ok {
		return false
	}
	maj, minor, ok := strings.Cut(num, ".")
	if !ok || !digits(maj) || !digits(minor) {
		return false
	}
	branch, patch, hasPatch := strings.Cut(rest, "-")
	if hasPatch && (len(patch) < 2 || patch[0] != 'p' || !digits(patch[1:])) {
		return false
	}
	switch branch {
	case "RELEASE", "STABLE", "CURRENT", "PRERELEASE":
		return true
	}
	for _, pre := range []string{"BETA", "RC", "ALPHA"} {
		if n, ok := strings.CutPrefix(branch, pre); ok {
			return n == "" || digits(n)
		}
	}
	return false
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// HostBaseSystem is the FreeBSD base system of this host (freebsd-version
// -u and -k); ErrNoHostBase elsewhere.
func HostBaseSystem() Source {
	return &funcSource{"base system of this host", func(context.Context) ([]Package, error) { return HostBase() }}
}

// Installed lists FreeBSD pkg's installed packages, dbdir/local.sqlite.
// When the database does not exist the error is a *NoDatabaseError (pkg
// itself audits nothing and exits 0; the caller decides); when it may not
// be read, ErrPkgDBAccess is wrapped.
func Installed(dbdir string) Source {
	return &funcSource{PkgDBFile + " in " + dbdir, func(context.Context) ([]Package, error) {
		path := filepath.Join(dbdir, PkgDBFile)
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, &NoDatabaseError{Path: path}
		}
		return FromPkgDB(dbdir)
	}}
}

// openRegular opens a file the user named, refusing what is not a
// regular file (a directory, a FIFO, a device: safeopen, without
// blocking); what says what was expected.
func openRegular(path, what string) (*os.File, error) {
	fh, err := safeopen.Open(path)
	switch {
	case err == nil:
		return fh, nil
	case errors.Is(err, safeopen.ErrNotRegular):
		if st, serr := os.Stat(path); serr == nil && st.IsDir() {
			return nil, fmt.Errorf("%s: is a directory (expected %s)", path, what)
		}
		// safeopen's message names the path and what it is (a FIFO...).
		return nil, fmt.Errorf("%w (expected %s)", err, what)
	}
	return nil, fmt.Errorf("%s: %w (expected %s)", path, unwrapPath(err), what)
}

// checkDir makes sure dir is a readable directory.
func checkDir(dir, what string) error {
	st, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("%s: %w (expected %s)", dir, unwrapPath(err), what)
	}
	if !st.IsDir() {
		return fmt.Errorf("%s: not a directory (expected %s)", dir, what)
	}
	fh, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("%s: %w (expected %s)", dir, unwrapPath(err), what)
	}
	defer fh.Close()
	if _, err := fh.ReadDir(1); err != nil && err != io.EOF {
		return fmt.Errorf("%s: %w (expected %s)", dir, unwrapPath(err), what)
	}
	return nil
}

func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// PkgsrcHostInstalled lists the host's own pkgsrc installed packages in
// the PKG_DBDIR dir, the default source on a pkgsrc host: like
// PkgsrcInstalled, but a missing dir is a *NoDatabaseError (nothing was
// audited; pkg_admin audits nothing and exits 0, the caller decides).
func PkgsrcHostInstalled(dir string) Source {
	return &funcSource{"pkgsrc PKG_DBDIR " + dir, func(ctx context.Context) ([]Package, error) {
		if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
			return nil, &NoDatabaseError{Path: dir}
		}
		return PkgsrcInstalled(dir).Packages(ctx)
	}}
}

// InstalledInRoot lists the FreeBSD installed packages of the jail or
// chroot at root, root/var/db/pkg/local.sqlite, read inside root only
// (FromPkgDBInRoot); a root without that database is an error.
func InstalledInRoot(root string) Source {
	return &funcSource{"installed packages of " + root, func(context.Context) ([]Package, error) {
		pkgs, err := FromPkgDBInRoot(root)
		if errors.Is(err, ErrNoRootPkgDB) {
			return nil, fmt.Errorf("%w (is --chroot %s the root of a FreeBSD system with packages?)", err, root)
		}
		return pkgs, err
	}}
}
