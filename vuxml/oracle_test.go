package vuxml

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// This file is the reference parser ("the oracle"), built on encoding/xml.
// It is slow but simple; the differential tests hold the fast parser to
// it. Where encoding/xml is more lenient than XML 1.0 (it accepts
// duplicate attributes, attributes without separating white space, text
// and several elements outside the root, directives anywhere, surrogate
// character references, ...), the oracle adds the missing checks on the
// raw bytes of each token.

// errStdUnsupported marks inputs the oracle cannot judge (they contain
// U+10FFFF, which it uses to mark entity references): the differential
// tests skip them.
var errStdUnsupported = errors.New("input not supported by the encoding/xml oracle")

const stdMark = "\U0010FFFF"

// parseStd parses like Parse, with encoding/xml.
func parseStd(data []byte, opts ParseOptions) (*Document, error) {
	s, err := parseStdState(data, opts)
	if err != nil {
		return nil, err
	}
	return s.doc, nil
}

// parseStdState is parseStd returning the whole parse state (with the
// plain text of each description, for the differential tests).
func parseStdState(data []byte, opts ParseOptions) (*pstate, error) {
	opts = opts.withDefaults()
	if int64(len(data)) > opts.MaxSize {
		return nil, tooLarge(opts.FileName, opts.MaxSize)
	}
	s := newState(opts)
	s.total = int64(len(data))
	p, err := newStdParser(s, data, opts.FileName, false, 0)
	if err != nil {
		return nil, err
	}
	if err := p.document(); err != nil {
		return nil, err
	}
	return s, nil
}

type stdParser struct {
	s      *pstate
	src    []byte
	base   int // length of a byte-order mark
	file   string
	lc     lineCounter
	d      *xml.Decoder
	stack  []string
	depth0 int
	peeked *stdTok
	entity bool
	marks  *stdMarks
}

// stdMarks maps entity names to the markers encoding/xml substitutes for
// them (it has no way to report an entity reference as such).
type stdMarks struct {
	m     map[string]string
	names []string
}

func (m *stdMarks) add(name string) {
	m.m[name] = stdMark + strconv.Itoa(len(m.names)) + stdMark
	m.names = append(m.names, name)
}

type stdTok struct {
	t          xml.Token // nil at EOF
	start, end int
}

type stdStart struct {
	qname      string
	attrs      []xml.Attr
	start, end int
	pos        Pos
}

func newStdParser(s *pstate, src []byte, file string, entity bool, depth0 int) (*stdParser, error) {
	p := &stdParser{s: s, src: src, file: file, depth0: depth0, entity: entity, lc: newLineCounter(src)}
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		p.base = 3
	}
	if i := checkChars(src[p.base:]); i >= 0 {
		return nil, p.fail(p.base+i, ErrSyntax, "invalid character (not UTF-8 or not an XML character)")
	}
	if bytes.Contains(src, []byte(stdMark)) {
		return nil, p.fail(0, errStdUnsupported, "U+10FFFF in input")
	}
	if v, ok := s.oracle.(*stdMarks); ok {
		p.marks = v
	} else {
		p.marks = &stdMarks{m: map[string]string{}}
		for name := range xml.HTMLEntity {
			p.marks.add(name)
		}
		s.oracle = p.marks
	}
	p.d = xml.NewDecoder(bytes.NewReader(src[p.base:]))
	p.d.Strict = true
	p.d.Entity = p.marks.m
	return p, nil
}

func (p *stdParser) pos(off int) Pos {
	l, c := p.lc.pos(off)
	return Pos{File: p.file, Line: l, Col: c}
}

func (p *stdParser) fail(off int, sentinel error, format string, args ...any) error {
	return errorAt(p.pos(off), fmt.Sprintf(format, args...), sentinel)
}

func (p *stdParser) dtdFail(off int, e *dtdError) error {
	if e.off > 0 {
		off = e.off
	}
	return p.fail(off, e.err, "%s", e.msg)
}

