// Package tidy formats VuXML the way the ports tree's security/vuxml
// tidy.xsl does, changing only what tidy.xsl changes and keeping every
// other byte: the content of the 20 text-only elements (topic, name, the
// range operators, the references, the dates) is whitespace-normalised as
// XPath normalize-space does; vid attributes have their hex digits A-F
// folded to lower case; the white space between top-level entries takes
// tidy.xsl's layout (each <vuln> on a line of its own, indented by two
// spaces, one blank line between entries); CDATA sections become escaped
// text and redundant namespace re-declarations are dropped (tidy.xsl
// writes them so). Comments, indentation, other elements, entity and
// character references and the XHTML body stay as written.
//
// Content tidy.xsl would lose — a comment or an element inside a
// text-only element, comments between top-level entries — is reported
// (Result.Losses) and left alone.
//
// Whitespace checks the rest of make validate's formatting rules: no
// trailing blanks, and indentation that unexpand(1) would leave as it is.
package tidy

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/pkgaudit/pkgaudit/vuxml"
)

// TextOnly lists the elements whose content tidy.xsl replaces by
// normalize-space() of their text.
var TextOnly = []string{"topic", "name", "le", "lt", "ge", "gt", "eq", "cvename", "url", "bid",
	"certsa", "certvu", "uscertsa", "uscertta", "mlist", "freebsdsa", "freebsdpr",
	"discovery", "entry", "modified"}

var textOnly = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range TextOnly {
		m[n] = true
	}
	return m
}()

const (
	nsVuXML = "http://www.vuxml.org/apps/vuxml-1"
	nsXHTML = "http://www.w3.org/1999/xhtml"
)

// Kinds of change.
const (
	KindText      = "text"      // white space in a text-only element
	KindVID       = "vid"       // upper-case hex digits in a vid
	KindLayout    = "layout"    // white space between top-level entries
	KindCDATA     = "cdata"     // a CDATA section
	KindNamespace = "namespace" // a redundant namespace declaration
)

// Change is one place tidy changes: bytes [Start, End) of the input
// become New.
type Change struct {
	Start, End int
	New        string
	Pos        vuxml.Pos // of Start
	Kind       string
	Msg        string
	VID        string // of the entry it is in ("" outside entries)
}

// Loss is content tidy.xsl would drop, which Tidy keeps.
type Loss struct {
	Pos vuxml.Pos
	Msg string
	VID string
}

// Options controls Tidy.
type Options struct {
	// Sort orders the top-level entries by their last date (modified, else
	// entry) descending, as the tidy.xsl of the monolithic vuln.xml did;
	// entries without dates go last. The current tidy.xsl keeps the order.
	Sort bool
}

// Result is the outcome of Tidy.
type Result struct {
	Output  []byte
	Changes []Change
	Losses  []Loss
	// Sorted tells that Options.Sort moved entries.
	Sorted bool
}

// Tidy formats data, the content of file (used in positions and errors).
// Input that cannot be tokenized is a *SyntaxError.
func Tidy(file string, data []byte, opts Options) (*Result, error) {
	li := newLineIndex(data)
	toks, err := lex(file, data, li)
	if err != nil {
		return nil, err
	}
	return tidyTokens(file, data, li, toks, opts), nil
}

// Check is Tidy (without sorting) and Whitespace at once, over one
// tokenization: what make validate's tidy and space/tab steps find.
func Check(file string, data []byte) (*Result, []SpaceIssue, error) {
	li := newLineIndex(data)
	toks, err := lex(file, data, li)
	if err != nil {
		return nil, nil, err
	}
	return tidyTokens(file, data, li, toks, Options{}), whitespace(file, data, li, toks), nil
}

func tidyTokens(file string, data []byte, li *lineIndex, toks []token, opts Options) *Result {
	t := &tidier{file: file, data: data, toks: toks, li: li}
	t.walk()
	sort.SliceStable(t.changes, func(i, j int) bool { return t.changes[i].Start < t.changes[j].Start })
	res := &Result{Changes: t.changes, Losses: t.losses}
	res.Output = apply(data, t.changes)
	if opts.Sort {
		if out, moved := t.sortEntries(); moved {
			res.Output, res.Sorted = out, true
		}
	}
	return res
}

