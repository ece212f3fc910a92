package audit

import (
	"cmp"
	"slices"
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// PkgOrder puts the findings of one package in the order pkg audit lists
// them, in place. pkg sorts its (entry, block, name) items by the literal
// prefix of the name, up to its first glob character ('*', '?', '[', '{'
// or '\'): byte-wise, a prefix before the longer names it starts; items
// with equal prefixes keep document order (glibc's qsort is a stable merge
// sort; on FreeBSD, whose qsort is not stable, such ties may come out in
// another order). pkg then lists the items that match in that order, so
// that an advisory matched through a glob ("py3*-foo", prefix "py3") comes
// before one matched by the exact name ("py311-foo"). Findings come from
// Lookup in document order; the VuXML ones are reordered among the
// positions they hold, pkgsrc ones (which pkg_admin lists in file order)
// stay where they are.
func PkgOrder(fs []Finding) {
	if len(fs) < 2 {
		return
	}
	key := func(f *Finding) string {
		b := &f.Advisory.Affects[f.Affected]
		n := b.Names[f.Name]
		if i := strings.IndexAny(n, `*?[{\`); i >= 0 {
			return n[:i]
		}
		return n
	}
	vuxml := func(f *Finding) bool {
		if f.Name < 0 || f.Advisory == nil || f.Affected >= len(f.Advisory.Affects) {
			return false
		}
		b := &f.Advisory.Affects[f.Affected]
		return b.Scheme != advisory.Pkgsrc && f.Name < len(b.Names)
	}
	// Most packages are matched by their exact name only: nothing to do.
	sorted, prev, n := true, "", 0
	for i := range fs {
		if !vuxml(&fs[i]) {
			continue
		}
		k := key(&fs[i])
		if n > 0 && k < prev {
			sorted = false
			break
		}
		prev, n = k, n+1
	}
	if sorted {
		return
	}
	var at []int
	var sub []Finding
	for i := range fs {
		if vuxml(&fs[i]) {
			at = append(at, i)
			sub = append(sub, fs[i])
		}
	}
	slices.SortStableFunc(sub, func(a, b Finding) int { return cmp.Compare(key(&a), key(&b)) })
	for j, i := range at {
		fs[i] = sub[j]
	}
}
