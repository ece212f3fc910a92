// Package feed loads vulnerability databases — FreeBSD VuXML documents
// (vuln.xml, year fragments, wrappers with external entities) and pkgsrc
// pkg-vulnerabilities files, compressed or not — and converts them into
// the common model of package advisory. The format is detected from the
// content, never from the file name, by an explicit, ordered list of
// formats (detect.go); content of no known format is named in the error
// ("this is HTML", "this is pkgaudit's own JSON report").
package feed

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/internal/decompress"
)

// Format names a database format.
type Format string

// Formats.
const (
	VuXML  Format = "vuxml"  // FreeBSD VuXML
	Pkgsrc Format = "pkgsrc" // pkgsrc pkg-vulnerabilities
	OSV    Format = "osv"    // OSV JSON records
)

// File is one file a database was read from.
type File struct {
	Path    string
	Hash    [32]byte // SHA-256 of the file as read (compressed or not)
	Size    int64
	ModTime time.Time
	// ID is the file's identity and state when it was read (zero when
	// unknown), for caches.
	ID FileID
}

// DatabaseInfo describes a loaded database, without its advisories: what
// reports print about the databases used.
type DatabaseInfo struct {
	// Path, Hash (SHA-256 of the file as read), Size and ModTime describe
	// the file named on the command line.
	File
	Format Format
	// Compression is the outermost compression undone ("" when plain,
	// "gzip", "bzip2", "xz", ...).
	Compression string
	// Includes are the other files the database pulled in (the year files
	// of a vuln.xml wrapper), in first-use order.
	Includes []File
	// Entries is the number of entries in the source (VuXML <vuln>
	// elements, pkgsrc entry lines), cancelled ones included; Withdrawn how
	// many of them are cancelled.
	Entries   int
	Withdrawn int
	// NetBSDID is the "# $NetBSD: ... $" line of a pkg-vulnerabilities file.
	NetBSDID string
	// Signed tells that a pkg-vulnerabilities file is OpenPGP clear-signed;
	// Verified that its signature was checked against Options.Keyring.
	Signed   bool
	Verified bool
	// Warnings are non-fatal messages of the parser
	// ("Unsupported hash algorithm: MD5").
	Warnings []string
}

// Database is one loaded vulnerability database.
type Database struct {
	DatabaseInfo
	// Advisories in source order (cancelled VuXML entries included, marked
	// Withdrawn).
	Advisories []advisory.Advisory
}

// Options controls loading. The zero value gives safe defaults.
type Options struct {
	// MaxSize caps the decompressed size in bytes (0:
	// decompress.DefaultLimit).
	MaxSize int64
	// Keyring, when set, requires a pkg-vulnerabilities file to carry a
	// valid OpenPGP clear-signature by one of its keys (pkg_admin -s).
	// VuXML has no signatures; it is not affected.
	Keyring openpgp.KeyRing
	// PkgsrcSourceList also accepts the unsigned source list of the pkgsrc
	// tree (#FORMAT 1.0.0), which pkg_install rejects.
	PkgsrcSourceList bool
	// NoExternalEntities refuses external entities in VuXML documents.
	NoExternalEntities bool
	// NoHash leaves DatabaseInfo.Hash zero instead of hashing the file
	// (SHA-256 costs about 1 ms per MB), for callers that do not show it.
	// audit.Open ignores it when it keeps a cache, which needs the hash.
	NoHash bool
	// Brief lets VuXML advisories lack what pkg audit's reports never
	// print (audit.OpenOptions.Brief): references other than the cvename
	// ones, and the dates. The document is parsed with
	// vuxml.ParseOptions.Brief, which checks it exactly as a full parse
	// does but builds only the rest. audit.Open ignores it when it keeps
	// a cache, which holds whole advisories.
	Brief bool
	// Stdin, when set, is the content of the database named "-" (read
	// whole, at most MaxSize bytes; a VuXML document read so may not
	// include external entities, which have no directory to resolve in).
	Stdin io.Reader
	// Formats, when set, are the only formats accepted: a database of
	// another one is an error that says what it is and what was expected
	// (ErrWrongFormat).
	Formats []Format
}

// Error is a database that could not be loaded.
type Error struct {
	Path string
	Err  error
}

func (e *Error) Error() string {
	msg := e.Err.Error()
	if e.Path != "" && !strings.HasPrefix(msg, e.Path) {
		return e.Path + ": " + msg
	}
	return msg
}

func (e *Error) Unwrap() error { return e.Err }

// ErrUnknownFormat is wrapped by the error for content in no known format.
var ErrUnknownFormat = errors.New("not a vulnerability database (VuXML, pkg-vulnerabilities or OSV)")

