package osv_test

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/audit"
	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/internal/vectors"
	"github.com/pkgaudit/pkgaudit/osv"
	"github.com/pkgaudit/pkgaudit/version/freebsd"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// combined assembles vuxml-combined.xml (see vectors.CombinedVuXML).
func combined(t testing.TB) []byte {
	t.Helper()
	data, err := vectors.CombinedVuXML("../testdata/vuxml")
	if err != nil {
		t.Fatal(err)
	}
	return data
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

// exportDir exports the real document to a directory of OSV records.
func exportDir(t *testing.T) string {
	t.Helper()
	doc, err := vuxml.Parse(combined(t), vuxml.ParseOptions{FileName: "vuxml-combined.xml"})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := osv.FromVuXMLDocument(doc, osv.VuXMLOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "osv")
	if err := osv.WriteDir(dir, vs); err != nil {
		t.Fatal(err)
	}
	return dir
}

// osvAdvisories reads the records of dir back as advisories.
func osvAdvisories(t *testing.T, dir string, opts osv.ConvertOptions) []advisory.Advisory {
	t.Helper()
	recs, err := osv.ReadPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	var advs []advisory.Advisory
	for _, r := range recs {
		adv, ok, err := osv.ToAdvisory(r.Vuln, opts)
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
	vx, err := feed.Parse("vuxml-combined.xml", combined(t), feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	direct := vx.Advisories
	dir := exportDir(t)
	// The records are read the way pkgaudit audit reads them: feed
	// detects and converts them (a directory, and a zip of the same).
	viaFeed, err := feed.LoadDir(dir, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if viaFeed.Format != feed.OSV || viaFeed.Entries != 237 || viaFeed.Withdrawn != 2 {
		t.Errorf("feed: format %s, %d entries, %d withdrawn", viaFeed.Format, viaFeed.Entries, viaFeed.Withdrawn)
	}
	vs, err := osv.ReadPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	var all []*osv.Vulnerability
	for _, r := range vs {
		all = append(all, r.Vuln)
	}
	zipPath := filepath.Join(t.TempDir(), "all.zip")
	if err := osv.WriteZip(zipPath, all); err != nil {
		t.Fatal(err)
	}
	viaZip, err := feed.Load(zipPath, feed.Options{})
	if err != nil {
		t.Fatal(err)
	}
	one, err := feed.Load(vs[0].File, feed.Options{})
	if err != nil || one.Format != feed.OSV || len(one.Advisories) != 1 {
		t.Fatalf("one record through feed.Load: %v", err)
	}
	ixDirect := audit.NewIndex(direct, audit.Options{})
	ixExact := audit.NewIndex(viaFeed.Advisories, audit.Options{})
	ixZip := audit.NewIndex(viaZip.Advisories, audit.Options{})
	ixEvents := audit.NewIndex(osvAdvisories(t, dir, osv.ConvertOptions{EventsOnly: true}), audit.Options{})

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
		if got := vidSet(ixZip, q); got != want {
			t.Errorf("line %d: %s: VuXML→OSV zip→advisory gives %q, pkg %q", l.N, op, got, want)
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
