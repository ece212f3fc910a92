package tidy_test

import (
	"bytes"
	"os"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/vuxml"
	"github.com/pkgaudit/pkgaudit/vuxml/tidy"
)

var realFiles = []string{
	"../../testdata/vuxml/vuln-2003.xml",
	"../../testdata/vuxml/vuln-2025.xml",
	"../../testdata/vuxml/vuln-2026.xml",
	"../../testdata/vuxml/vuln-wrapper.example.xml",
}

func read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// The real files are tidy: not one byte changes.
func TestRealFilesUnchanged(t *testing.T) {
	for _, p := range realFiles {
		data := read(t, p)
		res, err := tidy.Tidy(p, data, tidy.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Changes) != 0 || !bytes.Equal(res.Output, data) {
			t.Errorf("%s: %d changes", p, len(res.Changes))
		}
		ws, err := tidy.Whitespace(p, data)
		if err != nil || len(ws) != 0 {
			t.Errorf("%s: whitespace %v %v", p, ws, err)
		}
	}
}

// The untidy fixture becomes exactly untidy.want.xml (reviewed by eye).
func TestUntidyFixture(t *testing.T) {
	data := read(t, "testdata/untidy.xml")
	res, err := tidy.Tidy("untidy.xml", data, tidy.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if want := read(t, "testdata/untidy.want.xml"); !bytes.Equal(res.Output, want) {
		t.Errorf("output differs from testdata/untidy.want.xml:\n%s", res.Output)
	}
	kinds := map[string]int{}
	for _, c := range res.Changes {
		kinds[c.Kind]++
		if c.Pos.Line == 0 || c.Msg == "" {
			t.Errorf("change without position or message: %+v", c)
		}
	}
	want := map[string]int{tidy.KindVID: 1, tidy.KindText: 8, tidy.KindCDATA: 1, tidy.KindNamespace: 1, tidy.KindLayout: 2}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("%d changes of kind %s, want %d", kinds[k], k, n)
		}
	}
	if len(res.Losses) != 1 || res.Losses[0].Pos.Line != 24 {
		t.Errorf("losses %+v", res.Losses)
	}
	again, err := tidy.Tidy("untidy.xml", res.Output, tidy.Options{})
	if err != nil || len(again.Changes) != 0 || !bytes.Equal(again.Output, res.Output) {
		t.Errorf("not idempotent: %v %+v", err, again.Changes)
	}
	assertSameModel(t, data, res.Output)
}

func TestTextOnly(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"<topic>a</topic>", "<topic>a</topic>"},
		{"<topic> a  b\t\nc </topic>", "<topic>a b c</topic>"},
		{"<topic>&apos;a&apos;  &amp; b</topic>", "<topic>&apos;a&apos; &amp; b</topic>"}, // references kept
		{"<topic>a&#32;&#x20;b&#10;</topic>", "<topic>a b</topic>"},                       // white space references are white space
		{"<topic>&#65;  B</topic>", "<topic>&#65; B</topic>"},
		{"<topic>   </topic>", "<topic></topic>"},
		{"<topic/>", "<topic/>"},
		{"<topic><![CDATA[ a<b ]]> c</topic>", "<topic>a&lt;b c</topic>"},
		{`<mlist msgid="m"> u </mlist>`, `<mlist msgid="m">u</mlist>`},
		{"<entry> 2026-01-02</entry>", "<entry>2026-01-02</entry>"},
		{"<p>  kept  </p>", "<p>  kept  </p>"}, // not a text-only element
	} {
		doc := `<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">` + "\n  <vuln vid=\"a\">" + tc.in + "</vuln>\n</vuxml>\n"
		want := `<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">` + "\n  <vuln vid=\"a\">" + tc.want + "</vuln>\n</vuxml>\n"
		res, err := tidy.Tidy("t.xml", []byte(doc), tidy.Options{})
		if err != nil {
			t.Fatalf("%s: %v", tc.in, err)
		}
		if string(res.Output) != want {
			t.Errorf("%s: got %s", tc.in, res.Output)
		}
	}
}

// Elements in the XHTML body are never text-only, whatever their name.
func TestBodyUntouched(t *testing.T) {
	doc := "  <vuln vid=\"a\"><description><body xmlns=\"http://www.w3.org/1999/xhtml\"><p> x </p><name> y </name></body></description></vuln>\n"
	res, err := tidy.Tidy("t.xml", []byte(doc), tidy.Options{})
	if err != nil || string(res.Output) != doc {
		t.Fatalf("%v %q", err, res.Output)
	}
}

