package cli

import (
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/ignore"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/report"
	"github.com/pkgaudit/pkgaudit/version/freebsd"
)

// auditLoadIgnores reads --ignore (else audit.ignore_file) and pkg's
// AUDIT_IGNORE_GLOB / AUDIT_IGNORE_REGEX from the environment, and warns
// about expired ignore entries. What the rules silence is ignore.Set's.
func auditLoadIgnores(r *auditRun) (*ignore.Set, error) {
	var list *ignore.List
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
		list = l
	}
	return ignore.NewSet(list, r.env.Getenv("AUDIT_IGNORE_GLOB"), r.env.Getenv("AUDIT_IGNORE_REGEX"))
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
