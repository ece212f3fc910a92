package freebsdsa

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse: any text gives an advisory or an *Error, never a panic; the
// ranges it yields are well formed.
func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("../../testdata/sa/*.asc")
	for _, p := range files {
		if data, err := os.ReadFile(p); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("FreeBSD-SA-01:01.x Security Advisory\nTopic: t\nCorrected: (releng/1.0, 1.0-RELEASE-p1)\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		a, err := Parse("f.asc", data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error type %T", err)
			}
			return
		}
		if _, err := CheckName(a.Name); err != nil || a.Topic == "" {
			t.Fatalf("advisory %+v", a)
		}
		for _, r := range a.Ranges() {
			if !strings.HasPrefix(r.Fixed, r.Lower+"_") {
				t.Fatalf("range %+v", r)
			}
		}
	})
}
