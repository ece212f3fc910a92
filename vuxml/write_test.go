package vuxml

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/workload"
)

// stripPositions clears what a round trip cannot keep: positions,
// offsets, Issues and the link to the source's entity declarations
// (descriptions keep their XHTML and text).
func stripPositions(d *Document) []Entry {
	var out []Entry
	for _, e := range d.Entries {
		c := *e
		c.Pos, c.TopicPos, c.AffectsPos, c.ReferencesPos, c.Start, c.End = Pos{}, Pos{}, Pos{}, Pos{}, 0, 0
		c.Affects = nil
		for _, a := range e.Affects {
			a.Pos = Pos{}
			var ns []Name
			for _, n := range a.Names {
				ns = append(ns, Name{Value: n.Value})
			}
			var rs []Range
			for _, r := range a.Ranges {
				var bs []Bound
				for _, b := range r.Bounds {
					bs = append(bs, Bound{Op: b.Op, Version: b.Version})
				}
				rs = append(rs, Range{Bounds: bs})
			}
			a.Names, a.Ranges = ns, rs
			c.Affects = append(c.Affects, a)
		}
		c.Description = Description{XHTML: e.Description.XHTML}
		c.References = nil
		for _, r := range e.References {
			r.Pos = Pos{}
			c.References = append(c.References, r)
		}
		c.Dates.Pos, c.Dates.DiscoveryPos, c.Dates.EntryPos, c.Dates.ModifiedPos = Pos{}, Pos{}, Pos{}, Pos{}
		if e.Cancelled != nil {
			c.Cancelled = &Cancelled{Superseded: e.Cancelled.Superseded}
		}
		out = append(out, c)
	}
	return out
}

func roundTrip(t *testing.T, name string, in []byte, opts ParseOptions) []byte {
	t.Helper()
	a, err := Parse(in, opts)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var buf bytes.Buffer
	if err := Write(&buf, a); err != nil {
		t.Fatal(err)
	}
	b, err := Parse(buf.Bytes(), ParseOptions{FileName: "written.xml"})
	if err != nil {
		t.Fatalf("%s: written document does not parse: %v\n%s", name, err, buf.Bytes())
	}
	if a.Fragment != b.Fragment || !reflect.DeepEqual(stripPositions(a), stripPositions(b)) {
		t.Fatalf("%s: round trip differs: %s", name, diffDocs(&Document{Entries: ptrs(stripPositions(a))}, &Document{Entries: ptrs(stripPositions(b))}))
	}
	for i := range a.Entries {
		if x, y := a.Entries[i].Description.Text(), b.Entries[i].Description.Text(); x != y {
			t.Fatalf("%s: entry %d: text %q / %q", name, i, x, y)
		}
	}
	if len(a.Issues) == 0 && len(b.Issues) != 0 {
		t.Errorf("%s: issues %v / %v", name, a.Issues, b.Issues)
	}
	return buf.Bytes()
}

func ptrs(es []Entry) []*Entry {
	var out []*Entry
	for i := range es {
		out = append(out, &es[i])
	}
	return out
}

func TestWriteRoundTrip(t *testing.T) {
	for _, f := range yearFiles {
		src := readTestFile(t, f)
		out := roundTrip(t, f, src, ParseOptions{FileName: f})
		// fragments are written as fragments, in the port's layout
		if !bytes.HasPrefix(out, []byte("  <vuln vid=\"")) || !bytes.HasSuffix(out, []byte("</vuln>\n")) || !bytes.Contains(out, []byte("  </vuln>\n\n  <vuln vid=")) {
			t.Errorf("%s: layout %q ... %q", f, out[:40], out[len(out)-20:])
		}
		roundTrip(t, f+" wrapped", wrapFragment(src), ParseOptions{FileName: f})
	}
	w := layoutPort(t)
	out := roundTrip(t, "wrapper", readTestFile(t, w), ParseOptions{FileName: w})
	if d, err := Parse(out, ParseOptions{NoExternalEntities: true}); err != nil || len(d.Entries) != 237 {
		t.Fatalf("written wrapper: %v", err)
	}
	// odd values: escaping, attributes, internal entities, cancelled
	odd := "<!DOCTYPE vuxml [<!ENTITY co \"A &amp; &#34;B&#34;&#13;\">]>" + hdr +
		"<vuln vid=\"a&amp;&quot;&#9;&#10;&#13;\"><topic>x &lt;&gt;&amp; &#13; &co; ]]&gt;</topic><affects><system><name>FreeBSD</name><range><ge>1</ge></range></system></affects>" +
		"<description><body xmlns=\"http://www.w3.org/1999/xhtml\"><p>&co; &nbsp;<![CDATA[<x>]]></p></body></description>" +
		"<references><mlist msgid=\"&lt;m@x&gt;\">u</mlist><vendor k=\"v\">w</vendor></references><dates><discovery>d</discovery><entry>e</entry><modified>m</modified></dates><cancelled superseded=\"b\"/></vuln>" +
		"<vuln vid=\"c\"><cancelled/></vuln></vuxml>"
	out = roundTrip(t, "odd", []byte(odd), ParseOptions{})
	if !strings.Contains(string(out), `<vuln vid="c"><cancelled/></vuln>`) {
		t.Errorf("cancelled entry written as\n%s", out)
	}
	doc, _ := workload.Cached(workload.Config{Entries: 500, Names: 100, Operands: 1, Seed: 5})
	roundTrip(t, "workload", doc, ParseOptions{})
}

func TestWriteEntry(t *testing.T) {
	d, err := Parse([]byte(goodEntry), ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	if err := WriteEntry(&b, d.Entries[0]); err != nil {
		t.Fatal(err)
	}
	want := `  <vuln vid="11111111-2222-3333-4444-555555555555">
    <topic>foo -- bar</topic>
    <affects>
      <package>
	<name>foo</name>
	<range><lt>1.0</lt></range>
      </package>
    </affects>
    <description><body xmlns="http://www.w3.org/1999/xhtml"><p>x</p></body></description>
    <references>
      <cvename>CVE-2025-0001</cvename>
    </references>
    <dates>
      <discovery>2025-01-01</discovery>
      <entry>2025-01-02</entry>
    </dates>
  </vuln>
`
	if b.String() != want {
		t.Errorf("got\n%s", b.String())
	}
	var wt bytes.Buffer
	if n, err := d.WriteTo(&wt); err != nil || n != int64(wt.Len()) || !bytes.HasPrefix(wt.Bytes(), []byte("  <vuln")) {
		t.Errorf("WriteTo: %d %v", n, err)
	}
}
