package pattern

import "strings"

// KeyKind tells how an index files a pattern so that a name finds it
// without trying every pattern.
type KeyKind uint8

// Kinds of index key. An index may add kinds of its own from
// FirstUserKind on.
const (
	// ByBase files a relational pattern under each PKGBASE it can match
	// (foo>=1<2, {a,b}-foo<3): only names whose base — the text before
	// their last '-' — is S can match.
	ByBase KeyKind = iota + 1
	// ByName files a plain name S: it matches S itself and, through
	// pkg_install's "S-[0-9]*" fallback, names that continue with '-' and
	// a digit.
	ByName
	// ByFirstByte files a pattern pkg_match's quick reject ties to its
	// first byte S (an ASCII letter, digit or '-').
	ByFirstByte
	// Always files a pattern that must be tried against every name.
	Always

	// FirstUserKind is the first kind free for an index's own keys.
	FirstUserKind KeyKind = 16
)

// Key is one index key: a kind and its string.
type Key struct {
	Kind KeyKind
	S    string
}

// IndexKeys returns the keys under which an index must file the pattern
// src, compiled as p (nil when src does not compile: such a pattern is
// filed where pkg_match would still evaluate it, so that its error
// surfaces exactly when pkg_install's would). Every name the pattern can
// match has one of its probes (AppendProbes) among the keys.
func IndexKeys(src string, p *Pattern) []Key {
	if p != nil {
		if p.Exact() {
			return []Key{{ByName, src}}
		}
		if bases, ok := p.Bases(); ok {
			keys := make([]Key, len(bases))
			for i, b := range bases {
				keys[i] = Key{ByBase, b}
			}
			return keys
		}
	}
	if len(src) > 0 && simple(src[0]) {
		return []Key{{ByFirstByte, src[:1]}}
	}
	return []Key{{Always, ""}}
}

// AppendProbes appends to dst the keys under which pkgname must be looked
// up: its base, itself and every prefix that ends before a "-<digit>" as a
// plain name, its first byte, and Always. No two probes are equal, so a
// pattern is found at most once (IndexKeys files a pattern under one kind,
// and a name has one base).
func AppendProbes(dst []Key, pkgname string) []Key {
	base := pkgname
	if d := strings.LastIndexByte(pkgname, '-'); d >= 0 {
		base = pkgname[:d]
	}
	dst = append(dst, Key{ByBase, base}, Key{ByName, pkgname})
	for d := 0; d < len(pkgname)-1; d++ {
		if pkgname[d] == '-' && pkgname[d+1] >= '0' && pkgname[d+1] <= '9' {
			dst = append(dst, Key{ByName, pkgname[:d]})
		}
	}
	if pkgname != "" && simple(pkgname[0]) {
		dst = append(dst, Key{ByFirstByte, pkgname[:1]})
	}
	return append(dst, Key{Always, ""})
}
