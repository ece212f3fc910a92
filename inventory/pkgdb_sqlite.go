//go:build (darwin && (amd64 || arm64)) || (freebsd && (386 || amd64 || arm || arm64)) || (linux && (386 || amd64 || arm || arm64 || loong64 || ppc64le || riscv64 || s390x)) || (netbsd && amd64) || (openbsd && (amd64 || arm64)) || (windows && (386 || amd64 || arm64))

package inventory

import (
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver

	"github.com/pkgaudit/pkgaudit/advisory"
)

// SQLiteSupported reports whether FromPkgDB can read local.sqlite on this
// platform.
const SQLiteSupported = true

// Queries, as libpkg runs them: every package ordered by name
// (pkgdb_query_cond with MATCH_ALL) and, per package, the packages whose
// deps rows name it (pkgdb_load_rdeps), in the order SQLite returns them.
const (
	queryPackages = `SELECT id, origin, name, version FROM packages ORDER BY name`
	queryRdeps    = `SELECT p.name, p.origin, p.version FROM packages AS p INNER JOIN deps AS d ON (p.id = d.package_id) WHERE d.name = ?1`
)

// sqliteDSN opens path read-only: mode=ro never writes the database,
// query_only refuses any write statement, and immutable tells SQLite the
// file cannot change, so that it takes no locks and creates no -wal or
// -shm file beside it.
func sqliteDSN(path string, immutable bool) string {
	q := url.Values{}
	q.Set("mode", "ro")
	if immutable {
		q.Set("immutable", "1")
	}
	q.Add("_pragma", "query_only(1)")
	q.Add("_pragma", "busy_timeout(5000)")
	// SQLite wants "file:/abs/path?..." with '?' and '#' in the path
	// escaped.
	p := strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(filepath.ToSlash(path))
	return "file:" + p + "?" + q.Encode()
}

// readLocalSQLite runs read in one read-only transaction on pkg's database
// at path, without writing anything. pkg keeps local.sqlite in WAL mode and
// removes the -wal file when its last connection closes, so when there is
// no -wal file the main file holds everything and is read as immutable: no
// locks, no -shm file created in PKG_DBDIR. When a -wal file exists (pkg is
// running, or crashed), its content matters and the database is opened
// normally read-only, which uses the existing -wal and -shm files. If the
// immutable read fails (pkg started writing meanwhile), the normal
// read-only open is tried; read must therefore start afresh on each call.
func readLocalSQLite(path string, read func(*sql.Tx) error) error {
	if st, err := os.Stat(path + "-wal"); err == nil && st.Size() > 0 {
		return readLocalSQLiteDSN(sqliteDSN(path, false), read)
	}
	err := readLocalSQLiteDSN(sqliteDSN(path, true), read)
	if err != nil {
		if err2 := readLocalSQLiteDSN(sqliteDSN(path, false), read); err2 == nil {
			return nil
		}
	}
	return err
}

func readLocalSQLiteDSN(dsn string, read func(*sql.Tx) error) (err error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := db.Close(); cerr != nil && err == nil {
			err = cerr
		}
	}()
	db.SetMaxOpenConns(1)
	// One read transaction gives a consistent snapshot even while pkg
	// writes in WAL mode.
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // read-only transaction
	return read(tx)
}

// listPackages reads every installed package with its reverse
// dependencies, as pkg does.
func listPackages(tx *sql.Tx) (pkgs []Package, err error) {
	rows, err := tx.Query(queryPackages)
	if err != nil {
		return nil, fmt.Errorf("listing packages: %w", err)
	}
	for rows.Next() {
		var id int64
		var origin, name, version sql.NullString
		if err := rows.Scan(&id, &origin, &name, &version); err != nil {
			rows.Close()
			return nil, fmt.Errorf("listing packages: %w", err)
		}
		pkgs = append(pkgs, Package{Name: name.String, Version: version.String, Origin: origin.String, Scheme: advisory.FreeBSD})
	}
	if err := rows.Close(); err != nil {
		return nil, fmt.Errorf("listing packages: %w", err)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("listing packages: %w", err)
	}

	stmt, err := tx.Prepare(queryRdeps)
	if err != nil {
		return nil, fmt.Errorf("reading reverse dependencies: %w", err)
	}
	defer stmt.Close()
	for i := range pkgs {
		rows, err := stmt.Query(pkgs[i].Name)
		if err != nil {
			return nil, fmt.Errorf("reading reverse dependencies of %s: %w", pkgs[i].Name, err)
		}
		for rows.Next() {
			var name, origin, version sql.NullString
			if err := rows.Scan(&name, &origin, &version); err != nil {
				rows.Close()
				return nil, fmt.Errorf("reading reverse dependencies of %s: %w", pkgs[i].Name, err)
			}
			pkgs[i].RequiredBy = append(pkgs[i].RequiredBy, name.String+"-"+version.String)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("reading reverse dependencies of %s: %w", pkgs[i].Name, err)
		}
	}
	return pkgs, nil
}
