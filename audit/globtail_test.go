package audit

import (
	"math/rand/v2"
	"testing"

	"github.com/pkgaudit/pkgaudit/fnmatch"
)

// globTailMatches never rejects a name fnmatch accepts: random globs and
// names over an alphabet rich in fnmatch's special bytes.
func TestGlobTailMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const alphabet = "ab-.*?[]!^\\\xc3\xa9"
	word := func(n int) string {
		b := make([]byte, r.IntN(n+1))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	rejected := 0
	for range 300000 {
		g, n := word(7), word(6)
		if !globTailMatches(g, n) {
			rejected++
			if fnmatch.Match(g, n, 0) {
				t.Fatalf("%q rejects %q, which fnmatch matches", g, n)
			}
		}
	}
	if rejected < 1000 {
		t.Fatalf("only %d rejections", rejected)
	}
	for _, c := range []struct {
		glob, name string
		want       bool
	}{
		{"py31*-foo", "py311-foo", true},
		{"py31*-foo", "py312-bar", false},
		{"linux-*", "linux-c7-x", true},
		{"foo?", "foox", true},
		{"foo[ab]", "fooa", true},
		{"foo\\\\", "foo\\", true},
		{"foo\\a", "fooa", true},
	} {
		if got := globTailMatches(c.glob, c.name); got != c.want {
			t.Errorf("%q, %q: %v", c.glob, c.name, got)
		}
		if !c.want && fnmatch.Match(c.glob, c.name, 0) {
			t.Errorf("%q matches %q", c.glob, c.name)
		}
	}
}

func FuzzGlobTailMatches(f *testing.F) {
	f.Add("py31*-foo", "py312-bar")
	f.Add("foo[ab", "foob")
	f.Fuzz(func(t *testing.T, g, n string) {
		if !globTailMatches(g, n) && fnmatch.Match(g, n, 0) {
			t.Fatalf("%q rejects %q, which fnmatch matches", g, n)
		}
	})
}
