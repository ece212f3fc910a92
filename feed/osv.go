package feed

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/pkgaudit/pkgaudit/osv"
)

func init() {
	register(detector{format: OSV, sniff: sniffOSV, parse: parseOSV})
}

// sniffOSV accepts OSV JSON (a record object or an array of records) and
// zip archives of records (osv.dev's all.zip layout).
func sniffOSV(b []byte) bool {
	return osv.Sniff(b) || osv.SniffZip(b)
}

func parseOSV(src *source) (*Database, error) {
	recs, err := osv.ReadBytes(src.name, src.plain)
	if err != nil {
		return nil, err
	}
	return osvDatabase(recs)
}

// osvDatabase converts records: those of the FreeBSD ecosystems and of
// pkgaudit's pkgsrc one become advisories (osv.ToAdvisory), in file order;
// records of other ecosystems are skipped.
func osvDatabase(recs []osv.Record) (*Database, error) {
	db := &Database{}
	for _, r := range recs {
		adv, ok, err := osv.ToAdvisory(r.Vuln, osv.ConvertOptions{})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", r.File, err)
		}
		if !ok {
			continue
		}
		adv.Origin.File = r.File
		db.Entries++
		if adv.Withdrawn {
			db.Withdrawn++
		}
		db.Advisories = append(db.Advisories, adv)
	}
	return db, nil
}

// LoadOSVDir loads a directory of OSV records: every *.json file below
// it, in lexical order (Load and LoadInto do this for a directory). Each
// file is read once; Includes describe the record files and the
// subdirectories, each with its FileID (a directory's changes when an
// entry is added, removed or renamed in it), so that a cache can tell
// whether the records changed; the database's own File is the directory,
// its Hash the SHA-256 of the records' relative paths and hashes, its ID
// the directory's (zero when the walk saw it change).
func LoadOSVDir(path string) (*Database, error) {
	fail := func(err error) (*Database, error) {
		var pe *os.PathError
		if errors.As(err, &pe) && pe.Path == path {
			err = pe.Err
		}
		return nil, &Error{path, err}
	}
	st, err := os.Stat(path)
	if err != nil {
		return fail(err)
	}
	if !st.IsDir() {
		return fail(errors.New("not a directory"))
	}
	rootID, err := StatID(path)
	if err != nil {
		return fail(err)
	}
	var recs []osv.Record
	var includes []File
	var total int64
	sum := sha256.New()
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if p != path {
				id, err := StatID(p)
				if err != nil {
					return err
				}
				includes = append(includes, File{Path: p, ID: id})
			}
			return nil
		}
		if !d.Type().IsRegular() || !strings.HasSuffix(d.Name(), ".json") {
			return nil
		}
		if fi, err := d.Info(); err == nil && fi.Size() > osv.MaxRecordSize {
			return fmt.Errorf("%s: larger than %d bytes", p, osv.MaxRecordSize)
		}
		data, mtime, id, err := readFile(p)
		if err != nil {
			return err
		}
		if total += int64(len(data)); total > osv.MaxTotalSize {
			return fmt.Errorf("%s: more than %d bytes of records", path, osv.MaxTotalSize)
		}
		vs, err := osv.Parse(p, data)
		if err != nil {
			return err
		}
		for _, v := range vs {
			recs = append(recs, osv.Record{Vuln: v, File: p})
		}
		if len(recs) > osv.MaxRecords {
			return fmt.Errorf("%s: more than %d records", path, osv.MaxRecords)
		}
		f := File{Path: p, Hash: sha256.Sum256(data), Size: int64(len(data)), ModTime: mtime, ID: id}
		includes = append(includes, f)
		rel, _ := filepath.Rel(path, p)
		fmt.Fprintf(sum, "%s\x00%x\n", rel, f.Hash)
		return nil
	})
	if err != nil {
		return fail(err)
	}
	db, err := osvDatabase(recs)
	if err != nil {
		return fail(err)
	}
	db.Path = path
	db.Format = OSV
	db.ModTime = st.ModTime()
	db.Includes = includes
	for _, f := range includes {
		db.Size += f.Size
		if f.ModTime.After(db.ModTime) {
			db.ModTime = f.ModTime
		}
	}
	sum.Sum(db.Hash[:0])
	if after, err := StatID(path); err == nil && after.Same(rootID) {
		db.ID = rootID
	}
	return db, nil
}
