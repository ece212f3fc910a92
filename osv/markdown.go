package osv

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// Limits of MarkdownFromXHTML.
const (
	// MaxDescription caps the size of a description converted to Markdown.
	MaxDescription = 4 << 20
	// maxMarkdownDepth caps element nesting; deeper content is flattened
	// to its text.
	maxMarkdownDepth = 64
)

// MarkdownFromXHTML converts the XHTML of a VuXML <description> (its
// <body xmlns="http://www.w3.org/1999/xhtml"> element, or just the body's
// content) to CommonMark, for OSV's details field. It understands the
// elements VuXML descriptions use — p, blockquote, ul/ol/li, a, em/i,
// strong/b, code/tt, pre, h1–h6, br — keeps the text of any other element,
// and escapes every character that CommonMark would read as markup, so
// that a CommonMark renderer shows the same text and structure. The result
// has no trailing newline.
func MarkdownFromXHTML(src string) (string, error) {
	if len(src) > MaxDescription {
		return "", fmt.Errorf("description larger than %d bytes", MaxDescription)
	}
	if !utf8.ValidString(src) {
		return "", errors.New("description is not valid UTF-8")
	}
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(src), ctx)
	if err != nil {
		return "", err
	}
	var r mdRenderer
	lines := r.blocks(nodes, 0)
	return strings.Join(lines, "\n"), nil
}

type mdRenderer struct{}

// blockTags are the elements rendered as blocks.
var blockTags = map[atom.Atom]bool{
	atom.P: true, atom.Div: true, atom.Blockquote: true, atom.Ul: true, atom.Ol: true, atom.Li: true,
	atom.Pre: true, atom.H1: true, atom.H2: true, atom.H3: true, atom.H4: true, atom.H5: true, atom.H6: true,
	atom.Hr: true, atom.Table: true, atom.Tbody: true, atom.Thead: true, atom.Tfoot: true, atom.Tr: true,
	atom.Dl: true, atom.Dt: true, atom.Dd: true, atom.Body: true, atom.Html: true, atom.Section: true,
	atom.Article: true, atom.Center: true, atom.Address: true, atom.Caption: true, atom.Figure: true,
	atom.Header: true, atom.Footer: true, atom.Nav: true, atom.Aside: true, atom.Main: true,
}

// skipTags are dropped with their content.
var skipTags = map[atom.Atom]bool{atom.Script: true, atom.Style: true, atom.Head: true, atom.Title: true}

func isBlock(n *html.Node) bool {
	return n.Type == html.ElementNode && blockTags[n.DataAtom]
}

// hasBlock reports whether n has a block element among its descendants.
func hasBlock(n *html.Node) bool {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if isBlock(c) || hasBlock(c) {
			return true
		}
	}
	return false
}

func children(n *html.Node) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, c)
	}
	return out
}

// blocks renders sibling nodes as a sequence of blocks separated by blank
// lines. Runs of inline nodes become paragraphs.
func (r *mdRenderer) blocks(nodes []*html.Node, depth int) []string {
	var out []string
	var pending []*html.Node
	lastList := "" // marker of the list just added, so that two adjacent lists stay apart
	add := func(lines []string, list string) {
		if len(lines) == 0 {
			return
		}
		if len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, lines...)
		lastList = list
	}
	flush := func() {
		if len(pending) > 0 {
			add(r.paragraph(pending, depth), "")
			pending = nil
		}
	}
	for _, n := range nodes {
		switch {
		case n.Type == html.ElementNode && skipTags[n.DataAtom]:
		case n.Type == html.CommentNode || n.Type == html.DoctypeNode:
		case isBlock(n) || (n.Type == html.ElementNode && hasBlock(n) && n.DataAtom != atom.A):
			flush()
			lines, list := r.block(n, depth+1, lastList)
			add(lines, list)
		default:
			pending = append(pending, n)
		}
	}
	flush()
	return out
}

// block renders one block element; list is the list marker used when the
// block is a list.
func (r *mdRenderer) block(n *html.Node, depth int, lastList string) (lines []string, list string) {
	if depth > maxMarkdownDepth {
		return r.paragraph([]*html.Node{{Type: html.TextNode, Data: textContent(n)}}, depth), ""
	}
	switch n.DataAtom {
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		text := r.inlineLine(children(n), depth)
		if text == "" {
			return nil, ""
		}
		if strings.HasSuffix(text, "#") {
			text = text[:len(text)-1] + `\#`
		}
		level := int(n.Data[1] - '0')
		return []string{strings.Repeat("#", level) + " " + text}, ""
	case atom.Blockquote:
		inner := r.blocks(children(n), depth)
		for i, l := range inner {
			if l == "" {
				inner[i] = ">"
			} else {
				inner[i] = "> " + l
			}
		}
		return inner, ""
	case atom.Ul, atom.Ol:
		return r.list(n, depth, lastList)
	case atom.Pre:
		return codeBlock(textContent(n)), ""
	case atom.Hr:
		return []string{"* * *"}, ""
	case atom.Tr:
		var cells []string
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode {
				if t := r.inlineLine(children(c), depth); t != "" {
					cells = append(cells, t)
				}
			}
		}
		if len(cells) == 0 {
			return nil, ""
		}
		return []string{escapeLineStart(strings.Join(cells, " — "))}, ""
	default:
		return r.blocks(children(n), depth), ""
	}
}

