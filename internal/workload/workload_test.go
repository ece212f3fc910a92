package workload

import (
	"bytes"
	"crypto/sha256"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/internal/testlong"
	"github.com/pkgaudit/pkgaudit/version/freebsd"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

func TestDeterministic(t *testing.T) {
	c := Config{Entries: 500, Names: 200, Operands: 100, Seed: 7}
	a, ao := Generate(c)
	b, bo := Generate(c)
	if sha256.Sum256(a) != sha256.Sum256(b) || strings.Join(ao, " ") != strings.Join(bo, " ") {
		t.Fatal("same seed, different output")
	}
	c.Seed = 8
	if d, _ := Generate(c); bytes.Equal(a, d) {
		t.Fatal("different seeds, same output")
	}
}

// stats parses a workload and measures it like freebsd-pkg-audit.md §4
// describes it.
func checkWorkload(t *testing.T, c Config, wantMB float64, wantNames int) {
	doc, ops := Cached(c)
	mb := float64(len(doc)) / 1e6
	if mb < wantMB*0.97 || mb > wantMB*1.03 {
		t.Errorf("size %.1f MB, want about %.1f", mb, wantMB)
	}
	if n := bytes.Count(doc, []byte("<name>")); n < wantNames*97/100 || n > wantNames*103/100 {
		t.Errorf("%d <name> elements, want about %d", n, wantNames)
	}
	// only the five predefined entities: FreeBSD pkg reads it as we do
	for _, m := range regexp.MustCompile(`&[^;\s]*;`).FindAll(doc, -1) {
		switch string(m) {
		case "&amp;", "&lt;", "&gt;", "&quot;", "&apos;":
		default:
			t.Fatalf("entity %s", m)
		}
	}
	d, err := vuxml.Parse(doc, vuxml.ParseOptions{FileName: "workload.xml"})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Entries) != c.Entries || len(d.Issues) != 0 {
		t.Fatalf("%d entries, issues %v", len(d.Entries), d.Issues[:min(5, len(d.Issues))])
	}
	// structure
	names, globs, blocks := 0, 0, 0
	combos := map[string]int{}
	pool := map[string]bool{}
	type item struct {
		pattern string
		ranges  []vuxml.Range
	}
	var items []item
	for _, e := range d.Entries {
		if len(e.Affects) < 1 || len(e.Affects) > 3 || len(e.References) == 0 || e.Dates.Entry == "" || e.Description.XHTML == "" {
			t.Fatalf("entry %s: %d blocks", e.VID, len(e.Affects))
		}
		blocks += len(e.Affects)
		for _, a := range e.Affects {
			if len(a.Names) > 2 || len(a.Ranges) > 2 {
				t.Fatalf("entry %s: %d names, %d ranges", e.VID, len(a.Names), len(a.Ranges))
			}
			for _, n := range a.Names {
				names++
				if fnmatch.HasMeta(n.Value) {
					globs++
				} else {
					pool[n.Value] = true
				}
				items = append(items, item{n.Value, a.Ranges})
			}
			for _, r := range a.Ranges {
				var ops []string
				for _, b := range r.Bounds {
					ops = append(ops, b.Op.String())
				}
				combos[strings.Join(ops, "+")]++
			}
		}
	}
	if g := float64(globs) / float64(names); g < 0.01 || g > 0.03 {
		t.Errorf("%.1f %% glob names", 100*g)
	}
	total := 0
	for _, n := range combos {
		total += n
	}
	if f := float64(combos["lt"]) / float64(total); f < 0.7 || f > 0.82 {
		t.Errorf("lt-only ranges %.2f: %v", f, combos)
	}
	for _, k := range []string{"ge+lt", "le", "ge", "eq", "gt", "gt+lt", "ge+le"} {
		if combos[k] == 0 {
			t.Errorf("no %s range: %v", k, combos)
		}
	}
	// operands: distinct names from the pool; most vulnerable, a third
	// on a bound
	if len(ops) != c.Operands {
		t.Fatalf("%d operands", len(ops))
	}
	// The items an operand name can match: those naming it, and the globs
	// (trying every item for every operand took minutes on Large).
	byName := map[string][]item{}
	var globItems []item
	for _, it := range items {
		if fnmatch.HasMeta(it.pattern) {
			globItems = append(globItems, it)
		} else {
			byName[it.pattern] = append(byName[it.pattern], it)
		}
	}
	seen := map[string]bool{}
	vulnerable, onBound, listed := 0, 0, 0
	for _, op := range ops {
		name, ver := freebsd.SplitName(op)
		if seen[name] {
			t.Fatalf("operand name %s twice", name)
		}
		seen[name] = true
		if pool[name] {
			listed++
		}
		hit, bound := false, false
		for _, it := range append(byName[name][:len(byName[name]):len(byName[name])], globItems...) {
			if it.pattern != name && !fnmatch.Match(it.pattern, name, 0) {
				continue
			}
			for _, r := range it.ranges {
				ok := true
				for _, b := range r.Bounds {
					c := freebsd.Compare(ver, b.Version)
					switch b.Op {
					case vuxml.Lt:
						ok = ok && c < 0
					case vuxml.Le:
						ok = ok && c <= 0
					case vuxml.Eq:
						ok = ok && c == 0
					case vuxml.Ge:
						ok = ok && c >= 0
					case vuxml.Gt:
						ok = ok && c > 0
					}
					if near(ver, b.Version) {
						bound = true
					}
				}
				hit = hit || ok
			}
		}
		if hit {
			vulnerable++
		}
		if bound {
			onBound++
		}
	}
	n := float64(len(ops))
	t.Logf("%.1f MB, %d names (%d globs), %d blocks, combos %v; operands: %d listed, %d vulnerable, %d on a bound",
		mb, names, globs, blocks, combos, listed, vulnerable, onBound)
	if float64(listed)/n < 0.9 || float64(vulnerable)/n < 0.55 || float64(vulnerable)/n > 0.95 ||
		float64(onBound)/n < 0.25 || float64(onBound)/n > 0.45 {
		t.Errorf("operands: %d listed, %d vulnerable, %d on a bound of %d", listed, vulnerable, onBound, len(ops))
	}
}

