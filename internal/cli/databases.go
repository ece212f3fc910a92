package cli

import (
	"errors"
	"fmt"
	"time"

	"github.com/pkgaudit/pkgaudit/feed"
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

// readSourceDocument reads the database at path as its own document
// (feed.ReadDocument): VuXML (whole documents, year fragments, a wrapper
// with its external entities) or pkg-vulnerabilities, compressed or not.
// OSV records are refused: they are no source document.
func readSourceDocument(path string, sourceList bool) (*feed.Document, error) {
	doc, err := feed.ReadDocument(path, feed.Options{Formats: []feed.Format{feed.VuXML, feed.Pkgsrc}, PkgsrcSourceList: sourceList})
	if errors.Is(err, feed.ErrWrongFormat) {
		return nil, fmt.Errorf("%w; OSV records cannot be published or exported again: give the VuXML or pkg-vulnerabilities file they came from", err)
	}
	return doc, err
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