// list renders ul or ol. Items are tight (no blank lines between them)
// when every item is a single line.
func (r *mdRenderer) list(n *html.Node, depth int, lastList string) ([]string, string) {
	ordered := n.DataAtom == atom.Ol
	marker := "-"
	if !ordered && lastList == "-" {
		marker = "*" // a different bullet ends the previous list
	}
	delim := "."
	if ordered && lastList == "." {
		delim = ")"
	}
	num := 1
	if s, ok := attr(n, "start"); ok {
		if v, err := strconv.Atoi(strings.TrimSpace(s)); err == nil && v >= 0 && v < 1e9 {
			num = v
		}
	}
	var items [][]string
	var loose []*html.Node // content outside <li> joins the previous item
	flushLoose := func() {
		if len(loose) == 0 {
			return
		}
		if lines := r.blocks(loose, depth); len(lines) > 0 {
			if len(items) == 0 {
				items = append(items, lines)
			} else {
				last := items[len(items)-1]
				if len(last) > 0 {
					last = append(last, "")
				}
				items[len(items)-1] = append(last, lines...)
			}
		}
		loose = nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.DataAtom == atom.Li {
			flushLoose()
			items = append(items, r.blocks(children(c), depth+1))
			continue
		}
		if c.Type == html.TextNode && strings.TrimSpace(c.Data) == "" {
			continue
		}
		loose = append(loose, c)
	}
	flushLoose()
	if len(items) == 0 {
		return nil, ""
	}
	tight := true
	for _, it := range items {
		if len(it) > 1 {
			tight = false
		}
	}
	var out []string
	for i, it := range items {
		m := marker
		if ordered {
			m = strconv.Itoa(num+i) + delim
		}
		if !tight && i > 0 {
			out = append(out, "")
		}
		if len(it) == 0 {
			out = append(out, m)
			continue
		}
		pad := strings.Repeat(" ", len(m)+1)
		for j, l := range it {
			switch {
			case j == 0:
				out = append(out, m+" "+l)
			case l == "":
				out = append(out, "")
			default:
				out = append(out, pad+l)
			}
		}
	}
	if ordered {
		return out, delim
	}
	return out, marker
}

// codeBlock renders preformatted text as a fenced code block with a fence
// longer than any backtick run inside.
func codeBlock(text string) []string {
	text = strings.TrimSuffix(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	if strings.TrimSpace(text) == "" {
		return nil
	}
	fence := strings.Repeat("`", max(3, longestRun(text, '`')+1))
	out := []string{fence}
	out = append(out, strings.Split(text, "\n")...)
	return append(out, fence)
}

func longestRun(s string, c byte) int {
	best, cur := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			cur++
			best = max(best, cur)
		} else {
			cur = 0
		}
	}
	return best
}

// breakMark stands for a hard line break inside inline text.
const breakMark = "\x00"

