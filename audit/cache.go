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
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// The cache file: a compiled index of one list of databases.
//
//	magic "PKGAUDIX"  version u32  nsec u32  nsec × (offset u64, length u64)
//	sections, each at an 8-aligned offset:
//	  meta     build id, options fingerprint, database infos with the
//	           FileID and SHA-256 of every file read, origin file names,
//	           advisory count, problems (uvarints and strings)
//	  slots keys strs posts items ranges
//	           the table, exactly as in memory (see table)
//	  offsets  u32 × (nadv+1)     record boundaries
//	  records  advisory records (codec.go), decoded only for the
//	           advisories a look-up reports
//	crc u32   CRC-32C (Castagnoli) of everything before it
//
// Integers are little-endian. A file whose magic, version, lengths,
// checksum, build id or options do not agree is rebuilt, never trusted;
// reading it costs one read, one CRC and the meta section, whatever its
// size, as the table is used in place.
const (
	cacheMagic   = "PKGAUDIX"
	cacheVersion = 2
	numSections  = 9
)

const (
	secMeta = iota
	secSlots
	secKeys
	secStrs
	secPosts
	secItems
	secRanges
	secOffsets
	secRecords
)

// castagnoli is made on first use: the tables cost start-up time that
// the commands without a cache file need not pay.
var castagnoli = sync.OnceValue(func() *crc32.Table { return crc32.MakeTable(crc32.Castagnoli) })

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
	err        error // the error itself, before encoding
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
	d := &decoder{s: s, budget: len(s), clone: true}
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
	return binary.LittleEndian.AppendUint32(out, crc32.Checksum(out, castagnoli()))
}

func align8(n int) int { return (n + 7) &^ 7 }

// splitCache checks a cache file's framing and checksum and returns its
// sections.
func splitCache(data []byte) ([numSections][]byte, error) {
	var secs [numSections][]byte
	head := 16 + 16*numSections
	if len(data) < head+4 || string(data[:8]) != cacheMagic {
		return secs, errCache
	}
	le := binary.LittleEndian
	if le.Uint32(data[8:]) != cacheVersion || le.Uint32(data[12:]) != numSections {
		return secs, errCache
	}
	body := len(data) - 4
	if crc32.Checksum(data[:body], castagnoli()) != le.Uint32(data[body:]) {
		return secs, errCache
	}
	for i := range secs {
		off, n := le.Uint64(data[16+16*i:]), le.Uint64(data[24+16*i:])
		if off < uint64(head) || off > uint64(body) || n > uint64(body)-off {
			return secs, errCache
		}
		secs[i] = data[off : off+n : off+n]
	}
	return secs, nil
}

func u32s(b []byte) ([]uint32, error) {
	if len(b)%4 != 0 {
		return nil, errCache
	}
	out := make([]uint32, len(b)/4)
	for i := range out {
		out[i] = le32(b, 4*i)
	}
	return out, nil
}

func appendU32s(b []byte, v []uint32) []byte {
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, x)
	}
	return b
}

// asString views b as a string without copying; b must never be written
// again.
func asString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// encodeIndex returns a cache file for ix, which NewIndex built over the
// advisories of dbs.
func encodeIndex(ix *Index, dbs []*feed.DatabaseInfo, build, fp string) ([]byte, error) {
	var secs [numSections][]byte
	t := &ix.t
	secs[secSlots], secs[secKeys], secs[secStrs] = t.slots, t.keys, []byte(t.strs)
	secs[secPosts], secs[secItems], secs[secRanges] = t.posts, t.items, t.ranges
	m := &cacheMeta{build: build, fp: fp, dbs: dbs, nadv: ix.Len(), pkgsrc: ix.pkgsrc}
	for _, p := range ix.problems {
		m.problems = append(m.problems, cacheProblem{adv: p.adv, block: p.Affected, msg: p.Err.Error()})
	}
	if r := ix.recs; r != nil {
		// Already encoded.
		m.files = r.files
		secs[secOffsets] = appendU32s(nil, r.off)
		secs[secRecords] = unsafe.Slice(unsafe.StringData(r.data), len(r.data))
		secs[secMeta] = m.encode()
		return encodeCache(secs), nil
	}
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
	secs[secMeta] = m.encode()
	return encodeCache(secs), nil
}

