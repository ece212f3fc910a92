package fsname

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestShort(t *testing.T) {
	if got := Short("abc", ".json"); got != "abc.json" {
		t.Errorf("short name changed: %q", got)
	}
	exact := strings.Repeat("a", MaxBytes-5)
	if got := Short(exact, ".json"); got != exact+".json" {
		t.Errorf("name of exactly %d bytes changed", MaxBytes)
	}
	long := strings.Repeat("v", 300)
	a, b := Short(long, ".json"), Short(long+"x", ".json")
	if len(a) != MaxBytes || len(b) != MaxBytes || a == b {
		t.Errorf("long names: %d %d, equal %v", len(a), len(b), a == b)
	}
	if !strings.HasSuffix(a, ".json") || !strings.HasPrefix(a, "vvvv") || Short(long, ".json") != a {
		t.Errorf("shape or determinism: %q", a)
	}
	// Multi-byte characters are never cut in the middle.
	for i := 0; i < 4; i++ {
		s := strings.Repeat("x", i) + strings.Repeat("é€😀", 60)
		n := Short(s, ".html")
		if len(n) > MaxBytes || !utf8.ValidString(n) {
			t.Errorf("%d: %d bytes, valid %v", i, len(n), utf8.ValidString(n))
		}
	}
	// The names are accepted by the file system.
	dir := t.TempDir()
	for _, n := range []string{a, b, Short(strings.Repeat("ü", 200), ".html")} {
		if err := os.WriteFile(filepath.Join(dir, n), nil, 0o644); err != nil {
			t.Error(err)
		}
	}
}
