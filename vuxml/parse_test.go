package vuxml

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

const hdr = `<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">`

// goodEntry is a complete, valid entry.
const goodEntry = `<vuln vid="11111111-2222-3333-4444-555555555555">
<topic>foo -- bar</topic>
<affects><package><name>foo</name><range><lt>1.0</lt></range></package></affects>
<description><body xmlns="http://www.w3.org/1999/xhtml"><p>x</p></body></description>
<references><cvename>CVE-2025-0001</cvename></references>
<dates><discovery>2025-01-01</discovery><entry>2025-01-02</entry></dates>
</vuln>`

func TestFatalErrors(t *testing.T) {
	deep := hdr + strings.Repeat("<a>", 10000) + strings.Repeat("</a>", 10000) + "</vuxml>"
	laughs := `<?xml version="1.0"?>
<!DOCTYPE vuxml [
<!ENTITY l0 "hahahahaha">
<!ENTITY l1 "&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;">
<!ENTITY l2 "&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;">
<!ENTITY l3 "&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;">
<!ENTITY l4 "&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;&l3;">
<!ENTITY l5 "&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;&l4;">
<!ENTITY l6 "&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;&l5;">
<!ENTITY l7 "&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;&l6;">
<!ENTITY l8 "&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;&l7;">
<!ENTITY l9 "&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;&l8;">
]>
` + hdr + `<vuln vid="x"><topic>&l9;</topic></vuln></vuxml>`
	emptyLaughs := strings.Replace(laughs, `"hahahahaha"`, `""`, 1)
	deepEnt := "<!DOCTYPE vuxml [\n"
	for i := 0; i < 20; i++ {
		deepEnt += "<!ENTITY e" + string(rune('a'+i)) + ` "&e` + string(rune('a'+i+1)) + `;">` + "\n"
	}
	deepEnt += `<!ENTITY e` + string(rune('a'+20)) + ` "end">` + "\n]>" + hdr + `<vuln><topic>&ea;</topic></vuln></vuxml>`
	tests := []struct {
		name, in string
		opts     ParseOptions
		err      error
		msg      string // substring of Error()
	}{
		{"mismatched end tag", hdr + "<vuln></vuxml>", ParseOptions{}, ErrSyntax, "1:56: "},
		{"unclosed root", hdr + "<vuln></vuln>", ParseOptions{}, ErrSyntax, "not closed"},
		{"package outside affects", hdr + `<vuln vid="a"><package/></vuln></vuxml>`, ParseOptions{}, ErrStructure, "1:64: <package> is not allowed in <vuln>"},
		{"vuln in vuln", hdr + `<vuln vid="a"><vuln/></vuln></vuxml>`, ParseOptions{}, ErrStructure, "<vuln> is not allowed in <vuln>"},
		{"range in affects", hdr + `<vuln><affects><range/></affects></vuln></vuxml>`, ParseOptions{}, ErrStructure, "<range> is not allowed in <affects>"},
		{"vuxml nested", hdr + `<vuxml/></vuxml>`, ParseOptions{}, ErrStructure, "<vuxml> is not allowed in <vuxml>"},
		{"topic at top of a fragment", `<vuln/><topic/>`, ParseOptions{}, ErrStructure, "<topic> is not allowed at the top of the document"},
		{"VuXML element inside unknown one", hdr + `<vuln><foo><topic/></foo></vuln></vuxml>`, ParseOptions{}, ErrStructure, "<topic> inside unknown element <foo>"},
		{"VuXML element inside text element", hdr + `<vuln><topic>a<name/></topic></vuln></vuxml>`, ParseOptions{}, ErrStructure, "<name> is not allowed in <topic>"},
		{"root is not vuxml", `<html/>`, ParseOptions{}, ErrStructure, "root element <html> is not <vuxml>"},
		{"empty input", ``, ParseOptions{}, ErrStructure, "no root element"},
		{"only a comment", "<!-- x -->\n", ParseOptions{}, ErrStructure, "no root element"},
		{"text before root", `x<vuxml/>`, ParseOptions{}, ErrSyntax, "text before the root"},
		{"text after root", `<vuxml/>x`, ParseOptions{}, ErrSyntax, "text after the root"},
		{"second root", `<vuxml/><vuxml/>`, ParseOptions{}, ErrSyntax, "second root"},
		{"CDATA outside root", `<vuxml/><![CDATA[ ]]>`, ParseOptions{}, ErrSyntax, "after the root"},
		{"duplicate attribute", hdr + `<vuln vid="a" vid="b"/></vuxml>`, ParseOptions{}, ErrSyntax, "duplicate attribute vid"},
		{"attributes not separated", hdr + `<vuln vid="a"x="b"/></vuxml>`, ParseOptions{}, ErrSyntax, "white space"},
		{"unquoted attribute", hdr + `<vuln vid=a/></vuxml>`, ParseOptions{}, ErrSyntax, ""},
		{"lt in attribute", hdr + `<vuln vid="<"/></vuxml>`, ParseOptions{}, ErrSyntax, ""},
		{"surrogate reference", hdr + `<vuln><topic>&#xD800;</topic></vuln></vuxml>`, ParseOptions{}, ErrSyntax, "not an XML character"},
		{"NUL reference", hdr + `<vuln><topic>&#0;</topic></vuln></vuxml>`, ParseOptions{}, ErrSyntax, ""},
		{"bad reference", hdr + `<vuln><topic>a & b</topic></vuln></vuxml>`, ParseOptions{}, ErrSyntax, ""},
		{"undefined entity", hdr + `<vuln><topic>&nosuch;</topic></vuln></vuxml>`, ParseOptions{}, ErrSyntax, "nosuch"},
		{"invalid UTF-8", hdr + "<vuln><topic>\xff</topic></vuln></vuxml>", ParseOptions{}, ErrSyntax, "1:63: invalid character"},
		{"control character", hdr + "<vuln><topic>\x01</topic></vuln></vuxml>", ParseOptions{}, ErrSyntax, "invalid character"},
		{"control character in comment", hdr + "<!-- \x01 --></vuxml>", ParseOptions{}, ErrSyntax, "invalid character"},
		{"xml declaration late", "\n<?xml version=\"1.0\"?><vuxml/>", ParseOptions{}, ErrSyntax, "XML declaration not at the start"},
		{"reserved PI target", "<vuxml><?XmL x?></vuxml>", ParseOptions{}, ErrSyntax, "XML declaration"},
		{"latin1", `<?xml version="1.0" encoding="ISO-8859-1"?><vuxml/>`, ParseOptions{}, ErrSyntax, ""},
		{"xml 1.1", `<?xml version="1.1"?><vuxml/>`, ParseOptions{}, ErrSyntax, ""},
		{"cdata end in text", hdr + "]]></vuxml>", ParseOptions{}, ErrSyntax, "]]>"},
		{"double hyphen in comment", hdr + "<!-- a -- b --></vuxml>", ParseOptions{}, ErrSyntax, "--"},
		{"empty tag name", hdr + "<></vuxml>", ParseOptions{}, ErrSyntax, ""},
		{"two colons", hdr + "<a:b:c/></vuxml>", ParseOptions{}, ErrSyntax, ""},
		{"doctype in content", hdr + "<!DOCTYPE x></vuxml>", ParseOptions{}, ErrSyntax, ""},
		{"second doctype", "<!DOCTYPE x><!DOCTYPE x><vuxml/>", ParseOptions{}, ErrSyntax, ""},
		{"doctype after root", "<vuxml/><!DOCTYPE x>", ParseOptions{}, ErrSyntax, ""},
		{"billion laughs", laughs, ParseOptions{}, ErrEntityLimit, "entity expansion exceeds"},
		{"billion empty laughs", emptyLaughs, ParseOptions{}, ErrEntityLimit, "entity expansion exceeds"},
		{"entity nesting", deepEnt, ParseOptions{}, ErrEntityLimit, "nested more than 16 deep"},
		{"entity recursion", "<!DOCTYPE vuxml [<!ENTITY a \"x&b;\"><!ENTITY b \"&a;\">]>" + hdr + "<vuln><topic>&a;</topic></vuln></vuxml>", ParseOptions{}, ErrSyntax, "refers to itself"},
		{"markup in entity", "<!DOCTYPE vuxml [<!ENTITY a \"<b/>\">]>" + hdr + "<vuln><topic>&a;</topic></vuln></vuxml>", ParseOptions{}, ErrUnsupported, "contains markup"},
		{"lt via entity in attribute", "<!DOCTYPE vuxml [<!ENTITY a \"&#60;\">]>" + hdr + "<vuln vid=\"&a;\"/></vuxml>", ParseOptions{}, ErrSyntax, "'<' in an attribute"},
		{"parameter entity reference", "<!DOCTYPE vuxml [<!ENTITY % a \"x\"> %a;]><vuxml/>", ParseOptions{}, ErrUnsupported, "parameter-entity"},
		{"PE in entity value", "<!DOCTYPE vuxml [<!ENTITY a \"%b;\">]><vuxml/>", ParseOptions{}, ErrSyntax, "parameter-entity"},
		{"bad internal subset", "<!DOCTYPE vuxml [<!FOO>]><vuxml/>", ParseOptions{}, ErrSyntax, "invalid markup in internal subset"},
		{"unparsed entity", "<!DOCTYPE vuxml [<!ENTITY a SYSTEM \"a.gif\" NDATA gif>]>" + hdr + "&a;</vuxml>", ParseOptions{FileName: "/nonexistent/v.xml"}, ErrSyntax, "unparsed entity"},
		{"external entity in attribute", "<!DOCTYPE vuxml [<!ENTITY a SYSTEM \"a.xml\">]>" + hdr + "<vuln vid=\"&a;\"/></vuxml>", ParseOptions{}, ErrSyntax, "external entity &a; in an attribute"},
		{"external entity in vuln", "<!DOCTYPE vuxml [<!ENTITY a SYSTEM \"a.xml\">]>" + hdr + "<vuln>&a;</vuln></vuxml>", ParseOptions{}, ErrStructure, "only allowed in <vuxml>"},
		{"external entity without file name", "<!DOCTYPE vuxml [<!ENTITY a SYSTEM \"a.xml\">]>" + hdr + "&a;</vuxml>", ParseOptions{}, ErrExternalEntity, "no file name"},
		{"deep nesting", deep, ParseOptions{}, ErrTooDeep, "nested more than 64 deep"},
		{"depth limit option", hdr + "<a><b/></a></vuxml>", ParseOptions{MaxDepth: 2}, ErrTooDeep, "1:53: "},
		{"size limit", hdr + "</vuxml>", ParseOptions{MaxSize: 10}, ErrTooLarge, "size limit of 10 bytes"},
		{"entity limit option", "<!DOCTYPE vuxml [<!ENTITY a \"0123456789\">]>" + hdr + "<vuln><topic>&a;&a;</topic></vuln></vuxml>", ParseOptions{MaxEntityExpansion: 15}, ErrEntityLimit, ""},
	}
	for _, p := range parsers {
		for _, tt := range tests {
			opts := tt.opts
			if opts.FileName == "" {
				opts.FileName = "t.xml"
				if strings.Contains(tt.name, "without file name") {
					opts.FileName = ""
				}
			}
			d, err := p.parse([]byte(tt.in), opts)
			if err == nil {
				t.Errorf("%s %s: no error (%d entries)", p.name, tt.name, len(d.Entries))
				continue
			}
			var pe *Error
			if !errors.As(err, &pe) || !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%s %s: got %v, want %v with %q", p.name, tt.name, err, tt.err, tt.msg)
				continue
			}
			if opts.FileName != "" && !strings.HasPrefix(err.Error(), opts.FileName+":") {
				t.Errorf("%s %s: %v does not name the file", p.name, tt.name, err)
			}
		}
	}
}

