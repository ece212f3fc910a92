package validate

import (
	"encoding/xml"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pkgaudit/pkgaudit/vuxml"
)

const (
	nsXHTML = "http://www.w3.org/1999/xhtml"
	nsVuXML = "http://www.vuxml.org/apps/vuxml-1"
	nsXML   = "http://www.w3.org/XML/1998/namespace"
)

// DescriptionLimit is extra-validation.py's warning threshold for the size
// of a serialized <description>.
const DescriptionLimit = 5000

// Content categories of the XHTML elements a description may use: XHTML
// Basic's text, hypertext, list and basic table modules, plus the
// presentation module (b, i, tt, sub, sup, big, small, hr) of XHTML Basic
// 1.1. Forms, objects, images, scripts and styles are not accepted.
type xcontent int

const (
	cBlock  xcontent = iota // block children only (body, blockquote)
	cFlow                   // text, inline and block (div, li, dd, td, th)
	cInline                 // text and inline (p, h1-h6, pre, inline elements)
	cEmpty                  // nothing (br, hr)
	cList                   // li only (ul, ol)
	cDL                     // dt, dd only
	cTable                  // caption, tr
	cRow                    // th, td
)

type xelem struct {
	block   bool // a block element (else inline, or a part like li)
	content xcontent
	attrs   []string // beyond id, class, title, xml:lang
}

var xhtmlElems = map[string]xelem{
	"body": {true, cBlock, nil}, "blockquote": {true, cBlock, []string{"cite"}},
	"div": {true, cFlow, nil}, "p": {true, cInline, nil}, "pre": {true, cInline, []string{"xml:space"}},
	"address": {true, cInline, nil}, "hr": {true, cEmpty, nil},
	"h1": {true, cInline, nil}, "h2": {true, cInline, nil}, "h3": {true, cInline, nil},
	"h4": {true, cInline, nil}, "h5": {true, cInline, nil}, "h6": {true, cInline, nil},
	"ul": {true, cList, nil}, "ol": {true, cList, nil}, "dl": {true, cDL, nil},
	"li": {false, cFlow, nil}, "dt": {false, cInline, nil}, "dd": {false, cFlow, nil},
	"table": {true, cTable, []string{"summary", "width"}}, "caption": {false, cInline, nil},
	"tr":   {false, cRow, nil},
	"td":   {false, cFlow, []string{"abbr", "align", "axis", "colspan", "headers", "rowspan", "scope", "valign"}},
	"th":   {false, cFlow, []string{"abbr", "align", "axis", "colspan", "headers", "rowspan", "scope", "valign"}},
	"a":    {false, cInline, []string{"href", "hreflang", "type", "rel", "rev", "charset", "accesskey", "tabindex"}},
	"abbr": {false, cInline, nil}, "acronym": {false, cInline, nil}, "br": {false, cEmpty, nil},
	"cite": {false, cInline, nil}, "code": {false, cInline, nil}, "dfn": {false, cInline, nil},
	"em": {false, cInline, nil}, "kbd": {false, cInline, nil}, "q": {false, cInline, []string{"cite"}},
	"samp": {false, cInline, nil}, "span": {false, cInline, nil}, "strong": {false, cInline, nil},
	"var": {false, cInline, nil}, "b": {false, cInline, nil}, "big": {false, cInline, nil},
	"i": {false, cInline, nil}, "small": {false, cInline, nil}, "sub": {false, cInline, nil},
	"sup": {false, cInline, nil}, "tt": {false, cInline, nil},
}

// allowedChild reports whether an element named child may appear in
// content of kind k.
func allowedChild(k xcontent, child string) bool {
	ce, ok := xhtmlElems[child]
	if !ok {
		return true // reported as unknown already
	}
	switch k {
	case cBlock:
		return ce.block
	case cFlow:
		return ce.block || ce.content == cInline && !isPart(child) || child == "br"
	case cInline:
		return !ce.block && !isPart(child)
	case cEmpty:
		return false
	case cList:
		return child == "li"
	case cDL:
		return child == "dt" || child == "dd"
	case cTable:
		return child == "caption" || child == "tr"
	case cRow:
		return child == "td" || child == "th"
	}
	return false
}

