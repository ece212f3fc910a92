package ignore

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/fnmatch"
)

// Set is every rule of one audit that can silence findings: an ignore file
// (per advisory or CVE name) and pkg's AUDIT_IGNORE_GLOB / AUDIT_IGNORE_REGEX
// package-name lists. The zero Set (or a nil one) ignores nothing.
type Set struct {
	// List is the ignore file, nil when there is none.
	List *List

	globs    []string
	regexes  []*regexp.Regexp
	regexSrc []string
}

// NewSet returns the Set of list and of pkg's two environment settings,
// given as their values (comma-separated; each item trimmed, as pkg reads
// an array from the environment). An empty or blank item is an error, never
// a pattern: "" would match every package name as a regular expression.
// The regular expressions are POSIX EREs, unanchored, as pkg compiles them
// with regcomp(REG_EXTENDED|REG_NOSUB) (Go's POSIX mode: RE2 syntax
// restricted to egrep's).
func NewSet(list *List, globEnv, regexEnv string) (*Set, error) {
	s := &Set{List: list}
	var err error
	if s.globs, err = envList("AUDIT_IGNORE_GLOB", globEnv); err != nil {
		return nil, err
	}
	srcs, err := envList("AUDIT_IGNORE_REGEX", regexEnv)
	if err != nil {
		return nil, err
	}
	for _, src := range srcs {
		re, err := regexp.CompilePOSIX(src)
		if err != nil {
			return nil, fmt.Errorf("AUDIT_IGNORE_REGEX: %w", err)
		}
		s.regexes = append(s.regexes, re)
		s.regexSrc = append(s.regexSrc, src)
	}
	return s, nil
}

// envList splits a pkg array setting given in the environment: comma
// separated, each element trimmed. An unset or empty value is no list; an
// empty or blank element is an error naming the setting and the element.
func envList(name, v string) ([]string, error) {
	if v == "" {
		return nil, nil
	}
	items := strings.Split(v, ",")
	out := make([]string, 0, len(items))
	for i, s := range items {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil, fmt.Errorf("%s=%q: item %d of %d is empty (it would match every package); remove the stray comma", name, v, i+1, len(items))
		}
		out = append(out, s)
	}
	return out, nil
}

// Hit is one rule that applied, as a report shows it.
type Hit struct {
	// Rule is what matched: the ignore entry's id (and " package GLOB"),
	// or "AUDIT_IGNORE_GLOB=..." / "AUDIT_IGNORE_REGEX=...".
	Rule   string
	Reason string
	// Until is when the ignore entry expires (zero: never).
	Until time.Time
	// Where is the entry's position ("pkgaudit-ignore.toml:12"), when
	// known.
	Where string
}

// CVEHit is one CVE name of an advisory that a rule ignores.
type CVEHit struct {
	CVE string
	Hit
}

// Verdict is what the rules make of one (package, advisory) finding.
type Verdict struct {
	// Whole is set when the finding is silenced: a package-name list
	// matched the package, a rule names the advisory's vid or URL, or
	// every CVE name the advisory lists is ignored (Whole is then the
	// first CVE's hit). nil: the finding stays.
	Whole *Hit
	// CVEs are the advisory's CVE names that rules ignore, in the
	// advisory's order; when Whole is nil the finding is reported with
	// the other CVE names only.
	CVEs []CVEHit
}

// Ignores reports whether v ignores the CVE name c (compared
// case-insensitively).
func (v *Verdict) Ignores(c string) bool {
	for i := range v.CVEs {
		if strings.EqualFold(v.CVEs[i].CVE, c) {
			return true
		}
	}
	return false
}

// Check returns the verdict on the finding of an advisory for a package:
// name is the package name (what AUDIT_IGNORE_GLOB/REGEX see), full its
// "name-version" (or the bare name of a versionless query: what a rule's
// package glob sees, with its name part), ids the advisory's own
// identifiers (VuXML vid, pkgsrc URL) and cves its CVE names.
//
// An advisory is silenced by a rule naming one of ids, or when every one
// of cves is ignored; a rule naming some of its CVE names only marks them
// (Verdict.CVEs) and the finding stays, since the advisory is still
// vulnerable through the others.
func (s *Set) Check(name, full string, ids, cves []string, now time.Time) Verdict {
	if s == nil {
		return Verdict{}
	}
	for _, g := range s.globs {
		if fnmatch.Match(g, name, 0) {
			return Verdict{Whole: &Hit{Rule: "AUDIT_IGNORE_GLOB=" + g, Reason: "package name matches AUDIT_IGNORE_GLOB " + g}}
		}
	}
	for i, re := range s.regexes {
		if re.MatchString(name) {
			return Verdict{Whole: &Hit{Rule: "AUDIT_IGNORE_REGEX=" + s.regexSrc[i], Reason: "package name matches AUDIT_IGNORE_REGEX " + s.regexSrc[i]}}
		}
	}
	if s.List == nil || len(s.List.Rules) == 0 {
		return Verdict{}
	}
	var v Verdict
	if r, ok := s.List.Match(full, ids, now); ok {
		v.Whole = s.List.hit(r)
	}
	var one [1]string
	for i, c := range cves {
		if c == "" || v.Ignores(c) || containsFold(cves[:i], c) {
			continue
		}
		one[0] = c
		if r, ok := s.List.Match(full, one[:], now); ok {
			v.CVEs = append(v.CVEs, CVEHit{CVE: c, Hit: *s.List.hit(r)})
		}
	}
	if v.Whole == nil && len(v.CVEs) > 0 && allIgnored(&v, cves) {
		h := v.CVEs[0].Hit
		v.Whole = &h
	}
	return v
}

func containsFold(list []string, s string) bool {
	for _, x := range list {
		if strings.EqualFold(x, s) {
			return true
		}
	}
	return false
}

func allIgnored(v *Verdict, cves []string) bool {
	for _, c := range cves {
		if c != "" && !v.Ignores(c) {
			return false
		}
	}
	return true
}

// hit describes rule r of l for a report.
func (l *List) hit(r *Rule) *Hit {
	what := r.ID
	if r.Package != "" {
		what += " package " + r.Package
	}
	h := &Hit{Rule: what, Reason: r.Reason, Until: r.Until}
	if r.Line > 0 {
		h.Where = fmt.Sprintf("%s:%d", l.File, r.Line)
	}
	return h
}

// CheckAdvisory is Check for the finding of adv for a package: ids are
// adv's vid (or pkgsrc URL) and URL, cves its CVE names.
func (s *Set) CheckAdvisory(name, full string, adv *advisory.Advisory, now time.Time) Verdict {
	if s == nil {
		return Verdict{}
	}
	var buf [2]string
	ids := buf[:0]
	if adv.ID != "" {
		ids = append(ids, adv.ID)
	}
	if adv.URL != "" && adv.URL != adv.ID {
		ids = append(ids, adv.URL)
	}
	return s.Check(name, full, ids, adv.CVEs, now)
}
