package remediate

import (
	"fmt"
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/audit"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/scan"
)

// HostSystem picks the system whose commands the guides print: flag when
// given (ParseSystem), else from goos (runtime.GOOS) and whether pkgsrc's
// installed packages are audited.
func HostSystem(flag, goos string, pkgsrc bool) (System, error) {
	if flag != "" {
		return ParseSystem(flag)
	}
	switch goos {
	case "freebsd":
		if !pkgsrc {
			return FreeBSD, nil
		}
	case "netbsd":
		return NetBSD, nil
	}
	if !pkgsrc {
		return FreeBSD, nil
	}
	switch goos {
	case "illumos", "solaris":
		return PkgsrcSmartOS, nil
	case "darwin":
		return PkgsrcMacOS, nil
	}
	return PkgsrcLinux, nil
}

// Plan is what the guides of one host are written from besides the
// findings.
type Plan struct {
	System System
	// Root is the directory rc.conf and /etc/rc.d are read below.
	Root string
	// Databases are the database files (named in the commands).
	Databases []string
	// PkgsrcDBDir is pkgsrc's PKG_DBDIR when the host's packages are
	// pkgsrc's; FreeBSDDBDir is FreeBSD's PKG_DBDIR otherwise.
	PkgsrcDBDir, FreeBSDDBDir string
	// Details maps advisory ids to their descriptions in CommonMark.
	Details map[string]string
}

// Guides writes a guide for each finding of pkgs in db that the selection
// names: every finding without selection; else the findings of an
// advisory named by id, of an installed package named by name or
// name-version, or of a name-version operand that is not installed
// (audited as such). Installed packages are those whose source tells
// their world (Scheme set). A selection item that is none of these is an
// error. Each advisory gives one guide per package.
func Guides(db *scan.DB, pkgs []inventory.Package, selection []string, plan Plan) ([]*Guide, error) {
	installed := map[string]bool{}
	for _, p := range pkgs {
		if p.Scheme != 0 {
			installed[p.Name] = true
		}
	}
	ids := map[string]bool{}
	ix := db.Index()
	for i := 0; i < ix.Len(); i++ {
		if a := ix.Advisory(i); a != nil {
			ids[a.ID] = true
		}
	}
	selVID := map[string]bool{}
	selPkg := map[string]bool{}
	for _, a := range selection {
		switch {
		case ids[a]:
			selVID[a] = true
		case installed[a] || installedFull(pkgs, a):
			selPkg[a] = true
		case strings.Contains(a, "-"):
			p, err := inventory.ParseOperand(a)
			if err != nil {
				return nil, err
			}
			pkgs = append(pkgs, p)
			selPkg[a] = true
		default:
			return nil, fmt.Errorf("%s: neither an installed package nor an advisory of the databases", a)
		}
	}
	selected := func(p *inventory.Package, adv *advisory.Advisory) bool {
		if len(selection) == 0 {
			return true
		}
		return selVID[adv.ID] || selPkg[p.Name] || selPkg[p.String()]
	}

	graph := inventory.NewGraph(pkgs)
	var guides []*Guide
	var found []audit.Finding
	filesCache := map[string][]string{}
	for i := range pkgs {
		p := &pkgs[i]
		if p.Versionless {
			continue
		}
		found = db.Lookup(found[:0], p, false)
		seen := map[string]bool{}
		for _, fd := range found {
			if !selected(p, fd.Advisory) || seen[fd.Advisory.ID] {
				continue
			}
			seen[fd.Advisory.ID] = true
			isInstalled := p.Scheme != 0 && installed[p.Name]
			in := &Input{
				System: plan.System, Advisory: fd.Advisory, Block: fd.Block(), Range: fd.Range,
				Name: p.Name, Version: p.Version, Origin: p.Origin, Installed: isInstalled,
				Details: plan.Details[fd.Advisory.ID], Databases: plan.Databases, PkgDBDir: plan.PkgsrcDBDir,
			}
			if isInstalled {
				in.Dependents = graph.Dependents(p.Name)
				files, ok := filesCache[p.Name]
				if !ok {
					var err error
					if plan.PkgsrcDBDir != "" {
						files, err = inventory.PkgsrcFiles(p.Path)
					} else {
						files, err = inventory.PkgDBFiles(plan.FreeBSDDBDir, p.Name)
					}
					if err != nil {
						return nil, err
					}
					filesCache[p.Name] = files
				}
				var err error
				if in.Services, err = Services(plan.System, plan.Root, files); err != nil {
					return nil, err
				}
			}
			guides = append(guides, New(in))
		}
	}
	return guides, nil
}

func installedFull(pkgs []inventory.Package, full string) bool {
	for _, p := range pkgs {
		if p.Scheme != 0 && p.String() == full {
			return true
		}
	}
	return false
}
