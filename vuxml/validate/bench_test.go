package validate_test

import (
	"os"
	"testing"

	"github.com/pkgaudit/pkgaudit/vuxml/validate"
)

// BenchmarkValidate2025 validates the real 2025 year file (275 KB, 203
// entries): parsing, every model check, tidy and the whitespace rules.
func BenchmarkValidate2025(b *testing.B) {
	data, err := os.ReadFile("../../testdata/vuxml/vuln-2025.xml")
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := validate.Bytes("2025.xml", data, validate.Options{Now: now}); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzValidate: any input gives findings or an error, never a panic, and
// every finding has a position and a known check.
func FuzzValidate(f *testing.F) {
	f.Add([]byte(clean))
	f.Add([]byte(`<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">` + "\n" + clean + "</vuxml>\n"))
	known := map[string]bool{}
	for _, c := range validate.Checks {
		known[c.ID] = true
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		fs, err := validate.Bytes("2026.xml", data, validate.Options{Now: now})
		if err != nil {
			return
		}
		for _, x := range fs {
			if !known[x.Check] || x.Line < 1 || x.Col < 1 || x.Message == "" {
				t.Fatalf("bad finding %+v", x)
			}
		}
	})
}
