package feed

import (
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

func init() {
	register(detector{format: VuXML, sniff: sniffVuXML, parse: parseVuXML})
}

// sniffVuXML accepts XML: after a byte order mark and white space, a '<'
// (<?xml, <!DOCTYPE, <!--, <vuxml, or the <vuln> of a year fragment).
func sniffVuXML(b []byte) bool {
	b = skipSpace(b)
	return len(b) > 0 && b[0] == '<'
}

// vuxmlWWW is the page pkg audit prints for an entry.
const vuxmlWWW = "https://vuxml.FreeBSD.org/freebsd/"

func parseVuXML(src *source) (*Database, error) {
	po := vuxml.ParseOptions{FileName: src.name, NoExternalEntities: src.opts.NoExternalEntities, MaxSize: src.opts.MaxSize}
	// External entities (a vuln.xml wrapper's year files) are resolved
	// relative to the file's name.
	doc, err := vuxml.Parse(src.plain, po)
	if err != nil {
		return nil, err
	}
	db := &Database{Advisories: FromVuXML(doc)}
	for i := range db.Advisories {
		if db.Advisories[i].Origin.File == "" {
			db.Advisories[i].Origin.File = src.name
		}
	}
	db.Entries = len(doc.Entries)
	seen := map[string]bool{src.name: true}
	for _, e := range doc.Entries {
		if e.Cancelled != nil {
			db.Withdrawn++
		}
		if f := e.Pos.File; f != "" && !seen[f] {
			seen[f] = true
			fi, err := fileInfo(f)
			if err != nil {
				return nil, err
			}
			db.Includes = append(db.Includes, fi)
		}
	}
	return db, nil
}

// FromVuXML converts the entries of a VuXML document into advisories, in
// document order: ID the vid, URL pkg audit's WWW page, Topic, every
// reference (CVEs the <cvename> ones), dates, cancellation (Withdrawn),
// and one FreeBSD block per <package> or <system>. Descriptions are not
// part of the model.
func FromVuXML(doc *vuxml.Document) []advisory.Advisory {
	advs := make([]advisory.Advisory, len(doc.Entries))
	// Count first, so that all blocks, names, ranges and bounds share a
	// few backing arrays.
	var nb, nn, nr, nbd, nref, ncve, nurl int
	for _, e := range doc.Entries {
		if e.VID != "" {
			nurl += len(vuxmlWWW) + len(e.VID) + len(".html")
		}
		nb += len(e.Affects)
		for _, a := range e.Affects {
			nn += len(a.Names)
			nr += len(a.Ranges)
			for _, r := range a.Ranges {
				nbd += len(r.Bounds)
			}
		}
		nref += len(e.References)
		for _, r := range e.References {
			if r.Kind == "cvename" {
				ncve++
			}
		}
	}
	blocks := make([]advisory.Affected, 0, nb)
	names := make([]string, 0, nn)
	ranges := make([]advisory.Range, 0, nr)
	bounds := make([]advisory.Bound, 0, nbd)
	refs := make([]advisory.Reference, 0, nref)
	cves := make([]string, 0, ncve)
	// Every URL in one string: one allocation instead of one per entry.
	var ub strings.Builder
	ub.Grow(nurl)
	for _, e := range doc.Entries {
		if e.VID != "" {
			ub.WriteString(vuxmlWWW)
			ub.WriteString(e.VID)
			ub.WriteString(".html")
		}
	}
	urls := ub.String()
	for i, e := range doc.Entries {
		a := &advs[i]
		a.ID = e.VID
		a.Source = advisory.SourceVuXML
		a.Topic = e.Topic
		if e.VID != "" {
			n := len(vuxmlWWW) + len(e.VID) + len(".html")
			a.URL, urls = urls[:n], urls[n:]
		}
		r0, c0 := len(refs), len(cves)
		for _, r := range e.References {
			refs = append(refs, advisory.Reference{Kind: r.Kind, Value: r.Value})
			if r.Kind == "cvename" {
				cves = append(cves, r.Value)
			}
		}
		if len(refs) > r0 {
			a.References = refs[r0:len(refs):len(refs)]
		}
		if len(cves) > c0 {
			a.CVEs = cves[c0:len(cves):len(cves)]
		}
		a.Dates = advisory.Dates{Discovery: e.Dates.Discovery, Entry: e.Dates.Entry, Modified: e.Dates.Modified}
		if e.Cancelled != nil {
			a.Withdrawn = true
			a.SupersededBy = e.Cancelled.Superseded
		}
		b0 := len(blocks)
		for _, af := range e.Affects {
			blk := advisory.Affected{Scheme: advisory.FreeBSD, Kind: advisory.Package}
			if af.Kind == vuxml.System {
				blk.Kind = advisory.System
			}
			n0 := len(names)
			for _, n := range af.Names {
				names = append(names, n.Value)
			}
			if len(names) > n0 {
				blk.Names = names[n0:len(names):len(names)]
			}
			g0 := len(ranges)
			for _, r := range af.Ranges {
				d0 := len(bounds)
				for _, b := range r.Bounds {
					bounds = append(bounds, advisory.Bound{Op: opOf(b.Op), Version: b.Version})
				}
				var rg advisory.Range
				if len(bounds) > d0 {
					rg.Bounds = bounds[d0:len(bounds):len(bounds)]
				}
				ranges = append(ranges, rg)
			}
			if len(ranges) > g0 {
				blk.Ranges = ranges[g0:len(ranges):len(ranges)]
			}
			blocks = append(blocks, blk)
		}
		if len(blocks) > b0 {
			a.Affects = blocks[b0:len(blocks):len(blocks)]
		}
		a.Origin = advisory.Origin{File: e.Pos.File, Line: e.Pos.Line, Col: e.Pos.Col}
	}
	return advs
}

// opOf maps a VuXML operator to the model's.
func opOf(o vuxml.Op) advisory.Op {
	switch o {
	case vuxml.Lt:
		return advisory.LT
	case vuxml.Le:
		return advisory.LE
	case vuxml.Eq:
		return advisory.EQ
	case vuxml.Ge:
		return advisory.GE
	case vuxml.Gt:
		return advisory.GT
	}
	return 0
}
