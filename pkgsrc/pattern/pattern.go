// Package pattern implements pkgsrc pkg_install's package patterns
// (pkg_match of lib/opattern.c): csh-style {a,b} alternation, dewey
// relational patterns (foo>=1.0<2.0), fnmatch globs, exact names and the
// "pattern-[0-9]*" fallback; plus audit-history base matching and pkg_order.
package pattern

// Match reports whether pkgname matches pattern. A malformed pattern (an
// unterminated alternate) returns an error carrying pkg_install's message,
// e.g. "Malformed alternate `{foo,bar-1.0'".
func Match(pattern, pkgname string) (bool, error) {
	panic("TODO: pattern.Match")
}

// Pattern is a compiled pattern, for matching one pattern against many names.
type Pattern struct{}

// Compile parses pattern once; errors as Match.
func Compile(pattern string) (*Pattern, error) {
	panic("TODO: pattern.Compile")
}

// Match reports whether pkgname matches the compiled pattern.
func (p *Pattern) Match(pkgname string) bool {
	panic("TODO: Pattern.Match")
}

// Bases returns every package base name (PKGBASE) the pattern can possibly
// match, for indexing by exact name. ok is false when the set cannot be
// determined statically (globs in the base, an empty base, ...): such a
// pattern must be tried against every package.
func (p *Pattern) Bases() (bases []string, ok bool) {
	panic("TODO: Pattern.Bases")
}

// String returns the pattern's source text.
func (p *Pattern) String() string {
	panic("TODO: Pattern.String")
}

// MatchBase reports whether pattern belongs to package base name base, as
// `pkg_admin audit-history` decides (admin/audit.c). Errors carry
// pkg_install's fatal messages ("Missing - in absolute pattern foo", ...).
func MatchBase(pattern, base string) (bool, error) {
	panic("TODO: pattern.MatchBase")
}

// Order tells which of two package names better matches pattern, as
// pkg_install's pkg_order: 0 neither matches, 1 the first, 2 the second.
func Order(pattern, first, second string) (int, error) {
	panic("TODO: pattern.Order")
}
