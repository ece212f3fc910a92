package vuxml

import (
	"bytes"
	"io"
	"unicode/utf8"
	"unsafe"
)

// This file is the fast parser: a recursive descent over Tokenizer, with
// every string of the model sliced from one immutable copy of the input
// and the model's slices carved out of a few large blocks. It follows the
// oracle (oracle_test.go, test-only) step for step; the differential tests hold the two
// to the same Documents and Issues.

// entRef is an entity reference met while decoding.
type entRef struct {
	name string
	kind refKind
}

// ctx is the element whose content is being read.
type ctx struct {
	id       elemID
	name     string // as written
	pos      Pos
	anchor   Pos // where entity Issues go
	vid      string
	textSeen bool
}

// vidOf returns the vid attribute (any case, the last one) of a <vuln>.
func vidOf(attrs []attrKV) string {
	v := ""
	for _, a := range attrs {
		if lowerASCII(a.name) == "vid" {
			v = a.value
		}
	}
	return v
}

// parseFast parses data; owned says that data is ours and never modified
// afterwards (so the model may point into it without a copy).
func parseFast(data []byte, opts ParseOptions, owned bool) (*Document, error) {
	return parseWith(nil, data, opts, owned)
}

// parseWith parses data with the memory of r (nil: fresh memory).
func parseWith(r *Parser, data []byte, opts ParseOptions, owned bool) (*Document, error) {
	opts = opts.withDefaults()
	if int64(len(data)) > opts.MaxSize {
		return nil, tooLarge(opts.FileName, opts.MaxSize)
	}
	str := immutable(data, owned)
	s := newState(opts)
	s.total = int64(len(data))
	var a *fastAlloc
	var tz *Tokenizer
	if r != nil {
		a, tz = &r.a, &r.tz
		a.reset(len(data))
		r.doc = Document{Entries: r.doc.Entries[:0], Issues: r.doc.Issues[:0]}
		s.doc = &r.doc
	} else {
		a = &fastAlloc{size: len(data)}
	}
	p := newFastParser(s, a, str, opts.FileName, false, 0, tz)
	if err := p.document(); err != nil {
		return nil, err
	}
	return s.doc, nil
}

// Parser parses one document after another with the same memory: the
// model of each Document is carved out of the blocks of the previous
// ones, which saves allocating (and, with the collector off, faulting in)
// fresh memory for every document of a long run, such as the chunks of a
// big file. So a Document a Parser returns, and everything in it, is
// valid only until its next call of Parse. The zero Parser is ready to
// use; it is not safe for concurrent use.
type Parser struct {
	a   fastAlloc
	tz  Tokenizer
	doc Document
}

// Parse parses data as the package's Parse does (copying it unless
// opts.NoCopy), into the memory of the previous call.
func (r *Parser) Parse(data []byte, opts ParseOptions) (*Document, error) {
	return parseWith(r, data, opts, opts.NoCopy)
}

// immutable returns data as a string, copying it unless owned.
func immutable(data []byte, owned bool) string {
	if len(data) == 0 {
		return ""
	}
	if owned {
		return unsafe.String(&data[0], len(data))
	}
	return string(data)
}

// slab hands out slices of T from large blocks, so that a document's
// thousands of small slices cost a few allocations.
type slab[T any] struct {
	buf  []T
	last int // the size of the last block
	// With keep, every block is also kept in blocks, so that reset can
	// hand them out again (next is the first not handed out since).
	keep   bool
	blocks [][]T
	next   int
}

// reset hands the kept blocks out again from the first.
func (s *slab[T]) reset() {
	s.buf, s.next = nil, 0
}

// block returns a block of at least n elements: the next kept one that
// is large enough, else a new one.
func (s *slab[T]) block(n, full, size int) []T {
	for s.next < len(s.blocks) {
		b := s.blocks[s.next]
		s.next++
		if len(b) >= n {
			return b
		}
	}
	s.last = blockSize(s.last, full, size)
	b := make([]T, max(s.last, n))
	if s.keep {
		s.blocks = append(s.blocks, b)
		s.next = len(s.blocks)
	}
	return b
}

// blockSize is the size of the next block of a slab whose last block had
// last elements, for an input of size bytes: the first is sized by the
// input (a small document, or a chunk of a big one as feed parses them,
// would leave most of a full block unused), each next one twice the
// last, up to full.
func blockSize(last, full, size int) int {
	if last > 0 {
		return min(full, 2*last)
	}
	return max(16, min(full, int(int64(full)*int64(size)/(2<<20))))
}

// copy returns a copy of src in the slab (nil for an empty src), with
// capacity len(src) so that appending to it never touches its neighbours.
// Blocks are at most full elements long; size is the input's.
func (s *slab[T]) copy(src []T, full, size int) []T {
	if len(src) == 0 {
		return nil
	}
	if len(s.buf) < len(src) {
		s.buf = s.block(len(src), full, size)
	}
	dst := s.buf[:len(src):len(src)]
	copy(dst, src)
	s.buf = s.buf[len(src):]
	return dst
}

// fastAlloc is the memory a parse reuses or carves the model from (shared
// with the parsers of external entities).
type fastAlloc struct {
	// size is the length of the input, which the first blocks are sized
	// by (see blockSize).
	size int
	// reused: the memory of a Parser, handed out again by reset (entries
	// are then zeroed as they are handed out)
	reused  bool
	entries slab[Entry]
	affects slab[Affected]
	names   slab[Name]
	ranges  slab[Range]
	bounds  slab[Bound]
	refs    slab[Reference]
	// scratch lists of the element being read
	tmpAff    []Affected
	tmpNames  []Name
	tmpRanges []Range
	tmpBounds []Bound
	tmpRefs   []Reference
	kids      [6][]kid
	attrs     []attrKV
	buf       []byte
}