// isPart tells the elements that only live inside one other element.
func isPart(n string) bool {
	switch n {
	case "li", "dt", "dd", "caption", "tr", "td", "th":
		return true
	}
	return false
}

func textAllowed(k xcontent) bool { return k == cFlow || k == cInline }

// xmapper maps offsets in the description's XHTML to file positions.
type xmapper struct {
	text string
	base vuxml.Pos
}

func (m xmapper) pos(off int) vuxml.Pos {
	off = min(max(off, 0), len(m.text))
	pre := m.text[:off]
	nl := strings.Count(pre, "\n")
	if nl == 0 {
		return vuxml.Pos{File: m.base.File, Line: m.base.Line, Col: m.base.Col + off}
	}
	return vuxml.Pos{File: m.base.File, Line: m.base.Line + nl, Col: off - strings.LastIndexByte(pre, '\n')}
}

// contentStart returns the position of the first byte of the
// description's content: just after the '>' of <description>.
func (c *checker) contentStart(d vuxml.Description) vuxml.Pos {
	if s := c.src[d.Pos.File]; s != nil {
		if o := s.offset(d.Pos); o >= 0 {
			if i := strings.IndexByte(string(s.data[o:min(len(s.data), o+256)]), '>'); i >= 0 {
				return s.pos(d.Pos.File, o+i+1)
			}
		}
	}
	p := d.Pos
	p.Col += len("<description>")
	return p
}

// tail returns the text after </description> up to the next tag, which
// ElementTree counts as part of the element.
func (c *checker) tail(e *vuxml.Entry) string {
	s := c.src[e.Pos.File]
	if s == nil || e.Start < 0 || e.End > len(s.data) || e.Start >= e.End {
		return ""
	}
	body := string(s.data[e.Start:e.End])
	i := strings.LastIndex(body, "</description>")
	if i < 0 {
		return ""
	}
	rest := body[i+len("</description>"):]
	if j := strings.IndexByte(rest, '<'); j >= 0 {
		return rest[:j]
	}
	return ""
}

type xframe struct {
	name string
	el   xelem
	pos  vuxml.Pos
	text strings.Builder // direct text, for the "<p>.</p>" placeholder
}

