package cli

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

// auditCollector returns the collector's settings without changing them.
func auditCollector() (gc int, limit int64) {
	gc = debug.SetGCPercent(100)
	debug.SetGCPercent(gc)
	return gc, debug.SetMemoryLimit(-1)
}

func TestAuditTuneMemory(t *testing.T) {
	gc0, limit0 := auditCollector()
	env := testEnv("", nil, nil)
	db := auditWrite(t, t.TempDir(), "vuln.xml", "<vuxml/>")

	// Formats that build their model whole, and a user's GOGC, keep the
	// settings.
	auditTuneMemory(env, []string{db}, "sarif")()
	user := testEnv("", nil, nil)
	user.Getenv = func(k string) string {
		if k == "GOGC" {
			return "50"
		}
		return ""
	}
	restore := auditTuneMemory(user, []string{db}, "text")
	if gc, limit := auditCollector(); gc != gc0 || limit != limit0 {
		t.Errorf("with GOGC set: collector %d, limit %d; want %d, %d", gc, limit, gc0, limit0)
	}
	restore()

	// Nested audits (tests in parallel): off until the last one ends.
	r1 := auditTuneMemory(env, []string{db}, "text")
	r2 := auditTuneMemory(env, []string{db}, "pkg-json")
	gc, limit := auditCollector()
	if gc != -1 || limit < auditMemBase || limit == math.MaxInt64 {
		t.Errorf("during the audit: collector %d, limit %d", gc, limit)
	}
	// After a collection the limit is never below the floor.
	runtime.GC()
	runtime.GC()
	if _, l := auditCollector(); l < limit {
		t.Errorf("after a collection the limit fell from %d to %d", limit, l)
	}
	r2()
	if gc, _ := auditCollector(); gc != -1 {
		t.Errorf("first of two audits ended: collector %d, want still off", gc)
	}
	r1()
	runtime.GC() // a pending tuner call must not change the restored limit
	runtime.GC()
	if gc, limit := auditCollector(); gc != gc0 || limit != limit0 {
		t.Errorf("after the audits: collector %d, limit %d; want %d, %d", gc, limit, gc0, limit0)
	}
}

// auditOrderOracle is auditOrder as first written: sets of what was seen,
// then a stable sort by name.
func auditOrderOracle(pkgs []inventory.Package, byName bool) []inventory.Package {
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

func TestAuditOrder(t *testing.T) {
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
			got, want := auditOrder(pkgs, byName), auditOrderOracle(pkgs, byName)
			if len(got) == 0 && len(want) == 0 {
				continue
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("case %d byName %v:\n got %v\nwant %v", n, byName, got, want)
			}
		}
	}
}
