package audit

import (
	"encoding/binary"
	"math/bits"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// table is the compiled form of an index, made of flat little-endian
// sections that the cache stores as they are and reads back without
// decoding anything: a look-up reads only the few records it touches.
// Every read is bounds-checked, so a damaged section (one that passed the
// cache's checksum by accident or malice) makes a look-up find less,
// never crash or loop.
//
//	slots   u32 × 2^k      key number + 1, 0 when empty (open addressing,
//	                       linear probing, at most half full)
//	keys    keySize each   hash kind off n post npost (u32): the key string
//	                       is strs[off:off+n], its postings posts[post:post+npost]
//	posts   u32 ...        item numbers, ascending (database order)
//	items   itemSize each  adv block name (u32), kind system (u8), 2 × 0,
//	                       soff slen (u32: the FreeBSD name or the pkgsrc
//	                       pattern in strs), rstart rcount (u32: the
//	                       block's ranges)
//	ranges  rangeSize each nbounds op1 op2 (u8), 0, v1off v1len v2off v2len
//	                       (u32): the first two bounds of a range, all
//	                       that FreeBSD pkg looks at
//	strs    the strings
type table struct {
	slots, keys, posts, items, ranges []byte
	strs                              string
}

const (
	keySize   = 24
	itemSize  = 32
	rangeSize = 20
)

// itemRec is one (advisory, block, name) triple.
type itemRec struct {
	adv, block, name uint32 // name is noName for a pkgsrc block
	kind             uint8  // itemName, itemGlob or itemPkgsrc
	system           uint8  // 1 for a <system> block
	soff, slen       uint32 // the name or pattern
	rstart, rcount   uint32 // the block's ranges
}

// keyRec is a key as the builder collects it.
type keyRec struct {
	hash, kind, off, n, post, npost uint32
}

// noName is itemRec.name for pkgsrc items.
const noName = ^uint32(0)

func le32(b []byte, i int) uint32 { return binary.LittleEndian.Uint32(b[i:]) }

// keyHash is FNV-1a over the kind and the string: stable across processes
// and platforms, as the cache requires.
func keyHash(kind uint32, s string) uint32 {
	h := uint32(2166136261)
	h = (h ^ kind) * 16777619
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * 16777619
	}
	return h
}

// str returns strs[off:off+n], or false when out of bounds.
func (t *table) str(off, n uint32) (string, bool) {
	if uint64(off)+uint64(n) > uint64(len(t.strs)) {
		return "", false
	}
	return t.strs[off : off+n], true
}

func (t *table) nitems() int { return len(t.items) / itemSize }

// find returns the postings of a key (4 bytes per item number), nil when
// absent.
func (t *table) find(k indexKey) []byte {
	nslots := len(t.slots) / 4
	if nslots == 0 || nslots&(nslots-1) != 0 {
		return nil
	}
	nkeys := uint32(len(t.keys) / keySize)
	kind := uint32(k.Kind)
	h := keyHash(kind, k.S)
	mask := uint32(nslots - 1)
	i := h & mask
	for range nslots {
		n := le32(t.slots, int(4*i))
		if n == 0 || n > nkeys {
			return nil
		}
		r := t.keys[keySize*(n-1) : keySize*n]
		if le32(r, 0) == h && le32(r, 4) == kind {
			if s, ok := t.str(le32(r, 8), le32(r, 12)); ok && s == k.S {
				post, npost := uint64(le32(r, 16)), uint64(le32(r, 20))
				if 4*(post+npost) > uint64(len(t.posts)) {
					return nil
				}
				return t.posts[4*post : 4*(post+npost)]
			}
		}
		i = (i + 1) & mask
	}
	return nil
}

// item returns item id, or false when out of bounds.
func (t *table) item(id uint32) (itemRec, bool) {
	if uint64(id) >= uint64(t.nitems()) {
		return itemRec{}, false
	}
	b := t.items[itemSize*int(id) : itemSize*int(id)+itemSize]
	return itemRec{adv: le32(b, 0), block: le32(b, 4), name: le32(b, 8), kind: b[12], system: b[13],
		soff: le32(b, 16), slen: le32(b, 20), rstart: le32(b, 24), rcount: le32(b, 28)}, true
}

