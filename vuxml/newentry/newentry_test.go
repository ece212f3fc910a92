package newentry_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/vuxml/newentry"
	"github.com/pkgaudit/pkgaudit/vuxml/validate"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

const vid = "0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d"

// newentry.sh's template, byte for byte, for vid and the date above.
const template = `  <vuln vid="0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d">
    <topic> -- </topic>
    <affects>
      <package>
	<name></name>
	<range><lt></lt></range>
      </package>
    </affects>
    <description>
      <body xmlns="http://www.w3.org/1999/xhtml">
	<p>SO-AND-SO reports:</p>
	<blockquote cite="INSERT URL HERE">
	  <p>.</p>
	</blockquote>
      </body>
    </description>
    <references>
      <url>INSERT SAME URL HERE</url>
    </references>
    <dates>
      <discovery>2026-11-FIXME</discovery>
      <entry>2026-11-22</entry>
    </dates>
  </vuln>
`

func TestTemplate(t *testing.T) {
	got, err := newentry.Entry(newentry.Options{Now: now, VID: vid})
	if err != nil {
		t.Fatal(err)
	}
	if got != template {
		t.Errorf("template differs:\n%s", got)
	}
	// The UTC date counts: 23:30 in UTC-5 is the next day in UTC.
	late := time.Date(2026, 11, 30, 23, 30, 0, 0, time.FixedZone("EST", -5*3600))
	got, _ = newentry.Entry(newentry.Options{Now: late, VID: vid})
	if !strings.Contains(got, "<discovery>2026-12-FIXME</discovery>") || !strings.Contains(got, "<entry>2026-12-01</entry>") {
		t.Errorf("dates not in UTC:\n%s", got)
	}
}

func TestFilled(t *testing.T) {
	got, err := newentry.Entry(newentry.Options{Now: now, VID: strings.ToUpper(vid),
		Topic: "curl -- <header> & injection", Packages: []string{"curl", "linux-rl9-curl"},
		GE: "7.0", LT: "8.15.0", CVEs: []string{"CVE-2026-1234", "CVE-2026-1235"},
		URL: `https://curl.se/docs/CVE-2026-1234.html?a=1&b="2"`})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		`<vuln vid="` + vid + `">`,
		"<topic>curl -- &lt;header&gt; &amp; injection</topic>",
		"\t<name>curl</name>\n\t<name>linux-rl9-curl</name>\n\t<range><ge>7.0</ge><lt>8.15.0</lt></range>\n",
		`<blockquote cite="https://curl.se/docs/CVE-2026-1234.html?a=1&amp;b=&quot;2&quot;">`,
		"      <cvename>CVE-2026-1234</cvename>\n      <cvename>CVE-2026-1235</cvename>\n      <url>https://curl.se/docs/CVE-2026-1234.html?a=1&amp;b=\"2\"</url>\n",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in\n%s", want, got)
		}
	}
	got, _ = newentry.Entry(newentry.Options{Now: now, VID: vid, Packages: []string{"curl"}})
	if !strings.Contains(got, "<topic>curl -- FIXME</topic>") {
		t.Errorf("topic from the package:\n%s", got)
	}
	if _, err := newentry.Entry(newentry.Options{Now: now, VID: vid, Topic: "a\nb"}); err == nil {
		t.Error("multi-line topic accepted")
	}
	if _, err := newentry.Entry(newentry.Options{Now: now, VID: "nope"}); err == nil {
		t.Error("bad vid accepted")
	}
}

func TestNewVID(t *testing.T) {
	for _, v := range []int{1, 4} {
		id, err := newentry.NewVID(v)
		if err != nil {
			t.Fatal(err)
		}
		if len(id) != 36 || id != strings.ToLower(id) || id[14] != byte('0'+v) {
			t.Errorf("version %d: %s", v, id)
		}
	}
	if _, err := newentry.NewVID(3); err == nil {
		t.Error("version 3 accepted")
	}
}

