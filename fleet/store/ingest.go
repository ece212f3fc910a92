package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/pkgaudit/pkgaudit/fleet"
)

// pkgKey is a fleet.PkgKey as a map key.
type pkgKey = fleet.PkgKey

// Judge tells what affects package versions: the loaded databases.
type Judge interface {
	// ID identifies the databases' content.
	ID() string
	// Vulns returns, for each key, the advisories affecting it.
	Vulns(ctx context.Context, keys []fleet.PkgKey) ([][]fleet.Vuln, error)
}

// HostFacts are what an agent tells about its host.
type HostFacts struct {
	Name            string
	OS              string
	Release         string
	Arch            string
	KernelVersion   string
	UserlandVersion string
	Tags            []string
	AgentVersion    string
}

// Pkg is one package of an inventory.
type Pkg struct {
	Key    fleet.PkgKey
	Origin string
}

// Inventory is the packages of the host (Jail "") or of one of its jails.
type Inventory struct {
	Jail     string
	Packages []Pkg
}

// Report is one host's report: its facts and every inventory. It replaces
// the host's inventories: a jail it does not list is gone.
type Report struct {
	Host        HostFacts
	Inventories []Inventory
}

// IngestResult tells what a report changed.
type IngestResult struct {
	NewHost            bool
	Added, Removed     int // inventory rows
	Evaluated          int // package versions evaluated
	NewFindings        int
	ResolvedFindings   int
	OpenFindings       int
	VulnerablePackages int
}

// Ingest stores a report in one transaction: the host's facts, jails and
// inventories (with their history), the package versions not yet
// evaluated against j's databases (evaluated now, once for the whole
// fleet), and the host's findings (new ones opened, gone ones resolved).
func (s *Store) Ingest(ctx context.Context, r *Report, j Judge) (*IngestResult, error) {
	if r.Host.Name == "" {
		return nil, errors.New("report names no host")
	}
	// Distinct keys, in order (rows are locked in one order by every
	// transaction).
	seen := map[pkgKey]bool{}
	var keys []pkgKey
	jails := map[string]map[pkgKey]string{}
	for _, inv := range r.Inventories {
		m := jails[inv.Jail]
		if m == nil {
			m = map[pkgKey]string{}
			jails[inv.Jail] = m
		}
		for _, p := range inv.Packages {
			m[p.Key] = p.Origin
			if !seen[p.Key] {
				seen[p.Key] = true
				keys = append(keys, p.Key)
			}
		}
	}
	if jails[""] == nil {
		jails[""] = map[pkgKey]string{}
	}
	slices.SortFunc(keys, compareKeys)

	var res *IngestResult
	var created map[pkgKey]int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res = &IngestResult{}
		created = map[pkgKey]int64{}
		now := micros(s.now())
		var hostID, first int64
		h := &r.Host
		err := tx.QueryRowContext(ctx, `INSERT INTO hosts (name, os, release, arch, kernel_version, userland_version, tags, agent_version, first_seen, last_seen)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)
			ON CONFLICT (name) DO UPDATE SET os = excluded.os, release = excluded.release, arch = excluded.arch,
				kernel_version = excluded.kernel_version, userland_version = excluded.userland_version,
				tags = excluded.tags, agent_version = excluded.agent_version, last_seen = excluded.last_seen
			RETURNING id, first_seen`,
			h.Name, h.OS, h.Release, h.Arch, h.KernelVersion, h.UserlandVersion, tagsJSON(h.Tags), h.AgentVersion, now).Scan(&hostID, &first)
		if err != nil {
			return fmt.Errorf("storing host: %w", err)
		}
		res.NewHost = first == now
		if err := s.setTags(ctx, tx, hostID, h.Tags); err != nil {
			return err
		}
		if err := s.setJails(ctx, tx, hostID, jails, now); err != nil {
			return err
		}
		ids, err := s.pkgIDs(ctx, tx, keys, created)
		if err != nil {
			return err
		}
		if res.Evaluated, err = s.evaluate(ctx, tx, keys, ids, j); err != nil {
			return err
		}
		if err := s.setInventory(ctx, tx, hostID, jails, ids, now, res); err != nil {
			return err
		}
		// Findings change only with the inventory or with what affects
		// its package versions (a re-evaluation syncs those itself).
		if res.Added > 0 || res.Removed > 0 || res.Evaluated > 0 {
			if res.NewFindings, res.ResolvedFindings, err = s.syncFindings(ctx, tx, "host_id", hostID, now); err != nil {
				return err
			}
		}
		if err := tx.QueryRowContext(ctx, updateHostCounts+` WHERE id = $1 RETURNING open_findings, vulnerable_packages`, hostID).Scan(&res.OpenFindings, &res.VulnerablePackages); err != nil {
			return err
		}
		if res.NewHost {
			if err := s.event(ctx, tx, now, "host_new", h.Name, ""); err != nil {
				return err
			}
		}
		if res.NewFindings > 0 || res.ResolvedFindings > 0 {
			d, _ := json.Marshal(map[string]int{"new": res.NewFindings, "resolved": res.ResolvedFindings})
			if err := s.event(ctx, tx, now, "findings_changed", h.Name, string(d)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	for k, id := range created {
		s.ids[k] = id
	}
	s.mu.Unlock()
	return res, nil
}

func compareKeys(a, b pkgKey) int {
	if c := strings.Compare(a.Name, b.Name); c != 0 {
		return c
	}
	if c := strings.Compare(a.Version, b.Version); c != 0 {
		return c
	}
	if c := strings.Compare(a.World, b.World); c != 0 {
		return c
	}
	switch {
	case a.Base == b.Base:
		return 0
	case b.Base:
		return -1
	}
	return 1
}

func tagsJSON(tags []string) string {
	if tags == nil {
		tags = []string{}
	}
	b, _ := json.Marshal(tags)
	return string(b)
}

func (s *Store) event(ctx context.Context, tx *sql.Tx, at int64, kind, host, detail string) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO events (at, kind, host, detail) VALUES ($1, $2, $3, $4)`, at, kind, host, detail)
	return err
}

func (s *Store) setTags(ctx context.Context, tx *sql.Tx, hostID int64, tags []string) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM host_tags WHERE host_id = $1`, hostID); err != nil {
		return err
	}
	done := map[string]bool{}
	for _, t := range tags {
		if done[t] {
			continue
		}
		done[t] = true
		if _, err := tx.ExecContext(ctx, `INSERT INTO host_tags (host_id, tag) VALUES ($1, $2)`, hostID, t); err != nil {
			return err
		}
	}
	return nil
}

