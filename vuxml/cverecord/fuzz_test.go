package cverecord

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any input gives a record or a *SyntaxError / *Error, never a
// panic; a record always has a CVE id and a URL.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/cve/*.json")
	for _, p := range files {
		data, err := os.ReadFile(p)
		if err == nil {
			f.Add(data, "")
			f.Add(data, "CVE-2025-5025")
		}
	}
	f.Add([]byte(`[{"aliases":"CVE-2024-0001","enisaIdProduct":[{"product":{"name":"x"},"product_version":"1 ≤2"}]}]`), "")
	f.Fuzz(func(t *testing.T, data []byte, want string) {
		r, err := Parse("f.json", data, want)
		if err != nil {
			var se *SyntaxError
			var pe *Error
			if !errors.As(err, &se) && !errors.As(err, &pe) && want == "" {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		if _, err := CheckID(r.ID); err != nil || r.URL == "" {
			t.Fatalf("record without id or URL: %+v", r)
		}
		for _, a := range r.Affected {
			for _, rg := range a.Ranges {
				if len(rg) == 0 || len(rg) > 2 {
					t.Fatalf("range %v", rg)
				}
			}
		}
	})
}