// apply returns data with the (sorted, disjoint) changes made.
func apply(data []byte, cs []Change) []byte {
	var b bytes.Buffer
	b.Grow(len(data))
	at := 0
	for _, c := range cs {
		b.Write(data[at:c.Start])
		b.WriteString(c.New)
		at = c.End
	}
	b.Write(data[at:])
	return b.Bytes()
}

type frame struct {
	space string // namespace of the element
	local string
	ns    map[string]string // prefix -> namespace declared here
	defNS string            // default namespace in scope
	tok   int
}

type tidier struct {
	file    string
	data    []byte
	toks    []token
	li      *lineIndex
	changes []Change
	losses  []Loss
	vid     string
	// top-level entries: token index of each <vuln> start and end
	entries [][2]int
	root    int // token index of the <vuxml> start, -1 for a fragment
	rootEnd int
}

func (t *tidier) pos(off int) vuxml.Pos { return t.li.pos(t.file, off) }

func (t *tidier) change(start, end int, repl, kind, msg string) {
	t.changes = append(t.changes, Change{Start: start, End: end, New: repl, Pos: t.pos(start), Kind: kind, Msg: msg, VID: t.vid})
}

func (t *tidier) loss(off int, msg string) {
	t.losses = append(t.losses, Loss{Pos: t.pos(off), Msg: msg, VID: t.vid})
}

// resolve returns the namespace of prefix for the element f inside stack
// (outermost first) inside base.
func resolve(base frame, stack []frame, f frame, prefix string) string {
	switch prefix {
	case "xml":
		return "http://www.w3.org/XML/1998/namespace"
	case "":
		return f.defNS
	}
	if ns, ok := f.ns[prefix]; ok {
		return ns
	}
	for i := len(stack) - 1; i >= 0; i-- {
		if ns, ok := stack[i].ns[prefix]; ok {
			return ns
		}
	}
	return base.ns[prefix]
}

func (t *tidier) walk() {
	t.root, t.rootEnd = -1, -1
	fragment := true
	for _, tk := range t.toks {
		if tk.kind == tStart {
			fragment = tk.local != "vuxml"
			break
		}
	}
	var stack []frame
	// A year fragment has no root: its <vuln> elements are VuXML, as when
	// the wrapper includes them or check_vuln_portepoch.py wraps them.
	base := frame{defNS: nsVuXML}
	sawElement := false
	for i := 0; i < len(t.toks); i++ {
		tk := t.toks[i]
		switch tk.kind {
		case tStart:
			parent := base
			if len(stack) > 0 {
				parent = stack[len(stack)-1]
			}
			f := frame{local: tk.local, defNS: parent.defNS, tok: i}
			for _, a := range tk.attrs {
				switch {
				case a.prefix == "" && a.local == "xmlns":
					f.defNS = a.value
				case a.prefix == "xmlns":
					if f.ns == nil {
						f.ns = map[string]string{}
					}
					f.ns[a.local] = a.value
				}
			}
			f.space = resolve(base, stack, f, tk.prefix)
			depth := len(stack)
			if depth == 0 && !sawElement && f.space == nsVuXML && tk.local == "vuxml" {
				t.root = i
			}
			sawElement = true
			top := depth == 0 && t.root < 0 || depth == 1 && t.root >= 0
			if top && f.space == nsVuXML && tk.local == "vuln" {
				t.vid = ""
				for _, a := range tk.attrs {
					if a.prefix == "" && a.local == "vid" {
						t.vid = strings.ToLower(a.value)
					}
				}
				t.entries = append(t.entries, [2]int{i, -1})
			}
			t.startTag(tk, f, parent, depth, i)
			stack = append(stack, f)
			if f.space == nsVuXML && textOnly[tk.local] && !tk.selfClose {
				i = t.textOnly(i, tk)
				stack = stack[:len(stack)-1]
			}
		case tEnd:
			if len(stack) == 0 {
				break
			}
			f := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			if len(t.entries) > 0 && t.entries[len(t.entries)-1][0] == f.tok {
				t.entries[len(t.entries)-1][1] = i
			}
			if f.tok == t.root {
				t.rootEnd = i
			}
			if len(stack) == 0 || len(stack) == 1 && t.root >= 0 {
				t.vid = ""
			}
		case tCDATA:
			esc := escapeText(tk.text)
			t.change(tk.start, tk.end, esc, KindCDATA, "CDATA section: tidy.xsl writes it as escaped text")
		case tComment:
			depth := len(stack)
			if t.root >= 0 && depth == 1 && t.rootEnd < 0 || fragment && depth == 0 {
				t.loss(tk.start, "comment between entries: tidy.xsl keeps only the <vuln> elements of <vuxml> and drops it")
			}
		}
	}
	t.layout()
}

