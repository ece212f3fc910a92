package vuxml

import (
	"bytes"
	"fmt"
	"io"
)

// TokenKind is the kind of a Token.
type TokenKind uint8

// Kinds of token.
const (
	// StartTagToken is <name attr="value" ...> or, with SelfClosing,
	// <name .../> (for which no EndTagToken follows).
	StartTagToken TokenKind = iota + 1
	// EndTagToken is </name>.
	EndTagToken
	// TextToken is character data up to the next markup or reference;
	// line ends are not normalised (see Tokenizer.Text).
	TextToken
	// CDATAToken is <![CDATA[...]]>.
	CDATAToken
	// CommentToken is <!--...-->.
	CommentToken
	// ProcInstToken is <?target ...?>, the XML declaration included.
	ProcInstToken
	// DoctypeToken is <!DOCTYPE ...>, internal subset included.
	DoctypeToken
	// EntityRefToken is &name;.
	EntityRefToken
	// CharRefToken is &#N; or &#xN;.
	CharRefToken
)

var tokenKindNames = [...]string{"", "StartTag", "EndTag", "Text", "CDATA", "Comment", "ProcInst", "Doctype", "EntityRef", "CharRef"}

func (k TokenKind) String() string {
	if int(k) < len(tokenKindNames) {
		return tokenKindNames[k]
	}
	return fmt.Sprintf("TokenKind(%d)", k)
}

// Span is the half-open byte range [Start, End) of the input.
type Span struct{ Start, End int }

// Len is the length of the span.
func (s Span) Len() int { return s.End - s.Start }

// TokenAttr is an attribute of a start tag.
type TokenAttr struct {
	Name Span
	// Value is the raw value between the quotes: references are not
	// decoded and white space is not normalised.
	Value Span
	Quote byte // '"' or '\''
}

// Token is one lexical token. All offsets are into the input given to
// NewTokenizer.
type Token struct {
	Kind TokenKind
	// Span is the whole token, e.g. from '<' to '>' inclusive, or the
	// whole text, or "&amp;".
	Span Span
	// Name is the element name (StartTag, EndTag), the target
	// (ProcInst), the document type name (Doctype), or the entity name
	// (EntityRef).
	Name Span
	// Data is the text (Text), the content between the markers (CDATA,
	// Comment), the content after the target and its white space
	// (ProcInst), or the internal subset between '[' and ']' (Doctype;
	// empty when there is none).
	Data Span
	// Attrs are the attributes of a StartTag in order. The slice is
	// reused: it is valid until the next call of Next.
	Attrs []TokenAttr
	// SelfClosing marks a StartTag written <name/>.
	SelfClosing bool
	// Rune is the character of a CharRef.
	Rune rune
	// Depth is the number of open elements around the token; for a
	// StartTag and an EndTag, the depth of that element itself (1 for a
	// root element).
	Depth int
}

// TokenizerOptions configures a Tokenizer.
type TokenizerOptions struct {
	// FileName is used in error positions.
	FileName string
	// MaxDepth limits element nesting (0: DefaultMaxDepth).
	MaxDepth int
	// Entity reads the input as an external parsed entity (a year file
	// pulled into vuln.xml): the XML declaration is a text declaration
	// (encoding required, version optional) and <!DOCTYPE is refused.
	Entity bool
}

// Tokenizer splits XML input into tokens, with byte offsets, without
// building anything. It checks what is lexical about well-formedness:
// UTF-8 and XML characters, names, attribute syntax (quotes, separating
// white space, no '<', no duplicates), references, comments, CDATA, "]]>"
// in text, the XML declaration (version 1.0, UTF-8, only at the start),
// the DOCTYPE (its syntax and internal subset; only once, before the
// first element); and that start and end tags match, within MaxDepth. It
// does not check what only a whole document can tell: that there is one
// root, that no text stands outside it, or that entities are declared
// (use Parse). A byte-order mark at the start is skipped.
//
// The input is never modified. Errors are *Error values (ErrSyntax,
// ErrTooDeep, or ErrUnsupported for a DOCTYPE this package does not
// handle); once Next has failed it keeps returning the same error.
type Tokenizer struct {
	src  []byte
	opts TokenizerOptions
	i    int
	lt   int // offset of the next '<' at or after i, or -1 when unknown
	// amp and rsb are the offsets of the first '&' and the first "]]>" at
	// or after some earlier offset (len(src) if none; -1 before the first
	// text): valid for a text at i while they are >= i.
	amp, rsb int
	stack    []Span
	attrs    []TokenAttr
	err      error
	checked  bool
	sawElem  bool
	sawDT    bool
	dt       *doctype
	lc       lineCounter
	base     int   // depth of the including context (external entities)
	tok      Token // the current token (advance fills it)
}

