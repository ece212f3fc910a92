// Package audit is the audit engine: an index over the affected blocks of
// many advisories that finds, for one package, every advisory that
// affects it — FreeBSD blocks by exact name or fnmatch(3) glob and
// version ranges (pkg audit's rules), pkgsrc blocks by pkg_install
// pattern — without trying every block; and Open, which loads several
// databases into one index, optionally through a persistent compiled
// cache.
package audit

import (
	"errors"
	"fmt"
	"runtime/debug"
	"sync"
	"sync/atomic"

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
	// kindGlob files a glob under its literal prefix, cut to at most
	// globPrefixMax bytes; a name probes each of its own prefixes that
	// long or shorter.
	kindGlob
)

// globPrefixMax bounds the literal prefix globs are filed under: long
// enough to tell the globs of unrelated names apart (py3*-foo, linux-*,
// p5-*-DBI), short enough to keep the probes few.
const globPrefixMax = 6

// item kinds.
const (
	itemName   uint8 = iota // FreeBSD exact name
	itemGlob                // FreeBSD glob
	itemPkgsrc              // pkgsrc pattern
)

// Index finds the advisories that affect a package. Exact FreeBSD names
// and pkgsrc patterns (through their bases, pattern.IndexKeys) are found
// by hash look-ups; globs are bucketed by their literal prefix, so a
// look-up tries only the few globs that can match. It is safe for
// concurrent use.
type Index struct {
	t table
	// advs holds the advisories of an index built by NewIndex; an index
	// loaded from the cache decodes them on first use from recs.
	advs []advisory.Advisory
	recs *records
	// pats holds the compiled pattern of each pkgsrc item (nil when the
	// index has none), compiled on first use for a cached index.
	pats     []atomic.Pointer[compiled]
	problems []Problem
	// pkgsrc tells that some items are pkgsrc patterns, whose look-ups
	// need the name-version string.
	pkgsrc bool
	// cached tells that the index was read from a cache file; mapped
	// that it uses the file's mapping in place. A fault on the mapping
	// (the file truncated in place) makes the index replace itself by
	// one reopen builds from the databases (repl).
	cached, mapped bool
	reopen         func() (*Index, error)
	mu             sync.Mutex
	repl           atomic.Pointer[Index]
}

// compiled is a pkgsrc pattern compiled once; p is nil when it is
// malformed (it never matches, see Problems).
type compiled struct{ p *pattern.Pattern }

// Problem is a block the index cannot evaluate: a malformed pkgsrc
// pattern, which pkg_install would abort on when it reaches it.
type Problem struct {
	Advisory *advisory.Advisory
	Affected int
	Err      error
	adv      int // the advisory's number
}

// NewIndex indexes advs, which it keeps: findings point into the slice.
// Withdrawn advisories are left out unless opts.ReportWithdrawn.
func NewIndex(advs []advisory.Advisory, opts Options) *Index {
	w := newWriter(opts, false, advs)
	w.Add(advs)
	return w.index()
}

// indexKey is an index key (pattern.Key, with the kinds of FreeBSD names).
type indexKey = pattern.Key

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

// globTailMatches is a quick test a name passes before fnmatch is tried:
// when the glob ends in a plain byte (not '*', '?', ']' or '\\'), the name
// must end in the same byte. The globs of one bucket share their prefix
// (py31*-foo, py31*-bar...), so their ends tell most of them apart.
func globTailMatches(glob, name string) bool {
	if glob == "" || name == "" {
		return true
	}
	switch c := glob[len(glob)-1]; c {
	case '*', '?', ']', '\\':
		return true
	default:
		return name[len(name)-1] == c
	}
}

// globKey files a glob under its literal prefix, cut to globPrefixMax
// bytes.
func globKey(glob string) indexKey {
	p := globPrefix(glob)
	return indexKey{Kind: kindGlob, S: p[:min(len(p), globPrefixMax)]}
}

