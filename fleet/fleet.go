// Package fleet holds what the fleet server, its store and its agent share:
// the identity of one distinct package version as audited (PkgKey) and the
// evaluation of packages against the loaded vulnerability databases
// (Evaluator, DB). The HTTP server is fleet/server, the store fleet/store,
// the wire format fleet/wire and the agent fleet/agent.
package fleet

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/audit"
	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/report"
	"github.com/pkgaudit/pkgaudit/scan"
)

// Worlds a package may belong to: the source tells (FreeBSD pkg database,
// pkgsrc PKG_DBDIR) or it does not (a list).
const (
	WorldFreeBSD = "freebsd"
	WorldPkgsrc  = "pkgsrc"
	WorldAny     = ""
)

// PkgKey is one distinct package version as it is audited: the same key
// gives the same findings on every host, so each is evaluated once.
type PkgKey struct {
	Name, Version string
	// World is WorldFreeBSD, WorldPkgsrc or WorldAny (judged by both kinds
	// of database).
	World string
	// Base marks the FreeBSD base system (FreeBSD, FreeBSD-kernel).
	Base bool
}

// String is "name-version".
func (k PkgKey) String() string { return k.Name + "-" + k.Version }

// Package returns the inventory package the key stands for.
func (k PkgKey) Package() inventory.Package {
	p := inventory.Package{Name: k.Name, Version: k.Version, Base: k.Base}
	switch k.World {
	case WorldFreeBSD:
		p.Scheme = advisory.FreeBSD
	case WorldPkgsrc:
		p.Scheme = advisory.Pkgsrc
	}
	return p
}

// KeyOf returns the key of an inventory package.
func KeyOf(p *inventory.Package) PkgKey {
	k := PkgKey{Name: p.Name, Version: p.Version, Base: p.Base}
	switch p.Scheme {
	case advisory.FreeBSD:
		k.World = WorldFreeBSD
	case advisory.Pkgsrc:
		k.World = WorldPkgsrc
	}
	return k
}

// Vuln is one advisory affecting one package version.
type Vuln struct {
	AdvisoryID string
	// FixedIn is the first fixed version the match implies ("" unknown).
	FixedIn string
}

// Evaluator audits packages against loaded databases, with the rules of
// pkgaudit audit (a package of one world is judged only by databases of
// its world; pkgsrc end-of-life entries unless disabled). It is safe for
// concurrent use. The result holds one report.Package per input package,
// in input order.
type Evaluator interface {
	Evaluate(ctx context.Context, pkgs []inventory.Package) ([]report.Package, error)
}

// AdvisoryInfo is what the store keeps of an advisory: enough to tell
// that it changed and to list it.
type AdvisoryInfo struct {
	Topic string
	// Fingerprint changes whenever anything of the advisory but its
	// position in the file changes.
	Fingerprint string
}

// DB is a set of loaded databases, the fleet's Evaluator: the audit
// pipeline's reusable database (scan.DB), so that a host's findings are
// exactly those of pkgaudit audit for the same packages.
type DB struct {
	sdb   *scan.DB
	ix    *audit.Index
	infos []*feed.DatabaseInfo
	noEOL bool
	id    string
	advs  map[string]AdvisoryInfo
}

// OpenOptions controls Open.
type OpenOptions struct {
	// NoEOL skips pkgsrc end-of-life entries (CHECK_END_OF_LIFE=no).
	NoEOL bool
	// NoExternalEntities refuses the external entities of a vuln.xml
	// wrapper instead of reading the year files they name.
	NoExternalEntities bool
}

// Open loads the databases at paths, in order, whole (not brief: the JSON
// findings show references and dates).
func Open(paths []string, opts OpenOptions) (*DB, error) {
	sdb, err := scan.Open(paths, scan.OpenOptions{Hash: true, NoExternalEntities: opts.NoExternalEntities})
	if err != nil {
		return nil, err
	}
	ix, infos := sdb.Index(), sdb.Infos()
	db := &DB{sdb: sdb, ix: ix, infos: infos, noEOL: opts.NoEOL, advs: map[string]AdvisoryInfo{}}
	h := sha256.New()
	for _, info := range infos {
		fmt.Fprintf(h, "%s %x\n", info.Path, info.Hash)
	}
	fmt.Fprintf(h, "noeol=%v\n", opts.NoEOL)
	db.id = hex.EncodeToString(h.Sum(nil))
	for i := range ix.Len() {
		a := ix.Advisory(i)
		if a == nil {
			return nil, fmt.Errorf("advisory %d of the databases cannot be read", i)
		}
		c := *a
		c.Origin = advisory.Origin{}
		data, err := json.Marshal(&c)
		if err != nil {
			return nil, err
		}
		sum := sha256.Sum256(data)
		fp := hex.EncodeToString(sum[:16])
		if old, ok := db.advs[a.ID]; ok {
			// The same id twice (two databases): both count.
			fp = old.Fingerprint + "+" + fp
		}
		db.advs[a.ID] = AdvisoryInfo{Topic: a.Topic, Fingerprint: fp}
	}
	return db, nil
}