func (a *fastAlloc) entry() *Entry {
	s := &a.entries
	if len(s.buf) == 0 {
		s.buf = s.block(1, 256, a.size)
	}
	e := &s.buf[0]
	s.buf = s.buf[1:]
	if a.reused {
		*e = Entry{}
	}
	return e
}

// reset readies a Parser's memory for an input of size bytes: the blocks
// of the previous documents are handed out again.
func (a *fastAlloc) reset(size int) {
	a.size = size
	if !a.entries.keep {
		a.entries.keep, a.affects.keep, a.names.keep, a.ranges.keep, a.bounds.keep, a.refs.keep = true, true, true, true, true, true
		return
	}
	a.reused = true
	a.entries.reset()
	a.affects.reset()
	a.names.reset()
	a.ranges.reset()
	a.bounds.reset()
	a.refs.reset()
}

type fastParser struct {
	s      *pstate
	a      *fastAlloc
	str    string
	src    []byte // the same memory as str, read only
	file   string
	tz     *Tokenizer
	peek   bool // tz.tok is the current token again
	entity bool
	// brief: ParseOptions.Brief (no Issues, no positions but the
	// entries', only what an audit reads of each entry)
	brief bool
}

// newFastParser makes a parser of str; tz, when not nil, is the
// tokenizer whose memory to reuse.
func newFastParser(s *pstate, a *fastAlloc, str, file string, entity bool, depth0 int, tz *Tokenizer) *fastParser {
	var src []byte
	if len(str) > 0 {
		src = unsafe.Slice(unsafe.StringData(str), len(str))
	}
	p := &fastParser{s: s, a: a, str: str, src: src, file: file, entity: entity, brief: s.opts.Brief}
	if tz == nil {
		tz = &Tokenizer{}
	}
	tz.init(src, TokenizerOptions{FileName: file, MaxDepth: s.opts.MaxDepth, Entity: entity})
	p.tz = tz
	p.tz.base = depth0
	return p
}

func (p *fastParser) pos(off int) Pos { return p.tz.Position(off) }

// kpos is the position of an element other than an entry: none when
// brief.
func (p *fastParser) kpos(off int) Pos {
	if p.brief {
		return Pos{}
	}
	return p.tz.Position(off)
}

func (p *fastParser) fail(off int, sentinel error, format string, args ...any) error {
	return p.tz.fail(off, sentinel, format, args...)
}

func (p *fastParser) dtdFail(off int, e *dtdError) error {
	if e.off > 0 {
		off = e.off
	}
	return p.fail(off, e.err, "%s", e.msg)
}

// advance makes p.tz.tok the next token (Kind 0 at the end of the input).
func (p *fastParser) advance() error {
	if p.peek {
		p.peek = false
		return nil
	}
	err := p.tz.advance()
	if err == io.EOF {
		n := len(p.src)
		p.tz.tok = Token{Span: Span{n, n}}
		return nil
	}
	return err
}

// advanceSpace is advance in element-only content: when brief, white
// space between markup (which means nothing there) gives no token.
func (p *fastParser) advanceSpace() error {
	if !p.brief || p.peek {
		return p.advance()
	}
	err := p.tz.advanceSpace()
	if err == io.EOF {
		n := len(p.src)
		p.tz.tok = Token{Span: Span{n, n}}
		return nil
	}
	return err
}

func (p *fastParser) sub(s Span) string { return p.str[s.Start:s.End] }

func (p *fastParser) skipSpace(off int) int {
	for off < len(p.src) && isSpace(p.src[off]) {
		off++
	}
	return off
}

func (p *fastParser) document() error {
	for {
		if err := p.advance(); err != nil {
			return err
		}
		tok := &p.tz.tok
		switch tok.Kind {
		case 0:
			return p.fail(tok.Span.Start, ErrStructure, "no root element: neither a <vuxml> document nor a fragment of <vuln> elements")
		case DoctypeToken:
			p.s.ents.decls = p.tz.dt.ents
			p.s.descEnts.decls = p.tz.dt.ents
			for _, off := range p.tz.dt.attlists {
				p.s.issue(p.pos(off), "", IssueDeclaration, "<!ATTLIST> ignored: attribute defaults are not applied")
			}
		case TextToken:
			if !allSpace(p.sub(tok.Span)) {
				return p.fail(tok.Span.Start, ErrSyntax, "text before the root element")
			}
		case CDATAToken, EntityRefToken, CharRefToken:
			return p.fail(tok.Span.Start, ErrSyntax, "text before the root element")
		case StartTagToken:
			qname := p.sub(tok.Name)
			id, _ := lookupElem(qname)
			switch id {
			case eVuxml:
				if err := p.root(*tok); err != nil {
					return err
				}
				return p.epilog()
			case eVuln:
				p.s.doc.Fragment = true
				p.peek = true
				return p.content(eUnknown, nil, Pos{})
			}
			return p.fail(tok.Span.Start, ErrStructure, "root element <%s> is not <vuxml> (nor the <vuln> of a year fragment)", qname)
		}
	}
}

