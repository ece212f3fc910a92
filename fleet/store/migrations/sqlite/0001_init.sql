-- The fleet schema, version 1 (SQLite). Times are Unix microseconds (UTC).
-- postgres/0001_init.sql is the same schema in PostgreSQL's types; the
-- store's queries are shared by both.
CREATE TABLE hosts (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL UNIQUE,
	os TEXT NOT NULL DEFAULT '',
	release TEXT NOT NULL DEFAULT '',
	arch TEXT NOT NULL DEFAULT '',
	kernel_version TEXT NOT NULL DEFAULT '',
	userland_version TEXT NOT NULL DEFAULT '',
	tags TEXT NOT NULL DEFAULT '[]',
	agent_version TEXT NOT NULL DEFAULT '',
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	-- Kept by every report and re-evaluation, for the host list.
	packages INTEGER NOT NULL DEFAULT 0,
	open_findings INTEGER NOT NULL DEFAULT 0,
	vulnerable_packages INTEGER NOT NULL DEFAULT 0,
	vulnerabilities INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX hosts_vulnerable ON hosts (vulnerable_packages);
CREATE TABLE host_tags (
	host_id INTEGER NOT NULL REFERENCES hosts(id),
	tag TEXT NOT NULL,
	PRIMARY KEY (host_id, tag)
);
CREATE INDEX host_tags_tag ON host_tags (tag);
CREATE TABLE jails (
	host_id INTEGER NOT NULL REFERENCES hosts(id),
	name TEXT NOT NULL,
	first_seen INTEGER NOT NULL,
	last_seen INTEGER NOT NULL,
	gone_at INTEGER,
	PRIMARY KEY (host_id, name)
);
CREATE TABLE pkgversions (
	id INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	version TEXT NOT NULL,
	world TEXT NOT NULL,
	base INTEGER NOT NULL,
	eval_db TEXT NOT NULL DEFAULT '',
	eval_gen INTEGER NOT NULL DEFAULT 0,
	UNIQUE (name, version, world, base)
);
CREATE TABLE pkg_vulns (
	pkgversion_id INTEGER NOT NULL REFERENCES pkgversions(id),
	advisory_id TEXT NOT NULL,
	fixed_in TEXT NOT NULL DEFAULT '',
	PRIMARY KEY (pkgversion_id, advisory_id)
);
CREATE INDEX pkg_vulns_advisory ON pkg_vulns (advisory_id);
CREATE TABLE inventory (
	host_id INTEGER NOT NULL REFERENCES hosts(id),
	jail TEXT NOT NULL,
	pkgversion_id INTEGER NOT NULL REFERENCES pkgversions(id),
	origin TEXT NOT NULL DEFAULT '',
	since INTEGER NOT NULL,
	PRIMARY KEY (host_id, jail, pkgversion_id)
);
CREATE INDEX inventory_pkgversion ON inventory (pkgversion_id);
CREATE TABLE inventory_changes (
	id INTEGER PRIMARY KEY,
	host_id INTEGER NOT NULL REFERENCES hosts(id),
	jail TEXT NOT NULL,
	pkgversion_id INTEGER NOT NULL REFERENCES pkgversions(id),
	change TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE INDEX inventory_changes_host ON inventory_changes (host_id, at);
CREATE TABLE findings (
	id INTEGER PRIMARY KEY,
	host_id INTEGER NOT NULL REFERENCES hosts(id),
	jail TEXT NOT NULL,
	pkgversion_id INTEGER NOT NULL REFERENCES pkgversions(id),
	advisory_id TEXT NOT NULL,
	first_seen INTEGER NOT NULL,
	resolved_at INTEGER,
	ignored_by TEXT
);
CREATE UNIQUE INDEX findings_open ON findings (host_id, jail, pkgversion_id, advisory_id) WHERE resolved_at IS NULL;
CREATE INDEX findings_advisory ON findings (advisory_id) WHERE resolved_at IS NULL;
CREATE INDEX findings_pkgversion ON findings (pkgversion_id) WHERE resolved_at IS NULL;
CREATE TABLE advisories (
	id TEXT PRIMARY KEY,
	topic TEXT NOT NULL DEFAULT '',
	fingerprint TEXT NOT NULL DEFAULT ''
);
CREATE TABLE events (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	kind TEXT NOT NULL,
	host TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX events_at ON events (at);
CREATE TABLE tokens (
	id INTEGER PRIMARY KEY,
	hash TEXT NOT NULL UNIQUE,
	role TEXT NOT NULL,
	host TEXT NOT NULL DEFAULT '',
	label TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL,
	last_used INTEGER,
	revoked_at INTEGER
);
-- Every set of databases the store was evaluated against, by generation:
-- a package version evaluated against db_id at generation gen (its eval_db,
-- eval_gen) is current as long as no advisory it concerns changed since.
CREATE TABLE db_history (
	gen INTEGER PRIMARY KEY,
	db_id TEXT NOT NULL,
	at INTEGER NOT NULL
);
CREATE TABLE meta (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
