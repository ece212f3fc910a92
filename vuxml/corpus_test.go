package vuxml

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteFuzzCorpus regenerates testdata/fuzz/FuzzParse from the real
// files when VUXML_WRITE_FUZZ_CORPUS=1: single entries cut out of the
// year files (as fragments and wrapped), whole small files, the wrapper,
// and the odd constructs of the behaviour tests.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("VUXML_WRITE_FUZZ_CORPUS") != "1" {
		t.Skip("set VUXML_WRITE_FUZZ_CORPUS=1 to regenerate the seed corpus")
	}
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	os.MkdirAll(dir, 0o755)
	write := func(name string, data []byte) {
		s := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", data)
		if err := os.WriteFile(filepath.Join(dir, name), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, y := range []int{2003, 2025, 2026} {
		src := readTestFile(t, yearFiles[y])
		d, err := Parse(src, ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		step := 1
		if len(d.Entries) > 12 {
			step = len(d.Entries) / 12
		}
		for i := 0; i < len(d.Entries); i += step {
			e := d.Entries[i]
			frag := src[e.Start:e.End]
			write(fmt.Sprintf("real-%d-%03d", y, i), frag)
			if i%2 == 0 {
				write(fmt.Sprintf("real-%d-%03d-wrapped", y, i), wrapFragment(frag))
			}
		}
	}
	write("real-2003-whole", readTestFile(t, yearFiles[2003]))
	write("wrapper-example", readTestFile(t, testdata+"vuln-wrapper.example.xml"))
	write("wrapper-fuzzdir", []byte("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE vuxml PUBLIC \"-//vuxml.org//DTD VuXML 1.1//EN\" \"http://www.vuxml.org/dtd/vuxml-1/vuxml-11.dtd\" [\n<!ENTITY vuln-2003 SYSTEM \"vuln/2003.xml\">\n<!ENTITY a SYSTEM \"vuln/a.xml\">\n<!ENTITY e SYSTEM \"vuln/empty.xml\">\n]>\n"+hdr+"\n&a;\n&e;\n&vuln-2003;\n</vuxml>\n"))
	write("odd-entities", []byte(hdr+`<vuln vid="v1"><topic>caf&eacute; &amp; co &#233;&#xe9;</topic><description><body xmlns="http://www.w3.org/1999/xhtml"><p>a&nbsp;b</p><!-- c --><?pi x?><pre> x
 y</pre><p><![CDATA[<x> & ]]></p><ul><li>one<br/>two</li></ul></body></description></vuln></vuxml>`))
	write("odd-case", []byte(`<VUXML xmlns="http://www.vuxml.org/apps/vuxml-1"><Vuln VID="X"><topic>t</topic><AFFECTS><package><NAME>n</NAME><range><LT>1</LT></range></package></AFFECTS></Vuln></VUXML>`))
	write("odd-crlf", []byte("\xef\xbb\xbf<?xml version=\"1.0\"?>\r\n<!DOCTYPE vuxml [\r\n<!ENTITY co \"Example &amp; Co&#46;\">\r\n<!ATTLIST vuln vid CDATA #IMPLIED>\r\n]>\r\n"+hdr+"\r\n<vuln vid=\"a\r\nb\tc\"><topic>a\r\nb &co; <![CDATA[x]]></topic><affects><system><name>FreeBSD</name><range><ge>13.0</ge><lt>13.2_4</lt></range></system></affects><references><mlist msgid=\"&lt;1@x&gt;\">http://x/</mlist><vendor a='1'>v<b>w</b></vendor></references></vuln></vuxml>"))
	write("odd-issues", []byte(hdr+"\n<vuln vid=\"a\" extra=\"1\">junk<description><p/><body/></description><topic>t</topic><foo>bar</foo><cancelled superseded=\"b\"/><dates><entry/><discovery/></dates></vuln>\n<vuln/>text</vuxml>"))
	write("laughs", []byte("<!DOCTYPE vuxml [<!ENTITY a \"xx\"><!ENTITY b \"&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;\">]>"+hdr+"<vuln vid=\"&c;\"><topic>&c;</topic></vuln></vuxml>"))
}