func (p *fastParser) epilog() error {
	for {
		if err := p.advance(); err != nil {
			return err
		}
		tok := &p.tz.tok
		switch tok.Kind {
		case 0:
			return nil
		case TextToken:
			if !allSpace(p.sub(tok.Span)) {
				return p.fail(tok.Span.Start, ErrSyntax, "text after the root element")
			}
		case CDATAToken, EntityRefToken, CharRefToken:
			return p.fail(tok.Span.Start, ErrSyntax, "text after the root element")
		case StartTagToken:
			return p.fail(tok.Span.Start, ErrSyntax, "second root element")
		}
	}
}

// normText appends raw character data to out, line ends normalised; attr
// also applies attribute-value normalisation (white space to spaces).
func normText(out []byte, raw string, attr bool) []byte {
	for i := 0; i < len(raw); i++ {
		c := raw[i]
		switch c {
		case '\r':
			if i+1 < len(raw) && raw[i+1] == '\n' {
				i++
			}
			if attr {
				out = append(out, ' ')
			} else {
				out = append(out, '\n')
			}
		case '\t', '\n':
			if attr {
				out = append(out, ' ')
			} else {
				out = append(out, c)
			}
		default:
			out = append(out, c)
		}
	}
	return out
}

// attrValue decodes one attribute value, appending named references to
// refs.
func (p *fastParser) attrValue(a TokenAttr, tagStart int, refs *[]entRef) (string, error) {
	raw := p.sub(a.Value)
	clean := true
	for i := 0; i < len(raw); i++ {
		if c := raw[i]; c == '&' || c == '\t' || c == '\n' || c == '\r' {
			clean = false
			break
		}
	}
	if clean {
		return raw, nil
	}
	var b []byte
	for i := 0; i < len(raw); {
		j := i
		for j < len(raw) && raw[j] != '&' {
			j++
		}
		b = normText(b, raw[i:j], true)
		if j == len(raw) {
			break
		}
		r, n, name, _ := scanRef(p.src[a.Value.Start+j:])
		i = j + n
		if name == "" {
			b = utf8.AppendRune(b, r)
			continue
		}
		kind, d, text := p.s.ents.lookup(name)
		switch kind {
		case refPredefined:
			b = append(b, text...)
			continue
		case refXHTML:
			b = append(b, text...)
		case refInternal:
			var derr *dtdError
			if b, derr = p.s.ents.expand(d, true, b); derr != nil {
				return "", p.dtdFail(tagStart, derr)
			}
		case refExternal:
			return "", p.fail(tagStart, ErrSyntax, "external entity &%s; in an attribute value", name)
		default:
			return "", p.fail(tagStart, ErrSyntax, "undefined entity &%s;", name)
		}
		*refs = append(*refs, entRef{name, kind})
	}
	return string(b), nil
}

// decodeAttrs decodes all attributes of a start tag into a scratch slice
// (valid until the next call).
func (p *fastParser) decodeAttrs(tok *Token) ([]attrKV, []entRef, error) {
	if len(tok.Attrs) == 0 {
		return nil, nil, nil
	}
	var refs []entRef
	out := p.a.attrs[:0]
	for _, a := range tok.Attrs {
		v, err := p.attrValue(a, tok.Span.Start, &refs)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, attrKV{p.sub(a.Name), v})
	}
	p.a.attrs = out
	return out, refs, nil
}

// checkAttrs validates the attribute references of an element whose
// attributes are not kept, returning the named references.
func (p *fastParser) checkAttrs(tok *Token) ([]entRef, error) {
	var refs []entRef
	for _, a := range tok.Attrs {
		if p.hasByte(a.Value, '&') {
			if _, err := p.attrValue(a, tok.Span.Start, &refs); err != nil {
				return nil, err
			}
		}
	}
	return refs, nil
}

func (p *fastParser) hasByte(s Span, c byte) bool {
	return bytes.IndexByte(p.src[s.Start:s.End], c) >= 0
}

func (p *fastParser) issueRefs(anchor Pos, vid string, refs []entRef) {
	for _, r := range refs {
		p.s.entityIssue(anchor, vid, r.name, r.kind)
	}
}

// ref decodes an entity reference token in content: it appends the text
// to out and returns the entity's kind, or the external entity.
func (p *fastParser) ref(tok *Token, out []byte) ([]byte, refKind, *entityDecl, error) {
	name := p.sub(tok.Name)
	kind, d, text := p.s.ents.lookup(name)
	switch kind {
	case refPredefined, refXHTML:
		return append(out, text...), kind, nil, nil
	case refInternal:
		var derr *dtdError
		if out, derr = p.s.ents.expand(d, false, out); derr != nil {
			return out, kind, nil, p.dtdFail(tok.Span.Start, derr)
		}
		return out, kind, nil, nil
	case refExternal:
		return out, kind, d, nil
	}
	return out, kind, nil, p.fail(tok.Span.Start, ErrSyntax, "undefined entity &%s;", name)
}

// fastRun is a run of character data in element-only content.
type fastRun struct {
	on    bool
	start int
	ws    bool // all white space so far
}

// runText adds a text, character reference or entity reference token to
// the run; it returns an external entity met.
func (p *fastParser) runText(tok *Token, c *ctx, r *fastRun) (*entityDecl, error) {
	if !r.on {
		r.on, r.start, r.ws = true, tok.Span.Start, true
	}
	switch tok.Kind {
	case TextToken:
		if r.ws && !allSpace(p.sub(tok.Span)) {
			r.ws = false
		}
	case CharRefToken:
		if !(tok.Rune == ' ' || tok.Rune == '\t' || tok.Rune == '\n' || tok.Rune == '\r') {
			r.ws = false
		}
	case EntityRefToken:
		b, kind, ext, err := p.ref(tok, p.a.buf[:0])
		p.a.buf = b
		if err != nil {
			return nil, err
		}
		if ext != nil {
			return ext, nil
		}
		if kind != refPredefined {
			a := c.anchor
			if !a.IsValid() {
				a = p.pos(r.start)
			}
			p.s.entityIssue(a, c.vid, p.sub(tok.Name), kind)
		}
		if !allSpace(string(b)) {
			r.ws = false
		}
	}
	return nil, nil
}

