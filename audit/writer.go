package audit

import (
	"errors"
	"strings"
	"sync/atomic"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/pkgsrc/pattern"
)

// writer builds an index from advisories given in batches, in database
// order. With records set it also encodes each advisory into a record and
// keeps nothing else of it (feed.Sink: Open indexes a big document while
// it is parsed, and the index decodes the reported advisories on demand,
// as from the cache); otherwise the index keeps the advisories (NewIndex).
type writer struct {
	opts     Options
	b        *builder
	nadv     int
	pats     []pkgsrcPattern
	problems []cacheProblem
	advs     []advisory.Advisory // without records: what NewIndex was given

	records bool
	enc     encoder
	offs    []uint32
	fileNum map[string]uint64
	files   []string
	err     error

	m writerMark
}

type pkgsrcPattern struct {
	id int
	p  *pattern.Pattern
}

// writerMark is a writer's state at the start of a database, for Reset.
type writerMark struct {
	b                               mark
	nadv, pats, problems, enc, offs int
	files                           int
}

// newWriter makes a writer; advs sizes it (without records they are the
// advisories the index keeps).
func newWriter(opts Options, records bool, advs []advisory.Advisory) *writer {
	var nitems, nranges, nstr int
	for a := range advs {
		for _, blk := range advs[a].Affects {
			nitems += len(blk.Names)
			nranges += len(blk.Ranges)
			for _, n := range blk.Names {
				nstr += len(n)
			}
			for _, r := range blk.Ranges {
				for _, bd := range r.Bounds[:min(len(r.Bounds), 2)] {
					nstr += len(bd.Version)
				}
			}
			if blk.Scheme == advisory.Pkgsrc {
				nitems++
				nstr += 2 * len(blk.Pattern)
			}
		}
	}
	w := &writer{opts: opts, b: newBuilder(nitems, nranges, nstr), records: records}
	if !records {
		w.advs = advs
	} else {
		w.fileNum = map[string]uint64{}
	}
	return w
}

// newStreamWriter makes a records writer for databases of about size
// bytes in all (VuXML proportions: growing the buffers would cost more
// than reserving address space that stays untouched).
func newStreamWriter(opts Options, size int64) *writer {
	n := int(min(size, 1<<30))
	w := &writer{opts: opts, records: true, fileNum: map[string]uint64{},
		b: newBuilder(n/500, n/400, n/40)}
	w.enc.b = make([]byte, 0, n/4)
	w.offs = make([]uint32, 0, n/1000)
	return w
}

// recordSink is a records writer as the feed.Sink of Open: it encodes each
// advisory and keeps nothing of it (feed.Copier).
type recordSink struct{ *writer }

func (recordSink) CopiesAdvisories() {}

// begin marks the start of a database, for Reset.
func (w *writer) begin() {
	w.m = writerMark{b: w.b.mark(), nadv: w.nadv, pats: len(w.pats), problems: len(w.problems), enc: len(w.enc.b), offs: len(w.offs), files: len(w.files)}
}

// Reset forgets the advisories of the current database (feed.Sink).
func (w *writer) Reset() {
	m := w.m
	w.b.rollback(m.b)
	w.nadv, w.pats, w.problems = m.nadv, w.pats[:m.pats], w.problems[:m.problems]
	w.enc.b, w.offs = w.enc.b[:m.enc], w.offs[:m.offs]
	for _, f := range w.files[m.files:] {
		delete(w.fileNum, f)
	}
	w.files = w.files[:m.files]
}

// Add indexes a batch of advisories (feed.Sink).
func (w *writer) Add(advs []advisory.Advisory) error {
	if w.records && len(w.enc.b) > maxInt32 {
		w.err = errors.New("databases too large to index")
		return w.err
	}
	for i := range advs {
		w.addAdvisory(&advs[i])
	}
	return nil
}

func (w *writer) addAdvisory(adv *advisory.Advisory) {
	a := w.nadv
	w.nadv++
	if w.records {
		n, ok := w.fileNum[adv.Origin.File]
		if !ok {
			f := strings.Clone(adv.Origin.File) // a recordSink keeps nothing of adv
			n = uint64(len(w.files))
			w.fileNum[f] = n
			w.files = append(w.files, f)
		}
		w.offs = append(w.offs, uint32(len(w.enc.b)))
		w.enc.advisory(adv, n)
	}
	if adv.Withdrawn && !w.opts.ReportWithdrawn {
		return
	}
	b := w.b
	for bl := range adv.Affects {
		blk := &adv.Affects[bl]
		switch blk.Scheme {
		case advisory.FreeBSD:
			if len(blk.Names) == 0 {
				continue
			}
			var sys uint8
			if blk.Kind == advisory.System {
				sys = 1
			}
			rstart, rcount := b.addRanges(blk.Ranges)
			for n, name := range blk.Names {
				it := itemRec{adv: uint32(a), block: uint32(bl), name: uint32(n), kind: itemName, system: sys, rstart: rstart, rcount: rcount}
				if fnmatch.HasMeta(name) {
					it.kind = itemGlob
					it.soff, it.slen = b.str(name)
					b.add(it, globKey(name))
				} else {
					it.slen = noName // the key's string
					b.add(it, indexKey{Kind: kindName, S: name})
				}
			}
		case advisory.Pkgsrc:
			src := blk.Pattern
			if w.records {
				src = strings.Clone(src) // the compiled pattern may point into it
			}
			p, err := pattern.Compile(src)
			if err != nil {
				w.problems = append(w.problems, cacheProblem{adv: a, block: bl, msg: err.Error(), err: err})
			}
			w.pats = append(w.pats, pkgsrcPattern{b.nitems(), p})
			it := itemRec{adv: uint32(a), block: uint32(bl), name: noName, kind: itemPkgsrc}
			it.soff, it.slen = b.str(src)
			b.add(it, pattern.IndexKeys(src, p)...)
		}
	}
}

// index finishes the index.
func (w *writer) index() *Index {
	ix := &Index{t: w.b.table(), advs: w.advs}
	if w.records {
		offs := append(w.offs, uint32(len(w.enc.b)))
		ix.recs = &records{data: asString(w.enc.b), off: offs, files: w.files, brief: w.enc.brief, advs: make([]atomic.Pointer[advisory.Advisory], w.nadv)}
		for k := range ix.recs.slabs {
			ix.recs.slabs[k].inPlace = true // the records are never written again
		}
	}
	if len(w.pats) > 0 {
		ix.pkgsrc = true
		ix.pats = make([]atomic.Pointer[compiled], ix.t.nitems())
		for _, p := range w.pats {
			ix.pats[p.id].Store(&compiled{p.p})
		}
	}
	for _, p := range w.problems {
		if a := ix.advisory(p.adv); a != nil {
			ix.problems = append(ix.problems, Problem{Advisory: a, Affected: p.block, Err: p.err, adv: p.adv})
		}
	}
	return ix
}
