package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Scopes of an exception.
const (
	ScopeFleet = "fleet" // every host
	ScopeTag   = "tag"   // the hosts carrying a tag
	ScopeHost  = "host"  // one host
)

// Exception is an accepted risk: findings of the advisory (named by vid,
// pkgsrc URL or one of its CVEs, as in the ignore TOML) on the hosts of
// its scope are accepted until it expires or is deleted.
type Exception struct {
	ID       int64     `json:"id"`
	Advisory string    `json:"advisory"`
	Scope    string    `json:"scope"`
	Target   string    `json:"target,omitempty"` // the tag or host
	Reason   string    `json:"reason"`
	Expires  time.Time `json:"expires,omitzero"`
	// CreatedBy and DeletedBy name the token (id and label).
	CreatedBy string    `json:"created_by"`
	CreatedAt time.Time `json:"created_at"`
	DeletedAt time.Time `json:"deleted_at,omitzero"`
	DeletedBy string    `json:"deleted_by,omitempty"`
	// Findings counts the open findings it covers now.
	Findings int `json:"findings"`
}

// Active tells whether the rule applies at now.
func (e *Exception) Active(now time.Time) bool {
	return e.DeletedAt.IsZero() && (e.Expires.IsZero() || now.Before(e.Expires))
}

// Rule is the ignored_by value of the findings e covers.
func (e *Exception) Rule() string { return "exception:" + strconv.FormatInt(e.ID, 10) }

// ExceptionID returns the id of the exception an ignored_by value names.
func ExceptionID(ignoredBy string) (int64, bool) {
	s, ok := strings.CutPrefix(ignoredBy, "exception:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
}

// ExceptionChange is one entry of the exceptions' audit log.
type ExceptionChange struct {
	At          time.Time `json:"at"`
	Who         string    `json:"who"`
	Action      string    `json:"action"` // "create" or "delete"
	ExceptionID int64     `json:"exception_id"`
	Detail      string    `json:"detail"`
}

// Limits of an exception's fields.
const (
	maxAdvisoryLen = 512
	maxReasonLen   = 2000
	maxTargetLen   = 255
)

// Validate checks an exception before it is stored.
func (e *Exception) Validate() error {
	e.Advisory = strings.TrimSpace(e.Advisory)
	e.Reason = strings.TrimSpace(e.Reason)
	e.Target = strings.TrimSpace(e.Target)
	switch {
	case e.Advisory == "":
		return errors.New("an exception names an advisory (vid, pkgsrc URL or CVE)")
	case len(e.Advisory) > maxAdvisoryLen || strings.ContainsAny(e.Advisory, " \t\r\n\"\\"):
		return fmt.Errorf("advisory %.40q is not a vid, URL or CVE name", e.Advisory)
	case e.Reason == "":
		return errors.New("an exception needs a reason")
	case len(e.Reason) > maxReasonLen:
		return fmt.Errorf("reason longer than %d bytes", maxReasonLen)
	}
	switch e.Scope {
	case "", ScopeFleet:
		e.Scope = ScopeFleet
		if e.Target != "" {
			return errors.New("a fleet-wide exception names no host or tag")
		}
	case ScopeTag, ScopeHost:
		if e.Target == "" || len(e.Target) > maxTargetLen {
			return fmt.Errorf("a %s exception names the %s (1 to %d bytes)", e.Scope, e.Scope, maxTargetLen)
		}
	default:
		return fmt.Errorf("scope %q is not fleet, tag or host", e.Scope)
	}
	return nil
}

// Who names a token in the audit log: "token ID (label)".
func Who(t *Token) string {
	if t == nil {
		return "local"
	}
	w := "token " + strconv.FormatInt(t.ID, 10)
	if t.Label != "" {
		w += " (" + t.Label + ")"
	}
	return w + " " + t.Role
}

// CreateException stores e (validated), records who made it and marks the
// findings it covers accepted, in one transaction.
func (s *Store) CreateException(ctx context.Context, e *Exception, who string) (*Exception, error) {
	if err := e.Validate(); err != nil {
		return nil, err
	}
	out := *e
	out.CreatedBy = who
	out.CreatedAt = s.now().UTC().Truncate(time.Microsecond)
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var exp sql.NullInt64
		if !out.Expires.IsZero() {
			exp = sql.NullInt64{Int64: micros(out.Expires), Valid: true}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO exceptions (advisory, scope, target, reason, expires_at, created_by, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, out.Advisory, out.Scope, out.Target, out.Reason, exp, who, micros(out.CreatedAt)).Scan(&out.ID)
		if err != nil {
			return err
		}
		d, _ := json.Marshal(&out)
		if _, err := tx.ExecContext(ctx, `INSERT INTO exception_log (at, who, action, exception_id, detail) VALUES ($1, $2, 'create', $3, $4)`,
			micros(out.CreatedAt), who, out.ID, string(d)); err != nil {
			return err
		}
		return s.applyExceptions(ctx, tx)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// DeleteException ends an exception (its row and log stay) and brings
// back the findings it covered.
func (s *Store) DeleteException(ctx context.Context, id int64, who string) error {
	now := micros(s.now())
	return s.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE exceptions SET deleted_at = $2, deleted_by = $3 WHERE id = $1 AND deleted_at IS NULL`, id, now, who)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("exception %d: %w (or already deleted)", id, ErrNotFound)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO exception_log (at, who, action, exception_id, detail) VALUES ($1, $2, 'delete', $3, '')`, now, who, id); err != nil {
			return err
		}
		return s.applyExceptions(ctx, tx)
	})
}