// flush ends the run, giving the element's text Issue.
func (p *fastParser) flush(c *ctx, r *fastRun) {
	if r.on && !r.ws && !c.textSeen && !p.brief {
		c.textSeen = true
		where := "<" + c.name + ">"
		if c.id == eUnknown {
			where = "the document"
		}
		p.s.textIssue(p.pos(p.skipSpace(r.start)), c.vid, where)
	}
	r.on = false
}

// structural handles a token other than a tag in element-only content;
// external entities are parsed where allowExt.
func (p *fastParser) structural(tok *Token, c *ctx, r *fastRun, allowExt bool) error {
	if p.brief {
		return p.briefStructural(tok, c, allowExt)
	}
	switch tok.Kind {
	case TextToken:
		if !r.on {
			r.on, r.start, r.ws = true, tok.Span.Start, true
		}
		if r.ws && !allSpace(p.sub(tok.Span)) {
			r.ws = false
		}
	case CharRefToken, EntityRefToken:
		ext, err := p.runText(tok, c, r)
		if err != nil || ext == nil {
			return err
		}
		p.flush(c, r)
		if !allowExt {
			return p.fail(tok.Span.Start, ErrStructure, "external entity &%s; is only allowed in <vuxml>", ext.name)
		}
		return p.external(ext, tok.Span.Start, c.anchor)
	case CDATAToken:
		p.flush(c, r)
		r.on, r.start, r.ws = true, tok.Span.Start, allSpace(p.sub(tok.Data))
		p.flush(c, r)
	case DoctypeToken:
		return p.fail(tok.Span.Start, ErrSyntax, "<!DOCTYPE not allowed here")
	default:
		p.flush(c, r)
	}
	return nil
}

// briefStructural is structural without text runs and their Issues:
// what can fail (references, DOCTYPE) is checked as structural does.
func (p *fastParser) briefStructural(tok *Token, c *ctx, allowExt bool) error {
	switch tok.Kind {
	case EntityRefToken:
		b, _, ext, err := p.ref(tok, p.a.buf[:0])
		p.a.buf = b
		if err != nil || ext == nil {
			return err
		}
		if !allowExt {
			return p.fail(tok.Span.Start, ErrStructure, "external entity &%s; is only allowed in <vuxml>", ext.name)
		}
		return p.external(ext, tok.Span.Start, c.anchor)
	case DoctypeToken:
		return p.fail(tok.Span.Start, ErrSyntax, "<!DOCTYPE not allowed here")
	}
	return nil
}

func (p *fastParser) external(d *entityDecl, refAt int, anchor Pos) error {
	data, file, msg, sentinel := p.s.loadExternal(d)
	if msg != "" {
		return p.fail(refAt, sentinel, "%s", msg)
	}
	p.s.active = append(p.s.active, d.name)
	defer func() { p.s.active = p.s.active[:len(p.s.active)-1] }()
	sub := newFastParser(p.s, p.a, immutable(data, true), file, true, p.tz.base+p.tz.Depth(), nil)
	return sub.content(eUnknown, nil, anchor)
}

// content reads the children of <vuxml> (st set), of a year fragment or
// of an external entity (st nil).
func (p *fastParser) content(parent elemID, st *Token, anchor Pos) error {
	c := ctx{id: parent, anchor: anchor}
	if st != nil {
		c.name, c.pos = p.sub(st.Name), p.kpos(st.Span.Start)
		c.anchor = c.pos
		if st.SelfClosing {
			return nil
		}
	}
	var r fastRun
	for {
		if err := p.advanceSpace(); err != nil {
			return err
		}
		tok := &p.tz.tok
		switch tok.Kind {
		case 0:
			p.flush(&c, &r)
			if st != nil {
				return p.fail(tok.Span.Start, ErrSyntax, "unexpected end of input: <%s> not closed", c.name)
			}
			return nil
		case EndTagToken:
			p.flush(&c, &r)
			return nil
		case StartTagToken:
			p.flush(&c, &r)
			qname := p.sub(tok.Name)
			id, _ := lookupElem(qname)
			switch {
			case id == eVuln:
				if err := p.vuln(*tok); err != nil {
					return err
				}
			case id != eUnknown:
				return p.fail(tok.Span.Start, ErrStructure, "%s", notAllowed(qname, parentName(parent)))
			default:
				if err := p.unknown(tok, &c); err != nil {
					return err
				}
			}
		default:
			if err := p.structural(tok, &c, &r, true); err != nil {
				return err
			}
		}
	}
}

func (p *fastParser) unknown(tok *Token, c *ctx) error {
	if p.brief {
		return p.skip(tok, Pos{}, c.vid, nil)
	}
	where := "<" + c.name + ">"
	if c.name == "" {
		where = "the document"
	}
	pos := p.kpos(tok.Span.Start)
	p.s.issue(pos, c.vid, IssueUnknownElement, "unknown element <%s> in %s", p.sub(tok.Name), where)
	return p.skip(tok, pos, c.vid, nil)
}

