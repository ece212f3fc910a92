package tidy_test

import (
	"testing"

	"github.com/pkgaudit/pkgaudit/vuxml/tidy"
)

// BenchmarkTidy2025 tidies the real 2025 year file (275 KB), which is tidy.
func BenchmarkTidy2025(b *testing.B) {
	data := read(b, "../../testdata/vuxml/vuln-2025.xml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tidy.Tidy("2025.xml", data, tidy.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWhitespace2025 runs the space/tab check over the same file.
func BenchmarkWhitespace2025(b *testing.B) {
	data := read(b, "../../testdata/vuxml/vuln-2025.xml")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tidy.Whitespace("2025.xml", data); err != nil {
			b.Fatal(err)
		}
	}
}
