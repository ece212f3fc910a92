// Package sitecheck checks a generated static site: every HTML page parses
// and has the basics (a lang attribute, a UTF-8 charset declaration, a
// non-empty title, unique ids), every internal link (href, src, action)
// names a file of the site and, with a fragment, an id in that file, and
// every external link uses an allowed scheme.
package sitecheck

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"strings"

	"golang.org/x/net/html"
)

// Problem is one thing wrong with the site.
type Problem struct {
	File string // the page it was found in
	Msg  string
}

func (p Problem) String() string { return p.File + ": " + p.Msg }

// Stats counts what Check looked at.
type Stats struct {
	Pages         int // HTML pages parsed
	InternalLinks int // internal links checked
	ExternalLinks int
}

// Check checks every file of fsys. Problems come sorted by file, then in
// document order.
func Check(fsys fs.FS) ([]Problem, Stats, error) {
	var st Stats
	type page struct {
		ids   map[string]bool
		links []ref
	}
	pages := map[string]*page{}
	files := map[string]bool{}
	var problems []Problem
	err := fs.WalkDir(fsys, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		files[p] = true
		switch {
		case strings.HasSuffix(p, ".html"):
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			st.Pages++
			pg := &page{ids: map[string]bool{}}
			pages[p] = pg
			var probs []string
			pg.links, probs = parsePage(data, pg.ids)
			for _, m := range probs {
				problems = append(problems, Problem{p, m})
			}
		case strings.HasSuffix(p, ".atom"):
			data, err := fs.ReadFile(fsys, p)
			if err != nil {
				return err
			}
			links, err := atomLinks(data)
			if err != nil {
				problems = append(problems, Problem{p, err.Error()})
			}
			pages[p] = &page{links: links}
		}
		return nil
	})
	if err != nil {
		return nil, st, err
	}
	names := make([]string, 0, len(pages))
	for p := range pages {
		names = append(names, p)
	}
	slices.Sort(names)
	for _, p := range names {
		for _, l := range pages[p].links {
			u, err := url.Parse(l.val)
			if err != nil {
				problems = append(problems, Problem{p, fmt.Sprintf("%s=%q does not parse: %v", l.attr, l.val, err)})
				continue
			}
			if u.Scheme != "" || u.Host != "" {
				st.ExternalLinks++
				switch strings.ToLower(u.Scheme) {
				case "http", "https", "ftp", "mailto":
				default:
					problems = append(problems, Problem{p, fmt.Sprintf("%s=%q: scheme not allowed", l.attr, l.val)})
				}
				continue
			}
			st.InternalLinks++
			target := p
			if u.Path != "" {
				target = path.Clean(path.Join(path.Dir(p), u.Path))
			}
			if !files[target] {
				problems = append(problems, Problem{p, fmt.Sprintf("%s=%q: no file %s", l.attr, l.val, target)})
				continue
			}
			if u.Fragment != "" {
				tp := pages[target]
				if tp == nil || !tp.ids[u.Fragment] {
					problems = append(problems, Problem{p, fmt.Sprintf("%s=%q: no id %q in %s", l.attr, l.val, u.Fragment, target)})
				}
			}
		}
	}
	slices.SortStableFunc(problems, func(a, b Problem) int { return strings.Compare(a.File, b.File) })
	return problems, st, nil
}

type ref struct {
	attr, val string
}

// linkAttrs are the attributes that hold a URL, by element.
var linkAttrs = map[string][]string{
	"a": {"href"}, "link": {"href"}, "area": {"href"}, "script": {"src"}, "img": {"src"},
	"iframe": {"src"}, "source": {"src"}, "form": {"action"}, "blockquote": {"cite"}, "q": {"cite"},
}

// parsePage parses one page, fills ids and returns its links and problems.
func parsePage(data []byte, ids map[string]bool) ([]ref, []string) {
	var probs []string
	doc, err := html.Parse(bytes.NewReader(data))
	if err != nil {
		return nil, []string{"does not parse: " + err.Error()}
	}
	if !bytes.HasPrefix(data, []byte("<!DOCTYPE html>")) {
		probs = append(probs, "does not start with <!DOCTYPE html>")
	}
	var links []ref
	var title string
	var hasTitle, charset, lang bool
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			for _, a := range n.Attr {
				if a.Key == "id" {
					if ids[a.Val] {
						probs = append(probs, fmt.Sprintf("duplicate id %q", a.Val))
					}
					ids[a.Val] = true
				}
				if slices.Contains(linkAttrs[n.Data], a.Key) {
					links = append(links, ref{n.Data + "@" + a.Key, a.Val})
				}
				if strings.Contains(a.Val, "ZgotmplZ") {
					probs = append(probs, fmt.Sprintf("<%s %s=%q>: html/template refused a value", n.Data, a.Key, a.Val))
				}
				if a.Key == "style" || strings.HasPrefix(a.Key, "on") {
					probs = append(probs, fmt.Sprintf("<%s> has a %s attribute", n.Data, a.Key))
				}
			}
			switch n.Data {
			case "html":
				lang = attr(n, "lang") != ""
			case "title":
				hasTitle = true
				if n.FirstChild != nil {
					title = strings.TrimSpace(n.FirstChild.Data)
				}
			case "meta":
				charset = charset || strings.EqualFold(attr(n, "charset"), "utf-8")
			case "script":
				if attr(n, "src") == "" {
					probs = append(probs, "inline <script>")
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if !lang {
		probs = append(probs, "<html> has no lang attribute")
	}
	if !charset {
		probs = append(probs, `no <meta charset="utf-8">`)
	}
	if !hasTitle || title == "" {
		probs = append(probs, "no title")
	}
	return links, probs
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key {
			return a.Val
		}
	}
	return ""
}

// atomLinks returns the link hrefs of an Atom document.
func atomLinks(data []byte) ([]ref, error) {
	dec := xml.NewDecoder(bytes.NewReader(data))
	var links []ref
	for {
		tok, err := dec.Token()
		if err != nil {
			if err == io.EOF {
				return links, nil
			}
			return links, fmt.Errorf("not well-formed XML: %w", err)
		}
		if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "link" {
			for _, a := range se.Attr {
				if a.Name.Local == "href" {
					links = append(links, ref{"link@href", a.Value})
				}
			}
		}
	}
}
