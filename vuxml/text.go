package vuxml

import "strings"

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

// blockElems are the XHTML elements that start and end paragraphs.
var blockElems = map[string]bool{
	"p": true, "div": true, "blockquote": true, "pre": true, "ul": true, "ol": true,
	"li": true, "dl": true, "dt": true, "dd": true, "h1": true, "h2": true, "h3": true,
	"h4": true, "h5": true, "h6": true, "table": true, "tr": true, "hr": true,
	"address": true, "body": true,
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
	case blockElems[n]:
		b.setBreak(2)
		if n == "pre" {
			b.pre++
		}
	}
}

func (b *textBuilder) end(qname string) {
	if n := localName(qname); blockElems[n] {
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