// description checks the XHTML body and measures the description.
func (c *checker) description(e *vuxml.Entry) {
	d := e.Description
	if d.Pos.Line == 0 && d.XHTML == "" {
		c.add(e.Pos, Error, "structure", e.VID, "entry without <description>")
		return
	}
	m := xmapper{text: d.XHTML, base: c.contentStart(d)}
	dec := xml.NewDecoder(strings.NewReader(d.XHTML))
	dec.Strict = true
	var stack []*xframe
	bodies := 0
	size := newETSize()
	for {
		off := int(dec.InputOffset())
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			c.add(m.pos(off), Error, "xhtml", e.VID, "description is not well-formed XML: %v", err)
			return
		}
		p := m.pos(off)
		switch t := tok.(type) {
		case xml.StartElement:
			size.start(t)
			name := t.Name.Local
			var parent *xframe
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			el, known := xhtmlElems[name]
			switch {
			case t.Name.Space != nsXHTML:
				if parent == nil && name == "body" {
					c.add(p, Error, "xhtml", e.VID, "<body> is not in the XHTML namespace: write <body xmlns=\"%s\">", nsXHTML)
				} else {
					c.add(p, Error, "xhtml", e.VID, "element <%s> in namespace %q: only XHTML may appear in a description", name, t.Name.Space)
				}
				known = false
			case parent == nil && name != "body":
				c.add(p, Error, "xhtml", e.VID, "<%s> directly in <description>: the description must hold exactly one <body xmlns=\"%s\">", name, nsXHTML)
			case parent != nil && name == "body":
				c.add(p, Error, "xhtml", e.VID, "<body> inside <%s>", parent.name)
			case !known:
				c.add(p, Error, "xhtml", e.VID, "element <%s> is not allowed in a description (XHTML Basic text, hypertext, list, table and presentation elements only)", name)
			case parent != nil && !allowedChild(parent.el.content, name):
				c.add(p, Error, "xhtml", e.VID, "<%s> is not allowed inside <%s>", name, parent.name)
			}
			if parent == nil {
				bodies++
				if bodies == 2 {
					c.add(p, Error, "xhtml", e.VID, "more than one element in <description>: it must hold exactly one <body>")
				}
			}
			if known {
				c.attrs(e, p, name, el, t.Attr)
			}
			if !known {
				el = xelem{content: cFlow}
			}
			stack = append(stack, &xframe{name: name, el: el, pos: p})
		case xml.EndElement:
			size.end()
			if len(stack) == 0 {
				break
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if f.name == "p" && strings.TrimSpace(f.text.String()) == "." {
				c.add(f.pos, Error, "placeholder", e.VID, "<p>.</p> is still newentry's template text")
			}
		case xml.CharData:
			s := string(t)
			size.text(s)
			if len(stack) > 0 {
				stack[len(stack)-1].text.WriteString(s)
			}
			if strings.TrimSpace(s) == "" {
				break
			}
			tp := m.pos(off + len(s) - len(strings.TrimLeft(s, " \t\r\n")))
			if len(stack) == 0 {
				c.add(tp, Error, "xhtml", e.VID, "text directly in <description>: it belongs in <body><p>...</p></body>")
			} else if f := stack[len(stack)-1]; !textAllowed(f.el.content) {
				c.add(tp, Error, "xhtml", e.VID, "text directly inside <%s>: put it in a <p>", f.name)
			}
			if ph := placeholderText(s); ph != "" && ph != "null" {
				c.add(tp, Error, "placeholder", e.VID, "description holds the template text %q", ph)
			}
		}
	}
	if bodies == 0 {
		c.add(d.Pos, Error, "xhtml", e.VID, "<description> without <body xmlns=\"%s\">", nsXHTML)
	}
	n := size.total(c.tail(e))
	if n > DescriptionLimit {
		c.add(d.Pos, Warning, "description-long", e.VID, "description too long: %d bytes serialized (extra-validation.py warns above %d)", n, DescriptionLimit)
	}
}

func (c *checker) attrs(e *vuxml.Entry, p vuxml.Pos, name string, el xelem, attrs []xml.Attr) {
	for _, a := range attrs {
		if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
			continue
		}
		an := a.Name.Local
		switch a.Name.Space {
		case "":
		case nsXML:
			an = "xml:" + an
		default:
			c.add(p, Error, "xhtml", e.VID, "attribute %s:%s of <%s> is not XHTML", a.Name.Space, a.Name.Local, name)
			continue
		}
		switch {
		case an == "id" || an == "class" || an == "title" || an == "xml:lang":
		case slices.Contains(el.attrs, an):
		default:
			c.add(p, Error, "xhtml", e.VID, "attribute %s is not allowed on <%s>", an, name)
			continue
		}
		if an == "cite" || an == "href" {
			v := strings.TrimSpace(a.Value)
			switch {
			case v == "":
				c.add(p, Error, "placeholder", e.VID, "empty %s attribute on <%s>", an, name)
			case placeholderText(v) != "":
				c.add(p, Error, "placeholder", e.VID, "%s=%q on <%s> is a placeholder", an, a.Value, name)
			}
		}
	}
}

// DescriptionSize returns the size of a <description> with content xhtml
// followed by tail (the white space up to the next tag) as
// extra-validation.py measures it: len(ElementTree.tostring(description)).
// It is -1 when xhtml is not well-formed.
func DescriptionSize(xhtml, tail string) int {
	dec := xml.NewDecoder(strings.NewReader(xhtml))
	dec.Strict = true
	s := newETSize()
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return -1
		}
		switch t := tok.(type) {
		case xml.StartElement:
			s.start(t)
		case xml.EndElement:
			s.end()
		case xml.CharData:
			s.text(string(t))
		}
	}
	return s.total(tail)
}

