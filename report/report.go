// Package report renders the result of one audit in every output format
// pkgaudit has: pkg audit's text (byte for byte), pkg audit -Rjson's raw
// schema, pkgaudit's own JSON, SARIF 2.1.0, CycloneDX 1.6 with
// vulnerabilities, and markdown. All of them take the same model, Input:
// the databases read, the audited packages and, for each package, the
// advisories that affect it (advisory.Advisory with the block and range
// that matched) and whether an ignore rule silenced them.
package report

import (
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/ignore"
)

// Input is one audit: what was audited, against which databases, and what
// was found. Every renderer takes it.
type Input struct {
	// ToolVersion is pkgaudit's version.
	ToolVersion string
	// Time is when the audit ran (zero: not reported).
	Time time.Time
	// Ecosystem is the world of the audited packages, "freebsd" or
	// "pkgsrc"; it names the purl namespace. "" means freebsd.
	Ecosystem string
	// Databases are the vulnerability databases read, in command-line
	// order.
	Databases []Database
	// Packages are the audited packages, vulnerable or not, in report
	// order (pkgaudit sorts them by name).
	Packages []Package

	// Quiet is pkg audit -q: the text report prints only the names of
	// the vulnerable packages, the pkg-json report one issue per package.
	Quiet bool
	// Recursive is pkg audit -r: the text report prints each vulnerable
	// package's dependents.
	Recursive bool
	// ShowIgnored makes every renderer list the findings an ignore rule
	// matched (marked as such); without it they are left out and only
	// counted.
	ShowIgnored bool
}

// Database describes one vulnerability database that was read.
type Database struct {
	// Path is the file as given.
	Path string
	// Format is "vuxml" or "pkg-vulnerabilities".
	Format string
	// SHA256 is the hex digest of the file as stored (compressed or not).
	SHA256 string
	// Entries is the number of advisories it holds.
	Entries int
	// Modified is the file's modification time (zero: unknown).
	Modified time.Time
}

// Package is one audited package.
type Package struct {
	Name, Version string
	// HasVersion is false for a bare name given without any '-' (pkg's
	// "all versions" query, whose report lists the affected ranges).
	HasVersion bool
	// Base is set for the FreeBSD base system (FreeBSD, FreeBSD-kernel).
	Base bool
	// Ecosystem overrides Input.Ecosystem for this package ("freebsd",
	// "pkgsrc"), when its source tells.
	Ecosystem string
	// Origin is the ports origin or pkgsrc PKGPATH, when known.
	Origin string
	// Path is the package file or directory it was read from, when any.
	Path string
	// List and Line are the list file and line it was read from, when any.
	List string
	Line int
	// Dependents are the names of the audited packages that depend on it,
	// directly or not, in pkg audit -r's order.
	Dependents []string
	// Findings are the advisories that affect it, in pkg's order
	// (audit.PkgOrder: by the literal prefix of the matched name, then
	// database order) and with pkg's duplicates (an advisory naming the
	// package in two blocks is found twice).
	Findings []Finding
}

// FullName is "name-version", or the bare name of a versionless query.
func (p *Package) FullName() string {
	if !p.HasVersion {
		return p.Name
	}
	return p.Name + "-" + p.Version
}

// Finding is one advisory affecting one package.
type Finding struct {
	Advisory *advisory.Advisory
	// Affected is the index of the matching block in Advisory.Affects.
	Affected int
	// Name is the index of the matching name in that block's Names
	// (FreeBSD).
	Name int
	// Range is the index of the matching range in that block's Ranges,
	// -1 when no single range was tested (a versionless query, a pkgsrc
	// pattern).
	Range int
	// Ignored is set when ignore rules silence the finding: a rule names
	// the advisory, or every CVE name it lists, or the package.
	Ignored *Ignore
	// IgnoredCVEs are the advisory's CVE names that rules ignore (in the
	// advisory's order). When Ignored is nil the finding is reported with
	// its other CVE names only, and these are marked as ignored.
	IgnoredCVEs []IgnoredCVE
	// FixAvailable tells whether a version at or above FixedIn that this
	// advisory does not affect is known to exist (from a ports INDEX);
	// nil when unknown.
	FixAvailable *bool
}

// Ignore says why a finding (or one of its CVE names) is ignored: the
// rule, its reason, expiry and position (package ignore's Hit).
type Ignore = ignore.Hit

