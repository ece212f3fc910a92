package audit

import (
	"fmt"
	"github.com/pkgaudit/pkgaudit/fnmatch"
	"reflect"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/pkgsrc/pattern"
)

func rng(bounds ...any) advisory.Range {
	var r advisory.Range
	for i := 0; i < len(bounds); i += 2 {
		r.Bounds = append(r.Bounds, advisory.Bound{Op: bounds[i].(advisory.Op), Version: bounds[i+1].(string)})
	}
	return r
}

func fbsd(kind advisory.Kind, names []string, ranges ...advisory.Range) advisory.Affected {
	return advisory.Affected{Scheme: advisory.FreeBSD, Kind: kind, Names: names, Ranges: ranges}
}

func pkgsrcBlock(p string) advisory.Affected {
	return advisory.Affected{Scheme: advisory.Pkgsrc, Kind: advisory.Package, Pattern: p}
}

// fixture is a small database exercising every rule.
func fixture() []advisory.Advisory {
	return []advisory.Advisory{
		{ID: "a0", Affects: []advisory.Affected{fbsd(advisory.Package, []string{"foo", "foo-devel"}, rng(advisory.LT, "1.2"), rng(advisory.GE, "2.0", advisory.LT, "2.3"))}},
		// Two blocks naming foo, and a name listed twice: three findings.
		{ID: "a1", Affects: []advisory.Affected{
			fbsd(advisory.Package, []string{"foo"}, rng()),
			fbsd(advisory.Package, []string{"bar", "foo", "foo"}, rng(advisory.LE, "9")),
		}},
		// No ranges: only versionless queries.
		{ID: "a2", Affects: []advisory.Affected{fbsd(advisory.Package, []string{"foo"})}},
		// Withdrawn.
		{ID: "a3", Withdrawn: true, Affects: []advisory.Affected{fbsd(advisory.Package, []string{"foo"}, rng())}},
		// Globs: prefix of two, one and no literal bytes; brackets; no braces.
		{ID: "a4", Affects: []advisory.Affected{fbsd(advisory.Package, []string{"fo*", "f?o", "*oo", "[a-f]oo", "fo{o,x}"}, rng(advisory.GT, "0"))}},
		// Base system.
		{ID: "a5", Affects: []advisory.Affected{fbsd(advisory.System, []string{"FreeBSD"}, rng(advisory.LT, "14.1_2"))}},
		{ID: "a6", Affects: []advisory.Affected{fbsd(advisory.Package, []string{"FreeBSD"}, rng(advisory.LT, "14.1_1"))}},
		// pkgsrc, mixed in.
		{ID: "p0", Affects: []advisory.Affected{pkgsrcBlock("foo<1.5")}},
		{ID: "p1", Affects: []advisory.Affected{pkgsrcBlock("{foo,bar}-[0-9]*")}},
		{ID: "p2", Affects: []advisory.Affected{pkgsrcBlock("foo")}},
		{ID: "p3", Affects: []advisory.Affected{pkgsrcBlock("{foo")}}, // malformed
		// Three bounds: the third is ignored.
		{ID: "a7", Affects: []advisory.Affected{fbsd(advisory.Package, []string{"tri"}, rng(advisory.GE, "1", advisory.LT, "2", advisory.EQ, "7"))}},
	}
}

func show(fs []Finding) string {
	var parts []string
	for _, f := range fs {
		parts = append(parts, fmt.Sprintf("%s/%d/%d/%d", f.Advisory.ID, f.Affected, f.Name, f.Range))
	}
	return strings.Join(parts, " ")
}

