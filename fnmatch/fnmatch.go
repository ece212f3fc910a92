// Package fnmatch implements fnmatch(3) whole-string glob matching, the one
// glob matcher shared by the FreeBSD (flags 0) and pkgsrc (Period) worlds.
//
// Semantics follow glibc 2.36 in the C locale, byte by byte: '*' matches
// any sequence, '?' any byte, "[...]" a bracket expression with ranges,
// negation by '!' or '^', a leading ']' taken literally and the POSIX
// classes [:alpha:] etc.; an unterminated '[' is an ordinary character;
// '\' escapes the next byte unless NoEscape (a trailing '\' never matches).
// Matching runs in O(len(pattern)·len(name)) time at worst: there is no
// exponential backtracking.
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
	// Classic single-backtrack-point algorithm: on a mismatch, resume after
	// the most recent '*' with one more byte of the name consumed. Without
	// PathName this is exact, since a later '*' can absorb whatever an
	// earlier one would have.
	p, n := 0, 0
	starP, starN := -1, -1
	for {
		if p < len(pattern) {
			c := pattern[p]
			switch {
			case c == '*':
				if n < len(name) && leadingPeriod(name, n, flags) {
					goto fail
				}
				for p < len(pattern) && pattern[p] == '*' {
					p++
				}
				starP, starN = p, n
				continue
			case c == '?':
				if n < len(name) && !(flags&PathName != 0 && name[n] == '/') && !leadingPeriod(name, n, flags) {
					p++
					n++
					continue
				}
			case c == '[':
				if n < len(name) {
					ok, next, valid := bracket(pattern, p, name[n], flags)
					if valid {
						if ok && !leadingPeriod(name, n, flags) && !(flags&PathName != 0 && name[n] == '/') {
							p = next
							n++
							continue
						}
						goto fail
					}
				}
				// Unterminated: an ordinary '['.
				if n < len(name) && name[n] == '[' {
					p++
					n++
					continue
				}
			case c == '\\' && flags&NoEscape == 0:
				if p+1 < len(pattern) && n < len(name) && eq(pattern[p+1], name[n], flags) {
					p += 2
					n++
					continue
				}
			default:
				if n < len(name) && eq(c, name[n], flags) {
					p++
					n++
					continue
				}
			}
		} else if n == len(name) {
			return true
		}
	fail:
		if starP < 0 || starN >= len(name) {
			return false
		}
		if flags&PathName != 0 && name[starN] == '/' {
			return false
		}
		starN++
		p, n = starP, starN
	}
}

// leadingPeriod reports whether name[n] is a '.' that Period protects.
func leadingPeriod(name string, n int, flags Flag) bool {
	if flags&Period == 0 || name[n] != '.' {
		return false
	}
	return n == 0 || (flags&PathName != 0 && name[n-1] == '/')
}

func eq(a, b byte, flags Flag) bool {
	if flags&CaseFold != 0 {
		return lower(a) == lower(b)
	}
	return a == b
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// bracket matches c against the bracket expression starting at
// pattern[p] == '['. It returns whether c matched, the index after the
// closing ']', and whether the expression was terminated at all.
func bracket(pattern string, p int, c byte, flags Flag) (matched bool, next int, valid bool) {
	i := p + 1
	negate := false
	if i < len(pattern) && (pattern[i] == '!' || pattern[i] == '^') {
		negate = true
		i++
	}
	first := true
	for {
		if i >= len(pattern) {
			return false, 0, false
		}
		ch := pattern[i]
		if ch == ']' && !first {
			i++
			break
		}
		first = false
		if ch == '[' && i+1 < len(pattern) && pattern[i+1] == ':' {
			if end := indexFrom(pattern, i+2, ":]"); end >= 0 {
				if classMatch(pattern[i+2:end], c) {
					matched = true
				}
				i = end + 2
				continue
			}
		}
		if ch == '\\' && flags&NoEscape == 0 {
			i++
			if i >= len(pattern) {
				return false, 0, false
			}
			ch = pattern[i]
		}
		i++
		lo := ch
		if i+1 < len(pattern) && pattern[i] == '-' && pattern[i+1] != ']' {
			hi := pattern[i+1]
			i += 2
			if hi == '\\' && flags&NoEscape == 0 {
				if i >= len(pattern) {
					return false, 0, false
				}
				hi = pattern[i]
				i++
			}
			if (lo <= c && c <= hi) || (flags&CaseFold != 0 && lo <= lower(c) && lower(c) <= hi) {
				matched = true
			}
			continue
		}
		if eq(lo, c, flags) {
			matched = true
		}
	}
	return matched != negate, i, true
}

func indexFrom(s string, from int, sub string) int {
	for i := from; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return i
		}
	}
	return -1
}

func classMatch(class string, c byte) bool {
	switch class {
	case "alnum":
		return isDigit(c) || isAlpha(c)
	case "alpha":
		return isAlpha(c)
	case "digit":
		return isDigit(c)
	case "lower":
		return c >= 'a' && c <= 'z'
	case "upper":
		return c >= 'A' && c <= 'Z'
	case "space":
		return c == ' ' || (c >= '\t' && c <= '\r')
	case "blank":
		return c == ' ' || c == '\t'
	case "punct":
		return c > ' ' && c < 0x7f && !isDigit(c) && !isAlpha(c)
	case "print":
		return c >= ' ' && c < 0x7f
	case "graph":
		return c > ' ' && c < 0x7f
	case "cntrl":
		return c < ' ' || c == 0x7f
	case "xdigit":
		return isDigit(c) || (c|0x20) >= 'a' && (c|0x20) <= 'f'
	}
	return false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }

// HasMeta reports whether s contains any of the glob metacharacters *?[ .
func HasMeta(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*', '?', '[':
			return true
		}
	}
	return false
}
