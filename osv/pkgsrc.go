package osv

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
)

// PkgsrcIDPrefix starts the synthetic id of a pkgsrc record. pkgsrc has no
// advisory ids and OSV no pkgsrc database: "x_" is OSV's prefix for local
// databases that osv.dev does not aggregate (accepted by the schema after
// 1.7.5; the 1.7.5 schema's id pattern lists registered prefixes only).
const PkgsrcIDPrefix = "x_PKGSRC-"

// PkgsrcID returns the stable id of a pkg-vulnerabilities line: the prefix
// and the first 16 hex digits of the SHA-256 of
// "pattern<TAB>classification<TAB>url". The id changes only when the line
// does.
func PkgsrcID(e pkgsrc.Entry) string {
	sum := sha256.Sum256([]byte(e.Pattern + "\t" + e.Class + "\t" + e.URL))
	return PkgsrcIDPrefix + hex.EncodeToString(sum[:8])
}

// PkgsrcOptions controls FromPkgsrc.
type PkgsrcOptions struct {
	// Time is the modified and published time of every record (a line
	// carries no date). Zero: the date of the file's $NetBSD$ id line.
	Time time.Time
}

// pkgsrcDatabase is the top-level database_specific of a pkgsrc record:
// the line exactly as pkg_install reads it.
type pkgsrcDatabase struct {
	Pattern        string `json:"pattern"`
	Classification string `json:"classification"`
	URL            string `json:"url"`
	// Lines are the 1-based line numbers of the entry (more than one when
	// the file repeats the line).
	Lines []int `json:"lines,omitempty"`
	// EOL marks an end-of-life line (classification "eol"), which
	// pkg_admin reports only when CHECK_END_OF_LIFE is yes.
	EOL bool `json:"eol,omitempty"`
}

// pkgsrcAffected is the database_specific of one affected package of a
// pkgsrc record: the alternative of the pattern it stands for, and
// whether the events express it ("unexpressed" for globs, which OSV
// cannot express: readers must match the pattern itself).
type pkgsrcAffected struct {
	Pattern     string `json:"pattern"`
	Unexpressed bool   `json:"unexpressed,omitempty"`
	Lossy       bool   `json:"lossy,omitempty"`
}

var netbsdIDDate = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`\$NetBSD: [^ ]+ [^ ]+ ([0-9]{4}/[0-9]{2}/[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2})`)
})

// NetBSDIDTime returns the time in a "# $NetBSD: file,v REV DATE TIME
// author Exp $" line (UTC, as RCS writes it).
func NetBSDIDTime(id string) (time.Time, bool) {
	m := netbsdIDDate().FindStringSubmatch(id)
	if m == nil {
		return time.Time{}, false
	}
	t, err := time.Parse("2006/01/02 15:04:05", m[1])
	return t, err == nil
}

// FromPkgsrc converts the entries of a pkg-vulnerabilities file into OSV
// records, one per distinct line in file order, in the non-standard
// ecosystem "pkgsrc". A pattern's {a,b} alternatives become separate
// affected packages; dewey relations become ECOSYSTEM events (pkg_install's
// dewey order); an exact name-version becomes versions; globs, which OSV
// cannot express, are kept in database_specific.pattern only.
func FromPkgsrc(f *pkgsrc.File, opts PkgsrcOptions) ([]*Vulnerability, error) {
	t := opts.Time
	if t.IsZero() {
		var ok bool
		if t, ok = NetBSDIDTime(f.NetBSDID); !ok {
			return nil, fmt.Errorf("no date for the records: the file has no $NetBSD$ id line with a date (give one)")
		}
	}
	stamp := Timestamp(t)
	byID := map[string]*Vulnerability{}
	var out []*Vulnerability
	for _, e := range f.Entries {
		id := PkgsrcID(e)
		if v := byID[id]; v != nil {
			var db pkgsrcDatabase
			if err := jsonUnmarshal(v.DatabaseSpecific, &db); err == nil {
				db.Lines = append(db.Lines, e.Line)
				v.DatabaseSpecific = rawJSON(db)
			}
			continue
		}
		v := pkgsrcRecord(e, id, stamp)
		byID[id] = v
		out = append(out, v)
	}
	return out, nil
}

func pkgsrcRecord(e pkgsrc.Entry, id, stamp string) *Vulnerability {
	v := &Vulnerability{SchemaVersion: SchemaVersion, ID: id, Modified: stamp, Published: stamp}
	leaves := expandAlternatives(e.Pattern)
	bases := []string{}
	for _, leaf := range leaves {
		a, ds := pkgsrcAffectedOf(leaf)
		a.DatabaseSpecific = rawJSON(ds)
		v.Affected = append(v.Affected, a)
		if !contains(bases, a.Package.Name) {
			bases = append(bases, a.Package.Name)
		}
	}
	what := e.Class
	if e.Class == "eol" {
		what = "end of life (eol)"
	}
	v.Summary = strings.Join(bases, ", ") + ": " + what
	if e.Class == "eol" {
		v.Details = fmt.Sprintf("The pkgsrc vulnerability list marks packages matching `%s` as having reached end-of-life; see %s.", e.Pattern, e.URL)
	} else {
		v.Details = fmt.Sprintf("The pkgsrc vulnerability list records a %s vulnerability in packages matching `%s`; see %s.", e.Class, e.Pattern, e.URL)
	}
	v.Details = strings.ReplaceAll(v.Details, "``", "` `")
	v.Upstream = advisory.CVEsIn(e.URL)
	if isURI(e.URL) {
		v.References = []Reference{{Type: RefAdvisory, URL: e.URL}}
	}
	v.DatabaseSpecific = rawJSON(pkgsrcDatabase{Pattern: e.Pattern, Classification: e.Class, URL: e.URL, Lines: []int{e.Line}, EOL: e.Class == "eol"})
	return v
}

