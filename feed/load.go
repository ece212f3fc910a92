package feed

import (
	"crypto/sha256"
	"errors"
	"io"
	"sync"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/internal/decompress"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// loadChunked loads a big uncompressed VuXML file straight from the disk
// in chunks (parseChunked), hashing it on the side, without ever holding
// the whole file in memory. ok is false when the file is not such a
// document (or is not of the usual shape): Load then reads it whole.
func loadChunked(path string, opts Options, sink Sink) (db *DatabaseInfo, ok bool, err error) {
	f, err := safeopen.Open(path)
	if err != nil {
		return nil, false, nil
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() || st.Size() < chunkMin || st.Size() > maxSize(opts) {
		return nil, false, nil
	}
	size := st.Size()
	id, _ := fileID(f)
	head := make([]byte, 512)
	if n, _ := f.ReadAt(head, 0); n < len(head) || decompress.Sniff(head) != decompress.Plain || !accepts(opts.Formats, VuXML) {
		return nil, false, nil
	}
	if d, _ := detect(head); d == nil || d.format != VuXML {
		return nil, false, nil
	}
	read := func(buf []byte, off, end int64) ([]byte, error) {
		n := int(end - off)
		if cap(buf) < n {
			buf = make([]byte, n, n+n/4)
		}
		buf = buf[:n]
		if _, err := f.ReadAt(buf, off); err != nil {
			return nil, err
		}
		return buf, nil
	}
	var sum [32]byte
	var hashErr error
	var wg sync.WaitGroup
	if !opts.NoHash {
		wg.Go(func() {
			h := sha256.New()
			n, err := io.Copy(h, io.NewSectionReader(f, 0, size+1))
			if err == nil && n != size {
				err = errors.New("file changed while it was read")
			}
			hashErr = err
			h.Sum(sum[:0])
		})
	}
	info, ok, err := parseChunked(read, size, vuxmlOptions(path, opts), sink)
	wg.Wait()
	if err != nil {
		return nil, true, &Error{path, err}
	}
	if !ok || hashErr != nil {
		sink.Reset()
		return nil, false, nil
	}
	db = &info
	if after, _ := fileID(f); after != id {
		id = FileID{}
	}
	db.Path = path
	db.Format = VuXML
	db.Hash = sum
	db.Size = size
	db.ModTime = st.ModTime()
	db.ID = id
	return db, true, nil
}

// Sink receives the advisories of a database as they are read: Add gets
// them in database order, batch after batch (the slice is the sink's to
// keep); Reset drops everything received so far, when the load starts
// over (a big document that could not be parsed in chunks is parsed
// again whole).
type Sink interface {
	Add(advs []advisory.Advisory) error
	Reset()
}

// A Copier is a Sink that copies whatever it keeps of a batch before Add
// returns (an index that encodes the advisories). It may then be given
// advisories whose strings and slices are memory feed reuses for the
// next batches (the buffers a big file is read into), which spares
// copying every string out of them.
type Copier interface {
	Sink
	// CopiesAdvisories marks the sink as a Copier.
	CopiesAdvisories()
}

// collector is a Sink that keeps everything.
type collector struct{ advs []advisory.Advisory }

func (c *collector) Add(a []advisory.Advisory) error {
	if c.advs == nil {
		c.advs = a
	} else {
		c.advs = append(c.advs, a...)
	}
	return nil
}

func (c *collector) Reset() { c.advs = nil }

// LoadInto is Load for a caller that consumes the advisories as they come
// (an index): they go to sink instead of Database.Advisories, so that a
// big document is never held whole, neither as text nor as advisories.
// It returns the description of the database.
func LoadInto(path string, opts Options, sink Sink) (*DatabaseInfo, error) {
	var db *Database
	var err error
	if path == "-" && opts.Stdin != nil {
		db, err = loadStdin(opts)
	} else {
		if info, ok, cerr := loadChunked(path, opts, sink); ok {
			return info, cerr
		}
		db, err = loadWhole(path, opts)
	}
	if err != nil {
		return nil, err
	}
	if err := sink.Add(db.Advisories); err != nil {
		return nil, &Error{path, err}
	}
	return &db.DatabaseInfo, nil
}
