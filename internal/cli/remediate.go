package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"runtime"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/audit"
	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/osv"
	"github.com/pkgaudit/pkgaudit/remediate"
)

func init() { register(newRemediateCmd) }

// remediateFlags are the options of pkgaudit remediate.
type remediateFlags struct {
	files       []string
	from        []string
	pkgsrcDBDir string
	all         bool
	format      string
	os          string
	root        string
	config      string
}

const remediateLong = `Writes a remediation guide for each vulnerable package of the host (audited
as pkgaudit audit does): the impact, how to confirm it, the exact commands
that fix it on this system, the alternatives (pin, roll back, stop the
service), how to verify, a rollback plan, prevention, the installed packages
that depend on it and the rc.d services it ships with whether rc.conf
enables them.

Selection: --all (the default) every finding; a PACKAGE operand (name or
name-version) the findings of that package — a name-version that is not
installed is audited as an operand; a VID (or pkgsrc advisory URL) the
findings of that advisory.

What is audited: the FreeBSD installed packages ($PKG_DBDIR/local.sqlite) by
default, pkgsrc's with --pkgsrc-dbdir DIR, list files with --from FILE.
Databases: -f FILE, repeatable (VuXML, pkg-vulnerabilities, OSV), default as
for pkgaudit audit.

--os freebsd|netbsd|pkgsrc-smartos|pkgsrc-macos|pkgsrc-linux picks the
commands (default: from the running system and the databases given). --root
DIR reads rc.conf and /etc/rc.d below DIR instead of /.

Exit status: 0 guides written (or nothing vulnerable), 2 error.`

func newRemediateCmd(env *Env) *cobra.Command {
	f := &remediateFlags{}
	c := &cobra.Command{
		Use:   "remediate [flags] [--all | PACKAGE | VID]...",
		Short: "Write remediation guides for the vulnerable packages",
		Long:  remediateLong,
		RunE: func(c *cobra.Command, args []string) error {
			return remediateRun(env, f, args)
		},
	}
	fl := c.Flags()
	fl.StringArrayVarP(&f.files, "file", "f", nil, "vulnerability database (VuXML, pkg-vulnerabilities or OSV); repeatable")
	fl.StringArrayVar(&f.from, "from", nil, "also audit the packages listed in FILE, one name-version a line (- for standard input)")
	fl.StringVar(&f.pkgsrcDBDir, "pkgsrc-dbdir", "", "audit pkgsrc's installed packages in DIR instead of FreeBSD's")
	fl.BoolVar(&f.all, "all", false, "a guide for every finding (the default without operands)")
	fl.StringVar(&f.format, "format", "markdown", "output format: markdown or html")
	fl.StringVar(&f.os, "os", "", "system whose commands to print: freebsd, netbsd, pkgsrc-smartos, pkgsrc-macos, pkgsrc-linux")
	fl.StringVar(&f.root, "root", "/", "read rc.conf files and /etc/rc.d below DIR")
	fl.StringVar(&f.config, "config", "", "pkgaudit.toml to read instead of the system and user files")
	return c
}

// remediateSystem picks the system: --os, else the running system and
// whether pkgsrc's database is audited.
func remediateSystem(flag string, pkgsrc bool) (remediate.System, error) {
	if flag != "" {
		return remediate.ParseSystem(flag)
	}
	switch runtime.GOOS {
	case "freebsd":
		if !pkgsrc {
			return remediate.FreeBSD, nil
		}
	case "netbsd":
		return remediate.NetBSD, nil
	}
	if !pkgsrc {
		return remediate.FreeBSD, nil
	}
	switch runtime.GOOS {
	case "illumos", "solaris":
		return remediate.PkgsrcSmartOS, nil
	case "darwin":
		return remediate.PkgsrcMacOS, nil
	}
	return remediate.PkgsrcLinux, nil
}