// next returns the next token with its raw span, after the checks
// encoding/xml leaves out. t is nil at the end of the input.
func (p *stdParser) next() (stdTok, error) {
	if p.peeked != nil {
		t := *p.peeked
		p.peeked = nil
		return t, nil
	}
	start := int(p.d.InputOffset()) + p.base
	t, err := p.d.RawToken()
	end := int(p.d.InputOffset()) + p.base
	if err == io.EOF {
		return stdTok{start: start, end: start}, nil
	}
	if err != nil {
		msg := err.Error()
		var se *xml.SyntaxError
		if errors.As(err, &se) {
			msg = se.Msg
		}
		return stdTok{}, p.fail(end, ErrSyntax, "%s", msg)
	}
	raw := p.src[start:end]
	switch tt := t.(type) {
	case xml.StartElement:
		t = tt.Copy()
		if msg := stdCheckTag(raw); msg != "" {
			return stdTok{}, p.fail(start, ErrSyntax, "%s", msg)
		}
		seen := map[string]bool{}
		for _, a := range tt.Attr {
			n := qnameOf(a.Name)
			if seen[n] {
				return stdTok{}, p.fail(start, ErrSyntax, "duplicate attribute %s", n)
			}
			seen[n] = true
		}
		if err := p.checkRawRefs(raw, start); err != nil {
			return stdTok{}, err
		}
		if p.depth0+len(p.stack) >= p.s.opts.MaxDepth {
			return stdTok{}, p.fail(start, ErrTooDeep, "elements nested more than %d deep", p.s.opts.MaxDepth)
		}
		p.stack = append(p.stack, qnameOf(tt.Name))
	case xml.EndElement:
		n := qnameOf(tt.Name)
		if len(p.stack) == 0 {
			return stdTok{}, p.fail(start, ErrSyntax, "unexpected end tag </%s>", n)
		}
		if top := p.stack[len(p.stack)-1]; top != n {
			return stdTok{}, p.fail(start, ErrSyntax, "end tag </%s> does not match <%s>", n, top)
		}
		p.stack = p.stack[:len(p.stack)-1]
	case xml.CharData:
		t = tt.Copy()
		if !bytes.HasPrefix(raw, []byte("<![CDATA[")) {
			if err := p.checkRawRefs(raw, start); err != nil {
				return stdTok{}, err
			}
		}
	case xml.ProcInst:
		t = tt.Copy()
		rest := raw[2+len(tt.Target):]
		if !bytes.Equal(rest, []byte("?>")) && !isSpace(rest[0]) {
			return stdTok{}, p.fail(start, ErrSyntax, "expected white space after <?%s", tt.Target)
		}
		if strings.EqualFold(tt.Target, "xml") {
			if tt.Target != "xml" || start != p.base {
				return stdTok{}, p.fail(start, ErrSyntax, "XML declaration not at the start of the input")
			}
			if msg := checkXMLDecl(string(raw[5:len(raw)-2]), p.entity); msg != "" {
				return stdTok{}, p.fail(start, ErrSyntax, "%s", msg)
			}
		}
	case xml.Directive:
		t = tt.Copy()
	case xml.Comment:
		t = tt.Copy()
	}
	return stdTok{t: t, start: start, end: end}, nil
}

func (p *stdParser) unread(t stdTok) { p.peeked = &t }

func qnameOf(n xml.Name) string {
	if n.Space != "" {
		return n.Space + ":" + n.Local
	}
	return n.Local
}

// stdCheckTag checks that attributes are separated by white space.
func stdCheckTag(raw []byte) string {
	var q byte
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch {
		case q != 0:
			if c == q {
				q = 0
				if i+1 < len(raw) && !isSpace(raw[i+1]) && raw[i+1] != '/' && raw[i+1] != '>' {
					return "expected white space between attributes"
				}
			}
		case c == '"' || c == '\'':
			q = c
		}
	}
	return ""
}

// checkRawRefs validates every reference in raw text or a raw start tag
// (encoding/xml turns surrogate character references into U+FFFD).
func (p *stdParser) checkRawRefs(raw []byte, start int) error {
	for i := 0; ; {
		j := bytes.IndexByte(raw[i:], '&')
		if j < 0 {
			return nil
		}
		i += j
		_, n, _, msg := scanRef(raw[i:])
		if msg != "" {
			return p.fail(start+i, ErrSyntax, "%s", msg)
		}
		i += n
	}
}