// skip reads past an element whose content is not VuXML, appending its
// text to collect when set.
func (p *fastParser) skip(st *Token, stPos Pos, vid string, collect *[]byte) error {
	refs, err := p.checkAttrs(st)
	if err != nil {
		return err
	}
	p.issueRefs(stPos, vid, refs)
	if st.SelfClosing {
		return nil
	}
	stName := p.sub(st.Name)
	depth := 0
	for {
		if err := p.advance(); err != nil {
			return err
		}
		tok := &p.tz.tok
		switch tok.Kind {
		case 0:
			return p.fail(tok.Span.Start, ErrSyntax, "unexpected end of input: <%s> not closed", stName)
		case StartTagToken:
			qname := p.sub(tok.Name)
			if id, _ := lookupElem(qname); id != eUnknown {
				return p.fail(tok.Span.Start, ErrStructure, "<%s> inside unknown element <%s>", qname, stName)
			}
			refs, err := p.checkAttrs(tok)
			if err != nil {
				return err
			}
			p.issueRefs(stPos, vid, refs)
			if !tok.SelfClosing {
				depth++
			}
		case EndTagToken:
			if depth == 0 {
				return nil
			}
			depth--
		case TextToken, CDATAToken:
			if collect != nil {
				*collect = normText(*collect, p.sub(tok.Data), false)
			}
		case CharRefToken:
			if collect != nil {
				*collect = utf8.AppendRune(*collect, tok.Rune)
			}
		case EntityRefToken:
			var b []byte
			if collect != nil {
				b = *collect
			}
			b, kind, ext, err := p.ref(tok, b)
			if err != nil {
				return err
			}
			if ext != nil {
				return p.fail(tok.Span.Start, ErrStructure, "external entity &%s; is only allowed in <vuxml>", ext.name)
			}
			if collect != nil {
				*collect = b
			}
			if kind != refPredefined {
				p.s.entityIssue(stPos, vid, p.sub(tok.Name), kind)
			}
		case DoctypeToken:
			return p.fail(tok.Span.Start, ErrSyntax, "<!DOCTYPE not allowed here")
		}
	}
}

// vocabStart decodes a VuXML element's attributes and records its Issues.
func (p *fastParser) vocabStart(id elemID, tok *Token, pos Pos, vid string) (string, bool, []Attr, error) {
	if len(tok.Attrs) == 0 {
		if p.brief || p.sub(tok.Name) == elemNames[id] && id != eVuxml {
			return "", false, nil, nil // nothing to record
		}
		v, has, ra := p.s.startVocab(id, p.sub(tok.Name), pos, vid, nil)
		return v, has, ra, nil
	}
	attrs, refs, err := p.decodeAttrs(tok)
	if err != nil {
		return "", false, nil, err
	}
	if id == eVuln {
		vid = vidOf(attrs)
	}
	v, has, ra := p.s.startVocab(id, p.sub(tok.Name), pos, vid, attrs)
	p.issueRefs(pos, vid, refs)
	return v, has, ra, nil
}

// iter walks the children of a structural VuXML element.
type iter struct {
	id          elemID
	level       int
	unknownKids bool
	c           ctx
	r           fastRun
	kids        []kid
	done        bool
	end         Span // the end tag (the start tag if self-closing)
	// the current child: its start tag is p.tz.tok
	cid  elemID
	cpos Pos
}

func (p *fastParser) open(it *iter, id elemID, st *Token, pos Pos, vid string, level int, unknownKids bool) {
	it.id, it.level, it.unknownKids = id, level, unknownKids
	it.c = ctx{id: id, name: p.sub(st.Name), pos: pos, anchor: pos, vid: vid}
	it.kids = p.a.kids[level][:0]
	if st.SelfClosing {
		it.done, it.end = true, st.Span
	}
}

// child advances to the next child to handle (its start tag in p.tz.tok,
// it.cid, it.cpos), handling everything else itself; false at the end.
func (p *fastParser) child(it *iter) (bool, error) {
	if it.done {
		return false, nil
	}
	for {
		if err := p.advanceSpace(); err != nil {
			return false, err
		}
		tok := &p.tz.tok
		switch tok.Kind {
		case 0:
			return false, p.fail(tok.Span.Start, ErrSyntax, "unexpected end of input: <%s> not closed", it.c.name)
		case EndTagToken:
			p.flush(&it.c, &it.r)
			it.done, it.end = true, tok.Span
			p.a.kids[it.level] = it.kids
			return false, nil
		case StartTagToken:
			p.flush(&it.c, &it.r)
			qname := p.sub(tok.Name)
			cid, _ := lookupElem(qname)
			pos := p.kpos(tok.Span.Start)
			switch {
			case cid != eUnknown && !allowedIn(it.id, cid):
				return false, p.fail(tok.Span.Start, ErrStructure, "%s", notAllowed(qname, elemNames[it.id]))
			case cid == eUnknown && !it.unknownKids:
				if !p.brief {
					it.kids = append(it.kids, kid{eUnknown, pos})
				}
				if err := p.unknown(tok, &it.c); err != nil {
					return false, err
				}
			default:
				if !p.brief {
					it.kids = append(it.kids, kid{cid, pos})
				}
				it.cid, it.cpos = cid, pos
				return true, nil
			}
		default:
			if err := p.structural(tok, &it.c, &it.r, false); err != nil {
				return false, err
			}
		}
	}
}

func (p *fastParser) root(tok Token) error {
	pos := p.pos(tok.Span.Start)
	if _, _, _, err := p.vocabStart(eVuxml, &tok, pos, ""); err != nil {
		return err
	}
	return p.content(eVuxml, &tok, pos)
}

