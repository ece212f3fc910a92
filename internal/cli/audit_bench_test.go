package cli

import (
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/workload"
)

// The whole audit command in process (cobra, loading, look-ups, the
// report), over the standard 20k workload of internal/workload and its
// 2,000 operands, text output to io.Discard. BENCHMARKS.md (block audit)
// has the numbers of the built binary.

func auditBenchArgs(b *testing.B, large bool, extra ...string) []string {
	b.Helper()
	c := workload.Standard()
	if large {
		c = workload.Large()
	}
	doc, ops := workload.Cached(c)
	db := filepath.Join(b.TempDir(), "vuln.xml")
	if err := os.WriteFile(db, doc, 0o644); err != nil {
		b.Fatal(err)
	}
	args := append([]string{"audit"}, extra...)
	return append(append(args, "-f", db), ops...)
}

func auditBenchRun(b *testing.B, args []string) {
	b.Helper()
	env := testEnv("", io.Discard, io.Discard)
	if code := Main(args, env); code != ExitFound {
		b.Fatalf("exit %d", code)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		Main(args, env)
	}
}

// BenchmarkAuditCommandCached: warm --cache.
func BenchmarkAuditCommandCached(b *testing.B) {
	auditBenchRun(b, auditBenchArgs(b, false, "--cache", b.TempDir()))
}

// BenchmarkAuditCommandCachedQuiet: warm --cache, -q.
func BenchmarkAuditCommandCachedQuiet(b *testing.B) {
	auditBenchRun(b, auditBenchArgs(b, false, "-q", "--cache", b.TempDir()))
}

// BenchmarkAuditCommand: no cache.
func BenchmarkAuditCommand(b *testing.B) {
	auditBenchRun(b, auditBenchArgs(b, false))
}
