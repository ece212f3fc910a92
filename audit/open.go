package audit

import (
	"sync"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/feed"
)

// OpenOptions controls Open.
type OpenOptions struct {
	// Feed controls loading of each database.
	Feed feed.Options
	// Index controls indexing.
	Index Options
	// CacheDir, when set, keeps a compiled form of the loaded databases
	// there and reuses it while the databases are unchanged.
	CacheDir string
}

// Open loads the databases at paths (several -f, combined in order: the
// advisories of the first come first) into one index, and describes each
// database. Errors name the file.
func Open(paths []string, opts OpenOptions) (*Index, []*feed.DatabaseInfo, error) {
	dbs := make([]*feed.Database, len(paths))
	errs := make([]error, len(paths))
	var wg sync.WaitGroup
	for i, p := range paths {
		wg.Add(1)
		go func() {
			defer wg.Done()
			dbs[i], errs[i] = feed.Load(p, opts.Feed)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, nil, err
		}
	}
	var advs []advisory.Advisory
	if len(dbs) == 1 {
		advs = dbs[0].Advisories
	} else {
		n := 0
		for _, db := range dbs {
			n += len(db.Advisories)
		}
		advs = make([]advisory.Advisory, 0, n)
		for _, db := range dbs {
			advs = append(advs, db.Advisories...)
		}
	}
	infos := make([]*feed.DatabaseInfo, len(dbs))
	for i, db := range dbs {
		infos[i] = &db.DatabaseInfo
	}
	return NewIndex(advs, opts.Index), infos, nil
}
