package cli

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/fetch"
)

// fetchForAudit is `pkgaudit audit -F`: it downloads the feed that belongs
// to dbPath (pkgsrc's pkg-vulnerabilities when the file is called so or is
// cfg.Pkgsrc.VulnFile(), FreeBSD's vuln.xml otherwise) into dbPath before
// the audit. "Up to date" is not an error. quiet silences progress. It
// refuses, without touching the network, when cfg.Fetch.Offline is set
// (a file:// source is still read). On any failure dbPath is left exactly
// as it was; the error is a *codeError (exit 2) with one line to print.
func fetchForAudit(env *Env, cfg *config.Config, dbPath string, quiet bool) error {
	feed, site := "freebsd", cfg.FreeBSD.Site
	switch ext := strings.ToLower(filepath.Ext(dbPath)); {
	case fetchIsPkgsrc(cfg, dbPath):
		feed, site = "pkgsrc", cfg.Pkgsrc.URL
	case ext == ".json" || ext == ".zip":
		return &codeError{ExitError, fmt.Errorf("-F: %s is not a VuXML or pkg-vulnerabilities file; there is no feed to fetch it from", dbPath)}
	}
	if cfg.Fetch.Offline {
		if u, err := url.Parse(site); err != nil || u.Scheme != "file" {
			return &codeError{ExitError, fmt.Errorf("-F: not fetching %s in offline mode; %s left as it is", site, dbPath)}
		}
	}
	_, err := fetchDo(env, cfg, fetchJob{feed: feed, dest: dbPath, quiet: quiet})
	return err
}

// fetchStaleWarning prints a one-line warning to standard error when the
// database file at dbPath is older than cfg.Audit.StaleDays days (0: never
// warn), saying how to refresh it. Its age counts from the last time it
// was known to be current: its mtime (the server's Last-Modified), or the
// last fetch that found it up to date. A missing file prints nothing: the
// audit reports that itself.
func fetchStaleWarning(env *Env, cfg *config.Config, dbPath string) {
	if msg := fetchStaleMessage(env, cfg, dbPath); msg != "" {
		fmt.Fprintf(env.Stderr, "pkgaudit: warning: %s\n", msg)
	}
}

func fetchStaleMessage(env *Env, cfg *config.Config, dbPath string) string {
	if cfg.Audit.StaleDays <= 0 {
		return ""
	}
	if _, err := os.Stat(dbPath); err != nil {
		if !errors.Is(err, os.ErrNotExist) {
			return fmt.Sprintf("cannot check the age of %s: %v", dbPath, err)
		}
		return ""
	}
	checked, _ := fetch.LastChecked(dbPath, env.Now())
	age := env.Now().Sub(checked)
	limit := time.Duration(cfg.Audit.StaleDays) * 24 * time.Hour
	if age <= limit {
		return ""
	}
	how := "'pkgaudit fetch --feed freebsd' or 'pkgaudit audit -F'"
	if fetchIsPkgsrc(cfg, dbPath) {
		how = "'pkgaudit fetch --feed pkgsrc' or 'pkgaudit pkgsrc fetch'"
	}
	if checked.IsZero() {
		// Dated in the future (a wrong clock here or at the server): its
		// age cannot be known, so it is not taken as fresh.
		return fmt.Sprintf("%s is dated in the future, so its age is unknown; refresh it with %s", dbPath, how)
	}
	days := int(age / (24 * time.Hour))
	return fmt.Sprintf("%s was last refreshed %d days ago (more than %d); refresh it with %s", dbPath, days, cfg.Audit.StaleDays, how)
}

// auditMissingHint adds to err, a database of paths that does not exist,
// the command that downloads it on this host (config.FetchCommand) or
// audit's -F; the hint never names a command that fills another file than
// the one missing.
func auditMissingHint(cfg *config.Config, paths []string, err error) error {
	for _, p := range paths {
		if _, serr := os.Stat(p); !errors.Is(serr, os.ErrNotExist) {
			continue
		}
		if cmd := cfg.FetchCommand(p); cmd != "" {
			return fmt.Errorf("%w (download it with '%s', or audit with -F)", err, cmd)
		}
		return err
	}
	return err
}
