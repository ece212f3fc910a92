//go:build !((darwin && (amd64 || arm64)) || (freebsd && (386 || amd64 || arm || arm64)) || (linux && (386 || amd64 || arm || arm64 || loong64 || ppc64le || riscv64 || s390x)) || (netbsd && amd64) || (openbsd && (amd64 || arm64)) || (windows && (386 || amd64 || arm64)))

package inventory

import "database/sql"

// SQLiteSupported reports whether FromPkgDB can read local.sqlite on this
// platform.
const SQLiteSupported = false

func readLocalSQLite(string, func(*sql.Tx) error) error { return ErrNoSQLite }

func listPackages(*sql.Tx) ([]Package, error) { return nil, ErrNoSQLite }
