package scan

import (
	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/report"
	"github.com/pkgaudit/pkgaudit/version/freebsd"
)

// Known are the versions known to exist of each port (from ports INDEX
// files), to tell whether a fixed version is available. Nil: unknown.
type Known map[string][]string

// KnownFrom collects the versions of the packages listed (typically the
// ports of INDEX files).
func KnownFrom(lists ...[]inventory.Package) Known {
	k := Known{}
	for _, pkgs := range lists {
		for _, p := range pkgs {
			k[p.Name] = append(k[p.Name], p.Version)
		}
	}
	return k
}

// fixAvailable is the finding's fix_available: nil when nothing is known,
// the finding implies no fixed version, or the port is not listed; else
// whether a listed version is at or above the fixed one and no block of
// the advisory naming the package affects it.
func (k Known) fixAvailable(p *inventory.Package, f *report.Finding) *bool {
	if k == nil {
		return nil
	}
	b := f.Block()
	if b == nil || b.Scheme != advisory.FreeBSD {
		return nil
	}
	fixed := f.FixedIn()
	versions := k[p.Name]
	if fixed == "" || len(versions) == 0 {
		return nil
	}
	ok := false
	for _, v := range versions {
		if freebsd.Compare(v, fixed) >= 0 && !affects(f.Advisory, p.Name, v) {
			ok = true
			break
		}
	}
	return &ok
}

// affects reports whether a FreeBSD block of adv naming name contains
// version.
func affects(adv *advisory.Advisory, name, version string) bool {
	for i := range adv.Affects {
		b := &adv.Affects[i]
		if b.Scheme != advisory.FreeBSD {
			continue
		}
		for _, n := range b.Names {
			if fnmatch.Match(n, name, 0) && b.MatchRange(version) >= 0 {
				return true
			}
		}
	}
	return false
}
