package cli

import (
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/audit"
	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/report"
)

func init() { register(newAuditCmd) }

// auditFlags are the options of pkgaudit audit.
type auditFlags struct {
	files              []string
	fetch, offline     bool
	cache, config      string
	quiet, recursive   bool
	format, raw        string
	compatExit         bool
	from               []string
	pkgsrcDBDir        string
	dir                string
	namesOnly          bool
	index, available   string
	base               bool
	baseVersion        string
	installed          bool
	ignore             string
	showIgnored, noEOL bool
	noExternal         bool
}

// auditFormats are the --format values and their renderers.
var auditFormats = map[string]func(*auditRun, *report.Input) error{
	"text":             func(r *auditRun, in *report.Input) error { return report.WriteText(r.env.Stdout, in) },
	"pkg-json":         func(r *auditRun, in *report.Input) error { return report.WritePkgJSON(r.env.Stdout, in, false) },
	"pkg-json-compact": func(r *auditRun, in *report.Input) error { return report.WritePkgJSON(r.env.Stdout, in, true) },
	"json":             func(r *auditRun, in *report.Input) error { return report.WriteJSON(r.env.Stdout, in) },
	"sarif":            func(r *auditRun, in *report.Input) error { return report.WriteSARIF(r.env.Stdout, in) },
	"cyclonedx":        func(r *auditRun, in *report.Input) error { return report.WriteCycloneDX(r.env.Stdout, in) },
	"markdown":         func(r *auditRun, in *report.Input) error { return report.WriteMarkdown(r.env.Stdout, in) },
}

