package inventory

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// maxMetaFile caps how much of a +REQUIRED_BY or +BUILD_INFO file is read.
const maxMetaFile = 4 << 20

// pkgsrcSkip are the PKG_DBDIR entries pkg_install's audit never treats as
// packages (besides "." and "..").
var pkgsrcSkip = map[string]bool{"pkgdb.byfile.db": true, ".cookie": true, "pkg-vulnerabilities": true}

// FromPkgsrcDB lists the packages installed according to pkgsrc's
// PKG_DBDIR (dir): one sub-directory per package, named exactly as the
// package ("name-version[nbN]"), sorted by name. Entries pkg_admin audit
// skips are skipped (pkgdb.byfile.db, .cookie, pkg-vulnerabilities and
// anything that is not a directory). RequiredBy comes from each package's
// +REQUIRED_BY file (one full package name a line), Origin from PKGPATH in
// +BUILD_INFO, Path is the package's directory. A missing dir means no
// packages, as for pkg_admin. Symbolic links are skipped like the other
// non-directories, since readdir reports them as DT_LNK.
func FromPkgsrcDB(dir string) ([]Package, error) {
	ents, err := safeopen.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading PKG_DBDIR: %w", err)
	}
	var pkgs []Package
	for _, e := range ents {
		name := e.Name()
		if pkgsrcSkip[name] || !e.Type().IsDir() {
			continue
		}
		p := pkgFromFullName(name)
		p.Path, p.Scheme = filepath.Join(dir, name), advisory.Pkgsrc
		if p.RequiredBy, err = readRequiredBy(filepath.Join(p.Path, "+REQUIRED_BY")); err != nil {
			return nil, err
		}
		if p.Origin, err = readBuildInfoPkgPath(filepath.Join(p.Path, "+BUILD_INFO")); err != nil {
			return nil, err
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, nil
}

// readMetaFile reads a small package metadata file; a missing file is
// empty.
func readMetaFile(path string) ([]byte, error) {
	f, err := safeopen.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxMetaFile+1))
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if len(data) > maxMetaFile {
		return nil, fmt.Errorf("reading %s: larger than %d bytes", path, maxMetaFile)
	}
	return data, nil
}

// readRequiredBy returns the non-empty lines of a +REQUIRED_BY file.
func readRequiredBy(path string) ([]string, error) {
	data, err := readMetaFile(path)
	if err != nil || len(data) == 0 {
		return nil, err
	}
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 4096), maxMetaFile)
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			out = append(out, line)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	return out, nil
}

// readBuildInfoPkgPath returns the PKGPATH=value of a +BUILD_INFO file.
func readBuildInfoPkgPath(path string) (string, error) {
	data, err := readMetaFile(path)
	if err != nil {
		return "", err
	}
	return buildInfoPkgPath(data), nil
}

// PkgsrcNames lists the full names of the packages installed in pkgsrc's
// PKG_DBDIR dir, as pkg_admin audit walks them: the sub-directories,
// skipping what pkg_install skips. A missing dir means no packages.
func PkgsrcNames(dir string) ([]string, error) {
	ents, err := safeopen.ReadDir(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading PKG_DBDIR: %w", err)
	}
	var names []string
	for _, e := range ents {
		if !pkgsrcSkip[e.Name()] && e.IsDir() {
			names = append(names, e.Name())
		}
	}
	return names, nil
}
