package cli

import (
	"context"
	"errors"
	"io"
	"io/fs"
	"runtime"
	"time"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/osv"
	"github.com/pkgaudit/pkgaudit/remediate"
	"github.com/pkgaudit/pkgaudit/scan"
)

// remediateFlags are the options of pkgaudit remediate.
type remediateFlags struct {
	files       []string
	from        []string
	pkgsrcDBDir string
	all         bool
	format      string
	output      string
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
	fl.StringVarP(&f.output, "output", "o", "", "write the guide to FILE, replaced atomically (- for standard output, the default)")
	fl.StringVar(&f.config, "config", "", "pkgaudit.toml to read instead of the system and user files")
	return c
}

func remediateRun(env *Env, f *remediateFlags, args []string) error {
	fail := func(err error) error { return &codeError{ExitError, err} }
	if f.format != "markdown" && f.format != "html" {
		return usageError("unknown --format %q (markdown, html)", f.format)
	}
	if f.all && len(args) > 0 {
		return usageError("--all and operands exclude each other")
	}
	cfg, err := env.loadConfig(f.config)
	if err != nil {
		return fail(err)
	}
	sys, err := remediate.HostSystem(f.os, runtime.GOOS, f.pkgsrcDBDir != "")
	if err != nil {
		return usageError("--os: %v", err)
	}
	if sys.IsPkgsrc() && f.pkgsrcDBDir == "" {
		f.pkgsrcDBDir = cfg.Pkgsrc.DBDir
	}
	// The inventory: the host's packages (FreeBSD's, or pkgsrc's), and
	// the lists.
	sources, _, paths := scan.Selection{Installed: f.pkgsrcDBDir == "", PkgsrcDBDir: f.pkgsrcDBDir, Lists: f.from, Stdin: env.Stdin}.Sources(cfg)
	if len(f.files) > 0 {
		paths = f.files
	}
	db, err := scan.Open(paths, scan.OpenOptions{})
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = auditMissingHint(cfg, paths, err)
		}
		return fail(err)
	}

	pkgs, _, err := scan.Packages(context.Background(), sources)
	if err != nil {
		return fail(err)
	}
	guides, err := remediate.Guides(db, pkgs, args, remediate.Plan{
		System: sys, Root: f.root, Databases: paths,
		PkgsrcDBDir: f.pkgsrcDBDir, FreeBSDDBDir: cfg.FreeBSD.DBDir,
		Details: remediate.Details(paths, func(p string) ([]*osv.Vulnerability, error) { return exportRecords(p, remediateEpoch, false) }),
	})
	if err != nil {
		return fail(err)
	}
	write := remediate.Markdown
	if f.format == "html" {
		write = remediate.HTML
	}
	if err := writeOutput(env, f.output, func(w io.Writer) error { return write(w, guides) }); err != nil {
		return fail(err)
	}
	return nil
}

// remediateEpoch stands for missing dates when descriptions are
// converted (the dates are not shown).
var remediateEpoch = time.Unix(0, 0).UTC()
