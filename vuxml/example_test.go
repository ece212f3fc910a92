package vuxml_test

import (
	"fmt"
	"io"

	"github.com/pkgaudit/pkgaudit/vuxml"
)

// Find the byte offsets of every vid value, e.g. to rewrite them in place.
func ExampleTokenizer() {
	src := []byte(`  <vuln vid="ABC-1"><topic>foo &amp; bar</topic></vuln>`)
	tz := vuxml.NewTokenizer(src, vuxml.TokenizerOptions{FileName: "2026.xml"})
	for {
		tok, err := tz.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		if tok.Kind == vuxml.StartTagToken && string(tz.Bytes(tok.Name)) == "vuln" {
			for _, a := range tok.Attrs {
				line, col := tz.Pos(a.Value.Start)
				fmt.Printf("%s=%s at [%d,%d) %d:%d\n", tz.Bytes(a.Name), tz.Bytes(a.Value), a.Value.Start, a.Value.End, line, col)
			}
		}
	}
	// Output: vid=ABC-1 at [13,18) 1:14
}

func ExampleParse() {
	doc, err := vuxml.Parse([]byte(`<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">
  <vuln vid="a">
    <topic>foo -- bar</topic>
    <affects><package><name>foo</name><range><ge>1.0</ge><lt>1.2_1,1</lt></range></package></affects>
    <description><body xmlns="http://www.w3.org/1999/xhtml"><p>Bad&nbsp;things.</p></body></description>
    <references><cvename>CVE-2026-0001</cvename></references>
    <dates><discovery>2026-01-01</discovery><entry>2026-01-02</entry></dates>
  </vuln>
</vuxml>`), vuxml.ParseOptions{FileName: "vuln.xml"})
	if err != nil {
		fmt.Println(err)
		return
	}
	e := doc.Entries[0]
	fmt.Println(e.VID, e.Pos, e.Topic)
	for _, b := range e.Affects[0].Ranges[0].Bounds {
		fmt.Println(b.Op, b.Version)
	}
	fmt.Printf("%q\n", e.Description.Text())
	for _, is := range doc.Issues {
		fmt.Println(is)
	}
	// Output:
	// a vuln.xml:2:3 foo -- bar
	// ge 1.0
	// lt 1.2_1,1
	// "Bad\u00a0things."
	// vuln.xml:5:5: XHTML entity &nbsp;: FreeBSD pkg cannot read documents with named entities
}
