package cli

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
	"github.com/pkgaudit/pkgaudit/version/freebsd"
)

// auditIgnores are every rule that silences findings: the ignore file and
// pkg's AUDIT_IGNORE_GLOB / AUDIT_IGNORE_REGEX package-name lists.
type auditIgnores struct {
	list    *ignore.List
	globs   []string
	regexes []*regexp.Regexp
	// regexSrc are the expressions as given, for messages.
	regexSrc []string
}

// auditLoadIgnores reads --ignore (else audit.ignore_file) and the
// environment lists, and warns about expired ignore entries.
func auditLoadIgnores(r *auditRun) (*auditIgnores, error) {
	ig := &auditIgnores{}
	path := r.flags.ignore
	if path == "" {
		path = r.cfg.Audit.IgnoreFile
	}
	if path != "" {
		l, err := ignore.Load(path)
		if err != nil {
			return nil, err
		}
		for _, rule := range l.Expired(r.env.Now()) {
			r.warn("%s", l.Warning(rule))
		}
		ig.list = l
	}
	ig.globs = auditEnvList(r.env.Getenv("AUDIT_IGNORE_GLOB"))
	for _, src := range auditEnvList(r.env.Getenv("AUDIT_IGNORE_REGEX")) {
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

// auditEnvList splits a pkg array setting given in the environment: comma
// separated, each element trimmed, as pkg's configuration reads it.
func auditEnvList(v string) []string {
	if v == "" {
		return nil
	}
	var out []string
	for _, s := range strings.Split(v, ",") {
		out = append(out, strings.TrimSpace(s))
	}
	return out
}

// match returns why the finding of adv for p is ignored, nil when it is
// not: the package-name lists first (pkg skips such packages entirely),
// then the ignore file by vid, URL or CVE name.
func (ig *auditIgnores) match(p *inventory.Package, adv *advisory.Advisory, now time.Time) *report.Ignore {
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

// auditEnvNoEOL reports CHECK_END_OF_LIFE set to anything but "yes" in the
// environment: pkgsrc end-of-life entries are then skipped, as pkg_admin
// skips them.
func auditEnvNoEOL(env *Env) bool {
	v := env.Getenv("CHECK_END_OF_LIFE")
	return v != "" && !strings.EqualFold(v, "yes")
}

// auditKnown are the versions known to exist of each port (from ports
// INDEX files), to tell whether a fixed version is available.
type auditKnown map[string][]string

// knownVersions reads --index and --available.
func (r *auditRun) knownVersions() (auditKnown, error) {
	var files []string
	for _, f := range []string{r.flags.index, r.flags.available} {
		if f != "" {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		return nil, nil
	}
	known := auditKnown{}
	for _, f := range files {
		pkgs, err := auditReadIndex(f)
		if err != nil {
			return nil, err
		}
		for _, p := range pkgs {
			known[p.Name] = append(known[p.Name], p.Version)
		}
	}
	return known, nil
}

// fixAvailable is the finding's fix_available: nil when no INDEX was given,
// the finding implies no fixed version, or the INDEX does not list the
// port; else whether the INDEX lists a version at or above the fixed one
// that no block of the advisory naming the package affects.
func (k auditKnown) fixAvailable(p *inventory.Package, f *report.Finding) *bool {
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
		if freebsd.Compare(v, fixed) >= 0 && !auditAffects(f.Advisory, p.Name, v) {
			ok = true
			break
		}
	}
	return &ok
}

// auditAffects reports whether a FreeBSD block of adv naming name contains
// version.
func auditAffects(adv *advisory.Advisory, name, version string) bool {
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
