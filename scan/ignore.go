package scan

import (
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/ignore"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/report"
)

// Ignores are every rule that silences findings: an ignore file and pkg's
// AUDIT_IGNORE_GLOB / AUDIT_IGNORE_REGEX package-name lists, with the
// semantics of ignore.Set (a rule naming one CVE of an advisory marks
// that CVE only). A nil *Ignores silences nothing. Ignores are safe for
// concurrent use (the list's Rules must not change after NewIgnores).
type Ignores struct{ set *ignore.Set }

// NewIgnores combines an ignore file (nil: none) with pkg's
// AUDIT_IGNORE_GLOB and AUDIT_IGNORE_REGEX package-name lists, given as
// their comma-separated values (ignore.NewSet: an empty or blank item is
// an error, never a pattern matching every package).
func NewIgnores(list *ignore.List, globEnv, regexEnv string) (*Ignores, error) {
	// Index the list now, so that concurrent audits only read it.
	list.Match("", nil, time.Time{})
	set, err := ignore.NewSet(list, globEnv, regexEnv)
	if err != nil {
		return nil, err
	}
	return &Ignores{set: set}, nil
}

// LoadIgnores reads the ignore file at path ("" for none) and the
// AUDIT_IGNORE_GLOB and AUDIT_IGNORE_REGEX lists from getenv. The warnings
// name the entries of the file that expired before now.
func LoadIgnores(path string, getenv func(string) string, now time.Time) (ig *Ignores, warnings []string, err error) {
	var list *ignore.List
	if path != "" {
		if list, err = ignore.Load(path); err != nil {
			return nil, nil, err
		}
		for _, rule := range list.Expired(now) {
			warnings = append(warnings, list.Warning(rule))
		}
	}
	ig, err = NewIgnores(list, getenv("AUDIT_IGNORE_GLOB"), getenv("AUDIT_IGNORE_REGEX"))
	return ig, warnings, err
}

// EnvNoEOL reports CHECK_END_OF_LIFE set to anything but "yes": pkgsrc
// end-of-life entries are then skipped, as pkg_admin skips them.
func EnvNoEOL(getenv func(string) string) bool {
	v := getenv("CHECK_END_OF_LIFE")
	return v != "" && !strings.EqualFold(v, "yes")
}

// Match returns why the finding of adv for p is ignored as a whole (nil
// when it is not) and the CVE names of adv that rules ignore while the
// finding stands.
func (ig *Ignores) Match(p *inventory.Package, adv *advisory.Advisory, now time.Time) (*report.Ignore, []report.IgnoredCVE) {
	if ig == nil {
		return nil, nil
	}
	v := ig.set.CheckAdvisory(p.Name, p.String(), adv, now)
	return v.Whole, v.CVEs
}
