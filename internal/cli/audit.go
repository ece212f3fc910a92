package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/report"
	"github.com/pkgaudit/pkgaudit/scan"
)

// auditFlags are the options of pkgaudit audit.
type auditFlags struct {
	files              []string
	fetch, offline     bool
	cache, config      string
	noCache            bool
	quiet, recursive   bool
	format, raw        string
	output             string
	compatExit         bool
	from               []string
	pkgsrcDBDir        string
	dir                string
	namesOnly          bool
	index, available   string
	base               bool
	baseVersion        string
	installed          bool
	chroot             string
	ignore             string
	showIgnored, noEOL bool
	noExternal         bool
}

const auditLong = `Audits packages against FreeBSD VuXML and pkgsrc pkg-vulnerabilities
databases, with the exact semantics of pkg audit (and of pkg_admin audit for
pkgsrc entries). The text output is byte for byte pkg audit's.

What is audited (sources combine; the default is the installed packages):
  NAME-VERSION...      operands, split at the last '-'; a bare NAME asks
                       about every version ("Affected versions:")
  --from FILE|-        a list file, one name-version a line (- for stdin;
                       pkg info's "name-version  comment" lines too)
  --installed          the FreeBSD installed packages, $PKG_DBDIR/local.sqlite
                       (the default when no other source is given; a missing
                       database is an error, exit 2: nothing was audited;
                       pkg's exit 0 without output with --compat-exit);
                       on a pkgsrc host, pkgsrc's PKG_DBDIR instead
  --chroot DIR         the FreeBSD installed packages of the jail or chroot
                       at DIR (DIR/var/db/pkg/local.sqlite, read without
                       leaving DIR; a missing database is an error)
  --pkgsrc-dbdir DIR   pkgsrc's installed packages (PKG_DBDIR)
  -d DIR               package files under DIR (*.pkg, *.tgz; --names-only:
                       pkg's name-only reading of *.pkg)
  --index FILE         a ports INDEX file
  --base               the FreeBSD base system (freebsd-version -k/-u);
  --base-version U[,K] the same from given freebsd-version strings

Databases: -f FILE, repeatable, VuXML or pkg-vulnerabilities (detected from
the content, compressed or not; -f - reads one from standard input), or OSV
records (a file, a zip, a directory of *.json files); default the host's: $PKG_DBDIR/vuln.xml (freebsd.vulnxml
in pkgaudit.toml) for FreeBSD packages, pkgsrc's pkg-vulnerabilities for
pkgsrc ones (config show names the host's).

Output: --format FMT (text, pkg's, by default), to standard output or, with
-o FILE, to FILE replaced atomically once complete.

Exit status: 0 nothing vulnerable, 1 vulnerable packages found (findings an
ignore rule matches do not count), 2 error (also when findings were printed).
--compat-exit exits 1 on errors too, like pkg.`

