package validate_test

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/vuxml"
	"github.com/pkgaudit/pkgaudit/vuxml/validate"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// clean is an entry without any finding; each case edits it.
const clean = `  <vuln vid="2a4c5f2e-8a8b-4d6e-9f00-1c2d3e4f5a6b">
    <topic>foo -- buffer overflow</topic>
    <affects>
      <package>
	<name>foo</name>
	<range><lt>1.0</lt></range>
      </package>
    </affects>
    <description>
      <body xmlns="http://www.w3.org/1999/xhtml">
	<p>Foo reports:</p>
	<blockquote cite="https://example.org/a">
	  <p>A bug.</p>
	</blockquote>
      </body>
    </description>
    <references>
      <cvename>CVE-2026-1234</cvename>
      <url>https://example.org/a</url>
    </references>
    <dates>
      <discovery>2026-01-01</discovery>
      <entry>2026-01-02</entry>
    </dates>
  </vuln>
`

// edit applies old→new replacements (each must match) to clean.
func edit(t *testing.T, pairs ...string) string {
	t.Helper()
	s := clean
	for i := 0; i+1 < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("edit: %q not in the entry", pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	return s
}

// got returns "check@line" for every finding of text as 2026.xml.
func got(t *testing.T, text string) []string {
	t.Helper()
	fs, err := validate.Bytes("2026.xml", []byte(text), validate.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s@%d", f.Check, f.Line))
	}
	return out
}

func TestCleanEntry(t *testing.T) {
	if g := got(t, clean); len(g) != 0 {
		t.Fatalf("findings in the clean entry: %v", g)
	}
}

func TestChecks(t *testing.T) {
	for _, tc := range []struct {
		name string
		text func(t *testing.T) string
		want string // space-separated check@line
	}{
		{"structure unknown element", func(t *testing.T) string {
			return edit(t, "    <affects>", "    <severity>high</severity>\n    <affects>")
		}, "structure@3"},
		{"xhtml element", func(t *testing.T) string { return edit(t, "<p>A bug.</p>", "<p>A <blink>bug</blink>.</p>") }, "xhtml@13"},
		{"xhtml attribute", func(t *testing.T) string { return edit(t, "<p>Foo reports:</p>", `<p style="x">Foo reports:</p>`) }, "xhtml@11"},
		{"xhtml text in blockquote", func(t *testing.T) string { return edit(t, "<p>A bug.</p>", "A bug.") }, "xhtml@13"},
		{"xhtml block in p", func(t *testing.T) string { return edit(t, "<p>A bug.</p>", "<p>A <ul><li>bug</li></ul></p>") }, "xhtml@13"},
		{"xhtml table ok", func(t *testing.T) string {
			return edit(t, "<p>A bug.</p>", `<table summary="x"><tr><th>a</th><td colspan="2"><a href="https://x.org/">b</a><br/></td></tr></table>`)
		}, ""},
		{"vid duplicate", func(t *testing.T) string { return clean + "\n" + clean }, "vid-duplicate@27"},
		{"vid duplicate across case", func(t *testing.T) string {
			return clean + "\n" + strings.Replace(clean, "2a4c5f2e", "2A4C5F2E", 1)
		}, "vid-duplicate@27 tidy@27"},
		{"references empty", func(t *testing.T) string {
			return edit(t, "      <cvename>CVE-2026-1234</cvename>\n      <url>https://example.org/a</url>\n", "")
		}, "references-missing@1"},
		{"dates missing", func(t *testing.T) string {
			return edit(t, "    <dates>\n      <discovery>2026-01-01</discovery>\n      <entry>2026-01-02</entry>\n    </dates>\n", "")
		}, "structure@1"},
		{"discovery missing", func(t *testing.T) string { return edit(t, "      <discovery>2026-01-01</discovery>\n", "") }, "structure@21"},
		{"date order", func(t *testing.T) string { return edit(t, "<discovery>2026-01-01", "<discovery>2026-01-03") }, "date-order@21"},
		{"modified before entry", func(t *testing.T) string {
			return edit(t, "<entry>2026-01-02</entry>", "<entry>2026-01-02</entry>\n      <modified>2026-01-01</modified>")
		}, "date-order@21"},
		{"modified ok", func(t *testing.T) string {
			return edit(t, "<entry>2026-01-02</entry>", "<entry>2026-01-02</entry>\n      <modified>2026-03-01</modified>")
		}, ""},
		{"date format", func(t *testing.T) string { return edit(t, "<discovery>2026-01-01", "<discovery>2026-1-1") }, "date-format@22"},
		{"date not in calendar", func(t *testing.T) string { return edit(t, "<discovery>2026-01-01", "<discovery>2025-02-29") }, "date-format@22"},
		{"leap day ok", func(t *testing.T) string { return edit(t, "<discovery>2026-01-01", "<discovery>2024-02-29") }, ""},
		{"date future", func(t *testing.T) string { return edit(t, "<entry>2026-01-02", "<entry>2026-11-24") }, "date-future@23"},
		{"date tomorrow somewhere", func(t *testing.T) string { return edit(t, "<entry>2026-01-02", "<entry>2026-11-23") }, ""},
		{"description long", func(t *testing.T) string {
			return edit(t, "<p>A bug.</p>", "<p>"+strings.Repeat("A bug. ", 720)+"</p>")
		}, "description-long@9"},
		{"package name", func(t *testing.T) string { return edit(t, "<name>foo</name>", "<name>foo:bar</name>") }, "package-name@5"},
		{"package name braces", func(t *testing.T) string { return edit(t, "<name>foo</name>", "<name>{ja-,}foo</name>") }, "package-name@5"},
		{"tidy text", func(t *testing.T) string { return edit(t, "<name>foo</name>", "<name>foo </name>") }, "tidy@5"},
		{"tidy vid", func(t *testing.T) string { return edit(t, "2a4c5f2e", "2A4C5F2E") }, "tidy@1"},
		{"tidy loss", func(t *testing.T) string { return edit(t, "<name>foo</name>", "<name>foo<!-- x --></name>") }, "tidy-loss@5"},
		{"trailing blank", func(t *testing.T) string { return edit(t, "</topic>", "</topic>\t") }, "whitespace-trailing@2"},
		{"indent spaces", func(t *testing.T) string { return edit(t, "\t<name>", "        <name>") }, "whitespace-indent@5"},
		{"indent space before tab", func(t *testing.T) string { return edit(t, "\t<name>", " \t<name>") }, "whitespace-indent@5"},
		{"indent seven spaces ok", func(t *testing.T) string { return edit(t, "\t<name>", "       <name>") }, ""},
		{"vid syntax", func(t *testing.T) string { return edit(t, "2a4c5f2e-8a8b-4d6e", "2a4c5f2e-8a8b-0d6e") }, "vid-syntax@1"},
		{"topic format", func(t *testing.T) string { return edit(t, "foo -- buffer overflow", "foo: buffer overflow") }, "topic-format@2"},
		{"cvename", func(t *testing.T) string { return edit(t, "CVE-2026-1234", "CVE-2026-12") }, "cvename-syntax@18"},
		{"cvename CAN", func(t *testing.T) string { return edit(t, "CVE-2026-1234", "CAN-2003-0001") }, "cvename-syntax@18"},
		{"url syntax", func(t *testing.T) string { return edit(t, "<url>https://example.org/a", "<url>example.org/a") }, "reference-syntax@19"},
		{"placeholder topic", func(t *testing.T) string { return edit(t, "<topic>foo -- buffer overflow", "<topic>foo -- FIXME") }, "placeholder@2"},
		{"placeholder name", func(t *testing.T) string { return edit(t, "<name>foo</name>", "<name>null</name>") }, "placeholder@5"},
		{"placeholder empty version", func(t *testing.T) string { return edit(t, "<lt>1.0</lt>", "<lt></lt>") }, "placeholder@6"},
		{"placeholder cite", func(t *testing.T) string { return edit(t, `cite="https://example.org/a"`, `cite="null"`) }, "placeholder@12"},
		{"placeholder source", func(t *testing.T) string { return edit(t, "Foo reports:", "SO-AND-SO reports:") }, "placeholder@11"},
		{"placeholder date", func(t *testing.T) string { return edit(t, "<discovery>2026-01-01", "<discovery>2026-01-FIXME") }, "placeholder@22"},
		{"range missing", func(t *testing.T) string { return edit(t, "\t<range><lt>1.0</lt></range>\n", "") }, "structure@4"},
		{"range form order", func(t *testing.T) string { return edit(t, "<lt>1.0</lt>", "<lt>1.0</lt><ge>0.5</ge>") }, "range-form@6"},
		{"range form dash", func(t *testing.T) string { return edit(t, "<lt>1.0</lt>", "<lt>1.0-1</lt>") }, "range-form@6"},
		{"range empty", func(t *testing.T) string { return edit(t, "<lt>1.0</lt>", "<gt>1.0</gt><le>1.0</le>") }, "range-empty@6 range-gt@6"},
		{"range inverted", func(t *testing.T) string { return edit(t, "<lt>1.0</lt>", "<ge>2.0</ge><lt>1.0</lt>") }, "range-inverted@6"},
		{"range overlap", func(t *testing.T) string {
			return edit(t, "<range><lt>1.0</lt></range>", "<range><lt>1.0</lt></range>\n\t<range><ge>0.9</ge><lt>2.0</lt></range>")
		}, "range-overlap@7"},
		{"range overlap across packages", func(t *testing.T) string {
			return edit(t, "      </package>\n", "      </package>\n      <package>\n\t<name>foo</name>\n\t<range><lt>1.0</lt></range>\n      </package>\n")
		}, "range-overlap@10"},
		{"ranges adjacent ok", func(t *testing.T) string {
			return edit(t, "<range><lt>1.0</lt></range>", "<range><lt>1.0</lt></range>\n\t<range><ge>1.0</ge><lt>2.0</lt></range>")
		}, ""},
		{"range gt", func(t *testing.T) string { return edit(t, "<lt>1.0</lt>", "<gt>0.5</gt><lt>1.0</lt>") }, "range-gt@6"},
		{"name glob", func(t *testing.T) string { return edit(t, "<name>foo</name>", "<name>foo[0-9]</name>") }, "name-glob@5"},
		{"epoch inconsistent", func(t *testing.T) string {
			return edit(t, "<range><lt>1.0</lt></range>", "<range><lt>1.0,1</lt></range>\n\t<range><ge>2.0</ge><lt>2.5</lt></range>")
		}, "epoch-inconsistent@6"},
		{"epoch missing", func(t *testing.T) string {
			return strings.Replace(clean, "<lt>1.0</lt>", "<lt>1.0,1</lt>", 1) + "\n" +
				strings.NewReplacer("2a4c5f2e", "3a4c5f2e", "<lt>1.0</lt>", "<lt>1.5</lt>").Replace(clean)
		}, "epoch-missing@32"},
		{"epoch older version ok", func(t *testing.T) string {
			return strings.Replace(clean, "<lt>1.0</lt>", "<lt>2.0,1</lt>", 1) + "\n" +
				strings.NewReplacer("2a4c5f2e", "3a4c5f2e", "<lt>1.0</lt>", "<lt>1.5</lt>").Replace(clean)
		}, ""},
		{"year file", func(t *testing.T) string {
			return edit(t, "<discovery>2026-01-01</discovery>\n      <entry>2026-01-02", "<discovery>2025-01-01</discovery>\n      <entry>2025-12-31")
		}, "year-file@23"},
		{"cancelled", func(t *testing.T) string {
			return `  <vuln vid="6fd9a1e9-efd3-11d8-9837-000c41e2cdad"><cancelled/></vuln>` + "\n"
		}, ""},
		{"cancelled superseded", func(t *testing.T) string {
			return `  <vuln vid="6fd9a1e9-efd3-11d8-9837-000c41e2cdad"><cancelled superseded="x"/></vuln>` + "\n"
		}, "vid-syntax@1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := strings.Join(got(t, tc.text(t)), " ")
			if g != tc.want {
				t.Errorf("got %q, want %q", g, tc.want)
			}
		})
	}
}

