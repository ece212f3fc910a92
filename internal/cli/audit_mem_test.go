package cli

import (
	"math"
	"runtime"
	"runtime/debug"
	"testing"
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
