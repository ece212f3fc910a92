// Package store keeps the fleet's state: hosts, their jails and
// inventories with history, the distinct package versions and what affects
// each, findings with first-seen and resolved-at times, events and tokens.
// One schema serves SQLite (modernc.org/sqlite, "sqlite:PATH") and
// PostgreSQL (pgx, "postgres://..."); its versioned migrations are embedded
// SQL files applied at Open, and the queries are shared by both.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	_ "modernc.org/sqlite"             // registers the "sqlite" database/sql driver
)

//go:embed migrations
var migrations embed.FS

// Kinds of store.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// Options controls Open.
type Options struct {
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// MaxConns bounds the PostgreSQL connections (default 16). SQLite
	// always uses one: writes are serialised anyway.
	MaxConns int
}

// Store is an open fleet store, safe for concurrent use.
type Store struct {
	db   *sql.DB
	kind string
	now  func() time.Time

	// ids caches the ids of package versions (rows never change nor go
	// away); only committed rows are added.
	mu  sync.RWMutex
	ids map[pkgKey]int64
}

// ParseSpec splits a --store value into the driver kind and its data
// source: "sqlite:PATH" or a "postgres://" / "postgresql://" URL.
func ParseSpec(spec string) (kind, dsn string, err error) {
	switch {
	case strings.HasPrefix(spec, "sqlite:"):
		path := strings.TrimPrefix(spec, "sqlite:")
		if path == "" {
			return "", "", errors.New(`store "sqlite:" names no file`)
		}
		return SQLite, path, nil
	case strings.HasPrefix(spec, "postgres://"), strings.HasPrefix(spec, "postgresql://"):
		return Postgres, spec, nil
	}
	return "", "", fmt.Errorf("store %q is neither sqlite:PATH nor a postgres:// URL", redact(spec))
}

// redact removes a password from a store spec, for messages.
func redact(spec string) string {
	u, err := url.Parse(spec)
	if err != nil || u.User == nil {
		return spec
	}
	if _, ok := u.User.Password(); ok {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}

// Open opens the store named by spec and brings its schema up to date.
func Open(ctx context.Context, spec string, opts Options) (*Store, error) {
	kind, dsn, err := ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	s := &Store{kind: kind, now: opts.Now, ids: map[pkgKey]int64{}}
	if s.now == nil {
		s.now = time.Now
	}
	switch kind {
	case SQLite:
		q := url.Values{}
		q.Add("_pragma", "busy_timeout(30000)")
		q.Add("_pragma", "journal_mode(WAL)")
		q.Add("_pragma", "synchronous(NORMAL)")
		q.Add("_pragma", "foreign_keys(1)")
		q.Set("_txlock", "immediate")
		s.db = openSQLite("file:" + dsn + "?" + q.Encode())
		s.db.SetMaxOpenConns(1)
	case Postgres:
		s.db, err = sql.Open("pgx", dsn)
		if err == nil {
			n := opts.MaxConns
			if n <= 0 {
				n = 16
			}
			s.db.SetMaxOpenConns(n)
			s.db.SetMaxIdleConns(n)
		}
	}
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", redact(spec), err)
	}
	if err := s.db.PingContext(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store %s: %w", redact(spec), err)
	}
	if err := s.migrate(ctx); err != nil {
		s.db.Close()
		return nil, fmt.Errorf("store %s: %w", redact(spec), err)
	}
	return s, nil
}

// Kind is SQLite or Postgres.
func (s *Store) Kind() string { return s.kind }

// Close closes the store.
func (s *Store) Close() error { return s.db.Close() }

// migrationLock is the PostgreSQL advisory lock held while migrating.
const migrationLock = 0x706b6761_0001

// migrate applies the embedded migrations not yet applied, each in its
// own transaction, in version order.
func (s *Store) migrate(ctx context.Context) error {
	dir := "migrations/" + s.kind
	ents, err := fs.ReadDir(migrations, dir)
	if err != nil {
		return err
	}
	conn, err := s.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if s.kind == Postgres {
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock($1)", int64(migrationLock)); err != nil {
			return err
		}
		defer conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock($1)", int64(migrationLock))
	}
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)`); err != nil {
		return err
	}
	applied := map[int64]bool{}
	rows, err := conn.QueryContext(ctx, "SELECT version FROM schema_migrations")
	if err != nil {
		return err
	}
	for rows.Next() {
		var v int64
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return err
		}
		applied[v] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, e := range ents {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.ParseInt(num, 10, 64)
		if !ok || err != nil || !strings.HasSuffix(name, ".sql") {
			return fmt.Errorf("migration %s: name is not NNNN_what.sql", name)
		}
		if applied[v] {
			continue
		}
		data, err := fs.ReadFile(migrations, dir+"/"+name)
		if err != nil {
			return err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		for _, stmt := range splitSQL(string(data)) {
			if _, err := tx.ExecContext(ctx, stmt); err != nil {
				tx.Rollback()
				return fmt.Errorf("migration %s: %w", name, err)
			}
		}
		if _, err := tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)", v, name, micros(s.now())); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("migration %s: %w", name, err)
		}
	}
	return nil
}

// SchemaVersion is the newest migration applied.
func (s *Store) SchemaVersion(ctx context.Context) (int64, error) {
	var v int64
	err := s.db.QueryRowContext(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}

// splitSQL splits a migration into statements at lines ending in ';'
// (comments dropped).
func splitSQL(text string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(text, "\n") {
		t := strings.TrimSpace(line)
		if t == "" || strings.HasPrefix(t, "--") {
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
		if strings.HasSuffix(t, ";") {
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		}
	}
	if strings.TrimSpace(cur.String()) != "" {
		out = append(out, strings.TrimSpace(cur.String()))
	}
	return out
}

func micros(t time.Time) int64 { return t.UnixMicro() }

func fromMicros(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMicro(v).UTC()
}

func fromNullMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return fromMicros(v.Int64)
}

// retryable tells whether a transaction failed only because it met
// another one (PostgreSQL serialization failure or deadlock, a unique
// violation raced by a concurrent insert, SQLite busy).
func retryable(err error) bool {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code == "40001" || pe.Code == "40P01" || pe.Code == "23505"
	}
	msg := err.Error()
	return strings.Contains(msg, "SQLITE_BUSY") || strings.Contains(msg, "database is locked")
}

// inTx runs fn in a transaction, retrying a few times when it met
// another.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	var err error
	for attempt := range 8 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
			}
		}
		var tx *sql.Tx
		tx, err = s.db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		err = fn(tx)
		if err == nil {
			err = tx.Commit()
		} else {
			tx.Rollback()
		}
		if err == nil || !retryable(err) {
			return err
		}
	}
	return err
}

// sortedKeys returns the keys of m in order.
func sortedKeys[K ~string, V any](m map[K]V) []K {
	out := make([]K, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
