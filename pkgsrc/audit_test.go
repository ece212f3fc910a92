package pkgsrc

import (
	"io"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/pkgsrc/pattern"
)

// benchNames makes 2,000 package names from the bases of the real file,
// most of them vulnerable to something.
func benchNames(f *File) []string {
	var names []string
	for i := 0; len(names) < 2000; i++ {
		e := f.Entries[(i*7)%len(f.Entries)]
		base := e.Pattern
		if j := strings.IndexAny(base, "<>{*[?"); j > 0 {
			base = base[:j]
		}
		names = append(names, base+"-1.0")
	}
	return names
}

// The index must find exactly what a linear scan of every entry finds,
// in the same order.
func TestIndexAgreesWithLinearScan(t *testing.T) {
	f, err := ParseFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817", Options{})
	if err != nil {
		t.Fatal(err)
	}
	ix := NewIndex(f)
	for _, name := range benchNames(f) {
		var got, want []int
		ix.Match(name, func(i int, _ Entry) { got = append(got, i) })
		for i, e := range f.Entries {
			if ok, _ := pattern.Match(e.Pattern, name); ok {
				want = append(want, i)
			}
		}
		if len(got) != len(want) {
			t.Fatalf("%s: index %v, scan %v", name, got, want)
		}
		for k := range got {
			if got[k] != want[k] {
				t.Fatalf("%s: index %v, scan %v", name, got, want)
			}
		}
	}
}

func BenchmarkAudit2000Indexed(b *testing.B) {
	f, err := ParseFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817", Options{})
	if err != nil {
		b.Fatal(err)
	}
	names := benchNames(f)
	ix := NewIndex(f)
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			ix.Audit(io.Discard, n, AuditOptions{EOL: true})
		}
	}
}

func BenchmarkNewIndex(b *testing.B) {
	f, err := ParseFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817", Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		NewIndex(f)
	}
}

// The pkg_install algorithm: every entry for every name.
func BenchmarkAudit2000LinearScan(b *testing.B) {
	f, err := ParseFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817", Options{})
	if err != nil {
		b.Fatal(err)
	}
	names := benchNames(f)
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			for _, e := range f.Entries {
				pattern.Match(e.Pattern, n)
			}
		}
	}
}

// A malformed pattern is only an error when pkg_install would evaluate it:
// not when -t or IGNORE_URL has already set its entry aside.
func TestFiltersComeBeforeMatching(t *testing.T) {
	f := &File{Entries: []Entry{
		{Pattern: "{foo", Class: "dos", URL: "http://a"},
		{Pattern: "foo<2", Class: "rce", URL: "http://b"},
	}}
	ix := NewIndex(f)
	var sb strings.Builder
	if _, err := ix.Audit(&sb, "foo-1", AuditOptions{}); err == nil {
		t.Error("malformed pattern evaluated without error")
	}
	sb.Reset()
	found, err := ix.Audit(&sb, "foo-1", AuditOptions{Type: "rce"})
	if err != nil || !found || sb.String() != "Package foo-1 has a rce vulnerability, see http://b\n" {
		t.Errorf("-t rce: %v %v %q", found, err, sb.String())
	}
	sb.Reset()
	if _, err := ix.Audit(&sb, "foo-1", AuditOptions{IgnoreURL: map[string]bool{"http://a": true}}); err != nil {
		t.Errorf("ignored entry evaluated: %v", err)
	}
}
