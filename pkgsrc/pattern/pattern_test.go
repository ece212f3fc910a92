package pattern

import (
	"bufio"
	"os"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/vectors"
)

func checkMatchLines(t *testing.T, path string, want int) {
	t.Helper()
	ls, err := vectors.Read(path)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, l := range ls {
		if l.Fields[0] != "match" {
			continue
		}
		n++
		pat, name, exp := l.Fields[1], l.Fields[2], l.Fields[3]
		got, err := Match(pat, name)
		if strings.HasPrefix(exp, "ERR(") {
			msg := exp[strings.IndexByte(exp, ':')+1:]
			if err == nil || err.Error() != msg {
				t.Errorf("line %d: Match(%q, %q) error = %v, want %q", l.N, pat, name, err, msg)
			}
			continue
		}
		if err != nil {
			t.Errorf("line %d: Match(%q, %q): unexpected error %v", l.N, pat, name, err)
			continue
		}
		if (exp == "1") != got {
			t.Errorf("line %d: Match(%q, %q) = %v, want %s", l.N, pat, name, got, exp)
		}
		// The compiled form and its bases must agree.
		p, err := Compile(pat)
		if err != nil {
			t.Errorf("line %d: Compile(%q): %v", l.N, pat, err)
			continue
		}
		if p.Match(name) != got {
			t.Errorf("line %d: compiled Match(%q, %q) disagrees", l.N, pat, name)
		}
		if bases, ok := p.Bases(); ok && got {
			base := name
			if i := strings.LastIndexByte(name, '-'); i >= 0 {
				base = name[:i]
			}
			found := false
			for _, b := range bases {
				found = found || b == base
			}
			if !found {
				t.Errorf("line %d: %q matches %q but Bases %q lack %q", l.N, pat, name, bases, base)
			}
		}
	}
	if n != want {
		t.Errorf("%s: checked %d match lines, want %d", path, n, want)
	}
}

func TestMatchVectors(t *testing.T) {
	checkMatchLines(t, "../../testdata/vectors/pkgsrc-match.tsv", 198)
}

func TestMatchRealFileVectors(t *testing.T) {
	checkMatchLines(t, "../../testdata/vectors/pkgsrc-match-realfile.tsv", 27658)
}

func TestExtraVectors(t *testing.T) {
	ls, err := vectors.Read("../../testdata/vectors/pkgsrc-extra.tsv")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, l := range ls {
		f := l.Fields
		counts[f[0]]++
		var got string
		var exp string
		switch f[0] {
		case "history":
			exp = f[3]
			ok, err := MatchBase(f[1], f[2])
			got = result(ok, err)
		case "order":
			exp = f[4]
			o, err := Order(f[1], f[2], f[3])
			got = string(rune('0' + o))
			if err != nil {
				got = "ERR(1):" + err.Error()
			}
		case "match":
			exp = f[3]
			ok, err := Match(f[1], f[2])
			got = result(ok, err)
		default:
			t.Fatalf("line %d: unknown kind %q", l.N, f[0])
		}
		if got != exp {
			t.Errorf("line %d: %q = %q, want %q", l.N, f, got, exp)
		}
	}
	if counts["history"] != 34 || counts["order"] != 10 || counts["match"] != 1 {
		t.Errorf("counts %v", counts)
	}
}

func result(ok bool, err error) string {
	if err != nil {
		return "ERR(1):" + err.Error()
	}
	if ok {
		return "1"
	}
	return "0"
}

// realPatterns returns the first column of every entry line of the real file.
func realPatterns(tb testing.TB) []string {
	f, err := os.Open("../../testdata/pkgsrc/pkg-vulnerabilities-1.3817")
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		l := sc.Text()
		if l == "" || l[0] == '#' || l[0] == '-' || strings.HasPrefix(l, "Hash:") {
			continue
		}
		if fs := strings.Fields(l); len(fs) == 3 {
			out = append(out, fs[0])
		}
	}
	return out
}

func FuzzPatternMatch(f *testing.F) {
	for i, p := range realPatterns(f) {
		if i%50 == 0 {
			f.Add(p, "openssl-1.0.2k")
		}
	}
	f.Add("{foo,bar-1.0", "foo")
	f.Add("py{27,3{8,9}}-foo<2", "py38-foo-1.0")
	f.Fuzz(func(t *testing.T, pat, name string) {
		ok, err := Match(pat, name)
		if err != nil {
			return
		}
		p, err := Compile(pat)
		if err != nil {
			return // the quick reject can hide a malformed pattern from Match
		}
		if p.Match(name) != ok {
			t.Fatalf("compiled disagrees on %q %q", pat, name)
		}
		MatchBase(pat, name)
	})
}

func BenchmarkMatchReal(b *testing.B) {
	pats := realPatterns(b)
	names := []string{"openssl-1.0.2k", "php-5.3.5", "firefox-3.6.15", "mysql-server-5.1.55nb1"}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		Match(pats[i%len(pats)], names[i%len(names)])
	}
}

// Exponential alternation is refused instead of taking forever.
func TestExpansionBudget(t *testing.T) {
	pat := "xx" + strings.Repeat("{a,b}", 40) + "-1.0"
	if _, err := Match(pat, "xx-1.0"); err == nil {
		t.Error("Match: want a too-many-alternates error")
	}
	if _, err := Compile(pat); err == nil {
		t.Error("Compile: want a too-many-alternates error")
	}
	if _, err := MatchBase(pat, "xx"); err == nil {
		t.Error("MatchBase: want a too-many-alternates error")
	}
	// A realistic nest still works.
	if ok, err := Match("py{27,3{8,9}}-foo<2", "py39-foo-1.0"); !ok || err != nil {
		t.Errorf("nested: %v %v", ok, err)
	}
}
