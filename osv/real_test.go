package osv

import (
	"bytes"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/internal/vectors"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// combinedVuXML assembles vuxml-combined.xml (see vectors.CombinedVuXML).
func combinedVuXML(t testing.TB) []byte {
	t.Helper()
	data, err := vectors.CombinedVuXML("../testdata/vuxml")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func realDocument(t testing.TB) *vuxml.Document {
	t.Helper()
	doc, err := vuxml.Parse(combinedVuXML(t), vuxml.ParseOptions{FileName: "vuxml-combined.xml"})
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

func realRecords(t testing.TB) []*Vulnerability {
	t.Helper()
	vs, err := FromVuXMLDocument(realDocument(t), VuXMLOptions{})
	if err != nil {
		t.Fatal(err)
	}
	return vs
}

// Every record exported from the 237 real entries is valid OSV 1.7.5.
func TestExportRealVuXMLValid(t *testing.T) {
	doc := realDocument(t)
	vs := realRecords(t)
	if len(vs) != 237 {
		t.Fatalf("%d records, want 237", len(vs))
	}
	withdrawn := 0
	for i, v := range vs {
		b, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(t, "osv", b); err != nil {
			t.Errorf("%s: %v\n%s", v.ID, err, b)
		}
		if v.Withdrawn != "" {
			withdrawn++
		}
		// The description converted to CommonMark renders as the XHTML.
		if x := doc.Entries[i].Description.XHTML; x != "" {
			checkMarkdownRoundTrip(t, x, v.Details)
		}
	}
	if withdrawn != 2 {
		t.Errorf("%d withdrawn records, want the 2 cancelled entries", withdrawn)
	}
	// Deterministic: the same input gives the same bytes.
	again := realRecords(t)
	for i := range vs {
		a, _ := Marshal(vs[i])
		b, _ := Marshal(again[i])
		if !bytes.Equal(a, b) {
			t.Fatalf("%s: two exports differ", vs[i].ID)
		}
	}
}

// Every record exported from the real 2011 pkg-vulnerabilities file is
// valid OSV 1.7.5 but for the two documented exceptions (x_ id prefix,
// pkgsrc ecosystem), and reads back as the same lines.
func TestExportRealPkgsrcValid(t *testing.T) {
	f, err := pkgsrc.ParseFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817", pkgsrc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := FromPkgsrc(f, PkgsrcOptions{})
	if err != nil {
		t.Fatal(err)
	}
	distinct := map[string]bool{}
	for _, e := range f.Entries {
		distinct[e.Pattern+"\t"+e.Class+"\t"+e.URL] = true
	}
	if len(vs) != len(distinct) {
		t.Errorf("%d records for %d distinct lines", len(vs), len(distinct))
	}
	want := map[string]bool{}
	for _, e := range f.Entries {
		want[e.URL+"\t"+e.Pattern+"\t"+e.Class] = true
	}
	for _, v := range vs {
		if v.Modified != "2011-04-06T22:06:37Z" {
			t.Fatalf("%s: modified %s, want the $NetBSD$ date", v.ID, v.Modified)
		}
		b, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		if err := validate(t, "pkgsrc", b); err != nil {
			t.Errorf("%s: %v\n%s", v.ID, err, b)
		}
		back, err := Parse("x.json", b)
		if err != nil {
			t.Fatal(err)
		}
		adv, ok, err := ToAdvisory(back[0], ConvertOptions{})
		if err != nil || !ok {
			t.Fatalf("%s: %v %v", v.ID, ok, err)
		}
		if len(adv.Affects) != 1 || adv.Affects[0].Scheme != advisory.Pkgsrc {
			t.Fatalf("%s: affects %+v", v.ID, adv.Affects)
		}
		key := adv.URL + "\t" + adv.Affects[0].Pattern + "\t" + adv.Class
		if !want[key] || adv.ID != adv.URL {
			t.Errorf("%s: read back as %q", v.ID, key)
		}
	}
}
