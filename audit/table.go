package audit

import (
	"errors"
	"math/bits"
)

// table is the compiled form of an index: an open-addressing hash table
// of keys, each with its postings (item numbers in ascending order, that
// is database order), and the items. It is made of flat arrays only, so
// that the cache can store it as it is and load it without rebuilding
// anything.
type table struct {
	slots []uint32 // key number + 1, 0 when empty; len is a power of two
	keys  []keyRec
	strs  string // the key strings, concatenated
	posts []uint32
	items []itemRec
}

// keyRec is one key: its hash, kind, string (strs[off:off+n]) and postings
// (posts[post:post+npost]).
type keyRec struct {
	hash, kind, off, n, post, npost uint32
}

// itemRec is one (advisory, block, name) triple.
type itemRec struct {
	adv, block, name uint32 // name is noName for a pkgsrc block
	kind             uint8  // itemName, itemGlob or itemPkgsrc
	system           uint8  // 1 for a <system> block
}

// noName is itemRec.name for pkgsrc items.
const noName = ^uint32(0)

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

// find returns the postings of a key, nil when absent.
func (t *table) find(k Key) []uint32 {
	if len(t.slots) == 0 {
		return nil
	}
	kind := uint32(k.Kind)
	h := keyHash(kind, k.S)
	mask := uint32(len(t.slots) - 1)
	for i := h & mask; ; i = (i + 1) & mask {
		n := t.slots[i]
		if n == 0 {
			return nil
		}
		r := &t.keys[n-1]
		if r.hash == h && r.kind == kind && t.strs[r.off:r.off+r.n] == k.S {
			return t.posts[r.post : r.post+r.npost]
		}
	}
}

// builder collects keys and items in first-use order.
type builder struct {
	num   map[Key]uint32
	keys  []Key
	posts [][]uint32
	items []itemRec
}

func newBuilder() *builder { return &builder{num: map[Key]uint32{}} }

// add appends an item filed under keys.
func (b *builder) add(it itemRec, keys ...Key) {
	id := uint32(len(b.items))
	b.items = append(b.items, it)
	for _, k := range keys {
		n, ok := b.num[k]
		if !ok {
			n = uint32(len(b.keys))
			b.num[k] = n
			b.keys = append(b.keys, k)
			b.posts = append(b.posts, nil)
		}
		if p := b.posts[n]; len(p) == 0 || p[len(p)-1] != id {
			b.posts[n] = append(p, id)
		}
	}
}

// table flattens what was collected.
func (b *builder) table() table {
	t := table{items: b.items, keys: make([]keyRec, len(b.keys))}
	nstr, npost := 0, 0
	for i, k := range b.keys {
		nstr += len(k.S)
		npost += len(b.posts[i])
	}
	strs := make([]byte, 0, nstr)
	t.posts = make([]uint32, 0, npost)
	for i, k := range b.keys {
		t.keys[i] = keyRec{hash: keyHash(uint32(k.Kind), k.S), kind: uint32(k.Kind),
			off: uint32(len(strs)), n: uint32(len(k.S)), post: uint32(len(t.posts)), npost: uint32(len(b.posts[i]))}
		strs = append(strs, k.S...)
		t.posts = append(t.posts, b.posts[i]...)
	}
	t.strs = string(strs)
	// At most half full, so that probes stay short and there is always an
	// empty slot to end them.
	size := 1 << bits.Len(uint(2*len(t.keys)))
	t.slots = make([]uint32, size)
	mask := uint32(size - 1)
	for n, r := range t.keys {
		i := r.hash & mask
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = uint32(n + 1)
	}
	return t
}

var errTable = errors.New("inconsistent index table")

// check verifies that t, read from a cache file, cannot make find or
// Lookup go out of bounds or loop forever, for advisories numbered below
// nadv.
func (t *table) check(nadv int) error {
	size := len(t.slots)
	if size == 0 || size&(size-1) != 0 || len(t.keys) >= size {
		return errTable
	}
	empty := 0
	for _, n := range t.slots {
		if n > uint32(len(t.keys)) {
			return errTable
		}
		if n == 0 {
			empty++
		}
	}
	if empty == 0 {
		return errTable
	}
	for _, r := range t.keys {
		if uint64(r.off)+uint64(r.n) > uint64(len(t.strs)) || uint64(r.post)+uint64(r.npost) > uint64(len(t.posts)) {
			return errTable
		}
	}
	for _, p := range t.posts {
		if p >= uint32(len(t.items)) {
			return errTable
		}
	}
	for _, it := range t.items {
		if it.adv >= uint32(nadv) || it.kind > itemPkgsrc {
			return errTable
		}
	}
	return nil
}