func (p *fastParser) vuln(st Token) error {
	a := p.a
	pos := p.pos(st.Span.Start)
	vid, hasVID, _, err := p.vocabStart(eVuln, &st, pos, "")
	if err != nil {
		return err
	}
	e := a.entry()
	e.VID, e.Pos, e.Start = vid, pos, st.Span.Start
	a.tmpAff, a.tmpRefs = a.tmpAff[:0], a.tmpRefs[:0]
	var it iter
	p.open(&it, eVuln, &st, pos, vid, 1, false)
	for {
		ok, err := p.child(&it)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		ch := p.tz.tok
		cpos := it.cpos
		switch it.cid {
		case eTopic:
			v, err := p.textElem(eTopic, &ch, cpos, vid)
			if err != nil {
				return err
			}
			e.Topic, e.TopicPos = v, cpos
		case eAffects:
			if !e.AffectsPos.IsValid() {
				e.AffectsPos = cpos
			}
			err = p.affects(&ch, cpos, vid)
		case eDescription:
			if p.brief {
				err = p.briefDescription(&ch, cpos, e.VID)
			} else {
				err = p.description(&ch, cpos, e)
			}
		case eReferences:
			if !e.ReferencesPos.IsValid() {
				e.ReferencesPos = cpos
			}
			err = p.references(&ch, cpos, vid)
		case eDates:
			if p.brief {
				err = p.briefDates(&ch, cpos, e.VID)
			} else {
				err = p.dates(&ch, cpos, e)
			}
		case eCancelled:
			err = p.cancelled(&ch, cpos, e)
		}
		if err != nil {
			return err
		}
	}
	e.End = it.end.End
	e.Affects = a.affects.copy(a.tmpAff, 512, a.size)
	e.References = a.refs.copy(a.tmpRefs, 1024, a.size)
	if !p.brief {
		p.s.checkEntry(e, hasVID, it.kids)
	}
	p.a.kids[1] = it.kids
	p.s.doc.Entries = append(p.s.doc.Entries, e)
	return nil
}

func (p *fastParser) textElem(id elemID, st *Token, pos Pos, vid string) (string, error) {
	if _, _, _, err := p.vocabStart(id, st, pos, vid); err != nil {
		return "", err
	}
	return p.textContent(st, pos, vid)
}

// textContent reads the text of a text-only element.
func (p *fastParser) textContent(st *Token, pos Pos, vid string) (string, error) {
	if st.SelfClosing {
		return "", nil
	}
	stName := st.Name
	if err := p.advance(); err != nil {
		return "", err
	}
	tok := &p.tz.tok
	// the common case: plain text, then the end tag
	if tok.Kind == EndTagToken {
		return "", nil
	}
	var first Span
	if tok.Kind == TextToken {
		first = tok.Data
		if err := p.advance(); err != nil {
			return "", err
		}
		if tok.Kind == EndTagToken && !p.hasByte(first, '\r') {
			return p.sub(first), nil
		}
	}
	b := normText(nil, p.sub(first), false)
	for {
		switch tok.Kind {
		case 0:
			return "", p.fail(tok.Span.Start, ErrSyntax, "unexpected end of input: <%s> not closed", p.sub(stName))
		case EndTagToken:
			return string(b), nil
		case StartTagToken:
			qname := p.sub(tok.Name)
			if id, _ := lookupElem(qname); id != eUnknown {
				return "", p.fail(tok.Span.Start, ErrStructure, "%s", notAllowed(qname, p.sub(stName)))
			}
			cpos := p.kpos(tok.Span.Start)
			p.s.issue(cpos, vid, IssueUnknownElement, "element <%s> inside <%s>, which holds text only", qname, p.sub(stName))
			if err := p.skip(tok, cpos, vid, &b); err != nil {
				return "", err
			}
		case TextToken, CDATAToken:
			b = normText(b, p.sub(tok.Data), false)
		case CharRefToken:
			b = utf8.AppendRune(b, tok.Rune)
		case EntityRefToken:
			var kind refKind
			var ext *entityDecl
			var err error
			b, kind, ext, err = p.ref(tok, b)
			if err != nil {
				return "", err
			}
			if ext != nil {
				return "", p.fail(tok.Span.Start, ErrStructure, "external entity &%s; is only allowed in <vuxml>", ext.name)
			}
			if kind != refPredefined {
				p.s.entityIssue(pos, vid, p.sub(tok.Name), kind)
			}
		case DoctypeToken:
			return "", p.fail(tok.Span.Start, ErrSyntax, "<!DOCTYPE not allowed here")
		}
		if err := p.advance(); err != nil {
			return "", err
		}
	}
}

func (p *fastParser) affects(st *Token, pos Pos, vid string) error {
	if _, _, _, err := p.vocabStart(eAffects, st, pos, vid); err != nil {
		return err
	}
	var it iter
	p.open(&it, eAffects, st, pos, vid, 2, false)
	for {
		ok, err := p.child(&it)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		ch := p.tz.tok
		if err := p.pkg(&ch, it.cpos, it.cid, vid); err != nil {
			return err
		}
	}
	if !p.brief {
		p.s.checkAffects(pos, vid, it.kids)
	}
	p.a.kids[2] = it.kids
	return nil
}

