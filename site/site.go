// Package site generates the static advisory web site of pkgaudit from
// FreeBSD VuXML documents and pkgsrc pkg-vulnerabilities advisories: a page
// per VuXML entry (what vuxml.freebsd.org/freebsd/VID.html shows, and
// more), a page per package name, index pages by date, package and CVE, an
// offline search page, an Atom feed of new and modified entries, a shared
// stylesheet and an about page carrying the VuXML licence notice.
//
// The output is a flat directory of files whose bytes depend only on the
// input and the Options: no clock is read, maps are never iterated
// unsorted, and every link between pages is relative, so the site works
// from a web server and from file:// alike.
package site

import (
	"path/filepath"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// Options controls the generated site. The zero value is usable.
type Options struct {
	// Title is the site's name in every page header (default
	// "pkgaudit advisories").
	Title string
	// BaseURL is the absolute URL the site will be published at (ending in
	// "/"); it makes the Atom feed's links absolute. Empty: links relative
	// to the feed's own address.
	BaseURL string
	// Now, when set, is shown as the generation time in the page footers
	// and is the feed's <updated>. Zero: no time is written that does not
	// come from the data (the feed's <updated> is its newest entry's).
	Now time.Time
	// FeedEntries is the number of entries in the Atom feed (default 50).
	FeedEntries int
	// Workers is the number of files rendered and written in parallel
	// (default 4).
	Workers int
	// Progress, when set, is called after each file is written, with the
	// number of files done and the total; calls are serialised.
	Progress func(done, total int)
}

const (
	defaultTitle       = "pkgaudit advisories"
	defaultFeedEntries = 50
	defaultWorkers     = 4
)

// Source describes one database the site was built from.
type Source struct {
	Name    string // file name (base name of the path)
	Format  string // "vuxml" or "pkgsrc"
	Entries int
	// ID is the "$NetBSD: ... $" line of a pkg-vulnerabilities file.
	ID string
}

// Site collects the advisories of a site. Add the databases, then call
// Write or Render.
type Site struct {
	opts     Options
	sources  []Source
	vulns    []vulnIn
	pkgsrc   []pkgsrcIn
	warnings []string
	summary  Summary
}

// Summary counts what a rendered site holds.
type Summary struct {
	Files       int // files written (the manifest not counted)
	Entries     int // VuXML entries, each with its page
	Packages    int // package names, each with its page
	CVEs        int // CVE names in cves.html
	PkgsrcLines int // pkg-vulnerabilities lines
	PkgsrcPages int // pkgsrc package-base pages (and the page of patterns without a name)
}

type vulnIn struct {
	e   *vuxml.Entry
	src int
}

type pkgsrcIn struct {
	a   advisory.Advisory
	src int
}

// New returns an empty site.
func New(o Options) *Site {
	if o.Title == "" {
		o.Title = defaultTitle
	}
	if o.FeedEntries <= 0 {
		o.FeedEntries = defaultFeedEntries
	}
	if o.Workers <= 0 {
		o.Workers = defaultWorkers
	}
	return &Site{opts: o}
}

// AddVuXML adds the entries of a VuXML document read from path.
func (s *Site) AddVuXML(path string, doc *vuxml.Document) {
	s.sources = append(s.sources, Source{Name: filepath.Base(path), Format: "vuxml", Entries: len(doc.Entries)})
	for _, e := range doc.Entries {
		s.vulns = append(s.vulns, vulnIn{e, len(s.sources) - 1})
	}
}

// AddPkgsrc adds pkgsrc advisories (one per pkg-vulnerabilities line, as
// feed.FromPkgsrc makes them) read from path; id is the file's
// "$NetBSD: ... $" line, if any. Advisories of other sources are ignored.
func (s *Site) AddPkgsrc(path, id string, advs []advisory.Advisory) {
	s.sources = append(s.sources, Source{Name: filepath.Base(path), Format: "pkgsrc", Entries: len(advs), ID: id})
	for _, a := range advs {
		if a.Source == advisory.SourcePkgsrc {
			s.pkgsrc = append(s.pkgsrc, pkgsrcIn{a, len(s.sources) - 1})
		}
	}
}

// Summary returns the counts of the site; valid after Render or Write.
func (s *Site) Summary() Summary { return s.summary }

// Warnings returns what Render found odd in the data (duplicate vids, ...);
// valid after Render or Write.
func (s *Site) Warnings() []string { return s.warnings }
