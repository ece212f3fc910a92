package feed

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"hash"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/osv"
)

// Directories. A directory given as a database is one of two layouts:
//
//   - VuXML year files, the ports' security/vuxml/vuln/ layout
//     (2024.xml, 2025.xml, ...: fragments without the wrapper): every
//     *.xml file directly in the directory, read as one database in the
//     order of the vuln.xml wrapper, newest year first (names in reverse
//     order). Subdirectories are not read.
//   - OSV records: every *.json file in the directory and in its
//     subdirectories, in lexical order; hidden entries (.git, ...) and
//     symbolic links are not followed. A .json file that is not an OSV
//     record is skipped with a warning naming it.
//
// A directory holding both, or neither (empty, or only files of no known
// format), is an error: nothing would be audited.

// maxDirDepth bounds how deep an OSV directory is read.
const maxDirDepth = 4

// LoadDir loads a directory of VuXML year files or of OSV records (Load
// and LoadInto do this for a directory). Includes describe every file
// read and, for OSV, every subdirectory, each with its FileID (a
// directory's changes when an entry is added, removed or renamed in it),
// so that a cache can tell whether the database changed; the database's
// own File is the directory, its Hash the SHA-256 of the files' relative
// paths and hashes, its ID the directory's (zero when it changed while it
// was read).
func LoadDir(path string, opts Options) (*Database, error) {
	fail := func(err error) (*Database, error) {
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == path {
			err = pe.Err
		}
		return nil, &Error{path, err}
	}
	st, err := safeopen.Stat(path)
	if err != nil {
		return fail(err)
	}
	if !st.IsDir() {
		return fail(errors.New("not a directory"))
	}
	rootID, err := StatID(path)
	if err != nil {
		return fail(err)
	}
	ents, err := safeopen.ReadDir(path)
	if err != nil {
		return fail(err)
	}
	var xmls, jsons int
	for _, e := range ents {
		if visible(e) && e.Type().IsRegular() {
			switch filepath.Ext(e.Name()) {
			case ".xml":
				xmls++
			case ".json":
				jsons++
			}
		}
	}
	var db *Database
	switch {
	case xmls > 0 && jsons > 0:
		return fail(fmt.Errorf("holds both VuXML files (*.xml) and OSV records (*.json); give each kind as its own -f"))
	case xmls > 0:
		db, err = loadVuXMLDir(path, ents, opts)
	default:
		db, err = loadOSVDir(path, opts)
	}
	if err != nil {
		return nil, err
	}
	if db.Entries == 0 {
		return fail(noAdvisories(db.Warnings))
	}
	if !accepts(opts.Formats, db.Format) {
		return fail(&FormatError{Looks: "a directory of " + formatNames[db.Format] + " files", Want: opts.Formats})
	}
	db.Path = path
	db.ModTime = st.ModTime()
	for _, f := range db.Includes {
		db.Size += f.Size
		if f.ModTime.After(db.ModTime) {
			db.ModTime = f.ModTime
		}
	}
	if after, err := StatID(path); err == nil && after.Same(rootID) {
		db.ID = rootID
	}
	return db, nil
}

// noAdvisories is the error of a directory that yielded no advisory.
func noAdvisories(warnings []string) error {
	msg := "no advisories in this directory: expected VuXML year files (*.xml, as security/vuxml/vuln/) or OSV records (*.json)"
	if len(warnings) > 0 {
		msg += "; " + strings.Join(warnings, "; ")
	}
	return errors.New(msg)
}

// visible: not a hidden entry (.git, .DS_Store, editor files).
func visible(e fs.DirEntry) bool { return !strings.HasPrefix(e.Name(), ".") }

// dirSum hashes the relative paths and hashes of a directory's files.
type dirSum struct{ h hash.Hash }

func (s *dirSum) add(root string, f File) {
	if s.h == nil {
		s.h = sha256.New()
	}
	rel, _ := filepath.Rel(root, f.Path)
	fmt.Fprintf(s.h, "%s\x00%x\n", rel, f.Hash)
}

func (s *dirSum) sum() (h [32]byte) {
	if s.h != nil {
		s.h.Sum(h[:0])
	}
	return h
}

