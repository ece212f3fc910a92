// Package advisory is the common model of a security advisory that the
// audit engine, the reports, the site and the exports share, whatever feed
// it came from: a FreeBSD VuXML <vuln> entry, a pkgsrc pkg-vulnerabilities
// line or an OSV record. It knows no file format; converters live beside
// the parsers' users (package feed) and the engine lives in package audit.
//
// Each affected block carries the rules of its world: FreeBSD blocks list
// names (exact or fnmatch(3) globs, flags 0) and ranges compared with
// pkg_version_cmp; pkgsrc blocks hold one pkg_install pattern.
package advisory

import (
	"slices"
	"strings"

	"github.com/pkgaudit/pkgaudit/version/freebsd"
)

// Source tells which kind of feed an advisory came from.
type Source string

// Sources.
const (
	SourceVuXML  Source = "vuxml"
	SourcePkgsrc Source = "pkgsrc"
	SourceOSV    Source = "osv"
)

// Scheme is the version order and name matching of one package world.
type Scheme int

// Schemes.
const (
	// FreeBSD: names are fnmatch(3) globs (flags 0) matched against the bare
	// package name; ranges are compared with pkg_version_cmp.
	FreeBSD Scheme = iota + 1
	// Pkgsrc: one pkg_install pattern (pkg_match) against "name-version".
	Pkgsrc
)

// String returns "freebsd" or "pkgsrc".
func (s Scheme) String() string {
	switch s {
	case FreeBSD:
		return "freebsd"
	case Pkgsrc:
		return "pkgsrc"
	}
	return "unknown"
}

// Advisory is one advisory.
type Advisory struct {
	// ID identifies the advisory within its source: the VuXML vid, the
	// pkgsrc advisory URL, the OSV id.
	ID     string
	Source Source
	// Topic is a one-line summary: the VuXML <topic>, the pkgsrc
	// classification ("denial-of-service"), the OSV summary.
	Topic string
	// Class is the pkgsrc classification ("eol" for end-of-life lines);
	// empty for other sources.
	Class string
	// URL is the advisory's own page: https://vuxml.FreeBSD.org/freebsd/VID.html
	// for VuXML, the line's URL for pkgsrc.
	URL string
	// References are every reference in source order (CVE names included).
	References []Reference
	// CVEs are the CVE names among the references, in source order.
	CVEs []string
	// Dates as written in the source (YYYY-MM-DD), empty when unknown.
	Dates Dates
	// Withdrawn is set for a cancelled VuXML entry (or withdrawn OSV
	// record); SupersededBy names its replacement when known.
	Withdrawn    bool
	SupersededBy string
	// Affects lists the affected blocks.
	Affects []Affected
	// Origin is where the advisory was read from.
	Origin Origin
}

// Reference is one reference of an advisory: Kind is the VuXML element
// name (cvename, url, freebsdsa, freebsdpr, mlist, bid, certsa, certvu,
// uscertsa, uscertta) or an OSV reference type; Value is its text.
type Reference struct {
	Kind  string
	Value string
}

// Dates are an advisory's dates, YYYY-MM-DD as written.
type Dates struct {
	Discovery string
	Entry     string // VuXML <entry>; OSV published
	Modified  string
}

// Origin is a position in a database file.
type Origin struct {
	File string
	Line int
	Col  int
}

// Kind tells a package block from a base-system block.
type Kind int

// Kinds of affected block.
const (
	// Package is a port or package (<package>, a pkgsrc line).
	Package Kind = iota
	// System is the base system (VuXML <system>): FreeBSD, FreeBSD-kernel.
	System
)

// Affected is one affected block.
type Affected struct {
	Scheme Scheme
	Kind   Kind
	// Names (FreeBSD) are exact names or fnmatch globs; every name shares
	// every range.
	Names []string
	// Ranges (FreeBSD) are ORed; a block without ranges matches no
	// versioned package (pkg's rule).
	Ranges []Range
	// Pattern (pkgsrc) is the whole pkg_install pattern
	// ("openssl<1.0.2l", "{ap2,ap22}-perl<2.0.4").
	Pattern string
}

// Op is a range operator.
type Op int