// IgnoredCVE is one CVE name of a finding that an ignore rule names while
// the finding stays (its advisory is still vulnerable through its other CVE
// names): package ignore's CVEHit.
type IgnoredCVE = ignore.CVEHit

// ID is the advisory's identifier: the VuXML vid, the pkgsrc URL.
func (f *Finding) ID() string { return f.Advisory.ID }

// Block is the matching affected block (nil if Affected is out of range).
func (f *Finding) Block() *advisory.Affected {
	if f.Affected < 0 || f.Affected >= len(f.Advisory.Affects) {
		return nil
	}
	return &f.Advisory.Affects[f.Affected]
}

// MatchedName is the block's name (or glob) that matched, "" if unknown.
func (f *Finding) MatchedName() string {
	b := f.Block()
	if b == nil || f.Name < 0 || f.Name >= len(b.Names) {
		return ""
	}
	return b.Names[f.Name]
}

// matchedRange is the matching range, nil when none was tested.
func (f *Finding) matchedRange() *advisory.Range {
	b := f.Block()
	if b == nil || f.Range < 0 || f.Range >= len(b.Ranges) {
		return nil
	}
	return &b.Ranges[f.Range]
}

// FixedIn is the first fixed version the match implies: the <lt> bound of
// the matching FreeBSD range, or V of a pkgsrc pattern "name<V"; "" when
// none is implied (no upper bound, a "<=" bound, a versionless query, any
// other pkgsrc pattern).
func (f *Finding) FixedIn() string {
	if r := f.matchedRange(); r != nil {
		return r.Fixed()
	}
	if b := f.Block(); b != nil && b.Scheme == advisory.Pkgsrc {
		return pkgsrcFixed(b.Pattern)
	}
	return ""
}

// pkgsrcFixed returns V of a pattern "base<V" whose base holds no glob or
// alternation and whose V no further operator.
func pkgsrcFixed(pattern string) string {
	i := strings.IndexAny(pattern, "<>=")
	if i <= 0 || pattern[i] != '<' || strings.ContainsAny(pattern[:i], "*?[]{}") {
		return ""
	}
	v := pattern[i+1:]
	if v == "" || strings.ContainsAny(v, "<>=*?[]{}") {
		return ""
	}
	return v
}

// AffectedText describes what is vulnerable in one line: the matching
// range as pkg prints it ("< 8.8.0", ">= 1.0 : < 2.0"), every range of the
// block joined with ", " for a versionless query, or the pkgsrc pattern.
func (f *Finding) AffectedText() string {
	b := f.Block()
	if b == nil {
		return ""
	}
	if b.Scheme == advisory.Pkgsrc {
		return b.Pattern
	}
	if r := f.matchedRange(); r != nil {
		return strings.TrimSpace(r.String())
	}
	parts := make([]string, len(b.Ranges))
	for i, r := range b.Ranges {
		parts[i] = strings.TrimSpace(r.String())
	}
	return strings.Join(parts, ", ")
}

// vuxmlWWW is the advisory page pkg audit prints, always derived from the
// vid with this exact spelling.
const vuxmlWWW = "https://vuxml.FreeBSD.org/freebsd/"

// URL is the advisory's own page: the VuXML page of the vid as pkg prints
// it, or the advisory's URL; "" when it has none.
func (f *Finding) URL() string {
	if f.vuxmlPage() {
		return vuxmlWWW + f.Advisory.ID + ".html"
	}
	if a := f.Advisory; a.Source != advisory.SourceVuXML && !(a.Source == "" && a.URL == "") {
		return a.URL
	}
	return ""
}

// vuxmlPage reports whether URL is the VuXML page of the vid.
func (f *Finding) vuxmlPage() bool {
	a := f.Advisory
	return (a.Source == advisory.SourceVuXML || (a.Source == "" && a.URL == "")) && a.ID != ""
}

// URLs are the advisory's page followed by its <url> references, each
// once.
func (f *Finding) URLs() []string {
	var out []string
	seen := map[string]bool{}
	add := func(u string) {
		if u != "" && !seen[u] {
			seen[u] = true
			out = append(out, u)
		}
	}
	add(f.URL())
	for _, r := range f.Advisory.References {
		if r.Kind == "url" {
			add(r.Value)
		}
	}
	return out
}

// CVEs are the advisory's CVE names.
func (f *Finding) CVEs() []string { return f.Advisory.CVEs }