// matchRange returns the index of the first of an item's ranges that
// contains version, as advisory.Affected.MatchRange, or -1.
func (t *table) matchRange(it *itemRec, version string) int {
	nr := uint64(len(t.ranges) / rangeSize)
	if uint64(it.rstart)+uint64(it.rcount) > nr {
		return -1
	}
	for i := range it.rcount {
		b := t.ranges[rangeSize*int(it.rstart+i):]
		var bounds [2]advisory.Bound
		n := int(min(b[0], 2))
		bounds[0].Op, bounds[1].Op = advisory.Op(b[1]), advisory.Op(b[2])
		ok := true
		bounds[0].Version, ok = t.str(le32(b, 4), le32(b, 8))
		if n == 2 {
			var ok2 bool
			bounds[1].Version, ok2 = t.str(le32(b, 12), le32(b, 16))
			ok = ok && ok2
		}
		if !ok {
			continue
		}
		if (advisory.Range{Bounds: bounds[:n]}).Contains(version) {
			return int(i)
		}
	}
	return -1
}

// builder collects keys, items, ranges and strings in first-use order,
// then lays out the table. Items and ranges are written in their final
// form as they come; postings are gathered as (key, item) pairs and
// grouped by key at the end.
type builder struct {
	// slots finds the number of a key: an open-addressing table of key
	// number + 1 (0 empty) by keyHash, at most half full.
	slots  []uint32
	keys   []keyRec // post and npost are filled by table
	pkey   []uint32 // pkey[i] is the key of posting pid[i]
	pid    []uint32
	items  []byte
	ranges []byte
	strs   []byte
}

// newBuilder makes a builder sized for about nitems items, nranges
// ranges and nstr bytes of strings.
func newBuilder(nitems, nranges, nstr int) *builder {
	return &builder{slots: make([]uint32, 1<<bits.Len(uint(max(nitems/2, 8)))), keys: make([]keyRec, 0, nitems/4),
		pkey: make([]uint32, 0, nitems), pid: make([]uint32, 0, nitems),
		items: make([]byte, 0, itemSize*nitems), ranges: make([]byte, 0, rangeSize*nranges), strs: make([]byte, 0, nstr)}
}

// str stores s and returns its offset and length.
func (b *builder) str(s string) (uint32, uint32) {
	off := uint32(len(b.strs))
	b.strs = append(b.strs, s...)
	return off, uint32(len(s))
}

// addRanges stores a block's ranges and returns where they start.
func (b *builder) addRanges(rs []advisory.Range) (uint32, uint32) {
	le := binary.LittleEndian
	start := uint32(len(b.ranges) / rangeSize)
	for _, r := range rs {
		var op1, op2 uint8
		var v1off, v1len, v2off, v2len uint32
		if len(r.Bounds) > 0 {
			op1 = uint8(r.Bounds[0].Op)
			v1off, v1len = b.str(r.Bounds[0].Version)
		}
		if len(r.Bounds) > 1 {
			op2 = uint8(r.Bounds[1].Op)
			v2off, v2len = b.str(r.Bounds[1].Version)
		}
		var rec [rangeSize]byte
		rec[0], rec[1], rec[2] = uint8(min(len(r.Bounds), 2)), op1, op2
		le.PutUint32(rec[4:], v1off)
		le.PutUint32(rec[8:], v1len)
		le.PutUint32(rec[12:], v2off)
		le.PutUint32(rec[16:], v2len)
		b.ranges = append(b.ranges, rec[:]...)
	}
	return start, uint32(len(rs))
}

// key returns the number of k, adding it on first use.
func (b *builder) key(k indexKey) uint32 {
	kind := uint32(k.Kind)
	h := keyHash(kind, k.S)
	mask := uint32(len(b.slots) - 1)
	i := h & mask
	for {
		n := b.slots[i]
		if n == 0 {
			break
		}
		if r := &b.keys[n-1]; r.hash == h && r.kind == kind && string(b.strs[r.off:r.off+r.n]) == k.S {
			return n - 1
		}
		i = (i + 1) & mask
	}
	n := uint32(len(b.keys))
	off, l := b.str(k.S)
	b.keys = append(b.keys, keyRec{hash: h, kind: kind, off: off, n: l})
	if 2*len(b.keys) > len(b.slots) {
		b.rehash(2 * len(b.slots))
	} else {
		b.slots[i] = n + 1
	}
	return n
}

