package vuxml

import (
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

func benchParse(b *testing.B, c workload.Config, parse func([]byte, ParseOptions) (*Document, error), opts ParseOptions) {
	doc, _ := workload.Cached(c)
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		d, err := parse(doc, opts)
		if err != nil {
			b.Fatal(err)
		}
		if len(d.Entries) != c.Entries {
			b.Fatal(len(d.Entries))
		}
	}
	cpu := cpuTime() - cpu0
	b.ReportMetric(float64(len(doc))*float64(b.N)/cpu.Seconds()/1e6, "cpu-MB/s")
}

func BenchmarkParse(b *testing.B) {
	b.Run("standard", func(b *testing.B) { benchParse(b, workload.Standard(), Parse, ParseOptions{}) })
	b.Run("large", func(b *testing.B) { benchParse(b, workload.Large(), Parse, ParseOptions{}) })
	b.Run("standard-nocopy", func(b *testing.B) { benchParse(b, workload.Standard(), Parse, ParseOptions{NoCopy: true}) })
	b.Run("large-nocopy", func(b *testing.B) { benchParse(b, workload.Large(), Parse, ParseOptions{NoCopy: true}) })
}

func BenchmarkParseOracle(b *testing.B) {
	b.Run("standard", func(b *testing.B) { benchParse(b, workload.Standard(), parseStd, ParseOptions{}) })
}