// rawRefEnds returns, for each reference of raw that encoding/xml marks
// (named, not predefined), the offset just after it.
func rawRefEnds(raw []byte, start int) []int {
	var ends []int
	for i := 0; ; {
		j := bytes.IndexByte(raw[i:], '&')
		if j < 0 {
			return ends
		}
		i += j
		_, n, name, _ := scanRef(raw[i:])
		if n == 0 {
			return ends
		}
		if _, pre := predefined(name); name != "" && !pre {
			ends = append(ends, start+i+n)
		}
		i += n
	}
}

// document parses the whole input.
func (p *stdParser) document() error {
	sawDoctype := false
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch t := tok.t.(type) {
		case nil:
			return p.fail(tok.start, ErrStructure, "no root element: neither a <vuxml> document nor a fragment of <vuln> elements")
		case xml.Directive:
			if sawDoctype {
				return p.fail(tok.start, ErrSyntax, "second <!DOCTYPE")
			}
			sawDoctype = true
			if err := p.doctype(tok); err != nil {
				return err
			}
		case xml.CharData:
			if !p.rawSpace(tok) {
				return p.fail(tok.start, ErrSyntax, "text before the root element")
			}
		case xml.StartElement:
			st := p.startInfo(tok, t)
			id, _ := lookupElem(st.qname)
			switch id {
			case eVuxml:
				if err := p.root(st); err != nil {
					return err
				}
				return p.epilog()
			case eVuln:
				p.s.doc.Fragment = true
				p.unread(tok)
				return p.content(eUnknown, nil, Pos{}, false)
			}
			return p.fail(tok.start, ErrStructure, "root element <%s> is not <vuxml> (nor the <vuln> of a year fragment)", st.qname)
		}
	}
}

// skipSpace returns the offset of the first byte at or after off that is
// not white space (where a text Issue is reported).
func (p *stdParser) skipSpace(off int) int {
	for off < len(p.src) && isSpace(p.src[off]) {
		off++
	}
	return off
}

func (p *stdParser) rawSpace(tok stdTok) bool {
	return allSpace(string(p.src[tok.start:tok.end]))
}

func (p *stdParser) doctype(tok stdTok) error {
	dt, end, derr := parseDoctype(p.src, tok.start)
	if derr != nil {
		return p.dtdFail(tok.start, derr)
	}
	if end != tok.end {
		return p.fail(tok.start, ErrSyntax, "malformed <!DOCTYPE")
	}
	p.s.ents.decls = dt.ents
	p.s.descEnts.decls = dt.ents
	for name := range dt.ents {
		if _, ok := p.marks.m[name]; !ok {
			p.marks.add(name)
		}
	}
	for _, off := range dt.attlists {
		p.s.issue(p.pos(off), "", IssueDeclaration, "<!ATTLIST> ignored: attribute defaults are not applied")
	}
	return nil
}

func (p *stdParser) epilog() error {
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch tok.t.(type) {
		case nil:
			return nil
		case xml.CharData:
			if !p.rawSpace(tok) {
				return p.fail(tok.start, ErrSyntax, "text after the root element")
			}
		case xml.StartElement:
			return p.fail(tok.start, ErrSyntax, "second root element")
		case xml.Directive:
			return p.fail(tok.start, ErrSyntax, "<!DOCTYPE after the root element")
		}
	}
}

func (p *stdParser) startInfo(tok stdTok, t xml.StartElement) *stdStart {
	return &stdStart{qname: qnameOf(t.Name), attrs: t.Attr, start: tok.start, end: tok.end, pos: p.pos(tok.start)}
}

func (p *stdParser) issueRefs(anchor Pos, vid string, refs []entRef) {
	for _, r := range refs {
		p.s.entityIssue(anchor, vid, r.name, r.kind)
	}
}

