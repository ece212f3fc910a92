package dewey

import (
	"math/rand"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/vectors"
)

var sym = map[int]string{-1: "<", 0: "=", 1: ">"}

func TestVectors(t *testing.T) {
	ls, err := vectors.Read("../../testdata/vectors/pkgsrc-match.tsv")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range ls {
		if l.Fields[0] != "dewey" {
			continue
		}
		n++
		a, b, want := l.Fields[1], l.Fields[2], l.Fields[3]
		if got := sym[Compare(a, b)]; got != want {
			t.Errorf("line %d: Compare(%q, %q) = %s, want %s", l.N, a, b, got, want)
		}
	}
	if n != 195 {
		t.Errorf("checked %d dewey lines, want 195", n)
	}
}

func TestConsequences(t *testing.T) {
	for _, tt := range []struct{ a, b, want string }{
		{"1", "1.0.0", "="}, {"1.", "1.0nb0", "="}, {"", "0", "="}, {"1.01", "1.001", "="},
		{"1.020", "1.2", ">"}, {"1a", "1.1", "="}, {"1.0alpha", "1.0beta", "<"},
		{"1.0rc1", "1.0pre1", "="}, {"1.0", "1.0pl1", "<"}, {"1.0pl1", "1.0_1", "="},
		{"1.0.rc1", "1.0rc1", ">"}, {"1.0nb99", "1.1", "<"}, {"1.0nb1nb2", "1.0nb2", "="},
		{"3000000000", "1", "<"}, {"4294967297", "1", "="}, {"2147483648", "1", ">"},
		{"1.2147483647", "1.alpha", "<"}, {"1.0nbx", "1.0", ">"},
	} {
		if got := sym[Compare(tt.a, tt.b)]; got != tt.want {
			t.Errorf("Compare(%q, %q) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
}

// Versions with small numbers cannot trigger the int32 artefacts, so the
// order must be a total preorder on them.
func TestOrderProperties(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	const alphabet = "0123456789._abnrcplz"
	vs := make([]string, 250)
	for i := range vs {
		b := make([]byte, r.Intn(8))
		for j := range b {
			b[j] = alphabet[r.Intn(len(alphabet))]
		}
		vs[i] = string(b)
	}
	for _, a := range vs {
		if Compare(a, a) != 0 {
			t.Errorf("not reflexive: %q", a)
		}
		for _, b := range vs {
			if Compare(a, b) != -Compare(b, a) {
				t.Errorf("not antisymmetric: %q %q", a, b)
			}
		}
	}
	for k := 0; k < 20000; k++ {
		a, b, c := vs[r.Intn(len(vs))], vs[r.Intn(len(vs))], vs[r.Intn(len(vs))]
		if Compare(a, b) <= 0 && Compare(b, c) <= 0 && Compare(a, c) > 0 {
			t.Errorf("not transitive: %q %q %q", a, b, c)
		}
	}
}

func FuzzDeweyCompare(f *testing.F) {
	for _, s := range []string{"1.0nb2", "2.4.2b18.2", "1.0alpha", "4294967297", "1.6.3p6", ""} {
		f.Add(s, "1.0")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if Compare(a, a) != 0 {
			t.Fatalf("not reflexive: %q", a)
		}
		Compare(a, b)
	})
}

func BenchmarkCompare(b *testing.B) {
	pairs := [][2]string{{"1.0.2k", "1.0.2l"}, {"5.7.44nb1", "5.7.45"}, {"2.4.2b18.2", "2.4.2"}, {"1.6.3p6", "1.6.3.7"}}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := pairs[i%len(pairs)]
		Compare(p[0], p[1])
	}
}
