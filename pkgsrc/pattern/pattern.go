// Package pattern implements pkgsrc pkg_install's package patterns
// (pkg_match of lib/opattern.c): csh-style {a,b} alternation, dewey
// relational patterns (foo>=1.0<2.0), fnmatch globs, exact names and the
// "pattern-[0-9]*" fallback; plus audit-history base matching and pkg_order.
package pattern

import (
	"fmt"
	"strings"

	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/version/dewey"
)

// MaxPathSize bounds an expanded alternative, like pkg_install's
// MaxPathSize buffer (PATH_MAX, 4096 on Linux where the reference vectors
// were produced; NetBSD uses 1024). Longer expansions are truncated.
const MaxPathSize = 4096

// lowerBoundMax is the size of the buffer the lower bound of a
// "foo>=a<b" pattern is copied into; longer bounds are truncated.
const lowerBoundMax = 1024

// maxDepth bounds alternation nesting, so hostile input cannot recurse
// without limit.
const maxDepth = 64

// maxExpansions bounds the number of alternatives one pattern may expand
// to ({a,b}{a,b}... grows exponentially), so matching any input takes
// bounded time. Real patterns expand to a handful.
const maxExpansions = 1 << 14

func tooMany(pattern string) error {
	return &Error{pattern, fmt.Sprintf("Too many alternates in `%s'", pattern)}
}

// Error is a pattern that pkg_install would reject with a fatal error.
type Error struct {
	Pattern string
	Msg     string // pkg_install's message, e.g. "Malformed alternate `{foo'"
}

func (e *Error) Error() string { return e.Msg }

// Match reports whether pkgname matches pattern. A malformed pattern (an
// unterminated alternate) returns an error carrying pkg_install's message,
// e.g. "Malformed alternate `{foo,bar-1.0'".
func Match(pattern, pkgname string) (bool, error) {
	budget := maxExpansions
	return match(pattern, pkgname, 0, &budget)
}

func match(pattern, pkgname string, depth int, budget *int) (bool, error) {
	if quickReject(pattern, pkgname) {
		return false, nil
	}
	if strings.IndexByte(pattern, '{') >= 0 {
		alts, err := expandChecked(pattern, depth, budget)
		if err != nil {
			return false, err
		}
		found := false
		for _, a := range alts {
			ok, err := match(a, pkgname, depth+1, budget)
			if err != nil {
				return false, err
			}
			found = found || ok
		}
		return found, nil
	}
	if strings.ContainsAny(pattern, "<>") {
		return deweyMatch(pattern, pkgname), nil
	}
	if strings.ContainsAny(pattern, "*?[]") && fnmatch.Match(pattern, pkgname, fnmatch.Period) {
		return true, nil
	}
	if pattern == pkgname {
		return true, nil
	}
	return fnmatch.Match(pattern+"-[0-9]*", pkgname, fnmatch.Period), nil
}

func at(s string, i int) byte {
	if i < len(s) {
		return s[i]
	}
	return 0
}

func simple(c byte) bool {
	return c == '-' || (c >= '0' && c <= '9') || ((c|0x20) >= 'a' && (c|0x20) <= 'z')
}

// quickReject is pkg_match's two-byte shortcut: a leading ASCII letter,
// digit or '-' of the pattern must equal the name's; if it does, so must a
// second one.
func quickReject(pattern, name string) bool {
	c := at(pattern, 0)
	if !simple(c) {
		return false
	}
	if c != at(name, 0) {
		return true
	}
	c = at(pattern, 1)
	return simple(c) && c != at(name, 1)
}

// expandChecked is expandFirst within the nesting and expansion limits.
func expandChecked(pattern string, depth int, budget *int) ([]string, error) {
	if depth >= maxDepth {
		return nil, &Error{pattern, fmt.Sprintf("Alternates nested too deeply in `%s'", pattern)}
	}
	alts, err := expandFirst(pattern)
	if err != nil {
		return nil, err
	}
	if *budget -= len(alts); *budget < 0 {
		return nil, tooMany(pattern)
	}
	return alts, nil
}

// expandFirst expands the first {...} group of pattern into its
// alternatives (prefix + alternative + suffix each).
func expandFirst(pattern string) ([]string, error) {
	open := strings.IndexByte(pattern, '{')
	depth, close := 0, -1
	for i := open; i < len(pattern); i++ {
		switch pattern[i] {
		case '{':
			depth++
		case '}':
			depth--
		}
		if depth == 0 {
			close = i
			break
		}
	}
	if close < 0 {
		return nil, &Error{pattern, fmt.Sprintf("Malformed alternate `%s'", pattern)}
	}
	prefix, body, suffix := pattern[:open], pattern[open+1:close], pattern[close+1:]
	var alts []string
	depth, start := 0, 0
	for i := 0; i <= len(body); i++ {
		if i < len(body) {
			switch body[i] {
			case '{':
				depth++
				continue
			case '}':
				depth--
				continue
			case ',':
				if depth != 0 {
					continue
				}
			default:
				continue
			}
		}
		s := prefix + body[start:i] + suffix
		if len(s) > MaxPathSize-1 {
			s = s[:MaxPathSize-1]
		}
		alts = append(alts, s)
		start = i + 1
	}
	return alts, nil
}

