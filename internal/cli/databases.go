package cli

import (
	"fmt"
	"time"
)

// This file holds what the publishing commands (site build, export osv)
// share: where the databases are when no -f is given, how a database file
// is read as its own document (VuXML with its descriptions, or
// pkg-vulnerabilities), and how dates are given on the command line.

// databasePaths returns the -f files, or the configured FreeBSD database
// ($PKG_DBDIR/vuln.xml, freebsd.vulnxml) when there are none.
func databasePaths(env *Env, files []string, configFile string) ([]string, error) {
	if len(files) > 0 {
		return files, nil
	}
	cfg, err := env.loadConfig(configFile)
	if err != nil {
		return nil, err
	}
	return []string{cfg.FreeBSD.VulnXML}, nil
}

// parseTimeFlag reads a command-line time: YYYY-MM-DD (midnight UTC) or
// RFC 3339.
func parseTimeFlag(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither YYYY-MM-DD nor an RFC 3339 time", s)
	}
	return t, nil
}
