package newentry

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pkgaudit/pkgaudit/version/freebsd"
	"github.com/pkgaudit/pkgaudit/vuxml/cverecord"
	"github.com/pkgaudit/pkgaudit/vuxml/freebsdsa"
)

// spec is a whole entry, ready to be written in newentry.sh's layout.
type spec struct {
	vid, topic string
	packages   []pkg
	body       []string // lines inside <body>, without their leading tab
	refs       [][2]string
	discovery  string
	entry      string
}

type pkg struct {
	names  []string
	ranges []cverecord.Range
}

// fixmeRange is the range of a package whose versions the source does not
// give.
var fixmeRange = cverecord.Range{{Op: "lt", Version: DateMarker}}

func (s *spec) render() string {
	var b strings.Builder
	w := func(parts ...string) {
		for _, p := range parts {
			b.WriteString(p)
		}
		b.WriteByte('\n')
	}
	w(`  <vuln vid="`, s.vid, `">`)
	w("    <topic>", text(s.topic), "</topic>")
	w("    <affects>")
	for _, p := range s.packages {
		w("      <package>")
		for _, n := range p.names {
			w("\t<name>", text(n), "</name>")
		}
		for _, r := range p.ranges {
			var rb strings.Builder
			for _, bd := range r {
				rb.WriteString("<" + bd.Op + ">" + text(bd.Version) + "</" + bd.Op + ">")
			}
			w("\t<range>", rb.String(), "</range>")
		}
		w("      </package>")
	}
	w("    </affects>")
	w("    <description>")
	w(`      <body xmlns="http://www.w3.org/1999/xhtml">`)
	for _, l := range s.body {
		w("\t", l)
	}
	w("      </body>")
	w("    </description>")
	w("    <references>")
	for _, r := range s.refs {
		w("      <", r[0], ">", text(r[1]), "</", r[0], ">")
	}
	w("    </references>")
	w("    <dates>")
	w("      <discovery>", s.discovery, "</discovery>")
	w("      <entry>", s.entry, "</entry>")
	w("    </dates>")
	w("  </vuln>")
	return b.String()
}

// start checks the options common to every filled entry.
func start(o Options) (*spec, error) {
	vid := strings.ToLower(o.VID)
	if vid == "" {
		var err error
		if vid, err = NewVID(o.UUIDVersion); err != nil {
			return nil, err
		}
	}
	if !reVID().MatchString(vid) {
		return nil, fmt.Errorf("vid %q is not a UUID", vid)
	}
	if o.Now.IsZero() {
		return nil, errors.New("newentry: no date given")
	}
	for _, s := range append(append([]string{o.Topic, o.LT, o.GE, o.URL}, o.Packages...), o.CVEs...) {
		if strings.ContainsAny(s, "\n\r") {
			return nil, fmt.Errorf("%q: values must be on one line", s)
		}
	}
	now := o.Now.UTC()
	return &spec{vid: vid, entry: now.Format("2006-01-02"), discovery: now.Format("2006-01") + "-" + DateMarker}, nil
}

// explicitRange is the range the --ge/--lt options give, or nil.
func explicitRange(o Options) cverecord.Range {
	var r cverecord.Range
	if v := strings.TrimSpace(o.GE); v != "" {
		r = append(r, cverecord.Bound{Op: "ge", Version: v})
	}
	if v := strings.TrimSpace(o.LT); v != "" {
		r = append(r, cverecord.Bound{Op: "lt", Version: v})
	}
	return r
}

