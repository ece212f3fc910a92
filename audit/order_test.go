package audit

import (
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// PkgOrder sorts the VuXML findings of a package by the literal prefix of
// the matched name (stable), and leaves pkgsrc findings where they are.
func TestPkgOrder(t *testing.T) {
	adv := func(id string, scheme advisory.Scheme, names ...string) *advisory.Advisory {
		return &advisory.Advisory{ID: id, Affects: []advisory.Affected{{Scheme: scheme, Names: names}}}
	}
	exact := adv("exact", advisory.FreeBSD, "py311-foo")
	both := adv("both", advisory.FreeBSD, "py311-foo", "py*-foo")
	glob := adv("glob", advisory.FreeBSD, "py3*-foo")
	glob2 := adv("glob2", advisory.FreeBSD, "py3?1-foo")
	long := adv("long", advisory.FreeBSD, `py311-f\oo`)
	ps := &advisory.Advisory{ID: "pkgsrc", Affects: []advisory.Affected{{Scheme: advisory.Pkgsrc, Pattern: "py311-foo<2"}}}
	fs := []Finding{
		{Advisory: exact, Name: 0},
		{Advisory: both, Name: 0},
		{Advisory: ps, Name: -1},
		{Advisory: both, Name: 1},
		{Advisory: glob, Name: 0},
		{Advisory: long, Name: 0},
		{Advisory: glob2, Name: 0},
	}
	PkgOrder(fs)
	var got []string
	for _, f := range fs {
		got = append(got, f.Advisory.ID)
	}
	want := []string{"both", "glob", "pkgsrc", "glob2", "long", "exact", "both"}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
	PkgOrder(nil)
	one := fs[:1]
	PkgOrder(one)
}