func TestStandard(t *testing.T) { checkWorkload(t, Standard(), 24.1, 42756) }

func TestLarge(t *testing.T) {
	testlong.Skip(t, "generates and parses 97 MB")
	checkWorkload(t, Large(), 96.4, 171000)
}

// near reports whether a is b or its neighbour: the same apart from the
// port revision, or the last number one off.
func near(a, b string) bool {
	split := func(v string) (body, epoch string) {
		if i := strings.LastIndexByte(v, ','); i >= 0 {
			v, epoch = v[:i], v[i+1:]
		}
		if i := strings.LastIndexByte(v, '_'); i >= 0 {
			v = v[:i]
		}
		return v, epoch
	}
	ab, ae := split(a)
	bb, be := split(b)
	if ae != be {
		return false
	}
	if ab == bb {
		return true
	}
	i, j := strings.LastIndexByte(ab, '.'), strings.LastIndexByte(bb, '.')
	if i < 0 || i != j || ab[:i] != bb[:j] {
		return false
	}
	x, errx := strconv.Atoi(ab[i+1:])
	y, erry := strconv.Atoi(bb[j+1:])
	return errx == nil && erry == nil && (x-y == 1 || y-x == 1)
}

// Skew makes the asked fraction of the names start with p, the same way
// for the same seed; the rest of the workload keeps its shape.
func TestSkew(t *testing.T) {
	c := Config{Entries: 4000, Names: 1000, Operands: 200, Seed: 5}
	plain, _ := Generate(c)
	c.Skew = 0.4
	a, ao := Generate(c)
	b, bo := Generate(c)
	if !bytes.Equal(a, b) || strings.Join(ao, " ") != strings.Join(bo, " ") {
		t.Fatal("same seed and skew, different output")
	}
	frac := func(doc []byte) float64 {
		names := map[string]bool{}
		for _, m := range regexp.MustCompile(`<name>([^<]*)</name>`).FindAllSubmatch(doc, -1) {
			names[string(m[1])] = true
		}
		p := 0
		for n := range names {
			if strings.HasPrefix(n, "p") {
				p++
			}
		}
		return float64(p) / float64(len(names))
	}
	if f := frac(plain); f > 0.2 {
		t.Errorf("unskewed: %.2f of the names start with p", f)
	}
	if f := frac(a); f < 0.37 || f > 0.43 {
		t.Errorf("skew 0.4: %.2f of the names start with p", f)
	}
	if _, err := vuxml.Parse(a, vuxml.ParseOptions{FileName: "skew.xml"}); err != nil {
		t.Fatal(err)
	}
	p := 0
	for _, op := range ao {
		if strings.HasPrefix(op, "p") {
			p++
		}
	}
	if f := float64(p) / float64(len(ao)); f < 0.25 {
		t.Errorf("skew 0.4: %.2f of the operands start with p", f)
	}
}