func TestSkip(t *testing.T) {
	text := edit(t, "foo -- buffer overflow", "foo: buffer overflow")
	fs, err := validate.Bytes("2026.xml", []byte(text), validate.Options{Now: now, Skip: []string{"topic-format"}})
	if err != nil || len(fs) != 0 {
		t.Fatalf("%v %v", fs, err)
	}
}

func TestFindingString(t *testing.T) {
	f := validate.Finding{File: "vuln/2026.xml", Line: 3, Col: 5, Severity: validate.Warning, Check: "topic-format", Message: "m", VID: "v"}
	if s := f.String(); s != "vuln/2026.xml:3:5: warning: m [v]" {
		t.Fatal(s)
	}
}

func TestNotXML(t *testing.T) {
	_, err := validate.Bytes("2026.xml", []byte("  <vuln vid=\"x\">\n  </vul>\n"), validate.Options{})
	var fe *validate.FileError
	if err == nil || !errorsAs(err, &fe) {
		t.Fatalf("err %v", err)
	}
}

func errorsAs(err error, fe **validate.FileError) bool {
	e, ok := err.(*validate.FileError)
	*fe = e
	return ok
}

// Every check has an id, an origin and a description; the ids are unique.
func TestChecksListed(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range validate.Checks {
		if c.ID == "" || c.Origin == "" || c.Doc == "" || seen[c.ID] {
			t.Errorf("check %+v", c)
		}
		seen[c.ID] = true
	}
}

