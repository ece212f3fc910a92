package site

import (
	"bytes"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
)

// searchIndex is search-index.json: what the search page searches.
type searchIndex struct {
	Version int           `json:"version"`
	Title   string        `json:"title"`
	Entries []searchEntry `json:"entries"`
}

// searchEntry is one searchable page: a VuXML entry, a pkgsrc package
// base, or a pkgsrc line whose pattern names no package.
type searchEntry struct {
	ID        string   `json:"id"`
	Kind      string   `json:"kind"` // "vuxml" or "pkgsrc"
	Topic     string   `json:"topic"`
	Names     []string `json:"names"`
	CVEs      []string `json:"cves,omitempty"`
	Discovery string   `json:"discovery,omitempty"`
	Entry     string   `json:"entry,omitempty"`
	Modified  string   `json:"modified,omitempty"`
	URL       string   `json:"url"`
	Cancelled bool     `json:"cancelled,omitempty"`
}

func (p *plan) searchEntries() []searchEntry {
	var out []searchEntry
	for _, v := range p.byDate {
		e := searchEntry{ID: v.VID, Kind: "vuxml", Topic: v.Title, Names: []string{}, CVEs: v.CVEs,
			Discovery: v.Discovery, Entry: v.Entry, Modified: v.Modified, URL: v.File, Cancelled: v.Cancelled}
		for _, n := range v.Names {
			e.Names = append(e.Names, n.Name)
		}
		out = append(out, e)
	}
	for _, b := range p.pkgsrcBases {
		var classes, cves []string
		for _, l := range b.Lines {
			classes = append(classes, l.Class)
			cves = append(cves, l.CVEs...)
		}
		slices.Sort(classes)
		classes = slices.Compact(classes)
		cves = uniq(cves)
		topic := "pkgsrc " + b.Base + ": " + strconv.Itoa(len(b.Lines)) + " " + map[bool]string{true: "entry", false: "entries"}[len(b.Lines) == 1] +
			" (" + strings.Join(classes, ", ") + ")"
		out = append(out, searchEntry{ID: b.Base, Kind: "pkgsrc", Topic: topic, Names: []string{b.Base}, CVEs: cves, URL: b.File})
	}
	if p.pkgsrcOther != nil {
		for _, l := range p.pkgsrcOther.Lines {
			out = append(out, searchEntry{ID: l.Pattern, Kind: "pkgsrc", Topic: "pkgsrc " + l.Pattern + ": " + l.Class,
				Names: []string{l.Pattern}, CVEs: l.CVEs, URL: l.Page()})
		}
	}
	return out
}

func uniq(s []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range s {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// searchIndexBytes is the JSON of the index, made once for both files.
func (p *plan) searchIndexBytes() ([]byte, error) {
	p.searchOnce.Do(func() { p.searchData, p.searchErr = p.makeSearchIndex() })
	return p.searchData, p.searchErr
}

func (p *plan) makeSearchIndex() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b) // escapes <, >, & and U+2028/9: safe inside a script
	if err := enc.Encode(searchIndex{Version: 1, Title: p.opts.Title, Entries: p.searchEntries()}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// searchJSON renders search-index.json.
func (p *plan) searchJSON() ([]byte, error) { return p.searchIndexBytes() }

// searchJS renders search-index.js: the same index as a script, because
// a page opened from file:// cannot fetch() a file beside it.
func (p *plan) searchJS() ([]byte, error) {
	idx, err := p.searchIndexBytes()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	b.WriteString("// The search index of this site (also in search-index.json).\nwindow.PKGAUDIT_SEARCH_INDEX = ")
	b.Write(bytes.TrimRight(idx, "\n"))
	b.WriteString(";\n")
	return b.Bytes(), nil
}
