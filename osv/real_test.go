package osv

import (
	"bytes"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/audit"
	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/internal/vectors"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
	"github.com/pkgaudit/pkgaudit/version/freebsd"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// combinedVuXML assembles the document freebsd-audit.tsv was computed
// against (its header): the three year files inside one <vuxml> root,
// 2026 first.
func combinedVuXML(t testing.TB) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">\n")
	for _, y := range []string{"2026", "2025", "2003"} {
		data, err := os.ReadFile("../testdata/vuxml/vuln-" + y + ".xml")
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	b.WriteString("</vuxml>\n")
	return b.Bytes()
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

// splitOperand splits a pkg audit operand at its last '-'.
func splitOperand(op string) audit.Query {
	i := strings.LastIndexByte(op, '-')
	if i < 0 {
		return audit.Query{Name: op}
	}
	return audit.Query{Name: op[:i], Version: op[i+1:], HasVersion: true}
}

func vidSet(ix *audit.Index, q audit.Query) string {
	var ids []string
	seen := map[string]bool{}
	for _, f := range ix.Lookup(nil, q) {
		if !seen[f.Advisory.ID] {
			seen[f.Advisory.ID] = true
			ids = append(ids, f.Advisory.ID)
		}
	}
	sort.Strings(ids)
	return strings.Join(ids, ",")
}

// osvAdvisories exports the real document to OSV, writes the records,
// reads them back and converts them to advisories.
func osvAdvisories(t *testing.T, opts ConvertOptions) []advisory.Advisory {
	t.Helper()
	dir := t.TempDir() + "/osv"
	if err := WriteDir(dir, realRecords(t)); err != nil {
		t.Fatal(err)
	}
	recs, err := ReadPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	var advs []advisory.Advisory
	for _, r := range recs {
		adv, ok, err := ToAdvisory(r.Vuln, opts)
		if err != nil {
			t.Fatal(err)
		}
		if ok {
			advs = append(advs, adv)
		}
	}
	return advs
}

// VuXML → OSV → advisory audits exactly like VuXML → advisory, and like
// pkg, for every operand of freebsd-audit.tsv. Read from the events alone
// (without pkgaudit's exact bounds), the records differ only where the
// lossy <gt> mapping says so: at the excluded lower bound itself.
func TestRoundTripAudit(t *testing.T) {
	lines, err := vectors.Read("../testdata/vectors/freebsd-audit.tsv")
	if err != nil {
		t.Fatal(err)
	}
	direct := feed.FromVuXML(realDocument(t))
	ixDirect := audit.NewIndex(direct, audit.Options{})
	ixExact := audit.NewIndex(osvAdvisories(t, ConvertOptions{}), audit.Options{})
	eventsAdvs := osvAdvisories(t, ConvertOptions{EventsOnly: true})
	ixEvents := audit.NewIndex(eventsAdvs, audit.Options{})

	byID := map[string]*advisory.Advisory{}
	for i := range direct {
		byID[direct[i].ID] = &direct[i]
	}
	lossyDiffs := 0
	for _, l := range lines {
		if len(l.Fields) != 2 {
			t.Fatalf("line %d: %d fields", l.N, len(l.Fields))
		}
		op, want := l.Fields[0], l.Fields[1]
		q := splitOperand(op)
		if got := vidSet(ixDirect, q); got != want {
			t.Errorf("line %d: %s: VuXML gives %q, pkg %q", l.N, op, got, want)
		}
		if got := vidSet(ixExact, q); got != want {
			t.Errorf("line %d: %s: VuXML→OSV→advisory gives %q, pkg %q", l.N, op, got, want)
		}
		got := vidSet(ixEvents, q)
		if got == want {
			continue
		}
		// Every difference must be an extra finding at a <gt> bound.
		wantSet := map[string]bool{}
		for _, id := range strings.Split(want, ",") {
			wantSet[id] = true
		}
		for _, id := range strings.Split(got, ",") {
			if id == "" || wantSet[id] {
				delete(wantSet, id)
				continue
			}
			if !q.HasVersion || !atGtBound(byID[id], q) {
				t.Errorf("line %d: %s: events-only reading reports %s, not explained by a <gt> bound", l.N, op, id)
			}
			lossyDiffs++
		}
		for id := range wantSet {
			if id != "" {
				t.Errorf("line %d: %s: events-only reading misses %s", l.N, op, id)
			}
		}
	}
	t.Logf("%d operands; events-only reading differs in %d findings, all at <gt> bounds", len(lines), lossyDiffs)
}

// atGtBound reports whether q's version is the <gt> bound of a range of a
// block of adv naming q's package.
func atGtBound(adv *advisory.Advisory, q audit.Query) bool {
	if adv == nil {
		return false
	}
	for _, a := range adv.Affects {
		named := false
		for _, n := range a.Names {
			named = named || n == q.Name
		}
		if !named {
			continue
		}
		for _, r := range a.Ranges {
			for i, b := range r.Bounds {
				if i < 2 && b.Op == advisory.GT && freebsd.Compare(q.Version, b.Version) == 0 {
					return true
				}
			}
		}
	}
	return false
}
