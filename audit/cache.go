package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
)

// The cache file: a compiled index of one list of databases.
//
//	magic "PKGAUDIX"  version u32  nsec u32  nsec × (offset u64, length u64)
//	sections, each at an 8-aligned offset:
//	  meta     build id, options fingerprint, database infos with the
//	           FileID and SHA-256 of every file read, origin file names,
//	           advisory count, problems (uvarints and strings)
//	  slots    u32 ...            the key hash table
//	  keys     24-byte records    hash kind off n post npost (u32 each)
//	  strs     key strings
//	  posts    u32 ...            postings
//	  items    16-byte records    adv block name (u32) kind system (u8) 2 × 0
//	  offsets  u32 × (nadv+1)     record boundaries
//	  records  advisory records (codec.go), decoded only when a look-up
//	           needs them
//	crc u32   CRC-32C (Castagnoli) of everything before it
//
// Integers are little-endian. A file whose magic, version, lengths,
// checksum, build id, options or tables do not agree is rebuilt, never
// trusted.
const (
	cacheMagic   = "PKGAUDIX"
	cacheVersion = 1
	numSections  = 8
)

const (
	secMeta = iota
	secSlots
	secKeys
	secStrs
	secPosts
	secItems
	secOffsets
	secRecords
)

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

var errCache = errors.New("damaged cache file")

// buildID identifies the running pkgaudit: its module version, VCS
// revision and the size and time of its executable, so that a rebuilt
// binary never trusts the caches of another.
var buildID = sync.OnceValue(func() string {
	var b strings.Builder
	if bi, ok := debug.ReadBuildInfo(); ok {
		b.WriteString(bi.GoVersion + " " + bi.Main.Path + "@" + bi.Main.Version)
		for _, s := range bi.Settings {
			if strings.HasPrefix(s.Key, "vcs.") {
				b.WriteString(" " + s.Key + "=" + s.Value)
			}
		}
	}
	if exe, err := os.Executable(); err == nil {
		if st, err := os.Stat(exe); err == nil {
			fmt.Fprintf(&b, " exe=%d/%d", st.Size(), st.ModTime().UnixNano())
		}
	}
	return b.String()
})

// fingerprint is what of the options changes the content of the index;
// ok is false when the options cannot be fingerprinted (a keyring that
// is not a list of entities), and the cache is then not used.
func fingerprint(opts OpenOptions) (string, bool) {
	f := opts.Feed
	s := fmt.Sprintf("max=%d src=%v noext=%v withdrawn=%v", f.MaxSize, f.PkgsrcSourceList, f.NoExternalEntities, opts.Index.ReportWithdrawn)
	if f.Keyring != nil {
		el, ok := f.Keyring.(openpgp.EntityList)
		if !ok {
			return "", false
		}
		s += " keys="
		for _, e := range el {
			if e.PrimaryKey != nil {
				s += hex.EncodeToString(e.PrimaryKey.Fingerprint) + ","
			}
		}
	}
	return s, true
}

// cachePath names the cache file of a list of databases: one file per
// list and options, overwritten when anything changes.
func cachePath(dir string, paths []string, fp string) string {
	h := sha256.New()
	fmt.Fprintf(h, "pkgaudit cache %d\x00%s\x00", cacheVersion, fp)
	for _, p := range paths {
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
		io.WriteString(h, p+"\x00")
	}
	return filepath.Join(dir, "pkgaudit-"+hex.EncodeToString(h.Sum(nil)[:10])+".idx")
}

// cacheMeta is the decoded meta section.
type cacheMeta struct {
	build, fp string
	dbs       []*feed.DatabaseInfo
	files     []string
	nadv      int
	pkgsrc    bool
	problems  []cacheProblem
}

type cacheProblem struct {
	adv, block int
	msg        string
}

func (e *encoder) file(f *feed.File) {
	e.str(f.Path)
	e.str(string(f.Hash[:]))
	e.uint(uint64(f.Size))
	e.uint(uint64(f.ModTime.UnixNano()))
	e.uint(f.ID.Dev)
	e.uint(f.ID.Ino)
	e.uint(uint64(f.ID.Size))
	e.uint(uint64(f.ID.MTime))
	e.uint(uint64(f.ID.CTime))
}

