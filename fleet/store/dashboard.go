package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"strings"
	"time"
)

// Queries of the dashboard (fleet/dashboard) beyond the API's.

// DashFilter selects hosts for the dashboard's host list.
type DashFilter struct {
	HostFilter
	Release, Jail string
	// Search keeps hosts whose name contains it (case-insensitive).
	Search string
}

// DashHosts lists hosts by name with the dashboard's filters, and tells
// whether more follow.
func (s *Store) DashHosts(ctx context.Context, f DashFilter) ([]*Host, bool, error) {
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	var stale int64
	if !f.StaleBefore.IsZero() {
		stale = micros(f.StaleBefore)
	}
	search := ""
	if f.Search != "" {
		search = "%" + likeEscape(strings.ToLower(f.Search)) + "%"
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+hostColumns+` FROM hosts h
		WHERE ($1 = '' OR h.os = $1)
		AND ($2 = '' OR EXISTS (SELECT 1 FROM host_tags t WHERE t.host_id = h.id AND t.tag = $2))
		AND (CAST($3 AS BIGINT) = 0 OR h.last_seen < CAST($3 AS BIGINT))
		AND ($4 = 0 OR ($4 = 1 AND `+openFinding+`) OR ($4 = 2 AND NOT `+openFinding+`))
		AND ($7 = '' OR h.release = $7)
		AND ($8 = '' OR EXISTS (SELECT 1 FROM jails j WHERE j.host_id = h.id AND j.name = $8 AND j.gone_at IS NULL))
		AND ($9 = '' OR LOWER(h.name) LIKE $9 ESCAPE '\')
		ORDER BY h.name LIMIT $5 OFFSET $6`, f.OS, f.Tag, stale, int64(f.Vulnerable), int64(limit+1), int64(max(f.Offset, 0)),
		f.Release, f.Jail, search)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []*Host
	for rows.Next() {
		_, h, err := scanHost(rows)
		if err != nil {
			return nil, false, err
		}
		out = append(out, h)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// Facets are the values the host filters offer.
type Facets struct {
	OS, Releases, Tags, Jails []string
}

// HostFacets lists the distinct OS names, releases, tags and live jail
// names of the fleet.
func (s *Store) HostFacets(ctx context.Context) (*Facets, error) {
	var f Facets
	for _, q := range []struct {
		dst *[]string
		sql string
	}{
		{&f.OS, `SELECT DISTINCT os FROM hosts WHERE os <> '' ORDER BY os`},
		{&f.Releases, `SELECT DISTINCT release FROM hosts WHERE release <> '' ORDER BY release`},
		{&f.Tags, `SELECT DISTINCT tag FROM host_tags ORDER BY tag`},
		{&f.Jails, `SELECT DISTINCT name FROM jails WHERE gone_at IS NULL ORDER BY name`},
	} {
		v, err := s.strings(ctx, q.sql)
		if err != nil {
			return nil, err
		}
		*q.dst = v
	}
	return &f, nil
}

func (s *Store) strings(ctx context.Context, q string, args ...any) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// Overview is what the dashboard's overview counts.
type Overview struct {
	Summary
	// NeverReported are the hosts agent tokens were made for that never
	// reported.
	NeverReported []string
	// AcceptedFindings are open findings an exception covers.
	AcceptedFindings int
	// CleanHosts are hosts without an open finding (accepted ones aside).
	CleanHosts int
	// OldestOpen is when the oldest open finding was first seen (zero
	// when none is open).
	OldestOpen time.Time
}

// Overview counts the fleet for the dashboard.
func (s *Store) Overview(ctx context.Context, staleBefore time.Time) (*Overview, error) {
	sm, err := s.Summary(ctx, staleBefore)
	if err != nil {
		return nil, err
	}
	o := &Overview{Summary: *sm}
	var oldest int64
	err = s.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM findings WHERE resolved_at IS NULL AND ignored_by IS NOT NULL),
		COALESCE((SELECT MIN(first_seen) FROM findings WHERE resolved_at IS NULL AND ignored_by IS NULL), 0)`).Scan(&o.AcceptedFindings, &oldest)
	if err != nil {
		return nil, err
	}
	o.OldestOpen = fromMicros(oldest)
	o.CleanHosts = o.Hosts - o.VulnerableHosts
	o.NeverReported, err = s.strings(ctx, `SELECT DISTINCT t.host FROM tokens t WHERE t.role = 'agent' AND t.host <> '' AND t.revoked_at IS NULL
		AND NOT EXISTS (SELECT 1 FROM hosts h WHERE h.name = t.host) ORDER BY t.host`)
	return o, err
}

// DayCount is one day's number.
type DayCount struct {
	Day   time.Time // midnight UTC
	Count int
}

const day = int64(24 * time.Hour / time.Microsecond)

// OpenFindingsSeries counts, for each of the days days up to the one
// holding until (UTC), the findings open at the end of that day, derived
// from the findings' first-seen and resolved-at times. Findings an
// exception covers now are left out.
func (s *Store) OpenFindingsSeries(ctx context.Context, until time.Time, days int) ([]DayCount, error) {
	if days <= 0 {
		days = 90
	}
	last := until.UTC().Truncate(24 * time.Hour)
	first := last.AddDate(0, 0, -(days - 1))
	start := micros(first) // start of the first day
	var base int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM findings WHERE ignored_by IS NULL AND first_seen < $1 AND (resolved_at IS NULL OR resolved_at >= $1)`, start).Scan(&base); err != nil {
		return nil, err
	}
	delta := make([]int, days)
	for _, q := range []struct {
		sql  string
		sign int
	}{
		{`SELECT (first_seen - $1) / $2, COUNT(*) FROM findings WHERE ignored_by IS NULL AND first_seen >= $1 GROUP BY (first_seen - $1) / $2`, 1},
		{`SELECT (resolved_at - $1) / $2, COUNT(*) FROM findings WHERE ignored_by IS NULL AND resolved_at >= $1 GROUP BY (resolved_at - $1) / $2`, -1},
	} {
		rows, err := s.db.QueryContext(ctx, q.sql, start, day)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var d int64
			var n int
			if err := rows.Scan(&d, &n); err != nil {
				rows.Close()
				return nil, err
			}
			if d >= 0 && d < int64(days) {
				delta[d] += q.sign * n
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	out := make([]DayCount, days)
	n := base
	for i := range days {
		n += delta[i]
		out[i] = DayCount{Day: first.AddDate(0, 0, i), Count: n}
	}
	return out, nil
}

// PackageNames lists installed package names containing q (all when q is
// empty), with how many hosts run each, up to limit.
func (s *Store) PackageNames(ctx context.Context, q string, limit int) ([]NameCount, error) {
	if limit <= 0 {
		limit = 200
	}
	like := "%" + likeEscape(strings.ToLower(q)) + "%"
	rows, err := s.db.QueryContext(ctx, `SELECT p.name, COUNT(DISTINCT i.host_id), COUNT(DISTINCT p.version) FROM pkgversions p JOIN inventory i ON i.pkgversion_id = p.id
		WHERE LOWER(p.name) LIKE $1 ESCAPE '\' GROUP BY p.name ORDER BY COUNT(DISTINCT i.host_id) DESC, p.name LIMIT $2`, like, int64(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []NameCount
	for rows.Next() {
		var n NameCount
		if err := rows.Scan(&n.Name, &n.Hosts, &n.Versions); err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

// NameCount is a package name with the hosts running it and its distinct
// versions.
type NameCount struct {
	Name     string
	Hosts    int
	Versions int
}

// TokenByID returns a token by id (revoked ones too).
func (s *Store) TokenByID(ctx context.Context, id int64) (*Token, error) {
	t, _, err := scanToken(s.db.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM tokens WHERE id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	return t, err
}

// SessionKey returns the key that signs dashboard login cookies, made
// (random, 256 bits) by the first process that asks: every server process
// sharing the store signs and accepts the same cookies.
func (s *Store) SessionKey(ctx context.Context) ([]byte, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return nil, err
	}
	if _, err := s.db.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('session_key', $1) ON CONFLICT (key) DO NOTHING`, hex.EncodeToString(raw[:])); err != nil {
		return nil, err
	}
	var v string
	if err := s.db.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'session_key'`).Scan(&v); err != nil {
		return nil, err
	}
	return hex.DecodeString(v)
}
