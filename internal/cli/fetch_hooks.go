package cli

import (
	"errors"

	"github.com/pkgaudit/pkgaudit/config"
)

// fetchForAudit is `pkgaudit audit -F`: it downloads the feed that belongs
// to dbPath (pkgsrc's pkg-vulnerabilities when the file is called so or is
// cfg.Pkgsrc.VulnFile(), FreeBSD's vuln.xml otherwise) into dbPath before
// the audit. "Up to date" is not an error. quiet silences progress. It
// refuses, without touching the network, when cfg.Fetch.Offline is set.
// On any failure dbPath is left exactly as it was.
func fetchForAudit(env *Env, cfg *config.Config, dbPath string, quiet bool) error {
	if cfg.Fetch.Offline {
		return errors.New("fetch: refusing to download in offline mode (--offline)")
	}
	return errors.New("fetch: not implemented yet")
}

// fetchStaleWarning prints a one-line warning to standard error when the
// database file at dbPath is older than cfg.Audit.StaleDays days (0: never
// warn), saying how to refresh it. A missing file prints nothing: the
// audit reports that itself.
func fetchStaleWarning(env *Env, cfg *config.Config, dbPath string) {}