func TestLayout(t *testing.T) {
	e := func(v string) string { return `<vuln vid="` + v + `"><topic>t</topic></vuln>` }
	for _, tc := range []struct{ name, in, want string }{
		{"fragment ok", "  " + e("a") + "\n\n  " + e("b") + "\n", "  " + e("a") + "\n\n  " + e("b") + "\n"},
		{"fragment tight", e("a") + e("b"), "  " + e("a") + "\n\n  " + e("b") + "\n"},
		{"fragment tabs", "\t" + e("a") + "\n\t" + e("b") + "\n\n\n", "  " + e("a") + "\n\n  " + e("b") + "\n"},
		{"document", `<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">` + e("a") + "\n    " + e("b") + "</vuxml>\n",
			`<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">` + "\n  " + e("a") + "\n\n  " + e("b") + "\n</vuxml>\n"},
		{"comment: left alone", "  " + e("a") + "\n<!-- c -->\n" + e("b") + "\n", "  " + e("a") + "\n<!-- c -->\n" + e("b") + "\n"},
	} {
		res, err := tidy.Tidy("t.xml", []byte(tc.in), tidy.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if string(res.Output) != tc.want {
			t.Errorf("%s: got %q", tc.name, res.Output)
		}
	}
}

// --sort orders the 2025 entries by last date, newest first, keeps every
// entry, and is idempotent.
func TestSort(t *testing.T) {
	data := read(t, "../../testdata/vuxml/vuln-2025.xml")
	res, err := tidy.Tidy("2025.xml", data, tidy.Options{Sort: true})
	if err != nil || !res.Sorted {
		t.Fatalf("%v sorted=%v", err, res.Sorted)
	}
	before, err := vuxml.Parse(data, vuxml.ParseOptions{FileName: "a"})
	if err != nil {
		t.Fatal(err)
	}
	after, err := vuxml.Parse(res.Output, vuxml.ParseOptions{FileName: "b"})
	if err != nil {
		t.Fatal(err)
	}
	if len(after.Entries) != len(before.Entries) {
		t.Fatalf("%d entries, want %d", len(after.Entries), len(before.Entries))
	}
	var a, b []string
	last := "9999"
	for i := range after.Entries {
		a = append(a, before.Entries[i].VID)
		b = append(b, after.Entries[i].VID)
		d := after.Entries[i].Dates
		key := d.Entry
		if d.Modified != "" {
			key = d.Modified
		}
		if key > last {
			t.Errorf("entry %d (%s) out of order: %s after %s", i, after.Entries[i].VID, key, last)
		}
		last = key
	}
	sort.Strings(a)
	sort.Strings(b)
	if strings.Join(a, " ") != strings.Join(b, " ") {
		t.Error("entries differ")
	}
	again, err := tidy.Tidy("2025.xml", res.Output, tidy.Options{Sort: true})
	if err != nil || again.Sorted || !bytes.Equal(again.Output, res.Output) {
		t.Errorf("sort not idempotent: %v %v", err, again.Sorted)
	}
	// The 2026 file is in order already.
	d26 := read(t, "../../testdata/vuxml/vuln-2026.xml")
	r26, err := tidy.Tidy("2026.xml", d26, tidy.Options{Sort: true})
	if err != nil || r26.Sorted || !bytes.Equal(r26.Output, d26) {
		t.Errorf("2026 reordered: %v", err)
	}
}

func TestSyntaxError(t *testing.T) {
	_, err := tidy.Tidy("t.xml", []byte("  <vuln vid=\"a\">\n  <topic>x</vuln>\n"), tidy.Options{})
	se, ok := err.(*tidy.SyntaxError)
	if !ok || se.Line != 2 || !strings.HasPrefix(err.Error(), "t.xml:2:") {
		t.Fatalf("%T %v", err, err)
	}
}

func TestWhitespace(t *testing.T) {
	in := "  <vuln vid=\"x\">  \n" + // trailing after a tag: flagged
		"        <topic>a</topic>\n" + // 8 spaces: one tab
		"  \t<x/>\n" + // spaces before a tab
		"\t <y\n          a=\"b\"   \n  />\n" + // inside a tag: xmllint rewrites it
		"       <z/>\n" + // 7 spaces: fine
		"\t\t <w/>\r\n" + // CRLF: fine
		"  <!-- c  -->   \n" + // trailing after a comment
		"</vuln>\n"
	ws, err := tidy.Whitespace("w.xml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range ws {
		got = append(got, w.Kind+"@"+strconv.Itoa(w.Pos.Line)+":"+strconv.Itoa(w.Pos.Col))
	}
	want := "trailing@1:17 indent@2:1 indent@3:1 trailing@9:14"
	if strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
	fixed := tidy.FixWhitespace([]byte(in), ws)
	if again, _ := tidy.Whitespace("w.xml", fixed); len(again) != 0 {
		t.Errorf("after fixing: %+v", again)
	}
	if !strings.Contains(string(fixed), "\t<topic>") || !strings.Contains(string(fixed), "<vuln vid=\"x\">\n") {
		t.Errorf("fixed:\n%s", fixed)
	}
}

// assertSameModel checks that the parsed model of out equals that of in
// except for normalised texts: everything pkg and the site read.
func assertSameModel(t testing.TB, in, out []byte) {
	t.Helper()
	a, errA := vuxml.Parse(in, vuxml.ParseOptions{FileName: "in.xml"})
	if errA != nil {
		return // only documents the parser accepts are compared
	}
	b, errB := vuxml.Parse(out, vuxml.ParseOptions{FileName: "out.xml"})
	if errB != nil {
		t.Fatalf("the tidied text does not parse: %v\n%q", errB, out)
	}
	if len(a.Entries) != len(b.Entries) {
		t.Fatalf("%d entries became %d", len(a.Entries), len(b.Entries))
	}
	n := func(s string) string {
		return strings.Join(strings.FieldsFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\n' || r == '\r' }), " ")
	}
	for i := range a.Entries {
		x, y := a.Entries[i], b.Entries[i]
		if strings.ToLower(x.VID) != y.VID && !strings.EqualFold(x.VID, y.VID) {
			t.Errorf("vid %q became %q", x.VID, y.VID)
		}
		if n(x.Topic) != n(y.Topic) {
			t.Errorf("topic %q became %q", x.Topic, y.Topic)
		}
		if len(x.Affects) != len(y.Affects) {
			t.Fatalf("affects changed")
		}
		for j := range x.Affects {
			p, q := x.Affects[j], y.Affects[j]
			if p.Kind != q.Kind || len(p.Names) != len(q.Names) || len(p.Ranges) != len(q.Ranges) {
				t.Fatalf("block %d changed", j)
			}
			for k := range p.Names {
				if n(p.Names[k].Value) != n(q.Names[k].Value) {
					t.Errorf("name %q became %q", p.Names[k].Value, q.Names[k].Value)
				}
			}
			for k := range p.Ranges {
				if len(p.Ranges[k].Bounds) != len(q.Ranges[k].Bounds) {
					t.Fatalf("range changed")
				}
				for l, bd := range p.Ranges[k].Bounds {
					if bd.Op != q.Ranges[k].Bounds[l].Op || n(bd.Version) != n(q.Ranges[k].Bounds[l].Version) {
						t.Errorf("bound %v %q became %v %q", bd.Op, bd.Version, q.Ranges[k].Bounds[l].Op, q.Ranges[k].Bounds[l].Version)
					}
				}
			}
		}
		if len(x.References) != len(y.References) {
			t.Fatalf("references changed")
		}
		for k, r := range x.References {
			s := y.References[k]
			if r.Kind != s.Kind || n(r.Value) != n(s.Value) || len(r.Attrs) != len(s.Attrs) {
				t.Errorf("reference %+v became %+v", r, s)
			}
		}
		if n(x.Dates.Discovery) != n(y.Dates.Discovery) || n(x.Dates.Entry) != n(y.Dates.Entry) || n(x.Dates.Modified) != n(y.Dates.Modified) {
			t.Errorf("dates %+v became %+v", x.Dates, y.Dates)
		}
		if x.Description.Text() != y.Description.Text() {
			t.Errorf("description text changed:\n%q\n%q", x.Description.Text(), y.Description.Text())
		}
		if (x.Cancelled == nil) != (y.Cancelled == nil) {
			t.Errorf("cancellation changed")
		}
	}
}

func FuzzTidy(f *testing.F) {
	// Seeds: entries of the real files (testdata/fuzz/FuzzTidy) and the
	// untidy fixture.
	f.Add(read(f, "testdata/untidy.xml"))
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := tidy.Tidy("f.xml", data, tidy.Options{})
		if err != nil {
			return
		}
		again, err := tidy.Tidy("f.xml", res.Output, tidy.Options{})
		if err != nil {
			t.Fatalf("tidied text does not tokenize: %v", err)
		}
		if !bytes.Equal(again.Output, res.Output) {
			t.Fatalf("not idempotent:\n%q\n%q", res.Output, again.Output)
		}
		assertSameModel(t, data, res.Output)
		sorted, err := tidy.Tidy("f.xml", data, tidy.Options{Sort: true})
		if err != nil {
			t.Fatalf("sort: %v", err)
		}
		if s2, err := tidy.Tidy("f.xml", sorted.Output, tidy.Options{Sort: true}); err != nil || !bytes.Equal(s2.Output, sorted.Output) {
			t.Fatalf("sort not idempotent: %v", err)
		}
		if _, err := tidy.Whitespace("f.xml", data); err != nil {
			t.Fatalf("whitespace: %v", err)
		}
	})
}
