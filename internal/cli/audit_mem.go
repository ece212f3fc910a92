package cli

import (
	"os"
	"runtime/debug"
	"sync"
)

// The collector during pkgaudit audit. An audit is a short run whose heap
// only grows until the report is written: the databases' index, the
// advisories the look-ups decode, the report. Collecting on the default
// schedule (each time the heap doubles from 4 MB) costs more than a
// warm-cache audit's own work, and on a big database still lets the heap
// run to twice what is live. So, unless the user set GOGC or GOMEMLIMIT
// (which are then obeyed as they are), the command switches the
// collector off and gives the runtime a soft memory limit instead: the
// collector runs only when the heap nears it. The limit is
// auditMemBase plus the size of the databases, what an uncached load
// keeps live at its peak (the index, about 0.8× the VuXML text, the
// chunks being parsed) with room to spare: an audit with a warm cache
// never collects, an uncached one collects a few times near the end,
// and memory stays bounded by the input. Formats that build their whole
// model in memory (SARIF, CycloneDX, markdown) keep the default.
const auditMemBase = 16 << 20

// auditMem counts the audits running in this process (tests run several
// at once): the first saves the collector's settings, the last restores
// them.
var auditMem struct {
	sync.Mutex
	n     int
	gc    int
	limit int64
}

// auditTuneMemory applies the policy above for an audit of the databases
// at paths in format, and returns the function that undoes it.
func auditTuneMemory(env *Env, paths []string, format string) (restore func()) {
	switch format {
	case "text", "pkg-json", "pkg-json-compact", "json":
	default:
		return func() {}
	}
	if env.Getenv("GOGC") != "" || env.Getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	var size int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil && st.Mode().IsRegular() {
			size += st.Size()
		}
	}
	auditMem.Lock()
	defer auditMem.Unlock()
	if auditMem.n == 0 {
		auditMem.limit = debug.SetMemoryLimit(auditMemBase + size)
		auditMem.gc = debug.SetGCPercent(-1)
	}
	auditMem.n++
	return func() {
		auditMem.Lock()
		defer auditMem.Unlock()
		if auditMem.n--; auditMem.n == 0 {
			debug.SetGCPercent(auditMem.gc)
			debug.SetMemoryLimit(auditMem.limit)
		}
	}
}
