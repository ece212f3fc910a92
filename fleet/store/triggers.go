package store

import (
	"context"
	"database/sql"
)

// Triggers on the findings table exist only while needed: any trigger
// there makes every report's writes several times slower on SQLite.
//
//   - findings_accept marks a new finding with the exception covering it;
//     it exists while a live exception does (applyExceptions keeps it).
//   - the outbox triggers write finding.new and finding.resolved events;
//     they exist while alerts are on (SetAlerts).

type trigger struct {
	name             string
	sqlite, postgres string // CREATE statements ("" none on that kind)
}

var acceptTriggers = []trigger{{
	name: "findings_accept",
	sqlite: `CREATE TRIGGER IF NOT EXISTS findings_accept AFTER INSERT ON findings
BEGIN UPDATE findings SET ignored_by = (SELECT 'exception:' || e.id FROM exceptions e WHERE ` + covers("e", "NEW.advisory_id", "NEW.host_id", "NEW.first_seen") + ` ORDER BY e.id LIMIT 1) WHERE id = NEW.id; END`,
	postgres: `CREATE OR REPLACE TRIGGER findings_accept BEFORE INSERT ON findings FOR EACH ROW EXECUTE FUNCTION pkgaudit_findings_accept()`,
}}

var outboxTriggers = []trigger{
	{name: "findings_outbox_new", sqlite: `CREATE TRIGGER IF NOT EXISTS findings_outbox_new AFTER INSERT ON findings
BEGIN INSERT INTO outbox (kind, finding_id, created_at) VALUES ('finding.new', NEW.id, NEW.first_seen); END`},
	{name: "findings_outbox_resolved", sqlite: `CREATE TRIGGER IF NOT EXISTS findings_outbox_resolved AFTER UPDATE OF resolved_at ON findings WHEN OLD.resolved_at IS NULL AND NEW.resolved_at IS NOT NULL
BEGIN INSERT INTO outbox (kind, finding_id, created_at) VALUES ('finding.resolved', NEW.id, NEW.resolved_at); END`},
	{name: "findings_outbox", postgres: `CREATE OR REPLACE TRIGGER findings_outbox AFTER INSERT OR UPDATE OF resolved_at ON findings FOR EACH ROW EXECUTE FUNCTION pkgaudit_findings_outbox()`},
}

type execer interface {
	ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error)
	QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row
}

// setTriggers creates (on) or drops the triggers ts, each when not so
// already (and harmlessly when another process just did).
func (s *Store) setTriggers(ctx context.Context, x execer, ts []trigger, on bool) error {
	for _, t := range ts {
		create := t.sqlite
		exists := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'trigger' AND name = $1`
		drop := `DROP TRIGGER IF EXISTS ` + t.name
		if s.kind == Postgres {
			create = t.postgres
			exists = `SELECT COUNT(*) FROM pg_trigger WHERE tgrelid = 'findings'::regclass AND tgname = $1`
			drop += ` ON findings`
		}
		if create == "" {
			continue
		}
		var n int
		if err := x.QueryRowContext(ctx, exists, t.name).Scan(&n); err != nil {
			return err
		}
		switch {
		case on && n == 0:
			if _, err := x.ExecContext(ctx, create); err != nil {
				return err
			}
		case !on && n > 0:
			if _, err := x.ExecContext(ctx, drop); err != nil {
				return err
			}
		}
	}
	return nil
}
