package vuxml

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/testlong"
)

// pieces are the bricks of the random documents of TestDifferentialRandom:
// VuXML tags, markup, references and the places where parsers tend to
// disagree.
var pieces = []string{
	hdr, "</vuxml>", "<vuxml>", "<VUXML>", "<vuln vid=\"a\">", "<vuln>", "<vuln/>", "</vuln>", "<Vuln VID='b'>", "</Vuln>",
	"<topic>", "</topic>", "<affects>", "</affects>", "<package>", "</package>", "<system>", "</system>",
	"<name>", "</name>", "<range>", "</range>", "<lt>", "</lt>", "<ge>", "</ge>", "<eq/>",
	"<description>", "</description>", "<body xmlns=\"http://www.w3.org/1999/xhtml\">", "<body>", "</body>", "<p>", "</p>", "<br/>", "<pre>", "</pre>",
	"<references>", "</references>", "<cvename>", "</cvename>", "<mlist msgid=\"m\">", "</mlist>", "<vendor>", "</vendor>",
	"<dates>", "</dates>", "<discovery>", "</discovery>", "<entry>", "</entry>", "<modified>", "</modified>",
	"<cancelled/>", "<cancelled superseded=\"x\"/>", "<foo>", "</foo>", "<x:y xmlns:x='u'>", "</x:y>",
	"text", " ", "\n", "\t", "\r\n", "\r", "&amp;", "&lt;", "&#32;", "&#x41;", "&#xD800;", "&nbsp;", "&eacute;", "&a;", "&e;", "&y;", "&b;", "&nosuch;", "&", "&#",
	"<![CDATA[", "]]>", "<![CDATA[x]]>", "<!--", "-->", "<!-- c -->", "<?pi x?>", "<?xml version=\"1.0\"?>", "?>",
	"<!DOCTYPE vuxml [<!ENTITY a \"x&amp;y\"><!ENTITY e SYSTEM \"vuln/a.xml\"><!ENTITY y SYSTEM \"vuln/empty.xml\"><!ENTITY b \"&a;&#60;\">]>",
	"<!DOCTYPE vuxml>", "<!DOCTYPE vuxml [<!-- ' -->]>", "<!DOCTYPE vuxml [<!ATTLIST a b CDATA '>'>]>",
	" a=\"1\"", " a='&amp;'", " a=\"\t\"", " b=\"&nbsp;\"", " c=\"&a;\"", "=", "'", "\"", "<", ">", "/>", "</", "é", "\xef\xbb\xbf",
}

func TestDifferentialRandom(t *testing.T) {
	n := 30000
	if !testlong.Enabled() {
		n = 3000
	}
	name := fuzzDirT(t)
	r := rand.New(rand.NewPCG(1, 2))
	accepted := 0
	for i := 0; i < n; i++ {
		var b strings.Builder
		k := 1 + r.IntN(40)
		if r.IntN(2) == 0 {
			b.WriteString(hdr)
		}
		for j := 0; j < k; j++ {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		if r.IntN(2) == 0 {
			b.WriteString("</vuxml>")
		}
		in := []byte(b.String())
		opts := ParseOptions{FileName: name, MaxDepth: 40, MaxEntityExpansion: 1 << 16, MaxSize: 1 << 20}
		if err := differential(in, opts); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if _, err := Parse(in, opts); err == nil {
			accepted++
		}
	}
	t.Logf("%d random documents, %d accepted", n, accepted)
}

var rndNames = []string{"vuln", "topic", "affects", "package", "system", "name", "range", "lt", "le", "eq", "ge", "gt",
	"description", "body", "p", "pre", "br", "li", "references", "cvename", "url", "mlist", "freebsdsa", "vendor",
	"dates", "discovery", "entry", "modified", "cancelled", "foo", "x:y", "TOPIC", "Name", "vuxml"}
var rndText = []string{"a", " ", "\n", "\t", "\r\n", "x y", "&amp;", "&lt;", "&gt;", "&quot;", "&apos;", "&#32;", "&#x41;", "&#233;",
	"&nbsp;", "&eacute;", "&a;", "&b;", "<![CDATA[ c ]]>", "<![CDATA[<&>]]>", "<!-- c -->", "<?pi d?>", "é", "]]", "1.0_1,1"}
var rndAttrs = []string{` vid="v"`, ` VID='w'`, ` superseded="s"`, ` msgid="&lt;m&gt;"`, ` xmlns="http://www.w3.org/1999/xhtml"`,
	` xmlns="` + Namespace + `"`, ` xmlns:x="u"`, ` k="a&#9;b"`, ` k2="a	b"`, ` z="&nbsp;"`, ` e="&a;"`}

func rndElem(r *rand.Rand, b *strings.Builder, depth int) {
	name := rndNames[r.IntN(len(rndNames))]
	b.WriteString("<" + name)
	seen := map[string]bool{}
	for i := r.IntN(3); i > 0; i-- {
		a := rndAttrs[r.IntN(len(rndAttrs))]
		k := a[:strings.IndexByte(a, '=')]
		if !seen[k] {
			seen[k] = true
			b.WriteString(a)
		}
	}
	if depth > 6 || r.IntN(6) == 0 {
		b.WriteString("/>")
		return
	}
	b.WriteString(">")
	for i := r.IntN(5); i > 0; i-- {
		if r.IntN(3) == 0 {
			rndElem(r, b, depth+1)
		} else {
			b.WriteString(rndText[r.IntN(len(rndText))])
		}
	}
	b.WriteString("</" + name + ">")
}

// TestDifferentialRandomTrees compares the parsers on random well-formed
// trees of VuXML, XHTML and unknown elements.
func TestDifferentialRandomTrees(t *testing.T) {
	n := 30000
	if !testlong.Enabled() {
		n = 3000
	}
	name := fuzzDirT(t)
	r := rand.New(rand.NewPCG(3, 4))
	accepted := 0
	prologs := []string{"", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", "<!DOCTYPE vuxml [<!ENTITY a \"x&amp;y\"><!ENTITY b \"&a;&#38;lt;\">]>\n",
		"<!DOCTYPE vuxml [<!ENTITY a \"&#9;t\"><!ENTITY e SYSTEM \"vuln/a.xml\">]>"}
	for i := 0; i < n; i++ {
		var b strings.Builder
		b.WriteString(prologs[r.IntN(len(prologs))])
		frag := r.IntN(3) == 0
		if !frag {
			b.WriteString(hdr)
		}
		for k := 1 + r.IntN(4); k > 0; k-- {
			b.WriteString("<vuln vid=\"v\">")
			for j := r.IntN(6); j > 0; j-- {
				if r.IntN(4) == 0 {
					b.WriteString(rndText[r.IntN(len(rndText))])
				} else {
					rndElem(r, &b, 2)
				}
			}
			b.WriteString("</vuln>\n")
			if !frag && r.IntN(8) == 0 {
				b.WriteString("&e;")
			}
		}
		if !frag {
			b.WriteString("</vuxml>")
		}
		in := []byte(b.String())
		opts := ParseOptions{FileName: name, MaxDepth: 40, MaxEntityExpansion: 1 << 16, MaxSize: 1 << 20}
		if err := differential(in, opts); err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if _, err := Parse(in, opts); err == nil {
			accepted++
		}
	}
	t.Logf("%d random trees, %d accepted", n, accepted)
}
