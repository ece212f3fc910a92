package audit

import (
	"encoding/binary"
	"errors"
	"strings"
	"unsafe"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// The record of one advisory in the cache: uvarints and strings (a uvarint
// length, then the bytes), in this order:
//
//	flags                            recURL: URL is the VuXML page of ID;
//	                                 recCVEs: CVEs are the cvename references;
//	                                 recWithdrawn
//	#refs #cves #blocks #names #ranges #bounds   (totals, for one allocation each)
//	ID Source Topic Class [URL]
//	(KindCode [Kind] Value) × #refs  KindCode is 1+index in refKinds, or 0 and the Kind
//	CVE × #cves                      (none with recCVEs)
//	Discovery Entry Modified SupersededBy
//	(Scheme Kind #names #ranges Pattern Name... (#bounds (Op Version)...)...) × #blocks
//	OriginFile(number) OriginLine OriginCol

var errRecord = errors.New("damaged advisory record")

const (
	recURL = 1 << iota
	recCVEs
	recWithdrawn
)

// vuxmlWWW is the page of a VuXML entry, as feed makes advisory.URL.
const vuxmlWWW = "https://vuxml.FreeBSD.org/freebsd/"

// refKinds are the reference kinds stored as a code.
var refKinds = [...]string{"cvename", "url", "freebsdsa", "freebsdpr", "mlist", "bid", "certsa", "certvu", "uscertsa", "uscertta"}

// encoder writes records. With brief it leaves out what Brief allows
// (OpenOptions.Brief): every reference but the cvename ones, the dates and
// SupersededBy.
type encoder struct {
	b     []byte
	brief bool
}

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int)     { e.uint(uint64(v)) }
func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

// isVuXMLPage reports whether url is vuxmlWWW + id + ".html" (without
// building it: this runs for every advisory loaded).
func isVuXMLPage(url, id string) bool {
	return len(url) == len(vuxmlWWW)+len(id)+len(".html") && strings.HasPrefix(url, vuxmlWWW) &&
		strings.HasSuffix(url, ".html") && url[len(vuxmlWWW):len(url)-len(".html")] == id
}

// cvesDerived reports whether a's CVEs are exactly its cvename references.
func cvesDerived(a *advisory.Advisory) bool {
	n := 0
	for _, r := range a.References {
		if r.Kind == "cvename" {
			if n >= len(a.CVEs) || a.CVEs[n] != r.Value {
				return false
			}
			n++
		}
	}
	return n == len(a.CVEs)
}

func (e *encoder) advisory(a *advisory.Advisory, file uint64) {
	var flags uint64
	if a.ID != "" && isVuXMLPage(a.URL, a.ID) {
		flags |= recURL
	}
	derived := cvesDerived(a)
	if derived {
		flags |= recCVEs
	}
	if a.Withdrawn {
		flags |= recWithdrawn
	}
	e.uint(flags)
	var nn, nr, nb int
	for _, b := range a.Affects {
		nn += len(b.Names)
		nr += len(b.Ranges)
		for _, r := range b.Ranges {
			nb += len(r.Bounds)
		}
	}
	ncves := len(a.CVEs)
	if derived {
		ncves = 0
	}
	nrefs := len(a.References)
	if e.brief {
		nrefs = 0
		for _, r := range a.References {
			if r.Kind == "cvename" {
				nrefs++
			}
		}
	}
	e.int(nrefs)
	e.int(ncves)
	e.int(len(a.Affects))
	e.int(nn)
	e.int(nr)
	e.int(nb)
	e.str(a.ID)
	e.str(string(a.Source))
	e.str(a.Topic)
	e.str(a.Class)
	if flags&recURL == 0 {
		e.str(a.URL)
	}
	for _, r := range a.References {
		if e.brief && r.Kind != "cvename" {
			continue
		}
		code := 0
		for i, k := range refKinds {
			if r.Kind == k {
				code = i + 1
				break
			}
		}
		e.int(code)
		if code == 0 {
			e.str(r.Kind)
		}
		e.str(r.Value)
	}
	if !derived {
		for _, c := range a.CVEs {
			e.str(c)
		}
	}
	if e.brief {
		e.str("")
		e.str("")
		e.str("")
		e.str("")
	} else {
		e.str(a.Dates.Discovery)
		e.str(a.Dates.Entry)
		e.str(a.Dates.Modified)
		e.str(a.SupersededBy)
	}
	for _, b := range a.Affects {
		e.int(int(b.Scheme))
		e.int(int(b.Kind))
		e.int(len(b.Names))
		e.int(len(b.Ranges))
		e.str(b.Pattern)
		for _, n := range b.Names {
			e.str(n)
		}
		for _, r := range b.Ranges {
			e.int(len(r.Bounds))
			for _, bd := range r.Bounds {
				e.int(int(bd.Op))
				e.str(bd.Version)
			}
		}
	}
	e.uint(file)
	e.int(a.Origin.Line)
	e.int(a.Origin.Col)
}

