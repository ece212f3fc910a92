// Package freebsd implements FreeBSD pkg's version order (pkg_version_cmp of
// FreeBSD pkg 2.8), byte for byte.
//
// Versions are compared as in pkg 2.8: the name (up to the last '-') is
// ignored; the epoch (after the last ',') decides first, then the version
// proper component by component, then the port revision (after the last
// '_'). See the package tests for the many corner cases.
package freebsd

import (
	"cmp"
	"math"
)

// Compare compares two package names or bare versions the way
// `pkg version -t A B` does and returns -1, 0 or +1.
// The name part (up to the last '-') is ignored.
func Compare(a, b string) int {
	va, vb := split(a), split(b)
	if va.epoch != vb.epoch {
		return cmp.Compare(va.epoch, vb.epoch)
	}
	if r := compareVersion(a, va, b, vb); r != 0 {
		return r
	}
	return cmp.Compare(va.rev, vb.rev)
}

// SplitName splits a package name "name-version" at its last '-'.
// A string without '-' is all name and has an empty version.
func SplitName(pkg string) (name, version string) {
	for i := len(pkg) - 1; i >= 0; i-- {
		if pkg[i] == '-' {
			return pkg[:i], pkg[i+1:]
		}
	}
	return pkg, ""
}

// parts locates the pieces of a version inside its string: the version
// proper is s[start:end].
type parts struct {
	start, end int
	rev, epoch uint64
}

func split(s string) parts {
	var p parts
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == '-' {
			p.start = i + 1
			break
		}
	}
	p.end = len(s)
	under := lastIndex(s, p.start, '_')
	tail := p.start
	if under >= 0 {
		p.rev = strtoul(s[under+1:])
		tail = under + 1
	}
	comma := lastIndex(s, tail, ',')
	if comma >= 0 {
		p.epoch = strtoul(s[comma+1:])
	}
	switch {
	case under >= 0:
		p.end = under
	case comma >= 0:
		p.end = comma
	}
	return p
}

func lastIndex(s string, from int, c byte) int {
	for i := len(s) - 1; i >= from; i-- {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// strtoul mimics C strtoul(s, NULL, 10) with saturation at 2^64-1.
func strtoul(s string) uint64 {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	neg := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		neg = s[i] == '-'
		i++
	}
	var n uint64
	over := false
	for ; i < len(s) && isDigit(s[i]); i++ {
		d := uint64(s[i] - '0')
		if n > (math.MaxUint64-d)/10 {
			over = true
		}
		n = n*10 + d
	}
	if over {
		return math.MaxUint64
	}
	if neg {
		return -n
	}
	return n
}

func compareVersion(a string, pa parts, b string, pb parts) int {
	if pa.end-pa.start == pb.end-pb.start && equalFold(a[pa.start:pa.end], b[pb.start:pb.end]) {
		return 0
	}
	i, j := pa.start, pb.start
	for i < pa.end || j < pb.end {
		var ca, cb component
		blockedA := i >= pa.end || a[i] == '+'
		blockedB := j >= pb.end || b[j] == '+'
		if !blockedA {
			ca, i = parseComponent(a, i)
		}
		if !blockedB {
			cb, j = parseComponent(b, j)
		}
		if blockedA && blockedB {
			if i < pa.end {
				i++
			}
			if j < pb.end {
				j++
			}
			continue
		}
		if r := cmp.Compare(ca.n, cb.n); r != 0 {
			return r
		}
		if r := cmp.Compare(ca.a, cb.a); r != 0 {
			return r
		}
		if r := cmp.Compare(ca.pl, cb.pl); r != 0 {
			return r
		}
	}
	return 0
}

type component struct{ n, a, pl int64 }

// stages are the spelled-out stage words, in the order they are tried, and
// their letter values.
var stages = [...]struct {
	word string
	val  int64
}{{"pl", 0}, {"snap", 20}, {"alpha", 2}, {"beta", 3}, {"pre", 17}, {"rc", 19}}

func parseComponent(s string, p int) (component, int) {
	var c component
	noNumber := false
	switch {
	case p < len(s) && isDigit(s[p]):
		c.n, p = parseNum(s, p)
	case p < len(s) && s[p] == '*':
		c.n = -2
		for p < len(s) && s[p] != '+' {
			p++
		}
	default:
		c.n = -1
		noNumber = true
	}
	wantPL := false
	if p < len(s) && isAlpha(s[p]) {
		matched := false
		if p+1 < len(s) && isAlpha(s[p+1]) {
			for _, st := range stages {
				w := st.word
				if len(s)-p >= len(w) && equalFold(s[p:p+len(w)], w) &&
					(p+len(w) >= len(s) || !isAlpha(s[p+len(w)])) {
					if !noNumber {
						// An implicit dot: the word starts the next component.
						return component{n: c.n}, p
					}
					c.a = st.val
					p += len(w)
					matched = true
					break
				}
			}
		}
		if !matched {
			c.a = int64(lower(s[p])-'a') + 2
			for p < len(s) && isAlpha(s[p]) {
				p++
			}
		}
		wantPL = true
	}
	if wantPL {
		if p < len(s) && isDigit(s[p]) {
			c.pl, p = parseNum(s, p)
		} else {
			c.pl = -1
		}
	}
	for p < len(s) && !isDigit(s[p]) && !isAlpha(s[p]) && s[p] != '+' && s[p] != '*' {
		p++
	}
	return c, p
}

// parseNum parses a run of digits as a signed 64-bit number, saturating.
func parseNum(s string, p int) (int64, int) {
	var n int64
	for ; p < len(s) && isDigit(s[p]); p++ {
		d := int64(s[p] - '0')
		if n > (math.MaxInt64-d)/10 {
			n = math.MaxInt64
		} else {
			n = n*10 + d
		}
	}
	return n, p
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
func isAlpha(c byte) bool { return (c|0x20) >= 'a' && (c|0x20) <= 'z' }
func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}
