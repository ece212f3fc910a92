package cverecord

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "cve", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseProviders(t *testing.T) {
	curl := []Affected{{Vendor: "haxx", Product: "curl", Ranges: []Range{{{"ge", "8.8.0"}, {"lt", "8.14.0"}}}}}
	for _, c := range []struct {
		file     string
		provider Provider
		want     Record
	}{
		{"nvd-CVE-2025-5025.json", NVD, Record{ID: "CVE-2025-5025", URL: "https://nvd.nist.gov/vuln/detail/CVE-2025-5025",
			Source: "curl.se", Summary: "libcurl supports pinning of the server certificate public key for HTTPS transfers",
			Published: "2025-05-28", Affected: curl,
			References: []string{"https://curl.se/docs/CVE-2025-5025.html", "https://curl.se/docs/CVE-2025-5025.json", "https://hackerone.com/reports/3153497"}}},
		{"mitre-CVE-2025-5025.json", MITRE, Record{ID: "CVE-2025-5025", URL: "https://cveawg.mitre.org/api/cve/CVE-2025-5025",
			Source: "curl", Summary: "CWE-295 Improper Certificate Validation", Published: "2025-05-28",
			Affected:   []Affected{{Vendor: "curl", Product: "curl", Ranges: []Range{{{"ge", "8.8.0"}, {"lt", "8.14.0"}}}}},
			References: []string{"https://curl.se/docs/CVE-2025-5025.json", "https://curl.se/docs/CVE-2025-5025.html", "https://hackerone.com/reports/3153497"}}},
		{"mitre-CVE-2025-4947.json", MITRE, Record{ID: "CVE-2025-4947", URL: "https://cveawg.mitre.org/api/cve/CVE-2025-4947",
			Source: "curl", Summary: "CWE-295 Improper Certificate Validation", Published: "2025-05-28",
			Affected:   []Affected{{Vendor: "curl", Product: "curl", Ranges: []Range{{{"eq", "8.13.0"}}, {{"eq", "8.12.1"}}, {{"eq", "8.12.0"}}}}},
			References: []string{"https://curl.se/docs/CVE-2025-4947.json", "https://curl.se/docs/CVE-2025-4947.html"}}},
		{"euvd-CVE-2025-5025.json", EUVD, Record{ID: "CVE-2025-5025", Aliases: []string{"EUVD-2025-16489"},
			URL: "https://euvd.enisa.europa.eu/vulnerability/EUVD-2025-16489", Source: "curl",
			Summary:   "libcurl supports *pinning* of the server certificate public key for HTTPS transfers",
			Published: "2025-05-28", Affected: []Affected{{Product: "curl", Ranges: []Range{{{"ge", "8.8.0"}, {"lt", "8.14.0"}}}}},
			References: []string{"https://curl.se/docs/CVE-2025-5025.json", "https://curl.se/docs/CVE-2025-5025.html",
				"https://hackerone.com/reports/3153497", "https://nvd.nist.gov/vuln/detail/CVE-2025-5025"}}},
	} {
		data := fixture(t, c.file)
		if p, err := Detect(data); err != nil || p != c.provider {
			t.Errorf("%s: Detect = %v, %v", c.file, p, err)
		}
		for _, want := range []string{"", c.want.ID, strings.ToLower(c.want.ID)} {
			r, err := Parse(c.file, data, want)
			if err != nil {
				t.Fatalf("%s (want %q): %v", c.file, want, err)
			}
			if !strings.Contains(r.Description, "QUIC") {
				t.Errorf("%s: description %q", c.file, r.Description)
			}
			got := *r
			got.Description = ""
			w := c.want
			w.Provider = c.provider
			if !reflect.DeepEqual(got, w) {
				t.Errorf("%s:\n got %+v\nwant %+v", c.file, got, w)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	nvd := string(fixture(t, "nvd-CVE-2025-5025.json"))
	for _, c := range []struct {
		name, data, want, msg string
		syntax                bool
	}{
		{"empty NVD answer", string(fixture(t, "nvd-empty.json")), "CVE-2025-5025", "NVD has no record of it", false},
		{"NVD record of another CVE", nvd, "CVE-2025-4947", "the answer is a record of CVE-2025-5025, not of CVE-2025-4947", false},
		{"MITRE record of another CVE", string(fixture(t, "mitre-CVE-2025-4947.json")), "CVE-2025-5025", "record of CVE-2025-4947, not of CVE-2025-5025", false},
		{"EUVD record of another CVE", string(fixture(t, "euvd-CVE-2025-5025.json")), "CVE-2025-4947", "not of CVE-2025-4947", false},
		{"rejected", string(fixture(t, "mitre-rejected.json")), "", "the record is rejected: ** REJECT ** DO NOT USE", false},
		{"service error", string(fixture(t, "mitre-not-found.json")), "CVE-2025-9999", "CVE_RECORD_DNE: The cve record for the cve id does not exist.", false},
		{"truncated", nvd[:len(nvd)/2], "", "truncated JSON", true},
		{"trailing text", nvd + "x", "", "text after the JSON value", true},
		{"malformed", "{\n  \"vulnerabilities\": [,]\n}", "", "2:23: malformed JSON", true},
		{"wrong type", `{"vulnerabilities": [{"cve": {"id": 5}}]}`, "", "NVD: vulnerabilities.cve.id is not a string value", true},
		{"not a record", `{"hello": "world"}`, "", "not a CVE record", true},
		{"empty", " \n", "", "empty record", true},
		{"not UTF-8", "{\"a\": \"\xff\"}", "", "1:8: invalid UTF-8", true},
		{"bad id", `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-20X"}}`, "", "is not a CVE id", false},
	} {
		_, err := Parse("rec.json", []byte(c.data), c.want)
		if err == nil {
			t.Errorf("%s: no error", c.name)
			continue
		}
		var se *SyntaxError
		var pe *Error
		if c.syntax != errors.As(err, &se) || !c.syntax && !errors.As(err, &pe) {
			t.Errorf("%s: error %T %v", c.name, err, err)
		}
		if !strings.Contains(err.Error(), c.msg) || !strings.HasPrefix(err.Error(), "rec.json:") {
			t.Errorf("%s: %q does not say %q", c.name, err, c.msg)
		}
	}
	// A truncated record is positioned at its end.
	_, err := Parse("rec.json", []byte("{\n\"a\": [1,"), "")
	if err == nil || !strings.HasPrefix(err.Error(), "rec.json:2:9: truncated") {
		t.Errorf("truncated: %v", err)
	}
}

func TestFirstSentence(t *testing.T) {
	for in, want := range map[string]string{
		"curl 8.5.0 leaks memory. More text.": "curl 8.5.0 leaks memory",
		"No stop at all":                      "No stop at all",
		"Ends with a stop.":                   "Ends with a stop",
		"  spaced\n  out.  Next":              "spaced out",
		"In v1.2. the fix":                    "In v1.2",
	} {
		if got := firstSentence(in); got != want {
			t.Errorf("firstSentence(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEUVDRange(t *testing.T) {
	for in, want := range map[string]string{
		"8.6.0 ≤8.13.0":  "ge 8.6.0, le 8.13.0",
		"8.13.0 ≤8.13.0": "eq 8.13.0",
		"0 <3.0.16":      "lt 3.0.16",
		"<1.2":           "lt 1.2",
		"<= 2.0":         "le 2.0",
		"1.4.2":          "eq 1.4.2",
		"":               "",
		"n/a":            "",
		"0":              "",
		"* <*":           "",
		"1.0 to 2.0":     "",
	} {
		if got := euvdRange(in).String(); got != want {
			t.Errorf("euvdRange(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"May 28, 2025, 6:37:39 AM": "2025-05-28",
		"Jun 2, 2025, 2:12:45 PM":  "2025-06-02",
		"2025-05-28T06:37:39Z":     "2025-05-28",
		"yesterday":                "",
	} {
		if got := euvdDate(in); got != want {
			t.Errorf("euvdDate(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestNVDCPEs(t *testing.T) {
	data := `{"vulnerabilities":[{"cve":{"id":"CVE-2024-0001","published":"2024-01-02T03:04:05.000",
	"sourceIdentifier":"security@example.org",
	"descriptions":[{"lang":"es","value":"Hola."},{"lang":"en","value":"Bad thing."}],
	"configurations":[{"nodes":[{"operator":"OR","negate":false,"cpeMatch":[
	 {"vulnerable":true,"criteria":"cpe:2.3:a:openbsd:openssh:9.9:p1:*:*:*:*:*:*"},
	 {"vulnerable":true,"criteria":"cpe:2.3:a:example:a\\:b:*:*:*:*:*:*:*:*","versionStartExcluding":"1.0","versionEndIncluding":"1.5"},
	 {"vulnerable":false,"criteria":"cpe:2.3:o:freebsd:freebsd:-:*:*:*:*:*:*:*"},
	 {"vulnerable":true,"criteria":"cpe:2.3:a:example:nover:*:*:*:*:*:*:*:*"}]}]}]}}]}`
	r, err := Parse("x.json", []byte(data), "CVE-2024-0001")
	if err != nil {
		t.Fatal(err)
	}
	want := []Affected{
		{Vendor: "openbsd", Product: "openssh", Ranges: []Range{{{"eq", "9.9p1"}}}},
		{Vendor: "example", Product: "a:b", Ranges: []Range{{{"gt", "1.0"}, {"le", "1.5"}}}},
		{Vendor: "example", Product: "nover"},
	}
	if !reflect.DeepEqual(r.Affected, want) || r.Source != "security@example.org" || r.Summary != "Bad thing" || r.Published != "2024-01-02" {
		t.Errorf("got %+v", r)
	}
}

func TestCheckID(t *testing.T) {
	for _, ok := range []string{"CVE-2025-5025", "cve-2025-12345678", " CVE-1999-0001 "} {
		if _, err := CheckID(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "CVE-25-1", "CVE-2025-123", "CVE-2025-1234/x", "GHSA-xxxx"} {
		if _, err := CheckID(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// An EUVD search answer ({"items": [...]}) holds several records: the one
// whose aliases name the CVE is taken.
func TestParseEUVDSearch(t *testing.T) {
	data := fixture(t, "euvd-search-CVE-2025-5025.json")
	r, err := Parse("s.json", data, "CVE-2025-5025")
	if err != nil {
		t.Fatal(err)
	}
	if r.Aliases[0] != "EUVD-2025-16489" || r.Published != "2025-05-28" || r.Source != "curl" {
		t.Errorf("%+v", r)
	}
	if _, err := Parse("s.json", data, ""); err == nil || !strings.Contains(err.Error(), "holds 2 records") {
		t.Errorf("no id: %v", err)
	}
	if _, err := Parse("s.json", data, "CVE-2025-0001"); err == nil || !strings.Contains(err.Error(), "not of CVE-2025-0001") {
		t.Errorf("other id: %v", err)
	}
	if _, err := Parse("s.json", []byte(`{"items": [], "total": 0}`), "CVE-2025-0001"); err == nil || !strings.Contains(err.Error(), "EUVD has no record") {
		t.Errorf("empty: %v", err)
	}
}

// CVE JSON 5 version entries: ranges, "*" upper bounds, unaffected
// entries and git commit ranges (not versions) left out.
func TestMITREVersions(t *testing.T) {
	data := `{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2024-0002","state":"PUBLISHED","datePublished":"2024-02-03T00:00:00Z"},
	"containers":{"cna":{"descriptions":[{"lang":"en","value":"x"}],"affected":[
	 {"vendor":"Linux","product":"Linux","versions":[
	  {"version":"1da177e4c3f4","lessThan":"5d2ddf4e1b2e","status":"affected","versionType":"git"},
	  {"version":"6.1","status":"affected","versionType":"semver"},
	  {"version":"0","lessThan":"6.1","status":"unaffected","versionType":"semver"},
	  {"version":"6.6.14","lessThanOrEqual":"6.6.*","status":"unaffected","versionType":"semver"}]},
	 {"product":"n/a","versions":[{"version":"n/a","status":"affected"}]},
	 {"vendor":"ex","product":"Tool","versions":[{"version":"2.0","lessThan":"*","status":"affected"},{"version":"0","lessThanOrEqual":"1.4","status":"affected"}]}]}}}`
	r, err := Parse("x.json", []byte(data), "")
	if err != nil {
		t.Fatal(err)
	}
	want := []Affected{
		{Vendor: "Linux", Product: "Linux", Ranges: []Range{{{"eq", "6.1"}}}},
		{Vendor: "ex", Product: "Tool", Ranges: []Range{{{"ge", "2.0"}}, {{"le", "1.4"}}}},
	}
	if !reflect.DeepEqual(r.Affected, want) || r.Summary != "x" {
		t.Errorf("got %+v", r)
	}
}