// ReportedCVEs are the advisory's CVE names less those ignore rules name.
func (f *Finding) ReportedCVEs() []string { return f.withoutIgnored(f.Advisory.CVEs) }

// withoutIgnored returns cves less the ignored ones (cves itself when
// none is).
func (f *Finding) withoutIgnored(cves []string) []string {
	if len(f.IgnoredCVEs) == 0 {
		return cves
	}
	out := make([]string, 0, len(cves))
	for _, c := range cves {
		if !f.cveIgnored(c) {
			out = append(out, c)
		}
	}
	return out
}

// cveIgnored reports whether an ignore rule names the CVE c.
func (f *Finding) cveIgnored(c string) bool {
	for i := range f.IgnoredCVEs {
		if strings.EqualFold(f.IgnoredCVEs[i].CVE, c) {
			return true
		}
	}
	return false
}

// shown returns the findings of p a renderer lists: ignored ones only with
// ShowIgnored; with unique, each advisory once (its first match: pkg's
// duplicates are matches of one advisory through several blocks or names).
// Advisories are told apart by identity, not by ID: two pkgsrc entries may
// share a URL.
func (in *Input) shown(p *Package, unique bool) []Finding {
	var out []Finding
	var seen map[*advisory.Advisory]bool
	unique = unique && len(p.Findings) > 1
	if unique {
		seen = make(map[*advisory.Advisory]bool, len(p.Findings))
	}
	for _, f := range p.Findings {
		if f.Ignored != nil && !in.ShowIgnored {
			continue
		}
		if unique {
			if seen[f.Advisory] {
				continue
			}
			seen[f.Advisory] = true
		}
		out = append(out, f)
	}
	return out
}

// Summary counts an audit's results.
type Summary struct {
	// Packages is the number of audited packages.
	Packages int
	// Vulnerable is the number of packages with a finding no rule ignores.
	Vulnerable int
	// Problems counts those findings as pkg audit does, duplicates
	// included ("N problem(s) in M package(s) found.").
	Problems int
	// Vulnerabilities counts them once per (package, advisory).
	Vulnerabilities int
	// Advisories is the number of distinct advisory IDs among them.
	Advisories int
	// Ignored counts the ignored findings once per (package, advisory);
	// IgnoredPackages the packages that have one.
	Ignored, IgnoredPackages int
	// IgnoredCVEs counts the CVE names ignore rules name in reported
	// findings, once per (package, advisory, CVE name).
	IgnoredCVEs int
}

// Summary returns the counts of in.
func (in *Input) Summary() Summary {
	s := in.counts()
	advisories := make(map[string]struct{}, s.Vulnerabilities)
	for i := range in.Packages {
		for j := range in.Packages[i].Findings {
			if f := &in.Packages[i].Findings[j]; f.Ignored == nil {
				advisories[f.ID()] = struct{}{}
			}
		}
	}
	s.Advisories = len(advisories)
	return s
}

// counts is Summary without Advisories (which the text report does not
// print, and which costs a set of every ID).
func (in *Input) counts() Summary {
	s := Summary{Packages: len(in.Packages)}
	var seen map[*advisory.Advisory]bool
	for i := range in.Packages {
		fs := in.Packages[i].Findings
		if len(fs) == 0 {
			continue
		}
		// Once per (package, advisory): a package's findings are few, so
		// the earlier ones are searched unless there are many.
		many := len(fs) > 16
		if many {
			if seen == nil {
				seen = make(map[*advisory.Advisory]bool, len(fs))
			}
			clear(seen)
		}
		first := func(j int) bool {
			a := fs[j].Advisory
			if many {
				if seen[a] {
					return false
				}
				seen[a] = true
				return true
			}
			for k := range j {
				if fs[k].Advisory == a {
					return false
				}
			}
			return true
		}
		active, ignored := 0, 0
		for j := range fs {
			if fs[j].Ignored != nil {
				if first(j) {
					ignored++
				}
				continue
			}
			active++
			if first(j) {
				s.Vulnerabilities++
				s.IgnoredCVEs += len(fs[j].IgnoredCVEs)
			}
		}
		s.Problems += active
		s.Ignored += ignored
		if active > 0 {
			s.Vulnerable++
		}
		if ignored > 0 {
			s.IgnoredPackages++
		}
	}
	return s
}

// Active reports whether p has a finding no rule ignores.
func (p *Package) Active() bool {
	for _, f := range p.Findings {
		if f.Ignored == nil {
			return true
		}
	}
	return false
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