func TestInsert(t *testing.T) {
	entry, _ := newentry.Entry(newentry.Options{Now: now, VID: vid})
	year := "  <vuln vid=\"a\">\n  </vuln>\n\n  <vuln vid=\"b\">\n  </vuln>\n"
	got, line := newentry.Insert([]byte(year), entry)
	if string(got) != entry+"\n"+year || line != 1 {
		t.Errorf("year file: line %d\n%s", line, got)
	}
	doc := "<?xml version=\"1.0\"?>\n<!DOCTYPE vuxml>\n<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">\n<!-- keep me -->\n  <vuln vid=\"a\">\n  </vuln>\n</vuxml>\n"
	got, line = newentry.Insert([]byte(doc), entry)
	want := "<?xml version=\"1.0\"?>\n<!DOCTYPE vuxml>\n<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">\n<!-- keep me -->\n" + entry + "\n  <vuln vid=\"a\">\n  </vuln>\n</vuxml>\n"
	if string(got) != want || line != 5 {
		t.Errorf("document: line %d\n%s", line, got)
	}
	empty := "<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">\n</vuxml>\n"
	got, _ = newentry.Insert([]byte(empty), entry)
	if string(got) != "<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">\n"+entry+"\n</vuxml>\n" {
		t.Errorf("empty document:\n%s", got)
	}
	got, _ = newentry.Insert(nil, entry)
	if string(got) != entry {
		t.Errorf("empty year file:\n%s", got)
	}
}

// The template fails validation on every marker, and validates once the
// markers are replaced: exactly what newentry.sh intends.
func TestRoundTrip(t *testing.T) {
	entry, err := newentry.Entry(newentry.Options{Now: now, VID: vid, Topic: "curl -- header injection",
		Packages: []string{"curl"}, LT: "8.15.0", CVEs: []string{"CVE-2026-1234"}, URL: "https://curl.se/docs/CVE-2026-1234.html"})
	if err != nil {
		t.Fatal(err)
	}
	real, err := os.ReadFile("../../testdata/vuxml/vuln-2026.xml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "2026.xml")
	doc, _ := newentry.Insert(real, entry)
	fs, err := validate.Bytes(path, doc, validate.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	var markers []string
	for _, f := range fs {
		if f.VID == vid {
			markers = append(markers, f.Check)
		}
	}
	if strings.Join(markers, " ") != "placeholder placeholder placeholder" {
		t.Errorf("findings on the filled template: %v", fs)
	}
	filled := strings.NewReplacer("SO-AND-SO reports:", "The curl project reports:",
		"<p>.</p>", "<p>A header injection.</p>", "2026-11-FIXME", "2026-11-20").Replace(entry)
	doc, _ = newentry.Insert(real, filled)
	fs, err = validate.Bytes(path, doc, validate.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.VID == vid || f.Severity == validate.Error && f.Line < 30 {
			t.Errorf("finding on the completed entry: %v", f)
		}
	}
	// The bare template: every marker is an error.
	bare, _ := newentry.Entry(newentry.Options{Now: now, VID: vid})
	fs, _ = validate.Bytes(path, []byte(bare), validate.Options{Now: now})
	errs, _ := validate.Count(fs)
	if errs < 7 {
		t.Errorf("the bare template gives only %d errors: %v", errs, fs)
	}
}

func TestFindPortDir(t *testing.T) {
	root := t.TempDir()
	port := filepath.Join(root, "ports", "security", "vuxml")
	os.MkdirAll(filepath.Join(port, "vuln"), 0o755)
	os.WriteFile(filepath.Join(port, "vuln.xml"), []byte("<vuxml/>"), 0o644)
	if d, err := newentry.FindPortDir(filepath.Join(port, "vuln"), ""); err != nil || d != port {
		t.Errorf("from vuln/: %q %v", d, err)
	}
	if d, err := newentry.FindPortDir(root, filepath.Join(root, "ports")); err != nil || d != port {
		t.Errorf("from PORTSDIR: %q %v", d, err)
	}
	if _, err := newentry.FindPortDir(root, ""); err == nil {
		t.Error("found a port where there is none")
	}
	if _, err := newentry.FindPortDir(root, root); err == nil {
		t.Error("PORTSDIR without the port accepted")
	}
	if got := newentry.YearFile(port, now); got != filepath.Join(port, "vuln", "2026.xml") {
		t.Error(got)
	}
}
