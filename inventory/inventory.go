// Package inventory lists packages to audit, from every place packages are
// listed: name-version operands and list files, the FreeBSD installed
// database (local.sqlite), pkgsrc's PKG_DBDIR, directories of package
// files, ports INDEX files and the FreeBSD base system.
package inventory

// Package is one package to audit.
type Package struct {
	// Name and Version are the package name split at its last '-'.
	Name    string
	Version string
	// Origin is the ports origin ("security/openssl") or pkgsrc PKGPATH
	// ("security/openssl") when the source knows it.
	Origin string
	// RequiredBy lists the full names ("name-version") of the installed
	// packages that depend directly on this one, when the source knows them.
	RequiredBy []string
}

// String returns "name-version".
func (p Package) String() string {
	if p.Version == "" {
		return p.Name
	}
	return p.Name + "-" + p.Version
}
