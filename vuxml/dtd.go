package vuxml

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// This file holds what both parsers share about the document type
// declaration: its syntax, the internal subset's entity declarations, and
// the expansion of entity references (with limits).

// entityDecl is one <!ENTITY name ...> of the internal subset.
type entityDecl struct {
	name     string
	value    string // replacement text of an internal entity (character references decoded)
	external bool
	public   string
	system   string // system literal of an external entity
	ndata    string // notation of an unparsed entity
	off      int    // offset of "<!ENTITY" in the declaring file
}

// doctype is a parsed <!DOCTYPE ...>.
type doctype struct {
	name           string
	public, system string
	ents           map[string]*entityDecl // general entities, first declaration wins
	attlists       []int                  // offsets of <!ATTLIST declarations (ignored)
	subset         Span                   // the internal subset, between '[' and ']'
	hasSubset      bool
}

// dtdError is a syntax error at an offset of the source.
type dtdError struct {
	off int
	msg string
	err error // sentinel
}

// dtdParser reads a document type declaration from src starting at off.
type dtdParser struct {
	src []byte
	i   int
	dt  *doctype
}

func (p *dtdParser) fail(msg string, args ...any) *dtdError {
	return &dtdError{off: p.i, msg: fmt.Sprintf(msg, args...), err: ErrSyntax}
}

func (p *dtdParser) eof() bool { return p.i >= len(p.src) }

func (p *dtdParser) has(s string) bool { return bytes.HasPrefix(p.src[p.i:], []byte(s)) }

func (p *dtdParser) space() int {
	n := 0
	for p.i < len(p.src) && isSpace(p.src[p.i]) {
		p.i++
		n++
	}
	return n
}

func (p *dtdParser) needSpace(what string) *dtdError {
	if p.space() == 0 {
		return p.fail("expected white space %s", what)
	}
	return nil
}

func (p *dtdParser) name(what string) (string, *dtdError) {
	start := p.i
	for p.i < len(p.src) && nameByte[p.src[p.i]] != 0 {
		p.i++
	}
	s := string(p.src[start:p.i])
	if !isName(s) {
		p.i = start
		return "", p.fail("expected %s name", what)
	}
	return s, nil
}

// literal reads a quoted literal and returns its content span.
func (p *dtdParser) literal(what string) (int, int, *dtdError) {
	if p.eof() || p.src[p.i] != '"' && p.src[p.i] != '\'' {
		return 0, 0, p.fail("expected quoted %s", what)
	}
	q := p.src[p.i]
	start := p.i + 1
	j := bytes.IndexByte(p.src[start:], q)
	if j < 0 {
		return 0, 0, p.fail("unterminated %s", what)
	}
	p.i = start + j + 1
	return start, start + j, nil
}

// externalID reads SYSTEM "sys" or PUBLIC "pub" "sys"; the system literal
// may be omitted after PUBLIC only when optSystem (notations).
func (p *dtdParser) externalID(optSystem bool) (pub, sys string, err *dtdError) {
	switch {
	case p.has("SYSTEM"):
		p.i += 6
		if err = p.needSpace("after SYSTEM"); err != nil {
			return
		}
		a, b, err := p.literal("system literal")
		if err != nil {
			return "", "", err
		}
		return "", string(p.src[a:b]), nil
	case p.has("PUBLIC"):
		p.i += 6
		if err = p.needSpace("after PUBLIC"); err != nil {
			return
		}
		a, b, err := p.literal("public identifier")
		if err != nil {
			return "", "", err
		}
		for k := a; k < b; k++ {
			c := p.src[k]
			if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
				strings.IndexByte(" \r\n-'()+,./:=?;!*#@$_%", c) >= 0) {
				p.i = k
				return "", "", p.fail("invalid character %q in public identifier", c)
			}
		}
		pub = string(p.src[a:b])
		save := p.i
		n := p.space()
		if p.eof() || p.src[p.i] != '"' && p.src[p.i] != '\'' {
			if optSystem {
				p.i = save
				return pub, "", nil
			}
			return "", "", p.fail("expected system literal after public identifier")
		}
		if n == 0 {
			return "", "", p.fail("expected white space before system literal")
		}
		a, b, err = p.literal("system literal")
		if err != nil {
			return "", "", err
		}
		return pub, string(p.src[a:b]), nil
	}
	return "", "", p.fail("expected SYSTEM or PUBLIC")
}