// NewTokenizer returns a tokenizer over src.
func NewTokenizer(src []byte, opts TokenizerOptions) *Tokenizer {
	t := &Tokenizer{}
	t.init(src, opts)
	return t
}

// init makes t a new tokenizer over src, keeping the memory of its stack
// and attribute lists.
func (t *Tokenizer) init(src []byte, opts TokenizerOptions) {
	if opts.MaxDepth <= 0 {
		opts.MaxDepth = DefaultMaxDepth
	}
	*t = Tokenizer{src: src, opts: opts, lt: -1, amp: -1, rsb: -1, lc: newLineCounter(src), stack: t.stack[:0], attrs: t.attrs[:0]}
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		t.i = 3
	}
}

// Pos returns the 1-based line and byte column of an offset. It is
// fastest for offsets asked in increasing order.
func (t *Tokenizer) Pos(off int) (line, col int) { return t.lc.pos(off) }

// Position returns the position of an offset with the file name.
func (t *Tokenizer) Position(off int) Pos {
	l, c := t.lc.pos(off)
	return Pos{File: t.opts.FileName, Line: l, Col: c}
}

// Bytes returns the input bytes of a span (not a copy: do not modify).
func (t *Tokenizer) Bytes(s Span) []byte { return t.src[s.Start:s.End] }

// Depth returns the number of open elements.
func (t *Tokenizer) Depth() int { return len(t.stack) }

// Offset returns the offset where the next token starts.
func (t *Tokenizer) Offset() int { return t.i }

func (t *Tokenizer) fail(off int, sentinel error, format string, args ...any) error {
	t.err = errorAt(t.Position(off), fmt.Sprintf(format, args...), sentinel)
	return t.err
}

// Next returns the next token, or io.EOF after the last one (an error if
// an element is still open).
func (t *Tokenizer) Next() (Token, error) {
	if err := t.advance(); err != nil {
		return Token{}, err
	}
	return t.tok, nil
}

// advance reads the next token into t.tok.
func (t *Tokenizer) advance() error {
	if t.err != nil {
		return t.err
	}
	if !t.checked {
		t.checked = true
		if off := checkChars(t.src[t.i:]); off >= 0 {
			return t.fail(t.i+off, ErrSyntax, "invalid character (not UTF-8 or not an XML character)")
		}
	}
	src := t.src
	i := t.i
	if i >= len(src) {
		if n := len(t.stack); n > 0 {
			top := t.stack[n-1]
			return t.fail(i, ErrSyntax, "unexpected end of input: <%s> not closed", src[top.Start:top.End])
		}
		t.err = io.EOF
		return io.EOF
	}
	switch src[i] {
	case '<':
		t.lt = -1
		if i+1 >= len(src) {
			return t.fail(i, ErrSyntax, "unexpected end of input after <")
		}
		switch src[i+1] {
		case '/':
			return t.endTag(i)
		case '?':
			return t.procInst(i)
		case '!':
			switch {
			case bytes.HasPrefix(src[i:], []byte("<!--")):
				return t.comment(i)
			case bytes.HasPrefix(src[i:], []byte("<![CDATA[")):
				return t.cdata(i)
			case bytes.HasPrefix(src[i:], []byte("<!DOCTYPE")):
				return t.doctype(i)
			}
			return t.fail(i, ErrSyntax, "invalid markup after <!")
		}
		return t.startTag(i)
	case '&':
		return t.ref(i)
	}
	return t.text(i)
}

// advanceSpace is advance for a reader to whom white space between
// markup means nothing (Brief parses of element-only content): text of
// white space only, up to a '<', gives no token; the next token is read
// instead. All else is as advance.
func (t *Tokenizer) advanceSpace() error {
	if t.err == nil && t.checked {
		src := t.src
		i := t.i
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i < len(src) && src[i] == '<' {
			t.i = i
		}
	}
	return t.advance()
}

// set makes t.tok a token of kind with these spans and depth (no
// attributes, not self-closing, no rune), field by field: a literal
// assigned whole is built on the stack and then copied, through the
// collector's write barrier while it runs, which costs measurably over
// the millions of tokens of a big document.
func (t *Tokenizer) set(kind TokenKind, span, name, data Span, depth int) {
	tk := &t.tok
	tk.Kind, tk.Span, tk.Name, tk.Data, tk.Depth = kind, span, name, data, depth
	tk.Attrs, tk.SelfClosing, tk.Rune = nil, false, 0
}

