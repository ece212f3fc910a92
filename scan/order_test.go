package scan

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"runtime"
	"runtime/debug"
	"sort"
	"testing"

	"github.com/pkgaudit/pkgaudit/inventory"
)

// collector returns the collector's settings without changing them.
func collector() (gc int, limit int64) {
	gc = debug.SetGCPercent(100)
	debug.SetGCPercent(gc)
	return gc, debug.SetMemoryLimit(-1)
}

func TestTuneMemory(t *testing.T) {
	gc0, limit0 := collector()
	// Nested audits (tests in parallel): off until the last one ends.
	r1 := TuneMemory([]string{"../testdata/vuxml/vuln-2026.xml"})
	r2 := TuneMemory([]string{"../testdata/vuxml/vuln-2026.xml"})
	gc, limit := collector()
	if gc != -1 || limit < memBase || limit == math.MaxInt64 {
		t.Errorf("during the audit: collector %d, limit %d", gc, limit)
	}
	// After a collection the limit is never below the floor.
	runtime.GC()
	runtime.GC()
	if _, l := collector(); l < limit {
		t.Errorf("after a collection the limit fell from %d to %d", limit, l)
	}
	r2()
	if gc, _ := collector(); gc != -1 {
		t.Errorf("first of two audits ended: collector %d, want still off", gc)
	}
	r1()
	runtime.GC() // a pending tuner call must not change the restored limit
	runtime.GC()
	if gc, limit := collector(); gc != gc0 || limit != limit0 {
		t.Errorf("after the audits: collector %d, limit %d; want %d, %d", gc, limit, gc0, limit0)
	}
}

// orderOracle is Order as first written: sets of what was seen,
// then a stable sort by name.
func orderOracle(pkgs []inventory.Package, byName bool) []inventory.Package {
	type key struct {
		name, version     string
		versionless, base bool
	}
	seen := map[key]bool{}
	seenName := map[string]bool{}
	var out []inventory.Package
	for _, p := range pkgs {
		k := key{p.Name, p.Version, p.Versionless, p.Base}
		if seen[k] || (byName && seenName[p.Name]) {
			continue
		}
		seen[k], seenName[p.Name] = true, true
		out = append(out, p)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func TestOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := range 300 {
		// Few names and versions, so that repeats are common; some runs
		// of one name longer than 16.
		var pkgs []inventory.Package
		names := 1 + rng.IntN(6)
		for range rng.IntN(3 + n/3) {
			p := inventory.Package{Name: fmt.Sprintf("p%d", rng.IntN(names)), Version: fmt.Sprintf("1.%d", rng.IntN(4)),
				Versionless: rng.IntN(8) == 0, Base: rng.IntN(8) == 0, Path: fmt.Sprint(len(pkgs))}
			if p.Versionless {
				p.Version = ""
			}
			pkgs = append(pkgs, p)
		}
		for _, byName := range []bool{false, true} {
			got, want := Order(pkgs, byName), orderOracle(pkgs, byName)
			if len(got) == 0 && len(want) == 0 {
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("case %d byName %v:\n got %v\nwant %v", n, byName, got, want)
			}
		}
	}
}
