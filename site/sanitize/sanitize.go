// Package sanitize turns untrusted XHTML — the <description> bodies of VuXML
// entries — into HTML that is safe to publish: an allow-list of XHTML Basic
// elements and attributes, links only to http, https, ftp and mailto URLs,
// and everything else dropped or escaped.
//
// The input is tokenized with golang.org/x/net/html (so entities, attribute
// quoting and raw-text elements are handled as a browser would) and the
// output tree is built by the rules of XML, not by HTML's error recovery: an
// element ends at its own end tag or when an enclosing element ends, and
// <p/> is an empty paragraph. The result is serialised with html.Render, so
// every text and attribute value is escaped.
package sanitize

import (
	"net/url"
	"strconv"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Options adjusts the output. The zero value is usable.
type Options struct {
	// HeadingOffset demotes headings: <h1> becomes <h(1+HeadingOffset)>,
	// never beyond <h6>. A page that has its own <h1> and <h2> uses 2.
	HeadingOffset int
	// MaxDepth limits element nesting in the output (0: 32); deeper
	// elements are unwrapped, their text kept.
	MaxDepth int
}

// action is what happens to an element.
type action int

const (
	unwrap action = iota // drop the tags, keep the content
	keep                 // keep the element (with allowed attributes)
	drop                 // drop the element and all its content
)

// elements is the allow-list: the XHTML Basic 1.1 text, hypertext, list,
// basic tables and presentation modules, plus del/ins. Anything not listed
// is unwrapped, except the elements in dangerous.
var elements = map[string]bool{
	"abbr": true, "acronym": true, "address": true, "blockquote": true, "br": true,
	"cite": true, "code": true, "dfn": true, "div": true, "em": true,
	"h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"kbd": true, "p": true, "pre": true, "q": true, "samp": true, "span": true,
	"strong": true, "var": true, "a": true,
	"dl": true, "dt": true, "dd": true, "ol": true, "ul": true, "li": true,
	"table": true, "caption": true, "thead": true, "tbody": true, "tfoot": true,
	"tr": true, "td": true, "th": true,
	"b": true, "i": true, "tt": true, "big": true, "small": true, "sub": true,
	"sup": true, "hr": true, "del": true, "ins": true,
}

// void elements have no content and no end tag.
var void = map[string]bool{"br": true, "hr": true}

// dangerous elements are dropped with everything inside them: scripts,
// styles, embedded documents and objects, forms, foreign content, and the
// document head.
var dangerous = map[string]bool{
	"script": true, "style": true, "iframe": true, "frame": true, "frameset": true,
	"object": true, "embed": true, "applet": true, "param": true, "noscript": true,
	"noembed": true, "noframes": true, "template": true, "svg": true, "math": true,
	"form": true, "input": true, "button": true, "select": true, "option": true,
	"textarea": true, "title": true, "xmp": true, "plaintext": true, "head": true,
	"meta": true, "link": true, "base": true, "img": true, "video": true,
	"audio": true, "source": true, "track": true, "canvas": true, "map": true,
	"area": true, "picture": true, "portal": true, "dialog": true,
}

// attrs lists the attributes allowed per element; "*" applies to all.
var attrs = map[string]map[string]bool{
	"*":          {"title": true, "lang": true, "dir": true},
	"a":          {"href": true, "hreflang": true},
	"blockquote": {"cite": true},
	"q":          {"cite": true},
	"del":        {"cite": true},
	"ins":        {"cite": true},
	"td":         {"colspan": true, "rowspan": true, "abbr": true, "scope": true},
	"th":         {"colspan": true, "rowspan": true, "abbr": true, "scope": true},
	"ol":         {"start": true},
	"li":         {"value": true},
	"table":      {"summary": true},
}

func classify(name string) action {
	switch {
	case elements[name]:
		return keep
	case dangerous[name]:
		return drop
	}
	return unwrap
}

type frame struct {
	name string
	node *html.Node // nil for an unwrapped element
}

// XHTML returns the safe HTML rendering of src, an XHTML fragment such as
// the content of a VuXML <description> (a <body> element is unwrapped).
func XHTML(src string, o Options) string {
	maxDepth := o.MaxDepth
	if maxDepth <= 0 {
		maxDepth = 32
	}
	root := &html.Node{Type: html.ElementNode, Data: "div"}
	stack := []frame{{name: "", node: root}}
	kept := 0 // number of non-nil nodes on the stack above root

	parent := func() *html.Node {
		for i := len(stack) - 1; i >= 0; i-- {
			if stack[i].node != nil {
				return stack[i].node
			}
		}
		return root
	}

	z := html.NewTokenizer(strings.NewReader(src))
	z.AllowCDATA(true)
	skip := ""     // name of the dangerous element being skipped
	skipLevel := 0 // nesting of skip inside itself
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		tok := z.Token()
		name := strings.ToLower(tok.Data)
		if skip != "" {
			switch {
			case tt == html.StartTagToken && name == skip:
				skipLevel++
			case tt == html.EndTagToken && name == skip:
				skipLevel--
				if skipLevel == 0 {
					skip = ""
				}
			}
			continue
		}
		switch tt {
		case html.TextToken:
			if tok.Data != "" {
				parent().AppendChild(&html.Node{Type: html.TextNode, Data: tok.Data})
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			act := classify(name)
			if act == drop {
				// A raw-text element swallows text up to its end tag even
				// when written <script/>, so skip to that end tag too.
				if tt == html.StartTagToken || rawText(name) {
					skip, skipLevel = name, 1
				}
				continue
			}
			if act == keep && kept >= maxDepth && !void[name] {
				act = unwrap
			}
			if act == unwrap {
				if tt == html.StartTagToken && len(stack) < 4*maxDepth {
					stack = append(stack, frame{name: name})
				}
				continue
			}
			n := element(name, tok.Attr, o)
			parent().AppendChild(n)
			if tt == html.StartTagToken && !void[name] {
				stack = append(stack, frame{name: name, node: n})
				kept++
			}
		case html.EndTagToken:
			for i := len(stack) - 1; i > 0; i-- {
				if stack[i].name == name {
					for _, f := range stack[i:] {
						if f.node != nil {
							kept--
						}
					}
					stack = stack[:i]
					break
				}
			}
		}
		// Comments and doctypes are dropped.
	}

	var b strings.Builder
	for c := root.FirstChild; c != nil; c = c.NextSibling {
		// Render only fails on node types this package never builds.
		_ = html.Render(&b, c)
	}
	return b.String()
}

func rawText(name string) bool {
	switch name {
	case "script", "style", "iframe", "noembed", "noframes", "noscript",
		"plaintext", "textarea", "title", "xmp":
		return true
	}
	return false
}

// element builds the output node of an allowed element.
func element(name string, in []html.Attribute, o Options) *html.Node {
	if len(name) == 2 && name[0] == 'h' && name[1] >= '1' && name[1] <= '6' {
		level := int(name[1]-'0') + o.HeadingOffset
		level = min(max(level, 1), 6)
		name = "h" + strconv.Itoa(level)
	}
	n := &html.Node{Type: html.ElementNode, Data: name, DataAtom: atom.Lookup([]byte(name))}
	seen := map[string]bool{}
	for _, a := range in {
		key := strings.ToLower(a.Key)
		if a.Namespace == "" && key == "xml:lang" {
			key = "lang"
		}
		if seen[key] || !(attrs["*"][key] || attrs[name][key]) {
			continue
		}
		val, ok := attrValue(key, a.Val)
		if !ok {
			continue
		}
		seen[key] = true
		n.Attr = append(n.Attr, html.Attribute{Key: key, Val: val})
	}
	if name == "a" && seen["href"] {
		n.Attr = append(n.Attr, html.Attribute{Key: "rel", Val: "nofollow noopener noreferrer"})
	}
	return n
}

// attrValue checks one attribute value and returns it as it is to be written.
func attrValue(key, val string) (string, bool) {
	switch key {
	case "href", "cite":
		return URL(val)
	case "colspan", "rowspan", "start", "value":
		n, err := strconv.Atoi(strings.TrimSpace(val))
		if err != nil || n < 0 || n > 10000 {
			return "", false
		}
		return strconv.Itoa(n), true
	case "dir":
		v := strings.ToLower(strings.TrimSpace(val))
		return v, v == "ltr" || v == "rtl"
	case "scope":
		v := strings.ToLower(strings.TrimSpace(val))
		return v, v == "row" || v == "col" || v == "rowgroup" || v == "colgroup"
	case "lang", "hreflang":
		v := strings.TrimSpace(val)
		if v == "" || len(v) > 35 {
			return "", false
		}
		for _, c := range v {
			if !(c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
				return "", false
			}
		}
		return v, true
	}
	// Free text (title, abbr, summary): html.Render escapes it.
	return val, true
}

// URL returns raw, trimmed of surrounding spaces, when it is an absolute
// http, https or ftp URL with a host, or a mailto URL; ok is false for
// anything else (javascript:, data:, relative references, URLs with
// control characters or embedded line breaks, ...).
func URL(raw string) (string, bool) {
	s := strings.Trim(raw, " \t\n\r\f")
	if s == "" || len(s) > 4096 {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		// Browsers delete tabs and newlines inside URLs, which could turn
		// an innocent-looking scheme into another: refuse them and every
		// other control character, and spaces.
		if c := s[i]; c <= ' ' || c == 0x7f {
			return "", false
		}
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", false
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "ftp":
		if u.Host == "" {
			return "", false
		}
	case "mailto":
		if u.Opaque == "" {
			return "", false
		}
	default:
		return "", false
	}
	return s, true
}
