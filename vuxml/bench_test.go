package vuxml

import (
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/internal/workload"
)

// cpuTime is the CPU time (user+system) of the process so far: on a
// shared machine it measures the work better than the wall clock.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchParse reports, besides the usual figures, cpu-MB/s (input bytes
// per CPU second of the whole process, garbage collection included) and
// live-MB (the heap the last Document keeps alive, its input included).
func benchParse(b *testing.B, c workload.Config, parse func([]byte, ParseOptions) (*Document, error), opts ParseOptions) {
	doc, _ := workload.Cached(c)
	benchBytes(b, int64(len(doc)), c.Entries, func() (*Document, error) { return parse(doc, opts) })
}

func benchBytes(b *testing.B, size int64, entries int, parse func() (*Document, error)) {
	b.SetBytes(size)
	b.ReportAllocs()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	b.ResetTimer()
	cpu0 := cpuTime()
	var d *Document
	for i := 0; i < b.N; i++ {
		d = nil
		var err error
		if d, err = parse(); err != nil {
			b.Fatal(err)
		}
		if len(d.Entries) != entries {
			b.Fatal(len(d.Entries))
		}
	}
	cpu := cpuTime() - cpu0
	b.StopTimer()
	b.ReportMetric(float64(size)*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
	runtime.GC()
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(int64(ms.HeapAlloc)-int64(base))/1e6, "live-MB")
	runtime.KeepAlive(d)
}

func BenchmarkParse(b *testing.B) {
	b.Run("standard", func(b *testing.B) { benchParse(b, workload.Standard(), Parse, ParseOptions{}) })
	b.Run("large", func(b *testing.B) { benchParse(b, workload.Large(), Parse, ParseOptions{}) })
	b.Run("standard-nocopy", func(b *testing.B) { benchParse(b, workload.Standard(), Parse, ParseOptions{NoCopy: true}) })
	b.Run("large-nocopy", func(b *testing.B) { benchParse(b, workload.Large(), Parse, ParseOptions{NoCopy: true}) })
	// Brief, NoCopy, with a Parser reusing its memory: what feed does for
	// an audit (on chunks of the document).
	var p Parser
	b.Run("standard-brief", func(b *testing.B) {
		benchParse(b, workload.Standard(), p.Parse, ParseOptions{NoCopy: true, Brief: true})
	})
	b.Run("large-brief", func(b *testing.B) { benchParse(b, workload.Large(), p.Parse, ParseOptions{NoCopy: true, Brief: true}) })
}

func BenchmarkParseFile(b *testing.B) {
	for _, c := range []struct {
		name string
		cfg  workload.Config
	}{{"standard", workload.Standard()}, {"large", workload.Large()}} {
		b.Run(c.name, func(b *testing.B) {
			doc, _ := workload.Cached(c.cfg)
			f := filepath.Join(b.TempDir(), "vuln.xml")
			if err := os.WriteFile(f, doc, 0o644); err != nil {
				b.Fatal(err)
			}
			benchBytes(b, int64(len(doc)), c.cfg.Entries, func() (*Document, error) { return ParseFile(f, ParseOptions{}) })
		})
	}
}

func BenchmarkParseOracle(b *testing.B) {
	b.Run("standard", func(b *testing.B) { benchParse(b, workload.Standard(), parseStd, ParseOptions{}) })
}

func BenchmarkTokenizer(b *testing.B) {
	doc, _ := workload.Cached(workload.Standard())
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		tz := NewTokenizer(doc, TokenizerOptions{})
		for {
			if err := tz.advance(); err != nil {
				break
			}
		}
	}
}
