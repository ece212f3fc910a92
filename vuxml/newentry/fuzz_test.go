package newentry_test

import (
	"testing"

	"github.com/pkgaudit/pkgaudit/vuxml"
	"github.com/pkgaudit/pkgaudit/vuxml/cverecord"
	"github.com/pkgaudit/pkgaudit/vuxml/newentry"
	"github.com/pkgaudit/pkgaudit/vuxml/tidy"
)

// FuzzFromRecords: whatever text a record carries, the entry is
// well-formed VuXML that tidy leaves alone.
func FuzzFromRecords(f *testing.F) {
	f.Add("Bad <b>&amp; \"x\"\n\ny", "sum. more", "src@x", "curl", "1.0", "2.0", "https://x/?a=1&b=\"2\"", "CVE-2025-0001")
	f.Add("", "", "", "", "", "", "", "CVE-2025-0001")
	f.Add("\x00\x1f\uFFFE]]>", "--", "<", "a b", "*", "<", "\"", "CVE-2025-0002")
	f.Fuzz(func(t *testing.T, desc, summary, source, product, lo, hi, url, id string) {
		r, err := cverecord.Parse("f.json", []byte(`{"dataType":"CVE_RECORD","cveMetadata":{"cveId":"CVE-2025-0001"}}`), "")
		if err != nil {
			t.Fatal(err)
		}
		r.Description, r.Summary, r.Source, r.URL = desc, summary, source, url
		r.Affected = []cverecord.Affected{{Product: product, Ranges: []cverecord.Range{{{Op: "ge", Version: lo}, {Op: "lt", Version: hi}}}}}
		entry, err := newentry.FromRecords(newentry.Options{Now: now, VID: vid, CVEs: []string{id}}, []*cverecord.Record{r})
		if err != nil {
			return // values on several lines are refused
		}
		if _, err := vuxml.Parse([]byte(entry), vuxml.ParseOptions{}); err != nil {
			t.Fatalf("%v\n%s", err, entry)
		}
		if _, err := tidy.Tidy("f.xml", []byte(entry), tidy.Options{}); err != nil {
			t.Fatalf("tidy: %v\n%s", err, entry)
		}
	})
}
