package vuxml

import (
	"io"
	"strings"
	"unicode/utf8"
)

// textBuilder turns the character data and element boundaries of a
// description into plain text, by these rules (shared by both parsers):
//
//   - tags, comments and processing instructions are dropped, entities
//     and character references decoded, CDATA sections kept as text;
//   - runs of XML white space collapse to one space, except inside <pre>,
//     whose text is kept as written;
//   - the start and end of a block element (p, div, blockquote, pre, ul,
//     ol, li, dl, dt, dd, h1-h6, table, tr, hr, address, body) separate
//     paragraphs, written as one blank line; <br> is a line break;
//   - the result has no leading or trailing white space.
type textBuilder struct {
	out   []byte
	space bool // a collapsed white-space run is pending
	brk   int  // a pending break: 1 line, 2 paragraph
	pre   int  // depth of <pre>
}

// isBlock reports whether an XHTML element starts and ends paragraphs.
func isBlock(n string) bool {
	switch n {
	case "p", "li", "ul", "ol", "blockquote", "pre", "div", "dl", "dt", "dd",
		"h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "hr", "address", "body":
		return true
	}
	return false
}

// localName strips a namespace prefix.
func localName(qname string) string {
	if i := strings.IndexByte(qname, ':'); i >= 0 {
		return qname[i+1:]
	}
	return qname
}

func (b *textBuilder) start(qname string) {
	switch n := localName(qname); {
	case n == "br":
		b.setBreak(1)
	case isBlock(n):
		b.setBreak(2)
		if n == "pre" {
			b.pre++
		}
	}
}

func (b *textBuilder) end(qname string) {
	if n := localName(qname); isBlock(n) {
		b.setBreak(2)
		if n == "pre" && b.pre > 0 {
			b.pre--
		}
	}
}

func (b *textBuilder) setBreak(k int) {
	if k > b.brk {
		b.brk = k
	}
	b.space = false
}

func (b *textBuilder) flush() {
	if len(b.out) > 0 {
		switch {
		case b.brk == 2:
			b.out = append(b.out, '\n', '\n')
		case b.brk == 1:
			b.out = append(b.out, '\n')
		case b.space:
			b.out = append(b.out, ' ')
		}
	}
	b.brk, b.space = 0, false
}

// text adds decoded character data.
func (b *textBuilder) text(s string) {
	if b.pre > 0 {
		if s != "" {
			b.flush()
			b.out = append(b.out, s...)
		}
		return
	}
	for i := 0; i < len(s); {
		if isSpace(s[i]) {
			if b.brk == 0 && len(b.out) > 0 {
				b.space = true
			}
			i++
			continue
		}
		j := i + 1
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		b.flush()
		b.out = append(b.out, s[i:j]...)
		i = j
	}
}

func (b *textBuilder) String() string { return string(b.out) }

// descEntities is what Description.Text needs to decode the entities of
// the document's internal subset.
type descEntities struct {
	decls             map[string]*entityDecl
	maxBytes          int64
	maxDepth, maxNest int
}

// Text returns the description as plain text: tags removed, entities
// decoded, white space collapsed, paragraphs separated by blank lines
// (the rules are those of the package documentation). It is computed from
// XHTML on each call, which keeps parsing fast for the many callers that
// never need it.
func (d Description) Text() string {
	if d.XHTML == "" {
		return ""
	}
	t := entityTable{maxBytes: DefaultMaxEntityExpansion, maxDepth: DefaultMaxEntityDepth}
	maxDepth := DefaultMaxDepth
	if d.ents != nil {
		t.decls, t.maxBytes, t.maxDepth, maxDepth = d.ents.decls, d.ents.maxBytes, d.ents.maxNest, d.ents.maxDepth
	}
	tz := NewTokenizer([]byte(d.XHTML), TokenizerOptions{MaxDepth: maxDepth})
	var tb textBuilder
	tb.out = make([]byte, 0, len(d.XHTML)/2)
	for {
		tok, err := tz.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			break // not from a parsed document
		}
		switch tok.Kind {
		case StartTagToken:
			n := string(tz.Bytes(tok.Name))
			tb.start(n)
			if tok.SelfClosing {
				tb.end(n)
			}
		case EndTagToken:
			tb.end(string(tz.Bytes(tok.Name)))
		case TextToken, CDATAToken:
			tb.text(string(tz.Text(tok)))
		case CharRefToken:
			tb.text(string(utf8.AppendRune(nil, tok.Rune)))
		case EntityRefToken:
			kind, decl, text := t.lookup(string(tz.Bytes(tok.Name)))
			switch kind {
			case refPredefined, refXHTML:
				tb.text(text)
			case refInternal:
				if b, err := t.expand(decl, false, nil); err == nil {
					tb.text(string(b))
				}
			}
		}
	}
	return tb.String()
}