func (p *fastParser) pkg(st *Token, pos Pos, id elemID, vid string) error {
	al := p.a
	if _, _, _, err := p.vocabStart(id, st, pos, vid); err != nil {
		return err
	}
	af := Affected{Kind: Package, Pos: pos}
	if id == eSystem {
		af.Kind = System
	}
	al.tmpNames, al.tmpRanges = al.tmpNames[:0], al.tmpRanges[:0]
	var it iter
	p.open(&it, id, st, pos, vid, 3, false)
	for {
		ok, err := p.child(&it)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		ch := p.tz.tok
		cpos := it.cpos
		if it.cid == eName {
			v, err := p.textElem(eName, &ch, cpos, vid)
			if err != nil {
				return err
			}
			al.tmpNames = append(al.tmpNames, Name{Value: v, Pos: cpos})
			continue
		}
		if err := p.rng(&ch, cpos, vid); err != nil {
			return err
		}
	}
	af.Names = al.names.copy(al.tmpNames, 2048, al.size)
	af.Ranges = al.ranges.copy(al.tmpRanges, 2048, al.size)
	if !p.brief {
		p.s.checkPackage(&af, vid, it.kids)
	}
	p.a.kids[3] = it.kids
	al.tmpAff = append(al.tmpAff, af)
	return nil
}

func (p *fastParser) rng(st *Token, pos Pos, vid string) error {
	al := p.a
	if _, _, _, err := p.vocabStart(eRange, st, pos, vid); err != nil {
		return err
	}
	al.tmpBounds = al.tmpBounds[:0]
	var it iter
	p.open(&it, eRange, st, pos, vid, 4, false)
	for {
		ok, err := p.child(&it)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		ch := p.tz.tok
		v, err := p.textElem(it.cid, &ch, it.cpos, vid)
		if err != nil {
			return err
		}
		al.tmpBounds = append(al.tmpBounds, Bound{Op: opOf(it.cid), Version: v, Pos: it.cpos})
	}
	p.a.kids[4] = it.kids
	al.tmpRanges = append(al.tmpRanges, Range{Pos: pos, Bounds: al.bounds.copy(al.tmpBounds, 4096, al.size)})
	return nil
}

func (p *fastParser) references(st *Token, pos Pos, vid string) error {
	al := p.a
	if _, _, _, err := p.vocabStart(eReferences, st, pos, vid); err != nil {
		return err
	}
	var it iter
	p.open(&it, eReferences, st, pos, vid, 2, true)
	for {
		ok, err := p.child(&it)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		ch := p.tz.tok
		cpos := it.cpos
		r := Reference{Kind: elemNames[it.cid], Pos: cpos}
		if it.cid == eUnknown && p.brief {
			// decodeAttrs fails where checkAttrs does
			if _, err := p.checkAttrs(&ch); err != nil {
				return err
			}
		} else if it.cid == eUnknown {
			r.Kind = p.sub(ch.Name)
			attrs, refs, err := p.decodeAttrs(&ch)
			if err != nil {
				return err
			}
			p.s.issue(cpos, vid, IssueUnknownElement, "unknown element <%s> in <references>", r.Kind)
			p.issueRefs(cpos, vid, refs)
			for _, a := range attrs {
				if !isXMLNS(a.name) {
					r.Attrs = append(r.Attrs, Attr{Name: a.name, Value: a.value})
				}
			}
		} else {
			_, _, ra, err := p.vocabStart(it.cid, &ch, cpos, vid)
			if err != nil {
				return err
			}
			r.Attrs = ra
		}
		v, err := p.textContent(&ch, cpos, vid)
		if err != nil {
			return err
		}
		if p.brief {
			if it.cid != eCvename {
				continue
			}
			r.Attrs = nil
		}
		r.Value = v
		al.tmpRefs = append(al.tmpRefs, r)
	}
	p.a.kids[2] = it.kids
	return nil
}

func (p *fastParser) dates(st *Token, pos Pos, e *Entry) error {
	if _, _, _, err := p.vocabStart(eDates, st, pos, e.VID); err != nil {
		return err
	}
	d := Dates{Pos: pos}
	var it iter
	p.open(&it, eDates, st, pos, e.VID, 2, false)
	for {
		ok, err := p.child(&it)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
		ch := p.tz.tok
		v, err := p.textElem(it.cid, &ch, it.cpos, e.VID)
		if err != nil {
			return err
		}
		switch it.cid {
		case eDiscovery:
			d.Discovery, d.DiscoveryPos = v, it.cpos
		case eEntry:
			d.Entry, d.EntryPos = v, it.cpos
		case eModified:
			d.Modified, d.ModifiedPos = v, it.cpos
		}
	}
	p.s.checkDates(pos, e.VID, it.kids)
	p.a.kids[2] = it.kids
	e.Dates = d
	return nil
}

// briefDates reads a <dates> as dates does, keeping nothing.
func (p *fastParser) briefDates(st *Token, pos Pos, vid string) error {
	if _, _, _, err := p.vocabStart(eDates, st, pos, vid); err != nil {
		return err
	}
	var it iter
	p.open(&it, eDates, st, pos, vid, 2, false)
	for {
		ok, err := p.child(&it)
		if err != nil || !ok {
			return err
		}
		ch := p.tz.tok
		if _, err := p.textElem(it.cid, &ch, it.cpos, vid); err != nil {
			return err
		}
	}
}

func (p *fastParser) cancelled(st *Token, pos Pos, e *Entry) error {
	sup, _, _, err := p.vocabStart(eCancelled, st, pos, e.VID)
	if err != nil {
		return err
	}
	var it iter
	p.open(&it, eCancelled, st, pos, e.VID, 2, false)
	for {
		ok, err := p.child(&it)
		if err != nil {
			return err
		}
		if !ok {
			break
		}
	}
	p.a.kids[2] = it.kids
	e.Cancelled = &Cancelled{Pos: pos, Superseded: sup}
	return nil
}