// decodeAttrs decodes the attribute values of a start tag (entity
// references expanded, white space normalised) and returns the named
// entities referenced.
func (p *stdParser) decodeAttrs(st *stdStart) ([]attrKV, []entRef, error) {
	var out []attrKV
	var refs []entRef
	raw := p.src[st.start:st.end]
	hasCharRef := bytes.Contains(raw, []byte("&#"))
	for _, a := range st.attrs {
		v := a.Value
		var b []byte
		for v != "" {
			i := strings.Index(v, stdMark)
			lit := v
			if i >= 0 {
				lit = v[:i]
			}
			if hasCharRef && strings.ContainsAny(lit, "\t\n\r") {
				return nil, nil, p.fail(st.start, errStdUnsupported, "white-space character reference in an attribute")
			}
			for k := 0; k < len(lit); k++ {
				if c := lit[k]; c == '\t' || c == '\n' || c == '\r' {
					b = append(b, ' ')
				} else {
					b = append(b, c)
				}
			}
			if i < 0 {
				break
			}
			rest := v[i+len(stdMark):]
			j := strings.Index(rest, stdMark)
			idx, _ := strconv.Atoi(rest[:j])
			v = rest[j+len(stdMark):]
			name := p.marks.names[idx]
			kind, d, text := p.s.ents.lookup(name)
			switch kind {
			case refXHTML:
				b = append(b, text...)
			case refInternal:
				var derr *dtdError
				if b, derr = p.s.ents.expand(d, true, b); derr != nil {
					return nil, nil, p.dtdFail(st.start, derr)
				}
			case refExternal:
				return nil, nil, p.fail(st.start, ErrSyntax, "external entity &%s; in an attribute value", name)
			default:
				return nil, nil, p.fail(st.start, ErrSyntax, "undefined entity &%s;", name)
			}
			refs = append(refs, entRef{name, kind})
		}
		out = append(out, attrKV{qnameOf(a.Name), string(b)})
	}
	return out, refs, nil
}

// textPiece is decoded character data with its raw start; ext is set for
// an external entity reference (which ends a run of text).
type textPiece struct {
	text  []byte
	refs  []entRef // named entities referenced in this piece
	start int
	ext   *entityDecl
	refAt int // offset of the external reference
}

// decodeText decodes a CharData token into runs separated by external
// entity references, recording the named entities referenced.
func (p *stdParser) decodeText(tok stdTok) ([]textPiece, error) {
	raw := p.src[tok.start:tok.end]
	cd := string(tok.t.(xml.CharData))
	if bytes.HasPrefix(raw, []byte("<![CDATA[")) {
		return []textPiece{{text: []byte(cd), start: tok.start}}, nil
	}
	ends := rawRefEnds(raw, tok.start)
	var pieces []textPiece
	cur := textPiece{start: tok.start}
	k := 0
	for {
		i := strings.Index(cd, stdMark)
		if i < 0 {
			cur.text = append(cur.text, cd...)
			break
		}
		cur.text = append(cur.text, cd[:i]...)
		rest := cd[i+len(stdMark):]
		j := strings.Index(rest, stdMark)
		idx, _ := strconv.Atoi(rest[:j])
		cd = rest[j+len(stdMark):]
		name := p.marks.names[idx]
		end := ends[k]
		k++
		kind, d, text := p.s.ents.lookup(name)
		switch kind {
		case refXHTML:
			cur.text = append(cur.text, text...)
			cur.refs = append(cur.refs, entRef{name, kind})
		case refInternal:
			cur.refs = append(cur.refs, entRef{name, kind})
			var derr *dtdError
			if cur.text, derr = p.s.ents.expand(d, false, cur.text); derr != nil {
				return nil, p.dtdFail(end-len(name)-2, derr)
			}
		case refExternal:
			cur.ext, cur.refAt = d, end-len(name)-2
			pieces = append(pieces, cur)
			cur = textPiece{start: end}
		default:
			return nil, p.fail(end-len(name)-2, ErrSyntax, "undefined entity &%s;", name)
		}
	}
	return append(pieces, cur), nil
}

// chars handles character data in element-only content: external
// entities (only where allowExt), entity Issues, and one text Issue per
// element.
func (p *stdParser) chars(tok stdTok, c *ctx, allowExt bool) error {
	pieces, err := p.decodeText(tok)
	if err != nil {
		return err
	}
	for _, pc := range pieces {
		// entity Issues of this piece come before its text Issue
		a := c.anchor
		if !a.IsValid() {
			a = p.pos(pc.start)
		}
		p.issueRefs(a, c.vid, pc.refs)
		if !c.textSeen && !allSpace(string(pc.text)) {
			c.textSeen = true
			where := "<" + c.name + ">"
			if c.id == eUnknown {
				where = "the document"
			}
			p.s.textIssue(p.pos(p.skipSpace(pc.start)), c.vid, where)
		}
		if pc.ext != nil {
			if !allowExt {
				return p.fail(pc.refAt, ErrStructure, "external entity &%s; is only allowed in <vuxml>", pc.ext.name)
			}
			if err := p.external(pc.ext, pc.refAt, c.anchor); err != nil {
				return err
			}
		}
	}
	return nil
}