func (t *Tokenizer) text(i int) error {
	src := t.src
	lt := t.lt
	if lt < i {
		if k := bytes.IndexByte(src[i:], '<'); k >= 0 {
			lt = i + k
		} else {
			lt = len(src)
		}
		t.lt = lt
	}
	// The next '&' and the next "]]>" are looked for once and kept until
	// the text reaches them (most texts have neither).
	if t.amp < i {
		if k := bytes.IndexByte(src[i:], '&'); k >= 0 {
			t.amp = i + k
		} else {
			t.amp = len(src)
		}
	}
	end := min(lt, t.amp)
	if t.rsb < i {
		if k := bytes.Index(src[i:], []byte("]]>")); k >= 0 {
			t.rsb = i + k
		} else {
			t.rsb = len(src)
		}
	}
	// "]]" + "&gt;" is fine, but "]]" before '>' split by nothing is not:
	// a text token ends only at '<' or '&', so a "]]>" starting in it lies
	// in it whole.
	if t.rsb < end {
		return t.fail(t.rsb, ErrSyntax, "]]> not allowed in text")
	}
	t.i = end
	t.set(TextToken, Span{i, end}, Span{}, Span{i, end}, len(t.stack))
	return nil
}

func (t *Tokenizer) ref(i int) error {
	r, n, name, msg := scanRef(t.src[i:])
	if msg != "" {
		return t.fail(i, ErrSyntax, "%s", msg)
	}
	t.i = i + n
	if name == "" {
		t.set(CharRefToken, Span{i, i + n}, Span{}, Span{}, len(t.stack))
		t.tok.Rune = r
	} else {
		t.set(EntityRefToken, Span{i, i + n}, Span{i + 1, i + n - 1}, Span{}, len(t.stack))
	}
	return nil
}

// name scans a name at src[i:] and returns its end.
func (t *Tokenizer) name(i int) int {
	src := t.src
	j := i
	for j < len(src) && nameByte[src[j]] != 0 {
		j++
	}
	return j
}

// qnameByte classifies bytes for scanQName: 0 ends a name, 1 is an ASCII
// name byte other than ':', 2 a byte that needs checkQName (':' and the
// bytes of multi-byte characters).
var qnameByte = func() (t [256]uint8) {
	for b := range t {
		switch {
		case nameByte[b] == 0:
		case b == ':' || b >= 0x80:
			t[b] = 2
		default:
			t[b] = 1
		}
	}
	return
}()

// scanQName scans the name at src[s:] and checks that it is a QName
// (checkQName), in one pass for the usual ASCII name without a prefix.
func (t *Tokenizer) scanQName(s int, what string) (int, error) {
	src := t.src
	j := s
	var acc uint8
	for j < len(src) {
		f := qnameByte[src[j]]
		if f == 0 {
			break
		}
		acc |= f
		j++
	}
	if acc == 1 && nameByte[src[s]] == 1 {
		return j, nil
	}
	return j, t.checkQName(s, j, what)
}

func (t *Tokenizer) checkQName(s, e int, what string) error {
	if s == e {
		return t.fail(s, ErrSyntax, "expected %s name", what)
	}
	b := t.src[s:e]
	ok := nameByte[b[0]] == 1
	if ok {
		colons := 0
		for _, c := range b {
			if c >= 0x80 {
				ok = false // let isQName decide
				break
			}
			if c == ':' {
				colons++
			}
		}
		if ok && colons <= 1 {
			return nil
		}
	}
	if !isQName(string(b)) {
		return t.fail(s, ErrSyntax, "invalid %s name %q", what, b)
	}
	return nil
}