// readOp reads a relational operator at the start of s.
func readOp(s string) (dewey.Op, int) {
	switch {
	case strings.HasPrefix(s, "<="):
		return dewey.LE, 2
	case strings.HasPrefix(s, "<"):
		return dewey.LT, 1
	case strings.HasPrefix(s, ">="):
		return dewey.GE, 2
	default:
		return dewey.GT, 1
	}
}

// deweyMatch matches a relational pattern (one containing '<' or '>').
func deweyMatch(pattern, pkgname string) bool {
	dash := strings.LastIndexByte(pkgname, '-')
	if dash < 0 {
		return false
	}
	base, version := pkgname[:dash], pkgname[dash+1:]
	opAt := strings.IndexAny(pattern, "<>")
	if pattern[:opAt] != base {
		return false
	}
	op, n := readOp(pattern[opAt:])
	rest := pattern[opAt+n:]
	if op == dewey.GE || op == dewey.GT {
		if lt := strings.IndexByte(rest, '<'); lt >= 0 {
			op2, n2 := readOp(rest[lt:])
			if !dewey.Test(version, op2, rest[lt+n2:]) {
				return false
			}
			rest = rest[:lt]
			if len(rest) > lowerBoundMax-1 {
				rest = rest[:lowerBoundMax-1]
			}
		}
	}
	return dewey.Test(version, op, rest)
}

// Pattern is a compiled pattern, for matching one pattern against many names.
// Alternations are expanded once, and each leaf is pre-analysed, so that
// matching does not allocate.
type Pattern struct {
	src    string
	bases  []string
	ok     bool
	leaves []leaf
}

type leafKind int

const (
	leafRelational leafKind = iota
	leafGlob
	leafExact
)

// leaf is one alternative without braces.
type leaf struct {
	src      string
	kind     leafKind
	fallback string // exact: src + "-[0-9]*"
}

// Compile parses pattern once; errors as Match.
func Compile(pattern string) (*Pattern, error) {
	p := &Pattern{src: pattern}
	seen := map[string]bool{}
	budget := maxExpansions
	ok, err := collectBases(pattern, 0, seen, &p.bases, &budget)
	if err != nil {
		return nil, err
	}
	p.ok = ok
	if !ok {
		p.bases = nil
	}
	if err := p.addLeaves(pattern); err != nil {
		return nil, err
	}
	return p, nil
}

// addLeaves expands every alternation. A leaf's quick reject is at least
// as strict as that of the alternatives it was expanded through (the
// literal bytes before the first '{' are kept), so OR-ing the leaves
// gives pkg_match's result.
func (p *Pattern) addLeaves(s string) error {
	if strings.IndexByte(s, '{') >= 0 {
		alts, err := expandFirst(s)
		if err != nil {
			return err
		}
		for _, a := range alts {
			if err := p.addLeaves(a); err != nil {
				return err
			}
		}
		return nil
	}
	l := leaf{src: s, kind: leafExact}
	switch {
	case strings.ContainsAny(s, "<>"):
		l.kind = leafRelational
	case strings.ContainsAny(s, "*?[]"):
		l.kind = leafGlob
	}
	l.fallback = s + "-[0-9]*"
	p.leaves = append(p.leaves, l)
	return nil
}

func (l *leaf) match(name string) bool {
	if quickReject(l.src, name) {
		return false
	}
	switch l.kind {
	case leafRelational:
		return deweyMatch(l.src, name)
	case leafGlob:
		if fnmatch.Match(l.src, name, fnmatch.Period) {
			return true
		}
	}
	return l.src == name || fnmatch.Match(l.fallback, name, fnmatch.Period)
}

// Exact reports whether the pattern is a plain name without braces, globs
// or relations: it then matches only itself and, through pkg_install's
// fallback, names that continue with "-" and a digit.
func (p *Pattern) Exact() bool {
	return len(p.leaves) == 1 && p.leaves[0].kind == leafExact && p.leaves[0].src == p.src
}