// external parses an external entity's content as children of <vuxml>.
func (p *stdParser) external(d *entityDecl, refAt int, anchor Pos) error {
	data, file, msg, sentinel := p.s.loadExternal(d)
	if msg != "" {
		return p.fail(refAt, sentinel, "%s", msg)
	}
	p.s.active = append(p.s.active, d.name)
	defer func() { p.s.active = p.s.active[:len(p.s.active)-1] }()
	sub, err := newStdParser(p.s, data, file, true, p.depth0+len(p.stack))
	if err != nil {
		return err
	}
	return sub.content(eUnknown, nil, anchor, true)
}

// content reads the children of <vuxml> (st set), of a year fragment or
// of an external entity (st nil: up to the end of the input).
func (p *stdParser) content(parent elemID, st *stdStart, anchor Pos, entity bool) error {
	c := &ctx{id: parent, anchor: anchor}
	if st != nil {
		c.name, c.pos, c.anchor = st.qname, st.pos, st.pos
	}
	first := true
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		isFirst := first
		first = false
		switch t := tok.t.(type) {
		case nil:
			if st != nil {
				return p.fail(tok.start, ErrSyntax, "unexpected end of input: <%s> not closed", st.qname)
			}
			return nil
		case xml.EndElement:
			return nil
		case xml.StartElement:
			ch := p.startInfo(tok, t)
			id, _ := lookupElem(ch.qname)
			switch {
			case id == eVuln:
				if err := p.vuln(ch); err != nil {
					return err
				}
			case id != eUnknown:
				return p.fail(ch.start, ErrStructure, "%s", notAllowed(ch.qname, parentName(parent)))
			default:
				if err := p.unknown(ch, c); err != nil {
					return err
				}
			}
		case xml.CharData:
			if err := p.chars(tok, c, true); err != nil {
				return err
			}
		case xml.Directive:
			return p.fail(tok.start, ErrSyntax, "<!DOCTYPE not allowed here")
		case xml.ProcInst:
			_ = isFirst
		}
	}
}

// unknown records an unknown element in structural content and skips it.
func (p *stdParser) unknown(ch *stdStart, c *ctx) error {
	where := "<" + c.name + ">"
	if c.name == "" {
		where = "the document"
	}
	p.s.issue(ch.pos, c.vid, IssueUnknownElement, "unknown element <%s> in %s", ch.qname, where)
	return p.skip(ch, c.vid, nil)
}

// skip reads past the element started by st, whose content is not
// VuXML, collecting its text when collect is set. VuXML elements inside
// are refused.
func (p *stdParser) skip(st *stdStart, vid string, collect *[]byte) error {
	_, refs, err := p.decodeAttrs(st)
	if err != nil {
		return err
	}
	p.issueRefs(st.pos, vid, refs)
	depth := 0
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch t := tok.t.(type) {
		case nil:
			return p.fail(tok.start, ErrSyntax, "unexpected end of input: <%s> not closed", st.qname)
		case xml.StartElement:
			ch := p.startInfo(tok, t)
			if id, _ := lookupElem(ch.qname); id != eUnknown {
				return p.fail(ch.start, ErrStructure, "<%s> inside unknown element <%s>", ch.qname, st.qname)
			}
			_, refs, err := p.decodeAttrs(ch)
			if err != nil {
				return err
			}
			p.issueRefs(st.pos, vid, refs)
			depth++
		case xml.EndElement:
			if depth == 0 {
				return nil
			}
			depth--
		case xml.CharData:
			pieces, err := p.decodeText(tok)
			if err != nil {
				return err
			}
			for _, pc := range pieces {
				p.issueRefs(st.pos, vid, pc.refs)
				if collect != nil {
					*collect = append(*collect, pc.text...)
				}
				if pc.ext != nil {
					return p.fail(pc.refAt, ErrStructure, "external entity &%s; is only allowed in <vuxml>", pc.ext.name)
				}
			}
		case xml.Directive:
			return p.fail(tok.start, ErrSyntax, "<!DOCTYPE not allowed here")
		}
	}
}