func (d *decoder) file() feed.File {
	var f feed.File
	f.Path = d.str()
	if h := d.str(); len(h) == len(f.Hash) {
		copy(f.Hash[:], h)
	} else {
		d.fail()
	}
	f.Size = int64(d.uint())
	f.ModTime = time.Unix(0, int64(d.uint()))
	f.ID = feed.FileID{Dev: d.uint(), Ino: d.uint(), Size: int64(d.uint()), MTime: int64(d.uint()), CTime: int64(d.uint())}
	return f
}

func boolUint(b bool) uint64 {
	if b {
		return 1
	}
	return 0
}

func (m *cacheMeta) encode() []byte {
	e := &encoder{}
	e.str(m.build)
	e.str(m.fp)
	e.int(len(m.dbs))
	for _, db := range m.dbs {
		e.file(&db.File)
		e.str(string(db.Format))
		e.str(db.Compression)
		e.int(len(db.Includes))
		for i := range db.Includes {
			e.file(&db.Includes[i])
		}
		e.int(db.Entries)
		e.int(db.Withdrawn)
		e.str(db.NetBSDID)
		e.uint(boolUint(db.Signed))
		e.uint(boolUint(db.Verified))
		e.int(len(db.Warnings))
		for _, w := range db.Warnings {
			e.str(w)
		}
	}
	e.int(len(m.files))
	for _, f := range m.files {
		e.str(f)
	}
	e.int(m.nadv)
	e.uint(boolUint(m.pkgsrc))
	e.int(len(m.problems))
	for _, p := range m.problems {
		e.int(p.adv)
		e.int(p.block)
		e.str(p.msg)
	}
	return e.b
}

func decodeMeta(s string) (*cacheMeta, error) {
	d := &decoder{s: s, budget: len(s)}
	m := &cacheMeta{build: d.str(), fp: d.str()}
	m.dbs = make([]*feed.DatabaseInfo, d.count())
	for i := range m.dbs {
		db := &feed.DatabaseInfo{File: d.file()}
		db.Format = feed.Format(d.str())
		db.Compression = d.str()
		if n := d.count(); n > 0 {
			db.Includes = make([]feed.File, n)
			for j := range db.Includes {
				db.Includes[j] = d.file()
			}
		}
		db.Entries = d.int(maxInt32)
		db.Withdrawn = d.int(maxInt32)
		db.NetBSDID = d.str()
		db.Signed = d.int(1) == 1
		db.Verified = d.int(1) == 1
		if n := d.count(); n > 0 {
			db.Warnings = make([]string, n)
			for j := range db.Warnings {
				db.Warnings[j] = d.str()
			}
		}
		m.dbs[i] = db
	}
	m.files = make([]string, d.count())
	for i := range m.files {
		m.files[i] = d.str()
	}
	m.nadv = d.int(maxInt32)
	m.pkgsrc = d.int(1) == 1
	m.problems = make([]cacheProblem, d.count())
	for i := range m.problems {
		m.problems[i] = cacheProblem{adv: d.int(maxInt32), block: d.int(maxInt32), msg: d.str()}
	}
	if d.err == nil && d.s != "" {
		d.fail()
	}
	return m, d.err
}

// encodeCache lays out a cache file from its sections.
func encodeCache(secs [numSections][]byte) []byte {
	head := 16 + 16*numSections
	size := head
	for _, s := range secs {
		size = align8(size) + len(s)
	}
	out := make([]byte, head, size+4+8)
	copy(out, cacheMagic)
	binary.LittleEndian.PutUint32(out[8:], cacheVersion)
	binary.LittleEndian.PutUint32(out[12:], numSections)
	for i, s := range secs {
		for len(out)%8 != 0 {
			out = append(out, 0)
		}
		binary.LittleEndian.PutUint64(out[16+16*i:], uint64(len(out)))
		binary.LittleEndian.PutUint64(out[24+16*i:], uint64(len(s)))
		out = append(out, s...)
	}
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli))
}

func align8(n int) int { return (n + 7) &^ 7 }