// Exceptions lists the exceptions, newest first; with all also the
// deleted ones.
func (s *Store) Exceptions(ctx context.Context, all bool) ([]*Exception, error) {
	q := `SELECT e.id, e.advisory, e.scope, e.target, e.reason, e.expires_at, e.created_by, e.created_at, e.deleted_at, e.deleted_by,
		(SELECT COUNT(*) FROM findings f WHERE f.resolved_at IS NULL AND f.ignored_by = 'exception:' || e.id)
		FROM exceptions e`
	if !all {
		q += ` WHERE e.deleted_at IS NULL`
	}
	rows, err := s.db.QueryContext(ctx, q+` ORDER BY e.id DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Exception
	for rows.Next() {
		var e Exception
		var exp, del sql.NullInt64
		var created int64
		if err := rows.Scan(&e.ID, &e.Advisory, &e.Scope, &e.Target, &e.Reason, &exp, &e.CreatedBy, &created, &del, &e.DeletedBy, &e.Findings); err != nil {
			return nil, err
		}
		e.Expires, e.CreatedAt, e.DeletedAt = fromNullMicros(exp), fromMicros(created), fromNullMicros(del)
		out = append(out, &e)
	}
	return out, rows.Err()
}

// ExceptionLog lists the changes to the exceptions, newest first.
func (s *Store) ExceptionLog(ctx context.Context, limit int) ([]ExceptionChange, error) {
	if limit <= 0 {
		limit = 200
	}
	rows, err := s.db.QueryContext(ctx, `SELECT at, who, action, exception_id, detail FROM exception_log ORDER BY id DESC LIMIT $1`, int64(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ExceptionChange
	for rows.Next() {
		var c ExceptionChange
		var at int64
		if err := rows.Scan(&at, &c.Who, &c.Action, &c.ExceptionID, &c.Detail); err != nil {
			return nil, err
		}
		c.At = fromMicros(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// coveringRule is the SQL of the first live exception covering the open
// finding of the outer query's row (table findings), at time $1.
var coveringRule = `(SELECT 'exception:' || e.id FROM exceptions e WHERE ` +
	covers("e", "findings.advisory_id", "findings.host_id", "$1") + ` ORDER BY e.id LIMIT 1)`

// covers is the SQL condition under which the exception aliased x covers
// the finding of advisory adv on host host at time at, with the ignore
// file's semantics (ignore.Set): x is live and its scope holds the host,
// and it names the advisory (its vid, or its pkgsrc URL), or it names one
// of the advisory's CVEs and live rules of the host's scope name every CVE
// the advisory lists — a rule naming one CVE of several accepts nothing
// by itself. Aliases are stored in lower case.
func covers(x, adv, host, at string) string {
	live := func(x string) string {
		return x + `.deleted_at IS NULL AND (` + x + `.expires_at IS NULL OR ` + x + `.expires_at > ` + at + `)`
	}
	scope := func(x string) string {
		return `(` + x + `.scope = 'fleet' OR (` + x + `.scope = 'host' AND ` + x + `.target = (SELECT name FROM hosts WHERE id = ` + host + `))` +
			` OR (` + x + `.scope = 'tag' AND EXISTS (SELECT 1 FROM host_tags t WHERE t.host_id = ` + host + ` AND t.tag = ` + x + `.target)))`
	}
	return live(x) + ` AND ` + scope(x) + ` AND (LOWER(` + x + `.advisory) = LOWER(` + adv + `)` +
		` OR EXISTS (SELECT 1 FROM advisory_aliases a WHERE a.advisory_id = ` + adv + ` AND a.alias = LOWER(` + x + `.advisory) AND a.alias NOT LIKE 'cve-%')` +
		` OR (EXISTS (SELECT 1 FROM advisory_aliases a WHERE a.advisory_id = ` + adv + ` AND a.alias = LOWER(` + x + `.advisory) AND a.alias LIKE 'cve-%')` +
		` AND NOT EXISTS (SELECT 1 FROM advisory_aliases c WHERE c.advisory_id = ` + adv + ` AND c.alias LIKE 'cve-%'` +
		` AND NOT EXISTS (SELECT 1 FROM exceptions x2 WHERE ` + live("x2") + ` AND ` + scope("x2") + ` AND LOWER(x2.advisory) = c.alias))))`
}

// applyExceptions marks every open finding with the rule covering it now
// (or none): rules created, deleted or expired take effect.
func (s *Store) applyExceptions(ctx context.Context, tx *sql.Tx) error {
	// Only rows whose rule changes are written, and the counts of their
	// hosts (kept in the hosts' rows) recounted.
	changed := ` resolved_at IS NULL AND (ignored_by IS NOT NULL OR EXISTS (SELECT 1 FROM exceptions WHERE deleted_at IS NULL))
		AND COALESCE(ignored_by, '') <> COALESCE(` + coveringRule + `, '')`
	var any int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM exceptions LIMIT 1) AS e`).Scan(&any); err != nil || any == 0 {
		return err // no rule was ever made: nothing to do
	}
	now := micros(s.now())
	// New findings are accepted by a trigger while a rule is live.
	var live int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM exceptions WHERE deleted_at IS NULL AND (expires_at IS NULL OR expires_at > $1) LIMIT 1) AS e`, now).Scan(&live); err != nil {
		return err
	}
	if err := s.setTriggers(ctx, tx, acceptTriggers, live > 0); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT DISTINCT host_id FROM findings WHERE`+changed, now)
	if err != nil {
		return err
	}
	var hosts []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return err
		}
		hosts = append(hosts, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(hosts) == 0 {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE findings SET ignored_by = `+coveringRule+` WHERE`+changed, now); err != nil {
		return err
	}
	const chunk = 500
	for i := 0; i < len(hosts); i += chunk {
		in, args := inList(hosts[i:min(i+chunk, len(hosts))], 0)
		if _, err := tx.ExecContext(ctx, `UPDATE hosts SET `+findingCounts+` WHERE id IN (`+in+`)`, args...); err != nil {
			return err
		}
	}
	return nil
}

// ApplyExceptions brings the open findings to the exceptions in force
// now: those whose rule expired come back. The server calls it
// periodically; creating and deleting a rule apply it at once, and new
// findings are born accepted when a rule covers them.
func (s *Store) ApplyExceptions(ctx context.Context) error {
	return s.inTx(ctx, func(tx *sql.Tx) error { return s.applyExceptions(ctx, tx) })
}

// SetAdvisoryAliases records the other names (CVEs, URL) of the loaded
// databases' advisories, which rules may name, and applies the
// exceptions again.
func (s *Store) SetAdvisoryAliases(ctx context.Context, aliases map[string][]string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM advisory_aliases`); err != nil {
			return err
		}
		var args []any
		flush := func() error {
			if len(args) == 0 {
				return nil
			}
			var b strings.Builder
			b.WriteString(`INSERT INTO advisory_aliases (advisory_id, alias) VALUES `)
			for i := 0; i < len(args); i += 2 {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, "($%d, $%d)", i+1, i+2)
			}
			_, err := tx.ExecContext(ctx, b.String(), args...)
			args = args[:0]
			return err
		}
		for _, id := range sortedKeys(aliases) {
			seen := map[string]bool{}
			for _, a := range aliases[id] {
				a = strings.ToLower(a)
				if a == "" || seen[a] || a == strings.ToLower(id) {
					continue
				}
				seen[a] = true
				args = append(args, id, a)
				if len(args) >= 1000 {
					if err := flush(); err != nil {
						return err
					}
				}
			}
		}
		if err := flush(); err != nil {
			return err
		}
		return s.applyExceptions(ctx, tx)
	})
}

// AdvisoryAliases returns the other names of one advisory.
func (s *Store) AdvisoryAliases(ctx context.Context, id string) ([]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT alias FROM advisory_aliases WHERE advisory_id = $1 ORDER BY alias`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var a string
		if err := rows.Scan(&a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}
