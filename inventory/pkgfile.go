package inventory

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path/filepath"
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/internal/decompress"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// Limits on reading package files: only metadata members at the start of
// the archive are read.
const (
	// MaxMetaMember caps the size of one metadata member read from a
	// package file (+COMPACT_MANIFEST, +CONTENTS, ...).
	MaxMetaMember = 32 << 20
	// maxMetaMembers is how many leading archive members are examined.
	maxMetaMembers = 32
	// maxNested is how deep archives nest: a signed pkgsrc package holds
	// the package archive itself as a member.
	maxNested = 1
)

// ErrNoMetadata is wrapped when a package file holds no package name in its
// leading metadata members.
var ErrNoMetadata = errors.New("no package metadata at the start of the archive")

// FileError is an error about one package file.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Path + ": " + e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// FromPackageDir lists the package files found recursively under dir
// (symbolic links are not followed into directories): FreeBSD packages
// (*.pkg: a tar archive compressed with zstd, xz, gzip or bzip2, or plain,
// whose first member is +COMPACT_MANIFEST) and pkgsrc binary packages
// (*.tgz: a tar archive, gzip or otherwise compressed, starting with
// +CONTENTS; signed packages, whose inner archive follows +PKG_HASH, too).
// Name, version and origin come from the metadata, not from the file
// name; Path is the file. Files are visited in lexical order.
//
// A file that cannot be read does not stop the walk: its error (a
// *FileError) is joined into the returned error and the packages of the
// other files are still returned.
func FromPackageDir(dir string) ([]Package, error) {
	var pkgs []Package
	var errs []error
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			errs = append(errs, &FileError{path, err})
			return nil
		}
		if d.IsDir() || !isPackageFileName(d.Name()) {
			return nil
		}
		p, err := ReadPackageFile(path)
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		pkgs = append(pkgs, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading package directory: %w", err)
	}
	return pkgs, errors.Join(errs...)
}

// FromPackageDirNames lists package files under dir the way pkg audit -d
// does, from their names alone: every entry whose name ends in ".pkg"
// (the text after the last '.' is exactly "pkg"), its stem split at the
// last '-'; stems without '-' are skipped; contents are never read. Path is
// the file.
func FromPackageDirNames(dir string) ([]Package, error) {
	var pkgs []Package
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if path == dir {
				return err
			}
			return nil // fts reports and goes on
		}
		name := d.Name()
		dot := strings.LastIndexByte(name, '.')
		if dot < 0 || name[dot:] != ".pkg" {
			return nil
		}
		stem := name[:dot]
		if !strings.Contains(stem, "-") {
			return nil
		}
		p := pkgFromFullName(stem)
		p.Path, p.Scheme = path, advisory.FreeBSD
		pkgs = append(pkgs, p)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("reading package directory: %w", err)
	}
	return pkgs, nil
}

func isPackageFileName(name string) bool {
	return strings.HasSuffix(name, ".pkg") || strings.HasSuffix(name, ".tgz")
}

// ReadPackageFile reads the name, version and origin of one FreeBSD or
// pkgsrc package file from the metadata at the start of the archive. Errors
// are *FileError.
func ReadPackageFile(path string) (Package, error) {
	f, err := safeopen.Open(path)
	if err != nil {
		return Package{}, &FileError{path, err}
	}
	defer f.Close()
	p, err := ReadPackage(f)
	if err != nil {
		return Package{}, &FileError{path, err}
	}
	p.Path = path
	return p, nil
}

// ReadPackage reads the name, version and origin of a package archive
// from r: a FreeBSD package (+COMPACT_MANIFEST or +MANIFEST) or a pkgsrc
// package (+CONTENTS, with PKGPATH from +BUILD_INFO; a signed package's
// +PKG_HASH), whatever the compression. At most MaxMetaMember bytes of each
// of the first few members are read.
func ReadPackage(r io.Reader) (Package, error) {
	return readPackage(r, 0)
}