func TestExternalEntityConfinement(t *testing.T) {
	dir := t.TempDir()
	sub := filepath.Join(dir, "port")
	os.MkdirAll(filepath.Join(sub, "vuln"), 0o755)
	os.WriteFile(filepath.Join(dir, "outside.xml"), []byte(goodEntry), 0o644)
	os.WriteFile(filepath.Join(sub, "vuln", "ok.xml"), []byte(goodEntry), 0o644)
	os.Symlink(filepath.Join(dir, "outside.xml"), filepath.Join(sub, "vuln", "link.xml"))
	os.WriteFile(filepath.Join(sub, "vuln", "self.xml"), []byte("&self;"), 0o644)
	os.WriteFile(filepath.Join(sub, "vuln", "bad.xml"), []byte("<vuln>"), 0o644)
	os.WriteFile(filepath.Join(sub, "vuln", "close.xml"), []byte("</vuxml>"), 0o644)
	os.WriteFile(filepath.Join(sub, "vuln", "decl.xml"), []byte("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"+goodEntry), 0o644)
	os.WriteFile(filepath.Join(sub, "vuln", "doctype.xml"), []byte("<!DOCTYPE x>"+goodEntry), 0o644)
	wrapper := filepath.Join(sub, "vuln.xml")
	doc := func(sys string) []byte {
		return []byte("<!DOCTYPE vuxml [<!ENTITY e SYSTEM \"" + sys + "\"><!ENTITY self SYSTEM \"vuln/self.xml\">]>\n" + hdr + "\n&e;\n</vuxml>\n")
	}
	for _, p := range parsers {
		for _, tt := range []struct {
			sys string
			err error
			msg string
		}{
			{"vuln/ok.xml", nil, ""},
			{"./vuln/../vuln/ok.xml", ErrExternalEntity, "leaves the document's directory"},
			{"vuln/decl.xml", nil, ""},
			{"../outside.xml", ErrExternalEntity, "leaves the document's directory"},
			{filepath.Join(dir, "outside.xml"), ErrExternalEntity, "absolute path"},
			{"file:///etc/passwd", ErrExternalEntity, "URL"},
			{"http://example.com/x.xml", ErrExternalEntity, "URL"},
			{"vuln/link.xml", ErrExternalEntity, ""},
			{"vuln/missing.xml", ErrExternalEntity, "missing.xml"},
			{"vuln/self.xml", ErrSyntax, "includes itself"},
			{"vuln/bad.xml", ErrSyntax, "not closed"},
			{"vuln/close.xml", ErrSyntax, "unexpected end tag"},
			{"vuln/doctype.xml", ErrSyntax, "DOCTYPE"},
		} {
			d, err := p.parse(doc(tt.sys), ParseOptions{FileName: wrapper})
			if tt.err == nil {
				if err != nil || len(d.Entries) != 1 || d.Entries[0].Pos.File != filepath.Join(sub, "vuln", filepath.Base(tt.sys)) {
					t.Errorf("%s %s: %v", p.name, tt.sys, err)
				}
				continue
			}
			if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("%s %s: got %v, want %v %q", p.name, tt.sys, err, tt.err, tt.msg)
			}
		}
	}
}