// parseDoctype parses the declaration that starts at src[off:] with
// "<!DOCTYPE" and returns it and the offset just after its closing '>'.
func parseDoctype(src []byte, off int) (*doctype, int, *dtdError) {
	p := &dtdParser{src: src, i: off, dt: &doctype{ents: map[string]*entityDecl{}}}
	if !p.has("<!DOCTYPE") {
		return nil, 0, p.fail("expected <!DOCTYPE")
	}
	p.i += len("<!DOCTYPE")
	if err := p.needSpace("after <!DOCTYPE"); err != nil {
		return nil, 0, err
	}
	var err *dtdError
	if p.dt.name, err = p.name("document type"); err != nil {
		return nil, 0, err
	}
	if p.space() > 0 && (p.has("SYSTEM") || p.has("PUBLIC")) {
		if p.dt.public, p.dt.system, err = p.externalID(false); err != nil {
			return nil, 0, err
		}
		p.space()
	}
	if !p.eof() && p.src[p.i] == '[' {
		p.i++
		p.dt.hasSubset = true
		p.dt.subset.Start = p.i
		if err := p.subset(); err != nil {
			return nil, 0, err
		}
		p.dt.subset.End = p.i - 1
		p.space()
	}
	if p.eof() || p.src[p.i] != '>' {
		return nil, 0, p.fail("expected > at the end of <!DOCTYPE")
	}
	return p.dt, p.i + 1, nil
}

// subset reads the internal subset up to and including its ']'.
func (p *dtdParser) subset() *dtdError {
	for {
		p.space()
		switch {
		case p.eof():
			return p.fail("unterminated internal subset")
		case p.src[p.i] == ']':
			p.i++
			return nil
		case p.has("<!--"):
			if err := p.comment(); err != nil {
				return err
			}
		case p.has("<!ENTITY"):
			if err := p.entity(); err != nil {
				return err
			}
		case p.has("<!ELEMENT"), p.has("<!NOTATION"):
			if err := p.skipDecl(); err != nil {
				return err
			}
		case p.has("<!ATTLIST"):
			p.dt.attlists = append(p.dt.attlists, p.i)
			if err := p.skipDecl(); err != nil {
				return err
			}
		case p.src[p.i] == '%':
			e := p.fail("parameter-entity references are not supported")
			e.err = ErrUnsupported
			return e
		case p.has("<?"):
			e := p.fail("processing instructions in the internal subset are not supported")
			e.err = ErrUnsupported
			return e
		default:
			return p.fail("invalid markup in internal subset")
		}
	}
}

func (p *dtdParser) comment() *dtdError {
	start := p.i
	p.i += 4
	j := bytes.Index(p.src[p.i:], []byte("--"))
	if j < 0 {
		p.i = start
		return p.fail("unterminated comment")
	}
	p.i += j
	if p.i+2 >= len(p.src) || p.src[p.i+2] != '>' {
		return p.fail(`"--" not allowed in comments`)
	}
	p.i += 3
	return nil
}

// skipDecl skips an <!ELEMENT, <!ATTLIST or <!NOTATION declaration: up to
// the first '>' outside quotes. Their content is not interpreted.
func (p *dtdParser) skipDecl() *dtdError {
	start := p.i
	p.i += 2
	kw, _ := p.name("declaration")
	if p.space() == 0 {
		return p.fail("expected white space after <!%s", kw)
	}
	if _, err := p.name(strings.ToLower(kw)); err != nil {
		return err
	}
	for p.i < len(p.src) {
		switch c := p.src[p.i]; c {
		case '>':
			p.i++
			return nil
		case '"', '\'':
			if _, _, err := p.literal("literal"); err != nil {
				return err
			}
			continue
		case '<', '&':
			return p.fail("unexpected %q in <!%s", c, kw)
		}
		p.i++
	}
	p.i = start
	return p.fail("unterminated <!%s", kw)
}

