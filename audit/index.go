// Package audit is the audit engine: an index over the affected blocks of
// many advisories that finds, for one package, every advisory that
// affects it — FreeBSD blocks by exact name or fnmatch(3) glob and
// version ranges (pkg audit's rules), pkgsrc blocks by pkg_install
// pattern — without trying every block; and Open, which loads several
// databases into one index, optionally through a persistent compiled
// cache.
package audit

import (
	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/pkgsrc/pattern"
)

// Query is one package to audit.
type Query struct {
	// Name and Version as split from the operand (at its last '-' for
	// FreeBSD operands). HasVersion is false for a bare name: every
	// FreeBSD block naming the package applies, whatever its ranges (pkg
	// then prints them as "Affected versions").
	Name, Version string
	HasVersion    bool
	// Base marks the FreeBSD base system (--base): <system> blocks apply
	// only to such queries. <package> blocks apply to every query,
	// including those named FreeBSD or FreeBSD-kernel, as in pkg.
	Base bool
}

// PkgName is the name pkgsrc patterns are matched against:
// "Name-Version", or Name alone without a version.
func (q Query) PkgName() string {
	if q.HasVersion {
		return q.Name + "-" + q.Version
	}
	return q.Name
}

// Finding is one affected block that matches a query.
type Finding struct {
	Advisory *advisory.Advisory
	// Affected is the index of the block in Advisory.Affects.
	Affected int
	// Name is the index of the matching name in that block's Names
	// (FreeBSD); -1 for pkgsrc.
	Name int
	// Range is the index of the first range of the block containing the
	// version; -1 for a versionless query and for pkgsrc.
	Range int
}

// Block returns the matching block.
func (f Finding) Block() *advisory.Affected { return &f.Advisory.Affects[f.Affected] }

// Options controls indexing.
type Options struct {
	// ReportWithdrawn indexes withdrawn (cancelled) advisories too, as pkg
	// does (it ignores <cancelled/>). By default they are never reported.
	ReportWithdrawn bool
}

// Index kinds of the FreeBSD blocks, after pkgsrc pattern's own.
const (
	// kindName files an exact name.
	kindName = pattern.FirstUserKind + iota
	// kindGlob1 and kindGlob2 file a glob under the first one or two
	// bytes of its literal prefix; kindGlobAny a glob without one.
	kindGlob1
	kindGlob2
	kindGlobAny
)

// item kinds.
const (
	itemName   uint8 = iota // FreeBSD exact name
	itemGlob                // FreeBSD glob
	itemPkgsrc              // pkgsrc pattern
)

// item is one (advisory, block, name) triple; items are numbered in
// database order, which is the order Lookup returns them in.
type item struct {
	adv, block, name int32
	kind             uint8
	system           bool // a <system> block
	// pat is the compiled pattern of a pkgsrc item (nil when malformed:
	// such a pattern never matches, see Problems).
	pat *pattern.Pattern
}

// Index finds the advisories that affect a package. Exact FreeBSD names
// and pkgsrc patterns (through their bases, pattern.IndexKeys) are found
// by map look-ups; globs are bucketed by their literal prefix, so a
// look-up tries only the few globs that can match. It is safe for
// concurrent use.
type Index struct {
	advs     []advisory.Advisory
	items    []item
	byKey    map[pattern.Key][]int32
	problems []Problem
	// pkgsrc tells that some items are pkgsrc patterns, whose look-ups
	// need the name-version string.
	pkgsrc bool
}

// Problem is a block the index cannot evaluate: a malformed pkgsrc
// pattern, which pkg_install would abort on when it reaches it.
type Problem struct {
	Advisory *advisory.Advisory
	Affected int
	Err      error
}

// NewIndex indexes advs, which it keeps: findings point into the slice.
// Withdrawn advisories are left out unless opts.ReportWithdrawn.
func NewIndex(advs []advisory.Advisory, opts Options) *Index {
	ix := &Index{advs: advs, byKey: map[pattern.Key][]int32{}}
	for a := range advs {
		adv := &advs[a]
		if adv.Withdrawn && !opts.ReportWithdrawn {
			continue
		}
		for b := range adv.Affects {
			blk := &adv.Affects[b]
			switch blk.Scheme {
			case advisory.FreeBSD:
				for n, name := range blk.Names {
					it := item{adv: int32(a), block: int32(b), name: int32(n), system: blk.Kind == advisory.System}
					k := Key{Kind: kindName, S: name}
					if fnmatch.HasMeta(name) {
						it.kind = itemGlob
						k = globKey(name)
					}
					ix.add(it, k)
				}
			case advisory.Pkgsrc:
				p, err := pattern.Compile(blk.Pattern)
				if err != nil {
					ix.problems = append(ix.problems, Problem{adv, b, err})
				}
				ix.pkgsrc = true
				ix.add(item{adv: int32(a), block: int32(b), name: -1, kind: itemPkgsrc, pat: p}, pattern.IndexKeys(blk.Pattern, p)...)
			}
		}
	}
	return ix
}

