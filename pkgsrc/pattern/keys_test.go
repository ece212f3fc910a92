package pattern

import (
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/vectors"
)

// Every matching (pattern, name) pair of the vectors must meet in the
// index: one of the name's probes is one of the pattern's keys.
func TestIndexKeysCoverMatches(t *testing.T) {
	n := 0
	for _, path := range []string{"../../testdata/vectors/pkgsrc-match.tsv", "../../testdata/vectors/pkgsrc-match-realfile.tsv"} {
		ls, err := vectors.Read(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range ls {
			if l.Fields[0] != "match" || len(l.Fields) != 4 {
				continue
			}
			pat, name := l.Fields[1], l.Fields[2]
			p, _ := Compile(pat)
			matched := l.Fields[3] == "1"
			if p != nil && p.Match(name) != matched {
				t.Errorf("line %d: compiled %q against %q = %v", l.N, pat, name, !matched)
			}
			keys := map[Key]bool{}
			for _, k := range IndexKeys(pat, p) {
				keys[k] = true
			}
			met := 0
			for _, k := range AppendProbes(nil, name) {
				if keys[k] {
					met++
				}
			}
			if met > 1 {
				t.Errorf("line %d: %q found %d times by %q", l.N, pat, met, name)
			}
			if matched {
				n++
				if met == 0 {
					t.Errorf("line %d: %q matches %q but no probe meets its keys %v", l.N, pat, name, IndexKeys(pat, p))
				}
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d matching lines", n)
	}
}

func TestAppendProbes(t *testing.T) {
	got := AppendProbes(nil, "foo-1-2.0")
	want := []Key{{ByBase, "foo-1"}, {ByName, "foo-1-2.0"}, {ByName, "foo"}, {ByName, "foo-1"}, {ByFirstByte, "f"}, {Always, ""}}
	if len(got) != len(want) {
		t.Fatalf("got %v", got)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("got %v, want %v", got, want)
		}
	}
	if got := AppendProbes(nil, ""); len(got) != 3 {
		t.Errorf("empty name: %v", got)
	}
}