// paragraph renders inline nodes as one paragraph's lines: hard breaks
// split lines, joined with CommonMark's backslash line break.
func (r *mdRenderer) paragraph(nodes []*html.Node, depth int) []string {
	sp := r.inline(nodes, depth, false)
	var lines []string
	for _, l := range strings.Split(sp.s, breakMark) {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		lines = append(lines, escapeLineStart(l))
	}
	for i := 0; i < len(lines)-1; i++ {
		lines[i] += `\`
	}
	return lines
}

// inlineLine renders inline nodes on one line (breaks become spaces).
func (r *mdRenderer) inlineLine(nodes []*html.Node, depth int) string {
	sp := r.inline(nodes, depth, true)
	return escapeLineStart(strings.TrimSpace(strings.ReplaceAll(sp.s, breakMark, " ")))
}

// span is rendered inline Markdown: s has no leading or trailing
// white space; lead and trail tell whether white space stood there.
// Emphasis spans keep their delimiter and inner text apart until they are
// placed, since whether a delimiter works depends on its neighbours.
type span struct {
	s           string
	lead, trail bool
	delim       string // "*" or "**" for emphasis
	tag         string // the HTML element to fall back to ("em", "strong")
	inner       string
}

// inline renders inline nodes. noLinks is set inside links (a link cannot
// hold another one).
func (r *mdRenderer) inline(nodes []*html.Node, depth int, noLinks bool) span {
	spans := make([]span, 0, len(nodes))
	for _, n := range nodes {
		spans = append(spans, r.inlineNode(n, depth, noLinks))
	}
	return join(spans)
}

func (r *mdRenderer) inlineNode(n *html.Node, depth int, noLinks bool) span {
	switch n.Type {
	case html.TextNode:
		return textSpan(n.Data)
	case html.ElementNode:
	default:
		return span{}
	}
	if skipTags[n.DataAtom] {
		return span{}
	}
	if depth > maxMarkdownDepth {
		return textSpan(textContent(n))
	}
	kids := children(n)
	switch n.DataAtom {
	case atom.Br:
		return span{s: breakMark}
	case atom.Em, atom.I, atom.Cite, atom.Var, atom.Dfn:
		return emphasis(r.inline(kids, depth+1, noLinks), "*", "em")
	case atom.Strong, atom.B:
		return emphasis(r.inline(kids, depth+1, noLinks), "**", "strong")
	case atom.Code, atom.Tt, atom.Kbd, atom.Samp:
		return codeSpan(textContent(n))
	case atom.Img:
		if alt, ok := attr(n, "alt"); ok {
			return textSpan(alt)
		}
		return span{}
	case atom.A:
		inner := r.inline(kids, depth+1, true)
		href, _ := attr(n, "href")
		href = strings.TrimSpace(href)
		if noLinks || !linkable(href) {
			return inner
		}
		plain := strings.Join(strings.Fields(textContent(n)), " ")
		if (plain == href || plain == "") && autolinkable(href) {
			return span{s: "<" + href + ">", lead: inner.lead, trail: inner.trail}
		}
		text := strings.ReplaceAll(inner.s, breakMark, " ")
		if text == "" {
			text = escapeText(href)
		}
		return span{s: "[" + text + "](" + linkDest(href) + ")", lead: inner.lead, trail: inner.trail}
	default:
		return r.inline(kids, depth+1, noLinks)
	}
}

// emphasis wraps inner text in delim, keeping white space outside.
func emphasis(inner span, delim, tag string) span {
	if inner.s == "" {
		return span{lead: inner.lead || inner.trail, trail: inner.lead || inner.trail}
	}
	return span{s: delim + inner.s + delim, lead: inner.lead, trail: inner.trail, delim: delim, tag: tag, inner: inner.s}
}

// codeSpan renders text as a code span.
func codeSpan(text string) span {
	lead := text != "" && isHTMLSpace(text[0])
	trail := text != "" && isHTMLSpace(text[len(text)-1])
	text = strings.Join(strings.FieldsFunc(text, func(r rune) bool { return r < 128 && isHTMLSpace(byte(r)) }), " ")
	if text == "" {
		return span{lead: lead, trail: trail}
	}
	fence := strings.Repeat("`", longestRun(text, '`')+1)
	pad := ""
	if text[0] == '`' || text[len(text)-1] == '`' {
		pad = " "
	}
	return span{s: fence + pad + text + pad + fence, lead: lead, trail: trail}
}

func isHTMLSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
}

// textSpan collapses white space as HTML does and escapes the text.
func textSpan(s string) span {
	if s == "" {
		return span{}
	}
	sp := span{lead: isHTMLSpace(s[0]), trail: isHTMLSpace(s[len(s)-1])}
	words := strings.FieldsFunc(s, func(r rune) bool { return r < 128 && isHTMLSpace(byte(r)) })
	sp.s = escapeText(strings.Join(words, " "))
	if sp.s == "" {
		sp.lead, sp.trail = true, true
	}
	return sp
}