// rehash rebuilds the slots of the keys, size of them.
func (b *builder) rehash(size int) {
	if len(b.slots) == size {
		clear(b.slots)
	} else {
		b.slots = make([]uint32, size)
	}
	mask := uint32(size - 1)
	for n, r := range b.keys {
		i := r.hash & mask
		for b.slots[i] != 0 {
			i = (i + 1) & mask
		}
		b.slots[i] = uint32(n + 1)
	}
}

// add appends an item filed under keys. When it.slen is noName the item's
// string is the first key's (an exact name).
func (b *builder) add(it itemRec, keys ...indexKey) {
	le := binary.LittleEndian
	id := uint32(len(b.items) / itemSize)
	for i, k := range keys {
		n := b.key(k)
		if i == 0 && it.slen == noName {
			it.soff, it.slen = b.keys[n].off, b.keys[n].n
		}
		if l := len(b.pid); l == 0 || b.pid[l-1] != id || b.pkey[l-1] != n {
			b.pkey = append(b.pkey, n)
			b.pid = append(b.pid, id)
		}
	}
	var rec [itemSize]byte
	le.PutUint32(rec[0:], it.adv)
	le.PutUint32(rec[4:], it.block)
	le.PutUint32(rec[8:], it.name)
	rec[12], rec[13] = it.kind, it.system
	le.PutUint32(rec[16:], it.soff)
	le.PutUint32(rec[20:], it.slen)
	le.PutUint32(rec[24:], it.rstart)
	le.PutUint32(rec[28:], it.rcount)
	b.items = append(b.items, rec[:]...)
}

// nitems is the number of items added so far.
func (b *builder) nitems() int { return len(b.items) / itemSize }

// table lays out what was collected.
func (b *builder) table() table {
	le := binary.LittleEndian
	t := table{items: b.items, ranges: b.ranges}
	// Group the postings by key (a counting sort: stable, so each key's
	// items stay ascending).
	for _, n := range b.pkey {
		b.keys[n].npost++
	}
	next := make([]uint32, len(b.keys))
	var at uint32
	for i := range b.keys {
		b.keys[i].post = at
		next[i] = at
		at += b.keys[i].npost
	}
	posts := make([]uint32, len(b.pid))
	for i, n := range b.pkey {
		posts[next[n]] = b.pid[i]
		next[n]++
	}
	t.posts = appendU32s(make([]byte, 0, 4*len(posts)), posts)
	t.keys = make([]byte, 0, keySize*len(b.keys))
	for _, r := range b.keys {
		t.keys = appendU32s(t.keys, []uint32{r.hash, r.kind, r.off, r.n, r.post, r.npost})
	}
	// At most half full, so that probes stay short and there is always an
	// empty slot to end them.
	size := 1 << bits.Len(uint(2*len(b.keys)))
	slots := make([]uint32, size)
	mask := uint32(size - 1)
	for n, r := range b.keys {
		i := r.hash & mask
		for slots[i] != 0 {
			i = (i + 1) & mask
		}
		slots[i] = uint32(n + 1)
	}
	t.slots = make([]byte, 0, 4*size)
	for _, s := range slots {
		t.slots = le.AppendUint32(t.slots, s)
	}
	// The builder is done with: its strings need no copy.
	t.strs = asString(b.strs)
	return t
}

// mark is a builder's state, to roll back to.
type mark struct{ keys, posts, items, ranges, strs int }

func (b *builder) mark() mark {
	return mark{len(b.keys), len(b.pid), len(b.items), len(b.ranges), len(b.strs)}
}

// rollback forgets everything added since m.
func (b *builder) rollback(m mark) {
	b.keys, b.pkey, b.pid = b.keys[:m.keys], b.pkey[:m.posts], b.pid[:m.posts]
	b.rehash(len(b.slots))
	b.items, b.ranges, b.strs = b.items[:m.items], b.ranges[:m.ranges], b.strs[:m.strs]
}