func remediateRun(env *Env, f *remediateFlags, args []string) error {
	fail := func(err error) error { return &codeError{ExitError, err} }
	if f.format != "markdown" && f.format != "html" {
		return usageError("unknown --format %q (markdown, html)", f.format)
	}
	if f.all && len(args) > 0 {
		return usageError("--all and operands exclude each other")
	}
	cfg, err := config.Load(f.config, env.Getenv)
	if err != nil {
		return fail(err)
	}
	pkgsrcHost := f.pkgsrcDBDir != ""
	sys, err := remediateSystem(f.os, pkgsrcHost)
	if err != nil {
		return usageError("--os: %v", err)
	}
	if sys.IsPkgsrc() && f.pkgsrcDBDir == "" {
		f.pkgsrcDBDir = cfg.Pkgsrc.DBDir
		pkgsrcHost = true
	}
	paths := f.files
	if len(paths) == 0 {
		if pkgsrcHost {
			paths = []string{cfg.Pkgsrc.VulnFile()}
		} else {
			paths = []string{cfg.FreeBSD.VulnXML}
		}
	}
	ix, _, err := audit.Open(paths, audit.OpenOptions{})
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("%w (download it with pkgaudit fetch)", err)
		}
		return fail(err)
	}
	details := remediateDetails(paths)

	// The inventory.
	var pkgs []inventory.Package
	installed := map[string]bool{}
	if pkgsrcHost {
		got, err := inventory.FromPkgsrcDB(f.pkgsrcDBDir)
		if err != nil {
			return fail(err)
		}
		pkgs = append(pkgs, got...)
	} else {
		got, err := inventory.FromPkgDB(cfg.FreeBSD.DBDir)
		if errors.Is(err, inventory.ErrPkgDBAccess) {
			return fail(errors.New("Insufficient privileges to read the package database"))
		}
		if err != nil {
			return fail(err)
		}
		pkgs = append(pkgs, got...)
	}
	for _, p := range pkgs {
		installed[p.Name] = true
	}
	for _, name := range f.from {
		r, closeFn, err := remediateOpen(env, name)
		if err != nil {
			return fail(err)
		}
		got, err := inventory.FromList(r, name)
		closeFn()
		if err != nil {
			return fail(err)
		}
		pkgs = append(pkgs, got...)
	}

	// Selection.
	ids := map[string]bool{}
	for i := 0; i < ix.Len(); i++ {
		if a := ix.Advisory(i); a != nil {
			ids[a.ID] = true
		}
	}
	selVID := map[string]bool{}
	selPkg := map[string]bool{}
	for _, a := range args {
		switch {
		case ids[a]:
			selVID[a] = true
		case installed[a] || remediateInstalledFull(pkgs, a):
			selPkg[a] = true
		case strings.Contains(a, "-"):
			op := inventory.FromOperands([]string{a})
			pkgs = append(pkgs, op...)
			selPkg[a] = true
		default:
			return fail(fmt.Errorf("%s: neither an installed package nor an advisory of the databases", a))
		}
	}
	selected := func(p *inventory.Package, adv *advisory.Advisory) bool {
		if len(args) == 0 {
			return true
		}
		return selVID[adv.ID] || selPkg[p.Name] || selPkg[p.String()]
	}

	graph := inventory.NewGraph(pkgs)
	var guides []*remediate.Guide
	var found []audit.Finding
	filesCache := map[string][]string{}
	for i := range pkgs {
		p := &pkgs[i]
		if p.Versionless {
			continue
		}
		found = ix.Lookup(found[:0], audit.Query{Name: p.Name, Version: p.Version, HasVersion: true, Base: p.Base})
		seen := map[string]bool{}
		for _, fd := range found {
			b := fd.Block()
			if p.Scheme != 0 && b.Scheme != p.Scheme {
				continue
			}
			if !selected(p, fd.Advisory) || seen[fd.Advisory.ID] {
				continue
			}
			seen[fd.Advisory.ID] = true
			isInstalled := p.Scheme != 0 && installed[p.Name]
			in := &remediate.Input{
				System: sys, Advisory: fd.Advisory, Block: b, Range: fd.Range,
				Name: p.Name, Version: p.Version, Origin: p.Origin, Installed: isInstalled,
				Details: details[fd.Advisory.ID], Databases: paths, PkgDBDir: f.pkgsrcDBDir,
			}
			if isInstalled {
				in.Dependents = graph.Dependents(p.Name)
				files, ok := filesCache[p.Name]
				if !ok {
					if pkgsrcHost {
						files, err = inventory.PkgsrcFiles(p.Path)
					} else {
						files, err = inventory.PkgDBFiles(cfg.FreeBSD.DBDir, p.Name)
					}
					if err != nil {
						return fail(err)
					}
					filesCache[p.Name] = files
				}
				if in.Services, err = remediate.Services(sys, f.root, files); err != nil {
					return fail(err)
				}
			}
			guides = append(guides, remediate.New(in))
		}
	}
	if len(guides) == 0 {
		if f.format == "html" {
			return fail(remediateHTMLEmpty(env))
		}
		fmt.Fprintln(env.Stdout, "No vulnerable packages found.")
		return nil
	}
	if f.format == "html" {
		err = remediate.HTML(env.Stdout, guides)
	} else {
		err = remediate.Markdown(env.Stdout, guides)
	}
	if err != nil {
		return fail(err)
	}
	return nil
}

// remediateHTMLEmpty writes the page for no findings.
func remediateHTMLEmpty(env *Env) error {
	_, err := fmt.Fprint(env.Stdout, "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Remediation guides</title></head>\n<body><p>No vulnerable packages found.</p></body>\n</html>\n")
	return err
}

func remediateInstalledFull(pkgs []inventory.Package, full string) bool {
	for _, p := range pkgs {
		if p.Scheme != 0 && p.String() == full {
			return true
		}
	}
	return false
}

func remediateOpen(env *Env, name string) (r io.Reader, closeFn func(), err error) {
	if name == "-" {
		return env.Stdin, func() {}, nil
	}
	fh, err := safeopen.Open(name)
	if err != nil {
		return nil, nil, err
	}
	return fh, func() { fh.Close() }, nil
}

// remediateDetails maps advisory ids to their descriptions in CommonMark,
// converted from the databases (VuXML descriptions; OSV details;
// pkg-vulnerabilities lines have none worth showing). A database that
// cannot be converted gives none: the guides then go without.
func remediateDetails(paths []string) map[string]string {
	out := map[string]string{}
	for _, p := range paths {
		doc, err := feed.ReadDocument(p, feed.Options{})
		if err != nil {
			continue
		}
		vs, err := documentRecords(doc, remediateEpoch)
		if err != nil {
			continue
		}
		for _, v := range vs {
			adv, ok, err := osv.ToAdvisory(v, osv.ConvertOptions{})
			if err != nil || !ok || adv.Source == "" {
				continue
			}
			if adv.Class != "" {
				continue // a pkgsrc line: its "details" only restate the line
			}
			if _, dup := out[adv.ID]; !dup && v.Details != "" {
				out[adv.ID] = v.Details
			}
		}
	}
	return out
}

// remediateEpoch stands for missing dates when descriptions are
// converted (the dates are not shown).
var remediateEpoch = time.Unix(0, 0).UTC()
