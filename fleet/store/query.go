package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
)

// ErrNotFound is returned for a host (or token) that does not exist.
var ErrNotFound = errors.New("not found")

// Host is a host as listed.
type Host struct {
	HostFacts
	FirstSeen, LastSeen time.Time
	// Jails are the jails of its last report.
	Jails []string
	// VulnerablePackages counts the package versions (host and jails)
	// with an open finding no exception covers; Vulnerabilities the
	// distinct advisories of those findings.
	VulnerablePackages int
	Vulnerabilities    int
	Packages           int
}

// HostFilter selects hosts.
type HostFilter struct {
	// Vulnerable: 0 every host, 1 only vulnerable ones, 2 only clean ones.
	Vulnerable int
	OS, Tag    string
	// StaleBefore, when set, keeps only hosts last seen before it.
	StaleBefore time.Time
	Limit       int // default 100, at most 1000
	Offset      int
}

const hostColumns = `h.id, h.name, h.os, h.release, h.arch, h.kernel_version, h.userland_version, h.tags, h.agent_version, h.first_seen, h.last_seen,
	h.vulnerable_packages, h.vulnerabilities, h.packages`

func scanHost(rows interface{ Scan(...any) error }) (int64, *Host, error) {
	var h Host
	var id, first, last int64
	var tags string
	err := rows.Scan(&id, &h.Name, &h.OS, &h.Release, &h.Arch, &h.KernelVersion, &h.UserlandVersion, &tags, &h.AgentVersion,
		&first, &last, &h.VulnerablePackages, &h.Vulnerabilities, &h.Packages)
	if err != nil {
		return 0, nil, err
	}
	h.FirstSeen, h.LastSeen = fromMicros(first), fromMicros(last)
	if err := json.Unmarshal([]byte(tags), &h.Tags); err != nil || h.Tags == nil {
		h.Tags = []string{}
	}
	return id, &h, nil
}

const openFinding = `h.vulnerable_packages > 0`

// Hosts lists hosts by name, and tells whether more follow (the API's
// filters: DashHosts without the dashboard's release, jail and search).
func (s *Store) Hosts(ctx context.Context, f HostFilter) ([]*Host, bool, error) {
	return s.DashHosts(ctx, DashFilter{HostFilter: f})
}

// Host returns one host with its jails.
func (s *Store) Host(ctx context.Context, name string) (*Host, error) {
	id, h, err := scanHost(s.db.QueryRowContext(ctx, `SELECT `+hostColumns+` FROM hosts h WHERE h.name = $1`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT name FROM jails WHERE host_id = $1 AND gone_at IS NULL ORDER BY name`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	h.Jails = []string{}
	for rows.Next() {
		var j string
		if err := rows.Scan(&j); err != nil {
			return nil, err
		}
		h.Jails = append(h.Jails, j)
	}
	return h, rows.Err()
}

// HostInventory returns a host's current inventories (the host's own
// first, then its jails by name).
func (s *Store) HostInventory(ctx context.Context, name string) ([]Inventory, error) {
	var id int64
	err := s.db.QueryRowContext(ctx, `SELECT id FROM hosts WHERE name = $1`, name).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT i.jail, p.name, p.version, p.world, p.base, i.origin FROM inventory i
		JOIN pkgversions p ON p.id = i.pkgversion_id WHERE i.host_id = $1 ORDER BY i.jail, p.name, p.version`, id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Inventory{{Jail: ""}}
	for rows.Next() {
		var jail string
		var p Pkg
		var base int64
		if err := rows.Scan(&jail, &p.Key.Name, &p.Key.Version, &p.Key.World, &base, &p.Origin); err != nil {
			return nil, err
		}
		p.Key.Base = base != 0
		if out[len(out)-1].Jail != jail {
			out = append(out, Inventory{Jail: jail})
		}
		out[len(out)-1].Packages = append(out[len(out)-1].Packages, p)
	}
	return out, rows.Err()
}

// Finding is one finding as stored.
type Finding struct {
	Host, Jail string
	Package    fleet.PkgKey
	AdvisoryID string
	FixedIn    string
	FirstSeen  time.Time
	ResolvedAt time.Time // zero while open
	IgnoredBy  string
}

// HostFindings returns a host's findings: the open ones, and with
// resolved those resolved too.
func (s *Store) HostFindings(ctx context.Context, host string, resolved bool) ([]Finding, error) {
	return s.findings(ctx, `h.name = $1`, host, resolved)
}

// AdvisoryFindings returns the findings of one advisory across the fleet
// (the blast radius), by host, jail and package.
func (s *Store) AdvisoryFindings(ctx context.Context, id string, resolved bool) ([]Finding, error) {
	return s.findings(ctx, `f.advisory_id = $1`, id, resolved)
}

// AdvisoryHosts pages through the hosts with an open finding of an
// advisory, by name: the page's findings, whether more hosts follow, and
// how many hosts there are in all.
func (s *Store) AdvisoryHosts(ctx context.Context, id string, limit, offset int) ([]Finding, bool, int, error) {
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT host_id) FROM findings WHERE advisory_id = $1 AND resolved_at IS NULL`, id).Scan(&total); err != nil {
		return nil, false, 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT h.name FROM findings f JOIN hosts h ON h.id = f.host_id
		WHERE f.advisory_id = $1 AND f.resolved_at IS NULL ORDER BY h.name LIMIT $2 OFFSET $3`, id, int64(limit+1), int64(max(offset, 0)))
	if err != nil {
		return nil, false, 0, err
	}
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			rows.Close()
			return nil, false, 0, err
		}
		names = append(names, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(names) == 0 {
		return nil, false, total, err
	}
	more := len(names) > limit
	if more {
		names = names[:limit]
	}
	fs, err := s.findings(ctx, `f.advisory_id = $1 AND h.name >= $2 AND h.name <= $3`, id, false, names[0], names[len(names)-1])
	return fs, more, total, err
}