// decodeIndex makes an index of a cache file's sections, used in place;
// the advisories are decoded on first use.
func decodeIndex(secs [numSections][]byte, m *cacheMeta) (*Index, error) {
	t := table{slots: secs[secSlots], keys: secs[secKeys], strs: asString(secs[secStrs]),
		posts: secs[secPosts], items: secs[secItems], ranges: secs[secRanges]}
	offs, err := u32s(secs[secOffsets])
	if err != nil || len(offs) != m.nadv+1 {
		return nil, errCache
	}
	ix := &Index{t: t, pkgsrc: m.pkgsrc, cached: true,
		recs: &records{data: asString(secs[secRecords]), off: offs, files: m.files, advs: make([]atomic.Pointer[advisory.Advisory], m.nadv)}}
	if ix.pkgsrc {
		ix.pats = make([]atomic.Pointer[compiled], t.nitems())
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
func readCache(path string, paths []string, build, fp string) (ix *Index, infos []*feed.DatabaseInfo, err error) {
	data, unmap, err := mapFile(path)
	if err != nil {
		return nil, nil, err
	}
	defer func() {
		if ix == nil && unmap != nil {
			unmap()
		}
	}()
	// A fault (the file truncated in place under the mapping) is a
	// damaged file.
	defer func() {
		if r := recover(); r != nil {
			if !isFault(r) {
				panic(r)
			}
			ix, infos, err = nil, nil, errCache
		}
	}()
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	ix, infos, err = decodeCache(path, data, paths, build, fp)
	if ix != nil && unmap != nil {
		ix.mapped = true
		runtime.AddCleanup(ix, func(unmap func()) { unmap() }, unmap)
	}
	return ix, infos, err
}

// decodeCache checks and decodes the cache file data read from path.
func decodeCache(path string, data []byte, paths []string, build, fp string) (*Index, []*feed.DatabaseInfo, error) {
	secs, err := splitCache(data)
	if err != nil {
		return nil, nil, err
	}
	m, err := decodeMeta(asString(secs[secMeta]))
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
		out := secs
		out[secMeta] = m.encode()
		writeCache(path, encodeCache(out))
	}
	return ix, m.dbs, nil
}

var errStale = errors.New("stale cache file")

var errUntrusted = errors.New("cache file writable by others")

// geteuid is os.Geteuid (tests replace it): a cache file must be this
// user's or root's.
var geteuid = os.Geteuid

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
	data, err := safeopen.ReadFile(f.Path)
	if err != nil || sha256.Sum256(data) != f.Hash {
		return false, false
	}
	f.ID = id
	return true, true
}

// writeCache stores the cache file atomically, as writeCacheTemp.
func writeCache(path string, data []byte) error {
	tmp, err := createCacheTemp(path)
	if err != nil {
		return err
	}
	return writeCacheTemp(path, tmp, data)
}

// createCacheTemp makes the directory of the cache file path and the
// temporary file a new cache file is written to before it is renamed
// into place.
func createCacheTemp(path string) (*os.File, error) {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err == nil {
		pruneTemps(dir, tmp.Name())
	}
	return tmp, err
}

// pruneTemps removes the temporary files of cache files in dir that are
// more than an hour old (left by runs that were killed while they built
// the index), but keep.
func pruneTemps(dir, keep string) {
	old, _ := filepath.Glob(filepath.Join(dir, ".pkgaudit-*.idx.tmp-*"))
	for _, f := range old {
		if st, err := os.Lstat(f); err == nil && f != keep && st.Mode().IsRegular() && time.Since(st.ModTime()) > time.Hour {
			os.Remove(f)
		}
	}
}

// writeCacheTemp stores the cache file through tmp, made by
// createCacheTemp, and renames it into place: readers see the old file or
// the new one, never a part. It is not synced to disk: a file torn by a
// crash fails its checksum and is rebuilt, and the sync of tens of
// megabytes would cost the first audit more than the build itself.
func writeCacheTemp(path string, tmp *os.File, data []byte) error {
	_, err := tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(0o644)
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}

// decodeCacheFile decodes a whole cache file without looking at its meta
// beyond what the index needs (tests and fuzzing).
func decodeCacheFile(data []byte) (*Index, error) {
	secs, err := splitCache(data)
	if err != nil {
		return nil, err
	}
	m, err := decodeMeta(asString(secs[secMeta]))
	if err != nil {
		return nil, err
	}
	return decodeIndex(secs, m)
}

// isFault reports whether a recovered panic is a memory fault turned
// into a panic by debug.SetPanicOnFault.
func isFault(r any) bool {
	_, ok := r.(interface{ Addr() uintptr })
	return ok
}
