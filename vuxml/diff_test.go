package vuxml

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/testlong"
	"github.com/pkgaudit/pkgaudit/internal/workload"
)

// diffDocs describes the first difference between two documents ("" if
// none).
func diffDocs(a, b *Document) string {
	if reflect.DeepEqual(a, b) {
		return ""
	}
	if a.Fragment != b.Fragment {
		return fmt.Sprintf("Fragment %v / %v", a.Fragment, b.Fragment)
	}
	for i := 0; i < len(a.Entries) && i < len(b.Entries); i++ {
		if !reflect.DeepEqual(a.Entries[i], b.Entries[i]) {
			return fmt.Sprintf("entry %d:\n%#v\n%#v", i, a.Entries[i], b.Entries[i])
		}
	}
	if len(a.Entries) != len(b.Entries) {
		return fmt.Sprintf("%d / %d entries", len(a.Entries), len(b.Entries))
	}
	for i := 0; i < len(a.Issues) && i < len(b.Issues); i++ {
		if a.Issues[i] != b.Issues[i] {
			return fmt.Sprintf("issue %d: %v / %v", i, a.Issues[i], b.Issues[i])
		}
	}
	return fmt.Sprintf("issues %v / %v", a.Issues, b.Issues)
}

// differential parses data with the oracle and the fast parser and
// reports any disagreement: both must fail, or both succeed with equal
// Documents. The fast parser's Brief parses must also agree with its full
// one (briefDifferential).
func differential(data []byte, opts ParseOptions) error {
	if err := briefDifferential(data, opts); err != nil {
		return err
	}
	st, werr := parseStdState(data, opts)
	if errors.Is(werr, errStdUnsupported) {
		return nil
	}
	var want *Document
	if st != nil {
		want = st.doc
	}
	got, gerr := parseFast(data, opts, false)
	switch {
	case werr != nil && gerr != nil:
		return nil
	case werr != nil:
		return fmt.Errorf("oracle refuses (%v), fast parser accepts", werr)
	case gerr != nil:
		return fmt.Errorf("oracle accepts, fast parser refuses: %v", gerr)
	}
	if d := diffDocs(want, got); d != "" {
		return fmt.Errorf("documents differ: %s", d)
	}
	for i, e := range want.Entries {
		if w, g := st.stdTexts[e], got.Entries[i].Description.Text(); w != g {
			return fmt.Errorf("entry %d: description text\n%q (oracle)\n%q", i, w, g)
		}
	}
	return nil
}

func TestDifferentialReal(t *testing.T) {
	for _, f := range yearFiles {
		frag := readTestFile(t, f)
		for _, in := range [][]byte{frag, wrapFragment(frag)} {
			if err := differential(in, ParseOptions{FileName: f}); err != nil {
				t.Errorf("%s: %v", f, err)
			}
		}
	}
	w := layoutPort(t)
	if err := differential(readTestFile(t, w), ParseOptions{FileName: w}); err != nil {
		t.Errorf("wrapper: %v", err)
	}
}

func TestDifferentialWorkloads(t *testing.T) {
	cs := []workload.Config{
		{Entries: 300, Names: 100, Operands: 10, Seed: 1},
		{Entries: 1000, Names: 500, Operands: 10, Seed: 2},
		{Entries: 2000, Names: 300, Operands: 10, Seed: 3},
	}
	if testlong.Enabled() {
		cs = append(cs, workload.Standard())
	}
	for _, c := range cs {
		doc, _ := workload.Cached(c)
		if err := differential(doc, ParseOptions{FileName: "w.xml"}); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

// fuzzDir lays out external entities for the fuzz target.
func fuzzDir(f *testing.F) string { return fuzzDirT(f) }

func fuzzDirT(f interface {
	TempDir() string
	Helper()
	Fatal(...any)
}) string {
	dir := f.TempDir()
	os.Mkdir(filepath.Join(dir, "vuln"), 0o755)
	os.WriteFile(filepath.Join(dir, "vuln", "2003.xml"), readTestFile(f.(testing.TB), yearFiles[2003]), 0o644)
	os.WriteFile(filepath.Join(dir, "vuln", "a.xml"), []byte(goodEntry), 0o644)
	os.WriteFile(filepath.Join(dir, "vuln", "bad.xml"), []byte("<vuln><topic>x</vuln>"), 0o644)
	os.WriteFile(filepath.Join(dir, "vuln", "empty.xml"), nil, 0o644)
	return filepath.Join(dir, "vuln.xml")
}

func FuzzParse(f *testing.F) {
	name := fuzzDir(f)
	f.Add([]byte(goodEntry))
	f.Add([]byte(hdr + goodEntry + "</vuxml>"))
	f.Add([]byte("<!DOCTYPE vuxml [<!ENTITY a SYSTEM \"vuln/a.xml\"><!ENTITY y SYSTEM \"vuln/2003.xml\"><!ENTITY e SYSTEM \"vuln/empty.xml\"><!ENTITY b SYSTEM \"vuln/bad.xml\"><!ENTITY t \"x&amp;y\">]>\n" + hdr + "\n&a;\n&e;\n&y;</vuxml>"))
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := ParseOptions{FileName: name, MaxDepth: 40, MaxEntityExpansion: 1 << 16, MaxSize: 1 << 20}
		if err := differential(data, opts); err != nil {
			t.Fatal(err)
		}
	})
}

func TestDiffDocsReports(t *testing.T) {
	a := &Document{Entries: []*Entry{{VID: "a"}}}
	b := &Document{Entries: []*Entry{{VID: "b"}}}
	if d := diffDocs(a, b); !strings.Contains(d, "entry 0") {
		t.Error(d)
	}
}
