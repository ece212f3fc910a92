package feed

import (
	"errors"
	"fmt"
	"os"

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

// LoadOSVDir loads a directory of OSV records (every *.json file below
// it, in lexical order). Load reads single files; a caller given a
// directory uses this.
func LoadOSVDir(path string) (*Database, error) {
	st, err := os.Stat(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, &Error{path, err}
	}
	if !st.IsDir() {
		return nil, &Error{path, errors.New("not a directory")}
	}
	recs, err := osv.ReadDir(path)
	if err != nil {
		return nil, &Error{path, err}
	}
	db, err := osvDatabase(recs)
	if err != nil {
		return nil, &Error{path, err}
	}
	db.Path = path
	db.Format = OSV
	db.ModTime = st.ModTime()
	seen := map[string]bool{}
	for _, r := range recs {
		if !seen[r.File] {
			seen[r.File] = true
			if fi, err := fileInfo(r.File); err == nil {
				db.Includes = append(db.Includes, fi)
				db.Size += fi.Size
				if fi.ModTime.After(db.ModTime) {
					db.ModTime = fi.ModTime
				}
			}
		}
	}
	return db, nil
}