func (t *Tokenizer) startTag(i int) error {
	src := t.src
	ne, err := t.scanQName(i+1, "element")
	if err != nil {
		return err
	}
	attrs := t.attrs[:0]
	j := ne
	for {
		sp := j
		for j < len(src) && isSpace(src[j]) {
			j++
		}
		if j >= len(src) {
			return t.fail(i, ErrSyntax, "unexpected end of input in <%s", src[i+1:ne])
		}
		c := src[j]
		if c == '>' || c == '/' {
			break
		}
		if j == sp {
			return t.fail(j, ErrSyntax, "expected white space before attribute in <%s", src[i+1:ne])
		}
		an, err := t.scanQName(j, "attribute")
		if err != nil {
			return err
		}
		k := an
		for k < len(src) && isSpace(src[k]) {
			k++
		}
		if k >= len(src) || src[k] != '=' {
			return t.fail(k, ErrSyntax, "expected = after attribute %s", src[j:an])
		}
		k++
		for k < len(src) && isSpace(src[k]) {
			k++
		}
		if k >= len(src) || src[k] != '"' && src[k] != '\'' {
			return t.fail(k, ErrSyntax, "unquoted value of attribute %s", src[j:an])
		}
		q := src[k]
		vs := k + 1
		ve := bytes.IndexByte(src[vs:], q)
		if ve < 0 {
			return t.fail(k, ErrSyntax, "unterminated value of attribute %s", src[j:an])
		}
		ve += vs
		val := src[vs:ve]
		if l := bytes.IndexByte(val, '<'); l >= 0 {
			return t.fail(vs+l, ErrSyntax, "'<' in the value of attribute %s", src[j:an])
		}
		for a := bytes.IndexByte(val, '&'); a >= 0; {
			_, n, _, msg := scanRef(val[a:])
			if msg != "" {
				return t.fail(vs+a, ErrSyntax, "%s", msg)
			}
			b := bytes.IndexByte(val[a+n:], '&')
			if b < 0 {
				break
			}
			a += n + b
		}
		attrs = append(attrs, TokenAttr{Name: Span{j, an}, Value: Span{vs, ve}, Quote: q})
		j = ve + 1
	}
	t.attrs = attrs
	if err := t.checkDupAttrs(i, attrs); err != nil {
		return err
	}
	self := false
	if src[j] == '/' {
		if j+1 >= len(src) || src[j+1] != '>' {
			return t.fail(j, ErrSyntax, "expected /> in <%s", src[i+1:ne])
		}
		self = true
		j++
	}
	j++ // '>'
	depth := len(t.stack) + 1
	if t.base+depth > t.opts.MaxDepth {
		return t.fail(i, ErrTooDeep, "elements nested more than %d deep", t.opts.MaxDepth)
	}
	if !self {
		t.stack = append(t.stack, Span{i + 1, ne})
	}
	t.sawElem = true
	t.i = j
	t.set(StartTagToken, Span{i, j}, Span{i + 1, ne}, Span{}, depth)
	t.tok.Attrs, t.tok.SelfClosing = attrs, self
	return nil
}

func (t *Tokenizer) checkDupAttrs(i int, attrs []TokenAttr) error {
	src := t.src
	if len(attrs) <= 8 {
		for a := 1; a < len(attrs); a++ {
			na := src[attrs[a].Name.Start:attrs[a].Name.End]
			for b := 0; b < a; b++ {
				if bytes.Equal(na, src[attrs[b].Name.Start:attrs[b].Name.End]) {
					return t.fail(i, ErrSyntax, "duplicate attribute %s", na)
				}
			}
		}
		return nil
	}
	seen := make(map[string]bool, len(attrs))
	for _, a := range attrs {
		n := string(src[a.Name.Start:a.Name.End])
		if seen[n] {
			return t.fail(i, ErrSyntax, "duplicate attribute %s", n)
		}
		seen[n] = true
	}
	return nil
}

func (t *Tokenizer) endTag(i int) error {
	src := t.src
	n := len(t.stack)
	// Nearly always the name is the open element's, which was checked at
	// its start tag: compared in place, it needs no scan nor check.
	var top Span
	ne, same := 0, false
	if n > 0 {
		top = t.stack[n-1]
		if e := i + 2 + top.Len(); e < len(src) && nameByte[src[e]] == 0 && string(src[i+2:e]) == string(src[top.Start:top.End]) {
			ne, same = e, true
		}
	}
	if !same {
		ne = t.name(i + 2)
		if err := t.checkQName(i+2, ne, "element"); err != nil {
			return err
		}
	}
	j := ne
	for j < len(src) && isSpace(src[j]) {
		j++
	}
	if j >= len(src) || src[j] != '>' {
		return t.fail(j, ErrSyntax, "expected > in </%s", src[i+2:ne])
	}
	if !same {
		name := src[i+2 : ne]
		if n == 0 {
			return t.fail(i, ErrSyntax, "unexpected end tag </%s>", name)
		}
		return t.fail(i, ErrSyntax, "end tag </%s> does not match <%s>", name, src[top.Start:top.End])
	}
	t.stack = t.stack[:n-1]
	t.i = j + 1
	t.set(EndTagToken, Span{i, j + 1}, Span{i + 2, ne}, Span{}, n)
	return nil
}

