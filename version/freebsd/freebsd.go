// Package freebsd implements FreeBSD pkg's version order (pkg_version_cmp of
// FreeBSD pkg 2.8), byte for byte.
package freebsd

// Compare compares two package names or bare versions the way
// `pkg version -t A B` does and returns -1, 0 or +1.
// The name part (up to the last '-') is ignored.
func Compare(a, b string) int {
	panic("TODO: version/freebsd.Compare")
}

// SplitName splits a package name "name-version" at its last '-'.
// A string without '-' is all name and has an empty version.
func SplitName(pkg string) (name, version string) {
	panic("TODO: version/freebsd.SplitName")
}