// maxAlternatives bounds the expansion of a pattern's alternatives; a
// pattern with more stays one unexpressed affected package.
const maxAlternatives = 1024

// expandAlternatives expands csh-style {a,b} alternation as pkg_match
// does (first '{', its matching '}', commas at depth 0, recursively).
// A malformed or too large pattern is returned whole.
func expandAlternatives(p string) []string {
	out, ok := expand(p, 0)
	if !ok || len(out) > maxAlternatives {
		return []string{p}
	}
	return out
}

func expand(p string, depth int) ([]string, bool) {
	open := strings.IndexByte(p, '{')
	if open < 0 {
		return []string{p}, true
	}
	if depth > 16 {
		return nil, false
	}
	level, end := 0, -1
	var commas []int
	for i := open; i < len(p) && end < 0; i++ {
		switch p[i] {
		case '{':
			level++
		case '}':
			level--
			if level == 0 {
				end = i
			}
		case ',':
			if level == 1 {
				commas = append(commas, i)
			}
		}
	}
	if end < 0 {
		return nil, false
	}
	prefix, suffix := p[:open], p[end+1:]
	start := open + 1
	var out []string
	for _, c := range append(commas, end) {
		alt := p[start:c]
		start = c + 1
		sub, ok := expand(prefix+alt+suffix, depth+1)
		if !ok {
			return nil, false
		}
		out = append(out, sub...)
		if len(out) > maxAlternatives {
			return nil, false
		}
	}
	return out, true
}

// pkgsrcAffectedOf maps one alternative of a pattern to an affected
// package (its database_specific returned apart).
func pkgsrcAffectedOf(leaf string) (Affected, pkgsrcAffected) {
	ds := pkgsrcAffected{Pattern: leaf}
	pkg := func(name string) Package { return Package{Ecosystem: EcosystemPkgsrc, Name: name} }
	if i := strings.IndexAny(leaf, "<>"); i >= 0 {
		base, rest := leaf[:i], leaf[i:]
		var events []Event
		lower, upper := parseDewey(rest)
		switch lower.op {
		case "":
			events = append(events, Event{Introduced, "0"})
		case ">":
			ds.Lossy = true
			fallthrough
		default:
			events = append(events, Event{Introduced, lower.v})
		}
		switch upper.op {
		case "<":
			events = append(events, Event{Fixed, upper.v})
		case "<=":
			events = append(events, Event{LastAffected, upper.v})
		}
		return Affected{Package: pkg(base), Ranges: []Range{{Type: RangeEcosystem, Events: events}}}, ds
	}
	if strings.ContainsAny(leaf, "*?[") {
		ds.Unexpressed = true
		name := leaf
		meta := strings.IndexAny(leaf, "*?[")
		if d := strings.LastIndexByte(leaf[:meta], '-'); d > 0 {
			name = leaf[:d]
		}
		return Affected{Package: pkg(name)}, ds
	}
	if d := strings.LastIndexByte(leaf, '-'); d > 0 && d+1 < len(leaf) && leaf[d+1] >= '0' && leaf[d+1] <= '9' {
		return Affected{Package: pkg(leaf[:d]), Versions: []string{leaf[d+1:]}}, ds
	}
	// A bare name matches every version (pkg_match's "name-[0-9]*").
	return Affected{Package: pkg(leaf), Ranges: []Range{{Type: RangeEcosystem, Events: []Event{{Introduced, "0"}}}}}, ds
}

type deweyBound struct{ op, v string }

// parseDewey splits the relational part of a pattern (from its first '<'
// or '>') as pkg_match does: a '>' or '>=' bound may be followed by an
// upper '<' or '<=' bound; after a '<' or '<=' everything is the bound.
func parseDewey(rest string) (lower, upper deweyBound) {
	op := func(s string) (string, string) {
		for _, o := range []string{"<=", "<", ">=", ">"} {
			if strings.HasPrefix(s, o) {
				return o, s[len(o):]
			}
		}
		return "", s
	}
	o, s := op(rest)
	if o == "<" || o == "<=" {
		return deweyBound{}, deweyBound{o, s}
	}
	if j := strings.IndexByte(s, '<'); j >= 0 {
		uo, uv := op(s[j:])
		return deweyBound{o, s[:j]}, deweyBound{uo, uv}
	}
	return deweyBound{o, s}, deweyBound{}
}

// pkgsrcPatternOf writes events of a pkgsrc affected package back as a
// pattern, for records without database_specific.pattern.
func pkgsrcPatternOf(name string, r []Event) (string, bool) {
	var lower, upper string
	for _, e := range r {
		switch e.Kind {
		case Introduced:
			if e.Version != "0" {
				lower = ">=" + e.Version
			}
		case Fixed:
			upper = "<" + e.Version
		case LastAffected:
			upper = "<=" + e.Version
		default:
			return "", false
		}
	}
	if lower == "" && upper == "" {
		return name, !fnmatch.HasMeta(name)
	}
	return name + lower + upper, true
}
