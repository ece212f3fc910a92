package audit

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/internal/workload"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// The benchmarks run over the standard workloads of internal/workload
// (fixed seed): 20,000 entries over 5,000 names (24 MB) and 80,000 over
// 20,000 (96 MB), 2,000 operands each. Besides ns/op they report
// cpu-ns/op, the process CPU time per op (user + system, all threads),
// which a busy shared machine disturbs less than the wall clock.

// loop runs op b.N times, reporting cpu-ns/op.
func loop(b *testing.B, op func()) {
	b.ReportAllocs()
	b.ResetTimer()
	start, n := cpuTime(), 0
	for b.Loop() {
		op()
		n++
	}
	b.ReportMetric(float64((cpuTime()-start).Nanoseconds())/float64(n), "cpu-ns/op")
}

func benchWorkload(b *testing.B, large bool) (doc []byte, qs []Query) {
	c := workload.Standard()
	if large {
		c = workload.Large()
	}
	doc, ops := workload.Cached(c)
	for _, op := range ops {
		qs = append(qs, splitOperand(op))
	}
	return doc, qs
}

// benchFile writes the workload document into a temporary directory.
func benchFile(b *testing.B, large bool) (string, []Query) {
	doc, qs := benchWorkload(b, large)
	path := filepath.Join(b.TempDir(), "vuln.xml")
	if err := os.WriteFile(path, doc, 0o644); err != nil {
		b.Fatal(err)
	}
	return path, qs
}

func benchAdvisories(b *testing.B, large bool) ([]advisory.Advisory, []Query) {
	doc, qs := benchWorkload(b, large)
	d, err := vuxml.Parse(doc, vuxml.ParseOptions{FileName: "vuln.xml"})
	if err != nil {
		b.Fatal(err)
	}
	return feed.FromVuXML(d), qs
}

func lookupAll(ix *Index, qs []Query, fs []Finding) []Finding {
	for _, q := range qs {
		fs = ix.Lookup(fs[:0], q)
	}
	return fs
}

// NewIndex over the advisories of the 20k workload.
func BenchmarkNewIndex(b *testing.B) {
	advs, _ := benchAdvisories(b, false)
	loop(b, func() { NewIndex(advs, Options{}) })
}

// Lookup of the 2,000 operands in an index NewIndex built.
func BenchmarkLookup2000(b *testing.B) {
	advs, qs := benchAdvisories(b, false)
	ix := NewIndex(advs, Options{})
	var fs []Finding
	loop(b, func() { fs = lookupAll(ix, qs, fs) })
}

func benchOpen(b *testing.B, large bool) {
	path, qs := benchFile(b, large)
	var fs []Finding
	loop(b, func() {
		ix, _, err := Open([]string{path}, OpenOptions{})
		if err != nil {
			b.Fatal(err)
		}
		fs = lookupAll(ix, qs, fs)
	})
}

// Open (load, parse, index) plus the 2,000 look-ups, without a cache.
func BenchmarkOpen20k(b *testing.B) { benchOpen(b, false) }
func BenchmarkOpen80k(b *testing.B) { benchOpen(b, true) }

func benchOpenCached(b *testing.B, large bool) {
	path, qs := benchFile(b, large)
	opts := OpenOptions{CacheDir: filepath.Join(filepath.Dir(path), "cache")}
	if _, _, err := Open([]string{path}, opts); err != nil {
		b.Fatal(err)
	}
	var fs []Finding
	loop(b, func() {
		ix, _, err := Open([]string{path}, opts)
		if err != nil || !ix.cached {
			b.Fatalf("cached %v, %v", ix != nil && ix.cached, err)
		}
		fs = lookupAll(ix, qs, fs)
	})
}

// Open through a valid cache file plus the 2,000 look-ups (each reported
// advisory decoded).
func BenchmarkOpenCached20k(b *testing.B) { benchOpenCached(b, false) }
func BenchmarkOpenCached80k(b *testing.B) { benchOpenCached(b, true) }

// The 2,000 look-ups in the index of an uncached Brief Open of the 80k
// workload, as pkgaudit audit makes them: each reported advisory decoded
// on first use (the decoded ones are forgotten before each op).
func BenchmarkLookup2000Records80k(b *testing.B) {
	path, qs := benchFile(b, true)
	ix, _, err := Open([]string{path}, OpenOptions{Brief: true})
	if err != nil {
		b.Fatal(err)
	}
	var fs []Finding
	loop(b, func() {
		ix.recs.advs = make([]atomic.Pointer[advisory.Advisory], len(ix.recs.advs))
		for i := range ix.recs.slabs {
			ix.recs.slabs[i].slab = slab{inPlace: ix.recs.slabs[i].inPlace}
		}
		fs = lookupAll(ix, qs, fs)
	})
}
