package audit

import (
	"encoding/binary"
	"errors"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// The record of one advisory in the cache: uvarints and strings (a uvarint
// length, then the bytes), in this order:
//
//	ID Source Topic Class URL
//	#refs (Kind Value)...  #cves CVE...
//	Discovery Entry Modified  Withdrawn SupersededBy
//	#blocks (Scheme Kind #names Name... #ranges (#bounds (Op Version)...)... Pattern)...
//	OriginFile(number) OriginLine OriginCol

var errRecord = errors.New("damaged advisory record")

type encoder struct{ b []byte }

func (e *encoder) uint(v uint64) { e.b = binary.AppendUvarint(e.b, v) }
func (e *encoder) int(v int)     { e.uint(uint64(v)) }
func (e *encoder) str(s string) {
	e.uint(uint64(len(s)))
	e.b = append(e.b, s...)
}

func (e *encoder) advisory(a *advisory.Advisory, file uint64) {
	e.str(a.ID)
	e.str(string(a.Source))
	e.str(a.Topic)
	e.str(a.Class)
	e.str(a.URL)
	e.int(len(a.References))
	for _, r := range a.References {
		e.str(r.Kind)
		e.str(r.Value)
	}
	e.int(len(a.CVEs))
	for _, c := range a.CVEs {
		e.str(c)
	}
	e.str(a.Dates.Discovery)
	e.str(a.Dates.Entry)
	e.str(a.Dates.Modified)
	if a.Withdrawn {
		e.uint(1)
	} else {
		e.uint(0)
	}
	e.str(a.SupersededBy)
	e.int(len(a.Affects))
	for _, b := range a.Affects {
		e.int(int(b.Scheme))
		e.int(int(b.Kind))
		e.int(len(b.Names))
		for _, n := range b.Names {
			e.str(n)
		}
		e.int(len(b.Ranges))
		for _, r := range b.Ranges {
			e.int(len(r.Bounds))
			for _, bd := range r.Bounds {
				e.int(int(bd.Op))
				e.str(bd.Version)
			}
		}
		e.str(b.Pattern)
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
}

func (d *decoder) uint() uint64 {
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
	return s
}

const maxInt32 = 1<<31 - 1

// decodeAdvisory decodes a record; its strings share data's memory.
func decodeAdvisory(data string, files []string) (*advisory.Advisory, error) {
	d := &decoder{s: data, budget: len(data)}
	a := &advisory.Advisory{}
	a.ID = d.str()
	a.Source = advisory.Source(d.str())
	a.Topic = d.str()
	a.Class = d.str()
	a.URL = d.str()
	if n := d.count(); n > 0 {
		a.References = make([]advisory.Reference, n)
		for i := range a.References {
			a.References[i] = advisory.Reference{Kind: d.str(), Value: d.str()}
		}
	}
	if n := d.count(); n > 0 {
		a.CVEs = make([]string, n)
		for i := range a.CVEs {
			a.CVEs[i] = d.str()
		}
	}
	a.Dates = advisory.Dates{Discovery: d.str(), Entry: d.str(), Modified: d.str()}
	a.Withdrawn = d.int(1) == 1
	a.SupersededBy = d.str()
	if n := d.count(); n > 0 {
		a.Affects = make([]advisory.Affected, n)
		for i := range a.Affects {
			b := &a.Affects[i]
			b.Scheme = advisory.Scheme(d.int(maxInt32))
			b.Kind = advisory.Kind(d.int(maxInt32))
			if n := d.count(); n > 0 {
				b.Names = make([]string, n)
				for j := range b.Names {
					b.Names[j] = d.str()
				}
			}
			if n := d.count(); n > 0 {
				b.Ranges = make([]advisory.Range, n)
				for j := range b.Ranges {
					if n := d.count(); n > 0 {
						bs := make([]advisory.Bound, n)
						for k := range bs {
							bs[k] = advisory.Bound{Op: advisory.Op(d.int(maxInt32)), Version: d.str()}
						}
						b.Ranges[j].Bounds = bs
					}
				}
			}
			b.Pattern = d.str()
		}
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