// startTag handles the vid attribute and namespace declarations.
func (t *tidier) startTag(tk token, f, parent frame, depth, i int) {
	for _, a := range tk.attrs {
		switch {
		case a.prefix == "" && a.local == "vid":
			raw := string(t.data[a.vstart:a.vend])
			low := foldHex(raw)
			if low != raw {
				t.change(a.vstart, a.vend, low, KindVID, "vid has upper-case hex digits: tidy folds A-F to a-f")
			}
		case a.prefix == "" && a.local == "xmlns":
			// tidy.xsl writes the default namespace on <vuxml> and on
			// <body> only; a re-declaration of the namespace in scope
			// elsewhere disappears. (Other declarations change the
			// meaning of the document and are left alone.)
			keep := t.root == i || f.space == nsXHTML && tk.local == "body"
			if !keep && a.value == parent.defNS && tk.prefix == "" {
				s := a.nstart
				for s > tk.start && isSpace(t.data[s-1]) {
					s--
				}
				t.change(s, a.vend+1, "", KindNamespace, fmt.Sprintf("redundant xmlns=%q on <%s>: tidy.xsl does not write it", a.value, tk.local))
			}
		}
	}
}

// foldHex maps A-F to a-f outside character references.
func foldHex(s string) string {
	b := []byte(s)
	inRef := false
	for i, c := range b {
		switch {
		case c == '&':
			inRef = true
		case c == ';':
			inRef = false
		case !inRef && c >= 'A' && c <= 'F':
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// textOnly normalises the content of the text-only element starting at
// token i and returns the index of its end token.
func (t *tidier) textOnly(i int, st token) int {
	j := i + 1
	depth := 0
	mixed := false
	hasCDATA := false
	for ; j < len(t.toks); j++ {
		k := t.toks[j].kind
		if k == tEnd {
			if depth == 0 {
				break
			}
			depth--
			continue
		}
		switch k {
		case tStart:
			if !t.toks[j].selfClose {
				depth++
			}
			mixed = true
		case tComment, tPI:
			mixed = true
		case tCDATA:
			hasCDATA = true
		}
	}
	if j >= len(t.toks) {
		return len(t.toks) - 1
	}
	end := t.toks[j]
	cs, ce := st.end, end.start
	if mixed {
		t.loss(t.toks[i+1].start, fmt.Sprintf("<%s> holds markup: tidy.xsl keeps only the normalised text before it and drops the rest", st.local))
		return j
	}
	var decoded strings.Builder
	for k := i + 1; k < j; k++ {
		decoded.WriteString(t.toks[k].text)
	}
	norm := normalizeSpace(decoded.String())
	if norm == decoded.String() {
		return j
	}
	var repl string
	if hasCDATA {
		repl = escapeText(norm)
	} else {
		repl = normalizeRaw(string(t.data[cs:ce]))
	}
	t.change(cs, ce, repl, KindText, fmt.Sprintf("<%s> %s: tidy normalises it to %q", st.local, describeSpace(decoded.String()), shorten(norm)))
	return j
}

func shorten(s string) string {
	if utf8.RuneCountInString(s) <= 60 {
		return s
	}
	r := []rune(s)
	return string(r[:57]) + "..."
}

func isXMLSpace(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }

// normalizeSpace is XPath normalize-space: strip leading and trailing
// white space, collapse runs to one space.
func normalizeSpace(s string) string {
	return strings.Join(strings.FieldsFunc(s, isXMLSpace), " ")
}

func describeSpace(s string) string {
	var what []string
	if s == "" {
		return "is empty"
	}
	r, _ := utf8.DecodeRuneInString(s)
	if isXMLSpace(r) {
		what = append(what, "leading")
	}
	r, _ = utf8.DecodeLastRuneInString(s)
	if isXMLSpace(r) {
		what = append(what, "trailing")
	}
	inner := strings.TrimFunc(s, isXMLSpace)
	if inner != normalizeSpace(inner) {
		what = append(what, "inner")
	}
	return "has " + strings.Join(what, ", ") + " white space"
}

func escapeText(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}

// normalizeRaw applies normalize-space to raw character data, keeping
// entity and character references as written; character references to
// white space count as white space (and disappear or become one space).
func normalizeRaw(raw string) string {
	type piece struct {
		s  string
		ws bool
	}
	var ps []piece
	for i := 0; i < len(raw); {
		c := raw[i]
		switch {
		case isSpace(c):
			ps = append(ps, piece{raw[i : i+1], true})
			i++
		case c == '&':
			j := strings.IndexByte(raw[i:], ';')
			if j < 0 {
				ps = append(ps, piece{raw[i:], false})
				i = len(raw)
				break
			}
			ref := raw[i : i+j+1]
			ps = append(ps, piece{ref, isSpaceRef(ref)})
			i += j + 1
		default:
			_, n := utf8.DecodeRuneInString(raw[i:])
			ps = append(ps, piece{raw[i : i+n], false})
			i += n
		}
	}
	var b strings.Builder
	pending := false
	for _, p := range ps {
		if p.ws {
			pending = b.Len() > 0
			continue
		}
		if pending {
			b.WriteByte(' ')
			pending = false
		}
		b.WriteString(p.s)
	}
	return b.String()
}

// isSpaceRef reports whether a character reference stands for XML white
// space.
func isSpaceRef(ref string) bool {
	switch strings.ToLower(strings.TrimLeft(ref[2:len(ref)-1], "0")) {
	case "32", "9", "10", "13", "x20", "x9", "xa", "xd":
		return strings.HasPrefix(ref, "&#")
	}
	if strings.HasPrefix(ref, "&#x") || strings.HasPrefix(ref, "&#X") {
		h := strings.ToLower(strings.TrimLeft(ref[3:len(ref)-1], "0"))
		return h == "20" || h == "9" || h == "a" || h == "d"
	}
	return false
}

// layout makes the white space between top-level entries tidy.xsl's:
// "\n  " before each <vuln> and "\n" after it (so one blank line between
// two), inside <vuxml>; a year fragment the same without the first
// newline, as the wrapper's line break supplies it. The layout is only
// rewritten where nothing but entries and white space stand at the top
// level: comments there are reported as losses, entity references mean a
// wrapper, whose year files have their own layout.
func (t *tidier) layout() {
	if len(t.entries) == 0 {
		return
	}
	lo, hi := 0, len(t.toks)
	regionStart := 0
	if t.root >= 0 {
		if t.rootEnd < 0 {
			return
		}
		lo, hi = t.root+1, t.rootEnd
		regionStart = t.toks[t.root].end
	}
	// gaps[k] is the white-space token before entry k (k == len: after the
	// last one), or -1.
	gaps := make([]int, len(t.entries)+1)
	for k := range gaps {
		gaps[k] = -1
	}
	k := 0
	for i := lo; i < hi; i++ {
		if k < len(t.entries) && i == t.entries[k][0] {
			if t.entries[k][1] < 0 {
				return
			}
			i = t.entries[k][1]
			k++
			continue
		}
		tk := t.toks[i]
		if tk.kind != tText || strings.TrimFunc(tk.text, isXMLSpace) != "" || strings.Contains(tk.text, opaque) {
			return // a comment, an entity reference, text or another element
		}
		if gaps[k] >= 0 {
			return
		}
		gaps[k] = i
	}
	if k != len(t.entries) {
		return
	}
	const msg = "white space between entries: tidy.xsl writes each <vuln> on its own line, indented by two spaces, with one blank line between entries"
	for k, g := range gaps {
		want := "\n\n  "
		switch {
		case k == 0 && t.root >= 0:
			want = "\n  "
		case k == 0:
			want = "  "
		case k == len(t.entries):
			want = "\n"
		}
		var at int
		switch {
		case g >= 0:
			if raw := string(t.data[t.toks[g].start:t.toks[g].end]); raw != want {
				t.change(t.toks[g].start, t.toks[g].end, want, KindLayout, msg)
			}
			continue
		case k == 0:
			at = regionStart
		case k == len(t.entries):
			at = t.toks[t.entries[k-1][1]].end
		default:
			at = t.toks[t.entries[k][0]].start
		}
		t.change(at, at, want, KindLayout, msg)
	}
}

// sortEntries reorders the entries of the tidied output by last date,
// descending (stable). It reports whether the order changed.
func (t *tidier) sortEntries() ([]byte, bool) {
	if len(t.entries) < 2 {
		return nil, false
	}
	// Only a plain run of entries separated by white space can be sorted.
	for k := 0; k+1 < len(t.entries); k++ {
		for j := t.entries[k][1] + 1; j < t.entries[k+1][0]; j++ {
			if tk := t.toks[j]; tk.kind != tText || strings.TrimFunc(tk.text, isXMLSpace) != "" {
				return nil, false
			}
		}
	}
	type ent struct {
		text string
		key  string
		idx  int
	}
	var es []ent
	for k, e := range t.entries {
		start, end := t.toks[e[0]].start, t.toks[e[1]].end
		var own []Change
		for _, c := range t.changes {
			insertAtEdge := c.Start == c.End && (c.Start == start || c.Start == end)
			if c.Start >= start && c.End <= end && !insertAtEdge {
				c.Start -= start
				c.End -= start
				own = append(own, c)
			}
		}
		es = append(es, ent{text: string(apply(t.data[start:end], own)), key: t.lastDate(e[0], e[1]), idx: k})
	}
	sorted := make([]ent, len(es))
	copy(sorted, es)
	sort.SliceStable(sorted, func(a, b int) bool { return sorted[a].key > sorted[b].key })
	moved := false
	for k := range sorted {
		if sorted[k].idx != k {
			moved = true
		}
	}
	if !moved {
		return nil, false
	}
	first, last := t.toks[t.entries[0][0]].start, t.toks[t.entries[len(t.entries)-1][1]].end
	var pre []Change
	var post []Change
	for _, c := range t.changes {
		if c.End <= first {
			pre = append(pre, c)
		} else if c.Start >= last {
			c.Start -= last
			c.End -= last
			post = append(post, c)
		}
	}
	var b bytes.Buffer
	b.Write(apply(t.data[:first], pre))
	for k, e := range sorted {
		if k > 0 {
			b.WriteString("\n\n  ")
		}
		b.WriteString(e.text)
	}
	b.Write(apply(t.data[last:], post))
	return b.Bytes(), true
}

// lastDate returns the text of the last element child of the entry's
// <dates> ("" without dates): tidy.xsl variant A's sort key.
func (t *tidier) lastDate(s, e int) string {
	key := ""
	inDates := false
	for i := s; i < e; i++ {
		tk := t.toks[i]
		switch {
		case tk.kind == tStart && tk.local == "dates":
			inDates = true
		case tk.kind == tEnd && tk.local == "dates":
			inDates = false
		case inDates && tk.kind == tStart && !tk.selfClose:
			var b strings.Builder
			for j := i + 1; j < e && t.toks[j].kind != tEnd; j++ {
				b.WriteString(t.toks[j].text)
			}
			key = normalizeSpace(b.String())
		case inDates && tk.kind == tStart:
			key = ""
		}
	}
	return key
}
