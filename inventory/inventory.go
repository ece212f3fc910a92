// Package inventory lists packages to audit, from every place packages are
// listed: name-version operands and list files, the FreeBSD installed
// database (local.sqlite), pkgsrc's PKG_DBDIR, directories of package
// files, ports INDEX files and the FreeBSD base system.
package inventory

import (
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// Package is one package to audit.
type Package struct {
	// Name and Version are the package name split at its last '-'.
	Name    string
	Version string
	// Versionless is set for a bare name without any '-' (an operand or
	// list line "sudo"): pkg audit's "all versions" query. Version is then
	// empty; an empty Version without Versionless is the empty version of
	// "sudo-".
	Versionless bool
	// Base is set for the packages standing for the FreeBSD base system
	// (Base, HostBase), which <system> blocks apply to.
	Base bool
	// Scheme is the package world the source belongs to: advisory.FreeBSD
	// (local.sqlite, *.pkg files, INDEX, base system), advisory.Pkgsrc
	// (pkgsrc PKG_DBDIR, *.tgz files), or 0 when the source does not tell
	// (operands, list files).
	Scheme advisory.Scheme
	// Origin is the ports origin ("security/openssl") or pkgsrc PKGPATH
	// ("security/openssl") when the source knows it.
	Origin string
	// RequiredBy lists the full names ("name-version") of the installed
	// packages that depend directly on this one, when the source knows them.
	RequiredBy []string
	// Path is the file the package was read from (package files of
	// FromPackageDir, the package's directory for FromPkgsrcDB), "" when
	// the source has no file of its own per package.
	Path string
	// List and Line are the list file ("-" for standard input) and the
	// 1-based line a package of FromList was read from (SARIF locations).
	List string
	Line int
}

// String returns "name-version", or the name of a versionless package.
func (p Package) String() string {
	if p.Versionless {
		return p.Name
	}
	return p.Name + "-" + p.Version
}

// pkgFromFullName splits a full package name at its last '-', the way both
// FreeBSD pkg and pkgsrc do: "p5-libwww-6.77" is name "p5-libwww", version
// "6.77"; a name without '-' is versionless.
func pkgFromFullName(full string) Package {
	i := strings.LastIndexByte(full, '-')
	if i < 0 {
		return Package{Name: full, Versionless: true}
	}
	return Package{Name: full[:i], Version: full[i+1:]}
}