// Operators, as VuXML's <lt>, <le>, <eq>, <ge>, <gt>.
const (
	LT Op = iota + 1
	LE
	EQ
	GE
	GT
)

// Symbol returns the operator as pkg audit prints it: "<", "<=", "=",
// ">=", ">".
func (o Op) Symbol() string {
	switch o {
	case LT:
		return "<"
	case LE:
		return "<="
	case EQ:
		return "="
	case GE:
		return ">="
	case GT:
		return ">"
	}
	return "?"
}

// Name returns the VuXML element name: "lt", "le", "eq", "ge", "gt".
func (o Op) Name() string {
	switch o {
	case LT:
		return "lt"
	case LE:
		return "le"
	case EQ:
		return "eq"
	case GE:
		return "ge"
	case GT:
		return "gt"
	}
	return "?"
}

// String returns the VuXML element name, as Name.
func (o Op) String() string { return o.Name() }

// holds reports whether c, the result of comparing a version to the
// bound's version, satisfies the operator.
func (o Op) holds(c int) bool {
	switch o {
	case LT:
		return c < 0
	case LE:
		return c <= 0
	case EQ:
		return c == 0
	case GE:
		return c >= 0
	case GT:
		return c > 0
	}
	return false
}

// Bound is one operator and its version, e.g. <lt>1.2</lt>.
type Bound struct {
	Op      Op
	Version string
}

// Range is one VuXML <range>: its bounds in document order.
type Range struct {
	Bounds []Bound
}

// Contains reports whether version lies in r by FreeBSD pkg's rule: the
// first two bounds must both hold (a missing one holds; any further bound
// is ignored, as pkg ignores it), each compared with pkg_version_cmp.
func (r Range) Contains(version string) bool {
	for i, b := range r.Bounds {
		if i == 2 {
			break
		}
		if !b.Op.holds(freebsd.Compare(version, b.Version)) {
			return false
		}
	}
	return true
}

// String returns the range as pkg audit prints it under "Affected
// versions:", without the indent: "OP1 V1 : OP2 V2", "OP V", or " (null)"
// for a range without bounds.
func (r Range) String() string {
	switch len(r.Bounds) {
	case 0:
		return " (null)"
	case 1:
		return r.Bounds[0].Op.Symbol() + " " + r.Bounds[0].Version
	}
	return r.Bounds[0].Op.Symbol() + " " + r.Bounds[0].Version + " : " +
		r.Bounds[1].Op.Symbol() + " " + r.Bounds[1].Version
}

// Fixed returns the first fixed version the range implies: the version of
// an <lt> upper bound ("" when the range has none, e.g. "<= 1.2" or an open
// upper end, where no fixed version is known).
func (r Range) Fixed() string {
	for i, b := range r.Bounds {
		if i == 2 {
			break
		}
		if b.Op == LT {
			return b.Version
		}
	}
	return ""
}

// MatchRange returns the index of the first range of a FreeBSD block that
// contains version, or -1.
func (a *Affected) MatchRange(version string) int {
	for i, r := range a.Ranges {
		if r.Contains(version) {
			return i
		}
	}
	return -1
}

// CVEsIn returns the CVE names that occur in s (a URL such as
// ".../CVE-2021-1234" or "...?name=CVE-2021-1234"), in order, once each.
func CVEsIn(s string) []string {
	var out []string
	for rest := s; ; {
		i := strings.Index(rest, "CVE-")
		if i < 0 {
			return out
		}
		j := i + 4
		for j < len(rest) && (rest[j] >= '0' && rest[j] <= '9' || rest[j] == '-') {
			j++
		}
		if c := strings.TrimRight(rest[i:j], "-"); IsCVE(c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
		rest = rest[j:]
	}
}

// IsCVE reports whether s looks like a CVE name (CVE-YYYY-NNNN...), the
// test used to pick CVE names out of references and URLs.
func IsCVE(s string) bool {
	if len(s) < len("CVE-2000-0000") || !strings.HasPrefix(s, "CVE-") || s[8] != '-' {
		return false
	}
	for i := 4; i < len(s); i++ {
		if i != 8 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}