// The description sizes agree with Python's xml.etree.ElementTree for every
// entry of the real files (testdata/et-description-sizes.tsv, produced with
// Python 3.11.7).
func TestDescriptionSizeVsElementTree(t *testing.T) {
	f, err := os.Open("testdata/et-description-sizes.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]int{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		vid, n, _ := strings.Cut(sc.Text(), "\t")
		want[vid], _ = strconv.Atoi(n)
	}
	checked := 0
	for _, year := range []string{"2003", "2025", "2026"} {
		path := "../../testdata/vuxml/vuln-" + year + ".xml"
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := vuxml.Parse(data, vuxml.ParseOptions{FileName: path})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range doc.Entries {
			if e.Cancelled != nil {
				continue
			}
			text := string(data[e.Start:e.End])
			i := strings.LastIndex(text, "</description>")
			rest := text[i+len("</description>"):]
			tail := rest[:strings.IndexByte(rest, '<')]
			if got := validate.DescriptionSize(e.Description.XHTML, tail); got != want[e.VID] {
				t.Errorf("%s: size %d, ElementTree %d", e.VID, got, want[e.VID])
			}
			checked++
		}
	}
	if checked != len(want) || checked != 235 {
		t.Fatalf("checked %d of %d", checked, len(want))
	}
}

