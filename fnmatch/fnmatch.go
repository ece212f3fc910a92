// Package fnmatch implements fnmatch(3) whole-string glob matching, the one
// glob matcher shared by the FreeBSD (flags 0) and pkgsrc (Period) worlds.
package fnmatch

// Flag modifies matching, as the FNM_* flags of fnmatch(3).
type Flag uint

// Flags.
const (
	NoEscape Flag = 1 << iota // FNM_NOESCAPE: backslash is an ordinary character
	PathName                  // FNM_PATHNAME: '/' only matched by a literal '/'
	Period                    // FNM_PERIOD: a leading '.' must be matched literally
	CaseFold                  // FNM_CASEFOLD: ignore ASCII case
)

// Match reports whether name matches the glob pattern under flags.
func Match(pattern, name string, flags Flag) bool {
	panic("TODO: fnmatch.Match")
}

// HasMeta reports whether s contains any of the glob metacharacters *?[ .
func HasMeta(s string) bool {
	panic("TODO: fnmatch.HasMeta")
}
