package vuxml

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const testdata = "../testdata/vuxml/"

var yearFiles = map[int]string{
	2003: testdata + "vuln-2003.xml",
	2025: testdata + "vuln-2025.xml",
	2026: testdata + "vuln-2026.xml",
}

func readTestFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wrapFragment turns a year fragment into a document, without moving
// the fragment's lines (the root start tag shares line 1).
func wrapFragment(frag []byte) []byte {
	return []byte(`<vuxml xmlns="` + Namespace + `">` + string(frag) + "</vuxml>\n")
}

// layoutPort lays out a directory like security/vuxml: vuln.xml (the
// wrapper) and vuln/2003.xml ... vuln/2026.xml, empty for the years
// without test data. It returns the wrapper's path.
func layoutPort(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "vuln"), 0o755); err != nil {
		t.Fatal(err)
	}
	for y := 2003; y <= 2026; y++ {
		var data []byte
		if f, ok := yearFiles[y]; ok {
			data = readTestFile(t, f)
		}
		if err := os.WriteFile(filepath.Join(dir, "vuln", strconv.Itoa(y)+".xml"), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	w := filepath.Join(dir, "vuln.xml")
	if err := os.WriteFile(w, readTestFile(t, testdata+"vuln-wrapper.example.xml"), 0o644); err != nil {
		t.Fatal(err)
	}
	return w
}

type parser struct {
	name  string
	parse func([]byte, ParseOptions) (*Document, error)
}

// parsers are the implementations every behaviour test runs against.
var parsers = []parser{{"std", parseStd}, {"fast", Parse}}

type fileCounts struct {
	entries, cancelled, modified int
	refs                         map[string]int
	combos                       map[string]int
}

var wantCounts = map[int]fileCounts{
	2026: {24, 0, 1, map[string]int{"cvename": 80, "url": 21, "freebsdsa": 2},
		map[string]int{"lt": 38, "ge+lt": 11}},
	2025: {203, 0, 3, map[string]int{"cvename": 427, "url": 247, "freebsdsa": 5},
		map[string]int{"lt": 362, "le": 2, "ge": 8, "eq": 1, "ge+lt": 95, "gt+lt": 5}},
	2003: {10, 2, 4, map[string]int{"cvename": 7, "url": 5, "mlist": 2, "bid": 1, "certvu": 1, "freebsdsa": 1},
		map[string]int{"lt": 5, "le": 2, "ge+lt": 10}},
}

func checkCounts(t *testing.T, year int, d *Document) {
	t.Helper()
	w := wantCounts[year]
	if len(d.Entries) != w.entries {
		t.Fatalf("%d: %d entries, want %d", year, len(d.Entries), w.entries)
	}
	cancelled, modified := 0, 0
	refs := map[string]int{}
	combos := map[string]int{}
	for _, e := range d.Entries {
		if e.Cancelled != nil {
			cancelled++
		}
		if e.Dates.Modified != "" {
			modified++
		}
		for _, r := range e.References {
			refs[r.Kind]++
		}
		for _, a := range e.Affects {
			for _, r := range a.Ranges {
				var ops []string
				for _, b := range r.Bounds {
					ops = append(ops, b.Op.String())
				}
				combos[strings.Join(ops, "+")]++
			}
		}
	}
	if cancelled != w.cancelled || modified != w.modified {
		t.Errorf("%d: %d cancelled, %d modified; want %d, %d", year, cancelled, modified, w.cancelled, w.modified)
	}
	if !mapsEqual(refs, w.refs) {
		t.Errorf("%d: reference kinds %v, want %v", year, refs, w.refs)
	}
	if !mapsEqual(combos, w.combos) {
		t.Errorf("%d: range combinations %v, want %v", year, combos, w.combos)
	}
	if len(d.Issues) != 0 {
		t.Errorf("%d: unexpected issues: %v", year, d.Issues)
	}
}

func mapsEqual(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestRealFragmentsAndWrapped(t *testing.T) {
	for _, p := range parsers {
		for year, f := range yearFiles {
			frag := readTestFile(t, f)
			d, err := p.parse(frag, ParseOptions{FileName: f})
			if err != nil {
				t.Fatalf("%s %s: %v", p.name, f, err)
			}
			if !d.Fragment {
				t.Errorf("%s %s: not detected as a fragment", p.name, f)
			}
			checkCounts(t, year, d)
			w, err := p.parse(wrapFragment(frag), ParseOptions{FileName: f})
			if err != nil {
				t.Fatalf("%s wrapped %s: %v", p.name, f, err)
			}
			if w.Fragment {
				t.Errorf("%s wrapped %s: taken for a fragment", p.name, f)
			}
			// Wrapping moves line 1 only: entries start on later lines.
			shift := len(`<vuxml xmlns="` + Namespace + `">`)
			for i, e := range w.Entries {
				fe := d.Entries[i]
				if e.Start != fe.Start+shift || e.End != fe.End+shift || e.Pos.Line != fe.Pos.Line {
					t.Fatalf("%s wrapped %s: entry %d at %v [%d,%d), fragment %v [%d,%d)", p.name, f, i, e.Pos, e.Start, e.End, fe.Pos, fe.Start, fe.End)
				}
			}
			checkCounts(t, year, w)
		}
	}
}

func TestRealWrapper(t *testing.T) {
	wrapper := layoutPort(t)
	for _, p := range parsers {
		data := readTestFile(t, wrapper)
		d, err := p.parse(data, ParseOptions{FileName: wrapper})
		if err != nil {
			t.Fatalf("%s: %v", p.name, err)
		}
		if len(d.Entries) != 237 {
			t.Fatalf("%s: %d entries, want 237", p.name, len(d.Entries))
		}
		if len(d.Issues) != 0 {
			t.Errorf("%s: issues %v", p.name, d.Issues)
		}
		// newest first: 2026 (24), 2025 (203), 2003 (10)
		want := filepath.Join(filepath.Dir(wrapper), "vuln", "2026.xml")
		if e := d.Entries[0]; e.Pos.File != want || e.Pos.Line != 1 || e.Pos.Col != 3 || e.Start != 2 {
			t.Errorf("%s: first entry at %v offset %d, want %s:1:3 offset 2", p.name, e.Pos, e.Start, want)
		}
		if e := d.Entries[236]; !strings.HasSuffix(e.Pos.File, filepath.Join("vuln", "2003.xml")) {
			t.Errorf("%s: last entry in %s", p.name, e.Pos.File)
		}
		year := readTestFile(t, yearFiles[2025])
		e := d.Entries[24]
		if got := string(year[e.Start:e.End]); !strings.HasPrefix(got, "<vuln vid=\""+e.VID+"\">") || !strings.HasSuffix(got, "</vuln>") {
			t.Errorf("%s: entry source %q...", p.name, got[:60])
		}
		if _, err := p.parse(data, ParseOptions{FileName: wrapper, NoExternalEntities: true}); err == nil ||
			!strings.Contains(err.Error(), "external entities are disabled") || !strings.Contains(err.Error(), "vuln.xml:35:1") {
			t.Errorf("%s: NoExternalEntities: %v", p.name, err)
		}
	}
	d, err := ParseFile(wrapper, ParseOptions{})
	if err != nil || len(d.Entries) != 237 {
		t.Fatalf("ParseFile: %v", err)
	}
}

// TestRealDataFacts pins the odd constructs of the real files (vuxml.md §e).
func TestRealDataFacts(t *testing.T) {
	for _, p := range parsers {
		docs := map[int]*Document{}
		for y, f := range yearFiles {
			d, err := p.parse(readTestFile(t, f), ParseOptions{FileName: f})
			if err != nil {
				t.Fatal(err)
			}
			docs[y] = d
		}
		find := func(y int, pred func(*Entry) bool) *Entry {
			for _, e := range docs[y].Entries {
				if pred(e) {
					return e
				}
			}
			t.Fatalf("%s: entry not found in %d", p.name, y)
			return nil
		}
		hasName := func(n string) func(*Entry) bool {
			return func(e *Entry) bool {
				for _, a := range e.Affects {
					for _, nm := range a.Names {
						if nm.Value == n {
							return true
						}
					}
				}
				return false
			}
		}
		// whitespace inside <range>: the bound is clean, the range counts one bound
		php := find(2025, hasName("php81"))
		for _, a := range php.Affects {
			if a.Names[0].Value == "php81" {
				if r := a.Ranges[0]; len(r.Bounds) != 1 || r.Bounds[0].Op != Lt || r.Bounds[0].Version != "8.1.32" || r.Bounds[0].Pos.Col != 2 {
					t.Errorf("%s: php81 range %+v", p.name, r)
				}
			}
		}
		// <name>null</name> with <lt>null</lt>
		nul := find(2025, hasName("null"))
		for _, a := range nul.Affects {
			if a.Names[0].Value == "null" && a.Ranges[0].Bounds[0].Version != "null" {
				t.Errorf("%s: null entry %+v", p.name, a)
			}
		}
		// &apos; and &quot; in topics
		find(2025, func(e *Entry) bool { return strings.Contains(e.Topic, "MongoDB Server's OIDC") })
		find(2025, func(e *Entry) bool { return strings.Contains(e.Topic, `"unicode_escape"`) })
		// positions of <affects>, <references> and the dates
		if g := docs[2003].Entries[0]; g.AffectsPos.Line != 3 || g.AffectsPos.Col != 5 || g.ReferencesPos.Line != 39 ||
			g.Dates.DiscoveryPos.Line != 44 || g.Dates.DiscoveryPos.Col != 7 || g.Dates.EntryPos.Line != 45 || g.Dates.ModifiedPos.IsValid() {
			t.Errorf("%s: positions %v %v %v %v %v", p.name, g.AffectsPos, g.ReferencesPos, g.Dates.DiscoveryPos, g.Dates.EntryPos, g.Dates.ModifiedPos)
		}
		// a tab before <topic>
		ls := find(2026, hasName("libsodium"))
		if ls.TopicPos.Line != 770 || ls.TopicPos.Col != 4 || !strings.HasPrefix(ls.Topic, "security/libsodium -- ") {
			t.Errorf("%s: libsodium topic at %v: %q", p.name, ls.TopicPos, ls.Topic)
		}
		// two cancelled entries in 2003, without superseded, without dates
		for _, vid := range []string{"6fd9a1e9-efd3-11d8-9837-000c41e2cdad", "3362f2c1-8344-11d8-a41f-0020ed76ef5a"} {
			e := find(2003, func(e *Entry) bool { return e.VID == vid })
			if e.Cancelled == nil || e.Cancelled.Superseded != "" || e.Dates.Entry != "" || e.Topic != "" || len(e.Affects) != 0 {
				t.Errorf("%s: cancelled %s: %+v", p.name, vid, e)
			}
		}
		// mlist with &amp; in its URL
		e := find(2003, func(e *Entry) bool {
			for _, r := range e.References {
				if r.Kind == "mlist" && strings.Contains(r.Value, "?l=bugtraq&m=104162752401212&w=2") {
					return true
				}
			}
			return false
		})
		_ = e
		// epochs
		ff := find(2026, hasName("firefox"))
		found := false
		for _, a := range ff.Affects {
			for _, r := range a.Ranges {
				for _, b := range r.Bounds {
					if b.Version == "147.0.2,2" {
						found = true
					}
				}
			}
		}
		if !found {
			t.Errorf("%s: firefox 147.0.2,2 not found", p.name)
		}
		// eq only
		pdns := find(2025, hasName("powerdns-recursor"))
		_ = pdns
		// description: verbatim XHTML, plain text
		g := docs[2003].Entries[0]
		if !strings.HasPrefix(g.Description.XHTML, "\n      <body xmlns=\"http://www.w3.org/1999/xhtml\">\n\t<p>Any ElGamal") ||
			!strings.HasSuffix(g.Description.XHTML, "</body>\n    ") {
			t.Errorf("%s: XHTML %q", p.name, g.Description.XHTML)
		}
		if !strings.HasPrefix(g.Description.Text(), "Any ElGamal sign+encrypt keys created by GnuPG contain a cryptographic weakness that may allow someone to obtain the private key. These keys should be considered unusable and should be revoked.\n\nThe following summary was written by Werner Koch, GnuPG author:\n\nPhong Nguyen identified") {
			t.Errorf("%s: text %q", p.name, g.Description.Text()[:300])
		}
	}
}
