package cli

import (
	"errors"
	"fmt"
	"os"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/fetch"
	"github.com/pkgaudit/pkgaudit/scan"
)

// fetchForAudit is `pkgaudit audit -F`: it downloads the feed that belongs
// to dbPath (scan.FeedOf) into dbPath before the audit. "Up to date" is
// not an error. quiet silences progress. It refuses, without touching the
// network, when cfg.Fetch.Offline is set (a file:// source is still
// read). On any failure dbPath is left exactly as it was; the error is a
// *codeError (exit 2) with one line to print.
func fetchForAudit(env *Env, cfg *config.Config, dbPath string, quiet bool) error {
	feed, _, err := scan.FeedOf(cfg, dbPath)
	if err != nil {
		return &codeError{ExitError, err}
	}
	// Offline, fetch.Run refuses a network URL before dialling.
	_, err = fetchDo(env, cfg, fetchJob{Job: fetch.Job{Feed: feed, Dest: dbPath}, quiet: quiet})
	return err
}

// fetchStaleWarning prints scan.StaleMessage as a warning.
func fetchStaleWarning(env *Env, cfg *config.Config, dbPath string) {
	if msg := scan.StaleMessage(cfg, dbPath, env.Now()); msg != "" {
		fmt.Fprintf(env.Stderr, "pkgaudit: warning: %s\n", msg)
	}
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