// splitCache checks a cache file's framing and checksum and returns its
// sections.
func splitCache(data string) ([numSections]string, error) {
	var secs [numSections]string
	head := 16 + 16*numSections
	if len(data) < head+4 || data[:8] != cacheMagic {
		return secs, errCache
	}
	le := binary.LittleEndian
	b := unsafe.Slice(unsafe.StringData(data), len(data))
	if le.Uint32(b[8:]) != cacheVersion || le.Uint32(b[12:]) != numSections {
		return secs, errCache
	}
	body := len(data) - 4
	if crc32.Checksum(b[:body], castagnoli) != le.Uint32(b[body:]) {
		return secs, errCache
	}
	for i := range secs {
		off, n := le.Uint64(b[16+16*i:]), le.Uint64(b[24+16*i:])
		if off < uint64(head) || off > uint64(body) || n > uint64(body)-off {
			return secs, errCache
		}
		secs[i] = data[off : off+n]
	}
	return secs, nil
}

func u32s(s string) ([]uint32, error) {
	if len(s)%4 != 0 {
		return nil, errCache
	}
	out := make([]uint32, len(s)/4)
	for i := range out {
		j := 4 * i
		out[i] = uint32(s[j]) | uint32(s[j+1])<<8 | uint32(s[j+2])<<16 | uint32(s[j+3])<<24
	}
	return out, nil
}

func appendU32s(b []byte, v []uint32) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}

// encodeIndex returns the sections of a cache file for ix, which NewIndex
// built over the advisories of dbs.
func encodeIndex(ix *Index, dbs []*feed.DatabaseInfo, build, fp string) ([]byte, error) {
	var secs [numSections][]byte
	t := &ix.t
	secs[secSlots] = appendU32s(make([]byte, 0, 4*len(t.slots)), t.slots)
	kb := make([]byte, 0, 24*len(t.keys))
	for _, k := range t.keys {
		kb = appendU32s(kb, []uint32{k.hash, k.kind, k.off, k.n, k.post, k.npost})
	}
	secs[secKeys] = kb
	secs[secStrs] = []byte(t.strs)
	secs[secPosts] = appendU32s(make([]byte, 0, 4*len(t.posts)), t.posts)
	ib := make([]byte, 0, 16*len(t.items))
	for _, it := range t.items {
		ib = appendU32s(ib, []uint32{it.adv, it.block, it.name})
		ib = append(ib, it.kind, it.system, 0, 0)
	}
	secs[secItems] = ib
	m := &cacheMeta{build: build, fp: fp, dbs: dbs, nadv: len(ix.advs), pkgsrc: ix.pkgsrc}
	fileNum := map[string]uint64{}
	e := &encoder{b: make([]byte, 0, 256*len(ix.advs))}
	offs := make([]uint32, 0, len(ix.advs)+1)
	for i := range ix.advs {
		a := &ix.advs[i]
		n, ok := fileNum[a.Origin.File]
		if !ok {
			n = uint64(len(m.files))
			fileNum[a.Origin.File] = n
			m.files = append(m.files, a.Origin.File)
		}
		if len(e.b) > maxInt32 {
			return nil, errors.New("index too large to cache")
		}
		offs = append(offs, uint32(len(e.b)))
		e.advisory(a, n)
	}
	offs = append(offs, uint32(len(e.b)))
	secs[secOffsets] = appendU32s(nil, offs)
	secs[secRecords] = e.b
	for _, p := range ix.problems {
		m.problems = append(m.problems, cacheProblem{adv: p.adv, block: p.Affected, msg: p.Err.Error()})
	}
	secs[secMeta] = m.encode()
	return encodeCache(secs), nil
}

