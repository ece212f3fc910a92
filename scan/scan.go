package scan

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/audit"
	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/report"
)

// OpenOptions control how databases are loaded.
type OpenOptions struct {
	// CacheDir, when set, keeps a compiled form of the databases there
	// (see audit.OpenOptions.CacheDir).
	CacheDir string
	// Brief loads only what pkg audit's own reports print of an advisory
	// (report.Format.Brief): faster and smaller, but the advisories lack
	// descriptions, dates and most references.
	Brief bool
	// Hash computes each database's SHA-256 (report.Format.Hash); without
	// it report.Database.SHA256 is that of nothing in particular unless a
	// cache is used.
	Hash bool
	// NoExternalEntities refuses the external entities of a vuln.xml
	// wrapper instead of reading the year files they name.
	NoExternalEntities bool
	// Stdin is the database named "-" (feed.Options.Stdin; never cached).
	Stdin io.Reader
}

// AuditOptions control one audit of a package list.
type AuditOptions struct {
	// Ignore are the ignore rules (nil: none).
	Ignore *Ignores
	// NoEOL skips pkgsrc end-of-life entries (CHECK_END_OF_LIFE=no).
	NoEOL bool
	// ByName keeps only the first package of each name, as pkg audit's
	// raw schema is keyed by name (report.Format.ByName).
	ByName bool
	// Known are the versions known to exist, for fix availability (nil:
	// unknown).
	Known Known
	// Now is the time ignore rules expire against and the report's time
	// (zero: time.Now()).
	Now time.Time
	// ToolVersion is written into the report.
	ToolVersion string
	// Quiet, Recursive and ShowIgnored are copied into the report (pkg
	// audit's -q and -r, and listing silenced findings).
	Quiet, Recursive, ShowIgnored bool
}

// Result is one audit.
type Result struct {
	// Report is what every reporter renders.
	Report *report.Input
	// Vulnerable is set when a finding no ignore rule silences was made.
	Vulnerable bool
	// Warnings are the databases' warnings ("PATH: message"), Run only.
	Warnings []string
	// Problems are the database entries that could not be evaluated, Run
	// only.
	Problems []audit.Problem
	// Failures are the entries of sources that could not be read (package
	// files): the others were audited, but the run is not clean.
	Failures []error
	// NothingInstalled is set by Run when AllowNoInstalled let a missing
	// installed-package database stand for "nothing installed" and no
	// other source was given (the report then lists no package): pkg
	// audit prints nothing at all and exits 0.
	NothingInstalled bool
}

// DB is a set of loaded databases, read-only and safe for concurrent use.
type DB struct {
	ix    *audit.Index
	infos []*feed.DatabaseInfo
	dbs   []report.Database
	eco   string
}

// Open loads the databases at paths (VuXML, pkg-vulnerabilities or OSV,
// detected from the content; their advisories combined in order).
func Open(paths []string, opts OpenOptions) (*DB, error) {
	ix, infos, err := audit.Open(paths, audit.OpenOptions{
		CacheDir: opts.CacheDir,
		Feed:     feed.Options{NoHash: !opts.Hash, NoExternalEntities: opts.NoExternalEntities, Stdin: opts.Stdin},
		Brief:    opts.Brief,
	})
	if err != nil {
		return nil, err
	}
	db := &DB{ix: ix, infos: infos, eco: ecosystem(infos)}
	for _, info := range infos {
		db.dbs = append(db.dbs, database(info))
	}
	return db, nil
}

// Index is the audit engine's index of the databases.
func (db *DB) Index() *audit.Index { return db.ix }

// Infos describe the databases, in the order given to Open.
func (db *DB) Infos() []*feed.DatabaseInfo { return db.infos }

// Warnings are the databases' warnings, "PATH: message".
func (db *DB) Warnings() []string {
	var out []string
	for _, info := range db.infos {
		for _, w := range info.Warnings {
			out = append(out, info.Path+": "+w)
		}
	}
	return out
}

// Problems are the entries that could not be evaluated.
func (db *DB) Problems() []audit.Problem { return db.ix.Problems() }

