package scan

import (
	"os"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
)

// The collector during a one-shot audit (pkgaudit audit). An audit is a short run whose heap
// only grows until the report is written: the databases' index, the
// advisories the look-ups decode, the report. Collecting on the default
// schedule (each time the heap doubles, from 4 MB) costs more than a
// warm-cache audit's own work, and on a big database still lets the heap
// run to twice what is live. So, unless the user set GOGC or GOMEMLIMIT
// (which are then obeyed as they are), the command switches the
// collector off below a floor and gives the runtime a soft memory limit
// instead: the floor is what the heap held when the audit started plus
// memBase plus the size of the databases, about twice what an
// uncached load keeps live at its peak (the index, about half the VuXML
// text, and the chunks being parsed). An audit with a warm cache then
// never collects; an uncached one collects a few times, near the floor,
// and its memory stays bounded by its input (a lower floor collects more
// often for less memory: on the 24 MB workload this one costs 3 ms and
// saves 6 MB against 16 MiB more). Above the floor (many
// findings, a long inventory) the limit follows the heap: after each
// collection it is raised to twice what survived, the default schedule,
// so that the collector never runs back to back. Formats that build their
// whole model in memory (SARIF, CycloneDX, markdown: report.Format.Streams
// false) keep the default, and so does a process whose user set GOGC or
// GOMEMLIMIT: the caller does not call TuneMemory then. A long-running
// server should not call it at all.
const memBase = 10 << 20

// memState counts the audits running in this process (tests run several
// at once): the first saves the collector's settings and starts the
// tuner, the last stops it and restores them.
var memState struct {
	sync.Mutex
	n     int
	gc    int
	limit int64
	tuner *memTuner
}

// TuneMemory applies the policy above for a one-shot audit of the
// databases at paths, and returns the function that undoes it. Calls may
// nest (the last restore restores).
func TuneMemory(paths []string) (restore func()) {
	var size int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			size += st.Size()
		}
	}
	memState.Lock()
	defer memState.Unlock()
	if memState.n == 0 {
		t := &memTuner{floor: heapBytes("/memory/classes/heap/objects:bytes") + memBase + size}
		memState.limit = debug.SetMemoryLimit(t.floor)
		memState.gc = debug.SetGCPercent(-1)
		memState.tuner = t
		t.arm()
	}
	memState.n++
	return func() {
		memState.Lock()
		defer memState.Unlock()
		if memState.n--; memState.n == 0 {
			memState.tuner.stop()
			debug.SetGCPercent(memState.gc)
			debug.SetMemoryLimit(memState.limit)
		}
	}
}

// memTuner raises the memory limit after each collection to twice the
// heap that survived it, never below floor.
type memTuner struct {
	mu      sync.Mutex
	floor   int64
	stopped bool
}

// arm asks to be called after the next collection: a cleanup of an object
// nothing references runs once the collector has found it unreachable.
func (t *memTuner) arm() {
	runtime.AddCleanup(new([4]uint64), func(t *memTuner) { t.collected() }, t)
}

func (t *memTuner) collected() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stopped {
		return
	}
	debug.SetMemoryLimit(max(t.floor, 2*heapBytes("/gc/heap/live:bytes")))
	t.arm()
}

func (t *memTuner) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.stopped = true
}

// heapBytes reads one of the runtime's byte metrics (0 when unknown).
func heapBytes(name string) int64 {
	s := []metrics.Sample{{Name: name}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(s[0].Value.Uint64())
}
