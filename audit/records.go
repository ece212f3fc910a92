package audit

import (
	"sync"
	"sync/atomic"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// records are the advisories of a cached index, decoded on first use.
type records struct {
	data  string   // the record section
	off   []uint32 // record i is data[off[i]:off[i+1]]
	files []string // origin file names, by number
	brief bool     // decode as OpenOptions.Brief allows
	advs  []atomic.Pointer[advisory.Advisory]
	// slabs hold the decoded advisories; several, so that look-ups on
	// several goroutines decode at once.
	slabs [4]lockedSlab
}

type lockedSlab struct {
	mu sync.Mutex
	slab
}

func (r *records) len() int { return len(r.advs) }

func (r *records) get(i int) *advisory.Advisory {
	if a := r.advs[i].Load(); a != nil {
		return a
	}
	if r.off[i] > r.off[i+1] || uint64(r.off[i+1]) > uint64(len(r.data)) {
		return nil
	}
	a, err := r.decode(i)
	if err != nil {
		return nil
	}
	if !r.advs[i].CompareAndSwap(nil, a) {
		return r.advs[i].Load()
	}
	return a
}

// decode decodes record i into a slab no other goroutine is using
// (unlocking even when the mapping faults).
func (r *records) decode(i int) (*advisory.Advisory, error) {
	sl := r.lockSlab(i)
	defer sl.mu.Unlock()
	return decodeAdvisory(r.data[r.off[i]:r.off[i+1]], r.files, &sl.slab, r.brief)
}

// lockSlab locks a free slab, or waits for one.
func (r *records) lockSlab(i int) *lockedSlab {
	for k := range r.slabs {
		if r.slabs[k].mu.TryLock() {
			return &r.slabs[k]
		}
	}
	sl := &r.slabs[i%len(r.slabs)]
	sl.mu.Lock()
	return sl
}