// decodeIndex rebuilds an index from a cache file's sections; the
// advisories are decoded on first use.
func decodeIndex(secs [numSections]string, m *cacheMeta) (*Index, error) {
	var t table
	var err error
	if t.slots, err = u32s(secs[secSlots]); err != nil {
		return nil, err
	}
	kw, err := u32s(secs[secKeys])
	if err != nil || len(kw)%6 != 0 {
		return nil, errCache
	}
	t.keys = make([]keyRec, len(kw)/6)
	for i := range t.keys {
		w := kw[6*i:]
		t.keys[i] = keyRec{hash: w[0], kind: w[1], off: w[2], n: w[3], post: w[4], npost: w[5]}
	}
	t.strs = secs[secStrs]
	if t.posts, err = u32s(secs[secPosts]); err != nil {
		return nil, err
	}
	is := secs[secItems]
	if len(is)%16 != 0 {
		return nil, errCache
	}
	t.items = make([]itemRec, len(is)/16)
	for i := range t.items {
		w, err := u32s(is[16*i : 16*i+12])
		if err != nil {
			return nil, err
		}
		t.items[i] = itemRec{adv: w[0], block: w[1], name: w[2], kind: is[16*i+12], system: is[16*i+13]}
	}
	if err := t.check(m.nadv); err != nil {
		return nil, err
	}
	offs, err := u32s(secs[secOffsets])
	if err != nil || len(offs) != m.nadv+1 {
		return nil, errCache
	}
	for i := 1; i < len(offs); i++ {
		if offs[i] < offs[i-1] {
			return nil, errCache
		}
	}
	if len(offs) > 0 && (offs[0] != 0 || uint64(offs[len(offs)-1]) != uint64(len(secs[secRecords]))) {
		return nil, errCache
	}
	ix := &Index{t: t, pkgsrc: m.pkgsrc,
		recs: &records{data: secs[secRecords], off: offs, files: m.files, advs: make([]atomic.Pointer[advisory.Advisory], m.nadv)}}
	if ix.pkgsrc {
		ix.pats = make([]atomic.Pointer[compiled], len(t.items))
	}
	for _, p := range m.problems {
		if p.adv >= m.nadv {
			return nil, errCache
		}
		a := ix.recs.get(p.adv)
		if a == nil {
			return nil, errCache
		}
		ix.problems = append(ix.problems, Problem{Advisory: a, Affected: p.block, Err: errors.New(p.msg), adv: p.adv})
	}
	return ix, nil
}

// readCache loads the cache file at path if it is intact and still
// describes the databases at paths, read with these options. When some
// file's FileID changed while its content did not, the cache file is then rewritten with the new IDs.
func readCache(path string, paths []string, build, fp string) (*Index, []*feed.DatabaseInfo, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	// The buffer is never written again: the index's strings share it.
	data := unsafe.String(unsafe.SliceData(raw), len(raw))
	secs, err := splitCache(data)
	if err != nil {
		return nil, nil, err
	}
	m, err := decodeMeta(secs[secMeta])
	if err != nil {
		return nil, nil, err
	}
	if m.build != build || m.fp != fp || len(m.dbs) != len(paths) {
		return nil, nil, errStale
	}
	refresh := false
	for i, db := range m.dbs {
		if db.Path != paths[i] {
			// The same file by another name (the cache is named by
			// absolute path): report it as it was given.
			db.Path = paths[i]
		}
		ok, changed := fresh(&db.File)
		for j := range db.Includes {
			okj, changedj := fresh(&db.Includes[j])
			ok, changed = ok && okj, changed || changedj
		}
		if !ok {
			return nil, nil, errStale
		}
		refresh = refresh || changed
	}
	ix, err := decodeIndex(secs, m)
	if err != nil {
		return nil, nil, err
	}
	if refresh {
		// Same content, new FileIDs: store them, so that the next run
		// need not hash the files again.
		var out [numSections][]byte
		for i, s := range secs {
			out[i] = []byte(s)
		}
		out[secMeta] = m.encode()
		writeCache(path, encodeCache(out))
	}
	return ix, m.dbs, nil
}

var errStale = errors.New("stale cache file")

// fresh reports whether f is unchanged: its FileID is the same, or else its
// content still has the same SHA-256 (then f's ID is updated and changed
// is set).
func fresh(f *feed.File) (ok, changed bool) {
	id, err := feed.StatID(f.Path)
	if err != nil {
		return false, false
	}
	if id.Same(f.ID) {
		return true, false
	}
	data, err := os.ReadFile(f.Path)
	if err != nil || sha256.Sum256(data) != f.Hash {
		return false, false
	}
	f.ID = id
	return true, true
}

// writeCache stores the cache file atomically; readers see the old file
// or the new one, never a part.
func writeCache(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// decodeCacheFile decodes a whole cache file without looking at its meta
// beyond what the index needs (tests and fuzzing).
func decodeCacheFile(data []byte) (*Index, error) {
	secs, err := splitCache(string(data))
	if err != nil {
		return nil, err
	}
	m, err := decodeMeta(secs[secMeta])
	if err != nil {
		return nil, err
	}
	return decodeIndex(secs, m)
}