// etSize measures a <description> the way extra-validation.py does:
// len(ElementTree.tostring(description)), i.e. US-ASCII bytes with
// non-ASCII characters as decimal character references, the VuXML
// namespace as prefix ns0, XHTML as html, comments dropped, the element's
// tail included.
type etSize struct {
	n      int
	prefix map[string]string // namespace -> prefix
	decls  int               // bytes of the namespace declarations
	open   []bool            // per open element: has content yet
	names  []string
	pend   bool // a start tag is not yet closed by '>' or " />"
}

var etRegistered = map[string]string{
	nsXML: "xml", nsXHTML: "html",
	"http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf", "http://schemas.xmlsoap.org/wsdl/": "wsdl",
	"http://www.w3.org/2001/XMLSchema": "xs", "http://www.w3.org/2001/XMLSchema-instance": "xsi",
	"http://purl.org/dc/elements/1.1/": "dc",
}

func newETSize() *etSize {
	s := &etSize{prefix: map[string]string{}}
	s.qname(nsVuXML, "description")
	return s
}

func (s *etSize) qname(space, local string) string {
	if space == "" {
		return local
	}
	p, ok := s.prefix[space]
	if !ok {
		p, ok = etRegistered[space]
		if !ok {
			p = "ns" + strconv.Itoa(len(s.prefix))
		}
		if p != "xml" {
			s.prefix[space] = p
		}
	}
	return p + ":" + local
}

func etLen(s string, attr bool) int {
	n := 0
	for _, r := range s {
		switch {
		case r == '&':
			n += 5
		case r == '<' || r == '>':
			n += 4
		case attr && r == '"':
			n += 6
		case attr && (r == '\n' || r == '\r'):
			n += 5
		case attr && r == '\t':
			n += 5
		case r == utf8.RuneError:
			n += 7 // &#65533;
		case r < 0x80:
			n++
		default:
			n += len("&#;") + len(strconv.Itoa(int(r)))
		}
	}
	return n
}

func (s *etSize) closePending(content bool) {
	if s.pend {
		s.pend = false
		if content {
			s.n++ // '>'
		}
		s.open[len(s.open)-1] = content
	}
}

func (s *etSize) start(t xml.StartElement) {
	s.closePending(true)
	q := s.qname(t.Name.Space, t.Name.Local)
	s.n += 1 + etLen(q, false)
	for _, a := range t.Attr {
		if a.Name.Space == "xmlns" || a.Name.Space == "" && a.Name.Local == "xmlns" {
			continue
		}
		// Attribute-value normalization of the XML parser: literal
		// tabs and newlines become spaces.
		v := strings.Map(func(r rune) rune {
			if r == '\t' || r == '\n' || r == '\r' {
				return ' '
			}
			return r
		}, a.Value)
		s.n += 1 + etLen(s.qname(a.Name.Space, a.Name.Local), false) + 2 + etLen(v, true) + 1
	}
	s.open = append(s.open, false)
	s.names = append(s.names, q)
	s.pend = true
}

func (s *etSize) end() {
	if len(s.open) == 0 {
		return
	}
	q := s.names[len(s.names)-1]
	if s.pend {
		s.pend = false
		s.n += 3 // " />"
	} else {
		s.n += 3 + etLen(q, false) // "</" q ">"
	}
	s.open = s.open[:len(s.open)-1]
	s.names = s.names[:len(s.names)-1]
}

func (s *etSize) text(t string) {
	if t == "" {
		return
	}
	s.closePending(true)
	s.n += etLen(t, false)
}

// total returns the size of the whole description element with tail.
func (s *etSize) total(tail string) int {
	for len(s.open) > 0 {
		s.end()
	}
	n := 1 + len("ns0:description")
	for space, p := range s.prefix {
		n += len(" xmlns:") + len(p) + 2 + etLen(space, true) + 1
	}
	if s.n == 0 {
		n += 3 // " />"
	} else {
		n += 1 + s.n + len("</ns0:description>")
	}
	return n + etLen(tail, false)
}
