package audit

import (
	"os"
	"slices"

	"github.com/pkgaudit/pkgaudit/feed"
)

// OpenOptions controls Open.
type OpenOptions struct {
	// Feed controls loading of each database.
	Feed feed.Options
	// Index controls indexing.
	Index Options
	// CacheDir, when set, keeps a compiled form of the loaded databases
	// there (one file per list of databases and options) and reuses it
	// while the databases are unchanged: same FileID (device, inode,
	// size, modification and status-change times), or else same SHA-256
	// of the content, and the same pkgaudit build. A damaged, stale or
	// unreadable cache file is rebuilt; failing to write one is not an
	// error. When the directory cannot be made or written, the databases
	// are loaded as without CacheDir (and what Brief and Feed.NoHash save
	// is kept).
	CacheDir string
	// Brief tells that the caller shows only what pkg audit's text and
	// raw (-R) reports print of an advisory: ID, Source, Topic, Class,
	// URL, CVEs and the cvename References, Affects, Withdrawn, Origin.
	// The advisories findings point to may then lack the other
	// references, the dates and SupersededBy (an uncached index does not
	// keep them, a cached one does not decode them), which saves time and
	// memory. The cache file itself always holds everything.
	Brief bool
}

// Open loads the databases at paths (several -f, combined in order: the
// advisories of the first come first) into one index, and describes each
// database. Errors name the file.
func Open(paths []string, opts OpenOptions) (*Index, []*feed.DatabaseInfo, error) {
	if opts.CacheDir == "" || slices.Contains(paths, "-") { // standard input: nothing to key a cache on
		ix, infos, err := open(paths, opts)
		return ix, infos, err
	}
	uncached := opts
	uncached.CacheDir = ""
	// The cache is keyed by content: hash it. It holds whole advisories.
	opts.Feed.NoHash = false
	opts.Feed.Brief = false
	fp, ok := fingerprint(opts)
	if !ok {
		return open(paths, uncached)
	}
	build := buildID()
	cp := cachePath(opts.CacheDir, paths, fp)
	if ix, infos, err := readCache(cp, paths, build, fp); err == nil {
		ix.recs.brief = opts.Brief
		noCache := opts
		noCache.CacheDir = ""
		ix.reopen = func() (*Index, error) {
			ix, _, err := open(paths, noCache)
			return ix, err
		}
		return ix, infos, nil
	}
	// A miss. The new cache file's temporary file is made first: where it
	// cannot be, the load is the uncached one, which costs less.
	tmp, err := createCacheTemp(cp)
	if err != nil {
		return open(paths, uncached)
	}
	written := false
	defer func() {
		if !written {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	ix, infos, err := open(paths, opts)
	if err != nil {
		return nil, nil, err
	}
	// Encoded whole for the cache; decoded briefly if asked.
	ix.recs.brief = opts.Brief
	for _, db := range infos {
		if !db.ID.Known() {
			// Changed while it was read: do not tie it to this content.
			return ix, infos, nil
		}
		for _, f := range db.Includes {
			if !f.ID.Known() {
				return ix, infos, nil
			}
		}
	}
	if data, err := encodeIndex(ix, infos, build, fp); err == nil {
		written = true // WriteWith closes or removes tmp
		writeCacheTemp(cp, tmp, data)
	}
	return ix, infos, nil
}

// open loads and indexes without the cache: each database goes straight
// into the index as it is parsed (feed.LoadInto), its advisories encoded
// as records and decoded again only when reported, so that a big database
// is never held whole in memory.
func open(paths []string, opts OpenOptions) (*Index, []*feed.DatabaseInfo, error) {
	var size int64
	for _, p := range paths {
		if st, err := os.Stat(p); err == nil {
			size += st.Size()
		}
	}
	w := newStreamWriter(opts.Index, size)
	// Records for this run only can be brief; those of a cache cannot.
	w.enc.brief = opts.Brief && opts.CacheDir == ""
	if w.enc.brief {
		// Nor need the advisories hold more.
		opts.Feed.Brief = true
	}
	infos := make([]*feed.DatabaseInfo, len(paths))
	for i, p := range paths {
		w.begin()
		info, err := feed.LoadInto(p, opts.Feed, recordSink{w})
		if err != nil {
			return nil, nil, err
		}
		infos[i] = info
	}
	return w.index(), infos, nil
}