// decoder reads a record; the first error sticks and every later read
// returns zero values.
type decoder struct {
	s   string
	err error
	// budget bounds the elements all counts may announce together, so a
	// crafted record cannot make the decoder allocate more than its size.
	budget int
	// clone copies every string out of s (a mapped cache file, which
	// what is returned to callers must not point into).
	clone bool
}

func (d *decoder) uint() uint64 {
	if len(d.s) > 0 && d.s[0] < 0x80 {
		v := uint64(d.s[0])
		d.s = d.s[1:]
		return v
	}
	var v uint64
	for i := 0; i < binary.MaxVarintLen64; i++ {
		if i >= len(d.s) {
			break
		}
		c := d.s[i]
		if i == binary.MaxVarintLen64-1 && c > 1 {
			break
		}
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			d.s = d.s[i+1:]
			return v
		}
	}
	d.fail()
	return 0
}

func (d *decoder) fail() {
	if d.err == nil {
		d.err = errRecord
	}
	d.s = ""
}

// int reads a non-negative int no larger than max.
func (d *decoder) int(max uint64) int {
	v := d.uint()
	if v > max {
		d.fail()
		return 0
	}
	return int(v)
}

// count reads a number of elements, each taking at least one more byte.
func (d *decoder) count() int {
	v := d.uint()
	if v > uint64(len(d.s)) {
		d.fail()
		return 0
	}
	n := int(v)
	if d.budget -= n; d.budget < 0 {
		d.fail()
		return 0
	}
	return n
}

func (d *decoder) str() string {
	v := d.uint()
	if v > uint64(len(d.s)) {
		d.fail()
		return ""
	}
	n := int(v)
	s := d.s[:n]
	d.s = d.s[n:]
	if d.clone {
		return strings.Clone(s)
	}
	return s
}

const maxInt32 = 1<<31 - 1

// take returns the next n elements of *pool, or false when the record
// announced fewer.
func take[T any](pool *[]T, n int) ([]T, bool) {
	if n > len(*pool) {
		return nil, false
	}
	out := (*pool)[:n:n]
	*pool = (*pool)[n:]
	return out, true
}

// slab hands out the memory of decoded advisories from chunks shared by
// many of them, so that decoding one costs no allocation most of the time.
// The zero slab allocates exactly.
type slab struct {
	advs   []advisory.Advisory
	refs   []advisory.Reference
	strs   []string
	affs   []advisory.Affected
	ranges []advisory.Range
	bounds []advisory.Bound
	bytes  []byte
	// inPlace tells that the records decoded into the slab are Go memory
	// that outlives what is decoded from them (an index built in this
	// run, not a mapped cache file): strings may then point into them.
	inPlace bool
}

const slabChunk = 512

// grab returns n fresh elements from *pool, refilling it from a new chunk
// when it runs short (chunked: only when the slab is in use).
func grab[T any](pool *[]T, n int, chunked bool) []T {
	if n == 0 {
		return nil
	}
	if !chunked {
		return make([]T, n)
	}
	if n > len(*pool) {
		*pool = make([]T, max(n, slabChunk))
	}
	out, _ := take(pool, n)
	return out
}

// byteChunk is the size of the slab's blocks of string bytes.
const byteChunk = 32 << 10

// room returns n bytes for strings.
func (sl *slab) room(n int, chunked bool) []byte {
	if !chunked {
		return make([]byte, n)
	}
	if n > len(sl.bytes) {
		sl.bytes = make([]byte, max(n, byteChunk))
	}
	b, _ := take(&sl.bytes, n)
	return b
}

