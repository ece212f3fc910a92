package fnmatch

import "testing"

func TestMatch(t *testing.T) {
	for _, tt := range []struct {
		pat, name string
		flags     Flag
		want      bool
	}{
		{"foo-[0-9]*", "foo-1.0", Period, true},
		{"foo-[0-9]*", "foo-x", Period, false},
		{"*", ".hidden-1", Period, false},
		{"*", ".hidden-1", 0, true},
		{".*", ".hidden-1", Period, true},
		{"fo?", "foo", 0, true},
		{"[!a]x", "bx", 0, true},
		{"[^a]x", "ax", 0, false},
		{"[]]", "]", 0, true},
		{"foo-[0-9", "foo-[0-9", 0, true},
		{"a\\*", "a*", 0, true},
		{"a\\*", "ab", 0, false},
		{"a\\", "a\\", 0, false},
		{"a\\", "a\\", NoEscape, true},
		{"[[:digit:]]x", "7x", 0, true},
		{"*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", 0, false},
		{"FOO", "foo", CaseFold, true},
		{"a/*", "a/b/c", PathName, false},
		{"a/*", "a/b", PathName, true},
	} {
		if got := Match(tt.pat, tt.name, tt.flags); got != tt.want {
			t.Errorf("Match(%q, %q, %d) = %v, want %v", tt.pat, tt.name, tt.flags, got, tt.want)
		}
	}
}

func FuzzFnmatch(f *testing.F) {
	f.Add("foo-[0-9]*", "foo-1.0")
	f.Add("py[0-9][0-9]-django<1.2.5", "py27-django-1.2")
	f.Add("[[:alpha:]*?\\", "x")
	f.Fuzz(func(t *testing.T, pat, name string) {
		Match(pat, name, Period)
		Match(pat, name, 0)
		if !HasMeta(pat) && len(pat) > 0 && pat[0] != '\\' && !containsByte(pat, '\\') && Match(pat, name, 0) != (pat == name) {
			t.Fatalf("literal pattern %q vs %q", pat, name)
		}
	})
}

func containsByte(s string, c byte) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return true
		}
	}
	return false
}

func BenchmarkMatch(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		Match("py[0-9][0-9]-django-[0-9]*", "py27-django-1.2.5", Period)
	}
}
