package audit

import (
	"reflect"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// equalAdvisory compares advisories, taking nil and empty slices as
// equal.
func equalAdvisory(a, b *advisory.Advisory) bool {
	return reflect.DeepEqual(normal(a), normal(b))
}

func normal(a *advisory.Advisory) advisory.Advisory {
	c := *a
	if len(c.References) == 0 {
		c.References = nil
	}
	if len(c.CVEs) == 0 {
		c.CVEs = nil
	}
	if len(c.Affects) == 0 {
		c.Affects = nil
	}
	c.Affects = append([]advisory.Affected(nil), c.Affects...)
	for i := range c.Affects {
		b := &c.Affects[i]
		if len(b.Names) == 0 {
			b.Names = nil
		}
		if len(b.Ranges) == 0 {
			b.Ranges = nil
		}
		b.Ranges = append([]advisory.Range(nil), b.Ranges...)
		for j := range b.Ranges {
			if len(b.Ranges[j].Bounds) == 0 {
				b.Ranges[j].Bounds = nil
			}
		}
	}
	return c
}

// briefAdvisory is a as OpenOptions.Brief may give it: only the cvename
// references, no dates, no SupersededBy.
func briefAdvisory(a *advisory.Advisory) advisory.Advisory {
	c := *a
	c.References = nil
	for _, r := range a.References {
		if r.Kind == "cvename" {
			c.References = append(c.References, r)
		}
	}
	c.Dates, c.SupersededBy = advisory.Dates{}, ""
	return c
}