func TestAccepted(t *testing.T) {
	for _, p := range parsers {
		// XHTML named entities: decoded in text, verbatim in XHTML, one Issue each
		in := hdr + `<vuln vid="v1"><topic>caf&eacute; &amp; co</topic>
<description><body xmlns="http://www.w3.org/1999/xhtml"><p>a&nbsp;b &eacute;&eacute;</p>
<!-- comment --><?pi x?><pre>  x
 y</pre><p><![CDATA[<not a tag> & ]]></p><ul><li>one</li><li>two<br/>three</li></ul></body></description></vuln></vuxml>`
		d, err := p.parse([]byte(in), ParseOptions{})
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		e := d.Entries[0]
		if e.Topic != "café & co" {
			t.Errorf("%s: topic %q", p.name, e.Topic)
		}
		if !strings.Contains(e.Description.XHTML, "<p>a&nbsp;b &eacute;&eacute;</p>") || !strings.Contains(e.Description.XHTML, "<![CDATA[<not a tag> & ]]>") {
			t.Errorf("%s: XHTML %q", p.name, e.Description.XHTML)
		}
		if want := "a\u00a0b éé\n\n  x\n y\n\n<not a tag> &\n\none\n\ntwo\nthree"; e.Description.Text() != want {
			t.Errorf("%s: text %q, want %q", p.name, e.Description.Text(), want)
		}
		var ent []string
		for _, is := range d.Issues {
			if is.Kind == IssueEntity {
				ent = append(ent, is.Pos.String()+" "+is.Msg)
			}
		}
		if want := []string{"1:65 XHTML entity &eacute;: FreeBSD pkg cannot read documents with named entities",
			"2:1 XHTML entity &nbsp;: FreeBSD pkg cannot read documents with named entities",
			"2:1 XHTML entity &eacute;: FreeBSD pkg cannot read documents with named entities"}; !reflect.DeepEqual(ent, want) {
			t.Errorf("%s: entity issues %q", p.name, ent)
		}

		// upper-case names are accepted, with Issues
		d, err = p.parse([]byte(`<VUXML xmlns="http://www.vuxml.org/apps/vuxml-1"><Vuln VID="X"><topic>t</topic><AFFECTS><package><NAME>n</NAME><range><LT>1</LT></range></package></AFFECTS></Vuln></VUXML>`), ParseOptions{})
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		if e := d.Entries[0]; e.VID != "X" || e.Affects[0].Names[0].Value != "n" || e.Affects[0].Ranges[0].Bounds[0].Op != Lt {
			t.Errorf("%s: upper case: %+v", p.name, e)
		}
		nCase := 0
		for _, is := range d.Issues {
			if is.Kind == IssueCase {
				nCase++
			}
		}
		if nCase != 6 {
			t.Errorf("%s: %d case issues: %v", p.name, nCase, d.Issues)
		}

		// CRLF, BOM, attribute normalisation, internal entities, mlist msgid, system, CDATA in topic
		in = "\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\r\n<!DOCTYPE vuxml PUBLIC \"-//vuxml.org//DTD VuXML 1.1//EN\" \"http://www.vuxml.org/dtd/vuxml-1/vuxml-11.dtd\" [\r\n<!ENTITY co \"Example &amp; Co&#46;\">\r\n]>\r\n" +
			hdr + "\r\n<vuln vid=\"a\r\nb\tc\"><topic>a\r\nb &co; <![CDATA[x]]></topic><affects><system><name>FreeBSD</name><range><ge>13.0</ge><lt>13.2_4</lt></range></system></affects>" +
			"<references><mlist msgid=\"&lt;1@x&gt;\">http://x/</mlist><vendor>v</vendor></references></vuln></vuxml>"
		d, err = p.parse([]byte(in), ParseOptions{})
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		e = d.Entries[0]
		if e.VID != "a b c" || e.Topic != "a\nb Example & Co. x" || e.Pos.Line != 6 || e.Pos.Col != 1 {
			t.Errorf("%s: vid %q topic %q at %v", p.name, e.VID, e.Topic, e.Pos)
		}
		if a := e.Affects[0]; a.Kind != System || a.Names[0].Value != "FreeBSD" || len(a.Ranges[0].Bounds) != 2 {
			t.Errorf("%s: system %+v", p.name, a)
		}
		if r := e.References; len(r) != 2 || r[0].Kind != "mlist" || !reflect.DeepEqual(r[0].Attrs, []Attr{{"msgid", "<1@x>"}}) || r[1].Kind != "vendor" || r[1].Value != "v" {
			t.Errorf("%s: references %+v", p.name, r)
		}
	}
}

