package audit

import (
	"encoding/binary"
	"hash/crc32"
	"testing"

	"github.com/pkgaudit/pkgaudit/feed"
)

// FuzzCacheDecode feeds arbitrary bytes to the cache decoder, as they are
// and with a correct checksum (so that mutations reach the tables and
// records): it must refuse or decode, never panic, and a decoded index
// must survive every look-up of its own keys.
func FuzzCacheDecode(f *testing.F) {
	ix := NewIndex(fixture(), Options{})
	if data, err := encodeIndex(ix, []*feed.DatabaseInfo{{File: feed.File{Path: "db"}}}, "b", "f"); err == nil {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		exercise(data)
		if len(data) >= 4 {
			fixed := append([]byte(nil), data...)
			body := len(fixed) - 4
			binary.LittleEndian.PutUint32(fixed[body:], crc32.Checksum(fixed[:body], castagnoli()))
			exercise(fixed)
		}
	})
}

func exercise(data []byte) {
	ix, err := decodeCacheFile(data)
	if err != nil {
		return
	}
	var fs []Finding
	for i := 0; i+keySize <= len(ix.t.keys); i += keySize {
		s, _ := ix.t.str(le32(ix.t.keys, i+8), le32(ix.t.keys, i+12))
		for _, q := range []Query{{Name: s}, {Name: s, Version: "1.0", HasVersion: true, Base: true}} {
			fs = ix.Lookup(fs[:0], q)
			for _, f := range fs {
				_ = f.Block()
			}
		}
	}
	for i := 0; i < ix.Len(); i++ {
		ix.Advisory(i)
	}
	ix.Problems()
}

// FuzzRecord decodes arbitrary advisory records; a decoded one encodes
// and decodes to itself.
func FuzzRecord(f *testing.F) {
	for i, a := range fixture() {
		e := &encoder{}
		a.Origin.Line = i
		e.advisory(&a, 0)
		f.Add(e.b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		files := []string{"f"}
		a, err := decodeAdvisory(string(data), files, nil, false)
		if err != nil {
			if _, err := decodeAdvisory(string(data), files, &slab{}, true); err == nil {
				t.Fatalf("decodes briefly, not whole")
			}
			return
		}
		e := &encoder{}
		e.advisory(a, 0)
		b, err := decodeAdvisory(string(e.b), files, &slab{}, false)
		if err != nil {
			t.Fatalf("re-encoded record does not decode: %v", err)
		}
		if !equalAdvisory(a, b) {
			t.Fatalf("round trip: %+v, then %+v", a, b)
		}
		// Brief: decoding the whole record briefly, and a brief record
		// whole or briefly, all give the brief advisory.
		want := briefAdvisory(a)
		got, err := decodeAdvisory(string(data), files, &slab{}, true)
		if err != nil || !equalAdvisory(got, &want) {
			t.Fatalf("brief decoding: %v %+v, want %+v", err, got, want)
		}
		e = &encoder{brief: true}
		e.advisory(a, 0)
		for _, brief := range []bool{false, true} {
			got, err := decodeAdvisory(string(e.b), files, &slab{}, brief)
			if err != nil || !equalAdvisory(got, &want) {
				t.Fatalf("brief record, brief %v: %v %+v, want %+v", brief, err, got, want)
			}
		}
	})
}

// FuzzLookup checks the index against trying every block, for any query.
func FuzzLookup(f *testing.F) {
	f.Add("foo", "1.0", true, false)
	f.Add("fo{o,x}", "", false, false)
	f.Add("FreeBSD", "14.1", true, true)
	f.Add("foo-1", "2", true, false)
	advs := fixture()
	ix := NewIndex(advs, Options{})
	f.Fuzz(func(t *testing.T, name, version string, hasVersion, base bool) {
		q := Query{Name: name, Version: version, HasVersion: hasVersion, Base: base}
		if got, want := show(ix.Lookup(nil, q)), show(scan(advs, q)); got != want {
			t.Fatalf("%+v:\nindex %s\n scan %s", q, got, want)
		}
	})
}