const auditLong = `Audits packages against FreeBSD VuXML and pkgsrc pkg-vulnerabilities
databases, with the exact semantics of pkg audit (and of pkg_admin audit for
pkgsrc entries). The text output is byte for byte pkg audit's.

What is audited (sources combine; the default is the installed packages):
  NAME-VERSION...      operands, split at the last '-'; a bare NAME asks
                       about every version ("Affected versions:")
  --from FILE|-        a list file, one name-version a line (- for stdin)
  --installed          the FreeBSD installed packages, $PKG_DBDIR/local.sqlite
                       (the default when no other source is given; a missing
                       database means nothing installed: exit 0, no output)
  --pkgsrc-dbdir DIR   pkgsrc's installed packages (PKG_DBDIR)
  -d DIR               package files under DIR (*.pkg, *.tgz; --names-only:
                       pkg's name-only reading of *.pkg)
  --index FILE         a ports INDEX file
  --base               the FreeBSD base system (freebsd-version -k/-u);
  --base-version U[,K] the same from given freebsd-version strings

Databases: -f FILE, repeatable, VuXML or pkg-vulnerabilities (detected from
the content, compressed or not), or OSV records (a file, a zip, a directory
of *.json files); default $PKG_DBDIR/vuln.xml (freebsd.vulnxml
in pkgaudit.toml), or pkgsrc's pkg-vulnerabilities when only --pkgsrc-dbdir
is audited.

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
	fl.StringArrayVarP(&f.files, "file", "f", nil, "vulnerability database (VuXML, pkg-vulnerabilities, or OSV records: file, zip, directory); repeatable")
	fl.BoolVarP(&f.fetch, "fetch", "F", false, "download the database before auditing")
	fl.BoolVar(&f.offline, "offline", false, "never touch the network (-F then fails)")
	fl.StringVar(&f.cache, "cache", "", "keep a compiled form of the databases in DIR (default audit.cache_dir when configured)")
	fl.StringVar(&f.config, "config", "", "pkgaudit.toml to read instead of the system and user files")
	fl.BoolVarP(&f.quiet, "quiet", "q", false, "print only the names of vulnerable packages")
	fl.BoolVarP(&f.recursive, "recursive", "r", false, "print the packages that depend on each vulnerable package")
	fl.StringVar(&f.format, "format", "text", "output format: text, pkg-json, pkg-json-compact, json, sarif, cyclonedx, markdown")
	fl.StringVarP(&f.raw, "raw", "R", "", "pkg audit's -Rjson / -Rjson-compact (same as --format pkg-json / pkg-json-compact)")
	fl.BoolVar(&f.compatExit, "compat-exit", false, "exit 1 on errors too, like pkg audit")
	fl.StringArrayVar(&f.from, "from", nil, "audit the packages listed in FILE, one name-version a line (- for standard input)")
	fl.BoolVar(&f.installed, "installed", false, "audit the FreeBSD installed packages (the default without other sources)")
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

// auditRun is one execution of pkgaudit audit.
type auditRun struct {
	env   *Env
	flags *auditFlags
	args  []string
	cfg   *config.Config
	// failed is set by errors that do not stop the audit (unreadable
	// package files): the exit status becomes an error.
	failed bool
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
	format, err := r.formatName()
	if err != nil {
		return r.fail(err)
	}
	if r.cfg, err = config.Load(r.flags.config, r.env.Getenv); err != nil {
		return r.fail(err)
	}
	if r.flags.offline {
		if err := r.cfg.Set("fetch.offline", "true", "--offline"); err != nil {
			return r.fail(err)
		}
	}
	ign, err := auditLoadIgnores(r)
	if err != nil {
		return r.fail(err)
	}

	// Databases first, as pkg: fetch, then load.
	paths := r.databases()
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
	defer auditTuneMemory(r.env, paths, format)()
	// Only the JSON report shows the databases' SHA-256: the others need
	// not hash them (with a cache, Open hashes what it stores anyway).
	// pkg's own formats print no dates and no references but CVE names:
	// the advisories need not hold them.
	brief := format == "text" || strings.HasPrefix(format, "pkg-json")
	ix, infos, err := audit.Open(paths, audit.OpenOptions{CacheDir: r.cacheDir(), Feed: feed.Options{NoHash: format != "json", NoExternalEntities: r.flags.noExternal}, Brief: brief})
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			err = fmt.Errorf("%w (download it with pkgaudit audit -F or pkgaudit fetch)", err)
		}
		return r.fail(err)
	}
	for _, info := range infos {
		for _, w := range info.Warnings {
			r.warn("%s: %s", info.Path, w)
		}
	}
	for _, p := range ix.Problems() {
		r.warn("%s:%d: %v (entry not evaluated)", p.Advisory.Origin.File, p.Advisory.Origin.Line, p.Err)
	}

	pkgs, nothingInstalled, err := r.packages()
	if err != nil {
		return r.fail(err)
	}
	if nothingInstalled && (format == "text" || strings.HasPrefix(format, "pkg-json")) {
		// pkg audit without a package database: no output at all.
		return r.exit(false)
	}
	known, err := r.knownVersions()
	if err != nil {
		return r.fail(err)
	}
	pkgs = auditOrder(pkgs, strings.HasPrefix(format, "pkg-json"))

	in := &report.Input{
		ToolVersion: Version,
		Time:        r.env.Now(),
		Ecosystem:   auditEcosystem(infos),
		Quiet:       r.flags.quiet,
		Recursive:   r.flags.recursive,
		ShowIgnored: r.flags.showIgnored,
	}
	for _, info := range infos {
		in.Databases = append(in.Databases, auditDatabase(info))
	}
	var graph *inventory.Graph
	for i := range pkgs {
		if len(pkgs[i].RequiredBy) > 0 {
			graph = inventory.NewGraph(pkgs)
			break
		}
	}
	noEOL := r.flags.noEOL || auditEnvNoEOL(r.env)
	now := r.env.Now()
	found := auditLookup(ix, pkgs)
	// The findings of all packages share one array (each package's slice
	// capped, so that appending never overwrites another's).
	var findings []report.Finding
	in.Packages = make([]report.Package, 0, len(pkgs))
	vulnerable := false
	for i := range pkgs {
		p := &pkgs[i]
		rp := report.Package{
			Name: p.Name, Version: p.Version, HasVersion: !p.Versionless, Base: p.Base,
			Ecosystem: auditSchemeName(p.Scheme), Origin: p.Origin, Path: p.Path,
		}
		if graph != nil {
			rp.Dependents = graph.Dependents(p.Name)
		}
		start := len(findings)
		for _, fd := range found(i) {
			b := fd.Block()
			if p.Scheme != 0 && b.Scheme != p.Scheme {
				continue // a pkgsrc package is not judged by VuXML, nor the reverse
			}
			if noEOL && fd.Advisory.Class == "eol" {
				continue
			}
			rf := report.Finding{Advisory: fd.Advisory, Affected: fd.Affected, Name: fd.Name, Range: fd.Range}
			rf.Ignored = ign.match(p, fd.Advisory, now)
			rf.FixAvailable = known.fixAvailable(p, &rf)
			if rf.Ignored == nil {
				vulnerable = true
			}
			if len(findings) == cap(findings) {
				// A new block, with this package's findings so far; the
				// earlier packages keep theirs in the old one.
				nb := make([]report.Finding, 0, max(2*(len(findings)-start), 1024))
				findings, start = append(nb, findings[start:]...), 0
			}
			findings = append(findings, rf)
		}
		if len(findings) > start {
			rp.Findings = findings[start:len(findings):len(findings)]
		}
		in.Packages = append(in.Packages, rp)
	}
	if err := auditFormats[format](r, in); err != nil {
		return r.fail(err)
	}
	return r.exit(vulnerable)
}

// auditLookup looks the packages up, a long inventory on every CPU (the
// index is safe for concurrent use, and decoding the advisories found is
// most of the work), and returns the findings of package i.
func auditLookup(ix *audit.Index, pkgs []inventory.Package) (found func(i int) []audit.Finding) {
	parts := 1
	if len(pkgs) >= 256 {
		parts = min(runtime.GOMAXPROCS(0), 8)
	}
	// Part k holds the packages [lo[k], lo[k+1]): the findings of package
	// i are found[k][at[k][i-lo[k]]:at[k][i-lo[k]+1]].
	lo := make([]int, parts+1)
	for k := range lo {
		lo[k] = k * len(pkgs) / parts
	}
	at := make([][]int32, parts)
	fs := make([][]audit.Finding, parts)
	var wg sync.WaitGroup
	for k := range parts {
		work := func() {
			at[k] = make([]int32, 0, lo[k+1]-lo[k]+1)
			for i := lo[k]; i < lo[k+1]; i++ {
				at[k] = append(at[k], int32(len(fs[k])))
				p := &pkgs[i]
				fs[k] = ix.Lookup(fs[k], audit.Query{Name: p.Name, Version: p.Version, HasVersion: !p.Versionless, Base: p.Base})
			}
			at[k] = append(at[k], int32(len(fs[k])))
		}
		if k == parts-1 {
			work()
		} else {
			wg.Go(work)
		}
	}
	wg.Wait()
	return func(i int) []audit.Finding {
		k := 0
		for lo[k+1] <= i {
			k++
		}
		j := i - lo[k]
		return fs[k][at[k][j]:at[k][j+1]]
	}
}

// exit maps the outcome to the exit status.
func (r *auditRun) exit(vulnerable bool) error {
	switch {
	case r.failed:
		return exitCode(r.errCode())
	case vulnerable:
		return exitCode(ExitFound)
	}
	return nil
}

// formatName checks --format and -R.
func (r *auditRun) formatName() (string, error) {
	format := r.flags.format
	if _, ok := auditFormats[format]; !ok {
		return "", fmt.Errorf("unknown --format %q (text, pkg-json, pkg-json-compact, json, sarif, cyclonedx, markdown)", format)
	}
	if r.flags.raw == "" {
		return format, nil
	}
	var raw string
	switch strings.ToLower(r.flags.raw) {
	case "json":
		raw = "pkg-json"
	case "json-compact":
		raw = "pkg-json-compact"
	case "ucl", "yaml":
		return "", fmt.Errorf("--raw=%s is not supported; use -Rjson or -Rjson-compact", r.flags.raw)
	default:
		return "", fmt.Errorf("invalid argument %s for --raw option", r.flags.raw)
	}
	if format != "text" && format != raw {
		return "", fmt.Errorf("--raw=%s and --format %s disagree", r.flags.raw, format)
	}
	return raw, nil
}

// databases are the -f files, else the configured default.
func (r *auditRun) databases() []string {
	if len(r.flags.files) > 0 {
		return r.flags.files
	}
	f := r.flags
	onlyPkgsrc := f.pkgsrcDBDir != "" && len(r.args) == 0 && len(f.from) == 0 && f.dir == "" &&
		f.index == "" && !f.base && f.baseVersion == "" && !f.installed
	if onlyPkgsrc {
		return []string{r.cfg.Pkgsrc.VulnFile()}
	}
	return []string{r.cfg.FreeBSD.VulnXML}
}

// cacheDir is --cache, else audit.cache_dir when it was configured (the
// built-in default is not used unasked).
func (r *auditRun) cacheDir() string {
	if r.flags.cache != "" {
		return r.flags.cache
	}
	if r.cfg.Source("audit.cache_dir") != "default" {
		return r.cfg.Audit.CacheDir
	}
	return ""
}

// packages collects the inventory. nothingInstalled reports pkg's special
// case: only the installed database was asked for and it does not exist.
func (r *auditRun) packages() (pkgs []inventory.Package, nothingInstalled bool, err error) {
	f := r.flags
	pkgs = append(pkgs, inventory.FromOperands(r.args)...)
	for _, name := range f.from {
		got, err := r.readList(name)
		if err != nil {
			return nil, false, err
		}
		pkgs = append(pkgs, got...)
	}
	if f.pkgsrcDBDir != "" {
		got, err := inventory.FromPkgsrcDB(f.pkgsrcDBDir)
		if err != nil {
			return nil, false, err
		}
		pkgs = append(pkgs, got...)
	}
	if f.dir != "" {
		read := inventory.FromPackageDir
		if f.namesOnly {
			read = inventory.FromPackageDirNames
		}
		got, err := read(f.dir)
		if err != nil {
			var fe *inventory.FileError
			if !errors.As(err, &fe) {
				return nil, false, err
			}
			// Unreadable files: report them, audit the others, exit 2.
			for _, e := range auditUnjoin(err) {
				r.warn("%v", e)
			}
			r.failed = true
		}
		pkgs = append(pkgs, got...)
	}
	if f.index != "" {
		got, err := auditReadIndex(f.index)
		if err != nil {
			return nil, false, err
		}
		pkgs = append(pkgs, got...)
	}
	switch {
	case f.baseVersion != "":
		user, kernel, _ := strings.Cut(f.baseVersion, ",")
		got, err := inventory.Base(user, kernel)
		if err != nil {
			return nil, false, fmt.Errorf("--base-version: %w", err)
		}
		pkgs = append(pkgs, got...)
	case f.base:
		got, err := inventory.HostBase()
		if err != nil {
			return nil, false, err
		}
		pkgs = append(pkgs, got...)
	}
	other := len(r.args) > 0 || len(f.from) > 0 || f.pkgsrcDBDir != "" || f.dir != "" ||
		f.index != "" || f.base || f.baseVersion != ""
	if f.installed || !other {
		dbdir := auditPkgDBDir(r.cfg)
		if _, err := os.Stat(filepath.Join(dbdir, inventory.PkgDBFile)); errors.Is(err, fs.ErrNotExist) {
			return pkgs, !other, nil
		}
		got, err := inventory.FromPkgDB(dbdir)
		if errors.Is(err, inventory.ErrPkgDBAccess) {
			return nil, false, errors.New("Insufficient privileges to read the package database")
		}
		if err != nil {
			return nil, false, err
		}
		pkgs = append(pkgs, got...)
	}
	return pkgs, false, nil
}

// auditPkgDBDir is FreeBSD's PKG_DBDIR from the configuration (which
// already honours the PKG_DBDIR environment variable).
func auditPkgDBDir(cfg *config.Config) string { return cfg.FreeBSD.DBDir }

func (r *auditRun) readList(name string) ([]inventory.Package, error) {
	if name == "-" {
		return inventory.FromList(r.env.Stdin, "-")
	}
	fh, err := safeopen.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return inventory.FromList(fh, name)
}

func auditReadIndex(name string) ([]inventory.Package, error) {
	fh, err := safeopen.Open(name)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return inventory.FromIndex(fh, name)
}

// auditUnjoin returns the errors an errors.Join holds (err alone otherwise).
func auditUnjoin(err error) []error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// auditOrder drops exact repeats (same name, version and kind; the first
// is kept) and sorts by name, keeping the given order within a name. With
// byName, only the first package of each name is kept, as pkg audit keys
// its check list by name (needed by the pkg-json schema, keyed by name).
func auditOrder(pkgs []inventory.Package, byName bool) []inventory.Package {
	// Sort the positions (the packages are big to move), stably by name,
	// then keep the first of each repeat within each name's run.
	idx := make([]int32, len(pkgs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int { return strings.Compare(pkgs[a].Name, pkgs[b].Name) })
	type key struct {
		version           string
		versionless, base bool
	}
	keyOf := func(p *inventory.Package) key { return key{p.Version, p.Versionless, p.Base} }
	var seen map[key]bool // for a long run of one name
	out := make([]inventory.Package, 0, len(pkgs))
	for i := 0; i < len(idx); {
		name := pkgs[idx[i]].Name
		j := i + 1
		for j < len(idx) && pkgs[idx[j]].Name == name {
			j++
		}
		run := idx[i:j]
		if byName {
			run = run[:1]
		}
		first := len(out)
		if len(run) > 16 {
			if seen == nil {
				seen = map[key]bool{}
			}
			clear(seen)
		}
	next:
		for _, n := range run {
			p := &pkgs[n]
			k := keyOf(p)
			if len(run) > 16 {
				if seen[k] {
					continue
				}
				seen[k] = true
			} else {
				for m := first; m < len(out); m++ {
					if keyOf(&out[m]) == k {
						continue next
					}
				}
			}
			out = append(out, *p)
		}
		i = j
	}
	return out
}

// auditEcosystem is the purl namespace of the report: pkgsrc when every
// database is a pkg-vulnerabilities file.
func auditEcosystem(infos []*feed.DatabaseInfo) string {
	for _, info := range infos {
		if info.Format != feed.Pkgsrc {
			return "freebsd"
		}
	}
	if len(infos) == 0 {
		return "freebsd"
	}
	return "pkgsrc"
}

func auditSchemeName(s advisory.Scheme) string {
	if s == 0 {
		return ""
	}
	return s.String()
}

func auditDatabase(info *feed.DatabaseInfo) report.Database {
	format := string(info.Format)
	if info.Format == feed.Pkgsrc {
		format = "pkg-vulnerabilities"
	}
	return report.Database{
		Path:     info.Path,
		Format:   format,
		SHA256:   hex.EncodeToString(info.Hash[:]),
		Entries:  info.Entries,
		Modified: info.ModTime,
	}
}