// The real data: what each check finds there (the findings themselves are
// in the CLI's golden files, reviewed one by one).
func TestRealData(t *testing.T) {
	var paths []string
	for _, y := range []string{"2003", "2025", "2026"} {
		paths = append(paths, "../../testdata/vuxml/vuln-"+y+".xml")
	}
	fs, err := validate.Files(paths, validate.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for _, f := range fs {
		count[f.Check+"/"+string(f.Severity)]++
	}
	want := map[string]int{
		"topic-format/warning":       11, // 7 free-form topics in 2003, 4 in 2025
		"placeholder/error":          4,  // <name>null</name>, <lt>null</lt>, cite="null", SO-AND-SO reports
		"range-form/error":           33, // grafana versions "...+security-01": pkg compares "01"
		"range-gt/warning":           5,  // navidrome, thunderbird (2), firefox-esr
		"range-overlap/warning":      2,  // firefox twice in one entry, thunderbird < 136.0 and < 128.8
		"epoch-inconsistent/warning": 1,  // 2026 openssl < 3.0.19,1 and < 3.0.19
		"epoch-missing/warning":      23, // firefox-esr without ,1 (and firefox 137.0 without ,2)
	}
	for k, n := range want {
		if count[k] != n {
			t.Errorf("%s: %d findings, want %d", k, count[k], n)
		}
	}
	for k, n := range count {
		if _, ok := want[k]; !ok {
			t.Errorf("unexpected %s: %d findings", k, n)
		}
	}
}

// A whole document is checked like a fragment; its root gets tidy.xsl's
// layout too.
func TestWholeDocument(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-8"?>
<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">
` + clean + `</vuxml>
`
	fs, err := validate.Bytes("vuln.xml", []byte(doc), validate.Options{Now: now})
	if err != nil || len(fs) != 0 {
		t.Fatalf("%v %v", fs, err)
	}
	tight := strings.Replace(doc, "-1c2d3e4f5a6b\">", "-1c2d3e4f5a6b\">", 1)
	tight = strings.Replace(tight, "<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">\n  ", "<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">", 1)
	if g := strings.Join(got(t, tight), " "); g != "tidy@2" {
		t.Errorf("layout: %s", g)
	}
}
