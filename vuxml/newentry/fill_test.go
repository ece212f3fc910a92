package newentry_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/vuxml/cverecord"
	"github.com/pkgaudit/pkgaudit/vuxml/freebsdsa"
	"github.com/pkgaudit/pkgaudit/vuxml/newentry"
	"github.com/pkgaudit/pkgaudit/vuxml/tidy"
	"github.com/pkgaudit/pkgaudit/vuxml/validate"
)

func record(t *testing.T, name string) *cverecord.Record {
	t.Helper()
	data, err := os.ReadFile("../../testdata/cve/" + name)
	if err != nil {
		t.Fatal(err)
	}
	r, err := cverecord.Parse(name, data, "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// check puts entry at the top of the real 2026 year file and returns the
// validator's findings on it and tidy's changes and whitespace issues.
func check(t *testing.T, entry string) (findings []validate.Finding, tidyChanges int) {
	t.Helper()
	real, err := os.ReadFile("../../testdata/vuxml/vuln-2026.xml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "2026.xml")
	doc, _ := newentry.Insert(real, entry)
	fs, err := validate.Bytes(path, doc, validate.Options{Now: now})
	if err != nil {
		t.Fatalf("%v\n%s", err, entry)
	}
	for _, f := range fs {
		if f.VID == vid {
			findings = append(findings, f)
		}
	}
	res, spaces, err := tidy.Check(path, doc)
	if err != nil {
		t.Fatal(err)
	}
	return findings, len(res.Changes) + len(spaces)
}

func TestFromRecordsValidates(t *testing.T) {
	for _, c := range []struct {
		files    []string
		packages []string
		want     []string
	}{
		{[]string{"nvd-CVE-2025-5025.json"}, []string{"curl"}, []string{
			"<topic>curl -- libcurl supports pinning of the server certificate public key for HTTPS transfers</topic>",
			"\t<range><ge>8.8.0</ge><lt>8.14.0</lt></range>", "<p>curl.se reports:</p>",
			`<blockquote cite="https://nvd.nist.gov/vuln/detail/CVE-2025-5025">`, "<discovery>2025-05-28</discovery>",
			"<entry>2026-11-22</entry>", "<cvename>CVE-2025-5025</cvename>", "<url>https://nvd.nist.gov/vuln/detail/CVE-2025-5025</url>"}},
		{[]string{"mitre-CVE-2025-5025.json", "mitre-CVE-2025-4947.json"}, nil, []string{
			"<topic>curl -- Multiple vulnerabilities</topic>", "<name>curl</name>\n\t<range><ge>8.8.0</ge><lt>8.14.0</lt></range>\n      </package>",
			"<cvename>CVE-2025-5025</cvename>\n      <cvename>CVE-2025-4947</cvename>\n      <url>https://cveawg.mitre.org/api/cve/CVE-2025-5025</url>"}},
		{[]string{"euvd-CVE-2025-5025.json"}, []string{"curl", "linux-rl9-curl"}, []string{
			"<name>curl</name>\n\t<name>linux-rl9-curl</name>", "https://euvd.enisa.europa.eu/vulnerability/EUVD-2025-16489"}},
	} {
		var recs []*cverecord.Record
		for _, f := range c.files {
			recs = append(recs, record(t, f))
		}
		entry, err := newentry.FromRecords(newentry.Options{Now: now, VID: vid, Packages: c.packages}, recs)
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range c.want {
			if !strings.Contains(entry, w) {
				t.Errorf("%v: entry lacks %q:\n%s", c.files, w, entry)
			}
		}
		if newentry.HasMarkers(entry) {
			t.Errorf("%v: markers left:\n%s", c.files, entry)
		}
		fs, changes := check(t, entry)
		if len(fs) > 0 || changes > 0 {
			t.Errorf("%v: findings %v, %d tidy changes:\n%s", c.files, fs, changes, entry)
		}
	}
}

func TestFromRecordsFIXME(t *testing.T) {
	// A record that gives nothing but its id and text with markup in it.
	r := &cverecord.Record{ID: "CVE-2026-0001", Provider: cverecord.NVD, URL: "https://nvd.nist.gov/vuln/detail/CVE-2026-0001",
		Description: "Bad <script> & \"quotes\".\n\nSecond paragraph."}
	entry, err := newentry.FromRecords(newentry.Options{Now: now, VID: vid}, []*cverecord.Record{r})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"<topic>FIXME -- FIXME</topic>", "<name>FIXME</name>", "<range><lt>FIXME</lt></range>",
		"<p>NVD reports:</p>", "<p>Bad &lt;script&gt; &amp; \"quotes\".</p>\n\t  <p>Second paragraph.</p>", "<discovery>2026-11-FIXME</discovery>"} {
		if !strings.Contains(entry, w) {
			t.Errorf("entry lacks %q:\n%s", w, entry)
		}
	}
	fs, _ := check(t, entry)
	var n int
	for _, f := range fs {
		if f.Check == "placeholder" {
			n++
		}
	}
	if n != 4 {
		t.Errorf("want 4 placeholder findings (topic, name, lt, discovery), got %v", fs)
	}
	filled := strings.NewReplacer("FIXME -- FIXME", "foo -- bad script", "<name>FIXME</name>", "<name>foo</name>",
		"<lt>FIXME</lt>", "<lt>1.2</lt>", "2026-11-FIXME", "2026-11-20").Replace(entry)
	if fs, changes := check(t, filled); len(fs) > 0 || changes > 0 {
		t.Errorf("filled: %v, %d tidy changes:\n%s", fs, changes, filled)
	}
	// No description at all; explicit range, topic, extra CVE and URL.
	r = &cverecord.Record{ID: "CVE-2026-0001", Provider: cverecord.MITRE, URL: "https://cveawg.mitre.org/api/cve/CVE-2026-0001", Published: "2026-11-01",
		Affected: []cverecord.Affected{{Product: "Foo Bar", Ranges: []cverecord.Range{{{Op: "lt", Version: "9"}}}}}}
	entry, _ = newentry.FromRecords(newentry.Options{Now: now, VID: vid, GE: "1.0", LT: "1.5", Topic: "foo-bar -- crash",
		CVEs: []string{"CVE-2026-0002"}, URL: "https://foo.example/sa"}, []*cverecord.Record{r})
	for _, w := range []string{"<topic>foo-bar -- crash</topic>", "<name>foo-bar</name>", "<range><ge>1.0</ge><lt>1.5</lt></range>",
		"<p>CVE Services (MITRE) reports:</p>", "\t  <p>FIXME</p>", "<cvename>CVE-2026-0002</cvename>", "<url>https://foo.example/sa</url>",
		"<discovery>2026-11-01</discovery>"} {
		if !strings.Contains(entry, w) {
			t.Errorf("entry lacks %q:\n%s", w, entry)
		}
	}
	if strings.Contains(entry, "<lt>9</lt>") {
		t.Error("--lt did not replace the record's range")
	}
	if _, err := newentry.FromRecords(newentry.Options{Now: now, VID: vid}, nil); err == nil {
		t.Error("no records accepted")
	}
}

func TestFromAdvisory(t *testing.T) {
	data, err := os.ReadFile("../../testdata/sa/SA-25-05.openssh.asc")
	if err != nil {
		t.Fatal(err)
	}
	a, err := freebsdsa.Parse("SA-25-05.openssh.asc", data)
	if err != nil {
		t.Fatal(err)
	}
	entry, err := newentry.FromAdvisory(newentry.Options{Now: now, VID: vid}, a)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range []string{"<topic>FreeBSD -- Multiple vulnerabilities in OpenSSH</topic>", "<name>FreeBSD</name>",
		"\t<range><ge>14.2</ge><lt>14.2_2</lt></range>\n\t<range><ge>14.1</ge><lt>14.1_8</lt></range>\n\t<range><ge>13.4</ge><lt>13.4_4</lt></range>",
		"\t<h1>Problem Description:</h1>\n\t<p>OpenSSH client host verification error (CVE-2025-26465)</p>", "\t<h1>Impact:</h1>",
		"<cvename>CVE-2025-26466</cvename>\n      <freebsdsa>SA-25:05.openssh</freebsdsa>", "<discovery>2025-02-21</discovery>"} {
		if !strings.Contains(entry, w) {
			t.Errorf("entry lacks %q:\n%s", w, entry)
		}
	}
	if fs, changes := check(t, entry); len(fs) > 0 || changes > 0 {
		t.Errorf("findings %v, %d tidy changes:\n%s", fs, changes, entry)
	}
	// An advisory that says nothing usable: FIXMEs.
	bare := &freebsdsa.Advisory{Name: "FreeBSD-SA-26:99.foo", Topic: "Foo"}
	entry, _ = newentry.FromAdvisory(newentry.Options{Now: now, VID: vid}, bare)
	for _, w := range []string{"<name>FIXME</name>", "<lt>FIXME</lt>", "<h1>Impact:</h1>\n\t<p>FIXME</p>", "<discovery>2026-11-FIXME</discovery>"} {
		if !strings.Contains(entry, w) {
			t.Errorf("bare advisory: entry lacks %q:\n%s", w, entry)
		}
	}
	// --package names both base packages.
	entry, _ = newentry.FromAdvisory(newentry.Options{Now: now, VID: vid, Packages: []string{"FreeBSD", "FreeBSD-kernel"}}, a)
	if strings.Count(entry, "<package>") != 2 {
		t.Errorf("two packages wanted:\n%s", entry)
	}
}