// vocabStart decodes a VuXML element's attributes and records its Issues.
func (p *stdParser) vocabStart(id elemID, st *stdStart, vid string) (string, bool, []Attr, error) {
	attrs, refs, err := p.decodeAttrs(st)
	if err != nil {
		return "", false, nil, err
	}
	if id == eVuln {
		vid = vidOf(attrs)
	}
	v, has, ra := p.s.startVocab(id, st.qname, st.pos, vid, attrs)
	p.issueRefs(st.pos, vid, refs)
	return v, has, ra, nil
}

// loop reads the content of a structural VuXML element up to its end tag,
// handing allowed children (and, with unknownKids, unknown ones) to kid.
func (p *stdParser) loop(id elemID, st *stdStart, vid string, unknownKids bool, onKid func(ch *stdStart, id elemID) error) (stdTok, []kid, error) {
	c := &ctx{id: id, name: st.qname, pos: st.pos, anchor: st.pos, vid: vid}
	var kids []kid
	for {
		tok, err := p.next()
		if err != nil {
			return tok, nil, err
		}
		switch t := tok.t.(type) {
		case nil:
			return tok, nil, p.fail(tok.start, ErrSyntax, "unexpected end of input: <%s> not closed", st.qname)
		case xml.EndElement:
			return tok, kids, nil
		case xml.StartElement:
			ch := p.startInfo(tok, t)
			cid, _ := lookupElem(ch.qname)
			switch {
			case cid != eUnknown && !allowedIn(id, cid):
				return tok, nil, p.fail(ch.start, ErrStructure, "%s", notAllowed(ch.qname, elemNames[id]))
			case cid == eUnknown && !unknownKids:
				kids = append(kids, kid{eUnknown, ch.pos})
				if err := p.unknown(ch, c); err != nil {
					return tok, nil, err
				}
			default:
				kids = append(kids, kid{cid, ch.pos})
				if err := onKid(ch, cid); err != nil {
					return tok, nil, err
				}
			}
		case xml.CharData:
			if err := p.chars(tok, c, false); err != nil {
				return tok, nil, err
			}
		case xml.Directive:
			return tok, nil, p.fail(tok.start, ErrSyntax, "<!DOCTYPE not allowed here")
		}
	}
}

// root reads <vuxml>.
func (p *stdParser) root(st *stdStart) error {
	if _, _, _, err := p.vocabStart(eVuxml, st, ""); err != nil {
		return err
	}
	return p.content(eVuxml, st, st.pos, false)
}

func (p *stdParser) vuln(st *stdStart) error {
	vid, hasVID, _, err := p.vocabStart(eVuln, st, "")
	if err != nil {
		return err
	}
	e := &Entry{VID: vid, Pos: st.pos, Start: st.start}
	end, kids, err := p.loop(eVuln, st, vid, false, func(ch *stdStart, id elemID) error {
		switch id {
		case eTopic:
			v, err := p.textElem(id, ch, vid)
			e.Topic, e.TopicPos = v, ch.pos
			return err
		case eAffects:
			if !e.AffectsPos.IsValid() {
				e.AffectsPos = ch.pos
			}
			return p.affects(ch, e)
		case eDescription:
			return p.description(ch, e)
		case eReferences:
			if !e.ReferencesPos.IsValid() {
				e.ReferencesPos = ch.pos
			}
			return p.references(ch, e)
		case eDates:
			return p.dates(ch, e)
		case eCancelled:
			return p.cancelled(ch, e)
		}
		return nil
	})
	if err != nil {
		return err
	}
	e.End = end.end
	p.s.checkEntry(e, hasVID, kids)
	p.s.doc.Entries = append(p.s.doc.Entries, e)
	return nil
}