func newAuditCmd(env *Env) *cobra.Command {
	f := &auditFlags{}
	c := &cobra.Command{
		Use:   "audit [flags] [NAME-VERSION...]",
		Short: "Audit packages against VuXML and pkg-vulnerabilities (pkg audit)",
		Long:  auditLong,
		// Said outright, so that cobra does not go over the operands once
		// more to check them.
		Args: cobra.ArbitraryArgs,
		RunE: func(c *cobra.Command, args []string) error {
			r := &auditRun{env: env, flags: f, args: args}
			return r.run()
		},
	}
	fl := c.Flags()
	fl.StringArrayVarP(&f.files, "file", "f", nil, "vulnerability database (VuXML, pkg-vulnerabilities, or OSV records: file, zip, directory; - for standard input); repeatable")
	fl.BoolVarP(&f.fetch, "fetch", "F", false, "download the database before auditing")
	fl.BoolVar(&f.offline, "offline", false, "never touch the network (-F then fails)")
	fl.StringVar(&f.cache, "cache", "", "keep the compiled index of the databases in DIR (default audit.cache_dir, ~/.cache/pkgaudit, /var/cache/pkgaudit for root)")
	fl.BoolVar(&f.noCache, "no-cache", false, "neither use nor write a compiled index")
	fl.StringVar(&f.config, "config", "", "pkgaudit.toml to read instead of the system and user files")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only the names of vulnerable packages")
	fl.BoolVarP(&f.recursive, "recursive", "r", false, "print the packages that depend on each vulnerable package")
	fl.StringVar(&f.format, "format", "text", "output format: "+report.FormatNames())
	fl.StringVarP(&f.raw, "raw", "R", "", "pkg audit's raw output: -R or -Rucl (UCL), -Rjson, -Rjson-compact (same as --format pkg-ucl, pkg-json, pkg-json-compact); the format must be attached")
	// As pkg's getopt "R::": the argument is optional and only taken when
	// attached (-Rjson, --raw=json); a bare -R is UCL and never swallows
	// the next word.
	fl.Lookup("raw").NoOptDefVal = "ucl"
	fl.StringVarP(&f.output, "output", "o", "", "write the report to FILE, replaced atomically once complete (- for standard output, the default)")
	fl.BoolVar(&f.compatExit, "compat-exit", false, "exit 1 on errors too, and 0 without output when there is no local.sqlite, like pkg audit")
	fl.StringArrayVar(&f.from, "from", nil, "audit the packages listed in FILE, one name-version a line (- for standard input)")
	fl.BoolVar(&f.installed, "installed", false, "audit the FreeBSD installed packages (the default without other sources)")
	fl.StringVar(&f.chroot, "chroot", "", "audit the FreeBSD installed packages of the system (jail, chroot) rooted at DIR, read inside DIR only")
	fl.StringVar(&f.pkgsrcDBDir, "pkgsrc-dbdir", "", "audit pkgsrc's installed packages in DIR")
	fl.StringVarP(&f.dir, "directory", "d", "", "audit the package files (*.pkg, *.tgz) under DIR")
	fl.BoolVar(&f.namesOnly, "names-only", false, "with -d: take *.pkg names and versions from the file names only, as pkg")
	fl.StringVar(&f.index, "index", "", "audit the ports of a ports INDEX file (also tells which fixed versions exist)")
	fl.StringVar(&f.available, "available", "", "ports INDEX file telling which fixed versions exist (not audited)")
	fl.BoolVar(&f.base, "base", false, "audit the FreeBSD base system of this host (freebsd-version)")
	fl.StringVar(&f.baseVersion, "base-version", "", "audit the FreeBSD base system USERLAND[,KERNEL] (freebsd-version strings)")
	fl.StringVar(&f.ignore, "ignore", "", "ignore rules file (default audit.ignore_file)")
	fl.BoolVar(&f.showIgnored, "show-ignored", false, "also list the findings that ignore rules silence")
	fl.BoolVar(&f.noEOL, "no-eol", false, "skip pkgsrc end-of-life entries (as CHECK_END_OF_LIFE=no)")
	fl.BoolVar(&f.noExternal, "no-external-entities", false, "refuse the external entities of a vuln.xml wrapper instead of reading the year files they name")
	return c
}

// auditRun is one execution of pkgaudit audit: flags to a scan.Request,
// the result to a reporter and an exit status.
type auditRun struct {
	env   *Env
	flags *auditFlags
	args  []string
	cfg   *config.Config
}

// errCode is the exit status of an error.
func (r *auditRun) errCode() int {
	if r.flags.compatExit {
		return ExitFound
	}
	return ExitError
}

func (r *auditRun) fail(err error) error { return &codeError{r.errCode(), err} }

func (r *auditRun) warn(format string, args ...any) {
	fmt.Fprintf(r.env.Stderr, "pkgaudit: "+format+"\n", args...)
}