func (t *Tokenizer) comment(i int) error {
	src := t.src
	s := i + 4
	k := bytes.Index(src[s:], []byte("--"))
	if k < 0 {
		return t.fail(i, ErrSyntax, "unterminated comment")
	}
	k += s
	if k+2 >= len(src) || src[k+2] != '>' {
		return t.fail(k, ErrSyntax, `"--" not allowed in comments`)
	}
	t.i = k + 3
	t.set(CommentToken, Span{i, k + 3}, Span{}, Span{s, k}, len(t.stack))
	return nil
}

func (t *Tokenizer) cdata(i int) error {
	s := i + 9
	k := bytes.Index(t.src[s:], []byte("]]>"))
	if k < 0 {
		return t.fail(i, ErrSyntax, "unterminated CDATA section")
	}
	k += s
	t.i = k + 3
	t.set(CDATAToken, Span{i, k + 3}, Span{}, Span{s, k}, len(t.stack))
	return nil
}

func (t *Tokenizer) procInst(i int) error {
	src := t.src
	ne := t.name(i + 2)
	if ne == i+2 || !isName(string(src[i+2:ne])) {
		return t.fail(i+2, ErrSyntax, "expected processing instruction target after <?")
	}
	k := bytes.Index(src[ne:], []byte("?>"))
	if k < 0 {
		return t.fail(i, ErrSyntax, "unterminated processing instruction")
	}
	k += ne
	ds := ne
	if k > ne {
		if !isSpace(src[ne]) {
			return t.fail(ne, ErrSyntax, "expected white space after <?%s", src[i+2:ne])
		}
		for ds < k && isSpace(src[ds]) {
			ds++
		}
	}
	target := src[i+2 : ne]
	if len(target) == 3 && (target[0]|0x20) == 'x' && (target[1]|0x20) == 'm' && (target[2]|0x20) == 'l' {
		start := 0
		if bytes.HasPrefix(t.src, []byte("\xef\xbb\xbf")) {
			start = 3
		}
		if string(target) != "xml" || i != start {
			return t.fail(i, ErrSyntax, "XML declaration not at the start of the input")
		}
		if msg := checkXMLDecl(string(src[ne:k]), t.opts.Entity); msg != "" {
			return t.fail(i, ErrSyntax, "%s", msg)
		}
	}
	t.i = k + 2
	t.set(ProcInstToken, Span{i, k + 2}, Span{i + 2, ne}, Span{ds, k}, len(t.stack))
	return nil
}

func (t *Tokenizer) doctype(i int) error {
	switch {
	case t.opts.Entity:
		return t.fail(i, ErrSyntax, "<!DOCTYPE not allowed in an external entity")
	case t.sawDT:
		return t.fail(i, ErrSyntax, "second <!DOCTYPE")
	case t.sawElem || len(t.stack) > 0:
		return t.fail(i, ErrSyntax, "<!DOCTYPE after the first element")
	}
	dt, end, derr := parseDoctype(t.src, i)
	if derr != nil {
		off := derr.off
		if off == 0 {
			off = i
		}
		return t.fail(off, derr.err, "%s", derr.msg)
	}
	t.sawDT, t.dt = true, dt
	tok := Token{Kind: DoctypeToken, Span: Span{i, end}}
	ns := i + len("<!DOCTYPE")
	for isSpace(t.src[ns]) {
		ns++
	}
	tok.Name = Span{ns, t.name(ns)}
	tok.Data = Span{end, end}
	if dt.hasSubset {
		tok.Data = dt.subset
	}
	t.i = end
	t.tok = tok
	return nil
}

// Text returns the character data of a Text or CDATA token with line ends
// normalised (CR LF and lone CR become LF), as XML requires. The result
// shares the input's memory when nothing changes.
func (t *Tokenizer) Text(tok Token) []byte {
	b := t.src[tok.Data.Start:tok.Data.End]
	if bytes.IndexByte(b, '\r') < 0 {
		return b
	}
	return normalizeNewlines(b)
}

func normalizeNewlines(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] == '\r' {
			out = append(out, '\n')
			if i+1 < len(b) && b[i+1] == '\n' {
				i++
			}
			continue
		}
		out = append(out, b[i])
	}
	return out
}