func (s *Store) findings(ctx context.Context, where string, arg string, resolved bool, more ...any) ([]Finding, error) {
	q := `SELECT h.name, f.jail, p.name, p.version, p.world, p.base, f.advisory_id, COALESCE(v.fixed_in, ''), f.first_seen, f.resolved_at, COALESCE(f.ignored_by, '')
		FROM findings f JOIN hosts h ON h.id = f.host_id JOIN pkgversions p ON p.id = f.pkgversion_id
		LEFT JOIN pkg_vulns v ON v.pkgversion_id = f.pkgversion_id AND v.advisory_id = f.advisory_id
		WHERE ` + where
	if !resolved {
		q += ` AND f.resolved_at IS NULL`
	}
	q += ` ORDER BY h.name, f.jail, p.name, p.version, f.advisory_id, f.first_seen`
	rows, err := s.db.QueryContext(ctx, q, append([]any{arg}, more...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Finding
	for rows.Next() {
		var f Finding
		var base, first int64
		var res sql.NullInt64
		if err := rows.Scan(&f.Host, &f.Jail, &f.Package.Name, &f.Package.Version, &f.Package.World, &base, &f.AdvisoryID, &f.FixedIn, &first, &res, &f.IgnoredBy); err != nil {
			return nil, err
		}
		f.Package.Base = base != 0
		f.FirstSeen, f.ResolvedAt = fromMicros(first), fromNullMicros(res)
		out = append(out, f)
	}
	return out, rows.Err()
}

// AdvisoryCount is one advisory with the hosts it affects now.
type AdvisoryCount struct {
	ID, Topic string
	Hosts     int
	Packages  int // distinct package versions
}

// Advisories lists the advisories affecting at least one host, most hosts
// first.
func (s *Store) Advisories(ctx context.Context, limit, offset int) ([]AdvisoryCount, bool, error) {
	if limit <= 0 {
		limit = 100
	}
	limit = min(limit, 1000)
	rows, err := s.db.QueryContext(ctx, `SELECT f.advisory_id, COALESCE(MAX(a.topic), ''), COUNT(DISTINCT f.host_id), COUNT(DISTINCT f.pkgversion_id)
		FROM findings f LEFT JOIN advisories a ON a.id = f.advisory_id
		WHERE f.resolved_at IS NULL AND f.ignored_by IS NULL
		GROUP BY f.advisory_id ORDER BY COUNT(DISTINCT f.host_id) DESC, f.advisory_id LIMIT $1 OFFSET $2`, int64(limit+1), int64(max(offset, 0)))
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	var out []AdvisoryCount
	for rows.Next() {
		var a AdvisoryCount
		if err := rows.Scan(&a.ID, &a.Topic, &a.Hosts, &a.Packages); err != nil {
			return nil, false, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, false, err
	}
	more := len(out) > limit
	if more {
		out = out[:limit]
	}
	return out, more, nil
}

// Advisory returns what the store knows of one advisory of the loaded
// databases.
func (s *Store) Advisory(ctx context.Context, id string) (topic string, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT topic FROM advisories WHERE id = $1`, id).Scan(&topic)
	if errors.Is(err, sql.ErrNoRows) {
		return "", ErrNotFound
	}
	return topic, err
}

// Installed is one package version installed on one host or jail.
type Installed struct {
	Host, Jail string
	Package    fleet.PkgKey
	Since      time.Time
}

// PackageHosts lists where a package (by name) is installed.
func (s *Store) PackageHosts(ctx context.Context, name string) ([]Installed, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT h.name, i.jail, p.name, p.version, p.world, p.base, i.since
		FROM pkgversions p JOIN inventory i ON i.pkgversion_id = p.id JOIN hosts h ON h.id = i.host_id
		WHERE p.name = $1 ORDER BY h.name, i.jail, p.version`, name)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Installed
	for rows.Next() {
		var in Installed
		var base, since int64
		if err := rows.Scan(&in.Host, &in.Jail, &in.Package.Name, &in.Package.Version, &in.Package.World, &base, &since); err != nil {
			return nil, err
		}
		in.Package.Base = base != 0
		in.Since = fromMicros(since)
		out = append(out, in)
	}
	return out, rows.Err()
}

// Summary counts the fleet.
type Summary struct {
	Hosts, VulnerableHosts, StaleHosts int
	OpenFindings                       int
	PackageVersions                    int
	Advisories                         int // affecting at least one host
	DBID                               string
	DBChanged                          string
}

// Summary counts the fleet; hosts last seen before staleBefore are stale.
func (s *Store) Summary(ctx context.Context, staleBefore time.Time) (*Summary, error) {
	var sm Summary
	err := s.db.QueryRowContext(ctx, `SELECT
		(SELECT COUNT(*) FROM hosts),
		(SELECT COUNT(*) FROM hosts WHERE vulnerable_packages > 0),
		(SELECT COUNT(*) FROM hosts WHERE last_seen < $1),
		(SELECT COUNT(*) FROM findings WHERE resolved_at IS NULL AND ignored_by IS NULL),
		(SELECT COUNT(*) FROM pkgversions),
		(SELECT COUNT(DISTINCT advisory_id) FROM findings WHERE resolved_at IS NULL AND ignored_by IS NULL),
		COALESCE((SELECT value FROM meta WHERE key = 'db_id'), ''),
		COALESCE((SELECT value FROM meta WHERE key = 'db_changed'), '')`, micros(staleBefore)).Scan(
		&sm.Hosts, &sm.VulnerableHosts, &sm.StaleHosts, &sm.OpenFindings, &sm.PackageVersions, &sm.Advisories, &sm.DBID, &sm.DBChanged)
	if err != nil {
		return nil, err
	}
	return &sm, nil
}

// Change is one package added to or removed from an inventory.
type Change struct {
	Jail    string
	Package fleet.PkgKey
	Change  string // "added" or "removed"
	At      time.Time
}

// History lists a host's inventory changes, newest first.
func (s *Store) History(ctx context.Context, host string, limit int) ([]Change, error) {
	if limit <= 0 {
		limit = 1000
	}
	rows, err := s.db.QueryContext(ctx, `SELECT c.jail, p.name, p.version, p.world, p.base, c.change, c.at
		FROM inventory_changes c JOIN hosts h ON h.id = c.host_id JOIN pkgversions p ON p.id = c.pkgversion_id
		WHERE h.name = $1 ORDER BY c.at DESC, c.id DESC LIMIT $2`, host, int64(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Change
	for rows.Next() {
		var c Change
		var base, at int64
		if err := rows.Scan(&c.Jail, &c.Package.Name, &c.Package.Version, &c.Package.World, &base, &c.Change, &at); err != nil {
			return nil, err
		}
		c.Package.Base = base != 0
		c.At = fromMicros(at)
		out = append(out, c)
	}
	return out, rows.Err()
}

// Event is one recorded event.
type Event struct {
	At         time.Time
	Kind, Host string
	Detail     string
}

// Events lists the latest events, newest first.
func (s *Store) Events(ctx context.Context, limit int) ([]Event, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.db.QueryContext(ctx, `SELECT at, kind, host, detail FROM events ORDER BY id DESC LIMIT $1`, int64(limit))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var e Event
		var at int64
		if err := rows.Scan(&at, &e.Kind, &e.Host, &e.Detail); err != nil {
			return nil, err
		}
		e.At = fromMicros(at)
		out = append(out, e)
	}
	return out, rows.Err()
}
