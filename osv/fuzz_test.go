package osv

import (
	"strings"
	"testing"
)

// FuzzMarkdownFromXHTML: any input converts without panicking or
// leaking the converter's internal line-break mark.
func FuzzMarkdownFromXHTML(f *testing.F) {
	for _, s := range []string{
		`<body xmlns="http://www.w3.org/1999/xhtml"><p>The Foo project reports:</p><blockquote cite="https://x"><p>A <em>bug</em>.</p></blockquote></body>`,
		`<ul><li><p>a</p><ol start="2"><li>b</li></ol></li></ul><pre>x` + "```" + `</pre>`,
		`<h1>Problem:</h1><p>x<strong>"y"</strong>z <code>a` + "`" + `b</code> <a href="https://e.org/(a)">l</a><br/>c</p>`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		md, err := MarkdownFromXHTML(s)
		if err == nil && strings.ContainsRune(md, 0) {
			t.Errorf("NUL in the output: %q", md)
		}
	})
}

// FuzzParse: record files of any content parse or fail cleanly, and
// what parses converts without panicking.
func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"id":"FreeBSD-VUXML-x","modified":"2025-01-02T00:00:00Z","affected":[{"package":{"ecosystem":"FreeBSD:ports","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"1"}],"database_specific":{"vuxml_range":[{"lt":"1"}]}}],"versions":["0.5"]}]}`))
	f.Add([]byte(`[{"id":"x_PKGSRC-1","modified":"2011-04-06T22:06:37Z","affected":[{"package":{"ecosystem":"pkgsrc","name":"a"}}],"database_specific":{"pattern":"a<1","classification":"dos","url":"https://x"}}]`))
	f.Fuzz(func(t *testing.T, b []byte) {
		vs, err := Parse("f.json", b)
		if err != nil {
			return
		}
		for _, v := range vs {
			_, _, _ = ToAdvisory(v, ConvertOptions{})
			_, _, _ = ToAdvisory(v, ConvertOptions{EventsOnly: true})
		}
	})
}
