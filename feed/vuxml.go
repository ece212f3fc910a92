package feed

import (
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// sniffVuXML accepts XML: after a byte order mark and white space, a '<'
// (<?xml, <!DOCTYPE, <!--, <vuxml, or the <vuln> of a year fragment).
func sniffVuXML(b []byte) bool {
	b = skipSpace(b)
	return len(b) > 0 && b[0] == '<'
}

// vuxmlWWW is the page pkg audit prints for an entry.
const vuxmlWWW = "https://vuxml.FreeBSD.org/freebsd/"

// vuxmlOptions are the parser's options. NoCopy: the parser may point
// into the input, as FromVuXML copies out every string it keeps and the
// Document is dropped right after (so a chunk's buffer can be reused).
func vuxmlOptions(name string, opts Options) vuxml.ParseOptions {
	return vuxml.ParseOptions{FileName: name, NoExternalEntities: opts.NoExternalEntities, MaxSize: opts.MaxSize, NoCopy: true, Brief: opts.Brief}
}

func parseVuXML(src *source) (*Database, error) {
	po := vuxmlOptions(src.name, src.opts)
	if int64(len(src.plain)) <= maxSize(src.opts) {
		plain := src.plain
		read := func(_ []byte, off, end int64) ([]byte, error) { return plain[off:end:end], nil }
		var c collector
		if info, ok, _ := parseChunked(read, int64(len(plain)), po, &c); ok {
			return &Database{DatabaseInfo: info, Advisories: c.advs}, nil
		}
	}
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
// part of the model. The advisories share no memory with the document
// (their strings are copied into a few large blocks), so that the
// document, descriptions included, can be freed.
func FromVuXML(doc *vuxml.Document) []advisory.Advisory {
	var c converter
	return c.convert(doc, true)
}

// converter converts documents into advisories. Its zero value allocates
// afresh for each document; with reuse, it hands out the memory of the
// previous conversion again (for a Copier sink, done with it).
type converter struct {
	reuse  bool
	advs   []advisory.Advisory
	blocks []advisory.Affected
	names  []string
	ranges []advisory.Range
	bounds []advisory.Bound
	refs   []advisory.Reference
	cves   []string
	ar     arena
}

// grow returns s emptied, with room for n elements (s's own array when it
// is reused and large enough).
func grow[T any](s []T, n int, reuse bool) []T {
	if reuse && cap(s) >= n {
		return s[:0]
	}
	return make([]T, 0, n)
}

// convert converts doc. With copy, every string is copied out of the
// document; otherwise the strings are the document's (pointing into the
// parser's input, with NoCopy), but for the WWW pages, which are built.
func (c *converter) convert(doc *vuxml.Document, copy bool) []advisory.Advisory {
	// Count first, so that all blocks, names, ranges and bounds share a
	// few backing arrays.
	var nb, nn, nr, nbd, nref, ncve, nstr int
	for _, e := range doc.Entries {
		nstr += len(vuxmlWWW) + len(e.VID) + len(".html")
		if copy {
			nstr += len(e.VID) + len(e.Topic) + len(e.Dates.Discovery) + len(e.Dates.Entry) + len(e.Dates.Modified)
		}
		nb += len(e.Affects)
		for _, a := range e.Affects {
			nn += len(a.Names)
			nr += len(a.Ranges)
			for _, n := range a.Names {
				if copy {
					nstr += len(n.Value)
				}
			}
			for _, r := range a.Ranges {
				nbd += len(r.Bounds)
				for _, b := range r.Bounds {
					if copy {
						nstr += len(b.Version)
					}
				}
			}
		}
		nref += len(e.References)
		for _, r := range e.References {
			if copy {
				nstr += len(r.Value)
			}
			if r.Kind == "cvename" {
				ncve++
			}
		}
	}
	reuse := c.reuse
	advs := grow(c.advs, len(doc.Entries), reuse)[:len(doc.Entries)]
	blocks := grow(c.blocks, nb, reuse)
	names := grow(c.names, nn, reuse)
	ranges := grow(c.ranges, nr, reuse)
	bounds := grow(c.bounds, nbd, reuse)
	refs := grow(c.refs, nref, reuse)
	cves := grow(c.cves, ncve, reuse)
	ar := &c.ar
	ar.reset(nstr, reuse)
	str := func(s string) string {
		if copy {
			return ar.str(s)
		}
		return s
	}
	for i, e := range doc.Entries {
		a := &advs[i]
		*a = advisory.Advisory{ID: str(e.VID), Source: advisory.SourceVuXML, Topic: str(e.Topic)}
		if e.VID != "" {
			a.URL = ar.cat(vuxmlWWW, e.VID, ".html")
		}
		r0, c0 := len(refs), len(cves)
		for _, r := range e.References {
			v := str(r.Value)
			refs = append(refs, advisory.Reference{Kind: refKind(r.Kind), Value: v})
			if r.Kind == "cvename" {
				cves = append(cves, v)
			}
		}
		if len(refs) > r0 {
			a.References = refs[r0:len(refs):len(refs)]
		}
		if len(cves) > c0 {
			a.CVEs = cves[c0:len(cves):len(cves)]
		}
		a.Dates = advisory.Dates{Discovery: str(e.Dates.Discovery), Entry: str(e.Dates.Entry), Modified: str(e.Dates.Modified)}
		if e.Cancelled != nil {
			a.Withdrawn = true
			a.SupersededBy = str(e.Cancelled.Superseded)
		}
		b0 := len(blocks)
		for _, af := range e.Affects {
			blk := advisory.Affected{Scheme: advisory.FreeBSD, Kind: advisory.Package}
			if af.Kind == vuxml.System {
				blk.Kind = advisory.System
			}
			n0 := len(names)
			for _, n := range af.Names {
				names = append(names, str(n.Value))
			}
			if len(names) > n0 {
				blk.Names = names[n0:len(names):len(names)]
			}
			g0 := len(ranges)
			for _, r := range af.Ranges {
				d0 := len(bounds)
				for _, b := range r.Bounds {
					bounds = append(bounds, advisory.Bound{Op: b.Op, Version: str(b.Version)})
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
	if reuse {
		c.advs, c.blocks, c.names, c.ranges, c.bounds, c.refs, c.cves = advs, blocks, names, ranges, bounds, refs, cves
	}
	return advs
}

// refKind returns the reference element name k, shared by every advisory
// instead of copied for the names VuXML defines.
func refKind(k string) string {
	switch k {
	case "cvename":
		return "cvename"
	case "url":
		return "url"
	case "freebsdsa":
		return "freebsdsa"
	case "freebsdpr":
		return "freebsdpr"
	case "mlist":
		return "mlist"
	case "bid":
		return "bid"
	case "certsa":
		return "certsa"
	case "certvu":
		return "certvu"
	case "uscertsa":
		return "uscertsa"
	case "uscertta":
		return "uscertta"
	case "vendor":
		return "vendor"
	}
	return strings.Clone(k)
}