// source is the input of a detector's parser.
type source struct {
	name  string // path or name, for messages and origins
	path  string // the file's path, "" when not read from a file
	raw   []byte // as read
	plain []byte // decompressed
	opts  Options
}

// detector recognises and parses one format.
type detector struct {
	format Format
	name   string // in messages: "a VuXML file"
	// sniff reports whether plain, decompressed content, is in the format;
	// it looks only at the start.
	sniff func(plain []byte) bool
	// parse converts the source; it fills Advisories and the
	// format-specific fields of the info (Entries, NetBSDID, ...).
	parse func(src *source) (*Database, error)
}

// Load reads the database at path; the format is detected from the
// content. A directory is read as VuXML year files or OSV records
// (LoadDir). Errors name
// the file.
func Load(path string, opts Options) (*Database, error) {
	if path == "-" && opts.Stdin != nil {
		return loadStdin(opts)
	}
	var c collector
	if info, ok, err := loadChunked(path, opts, &c); ok {
		if err != nil {
			return nil, err
		}
		return &Database{DatabaseInfo: *info, Advisories: c.advs}, nil
	}
	return loadWhole(path, opts)
}

// loadWhole reads the file at path whole and parses it; a directory is
// read as VuXML year files or OSV records (LoadDir).
func loadWhole(path string, opts Options) (*Database, error) {
	if isDir(path) {
		return LoadDir(path, opts)
	}
	raw, mtime, id, err := readDatabase(path)
	if err != nil {
		return nil, err
	}
	db, err := parse(path, path, raw, mtime, opts)
	if err != nil {
		return nil, err
	}
	db.ID = id
	return db, nil
}

// readDatabase is readFile with the error of a database: "PATH: no such
// file or directory", not "PATH: open PATH: ...".
func readDatabase(path string) ([]byte, time.Time, FileID, error) {
	raw, mtime, id, err := readFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, time.Time{}, FileID{}, &Error{path, err}
	}
	return raw, mtime, id, nil
}

// Parse parses data, the content of the database called name (used in
// messages and origins); the format is detected from the content. External
// entities of a VuXML document are resolved relative to name.
func Parse(name string, data []byte, opts Options) (*Database, error) {
	return parse(name, "", data, time.Time{}, opts)
}

func parse(name, path string, raw []byte, mtime time.Time, opts Options) (*Database, error) {
	if len(raw) == 0 {
		return nil, &Error{name, errors.New("empty file")}
	}
	plain, layers, err := decompress.Unpack(raw, opts.MaxSize)
	if err != nil {
		return nil, &Error{name, err}
	}
	d, what := detect(plain)
	if d == nil {
		return nil, &Error{name, &FormatError{Looks: what, Compression: layersName(layers)}}
	}
	if !accepts(opts.Formats, d.format) {
		return nil, &Error{name, &FormatError{Looks: d.name, Want: opts.Formats, Compression: layersName(layers)}}
	}
	src := &source{name: name, path: path, raw: raw, plain: plain, opts: opts}
	db, err := d.parse(src)
	if err != nil {
		return nil, &Error{name, err}
	}
	db.Path = name
	db.Format = d.format
	if !opts.NoHash {
		db.Hash = sha256.Sum256(raw)
	}
	db.Size = int64(len(raw))
	db.ModTime = mtime
	db.Compression = string(decompress.Sniff(raw))
	return db, nil
}

// accepts reports whether format f is one of want (all when empty).
func accepts(want []Format, f Format) bool {
	return len(want) == 0 || slices.Contains(want, f)
}

// skipSpace returns b without leading XML white space and a UTF-8 byte
// order mark.
func skipSpace(b []byte) []byte {
	b = trimBOM(b)
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

func trimBOM(b []byte) []byte {
	if len(b) >= 3 && b[0] == 0xef && b[1] == 0xbb && b[2] == 0xbf {
		return b[3:]
	}
	return b
}

// maxSize is the effective size limit.
// loadStdin reads the database "-" from opts.Stdin.
func loadStdin(opts Options) (*Database, error) {
	limit := maxSize(opts)
	data, err := io.ReadAll(io.LimitReader(opts.Stdin, limit+1))
	if err != nil {
		return nil, &Error{"-", err}
	}
	if int64(len(data)) > limit {
		return nil, &Error{"-", fmt.Errorf("standard input: larger than the %d-byte limit", limit)}
	}
	opts.NoExternalEntities = true
	return Parse("-", data, opts)
}

func maxSize(opts Options) int64 {
	if opts.MaxSize > 0 {
		return opts.MaxSize
	}
	return decompress.DefaultLimit
}