// str returns a copy of s.
func (sl *slab) str(s string) string {
	if s == "" {
		return ""
	}
	b := append(sl.room(len(s), true)[:0], s...)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// url returns vuxmlWWW + id + ".html".
func (sl *slab) url(id string, chunked bool) string {
	n := len(vuxmlWWW) + len(id) + len(".html")
	b := sl.room(n, chunked)[:0]
	b = append(append(append(b, vuxmlWWW...), id...), ".html"...)
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// decodeAdvisory decodes a record; its strings share data's memory, and
// its other memory comes from sl (nil: exact allocations). With brief it
// leaves out what Brief allows (OpenOptions.Brief): every reference but
// the cvename ones, the dates and SupersededBy.
func decodeAdvisory(data string, files []string, sl *slab, brief bool) (*advisory.Advisory, error) {
	chunked := sl != nil
	if sl == nil {
		sl = &slab{}
	}
	if chunked && !sl.inPlace {
		// Decode from a copy of the record in the slab (one copy for all
		// its strings), not from the mapped cache file.
		data = sl.str(data)
	}
	d := &decoder{s: data, budget: len(data)}
	flags := d.int(recURL | recCVEs | recWithdrawn)
	nref, ncve, nblk, nname, nrng, nbnd := d.count(), d.count(), d.count(), d.count(), d.count(), d.count()
	if d.err != nil {
		return nil, d.err
	}
	a := &grab(&sl.advs, 1, chunked)[0]
	a.ID = d.str()
	a.Source = advisory.Source(d.str())
	a.Topic = d.str()
	a.Class = d.str()
	if flags&recURL != 0 {
		a.URL = sl.url(a.ID, chunked)
	} else {
		a.URL = d.str()
	}
	ref := func() advisory.Reference {
		var r advisory.Reference
		if code := d.int(uint64(len(refKinds))); code > 0 {
			r.Kind = refKinds[code-1]
		} else {
			r.Kind = d.str()
		}
		r.Value = d.str()
		return r
	}
	ncvename := 0
	if nref > 0 {
		keep := nref
		if brief {
			// Count the cvename references first, to take just them.
			save := *d
			keep = 0
			for range nref {
				if ref().Kind == "cvename" {
					keep++
				}
			}
			*d = save
		}
		refs := grab(&sl.refs, keep, chunked)
		j := 0
		for range nref {
			r := ref()
			if r.Kind == "cvename" {
				ncvename++
			} else if brief {
				continue
			}
			if j < len(refs) {
				refs[j] = r
			}
			j++
		}
		if j != len(refs) {
			d.fail()
		}
		a.References = refs
	}
	if flags&recCVEs != 0 {
		ncve = ncvename
	}
	strs := grab(&sl.strs, ncve+nname, chunked)
	if ncve > 0 {
		a.CVEs, _ = take(&strs, ncve)
		if flags&recCVEs != 0 {
			i := 0
			for _, r := range a.References {
				if r.Kind == "cvename" {
					a.CVEs[i] = r.Value
					i++
				}
			}
		} else {
			for i := range a.CVEs {
				a.CVEs[i] = d.str()
			}
		}
	}
	a.Dates = advisory.Dates{Discovery: d.str(), Entry: d.str(), Modified: d.str()}
	a.Withdrawn = flags&recWithdrawn != 0
	a.SupersededBy = d.str()
	if brief {
		a.Dates, a.SupersededBy = advisory.Dates{}, ""
	}
	ranges := grab(&sl.ranges, nrng, chunked)
	bounds := grab(&sl.bounds, nbnd, chunked)
	ok := true
	if nblk > 0 {
		a.Affects = grab(&sl.affs, nblk, chunked)
		for i := range a.Affects {
			b := &a.Affects[i]
			b.Scheme = advisory.Scheme(d.int(maxInt32))
			b.Kind = advisory.Kind(d.int(maxInt32))
			nn, nr := d.int(maxInt32), d.int(maxInt32)
			b.Pattern = d.str()
			var ok1, ok2 bool
			b.Names, ok1 = take(&strs, nn)
			b.Ranges, ok2 = take(&ranges, nr)
			if ok = ok && ok1 && ok2; !ok {
				break
			}
			if nn == 0 {
				b.Names = nil
			}
			if nr == 0 {
				b.Ranges = nil
			}
			for j := range b.Names {
				b.Names[j] = d.str()
			}
			for j := range b.Ranges {
				bs, okb := take(&bounds, d.int(maxInt32))
				if ok = okb; !ok {
					break
				}
				for k := range bs {
					bs[k] = advisory.Bound{Op: advisory.Op(d.int(maxInt32)), Version: d.str()}
				}
				if len(bs) > 0 {
					b.Ranges[j].Bounds = bs
				}
			}
			if !ok {
				break
			}
		}
	}
	if !ok || len(strs) != 0 || len(ranges) != 0 || len(bounds) != 0 {
		d.fail()
	}
	if f := d.int(uint64(len(files))); f < len(files) {
		a.Origin.File = files[f]
	} else {
		d.fail()
	}
	a.Origin.Line = d.int(maxInt32)
	a.Origin.Col = d.int(maxInt32)
	if d.err == nil && d.s != "" {
		d.fail()
	}
	if d.err != nil {
		return nil, d.err
	}
	return a, nil
}