func (r *auditRun) run() error {
	format, err := r.format()
	if err != nil {
		return r.fail(badUsage{err})
	}
	if r.cfg, err = r.env.loadConfig(r.flags.config); err != nil {
		return r.fail(err)
	}
	if r.flags.offline {
		if err := r.cfg.Set("fetch.offline", "true", "--offline"); err != nil {
			return r.fail(err)
		}
	}
	ignoreFile := r.flags.ignore
	if ignoreFile == "" {
		ignoreFile = r.cfg.Audit.IgnoreFile
	}
	ign, warnings, err := scan.LoadIgnores(ignoreFile, r.env.Getenv, r.env.Now())
	for _, w := range warnings {
		r.warn("%s", w)
	}
	if err != nil {
		return r.fail(err)
	}
	sources, available, defaultDBs := r.sources()

	// Databases first, as pkg: fetch, then load.
	paths := r.flags.files
	if len(paths) == 0 {
		paths = defaultDBs
	}
	if slices.Contains(paths, "-") && (slices.Contains(r.flags.from, "-") || r.flags.fetch) {
		return r.fail(badUsage{errors.New("-f -: standard input holds one thing: not with --from - nor -F")})
	}
	if r.flags.fetch {
		for _, p := range paths {
			if err := fetchForAudit(r.env, r.cfg, p, r.flags.quiet); err != nil {
				return r.fail(err)
			}
		}
	}
	for _, p := range paths {
		fetchStaleWarning(r.env, r.cfg, p)
	}
	if format.Streams && r.env.Getenv("GOGC") == "" && r.env.Getenv("GOMEMLIMIT") == "" {
		defer scan.TuneMemory(paths)()
	}
	res, err := scan.Run(context.Background(), scan.Request{
		Databases: paths,
		Open: scan.OpenOptions{CacheDir: cacheDir(r.env, r.cfg, r.flags.cache, r.flags.noCache), Brief: format.Brief,
			Hash: format.Hash, NoExternalEntities: r.flags.noExternal, Stdin: r.env.Stdin},
		Sources:   sources,
		Available: available,
		Audit: scan.AuditOptions{
			Ignore: ign, NoEOL: r.flags.noEOL || scan.EnvNoEOL(r.env.Getenv), ByName: format.ByName,
			Now: r.env.Now(), ToolVersion: Version,
			Quiet: r.flags.quiet, Recursive: r.flags.recursive, ShowIgnored: r.flags.showIgnored,
		},
		AllowNoInstalled: r.flags.compatExit,
	})
	if res != nil {
		for _, w := range res.Warnings {
			r.warn("%s", w)
		}
		for _, p := range res.Problems {
			r.warn("%s:%d: %v (entry not evaluated)", p.Advisory.Origin.File, p.Advisory.Origin.Line, p.Err)
		}
		for _, e := range res.Failures {
			r.warn("%v", e)
		}
	}
	if err != nil {
		var dbErr *scan.DatabaseError
		if errors.As(err, &dbErr) && errors.Is(err, fs.ErrNotExist) {
			err = auditMissingHint(r.cfg, paths, err)
		}
		return r.fail(err)
	}
	if res.NothingInstalled && format.Pkg {
		// pkg audit without a package database: no output at all.
		return r.exit(res)
	}
	if err := writeOutput(r.env, r.flags.output, func(w io.Writer) error {
		if format.Name == "text" && (r.flags.output == "" || r.flags.output == "-") && r.env.colour(w) {
			c := &lineColourer{w: bufio.NewWriterSize(w, 64<<10), rule: vulnerableLine}
			if err := format.Write(c, res.Report); err != nil {
				return err
			}
			return c.flush()
		}
		return format.Write(w, res.Report)
	}); err != nil {
		return r.fail(err)
	}
	return r.exit(res)
}

// exit maps the outcome to the exit status.
func (r *auditRun) exit(res *scan.Result) error {
	switch {
	case len(res.Failures) > 0:
		return exitCode(r.errCode())
	case res.Vulnerable:
		return exitCode(ExitFound)
	}
	return nil
}

// format checks --format and -R.
func (r *auditRun) format() (*report.Format, error) {
	format, ok := report.LookupFormat(r.flags.format)
	if !ok {
		return nil, fmt.Errorf("unknown --format %q (%s)", r.flags.format, report.FormatNames())
	}
	if r.flags.raw == "" {
		return format, nil
	}
	raw, err := report.RawFormat(r.flags.raw)
	if err != nil {
		return nil, err
	}
	if format.Name != "text" && format != raw {
		return nil, fmt.Errorf("--raw=%s and --format %s disagree", r.flags.raw, format.Name)
	}
	return raw, nil
}

// sources maps the source flags to a scan.Selection and its sources
// (scan.Selection.Sources: the host's defaults).
func (r *auditRun) sources() (sources, available []inventory.Source, databases []string) {
	f := r.flags
	return scan.Selection{
		Operands: r.args, Lists: f.from, Stdin: r.env.Stdin, PkgsrcDBDir: f.pkgsrcDBDir,
		PackageDir: f.dir, NamesOnly: f.namesOnly, Index: f.index, Available: f.available,
		Base: f.base, BaseVersion: f.baseVersion, Installed: f.installed, Chroot: f.chroot,
	}.Sources(r.cfg)
}
