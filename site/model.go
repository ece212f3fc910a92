package site

import (
	"cmp"
	"fmt"
	"html/template"
	"slices"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/pkgaudit/pkgaudit/pkgsrc/pattern"
	"github.com/pkgaudit/pkgaudit/site/sanitize"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// Fixed file names of the site.
const (
	fileIndex       = "index.html"
	filePackages    = "packages.html"
	fileCVEs        = "cves.html"
	fileSearch      = "search.html"
	fileAbout       = "about.html"
	filePkgsrc      = "pkgsrc.html"
	filePkgsrcOther = "pkgsrc-other.html"
	fileCSS         = "style.css"
	fileSearchJS    = "search.js"
	fileIndexJS     = "search-index.js"
	fileIndexJSON   = "search-index.json"
	fileFeed        = "feed.atom"
	fileManifest    = ".pkgaudit-site"
)

var fixedFiles = []string{fileIndex, filePackages, fileCVEs, fileSearch, fileAbout, filePkgsrc,
	filePkgsrcOther, fileCSS, fileSearchJS, fileIndexJS, fileIndexJSON, fileFeed, fileManifest}

// plan is everything the pages show, computed once before rendering.
type plan struct {
	opts    Options
	sources []Source

	vulns   []*vulnView // document order
	byDate  []*vulnView // newest entry date first, then undated
	years   []vulnGroup
	byVID   map[string]*vulnView
	pkgs    []*pkgView // by name, case-insensitive
	letters []pkgGroup
	cves    []*cveView
	cveYrs  []cveGroup

	pkgsrcBases []*pkgsrcBase
	pkgsrcOther *pkgsrcBase
	pkgsrcLines int

	warnings []string

	searchOnce sync.Once
	searchData []byte
	searchErr  error
}

// vulnView is one VuXML entry as its pages show it.
type vulnView struct {
	e              *vuxml.Entry
	VID            string
	File           string
	Title          string // topic, or a stand-in for cancelled entries
	Cancelled      bool
	Superseded     string
	SupersededFile string
	Rows           []affRow
	Names          []nameLink
	CVEs           []string
	Refs           []refRow
	Source         string
	Line           int
	Upstream       string // the entry's page on vuxml.FreeBSD.org
	// The dates, trimmed.
	Discovery, Entry, Modified string
	// Link is <a href="File">Title</a>, made once for the many index rows
	// that show it (File is made of URL-safe characters only).
	Link template.HTML
}

// Last is the date of the last change: modified, else entry.
func (v *vulnView) Last() string { return cmp.Or(v.Modified, v.Entry) }

// nameLink is a package name and its page.
type nameLink struct {
	Name, File string
	System     bool
	// Link is <a href="File">Name</a>, made once per name.
	Link template.HTML
}

func pageLink(file, text string) template.HTML {
	// file is made by fileNamer: URL- and attribute-safe as it is.
	return template.HTML(`<a href="` + file + `">` + template.HTMLEscapeString(text) + `</a>`)
}

// affRow is one (block, name, range) row of the affected-packages table:
// "Lower LowerOp Name UpperOp Upper", as html.xsl lays it out. (No
// embedded struct: text/template looks fields up by name on every use.)
type affRow struct {
	Name, File                     string
	System                         bool
	Link                           template.HTML
	Lower, LowerOp, UpperOp, Upper string
	Note                           string
	First                          bool // first row of its block
}

type vulnGroup struct {
	Label, ID string
	Vulns     []*vulnView
}

// pkgView is one package name's page.
type pkgView struct {
	nameLink
	Items []pkgItem
}

type pkgItem struct {
	V      *vulnView
	Ranges []string
}

type pkgGroup struct {
	Label, ID string
	Pkgs      []*pkgView
}

// cveView is one CVE name and what refers to it.
type cveView struct {
	ID, Anchor string
	year, num  int
	Vulns      []*vulnView
	Pkgsrc     []*pkgsrcLine
}

type cveGroup struct {
	Label, ID string
	CVEs      []*cveView
}

// pkgsrcBase is the page of one pkgsrc package base (PKGBASE): every
// pkg-vulnerabilities line whose pattern can match it.
type pkgsrcBase struct {
	Base, File string
	Lines      []*pkgsrcLine
}

// pkgsrcLine is one pkg-vulnerabilities line.
type pkgsrcLine struct {
	Anchor  string
	Pattern string
	Class   string
	URL     link
	CVEs    []string
	Source  string
	Line    int
	Bases   []*pkgsrcBase
}

// Page returns the line's address: its row on the first page that lists it.
func (l *pkgsrcLine) Page() string {
	if len(l.Bases) == 0 {
		return ""
	}
	return l.Bases[0].File + "#" + l.Anchor
}

func (s *Site) plan() *plan {
	p := &plan{opts: s.opts, sources: s.sources, byVID: map[string]*vulnView{}}
	names := newFileNamer(fixedFiles...)

	// Entries, in document order; each gets its file name first so that a
	// vid's page name never depends on the package names.
	for _, in := range s.vulns {
		e := in.e
		vid := strings.ToLower(strings.TrimSpace(e.VID))
		v := &vulnView{e: e, VID: vid, Source: s.sources[in.src].Name, Line: e.Pos.Line,
			Discovery: strings.TrimSpace(e.Dates.Discovery), Entry: strings.TrimSpace(e.Dates.Entry), Modified: strings.TrimSpace(e.Dates.Modified)}
		v.File = names.name("", vid, ".html")
		if _, dup := p.byVID[vid]; dup {
			p.warnings = append(p.warnings, fmt.Sprintf("%s: duplicate vid %s: its page is %s", posString(e.Pos, v.Source), vid, v.File))
		} else {
			p.byVID[vid] = v
		}
		if validVID(vid) {
			v.Upstream = "https://vuxml.FreeBSD.org/freebsd/" + vid + ".html"
		}
		v.Title = strings.TrimSpace(e.Topic)
		if e.Cancelled != nil {
			v.Cancelled = true
			v.Superseded = strings.ToLower(strings.TrimSpace(e.Cancelled.Superseded))
			if v.Title == "" {
				v.Title = "Cancelled entry " + vid
			}
		}
		if v.Title == "" {
			v.Title = "Entry " + vid
		}
		v.Link = pageLink(v.File, v.Title)
		p.vulns = append(p.vulns, v)
	}
	for _, v := range p.vulns {
		if w, ok := p.byVID[v.Superseded]; ok && v.Superseded != "" {
			v.SupersededFile = w.File
		}
	}

	// Newest first by entry date; entries without one (cancelled) or with
	// one that is no date last, so that each year is one group.
	p.byDate = slices.Clone(p.vulns)
	slices.SortStableFunc(p.byDate, func(a, b *vulnView) int {
		_, okA := dateYear(a.Entry)
		_, okB := dateYear(b.Entry)
		return cmp.Or(cmpBool(okB, okA), cmp.Compare(b.Entry, a.Entry), cmp.Compare(b.Modified, a.Modified))
	})
	for _, v := range p.byDate {
		label, id := "Undated", "undated"
		if y, ok := dateYear(v.Entry); ok {
			label, id = y, "y"+y
		}
		if n := len(p.years); n == 0 || p.years[n-1].ID != id {
			p.years = append(p.years, vulnGroup{Label: label, ID: id})
		}
		g := &p.years[len(p.years)-1]
		g.Vulns = append(g.Vulns, v)
	}

	// Package pages: names sorted, then files handed out in that order.
	pkgByName := map[string]*pkgView{}
	for _, v := range p.vulns {
		for _, a := range v.e.Affects {
			for _, n := range a.Names {
				name := strings.TrimSpace(n.Value)
				pv := pkgByName[name]
				if pv == nil {
					pv = &pkgView{nameLink: nameLink{Name: name}}
					pkgByName[name] = pv
					p.pkgs = append(p.pkgs, pv)
				}
				if a.Kind == vuxml.System {
					pv.System = true
				}
			}
		}
	}
	slices.SortFunc(p.pkgs, func(a, b *pkgView) int { return indexCompare(a.Name, b.Name) })
	for _, pv := range p.pkgs {
		pv.File = names.name("pkg-", pv.Name, ".html")
		pv.Link = pageLink(pv.File, pv.Name)
	}

	// The CVE index comes before the rows, which link to it.
	cveByID := map[string]*cveView{}
	addCVE := func(id string) *cveView {
		c := cveByID[id]
		if c == nil {
			c = &cveView{ID: id, Anchor: anchorID(id)}
			c.year, c.num = cveOrder(id)
			cveByID[id] = c
			p.cves = append(p.cves, c)
		}
		return c
	}
	cveAnchor := func(id string) string {
		if _, ok := cveByID[id]; ok {
			return fileCVEs + "#" + anchorID(id)
		}
		return ""
	}
	for _, v := range p.vulns {
		for _, r := range v.e.References {
			id := strings.TrimSpace(r.Value)
			if r.Kind == "cvename" && reCVE().MatchString(id) {
				c := addCVE(id)
				if n := len(c.Vulns); n == 0 || c.Vulns[n-1] != v {
					c.Vulns = append(c.Vulns, v)
				}
				if !slices.Contains(v.CVEs, id) {
					v.CVEs = append(v.CVEs, id)
				}
			}
		}
	}

	// Rows of the affected tables, names, package pages' items.
	for _, v := range p.byDate {
		seen := map[string]bool{}
		for _, a := range v.e.Affects {
			first := true
			for _, n := range a.Names {
				name := strings.TrimSpace(n.Value)
				pv := pkgByName[name]
				nl := nameLink{Name: name, File: pv.File, System: a.Kind == vuxml.System, Link: pv.Link}
				if !seen[name] {
					seen[name] = true
					v.Names = append(v.Names, nl)
				}
				var texts []string
				for _, r := range a.Ranges {
					row := rangeRow(r)
					row.Name, row.File, row.System, row.Link = nl.Name, nl.File, nl.System, nl.Link
					row.First = first
					first = false
					v.Rows = append(v.Rows, row)
					texts = append(texts, rangeText(r))
				}
				if len(a.Ranges) == 0 {
					v.Rows = append(v.Rows, affRow{Name: nl.Name, File: nl.File, System: nl.System, Link: nl.Link, First: first, Note: "no range: no version is affected (pkg's rule)"})
					first = false
				}
				if n := len(pv.Items); n > 0 && pv.Items[n-1].V == v {
					pv.Items[n-1].Ranges = append(pv.Items[n-1].Ranges, texts...)
				} else {
					pv.Items = append(pv.Items, pkgItem{V: v, Ranges: texts})
				}
			}
		}
		v.Refs = refRows(v.e.References, cveAnchor)
	}
	for _, pv := range p.pkgs {
		label, id := letterOf(pv.Name)
		if n := len(p.letters); n == 0 || p.letters[n-1].ID != id {
			p.letters = append(p.letters, pkgGroup{Label: label, ID: id})
		}
		g := &p.letters[len(p.letters)-1]
		g.Pkgs = append(g.Pkgs, pv)
	}

	// pkgsrc: a page per package base.
	s.planPkgsrc(p, names, addCVE)

	slices.SortFunc(p.cves, func(a, b *cveView) int {
		return cmp.Or(cmp.Compare(b.year, a.year), cmp.Compare(b.num, a.num), cmp.Compare(a.ID, b.ID))
	})
	for _, c := range p.cves {
		label := strconv.Itoa(c.year)
		if n := len(p.cveYrs); n == 0 || p.cveYrs[n-1].Label != label {
			p.cveYrs = append(p.cveYrs, cveGroup{Label: label, ID: "cve-" + label})
		}
		g := &p.cveYrs[len(p.cveYrs)-1]
		g.CVEs = append(g.CVEs, c)
	}
	return p
}

func (s *Site) planPkgsrc(p *plan, names *fileNamer, addCVE func(string) *cveView) {
	if len(s.pkgsrc) == 0 {
		return
	}
	nsrc := map[int]bool{}
	for _, in := range s.pkgsrc {
		nsrc[in.src] = true
	}
	byBase := map[string]*pkgsrcBase{}
	p.pkgsrcOther = &pkgsrcBase{Base: "", File: filePkgsrcOther}
	for _, in := range s.pkgsrc {
		a := in.a
		l := &pkgsrcLine{Class: a.Class, CVEs: a.CVEs, Source: s.sources[in.src].Name, Line: a.Origin.Line}
		if len(a.Affects) > 0 {
			l.Pattern = a.Affects[0].Pattern
		}
		l.Anchor = "L" + strconv.Itoa(l.Line)
		if len(nsrc) > 1 {
			l.Anchor = "f" + strconv.Itoa(in.src+1) + "-" + l.Anchor
		}
		l.URL = link{Text: a.URL}
		if u, ok := sanitize.URL(a.URL); ok {
			l.URL.Href = template.URL(u)
		}
		var bases []string
		if pt, err := pattern.Compile(l.Pattern); err == nil {
			if bs, ok := pt.Bases(); ok {
				bases = bs
			}
		}
		slices.Sort(bases)
		bases = slices.Compact(bases)
		if len(bases) == 0 {
			l.Bases = append(l.Bases, p.pkgsrcOther)
			p.pkgsrcOther.Lines = append(p.pkgsrcOther.Lines, l)
		}
		for _, b := range bases {
			pb := byBase[b]
			if pb == nil {
				pb = &pkgsrcBase{Base: b}
				byBase[b] = pb
				p.pkgsrcBases = append(p.pkgsrcBases, pb)
			}
			l.Bases = append(l.Bases, pb)
			pb.Lines = append(pb.Lines, l)
		}
		for _, id := range l.CVEs {
			c := addCVE(id)
			c.Pkgsrc = append(c.Pkgsrc, l)
		}
		p.pkgsrcLines++
	}
	slices.SortFunc(p.pkgsrcBases, func(a, b *pkgsrcBase) int { return indexCompare(a.Base, b.Base) })
	for _, pb := range p.pkgsrcBases {
		pb.File = names.name("pkgsrc-", pb.Base, ".html")
	}
}

// rangeRow lays out one range as html.xsl does — lower bound (gt or ge)
// left of the name, upper bound (lt or le) right of it — and shows what
// html.xsl drops: an eq bound (right of the name, "= V") and any further
// bound (in Note; pkg uses only the first two).
func rangeRow(r vuxml.Range) affRow {
	var row affRow
	var lower, upper, eq bool
	var extra []string
	for i, b := range r.Bounds {
		v := strings.TrimSpace(b.Version)
		switch {
		case i >= 2:
			extra = append(extra, b.Op.String()+" "+v)
		case (b.Op == vuxml.Gt || b.Op == vuxml.Ge) && !lower && !eq:
			lower = true
			row.Lower, row.LowerOp = v, map[vuxml.Op]string{vuxml.Gt: "<", vuxml.Ge: "<="}[b.Op]
		case (b.Op == vuxml.Lt || b.Op == vuxml.Le) && !upper && !eq:
			upper = true
			row.Upper, row.UpperOp = v, map[vuxml.Op]string{vuxml.Lt: "<", vuxml.Le: "<="}[b.Op]
		case b.Op == vuxml.Eq && !lower && !upper && !eq:
			eq = true
			row.Upper, row.UpperOp = v, "="
		default:
			extra = append(extra, b.Op.String()+" "+v)
		}
	}
	switch {
	case len(r.Bounds) == 0:
		row.Note = "empty range"
	case len(extra) > 0:
		row.Note = "also " + strings.Join(extra, ", ")
	}
	return row
}

// rangeText is a range as a package page lists it: ">= 1.6 < 1.9".
func rangeText(r vuxml.Range) string {
	sym := map[vuxml.Op]string{vuxml.Lt: "<", vuxml.Le: "<=", vuxml.Eq: "=", vuxml.Ge: ">=", vuxml.Gt: ">"}
	var parts []string
	for _, b := range r.Bounds {
		s, ok := sym[b.Op]
		if !ok {
			s = "?"
		}
		parts = append(parts, s+" "+strings.TrimSpace(b.Version))
	}
	if len(parts) == 0 {
		return "(empty range)"
	}
	return strings.Join(parts, " ")
}

// validVID reports whether vid can go into a URL as it is.
func validVID(vid string) bool {
	if vid == "" || len(vid) > 64 {
		return false
	}
	for i := 0; i < len(vid); i++ {
		c := vid[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func dateYear(d string) (string, bool) {
	if len(d) >= 4 {
		if _, err := strconv.Atoi(d[:4]); err == nil {
			return d[:4], true
		}
	}
	return "", false
}

// cveOrder returns the year and number of a CVE name, for sorting.
func cveOrder(id string) (year, num int) {
	parts := strings.SplitN(id, "-", 3)
	if len(parts) == 3 {
		year, _ = strconv.Atoi(parts[1])
		num, _ = strconv.Atoi(parts[2])
	}
	return year, num
}

// nameCompare orders package names case-insensitively, then bytewise.
func nameCompare(a, b string) int {
	return cmp.Or(cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
}

// indexCompare orders names as the alphabetical indexes list them: the
// group of letterOf (digits, letters, other), then nameCompare.
func indexCompare(a, b string) int {
	return cmp.Or(cmp.Compare(letterRank(a), letterRank(b)), nameCompare(a, b))
}

func letterRank(name string) int {
	if name == "" {
		return 27
	}
	switch c := name[0]; {
	case c >= '0' && c <= '9':
		return 0
	case c >= 'a' && c <= 'z':
		return 1 + int(c-'a')
	case c >= 'A' && c <= 'Z':
		return 1 + int(c-'A')
	}
	return 27
}

// letterOf is the index group of a name: its first letter, "0-9" or "other".
func letterOf(name string) (label, id string) {
	r, _ := utf8.DecodeRuneInString(name)
	switch {
	case r < utf8.RuneSelf && unicode.IsLetter(r):
		l := string(unicode.ToLower(r))
		return strings.ToUpper(l), "letter-" + l
	case r >= '0' && r <= '9':
		return "0–9", "letter-0"
	}
	return "Other", "letter-other"
}

func posString(pos vuxml.Pos, fallback string) string {
	f := cmp.Or(pos.File, fallback)
	if pos.Line > 0 {
		return fmt.Sprintf("%s:%d:%d", f, pos.Line, pos.Col)
	}
	return f
}
