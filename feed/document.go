package feed

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/pkgaudit/pkgaudit/internal/decompress"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/osv"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// Document is a database file read as the document it is, for the tools
// that need more than advisories (site build, export osv, vuxml
// validate): exactly one of VuXML, Pkgsrc and OSV is set, by the format
// detected (Format).
type Document struct {
	DatabaseInfo
	// Plain is the decompressed content.
	Plain []byte
	// VuXML is the whole document, descriptions included; the entities
	// of a vuln.xml wrapper are resolved relative to the file's path.
	VuXML  *vuxml.Document
	Pkgsrc *pkgsrc.File
	OSV    []osv.Record
}

// ReadDocument reads the database file at path, compressed or not, and
// parses it as the document it is, by its content, as Load detects it
// (Options.Formats limits the formats accepted; Keyring verifies a
// pkg-vulnerabilities file's signature). A directory of OSV records is a
// document of its records (as LoadDir reads them, Warnings naming the
// files skipped); a directory of VuXML year files is not one document.
// Errors name the file.
func ReadDocument(path string, opts Options) (*Document, error) {
	if isDir(path) {
		return readDirDocument(path, opts)
	}
	raw, mtime, id, err := readDatabase(path)
	if err != nil {
		return nil, err
	}
	doc, err := parseDocument(path, raw, opts)
	if err != nil {
		return nil, err
	}
	doc.ModTime, doc.ID = mtime, id
	return doc, nil
}

// ReadPlain is ReadDocument without the parse: it reads the file,
// decompresses it and detects its format (refusing the formats that
// Options.Formats leaves out), and returns the document with only Plain
// and the description of the file set, for a caller that parses it
// itself (vuxml validate, which also checks the text).
func ReadPlain(path string, opts Options) (*Document, error) {
	raw, mtime, id, err := readDatabase(path)
	if err != nil {
		return nil, err
	}
	doc, _, err := detectDocument(path, raw, opts)
	if err != nil {
		return nil, err
	}
	doc.ModTime, doc.ID = mtime, id
	return doc, nil
}

// ParseDocument is ReadDocument for content held in memory, data, of the
// file called name (external entities are resolved relative to it).
func ParseDocument(name string, data []byte, opts Options) (*Document, error) {
	return parseDocument(name, data, opts)
}

// detectDocument decompresses raw and detects its format.
func detectDocument(path string, raw []byte, opts Options) (*Document, *detector, error) {
	if len(raw) == 0 {
		return nil, nil, &Error{path, errors.New("empty file")}
	}
	plain, layers, err := decompress.Unpack(raw, opts.MaxSize)
	if err != nil {
		return nil, nil, &Error{path, err}
	}
	d, what := detect(plain)
	if d == nil {
		return nil, nil, &Error{path, &FormatError{Looks: what, Compression: layersName(layers)}}
	}
	if !accepts(opts.Formats, d.format) {
		return nil, nil, &Error{path, &FormatError{Looks: d.name, Want: opts.Formats, Compression: layersName(layers)}}
	}
	doc := &Document{Plain: plain}
	doc.Path, doc.Format, doc.Size, doc.Compression = path, d.format, int64(len(raw)), string(decompress.Sniff(raw))
	return doc, d, nil
}

func parseDocument(path string, raw []byte, opts Options) (*Document, error) {
	doc, d, err := detectDocument(path, raw, opts)
	if err != nil {
		return nil, err
	}
	plain := doc.Plain
	switch d.format {
	case VuXML:
		doc.VuXML, err = vuxml.Parse(plain, vuxml.ParseOptions{FileName: path, NoExternalEntities: opts.NoExternalEntities, MaxSize: opts.MaxSize, NoCopy: true})
		if err == nil {
			doc.Entries = len(doc.VuXML.Entries)
		}
	case Pkgsrc:
		if opts.Keyring != nil {
			if err = pkgsrc.VerifySignature(plain, opts.Keyring); err != nil {
				break
			}
			doc.Verified = true
		}
		doc.Pkgsrc, err = pkgsrc.Parse(path, plain, pkgsrc.Options{MaxSize: opts.MaxSize, SourceList: opts.PkgsrcSourceList})
		if err == nil {
			doc.Entries, doc.NetBSDID, doc.Signed, doc.Warnings = len(doc.Pkgsrc.Entries), doc.Pkgsrc.NetBSDID, doc.Pkgsrc.Signed, doc.Pkgsrc.Warnings
		}
	case OSV:
		doc.OSV, err = osv.ReadBytes(path, plain)
		doc.Entries = len(doc.OSV)
	}
	if err != nil {
		return nil, &Error{path, err}
	}
	return doc, nil
}

// readDirDocument reads a directory of OSV records as a Document.
func readDirDocument(dir string, opts Options) (*Document, error) {
	ents, err := safeopen.ReadDir(dir)
	if err != nil {
		return nil, &Error{dir, err}
	}
	for _, e := range ents {
		if visible(e) && e.Type().IsRegular() && filepath.Ext(e.Name()) == ".xml" {
			return nil, &Error{dir, errors.New("a directory of VuXML year files is no single document: give the year files, or the vuln.xml that includes them")}
		}
	}
	w, err := walkOSVDir(dir)
	if err != nil {
		return nil, err
	}
	if len(w.recs) == 0 {
		return nil, &Error{dir, noAdvisories(w.warnings)}
	}
	if !accepts(opts.Formats, OSV) {
		return nil, &Error{dir, &FormatError{Looks: "a directory of OSV records", Want: opts.Formats}}
	}
	doc := &Document{OSV: w.recs}
	doc.Path, doc.Format, doc.Entries, doc.Includes, doc.Warnings, doc.Hash = dir, OSV, len(w.recs), w.includes, w.warnings, w.sum.sum()
	return doc, nil
}

// OSVRecords are the OSV records of the document: VuXML
// and pkg-vulnerabilities converted (when stands for missing dates), OSV
// records as they are.
func (doc *Document) OSVRecords(when time.Time) ([]*osv.Vulnerability, error) {
	switch {
	case doc.VuXML != nil:
		return osv.FromVuXMLDocument(doc.VuXML, osv.VuXMLOptions{DefaultTime: when})
	case doc.Pkgsrc != nil:
		vs, err := osv.FromPkgsrc(doc.Pkgsrc, osv.PkgsrcOptions{Time: when})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", doc.Path, err)
		}
		return vs, nil
	}
	vs := make([]*osv.Vulnerability, len(doc.OSV))
	for i, r := range doc.OSV {
		vs[i] = r.Vuln
	}
	return vs, nil
}