func TestLookup(t *testing.T) {
	ix := NewIndex(fixture(), Options{})
	cases := []struct {
		q    Query
		want string
	}{
		{Query{Name: "foo", Version: "1.0", HasVersion: true},
			"a0/0/0/0 a1/0/0/0 a1/1/1/0 a1/1/2/0 a4/0/0/0 a4/0/1/0 a4/0/2/0 a4/0/3/0 p0/0/-1/-1 p1/0/-1/-1 p2/0/-1/-1"},
		{Query{Name: "foo", Version: "2.1", HasVersion: true},
			"a0/0/0/1 a1/0/0/0 a1/1/1/0 a1/1/2/0 a4/0/0/0 a4/0/1/0 a4/0/2/0 a4/0/3/0 p1/0/-1/-1 p2/0/-1/-1"},
		{Query{Name: "foo", Version: "10", HasVersion: true},
			"a1/0/0/0 a4/0/0/0 a4/0/1/0 a4/0/2/0 a4/0/3/0 p1/0/-1/-1 p2/0/-1/-1"},
		// Versionless: every block naming foo, ranges or not; pkgsrc
		// patterns see the bare name.
		{Query{Name: "foo"},
			"a0/0/0/-1 a1/0/0/-1 a1/1/1/-1 a1/1/2/-1 a2/0/0/-1 a4/0/0/-1 a4/0/1/-1 a4/0/2/-1 a4/0/3/-1 p2/0/-1/-1"},
		// The empty version compares as 0.
		{Query{Name: "foo", HasVersion: true}, "a0/0/0/0 a1/0/0/0 a1/1/1/0 a1/1/2/0 p0/0/-1/-1"},
		{Query{Name: "foo-devel", Version: "1.1", HasVersion: true}, "a0/0/1/0 a4/0/0/0"},
		{Query{Name: "fo{o,x}", Version: "1", HasVersion: true}, "a4/0/0/0 a4/0/4/0"},
		{Query{Name: "bar", Version: "9", HasVersion: true}, "a1/1/0/0 p1/0/-1/-1"},
		{Query{Name: "eoo", Version: "1", HasVersion: true}, "a4/0/2/0 a4/0/3/0"},
		{Query{Name: "FreeBSD", Version: "14.1", HasVersion: true}, "a6/0/0/0"},
		{Query{Name: "FreeBSD", Version: "14.1", HasVersion: true, Base: true}, "a5/0/0/0 a6/0/0/0"},
		{Query{Name: "FreeBSD", Version: "14.1_1", HasVersion: true, Base: true}, "a5/0/0/0"},
		{Query{Name: "tri", Version: "1.5", HasVersion: true}, "a7/0/0/0"},
		{Query{Name: "tri", Version: "7", HasVersion: true}, ""},
		{Query{Name: "", Version: "1", HasVersion: true}, ""},
		{Query{Name: "zzz"}, ""},
	}
	for _, c := range cases {
		if got := show(ix.Lookup(nil, c.q)); got != c.want {
			t.Errorf("%+v:\n got %s\nwant %s", c.q, got, c.want)
		}
	}
	if p := ix.Problems(); len(p) != 1 || p[0].Advisory.ID != "p3" {
		t.Errorf("problems: %+v", p)
	}
}

func TestReportWithdrawn(t *testing.T) {
	ix := NewIndex(fixture(), Options{ReportWithdrawn: true})
	got := show(ix.Lookup(nil, Query{Name: "foo", Version: "10", HasVersion: true}))
	if !strings.Contains(got, "a3/0/0/0") {
		t.Errorf("withdrawn advisory not reported: %s", got)
	}
}

// The index finds exactly what trying every block finds, in the same
// order.
func TestLookupAgreesWithScan(t *testing.T) {
	advs := fixture()
	ix := NewIndex(advs, Options{})
	names := []string{"foo", "foo-devel", "fo", "f", "", "bar", "eoo", "fox", "fo{o,x}", "FreeBSD", "tri", "xoo", "foo-1"}
	versions := []string{"", "0", "1.0", "1.2", "2.0", "2.2", "2.3", "9", "10", "14.1"}
	for _, n := range names {
		for _, v := range versions {
			for _, q := range []Query{{Name: n, Version: v, HasVersion: true}, {Name: n}, {Name: n, Version: v, HasVersion: true, Base: true}} {
				if got, want := show(ix.Lookup(nil, q)), show(scan(advs, q)); got != want {
					t.Errorf("%+v:\nindex %s\n scan %s", q, got, want)
				}
			}
		}
	}
}

// scan is the reference: every block of every advisory.
func scan(advs []advisory.Advisory, q Query) []Finding {
	var out []Finding
	for a := range advs {
		adv := &advs[a]
		if adv.Withdrawn {
			continue
		}
		for b := range adv.Affects {
			blk := &adv.Affects[b]
			if blk.Scheme == advisory.Pkgsrc {
				if p, err := pattern.Compile(blk.Pattern); err == nil && p.Match(q.PkgName()) {
					out = append(out, Finding{adv, b, -1, -1})
				}
				continue
			}
			if blk.Kind == advisory.System && !q.Base {
				continue
			}
			for n, name := range blk.Names {
				if !matchName(name, q.Name) {
					continue
				}
				r := -1
				if q.HasVersion {
					if r = blk.MatchRange(q.Version); r < 0 {
						continue
					}
				}
				out = append(out, Finding{adv, b, n, r})
			}
		}
	}
	return out
}

// A FreeBSD look-up does not allocate; a pkgsrc one builds its
// name-version string.
func TestLookupDoesNotAllocate(t *testing.T) {
	var freebsdOnly []advisory.Advisory
	for _, a := range fixture() {
		if a.Affects[0].Scheme == advisory.FreeBSD {
			freebsdOnly = append(freebsdOnly, a)
		}
	}
	dst := make([]Finding, 0, 64)
	q := Query{Name: "foo", Version: "1.0", HasVersion: true}
	fix := NewIndex(freebsdOnly, Options{})
	if n := testing.AllocsPerRun(100, func() { dst = fix.Lookup(dst[:0], q) }); n != 0 {
		t.Errorf("%v allocations per FreeBSD Lookup", n)
	}
	ix := NewIndex(fixture(), Options{})
	if n := testing.AllocsPerRun(100, func() { dst = ix.Lookup(dst[:0], q) }); n > 1 {
		t.Errorf("%v allocations per Lookup", n)
	}
	if !reflect.DeepEqual(dst, ix.Lookup(nil, q)) {
		t.Error("reused dst differs")
	}
}

func matchName(pat, name string) bool { return fnmatchMatch(pat, name) }

func fnmatchMatch(pat, name string) bool { return fnmatch.Match(pat, name, 0) }
