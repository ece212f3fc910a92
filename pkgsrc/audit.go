package pkgsrc

import (
	"fmt"
	"io"
	"strings"

	"github.com/pkgaudit/pkgaudit/pkgsrc/pattern"
)

// VulnerabilityBase is pkg_install's built-in base URL of the
// vulnerability list (parse-config.c 1.17); eol findings point below it.
const VulnerabilityBase = "http://cdn.NetBSD.org/pub/NetBSD/packages/vulns"

// Index finds the entries of a File that match a package name without
// trying every pattern: patterns whose package bases are known are kept
// in a map by base, the few others (globs, exact names) in a short list.
// Matches are returned in file order, as pkg_install prints them.
type Index struct {
	entries []Entry
	byBase  map[string][]int32
	// byExact holds plain-name patterns: "foo" matches "foo" and, by
	// pkg_install's fallback, "foo-<digit>...", so a name is looked up under
	// itself and under each prefix that ends before a "-<digit>".
	byExact map[string][]int32
	// scan holds the other entries, bucketed by the first byte of their
	// pattern when pkg_match's quick reject makes that byte decisive (an
	// ASCII letter, digit or '-'); scanAny those that must be tried
	// against every name.
	scan    [256][]int32
	scanAny []int32
	comp    []*pattern.Pattern
}

func (ix *Index) addScan(i int, pat string) {
	if len(pat) > 0 {
		c := pat[0]
		if c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' {
			ix.scan[c] = append(ix.scan[c], int32(i))
			return
		}
	}
	ix.scanAny = append(ix.scanAny, int32(i))
}

// NewIndex indexes the entries of f.
func NewIndex(f *File) *Index {
	ix := &Index{entries: f.Entries, byBase: map[string][]int32{}, byExact: map[string][]int32{},
		comp: make([]*pattern.Pattern, len(f.Entries))}
	for i, e := range f.Entries {
		p, err := pattern.Compile(e.Pattern)
		if err != nil {
			// Malformed: tried against every name, so that the error
			// surfaces exactly when pkg_install's would.
			ix.addScan(i, e.Pattern)
			continue
		}
		ix.comp[i] = p
		if p.Exact() {
			ix.byExact[e.Pattern] = append(ix.byExact[e.Pattern], int32(i))
			continue
		}
		bases, ok := p.Bases()
		if !ok {
			ix.addScan(i, e.Pattern)
			continue
		}
		for _, b := range bases {
			ix.byBase[b] = append(ix.byBase[b], int32(i))
		}
	}
	return ix
}

// Entries returns the indexed entries.
func (ix *Index) Entries() []Entry { return ix.entries }

// Match calls fn, in file order, for every entry whose pattern matches
// pkgname. It stops with the error of a malformed pattern.
func (ix *Index) Match(pkgname string, fn func(i int, e Entry)) error {
	return ix.MatchKept(pkgname, nil, fn)
}

// MatchKept is Match restricted to the entries keep accepts (nil: all);
// the others' patterns are not even evaluated, as in pkg_install, where
// the IGNORE_URL and -t filters come before pkg_match.
func (ix *Index) MatchKept(pkgname string, keep func(Entry) bool, fn func(i int, e Entry)) error {
	base := pkgname
	if d := strings.LastIndexByte(pkgname, '-'); d >= 0 {
		base = pkgname[:d]
	}
	var first byte
	if pkgname != "" {
		first = pkgname[0]
	}
	cands := make([][]int32, 0, 8)
	cands = append(cands, ix.byBase[base], ix.scanAny, ix.scan[first], ix.byExact[pkgname])
	for d := 0; d < len(pkgname)-1; d++ {
		if pkgname[d] == '-' && pkgname[d+1] >= '0' && pkgname[d+1] <= '9' {
			if l := ix.byExact[pkgname[:d]]; l != nil {
				cands = append(cands, l)
			}
		}
	}
	// Merge the sorted candidate lists, so that matches come in file order.
	for {
		best := -1
		for k, c := range cands {
			if len(c) > 0 && (best < 0 || c[0] < cands[best][0]) {
				best = k
			}
		}
		if best < 0 {
			return nil
		}
		i := cands[best][0]
		cands[best] = cands[best][1:]
		if keep != nil && !keep(ix.entries[i]) {
			continue
		}
		var ok bool
		if p := ix.comp[i]; p != nil {
			ok = p.Match(pkgname)
		} else {
			var err error
			if ok, err = pattern.Match(ix.entries[i].Pattern, pkgname); err != nil {
				return err
			}
		}
		if ok {
			fn(int(i), ix.entries[i])
		}
	}
}

// AuditOptions are pkg_admin's audit settings.
type AuditOptions struct {
	EOL         bool            // CHECK_END_OF_LIFE=yes or -e: report eol entries
	ShowIgnored bool            // -i: report IGNORE_URL entries, marked ignored
	Type        string          // -t: only entries of exactly this classification
	Quiet       bool            // -q: print only package names
	IgnoreURL   map[string]bool // IGNORE_URL lines
}

// Audit writes pkg_admin's lines for pkgname, one per matching entry in
// file order, and reports whether any line was written.
func (ix *Index) Audit(w io.Writer, pkgname string, o AuditOptions) (bool, error) {
	found := false
	var werr error
	keep := func(e Entry) bool {
		return !(o.IgnoreURL[e.URL] && !o.ShowIgnored) && (o.Type == "" || e.Class == o.Type)
	}
	err := ix.MatchKept(pkgname, keep, func(_ int, e Entry) {
		ignored := o.IgnoreURL[e.URL]
		var line string
		switch {
		case e.Class == "eol" && !o.EOL:
			return
		case e.Class == "eol" && o.Quiet:
			line = pkgname
		case e.Class == "eol":
			line = fmt.Sprintf("Package %s has reached end-of-life (eol), see %s/eol-packages", pkgname, VulnerabilityBase)
		case o.Quiet && ignored:
			line = pkgname + " (ignored)"
		case o.Quiet:
			line = pkgname
		default:
			article := "a"
			if ignored {
				article = "an ignored"
			}
			line = fmt.Sprintf("Package %s has %s %s vulnerability, see %s", pkgname, article, e.Class, e.URL)
		}
		found = true
		if _, err := io.WriteString(w, line+"\n"); err != nil && werr == nil {
			werr = err
		}
	})
	if err == nil {
		err = werr
	}
	return found, err
}

// History writes `pkg_admin audit-history` lines for base: "PATTERN CLASS
// URL" for every non-eol entry whose pattern belongs to base, file order.
func History(w io.Writer, entries []Entry, base string) error {
	for _, e := range entries {
		if e.Class == "eol" {
			continue
		}
		ok, err := pattern.MatchBase(e.Pattern, base)
		if err != nil {
			return err
		}
		if ok {
			if _, err := fmt.Fprintf(w, "%s %s %s\n", e.Pattern, e.Class, e.URL); err != nil {
				return err
			}
		}
	}
	return nil
}
