package feed

import (
	"fmt"

	"github.com/pkgaudit/pkgaudit/osv"
)

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