// textElem reads a text-only element and returns its text (that of any
// nested unknown elements included).
func (p *stdParser) textElem(id elemID, st *stdStart, vid string) (string, error) {
	if _, _, _, err := p.vocabStart(id, st, vid); err != nil {
		return "", err
	}
	return p.textContent(st, vid)
}

func (p *stdParser) textContent(st *stdStart, vid string) (string, error) {
	var b []byte
	for {
		tok, err := p.next()
		if err != nil {
			return "", err
		}
		switch t := tok.t.(type) {
		case nil:
			return "", p.fail(tok.start, ErrSyntax, "unexpected end of input: <%s> not closed", st.qname)
		case xml.EndElement:
			return string(b), nil
		case xml.StartElement:
			ch := p.startInfo(tok, t)
			if id, _ := lookupElem(ch.qname); id != eUnknown {
				return "", p.fail(ch.start, ErrStructure, "%s", notAllowed(ch.qname, st.qname))
			}
			p.s.issue(ch.pos, vid, IssueUnknownElement, "element <%s> inside <%s>, which holds text only", ch.qname, st.qname)
			if err := p.skip(ch, vid, &b); err != nil {
				return "", err
			}
		case xml.CharData:
			pieces, err := p.decodeText(tok)
			if err != nil {
				return "", err
			}
			for _, pc := range pieces {
				p.issueRefs(st.pos, vid, pc.refs)
				b = append(b, pc.text...)
				if pc.ext != nil {
					return "", p.fail(pc.refAt, ErrStructure, "external entity &%s; is only allowed in <vuxml>", pc.ext.name)
				}
			}
		case xml.Directive:
			return "", p.fail(tok.start, ErrSyntax, "<!DOCTYPE not allowed here")
		}
	}
}

func (p *stdParser) affects(st *stdStart, e *Entry) error {
	if _, _, _, err := p.vocabStart(eAffects, st, e.VID); err != nil {
		return err
	}
	_, kids, err := p.loop(eAffects, st, e.VID, false, func(ch *stdStart, id elemID) error {
		return p.pkg(ch, id, e)
	})
	if err != nil {
		return err
	}
	p.s.checkAffects(st.pos, e.VID, kids)
	return nil
}

func (p *stdParser) pkg(st *stdStart, id elemID, e *Entry) error {
	if _, _, _, err := p.vocabStart(id, st, e.VID); err != nil {
		return err
	}
	a := Affected{Kind: Package, Pos: st.pos}
	if id == eSystem {
		a.Kind = System
	}
	_, kids, err := p.loop(id, st, e.VID, false, func(ch *stdStart, cid elemID) error {
		if cid == eName {
			v, err := p.textElem(cid, ch, e.VID)
			a.Names = append(a.Names, Name{Value: v, Pos: ch.pos})
			return err
		}
		r := Range{Pos: ch.pos}
		if _, _, _, err := p.vocabStart(eRange, ch, e.VID); err != nil {
			return err
		}
		_, _, err := p.loop(eRange, ch, e.VID, false, func(op *stdStart, oid elemID) error {
			v, err := p.textElem(oid, op, e.VID)
			r.Bounds = append(r.Bounds, Bound{Op: opOf(oid), Version: v, Pos: op.pos})
			return err
		})
		a.Ranges = append(a.Ranges, r)
		return err
	})
	if err != nil {
		return err
	}
	p.s.checkPackage(&a, e.VID, kids)
	e.Affects = append(e.Affects, a)
	return nil
}

func (p *stdParser) references(st *stdStart, e *Entry) error {
	if _, _, _, err := p.vocabStart(eReferences, st, e.VID); err != nil {
		return err
	}
	_, _, err := p.loop(eReferences, st, e.VID, true, func(ch *stdStart, id elemID) error {
		r := Reference{Kind: elemNames[id], Pos: ch.pos}
		if id == eUnknown {
			r.Kind = ch.qname
			attrs, refs, err := p.decodeAttrs(ch)
			if err != nil {
				return err
			}
			p.s.issue(ch.pos, e.VID, IssueUnknownElement, "unknown element <%s> in <references>", ch.qname)
			p.issueRefs(ch.pos, e.VID, refs)
			for _, a := range attrs {
				if !isXMLNS(a.name) {
					r.Attrs = append(r.Attrs, Attr{Name: a.name, Value: a.value})
				}
			}
		} else {
			_, _, ra, err := p.vocabStart(id, ch, e.VID)
			if err != nil {
				return err
			}
			r.Attrs = ra
		}
		v, err := p.textContent(ch, e.VID)
		r.Value = v
		e.References = append(e.References, r)
		return err
	})
	return err
}