func trimAll(list []string) []string {
	var out []string
	for _, s := range list {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// portName turns a product name of a record into a likely port name.
func portName(product string) string {
	return strings.ToLower(strings.Join(strings.Fields(product), "-"))
}

// FromRecords returns a new entry filled from CVE records, in newentry.sh's
// layout: topic "PACKAGE -- summary" (several records: "Multiple
// vulnerabilities"), a "SOURCE reports:" paragraph and a blockquote of each
// record's text citing its URL, one package per affected product with the
// ranges the record gives (o.Packages instead names the port: one package
// with every range), every CVE name and record URL as references, the
// earliest publication date as discovery date and today (o.Now) as entry
// date. What the records do not give is FIXME, so that the entry fails
// validation until a person fills it in. o.Topic, o.GE/o.LT, o.CVEs and
// o.URL override or add to what the records give.
func FromRecords(o Options, recs []*cverecord.Record) (string, error) {
	if len(recs) == 0 {
		return "", errors.New("newentry: no CVE record")
	}
	// One record per CVE: the first one given.
	var uniq []*cverecord.Record
	seenID := map[string]bool{}
	for _, r := range recs {
		if !seenID[r.ID] {
			seenID[r.ID] = true
			uniq = append(uniq, r)
		}
	}
	recs = uniq
	s, err := start(o)
	if err != nil {
		return "", err
	}
	// Packages.
	names := trimAll(o.Packages)
	explicit := explicitRange(o)
	if len(names) > 0 {
		p := pkg{names: names}
		if explicit != nil {
			p.ranges = []cverecord.Range{explicit}
		} else {
			for _, r := range recs {
				for _, a := range r.Affected {
					p.ranges = addRanges(p.ranges, a.Ranges)
				}
			}
		}
		s.packages = append(s.packages, p)
	} else {
		for _, r := range recs {
			for _, a := range r.Affected {
				name := portName(a.Product)
				var p *pkg
				for i := range s.packages {
					if s.packages[i].names[0] == name {
						p = &s.packages[i]
					}
				}
				if p == nil {
					s.packages = append(s.packages, pkg{names: []string{name}})
					p = &s.packages[len(s.packages)-1]
				}
				if explicit != nil {
					p.ranges = []cverecord.Range{explicit}
				} else {
					p.ranges = addRanges(p.ranges, a.Ranges)
				}
			}
		}
		if len(s.packages) == 0 {
			p := pkg{names: []string{DateMarker}}
			if explicit != nil {
				p.ranges = []cverecord.Range{explicit}
			}
			s.packages = append(s.packages, p)
		}
	}
	for i := range s.packages {
		if len(s.packages[i].ranges) == 0 {
			s.packages[i].ranges = []cverecord.Range{fixmeRange}
		}
	}
	// Topic.
	switch {
	case strings.TrimSpace(o.Topic) != "":
		s.topic = strings.TrimSpace(o.Topic)
	default:
		summary := DateMarker
		if len(recs) > 1 {
			summary = "Multiple vulnerabilities"
		} else if recs[0].Summary != "" {
			summary = shorten(recs[0].Summary, 120)
		}
		s.topic = s.packages[0].names[0] + " -- " + summary
	}
	s.topic = strings.Join(strings.Fields(s.topic), " ")
	// Description.
	for _, r := range recs {
		source := r.Source
		if source == "" {
			source = r.Provider.Name()
		}
		s.body = append(s.body, "<p>"+text(source)+" reports:</p>")
		s.body = append(s.body, `<blockquote cite="`+attr(r.URL)+`">`)
		paras := splitParagraphs(r.Description)
		if len(paras) == 0 {
			paras = []string{DateMarker}
		}
		for _, p := range paras {
			s.body = append(s.body, wrapPara("  ", p)...)
		}
		s.body = append(s.body, "</blockquote>")
	}
	// References.
	seen := map[string]bool{}
	add := func(kind, v string) {
		v = strings.TrimSpace(v)
		if v == "" || seen[kind+" "+v] {
			return
		}
		seen[kind+" "+v] = true
		s.refs = append(s.refs, [2]string{kind, v})
	}
	for _, r := range recs {
		add("cvename", r.ID)
	}
	for _, c := range o.CVEs {
		add("cvename", c)
	}
	for _, r := range recs {
		add("url", r.URL)
	}
	add("url", o.URL)
	// Dates.
	for _, r := range recs {
		if r.Published != "" && (strings.HasSuffix(s.discovery, DateMarker) || r.Published < s.discovery) {
			s.discovery = r.Published
		}
	}
	return s.render(), nil
}

// FromAdvisory returns a new base-system entry filled from a FreeBSD
// security advisory, the way such entries are written: topic "FreeBSD --
// TOPIC", the FreeBSD (userland) and/or FreeBSD-kernel package with one
// range per corrected release branch (>= 14.2, < 14.2_1), the problem
// description and impact under <h1> headings, the CVE names and the
// <freebsdsa> reference, the announcement date as discovery date. o.Packages
// replaces the package names, o.GE/o.LT the ranges, o.Topic the topic.
func FromAdvisory(o Options, a *freebsdsa.Advisory) (string, error) {
	s, err := start(o)
	if err != nil {
		return "", err
	}
	names := trimAll(o.Packages)
	if len(names) == 0 {
		names = a.Packages()
	}
	if len(names) == 0 {
		names = []string{DateMarker}
	}
	var ranges []cverecord.Range
	if r := explicitRange(o); r != nil {
		ranges = []cverecord.Range{r}
	} else {
		for _, r := range a.Ranges() {
			ranges = append(ranges, cverecord.Range{{Op: "ge", Version: r.Lower}, {Op: "lt", Version: r.Fixed}})
		}
	}
	if len(ranges) == 0 {
		ranges = []cverecord.Range{fixmeRange}
	}
	// One package block per name, as the base-system entries are written.
	for _, n := range names {
		s.packages = append(s.packages, pkg{names: []string{n}, ranges: ranges})
	}
	s.topic = "FreeBSD -- " + a.Topic
	if t := strings.TrimSpace(o.Topic); t != "" {
		s.topic = t
	}
	s.topic = strings.Join(strings.Fields(s.topic), " ")
	section := func(title string, paras []string) {
		s.body = append(s.body, "<h1>"+title+"</h1>")
		if len(paras) == 0 {
			paras = []string{DateMarker}
		}
		for _, p := range paras {
			s.body = append(s.body, wrapPara("", p)...)
		}
	}
	section("Problem Description:", a.Problem)
	section("Impact:", a.Impact)
	seen := map[string]bool{}
	add := func(kind, v string) {
		v = strings.TrimSpace(v)
		if v != "" && !seen[kind+" "+v] {
			seen[kind+" "+v] = true
			s.refs = append(s.refs, [2]string{kind, v})
		}
	}
	for _, c := range a.CVEs {
		add("cvename", c)
	}
	for _, c := range o.CVEs {
		add("cvename", c)
	}
	add("freebsdsa", a.Short())
	add("url", o.URL)
	if a.Announced != "" {
		s.discovery = a.Announced
	}
	return s.render(), nil
}

// addRanges adds the ranges of more to list; a range that another covers
// (under FreeBSD version order) is left out, so that several records of
// one product make no overlapping ranges.
func addRanges(list, more []cverecord.Range) []cverecord.Range {
	for _, r := range more {
		if len(r) == 0 {
			continue
		}
		covered := false
		for _, x := range list {
			covered = covered || within(r, x)
		}
		if covered {
			continue
		}
		kept := list[:0:0]
		for _, x := range list {
			if !within(x, r) {
				kept = append(kept, x)
			}
		}
		list = append(kept, r)
	}
	return list
}

type end struct {
	v        string
	incl, ok bool
}

func ends(r cverecord.Range) (lo, hi end) {
	for _, b := range r {
		switch b.Op {
		case "ge":
			lo = end{b.Version, true, true}
		case "gt":
			lo = end{b.Version, false, true}
		case "le":
			hi = end{b.Version, true, true}
		case "lt":
			hi = end{b.Version, false, true}
		case "eq":
			lo, hi = end{b.Version, true, true}, end{b.Version, true, true}
		}
	}
	return lo, hi
}

// within reports whether every version of range a is in range b.
func within(a, b cverecord.Range) bool {
	alo, ahi := ends(a)
	blo, bhi := ends(b)
	if blo.ok {
		if !alo.ok {
			return false
		}
		c := freebsd.Compare(alo.v, blo.v)
		if c < 0 || c == 0 && alo.incl && !blo.incl {
			return false
		}
	}
	if bhi.ok {
		if !ahi.ok {
			return false
		}
		c := freebsd.Compare(ahi.v, bhi.v)
		if c > 0 || c == 0 && ahi.incl && !bhi.incl {
			return false
		}
	}
	return true
}

// shorten cuts s to at most n characters at a word boundary.
func shorten(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)[:n]
	cut := strings.LastIndexByte(string(r), ' ')
	if cut <= 0 {
		return string(r) + "..."
	}
	return string(r)[:cut] + "..."
}

// splitParagraphs splits a record's text at blank lines; each paragraph
// becomes one line.
func splitParagraphs(s string) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var out []string
	for _, p := range strings.Split(s, "\n\n") {
		if p = strings.Join(strings.Fields(p), " "); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// wrapWidth is the longest line of paragraph text (after the tab).
const wrapWidth = 70

// wrapPara returns <p>TEXT</p> XML-escaped and wrapped, each line starting
// with indent (after the tab every body line gets).
func wrapPara(indent, para string) []string {
	words := strings.Fields(text(para))
	var lines []string
	cur := indent + "<p>"
	fresh := true
	for _, w := range words {
		if !fresh && utf8.RuneCountInString(cur)+1+utf8.RuneCountInString(w) > wrapWidth {
			lines = append(lines, cur)
			cur, fresh = indent+w, false
			continue
		}
		if fresh {
			cur += w
			fresh = false
		} else {
			cur += " " + w
		}
	}
	return append(lines, cur+"</p>")
}

// HasMarkers reports whether entry still holds a FIXME or a template
// marker that a person must replace.
func HasMarkers(entry string) bool {
	for _, m := range []string{DateMarker, SourceMarker, CiteMarker, URLMarker, "<topic>" + TopicTemplate + "</topic>", "<name></name>", "<lt></lt>", "<p>.</p>"} {
		if strings.Contains(entry, m) {
			return true
		}
	}
	return false
}