// ID identifies the databases' content: it changes whenever a file does.
func (db *DB) ID() string { return db.id }

// Infos describes the databases read.
func (db *DB) Infos() []*feed.DatabaseInfo { return db.infos }

// Advisories are every advisory by id.
func (db *DB) Advisories() map[string]AdvisoryInfo { return db.advs }

// Evaluate implements Evaluator.
func (db *DB) Evaluate(ctx context.Context, pkgs []inventory.Package) ([]report.Package, error) {
	out := make([]report.Package, len(pkgs))
	var found []audit.Finding
	for i := range pkgs {
		if i%1024 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		p := &pkgs[i]
		rp := report.Package{Name: p.Name, Version: p.Version, HasVersion: !p.Versionless, Base: p.Base,
			Origin: p.Origin, Path: p.Path}
		if p.Scheme != 0 {
			rp.Ecosystem = p.Scheme.String()
		}
		// The pipeline's rules: the package's world, end-of-life, pkg's
		// order of a package's advisories.
		found = db.sdb.Lookup(found[:0], p, db.noEOL)
		for _, fd := range found {
			rp.Findings = append(rp.Findings, report.Finding{Advisory: fd.Advisory, Affected: fd.Affected, Name: fd.Name, Range: fd.Range})
		}
		out[i] = rp
	}
	return out, nil
}

// Matcher returns a test telling whether any of the advisories with the
// given ids, as this DB holds them, affects a package version: the package
// versions a database change may concern.
func (db *DB) Matcher(ids []string) func(PkgKey) bool {
	want := map[string]bool{}
	for _, id := range ids {
		want[id] = true
	}
	var advs []advisory.Advisory
	for i := range db.ix.Len() {
		if a := db.ix.Advisory(i); a != nil && want[a.ID] {
			advs = append(advs, *a)
		}
	}
	if len(advs) == 0 {
		return func(PkgKey) bool { return false }
	}
	ix := audit.NewIndex(advs, audit.Options{})
	return func(k PkgKey) bool {
		return len(ix.Lookup(nil, audit.Query{Name: k.Name, Version: k.Version, HasVersion: true, Base: k.Base})) > 0
	}
}

// Vulns evaluates keys with ev and returns, for each, the advisories
// affecting it (each once, in database order).
func Vulns(ctx context.Context, ev Evaluator, keys []PkgKey) ([][]Vuln, error) {
	pkgs := make([]inventory.Package, len(keys))
	for i, k := range keys {
		pkgs[i] = k.Package()
	}
	rps, err := ev.Evaluate(ctx, pkgs)
	if err != nil {
		return nil, err
	}
	out := make([][]Vuln, len(keys))
	for i := range rps {
		for j := range rps[i].Findings {
			f := &rps[i].Findings[j]
			if slices.ContainsFunc(out[i], func(v Vuln) bool { return v.AdvisoryID == f.ID() }) {
				continue
			}
			out[i] = append(out[i], Vuln{AdvisoryID: f.ID(), FixedIn: f.FixedIn()})
		}
	}
	return out, nil
}

// SortPackages orders an inventory as pkgaudit audit reports it: by name,
// keeping the given order within a name, exact repeats dropped.
func SortPackages(pkgs []inventory.Package) []inventory.Package {
	out := slices.Clone(pkgs)
	slices.SortStableFunc(out, func(a, b inventory.Package) int { return strings.Compare(a.Name, b.Name) })
	type key struct {
		name, version     string
		versionless, base bool
	}
	seen := map[key]bool{}
	w := 0
	for _, p := range out {
		k := key{p.Name, p.Version, p.Versionless, p.Base}
		if seen[k] {
			continue
		}
		seen[k] = true
		out[w] = p
		w++
	}
	return out[:w]
}

// Vulns returns what affects each key (DB as a store judge).
func (db *DB) Vulns(ctx context.Context, keys []PkgKey) ([][]Vuln, error) {
	return Vulns(ctx, db, keys)
}

// ReportDatabases describes the databases as pkgaudit audit's reports do.
func (db *DB) ReportDatabases() []report.Database {
	out := make([]report.Database, 0, len(db.infos))
	for _, info := range db.infos {
		format := string(info.Format)
		if info.Format == feed.Pkgsrc {
			format = "pkg-vulnerabilities"
		}
		out = append(out, report.Database{Path: info.Path, Format: format, SHA256: hex.EncodeToString(info.Hash[:]),
			Entries: info.Entries, Modified: info.ModTime})
	}
	return out
}

// Ecosystem is the purl namespace of reports, as pkgaudit audit chooses
// it: pkgsrc when every database is a pkg-vulnerabilities file.
func (db *DB) Ecosystem() string {
	if len(db.infos) == 0 {
		return WorldFreeBSD
	}
	for _, info := range db.infos {
		if info.Format != feed.Pkgsrc {
			return WorldFreeBSD
		}
	}
	return WorldPkgsrc
}