// setJails records the jails reported (first/last seen) and marks the
// others gone.
func (s *Store) setJails(ctx context.Context, tx *sql.Tx, hostID int64, jails map[string]map[pkgKey]string, now int64) error {
	for _, name := range sortedKeys(jails) {
		if name == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO jails (host_id, name, first_seen, last_seen) VALUES ($1, $2, $3, $3)
			ON CONFLICT (host_id, name) DO UPDATE SET last_seen = excluded.last_seen, gone_at = NULL`, hostID, name, now); err != nil {
			return err
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT name FROM jails WHERE host_id = $1 AND gone_at IS NULL`, hostID)
	if err != nil {
		return err
	}
	var gone []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return err
		}
		if _, ok := jails[n]; !ok {
			gone = append(gone, n)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, n := range gone {
		if _, err := tx.ExecContext(ctx, `UPDATE jails SET gone_at = $3 WHERE host_id = $1 AND name = $2`, hostID, n, now); err != nil {
			return err
		}
	}
	return nil
}

// pkgIDs returns the ids of keys, inserting the package versions not yet
// known (those go into created, for the cache once committed).
func (s *Store) pkgIDs(ctx context.Context, tx *sql.Tx, keys []pkgKey, created map[pkgKey]int64) (map[pkgKey]int64, error) {
	ids := make(map[pkgKey]int64, len(keys))
	s.mu.RLock()
	for _, k := range keys {
		if id, ok := s.ids[k]; ok {
			ids[k] = id
		}
	}
	s.mu.RUnlock()
	var missing []pkgKey
	for _, k := range keys {
		if _, ok := ids[k]; !ok {
			missing = append(missing, k)
		}
	}
	// Insert those not known (in key order, so that concurrent reports
	// meet in one order), then read all their ids.
	const chunk = 200
	for i := 0; i < len(missing); i += chunk {
		part := missing[i:min(i+chunk, len(missing))]
		rows := make([][]any, len(part))
		for n, k := range part {
			rows[n] = []any{k.Name, k.Version, k.World, boolInt(k.Base)}
		}
		if err := insertRows(ctx, tx, `INSERT INTO pkgversions (name, version, world, base) VALUES `, rows,
			` ON CONFLICT (name, version, world, base) DO NOTHING`); err != nil {
			return nil, fmt.Errorf("storing package versions: %w", err)
		}
		var b strings.Builder
		args := make([]any, 0, 4*len(part))
		b.WriteString(`SELECT id, name, version, world, base FROM pkgversions WHERE (name, version, world, base) IN (VALUES `)
		for n, k := range part {
			if n > 0 {
				b.WriteByte(',')
			}
			args = append(args, k.Name, k.Version, k.World, boolInt(k.Base))
			fmt.Fprintf(&b, "($%d, $%d, $%d, CAST($%d AS BIGINT))", len(args)-3, len(args)-2, len(args)-1, len(args))
		}
		b.WriteByte(')')
		rs, err := tx.QueryContext(ctx, b.String(), args...)
		if err != nil {
			return nil, err
		}
		for rs.Next() {
			var id, base int64
			var k pkgKey
			if err := rs.Scan(&id, &k.Name, &k.Version, &k.World, &base); err != nil {
				rs.Close()
				return nil, err
			}
			k.Base = base != 0
			ids[k] = id
			created[k] = id
		}
		rs.Close()
		if err := rs.Err(); err != nil {
			return nil, err
		}
	}
	for _, k := range missing {
		if _, ok := ids[k]; !ok {
			return nil, fmt.Errorf("package version %s not stored", k)
		}
	}
	return ids, nil
}