// collectBases gathers the exact bases of every alternative; it reports
// false as soon as one alternative is not relational.
func collectBases(pattern string, depth int, seen map[string]bool, out *[]string, budget *int) (bool, error) {
	if strings.IndexByte(pattern, '{') >= 0 {
		alts, err := expandChecked(pattern, depth, budget)
		if err != nil {
			return false, err
		}
		all := true
		for _, a := range alts {
			ok, err := collectBases(a, depth+1, seen, out, budget)
			if err != nil {
				return false, err
			}
			all = all && ok
		}
		return all, nil
	}
	i := strings.IndexAny(pattern, "<>")
	if i < 0 {
		return false, nil
	}
	if b := pattern[:i]; !seen[b] {
		seen[b] = true
		*out = append(*out, b)
	}
	return true, nil
}

// Match reports whether pkgname matches the compiled pattern.
func (p *Pattern) Match(pkgname string) bool {
	if quickReject(p.src, pkgname) {
		return false
	}
	for i := range p.leaves {
		if p.leaves[i].match(pkgname) {
			return true
		}
	}
	return false
}

// Bases returns every package base name (PKGBASE) the pattern can possibly
// match, for indexing by exact name. ok is false when the set cannot be
// determined statically (globs in the base, an empty base, ...): such a
// pattern must be tried against every package.
func (p *Pattern) Bases() (bases []string, ok bool) { return p.bases, p.ok }

// String returns the pattern's source text.
func (p *Pattern) String() string { return p.src }

// MatchBase reports whether pattern belongs to package base name base, as
// `pkg_admin audit-history` decides (admin/audit.c). Errors carry
// pkg_install's fatal messages ("Missing - in absolute pattern foo", ...).
func MatchBase(pattern, base string) (bool, error) {
	if quickReject(pattern, base) {
		return false, nil
	}
	budget := maxExpansions
	return matchBase(pattern, base, 0, &budget)
}

func matchBase(p, base string, depth int, budget *int) (bool, error) {
	open := strings.IndexByte(p, '{')
	firstClose := strings.IndexByte(p, '}')
	if open < 0 && firstClose >= 0 {
		return false, &Error{p, "Unbalanced {} in pattern " + p}
	}
	if open >= 0 {
		close := strings.IndexByte(p[open:], '}')
		if close < 0 || open+close != firstClose || depth >= maxDepth {
			return false, &Error{p, "Unbalanced {} in pattern " + p}
		}
		close += open
		inner := strings.LastIndexByte(p[:close], '{')
		prefix, body, suffix := p[:inner], p[inner+1:close], p[close+1:]
		alts := strings.Split(body, ",")
		if *budget -= len(alts); *budget < 0 {
			return false, tooMany(p)
		}
		found := false
		for _, alt := range alts {
			ok, err := matchBase(prefix+alt+suffix, base, depth+1, budget)
			if err != nil {
				return false, err
			}
			found = found || ok
		}
		return found, nil
	}
	var end int
	switch {
	case strings.ContainsAny(p, "*["):
		limit := len(p)
		if i := strings.IndexByte(p, '['); i >= 0 {
			limit = i
		}
		end = strings.LastIndexByte(p[:limit], '-')
		if end < 0 {
			return false, &Error{p, "Missing - in wildcard pattern " + p}
		}
		if strings.ContainsAny(p, "<>") {
			return false, &Error{p, "Mixed relational and wildcard patterns in " + p}
		}
	case strings.IndexByte(p, '>') >= 0:
		end = strings.IndexByte(p, '>')
		if lt := strings.IndexByte(p, '<'); lt >= 0 && lt < end {
			return false, &Error{p, "Inverted operators in " + p}
		}
	case strings.IndexByte(p, '<') >= 0:
		end = strings.IndexByte(p, '<')
	default:
		end = strings.LastIndexByte(p, '-')
		if end < 0 {
			return false, &Error{p, "Missing - in absolute pattern " + p}
		}
	}
	return p[:end] == base, nil
}

// Order tells which of two package names better matches pattern, as
// pkg_install's pkg_order: 0 neither matches, 1 the first, 2 the second.
func Order(pattern, first, second string) (int, error) {
	m1, err := Match(pattern, first)
	if err != nil {
		return 0, err
	}
	m2, err := Match(pattern, second)
	if err != nil {
		return 0, err
	}
	switch {
	case !m1 && !m2:
		return 0, nil
	case !m2:
		return 1, nil
	case !m1:
		return 2, nil
	}
	v1, v2 := first, second
	if i := strings.LastIndexByte(first, '-'); i >= 0 {
		v1 = first[i+1:]
	}
	if i := strings.LastIndexByte(second, '-'); i >= 0 {
		v2 = second[i+1:]
	}
	switch c := dewey.Compare(v1, v2); {
	case c > 0:
		return 1, nil
	case c < 0:
		return 2, nil
	}
	if strings.Compare(first, second) < 0 {
		return 1, nil
	}
	return 2, nil
}
