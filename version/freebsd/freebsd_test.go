package freebsd

import (
	"math/rand"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/vectors"
)

var sym = map[int]string{-1: "<", 0: "=", 1: ">"}

func TestVectors(t *testing.T) {
	vs, err := vectors.Read("../../testdata/vectors/freebsd-version.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 642 {
		t.Fatalf("read %d vectors, want 642", len(vs))
	}
	for _, v := range vs {
		if len(v.Fields) != 3 {
			t.Fatalf("line %d: %d fields", v.N, len(v.Fields))
		}
		a, b, want := v.Fields[0], v.Fields[1], v.Fields[2]
		if got := sym[Compare(a, b)]; got != want {
			t.Errorf("line %d: Compare(%q, %q) = %s, want %s", v.N, a, b, got, want)
		}
	}
}

func TestConsequences(t *testing.T) {
	tests := []struct{ a, b, want string }{
		{"1.0", "1", "="}, {"1.0.0", "1", "="}, {"", "0", "="}, {"", "0.1", "<"},
		{"2", "1,1", "<"}, {"1.0_1,1", "1.0,1", ">"}, {"1.0,1_1", "1.0.1_1", "="},
		{"1.0a", "1.0", ">"}, {"10a", "10", ">"}, {"3.0b1", "3.0", ">"},
		{"10alpha", "10", "<"}, {"10alpha", "10.a", "="},
		{"1.0beta", "1.0b", "<"}, {"1.0b1", "1.0beta1", ">"},
		{"1.pl1", "1.alpha1", "<"}, {"1.alpha1", "1.beta1", "<"}, {"1.beta1", "1.pre1", "<"},
		{"1.pre1", "1.rc1", "<"}, {"1.rc1", "1.snap1", "<"}, {"1.snap1", "1", "<"},
		{"1.0pl1", "1.0", "<"}, {"1.snap", "1.s", "="}, {"1snap", "1.s", "="},
		{"14.0.snap20231121", "14.0", "<"}, {"14.0.snap20231121", "14.0.rc1", ">"},
		{"1.0alphabet", "1.0a", "="}, {"1.0plus", "1.0p", "="}, {"1.0abc1", "1.0axe1", "="},
		{"1.0preview1", "1.0pre1", ">"}, {"1.0rc", "1.0rc0", "<"},
		{"2.*", "2", "<"}, {"2.*", "2pl1", "<"}, {"*", "", "<"}, {"1.*+1", "1.*", ">"},
		{"1.0+2", "1.0", ">"}, {"1.0+2", "1.0.1", "<"}, {"1.0+2", "1.0+2.0", "="},
		{"2.4.6+dfsg", "2.4.6", "<"}, {"1.2.3.g20231010", "1.2.3", "<"},
		{"0.9.8za", "0.9.8z", "="}, {"22.03.4,1", "22.3.4,1", "="}, {"1.01", "1.1", "="},
		{"9223372036854775808", "9223372036854775807", "="},
		{"1.0A", "1.0a", "="}, {"1.0RC1", "1.0rc1", "="}, {"foo-1.0", "bar-2.0", "<"},
		{"1.0-rc1", "1.0", "<"}, {"11.2r202.335", "11.2.202.335", ">"},
		{"115.5.0esr,1", "115.5.0,1", ">"}, {".5", "0.5", "<"},
		{"1.0,18446744073709551616", "1.0,18446744073709551615", "="},
	}
	for _, tt := range tests {
		if got := sym[Compare(tt.a, tt.b)]; got != tt.want {
			t.Errorf("Compare(%q, %q) = %s, want %s", tt.a, tt.b, got, tt.want)
		}
	}
}

func TestSplitName(t *testing.T) {
	for _, tt := range []struct{ in, name, ver string }{
		{"py39-foo-1.0", "py39-foo", "1.0"}, {"foo", "foo", ""}, {"-1", "", "1"},
	} {
		n, v := SplitName(tt.in)
		if n != tt.name || v != tt.ver {
			t.Errorf("SplitName(%q) = %q, %q", tt.in, n, v)
		}
	}
}

// genVersion makes a random version from a small alphabet rich in the
// characters that matter.
func genVersion(r *rand.Rand) string {
	const alphabet = "0123456789.._,+*abprcslnhe"
	n := r.Intn(10)
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[r.Intn(len(alphabet))]
	}
	return string(b)
}

func TestOrderProperties(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	vs := make([]string, 300)
	for i := range vs {
		vs[i] = genVersion(r)
	}
	for _, a := range vs {
		if Compare(a, a) != 0 {
			t.Errorf("not reflexive: %q", a)
		}
		for _, b := range vs {
			ab := Compare(a, b)
			if ab != -Compare(b, a) {
				t.Errorf("not antisymmetric: %q %q", a, b)
			}
		}
	}
	for k := 0; k < 20000; k++ {
		a, b, c := vs[r.Intn(len(vs))], vs[r.Intn(len(vs))], vs[r.Intn(len(vs))]
		if Compare(a, b) <= 0 && Compare(b, c) <= 0 && Compare(a, c) > 0 {
			t.Errorf("not transitive: %q <= %q <= %q but %q > %q", a, b, c, a, c)
		}
	}
}

func FuzzCompare(f *testing.F) {
	for _, s := range []string{"1.1.1w_1,1", "2.4.6+dfsg", "1.*+1", "14.0.snap20231121", "10alpha", ""} {
		f.Add(s, "1.0")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		if Compare(a, b) != -Compare(b, a) {
			t.Fatalf("not antisymmetric: %q %q", a, b)
		}
		if Compare(a, a) != 0 {
			t.Fatalf("not reflexive: %q", a)
		}
	})
}

func BenchmarkCompare(b *testing.B) {
	pairs := [][2]string{
		{"openssl-1.1.1w_1,1", "1.1.1w,1"}, {"curl-8.4.0", "8.5.0"}, {"firefox-120.0,2", "121.0,2"},
		{"chromium-32.0.1700.102", "32.0.1700.102_1"}, {"py39-django-4.2.7", "4.2.8"},
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		p := pairs[i%len(pairs)]
		Compare(p[0], p[1])
	}
}