func (p *dtdParser) entity() *dtdError {
	start := p.i
	p.i += len("<!ENTITY")
	if err := p.needSpace("after <!ENTITY"); err != nil {
		return err
	}
	pe := false
	if !p.eof() && p.src[p.i] == '%' {
		pe = true
		p.i++
		if err := p.needSpace("after %"); err != nil {
			return err
		}
	}
	name, err := p.name("entity")
	if err != nil {
		return err
	}
	if err := p.needSpace("after the entity name"); err != nil {
		return err
	}
	d := &entityDecl{name: name, off: start}
	if !p.eof() && (p.src[p.i] == '"' || p.src[p.i] == '\'') {
		if d.value, err = p.entityValue(); err != nil {
			return err
		}
	} else {
		if d.public, d.system, err = p.externalID(false); err != nil {
			return err
		}
		d.external = true
		save := p.i
		if p.space() > 0 && p.has("NDATA") {
			if pe {
				return p.fail("NDATA not allowed for a parameter entity")
			}
			p.i += 5
			if err := p.needSpace("after NDATA"); err != nil {
				return err
			}
			if d.ndata, err = p.name("notation"); err != nil {
				return err
			}
		} else {
			p.i = save
		}
	}
	p.space()
	if p.eof() || p.src[p.i] != '>' {
		return p.fail("expected > at the end of <!ENTITY %s", name)
	}
	p.i++
	if pe {
		return nil // parameter entities are declared but never referenced
	}
	switch name {
	case "lt", "gt", "amp", "apos", "quot":
		return nil // the predefined entities keep their meaning
	}
	if _, dup := p.dt.ents[name]; !dup {
		p.dt.ents[name] = d
	}
	return nil
}

// entityValue reads a quoted entity value and returns its replacement
// text: character references decoded, entity references kept, line ends
// normalised.
func (p *dtdParser) entityValue() (string, *dtdError) {
	q := p.src[p.i]
	p.i++
	var b strings.Builder
	for {
		if p.eof() {
			return "", p.fail("unterminated entity value")
		}
		c := p.src[p.i]
		switch {
		case c == q:
			p.i++
			return b.String(), nil
		case c == '%':
			return "", p.fail("parameter-entity reference in an entity value of the internal subset")
		case c == '&':
			r, n, name, msg := scanRef(p.src[p.i:])
			if msg != "" {
				return "", p.fail("%s", msg)
			}
			if name == "" {
				b.WriteRune(r)
			} else {
				b.Write(p.src[p.i : p.i+n])
			}
			p.i += n
		case c == '\r':
			b.WriteByte('\n')
			p.i++
			if !p.eof() && p.src[p.i] == '\n' {
				p.i++
			}
		default:
			b.WriteByte(c)
			p.i++
		}
	}
}

// scanRef reads a reference at the start of b ("&name;", "&#123;" or
// "&#x7B;"). It returns the reference's length and either its name (entity
// reference) or the character (character reference, name ""), or an
// error message.
func scanRef(b []byte) (r rune, n int, name string, msg string) {
	if len(b) < 2 || b[0] != '&' {
		return 0, 0, "", fmt.Sprintf("invalid entity reference %s", quoteRef(b, len(b)))
	}
	if b[1] == '#' {
		i := 2
		base := 10
		if i < len(b) && b[i] == 'x' {
			base = 16
			i++
		}
		start := i
		var v int64
		for i < len(b) {
			c := b[i]
			var d int64
			switch {
			case c >= '0' && c <= '9':
				d = int64(c - '0')
			case base == 16 && c >= 'a' && c <= 'f':
				d = int64(c-'a') + 10
			case base == 16 && c >= 'A' && c <= 'F':
				d = int64(c-'A') + 10
			default:
				d = -1
			}
			if d < 0 {
				break
			}
			if v <= utf8.MaxRune {
				v = v*int64(base) + d
			}
			i++
		}
		if i == start || i >= len(b) || b[i] != ';' {
			return 0, 0, "", fmt.Sprintf("invalid character reference %s", quoteRef(b, i))
		}
		if v > utf8.MaxRune || !validChar(rune(v)) {
			return 0, 0, "", fmt.Sprintf("character reference %s is not an XML character", b[:i+1])
		}
		return rune(v), i + 1, "", ""
	}
	i := 1
	for i < len(b) && nameByte[b[i]] != 0 {
		i++
	}
	nm := string(b[1:i])
	if i >= len(b) || b[i] != ';' || !isName(nm) {
		return 0, 0, "", fmt.Sprintf("invalid entity reference %s", quoteRef(b, i))
	}
	return 0, i + 1, nm, ""
}

func quoteRef(b []byte, i int) string {
	if i > 40 {
		i = 40
	}
	if i > len(b) {
		i = len(b)
	}
	return strconv.Quote(string(b[:i]))
}