// Audit audits pkgs. The list is not changed. The only error is ctx's.
func (db *DB) Audit(ctx context.Context, pkgs []inventory.Package, opts AuditOptions) (*Result, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	pkgs = Order(pkgs, opts.ByName)
	in := &report.Input{
		ToolVersion: opts.ToolVersion,
		Time:        now,
		Ecosystem:   db.eco,
		Databases:   slices.Clone(db.dbs),
		Quiet:       opts.Quiet,
		Recursive:   opts.Recursive,
		ShowIgnored: opts.ShowIgnored,
	}
	var graph *inventory.Graph
	for i := range pkgs {
		if len(pkgs[i].RequiredBy) > 0 {
			graph = inventory.NewGraph(pkgs)
			break
		}
	}
	found := lookup(db.ix, pkgs)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res := &Result{Report: in}
	// The findings of all packages share one array (each package's slice
	// capped, so that appending never overwrites another's).
	var findings []report.Finding
	in.Packages = make([]report.Package, 0, len(pkgs))
	for i := range pkgs {
		p := &pkgs[i]
		rp := report.Package{
			Name: p.Name, Version: p.Version, HasVersion: !p.Versionless, Base: p.Base,
			Ecosystem: schemeName(p.Scheme), Origin: p.Origin, Path: p.Path,
			List: p.List, Line: p.Line,
		}
		if graph != nil {
			rp.Dependents = graph.Dependents(p.Name)
		}
		start := len(findings)
		for _, fd := range found(i) {
			if !applies(p, fd, opts.NoEOL) {
				continue
			}
			rf := report.Finding{Advisory: fd.Advisory, Affected: fd.Affected, Name: fd.Name, Range: fd.Range}
			rf.Ignored, rf.IgnoredCVEs = opts.Ignore.Match(p, fd.Advisory, now)
			rf.FixAvailable = opts.Known.fixAvailable(p, &rf)
			if rf.Ignored == nil {
				res.Vulnerable = true
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
	return res, nil
}

// Lookup appends to dst the findings of one package, as Audit finds
// them (without ignore rules): for a server or a command that walks
// packages in its own order.
func (db *DB) Lookup(dst []audit.Finding, p *inventory.Package, noEOL bool) []audit.Finding {
	n := len(dst)
	dst = db.ix.Lookup(dst, audit.Query{Name: p.Name, Version: p.Version, HasVersion: !p.Versionless, Base: p.Base})
	audit.PkgOrder(dst[n:])
	out := dst[:n]
	for _, fd := range dst[n:] {
		if applies(p, fd, noEOL) {
			out = append(out, fd)
		}
	}
	return out
}

// applies tells whether the finding fd of the index counts for p: a
// package whose source tells its world (p.Scheme) is judged only by that
// world's blocks — a pkgsrc package is not judged by VuXML, nor the
// reverse — and with noEOL pkgsrc end-of-life entries do not count.
func applies(p *inventory.Package, fd audit.Finding, noEOL bool) bool {
	if p.Scheme != 0 && fd.Block().Scheme != p.Scheme {
		return false
	}
	return !noEOL || fd.Advisory.Class != "eol"
}

// Request is one whole audit: what Run does.
type Request struct {
	// Databases are the database files (see Open); DefaultDatabases gives
	// the configured ones.
	Databases []string
	Open      OpenOptions
	// Sources list the packages to audit; their packages are combined.
	Sources []inventory.Source
	// Available list packages known to exist (ports INDEX files), not
	// audited: they make Known, for fix availability. A source that is
	// in Sources too is read once.
	Available []inventory.Source
	Audit     AuditOptions
	// AllowNoInstalled is pkg's behaviour for a missing local.sqlite
	// (inventory.NoDatabaseError): nothing installed. When no other
	// source gave packages Result.NothingInstalled is set; otherwise the
	// missing database is an error ("nothing was audited").
	AllowNoInstalled bool
}

// Run opens the databases, reads the sources and audits their packages.
// On an error the Result, when not nil, still holds the databases'
// warnings and problems met before it. An error loading the databases is
// a *DatabaseError.
func Run(ctx context.Context, req Request) (*Result, error) {
	db, err := Open(req.Databases, req.Open)
	if err != nil {
		return nil, &DatabaseError{err}
	}
	pre := &Result{Warnings: db.Warnings(), Problems: db.Problems()}
	read := map[inventory.Source][]inventory.Package{}
	pkgs, failures, missing, err := packages(ctx, req.Sources, req.AllowNoInstalled, read)
	pre.Failures = failures
	if err != nil {
		return pre, err
	}
	pre.NothingInstalled = missing && len(req.Sources) == 1
	opts := req.Audit
	if len(req.Available) > 0 {
		var lists [][]inventory.Package
		for _, s := range req.Available {
			var got []inventory.Package
			ok := false
			if reflect.TypeOf(s).Comparable() {
				got, ok = read[s]
			}
			if !ok {
				if got, err = s.Packages(ctx); err != nil {
					return pre, err
				}
			}
			lists = append(lists, got)
		}
		opts.Known = KnownFrom(lists...)
	}
	res, err := db.Audit(ctx, pkgs, opts)
	if err != nil {
		return pre, err
	}
	res.Warnings, res.Problems, res.Failures, res.NothingInstalled = pre.Warnings, pre.Problems, pre.Failures, pre.NothingInstalled
	return res, nil
}

// Packages reads the sources in order and combines their packages. The
// entries of a source that could not be read (*inventory.PartialError)
// are the failures: the others are listed. A missing installed-package
// database is an error saying that nothing was audited.
func Packages(ctx context.Context, sources []inventory.Source) (pkgs []inventory.Package, failures []error, err error) {
	pkgs, failures, _, err = packages(ctx, sources, false, nil)
	return pkgs, failures, err
}

// packages is Packages; read, when not nil, keeps each source's packages.
func packages(ctx context.Context, sources []inventory.Source, allowMissing bool, read map[inventory.Source][]inventory.Package) (pkgs []inventory.Package, failures []error, missing bool, err error) {
	for _, s := range sources {
		got, err := s.Packages(ctx)
		var pe *inventory.PartialError
		var nd *inventory.NoDatabaseError
		switch {
		case errors.As(err, &pe):
			failures = append(failures, pe.Errs...)
		case errors.As(err, &nd) && allowMissing:
			missing = true
			continue
		case errors.As(err, &nd):
			return nil, failures, false, fmt.Errorf("%w (give packages as operands, --from FILE or --pkgsrc-dbdir DIR, or set PKG_DBDIR)", err)
		case errors.Is(err, inventory.ErrPkgDBAccess):
			return nil, failures, false, errors.New("Insufficient privileges to read the package database")
		case err != nil:
			return nil, failures, false, err
		}
		pkgs = append(pkgs, got...)
		if read != nil && reflect.TypeOf(s).Comparable() {
			read[s] = got
		}
	}
	return pkgs, failures, missing, nil
}

// DatabaseError is an error loading the databases (as opposed to reading
// the packages to audit): a missing database may be fetched.
type DatabaseError struct{ Err error }

func (e *DatabaseError) Error() string { return e.Err.Error() }
func (e *DatabaseError) Unwrap() error { return e.Err }

// lookup looks the packages up, a long inventory on every CPU (the index
// is safe for concurrent use, and decoding the advisories found is most of
// the work), and returns the findings of package i.
func lookup(ix *audit.Index, pkgs []inventory.Package) (found func(i int) []audit.Finding) {
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
				n := len(fs[k])
				fs[k] = ix.Lookup(fs[k], audit.Query{Name: p.Name, Version: p.Version, HasVersion: !p.Versionless, Base: p.Base})
				audit.PkgOrder(fs[k][n:]) // pkg's order: glob prefixes first
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

// Order drops exact repeats (same name, version and kind; the first is
// kept) and sorts by name, keeping the given order within a name. With
// byName, only the first package of each name is kept, as pkg audit keys
// its check list by name (needed by the pkg-json schema, keyed by name).
// pkgs is not changed.
func Order(pkgs []inventory.Package, byName bool) []inventory.Package {
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

// ecosystem is the purl namespace of the report: pkgsrc when every
// database is a pkg-vulnerabilities file.
func ecosystem(infos []*feed.DatabaseInfo) string {
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

func schemeName(s advisory.Scheme) string {
	if s == 0 {
		return ""
	}
	return s.String()
}

func database(info *feed.DatabaseInfo) report.Database {
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
