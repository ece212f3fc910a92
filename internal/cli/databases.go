package cli

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/internal/decompress"
	"github.com/pkgaudit/pkgaudit/osv"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
	"github.com/pkgaudit/pkgaudit/scan"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// This file holds what the publishing commands (site build, export osv)
// share: where the databases are when no -f is given, how a database file
// is read as its own document (VuXML with its descriptions, or
// pkg-vulnerabilities), and how dates are given on the command line.

// databasePaths returns the -f files, or the configured default database
// (scan.DefaultDatabases) when there are none.
func databasePaths(env *Env, files []string, configFile string) ([]string, error) {
	if len(files) > 0 {
		return files, nil
	}
	cfg, err := config.Load(configFile, env.Getenv)
	if err != nil {
		return nil, err
	}
	return scan.DefaultDatabases(cfg, false), nil
}

// sourceDocument is one database file read as the document it is: exactly
// one of VuXML and Pkgsrc is set.
type sourceDocument struct {
	VuXML  *vuxml.Document
	Pkgsrc *pkgsrc.File
}

// readSourceDocument reads the database at path, compressed or not, and
// parses it by its content: VuXML (whole documents, year fragments, a
// wrapper with its external entities) or pkg-vulnerabilities. OSV records
// are refused: they are no source document.
func readSourceDocument(path string, sourceList bool) (*sourceDocument, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	plain, err := decompress.Bytes(raw, 0)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	head := strings.TrimLeft(strings.TrimPrefix(string(plain[:min(len(plain), 512)]), "\xef\xbb\xbf"), " \t\r\n")
	switch {
	case strings.HasPrefix(head, "<"):
		var doc *vuxml.Document
		if decompress.Sniff(raw) == decompress.Plain {
			doc, err = vuxml.ParseFile(path, vuxml.ParseOptions{}) // resolves a wrapper's entities
		} else {
			doc, err = vuxml.Parse(plain, vuxml.ParseOptions{FileName: path})
		}
		if err != nil {
			return nil, err
		}
		return &sourceDocument{VuXML: doc}, nil
	case osv.Sniff(plain) || osv.SniffZip(plain):
		return nil, fmt.Errorf("%s: holds OSV records, which cannot be published or exported again; give the VuXML or pkg-vulnerabilities file they came from", path)
	case len(plain) == 0:
		return nil, fmt.Errorf("%s: empty file", path)
	}
	pf, err := pkgsrc.Parse(path, raw, pkgsrc.Options{SourceList: sourceList})
	if err != nil {
		return nil, err
	}
	return &sourceDocument{Pkgsrc: pf}, nil
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
