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
	scan    []int32 // entries every name must be tried against
	comp    []*pattern.Pattern
}

// NewIndex indexes the entries of f.
func NewIndex(f *File) *Index {
	ix := &Index{entries: f.Entries, byBase: map[string][]int32{}, comp: make([]*pattern.Pattern, len(f.Entries))}
	for i, e := range f.Entries {
		p, err := pattern.Compile(e.Pattern)
		if err != nil {
			// Malformed: tried against every name, so that the error
			// surfaces exactly when pkg_install's would.
			ix.scan = append(ix.scan, int32(i))
			continue
		}
		ix.comp[i] = p
		bases, ok := p.Bases()
		if !ok {
			ix.scan = append(ix.scan, int32(i))
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
	base := pkgname
	if d := strings.LastIndexByte(pkgname, '-'); d >= 0 {
		base = pkgname[:d]
	}
	a, b := ix.byBase[base], ix.scan
	for len(a) > 0 || len(b) > 0 {
		var i int32
		if len(b) == 0 || (len(a) > 0 && a[0] < b[0]) {
			i, a = a[0], a[1:]
		} else {
			i, b = b[0], b[1:]
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
	return nil
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
	err := ix.Match(pkgname, func(_ int, e Entry) {
		ignored := o.IgnoreURL[e.URL]
		if (ignored && !o.ShowIgnored) || (o.Type != "" && e.Class != o.Type) {
			return
		}
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
