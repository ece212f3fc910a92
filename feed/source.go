package feed

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/pkgaudit/pkgaudit/internal/decompress"
	"github.com/pkgaudit/pkgaudit/osv"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// Source is one database file read as the document it is, for the
// publishing commands (site build, export osv), which need more than the
// advisory model: VuXML descriptions, pkgsrc header lines: exactly
// one of VuXML and Pkgsrc is set.
type Source struct {
	VuXML  *vuxml.Document
	Pkgsrc *pkgsrc.File
}

// ReadSource reads the database at path, compressed or not, and
// parses it by its content: VuXML (whole documents, year fragments, a
// wrapper with its external entities) or pkg-vulnerabilities. OSV records
// are refused: they are no source document.
func ReadSource(path string, sourceList bool) (*Source, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(raw) == 0 {
		return nil, fmt.Errorf("%s: empty file", path)
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
		return &Source{VuXML: doc}, nil
	case osv.Sniff(plain) || osv.SniffZip(plain):
		return nil, fmt.Errorf("%s: holds OSV records, which cannot be published or exported again; give the VuXML or pkg-vulnerabilities file they came from", path)
	case len(plain) == 0:
		return nil, fmt.Errorf("%s: empty file", path)
	}
	pf, err := pkgsrc.Parse(path, raw, pkgsrc.Options{SourceList: sourceList})
	if err != nil {
		return nil, err
	}
	return &Source{Pkgsrc: pf}, nil
}
