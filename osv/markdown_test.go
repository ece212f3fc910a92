package osv

import (
	"bytes"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	gmhtml "github.com/yuin/goldmark/renderer/html"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestMarkdownFromXHTML(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"paragraphs", `<body xmlns="http://www.w3.org/1999/xhtml"><p>One
  two.</p>
  <p>Three.</p></body>`, "One two.\n\nThree."},
		{"vuxml shape", `<body xmlns="http://www.w3.org/1999/xhtml"><p>The Foo project reports:</p>
<blockquote cite="https://example.org/a"><p>A bug.</p><p>Another.</p></blockquote></body>`,
			"The Foo project reports:\n\n> A bug.\n>\n> Another."},
		{"headings", `<h1>Problem Description:</h1><p>x</p><h5>Note #</h5>`, "# Problem Description:\n\nx\n\n##### Note \\#"},
		{"lists", `<ul><li>a</li><li>b <em>c</em></li></ul><ol><li>one</li><li>two</li></ol>`, "- a\n- b *c*\n\n1. one\n2. two"},
		{"loose list", `<ul><li><p>a</p><p>a2</p></li><li>b</li></ul>`, "- a\n\n  a2\n\n- b"},
		{"nested list", `<ul><li>a<ul><li>b</li></ul></li></ul>`, "- a\n\n  - b"},
		{"adjacent lists", `<ul><li>a</li></ul><ul><li>b</li></ul>`, "- a\n\n* b"},
		{"ol start", `<ol start="3"><li>x</li></ol>`, "3. x"},
		{"links", `<p>See <a href="https://example.org/x?a=1">the advisory</a> and <a href="https://example.org/y">https://example.org/y</a>.</p>`,
			"See [the advisory](https://example.org/x?a=1) and <https://example.org/y>."},
		{"link parens", `<a href="https://e.org/a_(b)">w</a>`, `[w](https://e.org/a_\(b\))`},
		{"null link", `<a href="null">text</a>`, "text"},
		{"emphasis spacing", `<p>a<em> b </em>c <strong>d</strong></p>`, "a *b* c **d**"},
		{"emphasis punct", `<p>x<strong>"y"</strong>z</p>`, `x<strong>"y"</strong>z`},
		{"code", "<p>Use <code>foo &lt;bar&gt;</code> or <code>a`b</code>.</p>", "Use `foo <bar>` or ``a`b``."},
		{"pre", "<pre>line 1\n  line 2 `x`</pre>", "```\nline 1\n  line 2 `x`\n```"},
		{"br", `<p>a<br/>b<br/></p>`, "a\\\nb"},
		{"escapes", `<p>*not* [a] &lt;b&gt; \ _x_ snake_case AT&amp;T &amp;amp; 1 &lt; 2</p>`, `\*not\* \[a\] \<b> \\ \_x\_ snake_case AT\&T \&amp; 1 \< 2`},
		{"line start", `<p># hash</p><p>- dash</p><p>1. one</p><p>2) two</p><p>&gt; q</p>`, "\\# hash\n\n\\- dash\n\n1\\. one\n\n2\\) two\n\n\\> q"},
		{"unknown elements", `<div><span>a</span> <font>b</font></div><table><tr><td>c</td><td>d</td></tr></table>`, "a b\n\nc — d"},
		{"empty", ``, ""},
		{"whitespace only", " \n\t ", ""},
		{"utf8", `<p>Ünïcode ’quotes’ ™</p>`, "Ünïcode ’quotes’ ™"},
		{"script dropped", `<p>a<script>alert(1)</script>b</p>`, "ab"},
		{"inline block mix", `<blockquote>text <p>para</p> tail</blockquote>`, "> text\n>\n> para\n>\n> tail"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := MarkdownFromXHTML(tc.in)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got\n%q\nwant\n%q", got, tc.want)
			}
			checkMarkdownRoundTrip(t, tc.in, got)
		})
	}
}

func TestMarkdownLimits(t *testing.T) {
	if _, err := MarkdownFromXHTML(strings.Repeat("a", MaxDescription+1)); err == nil {
		t.Error("oversized description accepted")
	}
	if _, err := MarkdownFromXHTML("\xff"); err == nil {
		t.Error("invalid UTF-8 accepted")
	}
	deep := strings.Repeat("<blockquote>", 500) + "x" + strings.Repeat("</blockquote>", 500)
	got, err := MarkdownFromXHTML(deep)
	if err != nil || !strings.Contains(got, "x") {
		t.Errorf("deep nesting: %q, %v", got, err)
	}
}