// appendProbes appends the keys a query looks up: its FreeBSD name and
// glob buckets, then, when pkgsrc is set, the pkgsrc probes of pkgname.
func appendProbes(dst []indexKey, q Query, pkgsrc bool, pkgname string) []indexKey {
	dst = append(dst, indexKey{Kind: kindName, S: q.Name})
	for n := range min(len(q.Name), globPrefixMax) + 1 {
		dst = append(dst, indexKey{Kind: kindGlob, S: q.Name[:n]})
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
// query when pkgsrc patterns are indexed (and, for an index read from the
// cache, the advisories it decodes on first use).
func (ix *Index) Lookup(dst []Finding, q Query) (out []Finding) {
	if !ix.mapped {
		return ix.lookup(dst, q)
	}
	if r := ix.repl.Load(); r != nil {
		return r.Lookup(dst, q)
	}
	n := len(dst)
	defer func() {
		if r := recover(); r != nil {
			if !isFault(r) {
				panic(r)
			}
			out = ix.replacement().Lookup(dst[:n], q)
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return ix.lookup(dst, q)
}

// replacement returns the index that replaces a mapped one whose file
// faulted.
func (ix *Index) replacement() *Index {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if r := ix.repl.Load(); r != nil {
		return r
	}
	var r *Index
	var err error
	if ix.reopen != nil {
		r, err = ix.reopen()
	} else {
		err = errors.New("no databases to read again")
	}
	if err != nil {
		panic(fmt.Errorf("audit: the cache file changed while in use, and reading the databases again failed: %w", err))
	}
	ix.repl.Store(r)
	return r
}

func (ix *Index) lookup(dst []Finding, q Query) []Finding {
	var pkgname string
	if ix.pkgsrc {
		pkgname = q.PkgName()
	}
	var kbuf [24]indexKey
	var lbuf [24][]byte
	lists := lbuf[:0]
	for _, k := range appendProbes(kbuf[:0], q, ix.pkgsrc, pkgname) {
		if l := ix.t.find(k); len(l) >= 4 {
			lists = append(lists, l)
		}
	}
	last := int64(-1)
	for {
		best, bestID := -1, uint32(0)
		for k, l := range lists {
			if len(l) >= 4 {
				if id := le32(l, 0); best < 0 || id < bestID {
					best, bestID = k, id
				}
			}
		}
		if best < 0 {
			return dst
		}
		lists[best] = lists[best][4:]
		if int64(bestID) == last {
			continue
		}
		last = int64(bestID)
		if f, ok := ix.match(bestID, q, pkgname); ok {
			dst = append(dst, f)
		}
	}
}

// match evaluates one candidate item, from the table alone; the advisory
// is fetched (decoded, for a cached index) only for a match.
func (ix *Index) match(id uint32, q Query, pkgname string) (Finding, bool) {
	it, ok := ix.t.item(id)
	if !ok || it.system != 0 && !q.Base {
		return Finding{}, false
	}
	s, ok := ix.t.str(it.soff, it.slen)
	if !ok {
		return Finding{}, false
	}
	f := Finding{Affected: int(it.block), Name: -1, Range: -1}
	switch it.kind {
	case itemPkgsrc:
		if int(id) >= len(ix.pats) {
			return Finding{}, false
		}
		if c := ix.pattern(id, s); c.p == nil || !c.p.Match(pkgname) {
			return Finding{}, false
		}
	case itemGlob, itemName:
		if it.kind == itemGlob && !(globTailMatches(s, q.Name) && fnmatch.Match(s, q.Name, 0)) || it.kind == itemName && s != q.Name {
			return Finding{}, false
		}
		f.Name = int(it.name)
		if q.HasVersion {
			if f.Range = ix.t.matchRange(&it, q.Version); f.Range < 0 {
				return Finding{}, false
			}
		}
	default:
		return Finding{}, false
	}
	if int64(it.adv) >= int64(ix.Len()) {
		return Finding{}, false
	}
	f.Advisory = ix.advisory(int(it.adv))
	if f.Advisory == nil || f.Affected >= len(f.Advisory.Affects) || f.Name >= len(f.Advisory.Affects[f.Affected].Names) ||
		f.Range >= len(f.Advisory.Affects[f.Affected].Ranges) {
		return Finding{}, false
	}
	return f, true
}

// pattern returns the compiled pattern of a pkgsrc item, compiling it on
// first use.
func (ix *Index) pattern(id uint32, src string) *compiled {
	if c := ix.pats[id].Load(); c != nil {
		return c
	}
	p, _ := pattern.Compile(src)
	c := &compiled{p}
	if !ix.pats[id].CompareAndSwap(nil, c) {
		return ix.pats[id].Load()
	}
	return c
}

// advisory returns advisory i, decoding it on first use for an index read
// from the cache (nil if its record is damaged).
func (ix *Index) advisory(i int) *advisory.Advisory {
	if ix.recs == nil {
		return &ix.advs[i]
	}
	return ix.recs.get(i)
}

// Problems returns the blocks the index cannot evaluate (malformed pkgsrc
// patterns), in database order.
func (ix *Index) Problems() []Problem { return ix.problems }

// Len returns the number of advisories indexed over (withdrawn ones
// included).
func (ix *Index) Len() int {
	if ix.recs == nil {
		return len(ix.advs)
	}
	return ix.recs.len()
}

// Advisory returns advisory i (0 <= i < Len), in database order; nil when
// i is out of range or a cached record cannot be decoded.
func (ix *Index) Advisory(i int) (a *advisory.Advisory) {
	if i < 0 || i >= ix.Len() {
		return nil
	}
	if !ix.mapped {
		return ix.advisory(i)
	}
	if r := ix.repl.Load(); r != nil {
		return r.Advisory(i)
	}
	defer func() {
		if r := recover(); r != nil {
			if !isFault(r) {
				panic(r)
			}
			a = ix.replacement().Advisory(i)
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	return ix.advisory(i)
}
