package scan

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/fetch"
)

// IsPkgsrcDatabase tells whether dbPath is a pkgsrc database: called
// pkg-vulnerabilities*, or the configured one.
func IsPkgsrcDatabase(cfg *config.Config, dbPath string) bool {
	return strings.HasPrefix(filepath.Base(dbPath), "pkg-vulnerabilities") || filepath.Clean(dbPath) == filepath.Clean(cfg.Pkgsrc.VulnFile())
}

// FeedOf is the feed a database file is fetched from (audit -F):
// "pkgsrc" for a pkgsrc database, else "freebsd", with its configured
// URL. OSV records (*.json, *.zip) have no feed.
func FeedOf(cfg *config.Config, dbPath string) (feed, site string, err error) {
	switch ext := strings.ToLower(filepath.Ext(dbPath)); {
	case IsPkgsrcDatabase(cfg, dbPath):
		return "pkgsrc", cfg.Pkgsrc.URL, nil
	case ext == ".json" || ext == ".zip":
		return "", "", fmt.Errorf("-F: %s is not a VuXML or pkg-vulnerabilities file; there is no feed to fetch it from", dbPath)
	}
	return "freebsd", cfg.FreeBSD.Site, nil
}

// StaleMessage is the warning for a database older than
// cfg.Audit.StaleDays days (0: never), "" when it is fresh or missing
// (the audit reports a missing file itself). Its age counts from the last
// time it was known to be current: its mtime (the server's
// Last-Modified), or the last fetch that found it up to date.
func StaleMessage(cfg *config.Config, dbPath string, now time.Time) string {
	if cfg.Audit.StaleDays <= 0 {
		return ""
	}
	if _, err := os.Stat(dbPath); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Sprintf("cannot check the age of %s: %v", dbPath, err)
		}
		return ""
	}
	checked, _ := fetch.LastChecked(dbPath, now)
	if checked.IsZero() {
		// Dated in the future: copied by hand from a host with a wrong
		// clock (fetch clamps the dates it stores to now). Its age is
		// unknown; fetch does not count it as fresh (--max-age, the
		// conditional request), and the warning does not guess.
		return ""
	}
	age := now.Sub(checked)
	limit := time.Duration(cfg.Audit.StaleDays) * 24 * time.Hour
	if age <= limit {
		return ""
	}
	how := "'pkgaudit fetch --feed freebsd' or 'pkgaudit audit -F'"
	if IsPkgsrcDatabase(cfg, dbPath) {
		how = "'pkgaudit fetch --feed pkgsrc' or 'pkgaudit pkgsrc fetch'"
	}

	days := int(age / (24 * time.Hour))
	return fmt.Sprintf("%s was last refreshed %d days ago (more than %d); refresh it with %s", dbPath, days, cfg.Audit.StaleDays, how)
}
