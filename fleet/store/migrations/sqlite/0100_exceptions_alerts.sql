-- Dashboard, exceptions and alerts (issue 14), SQLite. Numbered from 100 so
-- as never to meet the fleet schema's own migrations.
--
-- exceptions: accepted risks. advisory is a vid, pkgsrc URL or CVE name as
-- the ignore TOML names them; scope 'fleet', 'tag' (target = the tag) or
-- 'host' (target = the host name). A deleted rule keeps its row.
CREATE TABLE exceptions (
	id INTEGER PRIMARY KEY,
	advisory TEXT NOT NULL,
	scope TEXT NOT NULL,
	target TEXT NOT NULL DEFAULT '',
	reason TEXT NOT NULL,
	expires_at INTEGER,
	created_by TEXT NOT NULL,
	created_at INTEGER NOT NULL,
	deleted_at INTEGER,
	deleted_by TEXT NOT NULL DEFAULT ''
);
-- exception_log: every change to the exceptions, who (token id and label),
-- when and what.
CREATE TABLE exception_log (
	id INTEGER PRIMARY KEY,
	at INTEGER NOT NULL,
	who TEXT NOT NULL,
	action TEXT NOT NULL,
	exception_id INTEGER NOT NULL,
	detail TEXT NOT NULL DEFAULT ''
);
-- advisory_aliases: the other names of an advisory (its CVEs, its URL),
-- lower case, so that a rule naming a CVE covers the advisory listing it.
CREATE TABLE advisory_aliases (
	advisory_id TEXT NOT NULL,
	alias TEXT NOT NULL,
	PRIMARY KEY (advisory_id, alias)
);
CREATE INDEX advisory_aliases_alias ON advisory_aliases (alias);
-- outbox: alert events waiting for delivery; outbox_done: which sink has
-- delivered which event (at least once per sink).
CREATE TABLE outbox (
	id INTEGER PRIMARY KEY,
	kind TEXT NOT NULL,
	finding_id INTEGER,
	subject TEXT NOT NULL DEFAULT '',
	detail TEXT NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE TABLE outbox_done (
	event_id INTEGER NOT NULL,
	sink TEXT NOT NULL,
	delivered_at INTEGER NOT NULL,
	PRIMARY KEY (sink, event_id)
);
-- alert_state: what has been alerted already (a stale host, a stale feed),
-- so that each is told once until it changes.
CREATE TABLE alert_state (
	key TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
-- The triggers that accept new findings covered by an exception and that
-- write finding events to the outbox are created by the store only while
-- needed (fleet/store/triggers.go): a trigger on findings slows every
-- report down.
