package store

import (
	"context"
	"database/sql"
	"errors"
	"time"
)

// The alert outbox: events written in the transaction that causes them
// (new and resolved findings by triggers on the findings table while
// alerts are on; stale hosts and feeds by the alert worker), delivered to
// each sink at least once.

// SetAlerts turns the recording of finding events on or off (off: no
// outbox rows are written, as when no webhook or mail is configured). On
// PostgreSQL, which several server processes may share, only on is done:
// a process without alerts leaves them to those that have some.
func (s *Store) SetAlerts(ctx context.Context, on bool) error {
	if !on && s.kind == Postgres {
		return nil
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		return s.setTriggers(ctx, tx, outboxTriggers, on)
	})
}

// OutboxEvent is one event of the outbox, with the finding it concerns.
type OutboxEvent struct {
	ID        int64
	Kind      string // webhook event type: finding.new, finding.resolved, host.stale, ...
	Subject   string // the host or feed of a stale event
	Detail    string // JSON of a stale event
	CreatedAt time.Time
	// Finding is the finding of a finding event (nil otherwise, or when
	// it is gone).
	Finding *Finding
}

// AddOutbox records an event that is not about a finding.
func (s *Store) AddOutbox(ctx context.Context, kind, subject, detail string) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO outbox (kind, subject, detail, created_at) VALUES ($1, $2, $3, $4)`, kind, subject, detail, micros(s.now()))
	return err
}

// Pending returns up to limit events sink has not delivered, oldest first.
func (s *Store) Pending(ctx context.Context, sink string, limit int) ([]OutboxEvent, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT o.id, o.kind, o.subject, o.detail, o.created_at, o.finding_id,
		h.name, f.jail, p.name, p.version, p.world, p.base, f.advisory_id, COALESCE(v.fixed_in, ''), f.first_seen, f.resolved_at, COALESCE(f.ignored_by, '')
		FROM outbox o LEFT JOIN findings f ON f.id = o.finding_id
		LEFT JOIN hosts h ON h.id = f.host_id LEFT JOIN pkgversions p ON p.id = f.pkgversion_id
		LEFT JOIN pkg_vulns v ON v.pkgversion_id = f.pkgversion_id AND v.advisory_id = f.advisory_id
		WHERE NOT EXISTS (SELECT 1 FROM outbox_done d WHERE d.sink = $1 AND d.event_id = o.id)
		ORDER BY o.id LIMIT $2`, sink, int64(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []OutboxEvent
	for rows.Next() {
		var e OutboxEvent
		var created int64
		var fid, base, first, resolved sql.NullInt64
		var host, jail, name, version, world, adv, fixed, ign sql.NullString
		if err := rows.Scan(&e.ID, &e.Kind, &e.Subject, &e.Detail, &created, &fid, &host, &jail, &name, &version, &world, &base, &adv, &fixed, &first, &resolved, &ign); err != nil {
			return nil, err
		}
		e.CreatedAt = fromMicros(created)
		if fid.Valid && host.Valid {
			f := &Finding{Host: host.String, Jail: jail.String, AdvisoryID: adv.String, FixedIn: fixed.String,
				FirstSeen: fromNullMicros(first), ResolvedAt: fromNullMicros(resolved), IgnoredBy: ign.String}
			f.Package.Name, f.Package.Version, f.Package.World, f.Package.Base = name.String, version.String, world.String, base.Int64 != 0
			e.Finding = f
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// Delivered records that sink delivered event id.
func (s *Store) Delivered(ctx context.Context, sink string, id int64) error {
	_, err := s.db.ExecContext(ctx, `INSERT INTO outbox_done (event_id, sink, delivered_at) VALUES ($1, $2, $3) ON CONFLICT (sink, event_id) DO NOTHING`, id, sink, micros(s.now()))
	return err
}

// AlertState returns what was last alerted under key ("" never).
func (s *Store) AlertState(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM alert_state WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// AlertOnce records an event for key unless the state under key is
// already value, in one transaction; it tells whether it recorded one.
func (s *Store) AlertOnce(ctx context.Context, key, value, kind, subject, detail string) (bool, error) {
	added := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		added = false
		var cur string
		err := tx.QueryRowContext(ctx, `SELECT value FROM alert_state WHERE key = $1`, key).Scan(&cur)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		if err == nil && cur == value {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO alert_state (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value); err != nil {
			return err
		}
		if kind == "" {
			return nil
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (kind, subject, detail, created_at) VALUES ($1, $2, $3, $4)`, kind, subject, detail, micros(s.now())); err != nil {
			return err
		}
		added = true
		return nil
	})
	return added, err
}

// StaleHosts lists the hosts last seen before t, with when.
func (s *Store) StaleHosts(ctx context.Context, before time.Time) (map[string]time.Time, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT name, last_seen FROM hosts WHERE last_seen < $1`, micros(before))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]time.Time{}
	for rows.Next() {
		var n string
		var at int64
		if err := rows.Scan(&n, &at); err != nil {
			return nil, err
		}
		out[n] = fromMicros(at)
	}
	return out, rows.Err()
}

// PruneOutbox deletes the events recorded before t (delivered or not)
// and what was delivered of them.
func (s *Store) PruneOutbox(ctx context.Context, before time.Time) (int, error) {
	n := 0
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		b := micros(before)
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox_done WHERE event_id IN (SELECT id FROM outbox WHERE created_at < $1)`, b); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE created_at < $1`, b)
		if err != nil {
			return err
		}
		m, _ := res.RowsAffected()
		n = int(m)
		return nil
	})
	return n, err
}

// alertsLock is the PostgreSQL advisory lock of the alert worker.
const alertsLock = 0x706b6761_0100

// TryAlertsLock takes the alert worker's lock when no other process
// holds it (PostgreSQL; on SQLite, one process uses the store, and the
// lock is always taken). release gives it back.
func (s *Store) TryAlertsLock(ctx context.Context) (release func(), ok bool, err error) {
	if s.kind != Postgres {
		return func() {}, true, nil
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return nil, false, err
	}
	if err := conn.QueryRowContext(ctx, `SELECT pg_try_advisory_lock($1)`, int64(alertsLock)).Scan(&ok); err != nil || !ok {
		conn.Close()
		return nil, false, err
	}
	return func() {
		conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1)`, int64(alertsLock))
		conn.Close()
	}, true, nil
}
