package scan

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/ignore"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/report"
)

// Ignores are every rule that silences findings: an ignore file and pkg's
// AUDIT_IGNORE_GLOB / AUDIT_IGNORE_REGEX package-name lists. A nil
// *Ignores silences nothing. Ignores are safe for concurrent use (the
// list's Rules must not change after NewIgnores).
type Ignores struct {
	list    *ignore.List
	globs   []string
	regexes []*regexp.Regexp
	// regexSrc are the expressions as given, for messages.
	regexSrc []string
}

// NewIgnores combines an ignore file (nil: none) with package-name globs
// (fnmatch) and POSIX extended regular expressions, as pkg's
// AUDIT_IGNORE_GLOB and AUDIT_IGNORE_REGEX.
func NewIgnores(list *ignore.List, globs, regexes []string) (*Ignores, error) {
	ig := &Ignores{list: list, globs: globs}
	// Index the list now, so that concurrent audits only read it.
	list.Match("", nil, time.Time{})
	for _, src := range regexes {
		// POSIX ERE, unanchored, as regcomp(REG_EXTENDED|REG_NOSUB); Go's
		// POSIX mode is RE2 syntax restricted to egrep's.
		re, err := regexp.CompilePOSIX(src)
		if err != nil {
			return nil, fmt.Errorf("AUDIT_IGNORE_REGEX: %w", err)
		}
		ig.regexes = append(ig.regexes, re)
		ig.regexSrc = append(ig.regexSrc, src)
	}
	return ig, nil
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
	ig, err = NewIgnores(list, EnvList(getenv("AUDIT_IGNORE_GLOB")), EnvList(getenv("AUDIT_IGNORE_REGEX")))
	return ig, warnings, err
}

// EnvList splits a pkg array setting given in the environment: comma
// separated, each element trimmed, as pkg's configuration reads it.
func EnvList(v string) []string {
	if v == "" {
		return nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// EnvNoEOL reports CHECK_END_OF_LIFE set to anything but "yes": pkgsrc
// end-of-life entries are then skipped, as pkg_admin skips them.
func EnvNoEOL(getenv func(string) string) bool {
	v := getenv("CHECK_END_OF_LIFE")
	return v != "" && !strings.EqualFold(v, "yes")
}

// Match returns why the finding of adv for p is ignored, nil when it is
// not: the package-name lists first (pkg skips such packages entirely),
// then the ignore file by vid, URL or CVE name.
func (ig *Ignores) Match(p *inventory.Package, adv *advisory.Advisory, now time.Time) *report.Ignore {
	if ig == nil {
		return nil
	}
	for _, g := range ig.globs {
		if fnmatch.Match(g, p.Name, 0) {
			return &report.Ignore{Rule: "AUDIT_IGNORE_GLOB=" + g, Reason: "package name matches AUDIT_IGNORE_GLOB " + g}
		}
	}
	for i, re := range ig.regexes {
		if re.MatchString(p.Name) {
			return &report.Ignore{Rule: "AUDIT_IGNORE_REGEX=" + ig.regexSrc[i], Reason: "package name matches AUDIT_IGNORE_REGEX " + ig.regexSrc[i]}
		}
	}
	if ig.list == nil {
		return nil
	}
	ids := make([]string, 0, 2+len(adv.CVEs))
	if adv.ID != "" {
		ids = append(ids, adv.ID)
	}
	if adv.URL != "" && adv.URL != adv.ID {
		ids = append(ids, adv.URL)
	}
	ids = append(ids, adv.CVEs...)
	rule, ok := ig.list.Match(p.String(), ids, now)
	if !ok {
		return nil
	}
	what := rule.ID
	if rule.Package != "" {
		what += " package " + rule.Package
	}
	out := &report.Ignore{Rule: what, Reason: rule.Reason, Until: rule.Until}
	if rule.Line > 0 {
		out.Where = fmt.Sprintf("%s:%d", ig.list.File, rule.Line)
	}
	return out
}
