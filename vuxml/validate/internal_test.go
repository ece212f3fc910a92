package validate

import (
	"testing"

	"github.com/pkgaudit/pkgaudit/vuxml"
)

func TestIsUUID(t *testing.T) {
	for _, tc := range []struct {
		s  string
		ok bool
	}{
		{"409d70ab-fc23-11f0-85c5-a8a1599412c6", true}, // v1, as uuidgen
		{"6548cb01-4c33-11f0-8a97-6c3be5272acd", true},
		{"2a4c5f2e-8a8b-4d6e-9f00-1c2d3e4f5a6b", true}, // v4
		{"409D70AB-FC23-11F0-85C5-A8A1599412C6", false},
		{"409d70ab-fc23-01f0-85c5-a8a1599412c6", false}, // version 0
		{"409d70ab-fc23-61f0-85c5-a8a1599412c6", false}, // version 6 (RFC 9562, not 4122)
		{"409d70ab-fc23-11f0-c5c5-a8a1599412c6", false}, // Microsoft variant
		{"409d70abfc2311f085c5a8a1599412c6", false},
		{"409d70ab-fc23-11f0-85c5-a8a1599412c", false},
		{"00000000-0000-0000-0000-000000000000", false},
		{"", false},
	} {
		if got := isUUID(tc.s); got != tc.ok {
			t.Errorf("isUUID(%q) = %v", tc.s, got)
		}
	}
}

func rng(bs ...any) vuxml.Range {
	var r vuxml.Range
	for i := 0; i < len(bs); i += 2 {
		r.Bounds = append(r.Bounds, vuxml.Bound{Op: bs[i].(vuxml.Op), Version: bs[i+1].(string)})
	}
	return r
}

func TestIntervals(t *testing.T) {
	L, LE, E, G, GT := vuxml.Lt, vuxml.Le, vuxml.Eq, vuxml.Ge, vuxml.Gt
	for _, tc := range []struct {
		name     string
		a, b     vuxml.Range
		aEmpty   bool
		overlaps bool
	}{
		{"disjoint", rng(L, "1.0"), rng(G, "1.0", L, "2.0"), false, false},
		{"touching closed", rng(LE, "1.0"), rng(G, "1.0", L, "2.0"), false, true},
		{"nested", rng(L, "136.0"), rng(L, "128.8"), false, true},
		{"repeat", rng(L, "137.0"), rng(L, "137.0"), false, true},
		{"eq inside", rng(E, "1.5"), rng(G, "1.0", L, "2.0"), false, true},
		{"eq outside", rng(E, "2.0"), rng(G, "1.0", L, "2.0"), false, false},
		{"gt excludes", rng(GT, "2.0"), rng(LE, "2.0"), false, false},
		{"empty ge lt same", rng(G, "1.0", L, "1.0"), rng(L, "9"), true, false},
		{"single version ge le", rng(G, "1.0", LE, "1.0"), rng(E, "1.0"), false, true},
		{"inverted", rng(G, "3.0", L, "2.0"), rng(L, "9"), true, false},
		{"epoch dominates", rng(G, "1.2.0,1", L, "1.4.3"), rng(L, "9"), true, false},
		{"revision", rng(L, "1.0_1"), rng(G, "1.0_1"), false, false},
		{"open ends", rng(G, "8.0.0"), rng(L, "9.0"), false, true},
		{"star is lowest", rng(G, "2.*", L, "3.*"), rng(L, "2.a"), false, true},
	} {
		a, b := rangeInterval(tc.a), rangeInterval(tc.b)
		if got := !a.nonEmpty(); got != tc.aEmpty {
			t.Errorf("%s: empty(a) = %v", tc.name, got)
		}
		if tc.aEmpty {
			continue
		}
		if got := a.intersect(b).nonEmpty(); got != tc.overlaps {
			t.Errorf("%s: overlap = %v", tc.name, got)
		}
		if got := b.intersect(a).nonEmpty(); got != tc.overlaps {
			t.Errorf("%s: overlap (swapped) = %v", tc.name, got)
		}
	}
}

func TestSplitEpoch(t *testing.T) {
	for _, tc := range []struct {
		v, base string
		ep      int
	}{
		{"3.0.19,1", "3.0.19", 1}, {"147.0.2,2", "147.0.2", 2}, {"1.0", "1.0", 0},
		{"9.9.p2_1,1", "9.9.p2_1", 1}, {"1,x", "1,x", 0},
	} {
		if b, e := splitEpoch(tc.v); b != tc.base || e != tc.ep {
			t.Errorf("splitEpoch(%q) = %q, %d", tc.v, b, e)
		}
	}
}

func TestRangeForm(t *testing.T) {
	L, LE, E, G, GT := vuxml.Lt, vuxml.Le, vuxml.Eq, vuxml.Ge, vuxml.Gt
	ok := [][]vuxml.Op{{L}, {LE}, {E}, {G}, {GT}, {G, L}, {GT, LE}, {G, LE}, {GT, L}}
	bad := [][]vuxml.Op{{L, G}, {G, GT}, {L, LE}, {E, L}, {G, E}, {G, L, L}}
	mk := func(ops []vuxml.Op) []vuxml.Bound {
		var bs []vuxml.Bound
		for _, o := range ops {
			bs = append(bs, vuxml.Bound{Op: o, Version: "1"})
		}
		return bs
	}
	for _, o := range ok {
		if msg := rangeFormProblem(mk(o)); msg != "" {
			t.Errorf("%v: %s", o, msg)
		}
	}
	for _, o := range bad {
		if msg := rangeFormProblem(mk(o)); msg == "" {
			t.Errorf("%v accepted", o)
		}
	}
}

// The size of a description as ElementTree serializes it, for documents
// built by hand: namespaces, escapes, non-ASCII, empty elements, tail.
func TestDescriptionSize(t *testing.T) {
	for _, tc := range []struct {
		xhtml, tail string
		want        int
	}{
		// Python 3.11: len(ET.tostring(ET.fromstring(
		//   '<description xmlns="http://www.vuxml.org/apps/vuxml-1">'+X+'</description>'))) + len(tail)
		{`<body xmlns="http://www.w3.org/1999/xhtml"><p>a</p></body>`, "", 164},
		{`<body xmlns="http://www.w3.org/1999/xhtml"><p>&lt;&amp;’</p><br/></body>`, "\n    ", 195},
		{``, "", 65},
		{`x`, "", 82},
	} {
		if got := DescriptionSize(tc.xhtml, tc.tail); got != tc.want {
			t.Errorf("DescriptionSize(%q, %q) = %d, want %d", tc.xhtml, tc.tail, got, tc.want)
		}
	}
}
