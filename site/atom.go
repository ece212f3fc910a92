package site

import (
	"bytes"
	"cmp"
	"encoding/xml"
	"html/template"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// The Atom 1.0 (RFC 4287) document, as encoding/xml writes it.
type atomFeed struct {
	XMLName xml.Name    `xml:"http://www.w3.org/2005/Atom feed"`
	ID      string      `xml:"id"`
	Title   string      `xml:"title"`
	Sub     string      `xml:"subtitle,omitempty"`
	Updated string      `xml:"updated"`
	Author  atomPerson  `xml:"author"`
	Links   []atomLink  `xml:"link"`
	Gen     atomGen     `xml:"generator"`
	Rights  string      `xml:"rights,omitempty"`
	Entries []atomEntry `xml:"entry"`
}

type atomPerson struct {
	Name string `xml:"name"`
}

type atomGen struct {
	Text string `xml:",chardata"`
}

type atomLink struct {
	Rel  string `xml:"rel,attr,omitempty"`
	Type string `xml:"type,attr,omitempty"`
	Href string `xml:"href,attr"`
}

type atomText struct {
	Type string `xml:"type,attr,omitempty"`
	Text string `xml:",chardata"`
}

type atomCategory struct {
	Term string `xml:"term,attr"`
}

type atomEntry struct {
	ID         string         `xml:"id"`
	Title      string         `xml:"title"`
	Updated    string         `xml:"updated"`
	Published  string         `xml:"published,omitempty"`
	Links      []atomLink     `xml:"link"`
	Categories []atomCategory `xml:"category"`
	Summary    atomText       `xml:"summary"`
	Content    atomText       `xml:"content"`
}

// siteNamespace is the namespace of the name-based UUIDs of feed and entry
// ids that have no UUID of their own.
var siteNamespace = uuid.NewSHA1(uuid.NameSpaceURL, []byte("https://github.com/pkgaudit/pkgaudit/site"))

// atomDate turns a YYYY-MM-DD date into an RFC 3339 timestamp at midnight
// UTC ("" when it is not a valid date).
func atomDate(d string) string {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return ""
	}
	return t.Format(time.RFC3339)
}

// feedEntries are the entries of the feed: the FeedEntries most recently
// changed (modified, else entered), newest first; ties by vid.
func (p *plan) feedEntries() []*vulnView {
	var vs []*vulnView
	for _, v := range p.vulns {
		if !v.Cancelled && atomDate(v.Last()) != "" {
			vs = append(vs, v)
		}
	}
	slices.SortStableFunc(vs, func(a, b *vulnView) int {
		return cmp.Or(cmp.Compare(b.Last(), a.Last()), cmp.Compare(a.VID, b.VID))
	})
	return vs[:min(len(vs), p.opts.FeedEntries)]
}

// atom renders feed.atom.
func (p *plan) atom() ([]byte, error) {
	base := p.opts.BaseURL
	f := atomFeed{
		Title:  p.opts.Title,
		Sub:    "New and modified FreeBSD VuXML entries",
		Author: atomPerson{Name: "FreeBSD VuXML contributors"},
		Gen:    atomGen{Text: "pkgaudit site build"},
		Rights: "FreeBSD VuXML data copyright Jacques Vidrine and contributors, under the licence quoted at " + base + fileAbout + "#licence",
	}
	if base != "" {
		f.ID = base + fileFeed
		f.Links = append(f.Links, atomLink{Rel: "self", Type: "application/atom+xml", Href: base + fileFeed})
	} else {
		f.ID = "urn:uuid:" + uuid.NewSHA1(siteNamespace, []byte("feed:"+p.opts.Title)).String()
	}
	f.Links = append(f.Links, atomLink{Rel: "alternate", Type: "text/html", Href: base + fileIndex})

	entries := p.feedEntries()
	for _, v := range entries {
		e := atomEntry{
			Title:     v.Title,
			Updated:   atomDate(v.Last()),
			Published: atomDate(v.Entry),
			Links:     []atomLink{{Rel: "alternate", Type: "text/html", Href: base + v.File}},
		}
		if u, err := uuid.Parse(v.VID); err == nil && len(v.VID) == 36 {
			e.ID = "urn:uuid:" + u.String()
		} else {
			e.ID = "urn:uuid:" + uuid.NewSHA1(siteNamespace, []byte("vid:"+v.VID)).String()
		}
		var names []string
		for _, n := range v.Names {
			names = append(names, n.Name)
			if len(e.Categories) < 20 {
				e.Categories = append(e.Categories, atomCategory{Term: n.Name})
			}
		}
		sum := "Affects " + strings.Join(names, ", ") + "."
		if len(v.CVEs) > 0 {
			sum += " " + strings.Join(v.CVEs, ", ") + "."
		}
		e.Summary = atomText{Type: "text", Text: sum}
		e.Content = atomText{Type: "html", Text: feedContent(v)}
		f.Entries = append(f.Entries, e)
	}
	switch {
	case !p.opts.Now.IsZero():
		f.Updated = p.opts.Now.UTC().Format(time.RFC3339)
	case len(entries) > 0:
		f.Updated = entries[0].Updated()
	default:
		f.Updated = "1970-01-01T00:00:00Z"
	}

	var b bytes.Buffer
	b.WriteString(xml.Header)
	enc := xml.NewEncoder(&b)
	enc.Indent("", " ")
	if err := enc.Encode(f); err != nil {
		return nil, err
	}
	b.WriteByte('\n')
	return b.Bytes(), nil
}

// Updated is the entry's last date as an Atom timestamp.
func (v *vulnView) Updated() string { return atomDate(v.Last()) }

// feedContent is the HTML of a feed entry: the affected ranges and the
// sanitised description.
func feedContent(v *vulnView) string {
	var b strings.Builder
	b.WriteString("<ul>")
	for _, r := range v.Rows {
		b.WriteString("<li>")
		var parts []string
		if r.Lower != "" {
			parts = append(parts, r.Lower, r.LowerOp)
		}
		parts = append(parts, r.Name)
		if r.Upper != "" {
			parts = append(parts, r.UpperOp, r.Upper)
		}
		b.WriteString(template.HTMLEscapeString(strings.Join(parts, " ")))
		b.WriteString("</li>")
	}
	b.WriteString("</ul>")
	b.WriteString(string(description(v)))
	return b.String()
}
