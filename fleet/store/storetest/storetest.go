// Package storetest gives tests fresh fleet stores: a SQLite file in the
// test's directory, and a PostgreSQL schema of its own (127.0.0.1:5432,
// trust auth, or $PKGAUDIT_TEST_POSTGRES) dropped when the test ends, so
// that tests run in parallel. PostgreSQL tests skip when the server is not
// reachable, except under CI=true, where they fail.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver
)

// DefaultPostgres is the server tests use unless $PKGAUDIT_TEST_POSTGRES
// names another.
const DefaultPostgres = "postgres://root@127.0.0.1:5432/test?sslmode=disable"

// SQLite returns the spec of a new SQLite store in t's directory.
func SQLite(t testing.TB) string {
	return "sqlite:" + filepath.Join(t.TempDir(), "fleet.db")
}

// Postgres returns the spec of a new, empty PostgreSQL schema, dropped at
// the end of the test.
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv("PKGAUDIT_TEST_POSTGRES")
	if base == "" {
		base = DefaultPostgres
	}
	unavailable := func(err error) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("PostgreSQL at %s is required under CI=true: %v", base, err)
		}
		t.Skipf("PostgreSQL not reachable (%v); set CI=true to make this a failure", err)
	}
	db, err := sql.Open("pgx", base)
	if err != nil {
		unavailable(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		unavailable(err)
	}
	var b [8]byte
	rand.Read(b[:])
	schema := "fleet_test_" + hex.EncodeToString(b[:])
	if _, err := db.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		db.Close()
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
		db.Close()
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Each runs fn as a parallel subtest on each kind of store: "sqlite" and
// "postgres".
func Each(t *testing.T, fn func(t *testing.T, spec string)) {
	t.Run("sqlite", func(t *testing.T) {
		t.Parallel()
		fn(t, SQLite(t))
	})
	t.Run("postgres", func(t *testing.T) {
		t.Parallel()
		fn(t, Postgres(t))
	})
}