// checkMarkdownRoundTrip renders md with a CommonMark parser and checks
// that the result says what the XHTML said: the same text, split into the
// same paragraphs and items, with the same links, emphasis and code.
func checkMarkdownRoundTrip(t *testing.T, xhtml, md string) {
	t.Helper()
	var out bytes.Buffer
	if err := goldmark.New(goldmark.WithRendererOptions(gmhtml.WithUnsafe())).Convert([]byte(md), &out); err != nil {
		t.Fatal(err)
	}
	want := structure(t, xhtml)
	got := structure(t, out.String())
	if want != got {
		t.Errorf("CommonMark rendering differs from the XHTML:\nxhtml: %s\nmd:    %s\nmarkdown:\n%s", want, got, md)
	}
}

// structure is a canonical string of an HTML fragment: text with white
// space collapsed, and markers for the elements the converter keeps.
func structure(t *testing.T, src string) string {
	t.Helper()
	ctx := &html.Node{Type: html.ElementNode, Data: "body", DataAtom: atom.Body}
	nodes, err := html.ParseFragment(strings.NewReader(src), ctx)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	space := false
	sep := func(m string) {
		s := strings.TrimRight(b.String(), " ")
		b.Reset()
		b.WriteString(s)
		b.WriteString(m)
		space = false
	}
	var walk func(n *html.Node, inPre bool)
	walk = func(n *html.Node, inPre bool) {
		switch n.Type {
		case html.TextNode:
			if inPre {
				b.WriteString(strings.TrimSuffix(n.Data, "\n"))
				return
			}
			for _, r := range n.Data {
				if r == ' ' || r == '\n' || r == '\t' || r == '\r' {
					space = true
					continue
				}
				if space && b.Len() > 0 && !strings.HasSuffix(b.String(), "|") {
					b.WriteByte(' ')
				}
				space = false
				b.WriteRune(r)
			}
			return
		case html.ElementNode:
		default:
			return
		}
		if n.DataAtom == atom.Script || n.DataAtom == atom.Style {
			return
		}
		open, close := "", ""
		switch n.DataAtom {
		case atom.P, atom.Div, atom.Table, atom.Tr, atom.Li, atom.Blockquote, atom.Ul, atom.Ol, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
			open, close = "|", "|"
			switch n.DataAtom {
			case atom.Blockquote:
				open, close = "|Q(|", "|)Q|"
			case atom.Ul, atom.Ol:
				open, close = "|L(|", "|)L|"
			case atom.Li:
				open, close = "|I(|", "|)I|"
			case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
				open, close = "|"+n.Data+"(|", "|)|"
			}
		case atom.Em, atom.I:
			open, close = "{em:", "}"
		case atom.Strong, atom.B:
			open, close = "{strong:", "}"
		case atom.Code, atom.Tt:
			open, close = "{code:", "}"
		case atom.Pre:
			open, close = "|pre(", ")|"
		case atom.A:
			if href, ok := attr(n, "href"); ok && linkable(strings.TrimSpace(href)) {
				open, close = "{a "+strings.TrimSpace(href)+":", "}"
			}
		case atom.Br:
			sep("|br|")
			return
		case atom.Td:
			open = " — "
		}
		if strings.HasPrefix(open, "|") {
			sep(open)
		} else if open != "" {
			if space && b.Len() > 0 && !strings.HasSuffix(b.String(), "|") {
				b.WriteByte(' ')
			}
			space = false
			b.WriteString(open)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c, inPre || n.DataAtom == atom.Pre)
		}
		if strings.HasSuffix(close, "|") || strings.HasPrefix(close, "|") {
			sep(close)
		} else {
			s := strings.TrimRight(b.String(), " ")
			b.Reset()
			b.WriteString(s)
			b.WriteString(close)
		}
	}
	for _, n := range nodes {
		walk(n, false)
	}
	s := b.String()
	// Canonical form: no empty separators, no space at separators, table
	// cells as the converter writes them.
	for {
		s2 := strings.NewReplacer("||", "|", "| ", "|", " |", "|", "|br|)", "|)", "{em:}", "", "{strong:}", "").Replace(s)
		s2 = strings.ReplaceAll(s2, "|br||", "|")
		s2 = strings.ReplaceAll(s2, "|— ", "|")
		s2 = strings.NewReplacer("{em: ", " {em:", "{strong: ", " {strong:", " }", "} ", "pre({code:", "pre(", "})|", ")|").Replace(s2)
		s2 = strings.TrimSuffix(s2, "|br")
		s2 = strings.TrimSuffix(s2, "|br|")
		s2 = strings.TrimPrefix(s2, "|br|")
		if s2 == s {
			break
		}
		s = s2
	}
	return strings.Trim(s, "|")
}
