package sanitize

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

func TestXHTML(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"vuxml body",
			`<body xmlns="http://www.w3.org/1999/xhtml"><p>Foo reports:</p><blockquote cite="https://example.org/a"><p>x &lt; y &amp; z</p></blockquote></body>`,
			`<p>Foo reports:</p><blockquote cite="https://example.org/a"><p>x &lt; y &amp; z</p></blockquote>`},
		{"script dropped with content", `<p>a<script>alert(1)</script>b</p>`, `<p>ab</p>`},
		{"self-closing script still skips its text", `<p>a<script/>alert(1)</script>b</p>`, `<p>ab</p>`},
		{"script in upper case", `<p>a<SCRIPT>alert(1)</SCRIPT>b</p>`, `<p>ab</p>`},
		{"style dropped", `<style>p{color:red}</style><p>x</p>`, `<p>x</p>`},
		{"javascript href", `<a href="javascript:alert(1)">x</a>`, `<a>x</a>`},
		{"javascript href mixed case and spaces", `<a href="  JaVaScRiPt:alert(1)">x</a>`, `<a>x</a>`},
		{"entity-encoded javascript", `<a href="jav&#x61;script:alert(1)">x</a>`, `<a>x</a>`},
		{"entity-encoded colon", `<a href="javascript&colon;alert(1)">x</a>`, `<a>x</a>`},
		{"tab inside scheme", `<a href="java&#9;script:alert(1)">x</a>`, `<a>x</a>`},
		{"newline inside scheme", "<a href=\"java\nscript:alert(1)\">x</a>", `<a>x</a>`},
		{"data url", `<a href="data:text/html,&lt;script&gt;">x</a>`, `<a>x</a>`},
		{"vbscript", `<a href="vbscript:msgbox">x</a>`, `<a>x</a>`},
		{"relative url dropped", `<a href="/etc/passwd">x</a>`, `<a>x</a>`},
		{"scheme-relative url dropped", `<a href="//evil.example/">x</a>`, `<a>x</a>`},
		{"http url kept", `<a href="http://example.org/?a=1&amp;b=2">x</a>`,
			`<a href="http://example.org/?a=1&amp;b=2" rel="nofollow noopener noreferrer">x</a>`},
		{"mailto kept", `<a href="mailto:security@example.org">x</a>`,
			`<a href="mailto:security@example.org" rel="nofollow noopener noreferrer">x</a>`},
		{"ftp kept", `<a href="ftp://ftp.example.org/x">x</a>`,
			`<a href="ftp://ftp.example.org/x" rel="nofollow noopener noreferrer">x</a>`},
		{"event handlers dropped", `<p onclick="alert(1)" onmouseover='x()'>x</p>`, `<p>x</p>`},
		{"style and class attributes dropped", `<p style="background:url(javascript:x)" class="c" id="i">x</p>`, `<p>x</p>`},
		{"cite null dropped", `<blockquote cite="null"><p>x</p></blockquote>`, `<blockquote><p>x</p></blockquote>`},
		{"unknown element unwrapped", `<p><font color="red">x</font></p>`, `<p>x</p>`},
		{"img dropped", `<p>a<img src="http://tracker.example/p.gif" onerror="x()"/>b</p>`, `<p>ab</p>`},
		{"iframe dropped", `<iframe src="http://evil.example/"></iframe><p>x</p>`, `<p>x</p>`},
		{"svg dropped", `<svg><script>alert(1)</script><a xlink:href="javascript:x">y</a></svg><p>x</p>`, `<p>x</p>`},
		{"nested object", `<object><object></object>inside</object>after`, `after`},
		{"comment dropped", `<p>a<!-- <script>x</script> -->b</p>`, `<p>ab</p>`},
		{"conditional comment", `<!--[if IE]><script>x</script><![endif]--><p>x</p>`, `<p>x</p>`},
		{"cdata is text", `<p><![CDATA[<script>x</script>]]></p>`, `<p>&lt;script&gt;x&lt;/script&gt;</p>`},
		{"stray angle brackets escaped", `<p>a < b > c</p>`, `<p>a &lt; b &gt; c</p>`},
		{"quote in attribute escaped", `<a href="http://x.example/&quot;onmouseover=&quot;x" title="a&quot;b">x</a>`,
			`<a href="http://x.example/&#34;onmouseover=&#34;x" title="a&#34;b" rel="nofollow noopener noreferrer">x</a>`},
		{"xml empty paragraph", `<p/><p>x</p>`, `<p></p><p>x</p>`},
		{"unclosed elements closed", `<ul><li>a<li>b`, `<ul><li>a<li>b</li></li></ul>`},
		{"end tag closes inner elements", `<blockquote><p>a<em>b</blockquote>c`, `<blockquote><p>a<em>b</em></p></blockquote>c`},
		{"stray end tag ignored", `</p></div>x`, `x`},
		{"headings demoted", `<h1>Problem</h1><h5>x</h5><h6>y</h6>`, `<h1>Problem</h1><h5>x</h5><h6>y</h6>`},
		{"br and hr", `<p>a<br/>b<br>c</p><hr/>`, `<p>a<br/>b<br/>c</p><hr/>`},
		{"table attributes", `<table summary="s" border="1"><tr><td colspan="2" rowspan="x" bgcolor="red">x</td></tr></table>`,
			`<table summary="s"><tr><td colspan="2">x</td></tr></table>`},
		{"xml:lang becomes lang", `<p xml:lang="de">x</p>`, `<p lang="de">x</p>`},
		{"bad lang dropped", `<p lang="de&quot; onclick=&quot;x">x</p>`, `<p>x</p>`},
		{"duplicate attributes keep the first", `<a href="http://a.example/" href="javascript:x">x</a>`,
			`<a href="http://a.example/" rel="nofollow noopener noreferrer">x</a>`},
		{"plaintext swallows the rest", `<p>a</p><plaintext><p>b</p>`, `<p>a</p>`},
		{"base tag dropped", `<base href="http://evil.example/"/><p>x</p>`, `<p>x</p>`},
		{"meta refresh dropped", `<meta http-equiv="refresh" content="0;url=javascript:x"/><p>x</p>`, `<p>x</p>`},
		{"form dropped", `<form action="http://evil.example/"><input name="p"/></form><p>x</p>`, `<p>x</p>`},
		{"numeric entities decoded then escaped", `<p>&#60;script&#62;</p>`, `<p>&lt;script&gt;</p>`},
		{"non-ASCII kept", `<p>“Quoted” — ö ™</p>`, `<p>“Quoted” — ö ™</p>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := XHTML(tt.in, Options{})
			if got != tt.want {
				t.Errorf("XHTML(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestHeadingOffset(t *testing.T) {
	got := XHTML(`<h1>a</h1><h3>b</h3><h5>c</h5>`, Options{HeadingOffset: 2})
	if want := `<h3>a</h3><h5>b</h5><h6>c</h6>`; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestMaxDepth(t *testing.T) {
	in := strings.Repeat("<div>", 10000) + "x" + strings.Repeat("</div>", 10000)
	got := XHTML(in, Options{MaxDepth: 5})
	if want := strings.Repeat("<div>", 5) + "x" + strings.Repeat("</div>", 5); got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	// Unclosed: no quadratic blow-up, bounded output.
	got = XHTML(strings.Repeat("<em>", 100000), Options{})
	if strings.Count(got, "<em>") != 32 {
		t.Errorf("%d <em> kept, want 32", strings.Count(got, "<em>"))
	}
}

func TestURL(t *testing.T) {
	good := []string{"http://a.example/", "HTTPS://a.example/x?y#z", "ftp://ftp.example.org/pub", "mailto:a@b.example", " https://a.example/ "}
	bad := []string{"", "javascript:alert(1)", "JAVASCRIPT:x", "data:text/html,x", "file:///etc/passwd", "/rel", "rel", "//host/x",
		"http:///nohost", "mailto:", "http://a.example/\x00", "http://a b.example/", "java\tscript:x", "https://a.example/\nx", "null"}
	for _, s := range good {
		if _, ok := URL(s); !ok {
			t.Errorf("URL(%q) refused", s)
		}
	}
	for _, s := range bad {
		if u, ok := URL(s); ok {
			t.Errorf("URL(%q) = %q, want refused", s, u)
		}
	}
}

// outputSafe checks the invariants of any output: re-parsed as HTML, it has
// no element outside the allow-list, no attribute outside it, and no link
// with another scheme.
func outputSafe(t *testing.T, in, out string) {
	t.Helper()
	nodes, err := html.ParseFragment(strings.NewReader(out), &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div})
	if err != nil {
		t.Fatalf("output does not parse: %v", err)
	}
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			if !elements[n.Data] {
				t.Errorf("input %q: output has <%s>: %q", in, n.Data, out)
			}
			for _, a := range n.Attr {
				if !(attrs["*"][a.Key] || attrs[n.Data][a.Key] || n.Data == "a" && a.Key == "rel") {
					t.Errorf("input %q: output has %s@%s: %q", in, n.Data, a.Key, out)
				}
				if a.Key == "href" || a.Key == "cite" {
					if _, ok := URL(a.Val); !ok {
						t.Errorf("input %q: output has %s=%q", in, a.Key, a.Val)
					}
				}
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	for _, n := range nodes {
		walk(n)
	}
}

var vuxmlBody = regexp.MustCompile(`(?s)<description>(.*?)</description>`)

// Every description of the real data keeps its text and comes out safe.
func TestRealDescriptions(t *testing.T) {
	files, _ := filepath.Glob("../../testdata/vuxml/vuln-*.xml")
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range vuxmlBody.FindAllStringSubmatch(string(data), -1) {
			n++
			out := XHTML(m[1], Options{})
			outputSafe(t, m[1], out)
			if text(m[1]) != text(out) {
				t.Errorf("%s: text changed:\n in %q\nout %q", f, text(m[1]), text(out))
			}
		}
	}
	if n < 200 {
		t.Fatalf("only %d descriptions found", n)
	}
}

// text is the whitespace-collapsed text content of an HTML fragment.
func text(s string) string {
	z := html.NewTokenizer(strings.NewReader(s))
	var b strings.Builder
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		if tt == html.TextToken {
			b.WriteString(html.UnescapeString(string(z.Text())))
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func FuzzXHTML(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/vuxml/vuln-2003.xml")
	for _, file := range files {
		data, _ := os.ReadFile(file)
		for _, m := range vuxmlBody.FindAllStringSubmatch(string(data), -1) {
			f.Add(m[1])
		}
	}
	f.Add(`<a href="javascript:x" onclick="y"><script>z</script></a>`)
	f.Fuzz(func(t *testing.T, in string) {
		outputSafe(t, in, XHTML(in, Options{}))
	})
}