// loadVuXMLDir reads the *.xml files of a directory of year files, newest
// first, as one VuXML database.
func loadVuXMLDir(dir string, ents []fs.DirEntry, opts Options) (*Database, error) {
	var names []string
	for _, e := range ents {
		if visible(e) && e.Type().IsRegular() && filepath.Ext(e.Name()) == ".xml" {
			names = append(names, e.Name())
		}
	}
	slices.Reverse(names) // ReadDir sorts by name
	db := &Database{DatabaseInfo: DatabaseInfo{Format: VuXML}}
	var sum dirSum
	fopts := opts
	fopts.Formats = []Format{VuXML}
	fopts.NoHash = false
	for _, n := range names {
		p := filepath.Join(dir, n)
		one, err := Load(p, fopts)
		if err != nil {
			return nil, err
		}
		db.Advisories = append(db.Advisories, one.Advisories...)
		db.Entries += one.Entries
		db.Withdrawn += one.Withdrawn
		for _, w := range one.Warnings {
			db.Warnings = append(db.Warnings, n+": "+w)
		}
		f := one.File
		db.Includes = append(db.Includes, f)
		sum.add(dir, f)
		db.Includes = append(db.Includes, one.Includes...)
	}
	db.Hash = sum.sum()
	return db, nil
}

// loadOSVDir reads the OSV records below dir.
func loadOSVDir(dir string, opts Options) (*Database, error) {
	w, err := walkOSVDir(dir)
	if err != nil {
		return nil, err
	}
	db, err := osvDatabase(w.recs)
	if err != nil {
		return nil, &Error{dir, err}
	}
	db.Format = OSV
	db.Includes = w.includes
	db.Warnings = w.warnings
	db.Hash = w.sum.sum()
	return db, nil
}

// osvWalk is what walkOSVDir found.
type osvWalk struct {
	recs     []osv.Record
	includes []File
	warnings []string
	sum      dirSum
}

// walkOSVDir reads the OSV records below dir (see LoadDir).
func walkOSVDir(dir string) (*osvWalk, error) {
	var w osvWalk
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if p == dir {
			return nil
		}
		rel, _ := filepath.Rel(dir, p)
		if !visible(d) {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if strings.Count(rel, string(filepath.Separator)) >= maxDirDepth-1 {
				w.warnings = append(w.warnings, rel+": not read: more than "+fmt.Sprint(maxDirDepth)+" levels down")
				return filepath.SkipDir
			}
			id, err := StatID(p)
			if err != nil {
				return err
			}
			w.includes = append(w.includes, File{Path: p, ID: id})
			return nil
		}
		if !d.Type().IsRegular() || filepath.Ext(d.Name()) != ".json" {
			return nil
		}
		if fi, err := d.Info(); err == nil && fi.Size() > osv.MaxRecordSize {
			return fmt.Errorf("%s: larger than %d bytes", p, osv.MaxRecordSize)
		}
		data, mtime, id, err := readFile(p)
		if err != nil {
			return err
		}
		if total += int64(len(data)); total > osv.MaxTotalSize {
			return fmt.Errorf("%s: more than %d bytes of records", dir, osv.MaxTotalSize)
		}
		f := File{Path: p, Hash: sha256.Sum256(data), Size: int64(len(data)), ModTime: mtime, ID: id}
		w.includes = append(w.includes, f)
		w.sum.add(dir, f)
		if d, what := detect(data); d == nil || d.format != OSV {
			if d != nil {
				what = d.name
			}
			w.warnings = append(w.warnings, rel+": not an OSV record, skipped: this is "+what)
			return nil
		}
		vs, err := osv.Parse(p, data)
		if err != nil {
			w.warnings = append(w.warnings, fmt.Sprintf("%s: not an OSV record, skipped: %v", rel, stripPath(err, p)))
			return nil
		}
		for _, v := range vs {
			w.recs = append(w.recs, osv.Record{Vuln: v, File: p})
		}
		if len(w.recs) > osv.MaxRecords {
			return fmt.Errorf("%s: more than %d records", dir, osv.MaxRecords)
		}
		return nil
	})
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) && pe.Path == dir {
			err = pe.Err
		}
		return nil, &Error{dir, err}
	}
	return &w, nil
}

// stripPath drops a leading "PATH: " from an error's message.
func stripPath(err error, path string) string {
	return strings.TrimPrefix(err.Error(), path+": ")
}

// isDir reports whether path names a directory (without blocking).
func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}