func boolInt(b bool) int64 {
	if b {
		return 1
	}
	return 0
}

// evaluate evaluates the package versions among keys not yet evaluated
// against j's databases and stores what affects them.
func (s *Store) evaluate(ctx context.Context, tx *sql.Tx, keys []pkgKey, ids map[pkgKey]int64, j Judge) (int, error) {
	dbid := j.ID()
	cur, gen, err := dbState(ctx, tx)
	if err != nil {
		return 0, err
	}
	var cond string
	switch {
	case cur == "":
		// Never re-evaluated: only the judge's own evaluations count.
		cond = `eval_db <> $1`
	case cur == dbid:
		cond = `$1 <> '' AND NOT ` + currentEval
	default:
		// A process whose databases are not the store's (another process
		// reloaded first) evaluates only what was never evaluated; its
		// own reload evaluates those again.
		cond = `eval_db = '' AND $1 <> ''`
	}
	var todo []pkgKey
	// Those evaluated under other databases (or never): one query per
	// chunk of ids.
	const chunk = 500
	for i := 0; i < len(keys); i += chunk {
		part := keys[i:min(i+chunk, len(keys))]
		var b strings.Builder
		args := []any{dbid}
		b.WriteString(`SELECT id FROM pkgversions WHERE ` + cond + ` AND id IN (`)
		for n, k := range part {
			if n > 0 {
				b.WriteByte(',')
			}
			args = append(args, ids[k])
			fmt.Fprintf(&b, "$%d", len(args))
		}
		b.WriteByte(')')
		rows, err := tx.QueryContext(ctx, b.String(), args...)
		if err != nil {
			return 0, err
		}
		stale := map[int64]bool{}
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return 0, err
			}
			stale[id] = true
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return 0, err
		}
		for _, k := range part {
			if stale[ids[k]] {
				todo = append(todo, k)
			}
		}
	}
	if len(todo) == 0 {
		return 0, nil
	}
	vulns, err := j.Vulns(ctx, todo)
	if err != nil {
		return 0, fmt.Errorf("evaluating: %w", err)
	}
	pids := make([]int64, len(todo))
	for i, k := range todo {
		pids[i] = ids[k]
	}
	if err := s.storeVulnsBatch(ctx, tx, pids, dbid, gen, vulns); err != nil {
		return 0, err
	}
	return len(todo), nil
}

