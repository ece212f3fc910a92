-- 0101: exceptions naming CVEs follow the ignore file's semantics. SQLite's
-- trigger is made by the store itself (triggers.go), so nothing changes here;
-- the version is kept in step with PostgreSQL's.
SELECT 1;
