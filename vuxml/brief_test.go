package vuxml

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/testlong"
	"github.com/pkgaudit/pkgaudit/internal/workload"
)

// briefOf is what a Brief parse keeps of a full one (ParseOptions.Brief).
func briefOf(d *Document) []*Entry {
	var out []*Entry
	for _, e := range d.Entries {
		b := &Entry{VID: e.VID, Pos: e.Pos, Topic: e.Topic, Start: e.Start, End: e.End}
		for _, a := range e.Affects {
			ba := Affected{Kind: a.Kind}
			for _, n := range a.Names {
				ba.Names = append(ba.Names, Name{Value: n.Value})
			}
			for _, r := range a.Ranges {
				var br Range
				for _, bd := range r.Bounds {
					br.Bounds = append(br.Bounds, Bound{Op: bd.Op, Version: bd.Version})
				}
				ba.Ranges = append(ba.Ranges, br)
			}
			b.Affects = append(b.Affects, ba)
		}
		for _, r := range e.References {
			if r.Kind == "cvename" {
				b.References = append(b.References, Reference{Kind: r.Kind, Value: r.Value})
			}
		}
		if e.Cancelled != nil {
			b.Cancelled = &Cancelled{Superseded: e.Cancelled.Superseded}
		}
		out = append(out, b)
	}
	return out
}

var sentinels = []error{ErrSyntax, ErrStructure, ErrTooLarge, ErrTooDeep, ErrEntityLimit, ErrExternalEntity, ErrUnsupported}

// sameError reports whether two parse results failed alike: both not at
// all, or with the same message and the same sentinel.
func sameError(a, b error) bool {
	if (a == nil) != (b == nil) {
		return false
	}
	if a == nil {
		return true
	}
	if a.Error() != b.Error() {
		return false
	}
	for _, s := range sentinels {
		if errors.Is(a, s) != errors.Is(b, s) {
			return false
		}
	}
	return true
}

// briefParser is one Parser reused by every briefDifferential, so that
// the tests also check that a Parser's reused memory gives the same
// Documents as fresh memory.
var briefParser struct {
	sync.Mutex
	p Parser
}

// briefDifferential parses data fully and with Brief (fresh, and with a
// reused Parser) and reports any disagreement: Brief must fail exactly
// when the full parse fails, with the same error, and otherwise give
// what briefOf keeps of the full Document, and no Issues.
func briefDifferential(data []byte, opts ParseOptions) error {
	full, ferr := parseFast(data, opts, false)
	bo := opts
	bo.Brief = true
	brief, berr := parseFast(data, bo, false)
	briefParser.Lock()
	defer briefParser.Unlock()
	// The Parser's Documents point into data: NoCopy is fine here.
	bo.NoCopy = true
	reused, rerr := briefParser.p.Parse(data, bo)
	for _, c := range []struct {
		name string
		d    *Document
		err  error
	}{{"Brief", brief, berr}, {"Brief with a reused Parser", reused, rerr}} {
		if !sameError(ferr, c.err) {
			return fmt.Errorf("%s: error %v, full parse: %v", c.name, c.err, ferr)
		}
		if ferr != nil {
			continue
		}
		if c.d.Fragment != full.Fragment {
			return fmt.Errorf("%s: Fragment %v, full parse: %v", c.name, c.d.Fragment, full.Fragment)
		}
		if len(c.d.Issues) != 0 {
			return fmt.Errorf("%s: %d Issues", c.name, len(c.d.Issues))
		}
		want := briefOf(full)
		if len(c.d.Entries) != len(want) {
			return fmt.Errorf("%s: %d entries, full parse: %d", c.name, len(c.d.Entries), len(want))
		}
		for i := range want {
			if !reflect.DeepEqual(c.d.Entries[i], want[i]) {
				return fmt.Errorf("%s: entry %d:\n%#v\nfull parse:\n%#v", c.name, i, c.d.Entries[i], want[i])
			}
		}
	}
	// Full parses with a reused Parser give the full Document.
	fo := opts
	fo.NoCopy = true
	again, aerr := briefParser.p.Parse(data, fo)
	if !sameError(ferr, aerr) {
		return fmt.Errorf("reused Parser: error %v, full parse: %v", aerr, ferr)
	}
	if ferr == nil {
		// (a reused Parser's empty lists are empty, not nil)
		if len(full.Issues) == 0 && len(again.Issues) == 0 {
			again.Issues = full.Issues
		}
		if len(full.Entries) == 0 && len(again.Entries) == 0 {
			again.Entries = full.Entries
		}
		if d := diffDocs(full, again); d != "" {
			return fmt.Errorf("reused Parser: %s", d)
		}
	}
	return nil
}

