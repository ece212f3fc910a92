//go:build (darwin && (amd64 || arm64)) || (freebsd && (386 || amd64 || arm || arm64)) || (linux && (386 || amd64 || arm || arm64 || loong64 || ppc64le || riscv64 || s390x)) || (netbsd && amd64) || (openbsd && (amd64 || arm64)) || (windows && (386 || amd64 || arm64))

// Package pkgdbtest builds FreeBSD pkg installed-package databases
// (local.sqlite) for tests, with pkg's real schema, the way pkg register
// fills them. It is shared by the tests of every package that reads them.
package pkgdbtest

import (
	"database/sql"
	"path/filepath"
	"testing"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Schema is the local.sqlite schema FreeBSD pkg creates (pkgdb_init in
// libpkg/pkgdb.c, schema version 42 of freebsd/pkg 13f9f986736c), one
// statement per element, as the fixtures of these tests build it.
var Schema = []string{
	`CREATE TABLE packages (id INTEGER PRIMARY KEY,origin TEXT NOT NULL,name TEXT NOT NULL,version TEXT NOT NULL,comment TEXT NOT NULL,desc TEXT NOT NULL,mtree_id INTEGER, message TEXT,arch TEXT NOT NULL,maintainer TEXT NOT NULL, www TEXT,prefix TEXT NOT NULL,flatsize INTEGER NOT NULL,automatic INTEGER NOT NULL,locked INTEGER NOT NULL DEFAULT 0,licenselogic INTEGER NOT NULL,time INTEGER, manifestdigest TEXT NULL, pkg_format_version INTEGER,dep_formula TEXT NULL,vital INTEGER NOT NULL DEFAULT 0)`,
	`CREATE UNIQUE INDEX packages_unique ON packages(name)`,
	`CREATE TABLE pkg_script (package_id INTEGER REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE,type INTEGER,script_id INTEGER REFERENCES script(script_id) ON DELETE RESTRICT ON UPDATE CASCADE,PRIMARY KEY (package_id, type))`,
	`CREATE TABLE script (script_id INTEGER PRIMARY KEY,script TEXT NOT NULL UNIQUE)`,
	`CREATE TABLE option (option_id INTEGER PRIMARY KEY,option TEXT NOT NULL UNIQUE)`,
	`CREATE TABLE pkg_option (package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE,option_id INTEGER NOT NULL REFERENCES option(option_id) ON DELETE RESTRICT ON UPDATE CASCADE,value TEXT NOT NULL,PRIMARY KEY(package_id, option_id))`,
	`CREATE TABLE deps (origin TEXT NOT NULL,name TEXT NOT NULL,version TEXT NOT NULL,package_id INTEGER REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE)`,
	`CREATE UNIQUE INDEX deps_unique ON deps(name, version, package_id)`,
	`CREATE TABLE files (path TEXT PRIMARY KEY,sha256 TEXT,uname TEXT,gname TEXT,perm INTEGER,fflags INTEGER,mtime INTEGER,symlink_target TEXT,package_id INTEGER REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE)`,
	`CREATE TABLE directories (id INTEGER PRIMARY KEY,path TEXT NOT NULL UNIQUE,uname TEXT,gname TEXT,perm INTEGER,fflags INTEGER)`,
	`CREATE TABLE pkg_directories (package_id INTEGER REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE,directory_id INTEGER REFERENCES directories(id) ON DELETE RESTRICT ON UPDATE RESTRICT,try INTEGER,PRIMARY KEY (package_id, directory_id))`,
	`CREATE TABLE categories (id INTEGER PRIMARY KEY,name TEXT NOT NULL UNIQUE)`,
	`CREATE TABLE pkg_categories (package_id INTEGER REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE,category_id INTEGER REFERENCES categories(id) ON DELETE RESTRICT ON UPDATE RESTRICT,PRIMARY KEY (package_id, category_id))`,
	`CREATE TABLE licenses (id INTEGER PRIMARY KEY,name TEXT NOT NULL UNIQUE)`,
	`CREATE TABLE pkg_licenses (package_id INTEGER REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE,license_id INTEGER REFERENCES licenses(id) ON DELETE RESTRICT ON UPDATE RESTRICT,PRIMARY KEY (package_id, license_id))`,
	`CREATE TABLE users (id INTEGER PRIMARY KEY,name TEXT NOT NULL UNIQUE)`,
	`CREATE TABLE pkg_users (package_id INTEGER REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE,user_id INTEGER REFERENCES users(id) ON DELETE RESTRICT ON UPDATE RESTRICT,UNIQUE(package_id, user_id))`,
	`CREATE TABLE groups (id INTEGER PRIMARY KEY,name TEXT NOT NULL UNIQUE)`,
	`CREATE TABLE pkg_groups (package_id INTEGER REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE,group_id INTEGER REFERENCES groups(id) ON DELETE RESTRICT ON UPDATE RESTRICT,UNIQUE(package_id, group_id))`,
	`CREATE TABLE shlibs (id INTEGER PRIMARY KEY,name TEXT NOT NULL UNIQUE)`,
	`CREATE TABLE pkg_shlibs_required (package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE,shlib_id INTEGER NOT NULL REFERENCES shlibs(id) ON DELETE RESTRICT ON UPDATE RESTRICT,UNIQUE (package_id, shlib_id))`,
	`CREATE TABLE pkg_shlibs_required_ignore (package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE,shlib_id INTEGER NOT NULL REFERENCES shlibs(id) ON DELETE RESTRICT ON UPDATE RESTRICT,UNIQUE (package_id, shlib_id))`,
	`CREATE TABLE pkg_shlibs_provided (package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE,shlib_id INTEGER NOT NULL REFERENCES shlibs(id) ON DELETE RESTRICT ON UPDATE RESTRICT,UNIQUE (package_id, shlib_id))`,
	`CREATE TABLE pkg_shlibs_provided_ignore (package_id INTEGER NOT NULL REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE,shlib_id INTEGER NOT NULL REFERENCES shlibs(id) ON DELETE RESTRICT ON UPDATE RESTRICT,UNIQUE (package_id, shlib_id))`,
	`CREATE TABLE annotation (annotation_id INTEGER PRIMARY KEY,annotation TEXT NOT NULL UNIQUE)`,
	`CREATE TABLE pkg_annotation (package_id INTEGER REFERENCES packages(id) ON DELETE CASCADE ON UPDATE RESTRICT,tag_id INTEGER NOT NULL REFERENCES annotation(annotation_id) ON DELETE CASCADE ON UPDATE RESTRICT,value_id INTEGER NOT NULL REFERENCES annotation(annotation_id) ON DELETE CASCADE ON UPDATE RESTRICT,UNIQUE (package_id, tag_id))`,
	`CREATE TABLE pkg_conflicts (package_id INTEGER NOT NULL REFERENCES packages(id)  ON DELETE CASCADE ON UPDATE CASCADE,conflict_id INTEGER NOT NULL,UNIQUE(package_id, conflict_id))`,
	`CREATE TABLE pkg_lock (exclusive INTEGER(1),advisory INTEGER(1),read INTEGER(8))`,
	`CREATE TABLE pkg_lock_pid (pid INTEGER PRIMARY KEY)`,
	`INSERT INTO pkg_lock VALUES(0,0,0)`,
	`CREATE TABLE provides(    id INTEGER PRIMARY KEY,    provide TEXT NOT NULL)`,
	`CREATE TABLE pkg_provides (package_id INTEGER NOT NULL REFERENCES packages(id)  ON DELETE CASCADE ON UPDATE CASCADE,provide_id INTEGER NOT NULL REFERENCES provides(id)  ON DELETE RESTRICT ON UPDATE RESTRICT,UNIQUE(package_id, provide_id))`,
	`CREATE TABLE config_files (path TEXT NOT NULL UNIQUE, content TEXT, package_id INTEGER REFERENCES packages(id) ON DELETE CASCADE ON UPDATE CASCADE)`,
	`CREATE INDEX deporigini on deps(origin)`,
	`CREATE INDEX deps_package_id ON deps (package_id)`,
	`CREATE INDEX files_package_id ON files (package_id)`,
	`CREATE INDEX pkg_directories_directory_id ON pkg_directories (directory_id)`,
	`CREATE INDEX pkg_digest_id ON packages(origin, manifestdigest)`,
	`CREATE INDEX pkg_conflicts_cid ON pkg_conflicts(conflict_id)`,
	`CREATE INDEX provides_provide ON provides(provide)`,
	`CREATE INDEX pkg_provides_provide_id ON pkg_provides(provide_id)`,
	`CREATE INDEX packages_origin ON packages(origin COLLATE NOCASE)`,
	`CREATE INDEX packages_name ON packages(name COLLATE NOCASE)`,
	`CREATE INDEX pkg_shlibs_required_shlib_id ON pkg_shlibs_required(shlib_id)`,
	`CREATE INDEX pkg_shlibs_required_ignore_shlib_id ON pkg_shlibs_required_ignore(shlib_id)`,
	`CREATE INDEX pkg_shlibs_provided_shlib_id ON pkg_shlibs_provided(shlib_id)`,
	`CREATE INDEX pkg_shlibs_provided_ignore_shlib_id ON pkg_shlibs_provided_ignore(shlib_id)`,
	`CREATE VIEW IF NOT EXISTS flavors AS SELECT package_id, value.annotation AS flavor FROM pkg_annotation LEFT JOIN annotation tag ON pkg_annotation.tag_id = tag.annotation_id LEFT JOIN annotation value ON pkg_annotation.value_id = value.annotation_id WHERE tag.annotation = 'flavor'`,
	`CREATE TABLE requires(    id INTEGER PRIMARY KEY,    require TEXT NOT NULL)`,
	`CREATE TABLE pkg_requires (package_id INTEGER NOT NULL REFERENCES packages(id)  ON DELETE CASCADE ON UPDATE CASCADE,require_id INTEGER NOT NULL REFERENCES requires(id)  ON DELETE RESTRICT ON UPDATE RESTRICT,UNIQUE(package_id, require_id))`,
	`CREATE INDEX requires_require ON requires(require)`,
	`CREATE INDEX pkg_requires_require_id ON pkg_requires(require_id)`,
	`CREATE INDEX pkg_requires_package_id ON pkg_requires(package_id)`,
	`CREATE INDEX config_files_package_id ON config_files(package_id)`,
	`CREATE TABLE lua_script(    lua_script_id INTEGER PRIMARY KEY,    lua_script TEXT NOT NULL UNIQUE)`,
	`CREATE TABLE pkg_lua_script (package_id INTEGER NOT NULL REFERENCES packages(id)  ON DELETE CASCADE ON UPDATE CASCADE,lua_script_id INTEGER NOT NULL REFERENCES lua_script(lua_script_id)  ON DELETE RESTRICT ON UPDATE RESTRICT,type INTEGER,UNIQUE(package_id, lua_script_id))`,
	`CREATE INDEX pkg_lua_script_package_id ON pkg_lua_script(package_id)`,
}

// SchemaVersion is PRAGMA user_version of that schema (DBVERSION).
const SchemaVersion = 42

// Pkg is one package as pkg register records it.
type Pkg struct {
	Origin, Name, Version string
	Deps                  []string // names of the packages it depends on
}

// Build creates dir/local.sqlite with pkg's schema and inserts pkgs the
// way pkg register does (packages row, then one deps row per dependency,
// carrying the dependency's origin, name and version).
func Build(t testing.TB, dir string, pkgs []Pkg) string {
	t.Helper()
	path := filepath.Join(dir, "local.sqlite")
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := db.Exec(q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	exec("PRAGMA journal_mode = WAL")
	exec("PRAGMA synchronous = NORMAL")
	for _, s := range Schema {
		exec(s)
	}
	exec("INSERT INTO pkg_lock VALUES(0,0,0)")
	exec("PRAGMA user_version = 42") // SchemaVersion
	byName := map[string]Pkg{}
	for _, p := range pkgs {
		byName[p.Name] = p
	}
	ids := map[string]int64{}
	for i, p := range pkgs {
		res, err := db.Exec(`INSERT INTO packages (origin, name, version, comment, desc, message, arch, maintainer, www, prefix, flatsize, automatic, licenselogic, time, manifestdigest, pkg_format_version, dep_formula, vital)
			VALUES (?1, ?2, ?3, 'comment', 'desc', NULL, 'FreeBSD:14:amd64', 'ports@FreeBSD.org', 'https://example.org/', '/usr/local', ?4, 0, 1, 1700000000, '1$abc', 2, NULL, 0)`,
			p.Origin, p.Name, p.Version, 1000*(i+1))
		if err != nil {
			t.Fatal(err)
		}
		ids[p.Name], _ = res.LastInsertId()
	}
	for _, p := range pkgs {
		for _, d := range p.Deps {
			dp := byName[d]
			exec(`INSERT INTO deps (origin, name, version, package_id) VALUES (?1, ?2, ?3, ?4)`, dp.Origin, dp.Name, dp.Version, ids[p.Name])
		}
	}
	return path
}