// join concatenates spans, putting one space where white space stood and
// settling emphasis delimiters that would not work in place.
func join(spans []span) span {
	var b strings.Builder
	var out span
	first, last := -1, -1
	for i, sp := range spans {
		if sp.s != "" {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		for _, sp := range spans {
			if sp.lead || sp.trail {
				out.lead, out.trail = true, true
			}
		}
		return out
	}
	for i := 0; i <= first; i++ {
		out.lead = out.lead || spans[i].lead
	}
	for i := last; i < len(spans); i++ {
		out.trail = out.trail || spans[i].trail
	}
	pending := false
	for i, sp := range spans {
		if i > first && sp.lead {
			pending = true
		}
		if sp.s != "" {
			if pending && b.Len() > 0 && sp.s != breakMark && !strings.HasSuffix(b.String(), breakMark) {
				b.WriteByte(' ')
			}
			s := sp.s
			if sp.delim != "" {
				prev := ' '
				if b.Len() > 0 {
					prev, _ = utf8.DecodeLastRuneInString(b.String())
				}
				next := nextRune(spans, i)
				if !delimsWork(prev, sp.inner, next) {
					s = "<" + sp.tag + ">" + sp.inner + "</" + sp.tag + ">"
				}
			}
			b.WriteString(s)
			pending = false
		}
		if sp.trail && i < last {
			pending = true
		}
	}
	out.s = b.String()
	return out
}

// nextRune is the first character after span i once joined (' ' for white
// space or the end).
func nextRune(spans []span, i int) rune {
	if spans[i].trail {
		return ' '
	}
	for j := i + 1; j < len(spans); j++ {
		if spans[j].lead {
			return ' '
		}
		if spans[j].s != "" {
			r, _ := utf8.DecodeRuneInString(spans[j].s)
			if spans[j].s == breakMark {
				return ' '
			}
			return r
		}
	}
	return ' '
}

// delimsWork reports whether emphasis delimiters around inner, between
// prev and next, open and close as CommonMark's flanking rules require.
func delimsWork(prev rune, inner string, next rune) bool {
	firstR, _ := utf8.DecodeRuneInString(inner)
	lastR, _ := utf8.DecodeLastRuneInString(inner)
	if isMDSpace(firstR) || isMDSpace(lastR) {
		return false
	}
	if isMDPunct(firstR) && !isMDSpace(prev) && !isMDPunct(prev) {
		return false
	}
	if isMDPunct(lastR) && !isMDSpace(next) && !isMDPunct(next) {
		return false
	}
	return true
}

func isMDSpace(r rune) bool { return unicode.IsSpace(r) || r == 0 }

func isMDPunct(r rune) bool {
	if r < 128 {
		return strings.ContainsRune("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~", r)
	}
	return unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// escapeText backslash-escapes the characters CommonMark could read as
// inline markup. An underscore inside a word is left alone (it can
// neither open nor close emphasis there).
func escapeText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch c {
		case '\\', '`', '*', '[', ']', '<':
			b.WriteByte('\\')
		case '_':
			if !(i > 0 && isAlnum(s[i-1]) && i+1 < len(s) && isAlnum(s[i+1])) {
				b.WriteByte('\\')
			}
		case '&':
			if i+1 < len(s) && (isAlnum(s[i+1]) || s[i+1] == '#') {
				b.WriteByte('\\')
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

var orderedStart = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]{1,9})([.)])`) })

// escapeLineStart escapes what would start a block at the beginning of a
// line: headings, block quotes, list markers, setext underlines, fences.
func escapeLineStart(l string) string {
	if l == "" {
		return l
	}
	switch l[0] {
	case '#', '>', '+', '-', '=', '~', '|':
		return `\` + l
	}
	if m := orderedStart().FindStringSubmatchIndex(l); m != nil {
		return l[:m[3]] + `\` + l[m[3]:]
	}
	return l
}

func attr(n *html.Node, key string) (string, bool) {
	for _, a := range n.Attr {
		if a.Namespace == "" && strings.EqualFold(a.Key, key) {
			return a.Val, true
		}
	}
	return "", false
}

// textContent is the text of n and its descendants.
func textContent(n *html.Node) string {
	if n.Type == html.TextNode {
		return n.Data
	}
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch {
			case c.Type == html.TextNode:
				b.WriteString(c.Data)
			case c.Type == html.ElementNode && c.DataAtom == atom.Br:
				b.WriteByte('\n')
			case c.Type == html.ElementNode && !skipTags[c.DataAtom]:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// linkable reports whether href is worth a link: an absolute http(s),
// ftp or mailto URL, or a relative one (fragments and "null" are not).
func linkable(href string) bool {
	if href == "" || href == "null" || strings.HasPrefix(href, "#") {
		return false
	}
	if i := strings.IndexByte(href, ':'); i > 0 && !strings.ContainsAny(href[:i], "/?#") {
		switch strings.ToLower(href[:i]) {
		case "http", "https", "ftp", "mailto":
			return true
		}
		return false
	}
	return true
}

// autolinkable reports whether href can be written as <href>.
func autolinkable(href string) bool {
	i := strings.IndexByte(href, ':')
	if i <= 0 {
		return false
	}
	for j := 0; j < len(href); j++ {
		if c := href[j]; c <= ' ' || c == '<' || c == '>' || c >= 0x7f {
			return false
		}
	}
	return true
}

// linkDest writes href as an inline link destination.
func linkDest(href string) string {
	var b strings.Builder
	for i := 0; i < len(href); i++ {
		switch c := href[i]; c {
		case ' ':
			b.WriteString("%20")
		case '\t', '\n', '\r':
		case '<':
			b.WriteString("%3C")
		case '>':
			b.WriteString("%3E")
		case '(', ')', '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