func readPackage(r io.Reader, depth int) (Package, error) {
	dr, err := decompressStream(r)
	if err != nil {
		return Package{}, err
	}
	defer dr.Close()
	tr := tar.NewReader(dr)
	var p Package
	var havePkgsrc, haveHash bool
	for i := 0; i < maxMetaMembers; i++ {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return Package{}, fmt.Errorf("reading archive: %w", err)
		}
		name := strings.TrimPrefix(h.Name, "./")
		if !strings.HasPrefix(name, "+") {
			// Signed pkgsrc package: +PKG_HASH, +PKG_*SIGNATURE, then the
			// inner package archive.
			if haveHash && depth < maxNested && h.Typeflag == tar.TypeReg {
				inner, err := readPackage(io.LimitReader(tr, h.Size), depth+1)
				if err != nil {
					return Package{}, fmt.Errorf("signed package %s: %w", name, err)
				}
				return inner, nil
			}
			break // metadata comes first
		}
		if h.Size > MaxMetaMember {
			return Package{}, fmt.Errorf("%s: %d bytes, more than the %d allowed", name, h.Size, MaxMetaMember)
		}
		switch name {
		case "+COMPACT_MANIFEST", "+MANIFEST":
			data, err := io.ReadAll(tr)
			if err != nil {
				return Package{}, fmt.Errorf("reading %s: %w", name, err)
			}
			m, err := parseManifest(data)
			if err != nil {
				return Package{}, fmt.Errorf("%s: %w", name, err)
			}
			m.Scheme = advisory.FreeBSD
			return m, nil
		case "+CONTENTS":
			data, err := io.ReadAll(tr)
			if err != nil {
				return Package{}, fmt.Errorf("reading %s: %w", name, err)
			}
			full, err := contentsName(data)
			if err != nil {
				return Package{}, fmt.Errorf("%s: %w", name, err)
			}
			origin := p.Origin
			p = pkgFromFullName(full)
			p.Origin, p.Scheme = origin, advisory.Pkgsrc
			havePkgsrc = true
		case "+BUILD_INFO":
			data, err := io.ReadAll(tr)
			if err != nil {
				return Package{}, fmt.Errorf("reading %s: %w", name, err)
			}
			p.Origin = buildInfoPkgPath(data)
			if havePkgsrc {
				return p, nil
			}
		case "+PKG_HASH":
			haveHash = true
		}
	}
	if havePkgsrc {
		return p, nil
	}
	return Package{}, ErrNoMetadata
}

// decompressStream undoes the compression of r, sniffed from its magic
// bytes, in bounded memory (decompress.NewReader).
func decompressStream(r io.Reader) (io.ReadCloser, error) {
	dr, _, err := decompress.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("reading archive: %w", err)
	}
	return dr, nil
}

// parseManifest reads name, version and origin from a FreeBSD package
// manifest: JSON as pkg writes it, or the UCL "key = value;" / "key: value"
// form as a fallback.
func parseManifest(data []byte) (Package, error) {
	var m struct {
		Name    *string `json:"name"`
		Version *string `json:"version"`
		Origin  string  `json:"origin"`
	}
	if err := json.Unmarshal(data, &m); err == nil {
		if m.Name == nil || *m.Name == "" || m.Version == nil {
			return Package{}, errors.New("manifest has no name or version")
		}
		return Package{Name: *m.Name, Version: *m.Version, Origin: m.Origin}, nil
	}
	kv := uclTopLevel(data)
	if kv["name"] == "" {
		return Package{}, errors.New("manifest has no name")
	}
	v, ok := kv["version"]
	if !ok {
		return Package{}, errors.New("manifest has no version")
	}
	return Package{Name: kv["name"], Version: v, Origin: kv["origin"]}, nil
}

// uclTopLevel picks the scalar top-level keys name, version and origin of
// a UCL document written one key per line.
func uclTopLevel(data []byte) map[string]string {
	kv := map[string]string{}
	depth := 0
	for _, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if depth == 0 {
			for _, key := range []string{"name", "version", "origin"} {
				rest, ok := strings.CutPrefix(line, key)
				if !ok {
					continue
				}
				rest = strings.TrimSpace(rest)
				if r, ok := strings.CutPrefix(rest, "="); ok {
					rest = r
				} else if r, ok := strings.CutPrefix(rest, ":"); ok {
					rest = r
				} else {
					continue
				}
				rest = strings.TrimSuffix(strings.TrimSpace(rest), ";")
				rest = strings.TrimSuffix(strings.TrimSpace(rest), ",")
				rest = strings.TrimSpace(rest)
				if len(rest) >= 2 && (rest[0] == '"' || rest[0] == '\'') && rest[len(rest)-1] == rest[0] {
					rest = rest[1 : len(rest)-1]
				}
				if _, dup := kv[key]; !dup {
					kv[key] = rest
				}
			}
		}
		depth += strings.Count(line, "{") + strings.Count(line, "[") - strings.Count(line, "}") - strings.Count(line, "]")
		if depth < 0 {
			depth = 0
		}
	}
	return kv
}

// contentsName returns the package name of a pkgsrc packing list: the
// argument of its first "@name" line.
func contentsName(data []byte) (string, error) {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if v, ok := bytes.CutPrefix(line, []byte("@name")); ok && (len(v) == 0 || v[0] == ' ' || v[0] == '\t') {
			name := string(bytes.TrimSpace(v))
			if name == "" {
				return "", errors.New("empty @name")
			}
			return name, nil
		}
	}
	return "", errors.New("no @name line")
}

// buildInfoPkgPath returns PKGPATH from +BUILD_INFO text.
func buildInfoPkgPath(data []byte) string {
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		if v, ok := bytes.CutPrefix(line, []byte("PKGPATH=")); ok {
			return string(bytes.TrimSpace(v))
		}
	}
	return ""
}
