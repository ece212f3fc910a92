package validate

import (
	"github.com/pkgaudit/pkgaudit/version/freebsd"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// cmpVersion is FreeBSD pkg's version order (pkg_version_cmp).
func cmpVersion(a, b string) int { return freebsd.Compare(a, b) }

// interval is the set of versions a range accepts under pkg's rule (the
// first two bounds, ANDed): between lo and hi, each end included or not,
// unbounded where has* is false.
type interval struct {
	lo, hi       string
	loInc, hiInc bool
	hasLo, hasHi bool
}

func rangeInterval(r vuxml.Range) interval {
	iv := interval{}
	for i, b := range r.Bounds {
		if i == 2 {
			break // pkg ignores further bounds
		}
		var x interval
		switch b.Op {
		case vuxml.Lt:
			x = interval{hi: b.Version, hasHi: true}
		case vuxml.Le:
			x = interval{hi: b.Version, hasHi: true, hiInc: true}
		case vuxml.Ge:
			x = interval{lo: b.Version, hasLo: true, loInc: true}
		case vuxml.Gt:
			x = interval{lo: b.Version, hasLo: true}
		case vuxml.Eq:
			x = interval{lo: b.Version, hi: b.Version, hasLo: true, hasHi: true, loInc: true, hiInc: true}
		}
		iv = iv.intersect(x)
	}
	return iv
}

// intersect returns the versions in both a and b.
func (a interval) intersect(b interval) interval {
	r := a
	if b.hasLo {
		switch {
		case !r.hasLo:
			r.lo, r.loInc, r.hasLo = b.lo, b.loInc, true
		default:
			c := cmpVersion(b.lo, r.lo)
			if c > 0 {
				r.lo, r.loInc = b.lo, b.loInc
			} else if c == 0 {
				r.loInc = r.loInc && b.loInc
			}
		}
	}
	if b.hasHi {
		switch {
		case !r.hasHi:
			r.hi, r.hiInc, r.hasHi = b.hi, b.hiInc, true
		default:
			c := cmpVersion(b.hi, r.hi)
			if c < 0 {
				r.hi, r.hiInc = b.hi, b.hiInc
			} else if c == 0 {
				r.hiInc = r.hiInc && b.hiInc
			}
		}
	}
	return r
}

// nonEmpty reports whether some version may lie in the interval (versions
// are dense enough that lo < hi always leaves room).
func (a interval) nonEmpty() bool {
	if !a.hasLo || !a.hasHi {
		return true
	}
	switch cmpVersion(a.lo, a.hi) {
	case -1:
		return true
	case 0:
		return a.loInc && a.hiInc
	}
	return false
}
