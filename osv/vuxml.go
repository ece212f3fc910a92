package osv

import (
	"fmt"
	"net/url"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/version/freebsd"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// VuXMLIDPrefix is put before a vid to make the record id: a local,
// stable id in the FreeBSD home database's namespace ("FreeBSD-" is a
// registered OSV prefix; the official feed numbers its records
// FreeBSD-YYYY-NNNN, which cannot collide with FreeBSD-VUXML-<uuid>).
const VuXMLIDPrefix = "FreeBSD-VUXML-"

// VuXMLID returns the record id of the VuXML entry vid.
func VuXMLID(vid string) string { return VuXMLIDPrefix + vid }

// VuXMLPage is the entry's page on vuxml.freebsd.org, spelled as pkg
// audit prints it.
func VuXMLPage(vid string) string { return "https://vuxml.FreeBSD.org/freebsd/" + vid + ".html" }

// VuXMLOptions controls FromVuXML.
type VuXMLOptions struct {
	// DefaultTime stands for the dates of an entry that has none (the
	// cancelled entries of 2003 carry no <dates>): it becomes modified
	// and withdrawn. FromVuXMLDocument sets it to the newest date of the
	// document when zero, so that the output depends only on the input.
	DefaultTime time.Time
}

// vuxmlDatabase is the top-level database_specific of a VuXML record.
type vuxmlDatabase struct {
	VID string `json:"vid"`
	// Discovery is <dates><discovery> as an RFC 3339 time (how pkg's OSV
	// reader expects it).
	Discovery string `json:"discovery,omitempty"`
	// References are the VuXML references by element name, values in
	// document order (the shape of FreeBSD's draft converter).
	References map[string][]string `json:"references,omitempty"`
	Cancelled  bool                `json:"cancelled,omitempty"`
	// Superseded is the vid named by <cancelled superseded=...>.
	Superseded string `json:"superseded,omitempty"`
	// DatesUnknown marks modified/withdrawn taken from DefaultTime.
	DatesUnknown bool `json:"dates_unknown,omitempty"`
}

// vuxmlAffected is the database_specific of one affected package.
type vuxmlAffected struct {
	// NameGlob is a <name> holding fnmatch(3) characters, which OSV
	// cannot express: package.name then holds the same text, literally.
	NameGlob string `json:"name_glob,omitempty"`
	// Kind is "system" for a <system> block (pkg audit ignores those).
	Kind string `json:"vuxml_kind,omitempty"`
	// Block is the index of the <package>/<system> block in <affects>:
	// the names of one block share its ranges.
	Block int `json:"vuxml_block"`
	// EmptyRanges are the block's ranges that hold no version as pkg
	// reads them (bounds inverted; pkg ANDs them): OSV cannot say so
	// without an "introduced 0, fixed 0" pair, which osv-linter rejects,
	// so they are left out of ranges and kept here with their position
	// among the block's ranges. A block whose every range is empty has
	// "ranges": [], which affects no version.
	EmptyRanges []emptyRange `json:"vuxml_empty_ranges,omitempty"`
}

// emptyRange is a VuXML range left out of an affected package's ranges
// because it holds no version.
type emptyRange struct {
	// Index is the range's position among the block's <range> elements.
	Index  int                 `json:"index"`
	Bounds []map[string]string `json:"vuxml_range"`
}

// vuxmlRange is the database_specific of one range: its exact bounds, in
// document order, as one-key objects ({"ge": "1.6"}, {"lt": "1.9"}).
// OSV has no exclusive lower bound, so <gt> is written as introduced
// (which also flags the bound itself); readers that know this field use
// it instead of the events.
type vuxmlRange struct {
	Bounds []map[string]string `json:"vuxml_range"`
	// Lossy is set when the events say more than the bounds (a <gt>).
	Lossy bool `json:"lossy,omitempty"`
}

// NewestDate returns the newest <entry> or <modified> date of doc at
// midnight UTC (the zero time when there is none).
func NewestDate(doc *vuxml.Document) time.Time {
	var newest time.Time
	for _, e := range doc.Entries {
		for _, d := range []string{e.Dates.Entry, e.Dates.Modified, e.Dates.Discovery} {
			if t, err := time.Parse("2006-01-02", strings.TrimSpace(d)); err == nil && t.After(newest) {
				newest = t
			}
		}
	}
	return newest
}

// FromVuXMLDocument converts every entry of doc, in document order. Two
// entries with the same vid are an error (their records would share an
// id and a file name).
func FromVuXMLDocument(doc *vuxml.Document, opts VuXMLOptions) ([]*Vulnerability, error) {
	if opts.DefaultTime.IsZero() {
		opts.DefaultTime = NewestDate(doc)
	}
	seen := make(map[string]vuxml.Pos, len(doc.Entries))
	out := make([]*Vulnerability, 0, len(doc.Entries))
	for _, e := range doc.Entries {
		if p, dup := seen[e.VID]; dup {
			return nil, fmt.Errorf("%s: vuln %s: the same vid as the entry at %s", posString(e.Pos), e.VID, posString(p))
		}
		seen[e.VID] = e.Pos
		v, err := FromVuXML(e, opts)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func posString(p vuxml.Pos) string {
	switch {
	case p.File == "" && p.Line == 0:
		return "-"
	case p.Line == 0:
		return p.File
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// FromVuXML converts one VuXML entry into an OSV record (mapping in the
// README, "OSV export"): id FreeBSD-VUXML-<vid>, summary the topic,
// details the description in CommonMark, one affected package per <name>
// (ecosystem FreeBSD:ports, or FreeBSD:base / FreeBSD:kernel for the names
// FreeBSD and FreeBSD-kernel), one ECOSYSTEM range per <range> with its
// exact bounds in database_specific, CVE names in upstream, typed
// references, and cancelled entries as withdrawn records.
func FromVuXML(e *vuxml.Entry, opts VuXMLOptions) (*Vulnerability, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: vuln %s: %s", posString(e.Pos), e.VID, fmt.Sprintf(format, args...))
	}
	vid := strings.TrimSpace(e.VID)
	if vid == "" {
		return nil, fail("no vid")
	}
	v := &Vulnerability{SchemaVersion: SchemaVersion, ID: VuXMLID(vid)}
	db := vuxmlDatabase{VID: vid}

	stamp := func(what, d string) (string, error) {
		d = strings.TrimSpace(d)
		if d == "" {
			return "", nil
		}
		s, ok := dateStamp(d)
		if !ok {
			return "", fail("<%s> %q is not a YYYY-MM-DD date", what, d)
		}
		return s, nil
	}
	var err error
	if v.Published, err = stamp("entry", e.Dates.Entry); err != nil {
		return nil, err
	}
	if v.Modified, err = stamp("modified", e.Dates.Modified); err != nil {
		return nil, err
	}
	if db.Discovery, err = stamp("discovery", e.Dates.Discovery); err != nil {
		return nil, err
	}
	if v.Modified == "" {
		v.Modified = v.Published
	}
	if v.Modified == "" {
		if opts.DefaultTime.IsZero() {
			return nil, fail("no dates, and no default time given")
		}
		v.Modified = Timestamp(opts.DefaultTime)
		db.DatesUnknown = true
	}

	v.Summary = strings.Join(strings.Fields(e.Topic), " ")
	if e.Cancelled != nil {
		db.Cancelled = true
		v.Withdrawn = v.Modified
		details := "This VuXML entry was cancelled."
		if s := strings.TrimSpace(e.Cancelled.Superseded); s != "" {
			db.Superseded = s
			v.Related = []string{VuXMLID(s)}
			details += " It is superseded by " + VuXMLID(s) + "."
		}
		if v.Summary == "" {
			v.Summary = "Cancelled VuXML entry"
		}
		v.Details = details
	}
	if strings.TrimSpace(e.Description.XHTML) != "" {
		md, err := MarkdownFromXHTML(e.Description.XHTML)
		if err != nil {
			return nil, fail("description: %v", err)
		}
		if md != "" {
			if v.Details != "" {
				v.Details += "\n\n"
			}
			v.Details += md
		}
	}

	// Affected packages.
	for bi, blk := range e.Affects {
		// Never nil: a block without a range that holds a version is
		// written "ranges": [] (no version), not left out (which many
		// readers take for every version).
		ranges := []Range{}
		var eqs []string
		var empties []emptyRange
		for ri, r := range blk.Ranges {
			events, eq, lossy, empty := rangeEvents(r.Bounds)
			exact := vuxmlRange{Lossy: lossy}
			for _, b := range r.Bounds {
				exact.Bounds = append(exact.Bounds, map[string]string{b.Op.String(): b.Version})
			}
			if exact.Bounds == nil {
				exact.Bounds = []map[string]string{}
			}
			if empty {
				empties = append(empties, emptyRange{Index: ri, Bounds: exact.Bounds})
				continue
			}
			ranges = append(ranges, Range{Type: RangeEcosystem, Events: events, DatabaseSpecific: rawJSON(exact)})
			eqs = append(eqs, eq...)
		}
		for _, n := range blk.Names {
			name := n.Value
			a := Affected{Package: Package{Ecosystem: ecosystemOf(name), Name: name}, Ranges: ranges, Versions: eqs}
			ds := vuxmlAffected{Block: bi, EmptyRanges: empties}
			if fnmatch.HasMeta(name) {
				ds.NameGlob = name
			}
			if blk.Kind == vuxml.System {
				ds.Kind = "system"
			}
			a.DatabaseSpecific = rawJSON(ds)
			v.Affected = append(v.Affected, a)
		}
	}

	// References: the entry's page first, then the references in document
	// order, then the sources quoted in the description.
	refs := refList{seen: map[string]bool{}}
	refs.add(RefAdvisory, VuXMLPage(vid))
	for _, r := range e.References {
		val := strings.TrimSpace(r.Value)
		if val == "" {
			continue
		}
		if db.References == nil {
			db.References = map[string][]string{}
		}
		db.References[r.Kind] = append(db.References[r.Kind], val)
		if r.Kind == "cvename" && !contains(v.Upstream, val) {
			v.Upstream = append(v.Upstream, val)
		}
		if typ, u, ok := vuxmlRefURL(r.Kind, val); ok {
			refs.add(typ, u)
		}
	}
	for _, c := range citeURLs(e.Description.XHTML) {
		refs.add(RefReport, c)
	}
	v.References = refs.list
	v.DatabaseSpecific = rawJSON(db)
	return v, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ecosystemOf maps a VuXML package name to its OSV ecosystem.
func ecosystemOf(name string) string {
	switch name {
	case "FreeBSD":
		return EcosystemBase
	case "FreeBSD-kernel":
		return EcosystemKernel
	}
	return EcosystemPorts
}

// rangeEvents maps the bounds of a <range> to OSV events. pkg uses the
// first two bounds and ANDs them, so only those count:
//
//	none        introduced 0                (every version)
//	lt B        introduced 0, fixed B
//	le B        introduced 0, last_affected B
//	ge A [..]   introduced A [, fixed B | last_affected B]
//	gt A [..]   introduced A [...]          lossy: A itself is not affected
//	eq X        introduced X, last_affected X, and X in versions
//
// Two lower (or upper) bounds keep the tighter one; eq with another bound
// keeps X if the bound holds for X. For a range that can hold no version
// (also a lower bound above the upper one) empty is set (and the events
// say introduced 0, fixed 0; the caller leaves such ranges out).
func rangeEvents(bounds []vuxml.Bound) (events []Event, eqs []string, lossy, empty bool) {
	if len(bounds) > 2 {
		bounds = bounds[:2]
	}
	var lo, hi, eq *vuxml.Bound
	for i := range bounds {
		b := &bounds[i]
		switch b.Op {
		case vuxml.Ge, vuxml.Gt:
			if lo == nil || tighterLower(b, lo) {
				lo = b
			}
		case vuxml.Lt, vuxml.Le:
			if hi == nil || tighterUpper(b, hi) {
				hi = b
			}
		case vuxml.Eq:
			if eq != nil && freebsd.Compare(eq.Version, b.Version) != 0 {
				empty = true
			}
			eq = b
		}
	}
	if lo != nil && hi != nil {
		// pkg ANDs the bounds: an inverted pair holds no version, while
		// OSV, which sorts events, would read it as open-ended. (The real
		// data has such ranges: pkg compares <lt>10.4.17+security-01</lt>
		// as "01", after the last '-'.)
		c := freebsd.Compare(lo.Version, hi.Version)
		if c > 0 || c == 0 && (lo.Op == vuxml.Gt || hi.Op == vuxml.Lt) {
			empty = true
		}
	}
	if eq != nil {
		for _, b := range []*vuxml.Bound{lo, hi} {
			if b != nil && !opHolds(b.Op, freebsd.Compare(eq.Version, b.Version)) {
				empty = true
			}
		}
	}
	if empty {
		return []Event{{Introduced, "0"}, {Fixed, "0"}}, nil, false, true
	}
	if eq != nil {
		return []Event{{Introduced, eq.Version}, {LastAffected, eq.Version}}, []string{eq.Version}, false, false
	}
	if lo == nil {
		events = append(events, Event{Introduced, "0"})
	} else {
		events = append(events, Event{Introduced, lo.Version})
		lossy = lo.Op == vuxml.Gt
	}
	if hi != nil {
		kind := Fixed
		if hi.Op == vuxml.Le {
			kind = LastAffected
		}
		events = append(events, Event{kind, hi.Version})
	}
	return events, nil, lossy, false
}

func tighterLower(a, b *vuxml.Bound) bool {
	c := freebsd.Compare(a.Version, b.Version)
	return c > 0 || c == 0 && a.Op == vuxml.Gt
}

func tighterUpper(a, b *vuxml.Bound) bool {
	c := freebsd.Compare(a.Version, b.Version)
	return c < 0 || c == 0 && a.Op == vuxml.Lt
}

// opHolds reports whether comparison result c satisfies op.
func opHolds(op vuxml.Op, c int) bool {
	switch op {
	case vuxml.Lt:
		return c < 0
	case vuxml.Le:
		return c <= 0
	case vuxml.Eq:
		return c == 0
	case vuxml.Ge:
		return c >= 0
	case vuxml.Gt:
		return c > 0
	}
	return false
}

// vuxmlRefURL returns the typed link of a VuXML reference. URL forms are
// those of the FreeBSD VuXML stylesheets: html.xsl (security/vuxml) for
// freebsdsa and cvename, portaudit's vuxml2html.xslt for bid, certsa and
// certvu; freebsdpr links to FreeBSD's Bugzilla. uscertsa and uscertta have
// no stable link and stay in database_specific only.
func vuxmlRefURL(kind, val string) (typ, u string, ok bool) {
	switch kind {
	case "cvename":
		typ, u = RefAdvisory, "https://cve.mitre.org/cgi-bin/cvename.cgi?name="+url.QueryEscape(val)
	case "freebsdsa":
		typ, u = RefAdvisory, "https://security.freebsd.org/advisories/FreeBSD-"+url.PathEscape(val)+".asc"
	case "freebsdpr":
		id := val[strings.LastIndexByte(val, '/')+1:]
		if !allDigits(id) {
			return "", "", false
		}
		typ, u = RefReport, "https://bugs.freebsd.org/bugzilla/show_bug.cgi?id="+id
	case "bid":
		if !allDigits(val) {
			return "", "", false
		}
		typ, u = RefAdvisory, "https://www.securityfocus.com/bid/"+val
	case "certsa":
		typ, u = RefAdvisory, "https://www.cert.org/advisories/"+url.PathEscape(val)+".html"
	case "certvu":
		if !allDigits(val) {
			return "", "", false
		}
		typ, u = RefAdvisory, "https://www.kb.cert.org/vuls/id/"+val
	case "mlist":
		typ, u = RefDiscussion, val
	case "url":
		typ, u = RefWeb, val
		if pu, err := url.Parse(val); err == nil {
			h := strings.ToLower(pu.Host)
			if h == "security.freebsd.org" || (h == "www.freebsd.org" && strings.HasPrefix(pu.Path, "/security/")) {
				typ = RefAdvisory
			}
		}
	default:
		return "", "", false
	}
	return typ, u, isURI(u)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// isURI reports whether s is an absolute URI that the schema's "uri"
// format accepts, without white space or control characters.
func isURI(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] == 0x7f || s[i] == '"' || s[i] == '<' || s[i] == '>' || s[i] == '\\' || s[i] == '^' || s[i] == '`' || s[i] == '{' || s[i] == '|' || s[i] == '}' {
			return false
		}
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme != "" && (u.Host != "" || u.Opaque != "")
}

// refList collects references, each URL once.
type refList struct {
	list []Reference
	seen map[string]bool
}

func (l *refList) add(typ, u string) {
	if !isURI(u) || l.seen[u] {
		return
	}
	l.seen[u] = true
	l.list = append(l.list, Reference{Type: typ, URL: u})
}

// citeURLs returns the cite URLs of the description's blockquotes.
func citeURLs(xhtml string) []string {
	if !strings.Contains(xhtml, "cite") || len(xhtml) > MaxDescription {
		return nil
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(xhtml), ctx)
	if err != nil {
		return nil
	}
	var out []string
	var walk func(*html.Node, int)
	walk = func(n *html.Node, depth int) {
		if depth > maxMarkdownDepth {
			return
		}
		if n.Type == html.ElementNode && n.DataAtom == atom.Blockquote {
			if c, ok := attr(n, "cite"); ok {
				if c = strings.TrimSpace(c); isURI(c) {
					out = append(out, c)
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, depth+1)
		}
	}
	for _, n := range nodes {
		walk(n, 0)
	}
	return out
}