// Key is an index key (pattern.Key, with the kinds of FreeBSD names).
type Key = pattern.Key

func (ix *Index) add(it item, keys ...Key) {
	id := int32(len(ix.items))
	ix.items = append(ix.items, it)
	for _, k := range keys {
		ix.byKey[k] = append(ix.byKey[k], id)
	}
}

// globPrefix returns the literal prefix of an fnmatch pattern: the bytes
// before its first '*', '?', '[' or '\'.
func globPrefix(glob string) string {
	for i := 0; i < len(glob); i++ {
		switch glob[i] {
		case '*', '?', '[', '\\':
			return glob[:i]
		}
	}
	return glob
}

// globKey files a glob under the first one or two bytes of its literal
// prefix.
func globKey(glob string) Key {
	switch p := globPrefix(glob); {
	case len(p) >= 2:
		return Key{Kind: kindGlob2, S: p[:2]}
	case len(p) == 1:
		return Key{Kind: kindGlob1, S: p}
	}
	return Key{Kind: kindGlobAny}
}

// appendProbes appends the keys a query looks up: its FreeBSD name and
// glob buckets, then, when pkgsrc is set, the pkgsrc probes of pkgname.
func appendProbes(dst []Key, q Query, pkgsrc bool, pkgname string) []Key {
	dst = append(dst, Key{Kind: kindName, S: q.Name}, Key{Kind: kindGlobAny})
	if len(q.Name) >= 1 {
		dst = append(dst, Key{Kind: kindGlob1, S: q.Name[:1]})
	}
	if len(q.Name) >= 2 {
		dst = append(dst, Key{Kind: kindGlob2, S: q.Name[:2]})
	}
	if !pkgsrc {
		return dst
	}
	return pattern.AppendProbes(dst, pkgname)
}

// Lookup appends to dst the findings for q and returns the extended
// slice, in database order: by advisory, then block, then name. Duplicates
// are kept, as pkg reports them: an advisory naming the package in two
// blocks, or twice in one block, gives two findings. Lookup does not
// allocate when dst has room, except for the name-version string of a
// query when pkgsrc patterns are indexed.
func (ix *Index) Lookup(dst []Finding, q Query) []Finding {
	var pkgname string
	if ix.pkgsrc {
		pkgname = q.PkgName()
	}
	var kbuf [12]Key
	var lbuf [12][]int32
	lists := lbuf[:0]
	for _, k := range appendProbes(kbuf[:0], q, ix.pkgsrc, pkgname) {
		if l := ix.byKey[k]; len(l) > 0 {
			lists = append(lists, l)
		}
	}
	last := int32(-1)
	for {
		best := -1
		for k, l := range lists {
			if len(l) > 0 && (best < 0 || l[0] < lists[best][0]) {
				best = k
			}
		}
		if best < 0 {
			return dst
		}
		id := lists[best][0]
		lists[best] = lists[best][1:]
		if id == last {
			continue
		}
		last = id
		if f, ok := ix.match(id, q, pkgname); ok {
			dst = append(dst, f)
		}
	}
}

// match evaluates one candidate item.
func (ix *Index) match(id int32, q Query, pkgname string) (Finding, bool) {
	it := &ix.items[id]
	adv := &ix.advs[it.adv]
	blk := &adv.Affects[it.block]
	f := Finding{Advisory: adv, Affected: int(it.block), Name: int(it.name), Range: -1}
	switch it.kind {
	case itemPkgsrc:
		return f, it.pat != nil && it.pat.Match(pkgname)
	case itemGlob:
		if !fnmatch.Match(blk.Names[it.name], q.Name, 0) {
			return f, false
		}
	default:
		if blk.Names[it.name] != q.Name {
			return f, false
		}
	}
	if it.system && !q.Base {
		return f, false
	}
	if !q.HasVersion {
		return f, true
	}
	f.Range = blk.MatchRange(q.Version)
	return f, f.Range >= 0
}

// Problems returns the blocks the index cannot evaluate (malformed pkgsrc
// patterns), in database order.
func (ix *Index) Problems() []Problem { return ix.problems }

// Len returns the number of advisories indexed over (withdrawn ones
// included).
func (ix *Index) Len() int { return len(ix.advs) }