// briefDescription reads a <description> as description does, keeping
// nothing: the same tokens are read, and what can fail there (attribute
// values and entity references, the end of the input, a DOCTYPE) is
// checked the same way; body's attributes are decoded by description only
// for an Issue, and decoding fails exactly where checkAttrs does.
func (p *fastParser) briefDescription(st *Token, pos Pos, vid string) error {
	if _, _, _, err := p.vocabStart(eDescription, st, pos, vid); err != nil {
		return err
	}
	if st.SelfClosing {
		return nil
	}
	depth := 0
	for {
		if err := p.advanceSpace(); err != nil {
			return err
		}
		tok := &p.tz.tok
		switch tok.Kind {
		case StartTagToken:
			if len(tok.Attrs) > 0 {
				if _, err := p.checkAttrs(tok); err != nil {
					return err
				}
			}
			if !tok.SelfClosing {
				depth++
			}
		case EndTagToken:
			if depth == 0 {
				return nil
			}
			depth--
		case EntityRefToken:
			b, _, ext, err := p.ref(tok, p.a.buf[:0])
			p.a.buf = b
			if err != nil {
				return err
			}
			if ext != nil {
				return p.fail(tok.Span.Start, ErrStructure, "external entity &%s; is only allowed in <vuxml>", ext.name)
			}
		case 0:
			return p.fail(tok.Span.Start, ErrSyntax, "unexpected end of input: <%s> not closed", p.sub(st.Name))
		case DoctypeToken:
			return p.fail(tok.Span.Start, ErrSyntax, "<!DOCTYPE not allowed here")
		}
	}
}

func (p *fastParser) description(st *Token, pos Pos, e *Entry) error {
	if _, _, _, err := p.vocabStart(eDescription, st, pos, e.VID); err != nil {
		return err
	}
	if st.SelfClosing {
		e.Description = Description{Pos: pos, ents: p.s.descEnts}
		p.s.issue(pos, e.VID, IssueMissing, "<description> without <body>")
		return nil
	}
	contentStart := st.Span.End
	c := ctx{id: eDescription, name: p.sub(st.Name), pos: pos, anchor: pos, vid: e.VID}
	var r fastRun
	bodies, depth := 0, 0
	for {
		if err := p.advance(); err != nil {
			return err
		}
		tok := &p.tz.tok
		switch tok.Kind {
		case TextToken:
			if depth == 0 {
				raw := p.sub(tok.Data)
				if !r.on {
					r.on, r.start, r.ws = true, tok.Span.Start, true
				}
				if r.ws && !allSpace(raw) {
					r.ws = false
				}
			}
			continue
		case StartTagToken:
			if depth == 0 {
				p.flush(&c, &r)
			}
			qname := p.sub(tok.Name)
			var refs []entRef
			var err error
			if depth == 0 {
				cpos := p.pos(tok.Span.Start)
				if localName(qname) == "body" {
					attrs, rs, err := p.decodeAttrs(tok)
					if err != nil {
						return err
					}
					refs = rs
					p.s.checkBody(qname, cpos, e.VID, attrs)
					bodies++
					if bodies == 2 {
						p.s.issue(cpos, e.VID, IssueBody, "more than one <body> in <description>")
					}
				} else {
					p.s.issue(cpos, e.VID, IssueUnknownElement, "<%s> in <description>, where <body> belongs", qname)
					if refs, err = p.checkAttrs(tok); err != nil {
						return err
					}
				}
			} else if len(tok.Attrs) > 0 {
				if refs, err = p.checkAttrs(tok); err != nil {
					return err
				}
			}
			p.issueRefs(pos, e.VID, refs)
			if !tok.SelfClosing {
				depth++
			}
		case EndTagToken:
			if depth == 0 {
				p.flush(&c, &r)
				e.Description = Description{Pos: pos, XHTML: p.str[contentStart:tok.Span.Start], ents: p.s.descEnts}
				if bodies == 0 {
					p.s.issue(pos, e.VID, IssueMissing, "<description> without <body>")
				}
				return nil
			}
			depth--
		case CDATAToken:
			if depth == 0 {
				p.flush(&c, &r)
				r.on, r.start, r.ws = true, tok.Span.Start, allSpace(p.sub(tok.Data))
				p.flush(&c, &r)
			}
		case CharRefToken:
			if depth == 0 {
				p.runText(tok, &c, &r)
			}
		case EntityRefToken:
			b, kind, ext, err := p.ref(tok, p.a.buf[:0])
			p.a.buf = b
			if err != nil {
				return err
			}
			if ext != nil {
				return p.fail(tok.Span.Start, ErrStructure, "external entity &%s; is only allowed in <vuxml>", ext.name)
			}
			if kind != refPredefined {
				p.s.entityIssue(pos, e.VID, p.sub(tok.Name), kind)
			}
			if depth == 0 {
				if !r.on {
					r.on, r.start, r.ws = true, tok.Span.Start, true
				}
				if !allSpace(string(b)) {
					r.ws = false
				}
			}
		case 0:
			return p.fail(tok.Span.Start, ErrSyntax, "unexpected end of input: <%s> not closed", c.name)
		case DoctypeToken:
			return p.fail(tok.Span.Start, ErrSyntax, "<!DOCTYPE not allowed here")
		default: // comments, processing instructions
			if depth == 0 {
				p.flush(&c, &r)
			}
		}
	}
}