func (p *stdParser) dates(st *stdStart, e *Entry) error {
	if _, _, _, err := p.vocabStart(eDates, st, e.VID); err != nil {
		return err
	}
	d := Dates{Pos: st.pos}
	_, kids, err := p.loop(eDates, st, e.VID, false, func(ch *stdStart, id elemID) error {
		v, err := p.textElem(id, ch, e.VID)
		switch id {
		case eDiscovery:
			d.Discovery, d.DiscoveryPos = v, ch.pos
		case eEntry:
			d.Entry, d.EntryPos = v, ch.pos
		case eModified:
			d.Modified, d.ModifiedPos = v, ch.pos
		}
		return err
	})
	if err != nil {
		return err
	}
	p.s.checkDates(st.pos, e.VID, kids)
	e.Dates = d
	return nil
}

func (p *stdParser) cancelled(st *stdStart, e *Entry) error {
	sup, _, _, err := p.vocabStart(eCancelled, st, e.VID)
	if err != nil {
		return err
	}
	if _, _, err := p.loop(eCancelled, st, e.VID, false, nil); err != nil {
		return err
	}
	e.Cancelled = &Cancelled{Pos: st.pos, Superseded: sup}
	return nil
}

func (p *stdParser) description(st *stdStart, e *Entry) error {
	if _, _, _, err := p.vocabStart(eDescription, st, e.VID); err != nil {
		return err
	}
	c := &ctx{id: eDescription, name: st.qname, pos: st.pos, anchor: st.pos, vid: e.VID}
	var tb textBuilder
	bodies, depth := 0, 0
	for {
		tok, err := p.next()
		if err != nil {
			return err
		}
		switch t := tok.t.(type) {
		case nil:
			return p.fail(tok.start, ErrSyntax, "unexpected end of input: <%s> not closed", st.qname)
		case xml.StartElement:
			ch := p.startInfo(tok, t)
			attrs, refs, err := p.decodeAttrs(ch)
			if err != nil {
				return err
			}
			if depth == 0 {
				if localName(ch.qname) == "body" {
					p.s.checkBody(ch.qname, ch.pos, e.VID, attrs)
					bodies++
					if bodies == 2 {
						p.s.issue(ch.pos, e.VID, IssueBody, "more than one <body> in <description>")
					}
				} else {
					p.s.issue(ch.pos, e.VID, IssueUnknownElement, "<%s> in <description>, where <body> belongs", ch.qname)
				}
			}
			p.issueRefs(st.pos, e.VID, refs)
			tb.start(ch.qname)
			depth++
		case xml.EndElement:
			if depth == 0 {
				e.Description = Description{Pos: st.pos, XHTML: string(p.src[st.end:tok.start]), ents: p.s.descEnts}
				if p.s.stdTexts == nil {
					p.s.stdTexts = map[*Entry]string{}
				}
				p.s.stdTexts[e] = tb.String()
				if bodies == 0 {
					p.s.issue(st.pos, e.VID, IssueMissing, "<description> without <body>")
				}
				return nil
			}
			tb.end(qnameOf(t.Name))
			depth--
		case xml.CharData:
			pieces, err := p.decodeText(tok)
			if err != nil {
				return err
			}
			for _, pc := range pieces {
				p.issueRefs(st.pos, e.VID, pc.refs)
				if depth == 0 && !c.textSeen && !allSpace(string(pc.text)) {
					c.textSeen = true
					p.s.textIssue(p.pos(p.skipSpace(pc.start)), e.VID, "<"+st.qname+">")
				}
				tb.text(string(pc.text))
				if pc.ext != nil {
					return p.fail(pc.refAt, ErrStructure, "external entity &%s; is only allowed in <vuxml>", pc.ext.name)
				}
			}
		case xml.Directive:
			return p.fail(tok.start, ErrSyntax, "<!DOCTYPE not allowed here")
		}
	}
}
