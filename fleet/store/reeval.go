package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"slices"

	"github.com/pkgaudit/pkgaudit/fleet"
)

// DBChange is a new set of databases to re-evaluate the fleet against.
type DBChange interface {
	Judge
	// Advisories are every advisory of the databases by id.
	Advisories() map[string]fleet.AdvisoryInfo
	// Matcher tells whether any of the advisories with the given ids (as
	// the new databases hold them) affects a package version.
	Matcher(ids []string) func(fleet.PkgKey) bool
}

// ReevalResult tells what a database change did.
type ReevalResult struct {
	Changed          bool // the databases differ from those the store was evaluated against
	Advisories       int  // advisories added, changed or removed
	Evaluated        int  // package versions evaluated again
	NewFindings      int
	ResolvedFindings int
}

// reevalLock is the PostgreSQL advisory lock (transaction level) held by a
// re-evaluation: one process at a time.
const reevalLock = 0x706b6761_0002

// Reevaluate brings the store to the databases of c in one transaction:
// only the package versions that an added, changed or removed advisory
// concerns (those it affected before, and those its new form affects) are
// evaluated again; the findings of those package versions are opened and
// resolved on every host at once.
func (s *Store) Reevaluate(ctx context.Context, c DBChange) (*ReevalResult, error) {
	var res *ReevalResult
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		res = &ReevalResult{}
		if s.kind == Postgres {
			if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", int64(reevalLock)); err != nil {
				return err
			}
		}
		dbid := c.ID()
		cur, gen, err := dbState(ctx, tx)
		if err != nil {
			return err
		}
		now := micros(s.now())
		if cur == dbid {
			// Another process (or this one) is at these databases
			// already; only package versions evaluated meanwhile against
			// others (a process that had not reloaded yet) are done again.
			return s.reevalStale(ctx, tx, c, dbid, gen, now, res)
		}
		gen++
		if _, err := tx.ExecContext(ctx, `INSERT INTO db_history (gen, db_id, at) VALUES ($1, $2, $3)`, gen, dbid, now); err != nil {
			return err
		}
		res.Changed = true
		// Which advisories changed.
		old := map[string]string{}
		rows, err := tx.QueryContext(ctx, `SELECT id, fingerprint FROM advisories`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, fp string
			if err := rows.Scan(&id, &fp); err != nil {
				rows.Close()
				return err
			}
			old[id] = fp
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		advs := c.Advisories()
		var changed []string
		for _, id := range sortedKeys(advs) {
			a := advs[id]
			if fp, ok := old[id]; !ok || fp != a.Fingerprint {
				changed = append(changed, id)
				if _, err := tx.ExecContext(ctx, `INSERT INTO advisories (id, topic, fingerprint) VALUES ($1, $2, $3)
					ON CONFLICT (id) DO UPDATE SET topic = excluded.topic, fingerprint = excluded.fingerprint`, id, a.Topic, a.Fingerprint); err != nil {
					return err
				}
			}
		}
		for _, id := range sortedKeys(old) {
			if _, ok := advs[id]; !ok {
				changed = append(changed, id)
				if _, err := tx.ExecContext(ctx, `DELETE FROM advisories WHERE id = $1`, id); err != nil {
					return err
				}
			}
		}
		res.Advisories = len(changed)

		// The package versions concerned: those a changed advisory
		// affected, those its new form affects, and any not evaluated
		// against the databases the store was at.
		todo := map[int64]fleet.PkgKey{}
		all := map[int64]fleet.PkgKey{}
		evalDB := map[int64]string{}
		rows, err = tx.QueryContext(ctx, `SELECT id, name, version, world, base, CASE WHEN `+currentEval+` THEN 'ok' ELSE '' END FROM pkgversions`)
		if err != nil {
			return err
		}
		for rows.Next() {
			var id, base int64
			var k fleet.PkgKey
			var e string
			if err := rows.Scan(&id, &k.Name, &k.Version, &k.World, &base, &e); err != nil {
				rows.Close()
				return err
			}
			k.Base = base != 0
			all[id] = k
			evalDB[id] = e
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
		match := c.Matcher(changed)
		for id, k := range all {
			if evalDB[id] != "ok" || match(k) {
				todo[id] = k
			}
		}
		for _, aid := range changed {
			rows, err := tx.QueryContext(ctx, `SELECT pkgversion_id FROM pkg_vulns WHERE advisory_id = $1`, aid)
			if err != nil {
				return err
			}
			for rows.Next() {
				var id int64
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return err
				}
				todo[id] = all[id]
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return err
			}
		}
		ids := make([]int64, 0, len(todo))
		for id := range todo {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		keys := make([]fleet.PkgKey, len(ids))
		for i, id := range ids {
			keys[i] = todo[id]
		}
		vulns, err := c.Vulns(ctx, keys)
		if err != nil {
			return err
		}
		if err := s.storeVulnsBatch(ctx, tx, ids, dbid, gen, vulns); err != nil {
			return err
		}
		res.Evaluated = len(ids)
		for _, id := range ids {
			n, m, err := s.syncFindings(ctx, tx, "pkgversion_id", id, now)
			if err != nil {
				return err
			}
			res.NewFindings += n
			res.ResolvedFindings += m
		}
		if err := recountHosts(ctx, tx, ids); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('db_id', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, dbid); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('db_changed', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, fromMicros(now).Format("2006-01-02T15:04:05.999999Z07:00")); err != nil {
			return err
		}
		d, _ := json.Marshal(res)
		return s.event(ctx, tx, now, "databases_changed", "", string(d))
	})
	if err != nil {
		return nil, err
	}
	return res, nil
}

// DBID is the id of the databases the store was last evaluated against
// ("" never).
func (s *Store) DBID(ctx context.Context) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'db_id'`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// reevalStale evaluates again the package versions evaluated against
// other databases than dbid, the store's.
func (s *Store) reevalStale(ctx context.Context, tx *sql.Tx, c DBChange, dbid string, gen, now int64, res *ReevalResult) error {
	rows, err := tx.QueryContext(ctx, `SELECT id, name, version, world, base FROM pkgversions WHERE NOT `+currentEval+` ORDER BY id`)
	if err != nil {
		return err
	}
	var ids []int64
	var keys []fleet.PkgKey
	for rows.Next() {
		var id, base int64
		var k fleet.PkgKey
		if err := rows.Scan(&id, &k.Name, &k.Version, &k.World, &base); err != nil {
			rows.Close()
			return err
		}
		k.Base = base != 0
		ids = append(ids, id)
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return err
	}
	vulns, err := c.Vulns(ctx, keys)
	if err != nil {
		return err
	}
	if err := s.storeVulnsBatch(ctx, tx, ids, dbid, gen, vulns); err != nil {
		return err
	}
	for _, id := range ids {
		n, m, err := s.syncFindings(ctx, tx, "pkgversion_id", id, now)
		if err != nil {
			return err
		}
		res.NewFindings += n
		res.ResolvedFindings += m
	}
	res.Evaluated = len(ids)
	return recountHosts(ctx, tx, ids)
}