// predefined returns the character of one of XML's five predefined
// entities.
func predefined(name string) (byte, bool) {
	switch name {
	case "lt":
		return '<', true
	case "gt":
		return '>', true
	case "amp":
		return '&', true
	case "apos":
		return '\'', true
	case "quot":
		return '"', true
	}
	return 0, false
}

// predefinedText is the text of each predefined entity's character, not
// built on each use.
var predefinedText = [128]string{'<': "<", '>': ">", '&': "&", '\'': "'", '"': "\""}

// xhtmlEntity returns the text of an XHTML 1.0 named entity (the lat1,
// symbol and special sets, as encoding/xml's HTMLEntity table).
func xhtmlEntity(name string) (string, bool) {
	s, ok := xml.HTMLEntity[name]
	return s, ok
}

// refKind is what an entity reference resolves to.
type refKind uint8

const (
	refUndefined refKind = iota
	refPredefined
	refInternal
	refExternal
	refXHTML
)

// entityTable resolves and expands general entity references, counting
// the work against the limits.
type entityTable struct {
	decls    map[string]*entityDecl
	maxBytes int64 // MaxEntityExpansion
	maxDepth int   // MaxEntityDepth
	used     int64
	stack    []string
}

func (t *entityTable) lookup(name string) (refKind, *entityDecl, string) {
	if c, ok := predefined(name); ok {
		return refPredefined, nil, predefinedText[c]
	}
	if d, ok := t.decls[name]; ok {
		if d.external {
			return refExternal, d, ""
		}
		return refInternal, d, d.value
	}
	if s, ok := xhtmlEntity(name); ok {
		return refXHTML, nil, s
	}
	return refUndefined, nil, ""
}

// expand appends the replacement of the internal entity d, parsed as
// character data (attr: with attribute-value normalisation), to out.
// Markup in a replacement text is refused.
func (t *entityTable) expand(d *entityDecl, attr bool, out []byte) ([]byte, *dtdError) {
	for _, n := range t.stack {
		if n == d.name {
			return out, &dtdError{msg: fmt.Sprintf("entity &%s; refers to itself", d.name), err: ErrSyntax}
		}
	}
	if len(t.stack) >= t.maxDepth {
		return out, &dtdError{msg: fmt.Sprintf("entity &%s; nested more than %d deep", d.name, t.maxDepth), err: ErrEntityLimit}
	}
	t.used += int64(len(d.value)) + 1
	if t.used > t.maxBytes {
		return out, &dtdError{msg: fmt.Sprintf("entity expansion exceeds %d bytes at &%s;", t.maxBytes, d.name), err: ErrEntityLimit}
	}
	t.stack = append(t.stack, d.name)
	defer func() { t.stack = t.stack[:len(t.stack)-1] }()
	v := d.value
	for i := 0; i < len(v); {
		c := v[i]
		switch c {
		case '<':
			if attr {
				return out, &dtdError{msg: fmt.Sprintf("entity &%s; puts '<' in an attribute value", d.name), err: ErrSyntax}
			}
			return out, &dtdError{msg: fmt.Sprintf("entity &%s; contains markup (only character data is supported in internal entities)", d.name), err: ErrUnsupported}
		case '&':
			r, n, name, msg := scanRef([]byte(v[i:]))
			if msg != "" {
				return out, &dtdError{msg: fmt.Sprintf("in entity &%s;: %s", d.name, msg), err: ErrSyntax}
			}
			i += n
			if name == "" {
				out = utf8.AppendRune(out, r)
				continue
			}
			kind, sub, text := t.lookup(name)
			switch kind {
			case refPredefined, refXHTML:
				out = append(out, text...)
			case refInternal:
				var err *dtdError
				if out, err = t.expand(sub, attr, out); err != nil {
					return out, err
				}
			case refExternal:
				if attr {
					return out, &dtdError{msg: fmt.Sprintf("external entity &%s; in an attribute value", name), err: ErrSyntax}
				}
				return out, &dtdError{msg: fmt.Sprintf("external entity &%s; referenced from entity &%s; is not supported", name, d.name), err: ErrUnsupported}
			default:
				return out, &dtdError{msg: fmt.Sprintf("undefined entity &%s; in entity &%s;", name, d.name), err: ErrSyntax}
			}
		case '\t', '\n', '\r':
			if attr {
				out = append(out, ' ')
			} else {
				out = append(out, c)
			}
			i++
		default:
			out = append(out, c)
			i++
		}
	}
	return out, nil
}