// setInventory replaces the host's inventories, recording each package
// added and removed (a new host's first inventory is recorded only as the
// inventory, since its first report).
func (s *Store) setInventory(ctx context.Context, tx *sql.Tx, hostID int64, jails map[string]map[pkgKey]string, ids map[pkgKey]int64, now int64, res *IngestResult) error {
	type row struct {
		jail string
		id   int64
	}
	want := map[row]string{}
	for jail, m := range jails {
		for k, origin := range m {
			want[row{jail, ids[k]}] = origin
		}
	}
	rows, err := tx.QueryContext(ctx, `SELECT jail, pkgversion_id, origin FROM inventory WHERE host_id = $1`, hostID)
	if err != nil {
		return err
	}
	have := map[row]string{}
	for rows.Next() {
		var r row
		var origin string
		if err := rows.Scan(&r.jail, &r.id, &origin); err != nil {
			rows.Close()
			return err
		}
		have[r] = origin
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var removed, added []row
	for r := range have {
		if _, ok := want[r]; !ok {
			removed = append(removed, r)
		}
	}
	for r := range want {
		if _, ok := have[r]; !ok {
			added = append(added, r)
		}
	}
	cmp := func(a, b row) int {
		if c := strings.Compare(a.jail, b.jail); c != 0 {
			return c
		}
		return int(a.id - b.id)
	}
	slices.SortFunc(removed, cmp)
	slices.SortFunc(added, cmp)
	now2 := now
	for i := 0; i < len(removed); {
		// One statement per jail's run of removed rows.
		j := i
		for j < len(removed) && removed[j].jail == removed[i].jail && j-i < 500 {
			j++
		}
		args := []any{hostID, removed[i].jail}
		var b strings.Builder
		b.WriteString(`DELETE FROM inventory WHERE host_id = $1 AND jail = $2 AND pkgversion_id IN (`)
		for k, r := range removed[i:j] {
			if k > 0 {
				b.WriteByte(',')
			}
			args = append(args, r.id)
			fmt.Fprintf(&b, "$%d", len(args))
		}
		b.WriteByte(')')
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
		i = j
	}
	changes := make([][]any, 0, len(removed)+len(added))
	for _, r := range removed {
		changes = append(changes, []any{hostID, r.jail, r.id, "removed", now2})
	}
	rows2 := make([][]any, 0, len(added))
	for _, r := range added {
		rows2 = append(rows2, []any{hostID, r.jail, r.id, want[r], now2})
		if !res.NewHost {
			// A new host's first inventory is the baseline (its rows'
			// since), not a change.
			changes = append(changes, []any{hostID, r.jail, r.id, "added", now2})
		}
	}
	if err := insertRows(ctx, tx, `INSERT INTO inventory (host_id, jail, pkgversion_id, origin, since) VALUES `, rows2); err != nil {
		return err
	}
	if err := insertRows(ctx, tx, `INSERT INTO inventory_changes (host_id, jail, pkgversion_id, change, at) VALUES `, changes); err != nil {
		return err
	}
	for r, origin := range want {
		if old, ok := have[r]; ok && old != origin {
			if _, err := tx.ExecContext(ctx, `UPDATE inventory SET origin = $4 WHERE host_id = $1 AND jail = $2 AND pkgversion_id = $3`, hostID, r.jail, r.id, origin); err != nil {
				return err
			}
		}
	}
	res.Added, res.Removed = len(added), len(removed)
	return nil
}

// syncFindings opens the findings the inventory and the package versions'
// advisories imply and resolves those they no longer do, for one host
// (col "host_id") or one package version (col "pkgversion_id").
func (s *Store) syncFindings(ctx context.Context, tx *sql.Tx, col string, id, now int64) (opened, resolved int, err error) {
	if col != "host_id" && col != "pkgversion_id" {
		return 0, 0, fmt.Errorf("syncFindings: bad scope %q", col)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO findings (host_id, jail, pkgversion_id, advisory_id, first_seen)
		SELECT i.host_id, i.jail, i.pkgversion_id, v.advisory_id, $2
		FROM inventory i JOIN pkg_vulns v ON v.pkgversion_id = i.pkgversion_id
		WHERE i.`+col+` = $1 AND NOT EXISTS (SELECT 1 FROM findings f WHERE f.host_id = i.host_id AND f.jail = i.jail
			AND f.pkgversion_id = i.pkgversion_id AND f.advisory_id = v.advisory_id AND f.resolved_at IS NULL)`, id, now)
	if err != nil {
		return 0, 0, err
	}
	n, _ := res.RowsAffected()
	res, err = tx.ExecContext(ctx, `UPDATE findings SET resolved_at = $2
		WHERE `+col+` = $1 AND resolved_at IS NULL AND NOT EXISTS (SELECT 1 FROM inventory i JOIN pkg_vulns v ON v.pkgversion_id = i.pkgversion_id
			WHERE i.host_id = findings.host_id AND i.jail = findings.jail AND i.pkgversion_id = findings.pkgversion_id AND v.advisory_id = findings.advisory_id)`, id, now)
	if err != nil {
		return 0, 0, err
	}
	m, _ := res.RowsAffected()
	return int(n), int(m), nil
}

// insertRows inserts rows with multi-row VALUES statements of at most 200
// rows each.
func insertRows(ctx context.Context, tx *sql.Tx, prefix string, rows [][]any, suffix ...string) error {
	const chunk = 200
	for i := 0; i < len(rows); i += chunk {
		part := rows[i:min(i+chunk, len(rows))]
		var b strings.Builder
		b.WriteString(prefix)
		args := make([]any, 0, len(part)*len(part[0]))
		for k, r := range part {
			if k > 0 {
				b.WriteByte(',')
			}
			b.WriteByte('(')
			for c, v := range r {
				if c > 0 {
					b.WriteByte(',')
				}
				args = append(args, v)
				fmt.Fprintf(&b, "$%d", len(args))
			}
			b.WriteByte(')')
		}
		for _, x := range suffix {
			b.WriteString(x)
		}
		if _, err := tx.ExecContext(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

// storeVulnsBatch replaces what affects each package version of ids
// (vulns[i] for ids[i]).
func (s *Store) storeVulnsBatch(ctx context.Context, tx *sql.Tx, ids []int64, dbid string, gen int64, vulns [][]fleet.Vuln) error {
	const chunk = 500
	for i := 0; i < len(ids); i += chunk {
		part := ids[i:min(i+chunk, len(ids))]
		in, args := inList(part, 2)
		if _, err := tx.ExecContext(ctx, `UPDATE pkgversions SET eval_db = $1, eval_gen = $2 WHERE id IN (`+in+`)`, append([]any{dbid, gen}, args...)...); err != nil {
			return err
		}
		in, args = inList(part, 0)
		if _, err := tx.ExecContext(ctx, `DELETE FROM pkg_vulns WHERE pkgversion_id IN (`+in+`)`, args...); err != nil {
			return err
		}
		var rows [][]any
		for n, id := range part {
			for _, v := range vulns[i+n] {
				rows = append(rows, []any{id, v.AdvisoryID, v.FixedIn})
			}
		}
		if err := insertRows(ctx, tx, `INSERT INTO pkg_vulns (pkgversion_id, advisory_id, fixed_in) VALUES `, rows,
			` ON CONFLICT (pkgversion_id, advisory_id) DO NOTHING`); err != nil {
			return err
		}
	}
	return nil
}

// inList is "$k+1,$k+2,..." for ids, and the arguments.
func inList(ids []int64, k int) (string, []any) {
	var b strings.Builder
	args := make([]any, len(ids))
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "$%d", k+i+1)
		args[i] = id
	}
	return b.String(), args
}

// currentEval holds for a package version (of pkgversions, unaliased)
// whose evaluation is current: made against the databases of its
// generation.
const currentEval = `(eval_db <> '' AND EXISTS (SELECT 1 FROM db_history h WHERE h.gen = pkgversions.eval_gen AND h.db_id = pkgversions.eval_db))`

// dbState returns the databases the store is at and their generation.
func dbState(ctx context.Context, tx *sql.Tx) (string, int64, error) {
	var cur string
	var gen int64
	err := tx.QueryRowContext(ctx, `SELECT COALESCE((SELECT value FROM meta WHERE key = 'db_id'), ''),
		COALESCE((SELECT MAX(gen) FROM db_history), 0)`).Scan(&cur, &gen)
	return cur, gen, err
}

// updateHostCounts recounts hosts' packages and open findings (followed by
// a WHERE clause).
const updateHostCounts = `UPDATE hosts SET
	packages = (SELECT COUNT(*) FROM inventory i WHERE i.host_id = hosts.id),` + findingCounts

// findingCounts recounts a host's open findings.
const findingCounts = `
	open_findings = (SELECT COUNT(*) FROM findings f WHERE f.host_id = hosts.id AND f.resolved_at IS NULL AND f.ignored_by IS NULL),
	vulnerable_packages = (SELECT COUNT(DISTINCT f.jail || '/' || CAST(f.pkgversion_id AS TEXT)) FROM findings f
		WHERE f.host_id = hosts.id AND f.resolved_at IS NULL AND f.ignored_by IS NULL),
	vulnerabilities = (SELECT COUNT(DISTINCT f.advisory_id) FROM findings f WHERE f.host_id = hosts.id AND f.resolved_at IS NULL AND f.ignored_by IS NULL)`

// recountHosts recounts the open findings of the hosts with any of the
// package versions ids.
func recountHosts(ctx context.Context, tx *sql.Tx, ids []int64) error {
	const chunk = 500
	for i := 0; i < len(ids); i += chunk {
		in, args := inList(ids[i:min(i+chunk, len(ids))], 0)
		if _, err := tx.ExecContext(ctx, `UPDATE hosts SET `+findingCounts+` WHERE id IN (SELECT DISTINCT host_id FROM inventory WHERE pkgversion_id IN (`+in+`))`, args...); err != nil {
			return err
		}
	}
	return nil
}