// randomDocs returns n random documents of the pieces of
// TestDifferentialRandom and the trees of TestDifferentialRandomTrees.
func randomDocs(n int, s1, s2 uint64) [][]byte {
	r := rand.New(rand.NewPCG(s1, s2))
	var out [][]byte
	for i := 0; i < n; i++ {
		var b strings.Builder
		if i%2 == 0 {
			for k := 1 + r.IntN(40); k > 0; k-- {
				b.WriteString(pieces[r.IntN(len(pieces))])
			}
		} else {
			b.WriteString(hdr)
			for k := 1 + r.IntN(4); k > 0; k-- {
				b.WriteString("<vuln vid=\"v\">")
				for j := r.IntN(6); j > 0; j-- {
					rndElem(r, &b, 2)
				}
				b.WriteString("</vuln>\n")
			}
			b.WriteString("</vuxml>")
		}
		out = append(out, []byte(b.String()))
	}
	return out
}

func TestBriefReal(t *testing.T) {
	for _, f := range yearFiles {
		frag := readTestFile(t, f)
		for _, in := range [][]byte{frag, wrapFragment(frag)} {
			if err := briefDifferential(in, ParseOptions{FileName: f}); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
	}
	w := layoutPort(t)
	if err := briefDifferential(readTestFile(t, w), ParseOptions{FileName: w}); err != nil {
		t.Errorf("wrapper: %v", err)
	}
	if err := briefDifferential(readTestFile(t, w), ParseOptions{FileName: w, NoExternalEntities: true}); err != nil {
		t.Errorf("wrapper without external entities: %v", err)
	}
}

func TestBriefWorkloads(t *testing.T) {
	cs := []workload.Config{
		{Entries: 300, Names: 100, Operands: 10, Seed: 1},
		{Entries: 2000, Names: 300, Operands: 10, Seed: 3},
	}
	if testlong.Enabled() {
		cs = append(cs, workload.Standard(), workload.Large())
	}
	for _, c := range cs {
		doc, _ := workload.Cached(c)
		if err := briefDifferential(doc, ParseOptions{FileName: "w.xml"}); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
		// and cut, as feed parses a big document
		if n := len(doc); n > 1<<20 {
			for _, cut := range []int{n / 3, n / 2, n - 100} {
				if err := briefDifferential(doc[:cut], ParseOptions{FileName: "w.xml"}); err != nil {
					t.Errorf("%+v cut at %d: %v", c, cut, err)
				}
			}
		}
	}
}

// readCorpus returns the inputs of a fuzz corpus directory (the "go test
// fuzz v1" files of one []byte each).
func readCorpus(t testing.TB, dir string) map[string][]byte {
	files, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		lines := strings.SplitN(string(b), "\n", 3)
		if len(lines) < 2 || lines[0] != "go test fuzz v1" {
			t.Fatalf("%s: not a fuzz corpus file", f)
		}
		lit := strings.TrimSuffix(strings.TrimPrefix(lines[1], "[]byte("), ")")
		s, err := strconv.Unquote(lit)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out[filepath.Base(f)] = []byte(s)
	}
	return out
}

var fuzzOpts = func(name string) ParseOptions {
	return ParseOptions{FileName: name, MaxDepth: 40, MaxEntityExpansion: 1 << 16, MaxSize: 1 << 20}
}

func TestBriefFuzzCorpus(t *testing.T) {
	name := fuzzDirT(t)
	corpus := readCorpus(t, filepath.Join("testdata", "fuzz", "FuzzParse"))
	if len(corpus) == 0 {
		t.Fatal("no FuzzParse corpus")
	}
	for f, data := range corpus {
		if err := briefDifferential(data, fuzzOpts(name)); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

func TestBriefRandom(t *testing.T) {
	n := 20000
	if !testlong.Enabled() {
		n = 2000
	}
	name := fuzzDirT(t)
	in := randomDocs(n, 5, 6)
	for _, d := range in {
		if err := briefDifferential(d, fuzzOpts(name)); err != nil {
			t.Fatalf("%q: %v", d, err)
		}
	}
}

// FuzzBrief holds Brief parses to full ones (briefDifferential), without
// the slower oracle of FuzzParse; its seeds are FuzzParse's.
func FuzzBrief(f *testing.F) {
	name := fuzzDir(f)
	for _, data := range readCorpus(f, filepath.Join("testdata", "fuzz", "FuzzParse")) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if err := briefDifferential(data, fuzzOpts(name)); err != nil {
			t.Fatal(err)
		}
	})
}