func TestIssues(t *testing.T) {
	in := hdr + `
<vuln vid="a" extra="1">
  <description><body xmlns="http://www.w3.org/1999/xhtml"><p>x</p></body><body xmlns="http://www.w3.org/1999/xhtml"/>junk</description>
  <topic>t</topic>
  <foo>bar</foo>
  <affects><package><range><lt>1</lt></range><name>n</name></package><system/></affects>
  <dates><entry>2025-01-02</entry><discovery>2025-01-01</discovery></dates>
  stray
</vuln>
<vuln vid="b"><cancelled superseded="a"/><topic>t</topic></vuln>
<vuln><topic>a<b>c</b></topic><topic>d</topic><description><p/></description><references/><dates><discovery/></dates><affects/></vuln>
</vuxml>`
	want := []string{
		"2:1 a unknown-attribute unknown attribute extra on <vuln>",
		"3:74 a body more than one <body> in <description>",
		"3:118 a text text in <description>, where only elements belong",
		"5:3 a unknown-element unknown element <foo> in <vuln>",
		"6:46 a order <name> after <range> in <package> (names come first)",
		"6:70 a missing <system> without <name>",
		"6:70 a missing <system> without <range>",
		"7:35 a order <discovery> after <entry> in <dates> (order: discovery, entry, modified)",
		"8:3 a text text in <vuln>, where only elements belong",
		"2:1 a missing <vuln> without <references>",
		"4:3 a order <topic> after <description> in <vuln> (order: topic, affects, description, references, dates)",
		"6:3 a order <affects> after <description> in <vuln> (order: topic, affects, description, references, dates)",
		"10:1 b cancelled cancelled entry also has topic",
		"11:15  unknown-element element <b> inside <topic>, which holds text only",
		"11:60  unknown-element <p> in <description>, where <body> belongs",
		"11:47  missing <description> without <body>",
		"11:91  missing <dates> without <entry>",
		"11:118  missing <affects> without <package> or <system>",
		"11:1  missing <vuln> without vid attribute",
		"11:31  duplicate more than one <topic> in <vuln> (the last one is kept)",
		"11:118  order <affects> after <dates> in <vuln> (order: topic, affects, description, references, dates)",
	}
	for _, p := range parsers {
		d, err := p.parse([]byte(in), ParseOptions{})
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		var got []string
		for _, is := range d.Issues {
			got = append(got, is.Pos.String()+" "+is.VID+" "+string(is.Kind)+" "+is.Msg)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: issues:\n%s", p.name, strings.Join(got, "\n"))
		}
		if e := d.Entries[2]; e.Topic != "d" {
			t.Errorf("%s: last topic should win: %q", p.name, e.Topic)
		}
	}
}

