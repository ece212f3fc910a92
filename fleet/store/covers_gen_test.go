package store

import (
	"os"
	"strings"
	"testing"
)

// The PostgreSQL trigger function that accepts new findings is a
// migration (0101), which cannot call Go: its condition must be covers'
// text, so that findings born while a rule is live and findings a rule
// is applied to later are judged alike. -update-covers rewrites it.
func TestPostgresAcceptFunctionIsCovers(t *testing.T) {
	const path = "migrations/postgres/0101_exceptions_cves.sql"
	want := postgresAcceptFunction()
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("PKGAUDIT_UPDATE_COVERS") != "" {
		os.WriteFile(path, []byte(want), 0o644)
		return
	}
	if string(got) != want {
		t.Errorf("%s is not covers' condition; run PKGAUDIT_UPDATE_COVERS=1 go test ./fleet/store -run PostgresAcceptFunction\n got: %s\nwant: %s", path, got, want)
	}
	// The SQLite trigger holds it too.
	if !strings.Contains(acceptTriggers[0].sqlite, covers("e", "NEW.advisory_id", "NEW.host_id", "NEW.first_seen")) {
		t.Error("the SQLite trigger does not use covers")
	}
}

func postgresAcceptFunction() string {
	return "-- Exceptions with the ignore file's semantics: a rule naming one CVE of an\n" +
		"-- advisory accepts its findings only when rules name every CVE it lists\n" +
		"-- (fleet/store covers; TestPostgresAcceptFunctionIsCovers keeps this in step).\n" +
		"CREATE OR REPLACE FUNCTION pkgaudit_findings_accept() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.ignored_by := (SELECT 'exception:' || e.id FROM exceptions e WHERE " +
		covers("e", "NEW.advisory_id", "NEW.host_id", "NEW.first_seen") + " ORDER BY e.id LIMIT 1); RETURN NEW; END $$;\n"
}
