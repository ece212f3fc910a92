package pkgsrc

import (
	"fmt"
	"io"

	"github.com/pkgaudit/pkgaudit/pkgsrc/pattern"
)

// VulnerabilityBase is pkg_install's built-in base URL of the
// vulnerability list (parse-config.c 1.17); eol findings point below it.
const VulnerabilityBase = "http://cdn.NetBSD.org/pub/NetBSD/packages/vulns"

// Index finds the entries of a File that match a package name without
// trying every pattern: each pattern is filed under the keys
// pattern.IndexKeys gives (its package bases, its plain name, its first
// byte, or the short list tried against every name) and a name looks up
// only its own probes (pattern.AppendProbes). Matches are returned in file
// order, as pkg_install prints them.
type Index struct {
	entries []Entry
	byKey   map[pattern.Key][]int32
	comp    []*pattern.Pattern
}

// NewIndex indexes the entries of f.
func NewIndex(f *File) *Index {
	ix := &Index{entries: f.Entries, byKey: map[pattern.Key][]int32{},
		comp: make([]*pattern.Pattern, len(f.Entries))}
	for i, e := range f.Entries {
		// A malformed pattern stays nil and is filed where it will be
		// evaluated, so that the error surfaces when pkg_install's would.
		p, _ := pattern.Compile(e.Pattern)
		ix.comp[i] = p
		for _, k := range pattern.IndexKeys(e.Pattern, p) {
			ix.byKey[k] = append(ix.byKey[k], int32(i))
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
	var kbuf [8]pattern.Key
	cands := make([][]int32, 0, 8)
	for _, k := range pattern.AppendProbes(kbuf[:0], pkgname) {
		if l := ix.byKey[k]; l != nil {
			cands = append(cands, l)
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