func TestNoCopy(t *testing.T) {
	data := []byte(hdr + goodEntry + "</vuxml>")
	d, err := Parse(data, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range data {
		data[i] = 'x' // the caller reuses its buffer
	}
	if e := d.Entries[0]; e.VID != "11111111-2222-3333-4444-555555555555" || e.Topic != "foo -- bar" {
		t.Fatalf("copy not kept: %+v", e)
	}
	data = []byte(hdr + goodEntry + "</vuxml>")
	if d, err = Parse(data, ParseOptions{NoCopy: true}); err != nil || d.Entries[0].Topic != "foo -- bar" {
		t.Fatal(err)
	}
}

func TestLimitsBoundMemory(t *testing.T) {
	laughs := "<!DOCTYPE vuxml [<!ENTITY l0 \"hahahahahahahahahahahahahahahahahahahahahaha\">"
	for i := 1; i <= 12; i++ {
		laughs += "<!ENTITY l" + strconv.Itoa(i) + " \"" + strings.Repeat("&l"+strconv.Itoa(i-1)+";", 10) + "\">"
	}
	laughs += "]>" + hdr + "<vuln vid=\"&l12;\"><topic>&l12;</topic></vuln></vuxml>"
	deep := []byte(hdr + strings.Repeat("<x>", 100000) + strings.Repeat("</x>", 100000) + "</vuxml>")
	for _, p := range parsers {
		for name, in := range map[string][]byte{"laughs": []byte(laughs), "deep": deep} {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, err := p.parse(in, ParseOptions{})
			runtime.ReadMemStats(&after)
			if err == nil {
				t.Fatalf("%s %s: accepted", p.name, name)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Errorf("%s %s: %d MB allocated", p.name, name, alloc>>20)
			}
		}
	}
}

func TestSizeLimitCountsEntities(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "vuln"), 0o755)
	year := []byte(strings.Repeat(goodEntry+"\n", 20))
	os.WriteFile(filepath.Join(dir, "vuln", "a.xml"), year, 0o644)
	w := filepath.Join(dir, "vuln.xml")
	wrapper := "<!DOCTYPE vuxml [<!ENTITY a SYSTEM \"vuln/a.xml\">]>\n" + hdr + "\n&a;\n&a;\n&a;\n</vuxml>\n"
	os.WriteFile(w, []byte(wrapper), 0o644)
	limit := int64(len(wrapper) + 2*len(year) + 10)
	for _, p := range parsers {
		if d, err := p.parse([]byte(wrapper), ParseOptions{FileName: w, MaxSize: limit + int64(len(year))}); err != nil || len(d.Entries) != 60 {
			t.Errorf("%s: under the limit: %v", p.name, err)
		}
		if _, err := p.parse([]byte(wrapper), ParseOptions{FileName: w, MaxSize: limit}); !errors.Is(err, ErrTooLarge) || !strings.Contains(err.Error(), "vuln.xml:5:1") {
			t.Errorf("%s: over the limit: %v", p.name, err)
		}
	}
	if _, err := ParseFile(w, ParseOptions{MaxSize: 10}); !errors.Is(err, ErrTooLarge) {
		t.Errorf("ParseFile: %v", err)
	}
	if _, err := ParseFile(filepath.Join(dir, "missing.xml"), ParseOptions{}); err == nil || !os.IsNotExist(errors.Unwrap(err)) {
		t.Errorf("missing file: %v", err)
	}
}
