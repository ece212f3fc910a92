package osv

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/diag"
	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
	"github.com/pkgaudit/pkgaudit/internal/fsname"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// Limits of the readers.
const (
	// MaxRecordSize caps one record file (or zip member).
	MaxRecordSize = 16 << 20
	// MaxTotalSize caps everything read from one directory or zip.
	MaxTotalSize = 1 << 30
	// MaxRecords caps the number of records read from one path.
	MaxRecords = 1 << 20
)

// Record is one record and where it was read from.
type Record struct {
	Vuln *Vulnerability
	// File is the file (for a zip: "archive.zip:member.json").
	File string
}

// ParseError is a record file that does not parse, with the position of
// the fault when known.
type ParseError = diag.Error

// Sniff reports whether data looks like OSV JSON: after white space and a
// byte order mark, '{' (one record) or '[' (an array of records, as
// FreeBSD's flattened FREEBSD-osvf.json).
func Sniff(data []byte) bool {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	data = bytes.TrimLeft(data, " \t\r\n")
	return len(data) > 0 && (data[0] == '{' || data[0] == '[')
}

// SniffZip reports whether data is a zip archive.
func SniffZip(data []byte) bool {
	return bytes.HasPrefix(data, []byte("PK\x03\x04")) || bytes.HasPrefix(data, []byte("PK\x05\x06"))
}

// Parse reads the records in data: one record object or an array of them.
// name is used in errors. Every record must have an id and a modified
// time.
func Parse(name string, data []byte) ([]*Vulnerability, error) {
	if len(data) > MaxRecordSize {
		return nil, &ParseError{File: name, Err: fmt.Errorf("larger than %d bytes", MaxRecordSize)}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	var out []*Vulnerability
	var err error
	if len(trimmed) > 0 && trimmed[0] == '[' {
		err = decodeStrict(data, &out)
	} else {
		v := new(Vulnerability)
		if err = decodeStrict(data, v); err == nil {
			out = []*Vulnerability{v}
		}
	}
	if err != nil {
		pe := &ParseError{File: name, Err: err}
		var se *json.SyntaxError
		var te *json.UnmarshalTypeError
		switch {
		case errors.As(err, &se):
			pe.Line, pe.Column = lineCol(data, se.Offset)
		case errors.As(err, &te):
			pe.Line, pe.Column = lineCol(data, te.Offset)
		}
		return nil, pe
	}
	for i, v := range out {
		if v == nil {
			return nil, &ParseError{File: name, Err: fmt.Errorf("record %d is null", i)}
		}
		if v.ID == "" {
			return nil, &ParseError{File: name, Err: fmt.Errorf("record %d has no id", i)}
		}
		if v.Modified == "" {
			return nil, &ParseError{File: name, Err: fmt.Errorf("%s: no modified time", v.ID)}
		}
	}
	return out, nil
}

// decodeStrict decodes one JSON value and refuses trailing data.
func decodeStrict(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	if err := d.Decode(v); err != nil {
		if err == io.EOF {
			return errors.New("empty file")
		}
		return err
	}
	if _, err := d.Token(); err != io.EOF {
		return errors.New("data after the JSON value")
	}
	return nil
}

func lineCol(data []byte, off int64) (int, int) {
	if off < 0 || off > int64(len(data)) {
		return 0, 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// ReadPath reads the records at path: a JSON file (one record or an
// array), a directory (every *.json file below it, in lexical order,
// symbolic links not followed into directories), or a zip archive of
// *.json members (osv.dev's all.zip layout).
func ReadPath(path string) ([]Record, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	if st.IsDir() {
		return ReadDir(path)
	}
	data, err := readLimited(path, MaxTotalSize)
	if err != nil {
		return nil, err
	}
	return ReadBytes(path, data)
}

// ReadBytes reads records from the content of a JSON file or a zip
// archive called name.
func ReadBytes(name string, data []byte) ([]Record, error) {
	if SniffZip(data) {
		return ReadZip(name, data)
	}
	vs, err := Parse(name, data)
	if err != nil {
		return nil, err
	}
	out := make([]Record, len(vs))
	for i, v := range vs {
		out[i] = Record{Vuln: v, File: name}
	}
	return out, nil
}

func readLimited(path string, limit int64) ([]byte, error) {
	data, err := safeopen.ReadFileLimit(path, limit)
	if errors.Is(err, safeopen.ErrTooLarge) {
		return nil, fmt.Errorf("%s: larger than %d bytes", path, limit)
	}
	return data, err
}

// ReadDir reads every *.json file below dir.
func ReadDir(dir string) ([]Record, error) {
	var out []Record
	var total int64
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !d.Type().IsRegular() || !strings.HasSuffix(d.Name(), ".json") {
			return nil
		}
		data, err := readLimited(p, MaxRecordSize)
		if err != nil {
			return err
		}
		if total += int64(len(data)); total > MaxTotalSize {
			return fmt.Errorf("%s: more than %d bytes of records", dir, MaxTotalSize)
		}
		vs, err := Parse(p, data)
		if err != nil {
			return err
		}
		for _, v := range vs {
			out = append(out, Record{Vuln: v, File: p})
		}
		if len(out) > MaxRecords {
			return fmt.Errorf("%s: more than %d records", dir, MaxRecords)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// ReadZip reads the *.json members of a zip archive, in name order.
func ReadZip(name string, data []byte) ([]Record, error) {
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	files := append([]*zip.File(nil), zr.File...)
	sort.SliceStable(files, func(i, j int) bool { return files[i].Name < files[j].Name })
	var out []Record
	var total int64
	for _, f := range files {
		if f.FileInfo().IsDir() || !strings.HasSuffix(f.Name, ".json") {
			continue
		}
		member := name + ":" + f.Name
		if f.UncompressedSize64 > MaxRecordSize {
			return nil, fmt.Errorf("%s: larger than %d bytes", member, MaxRecordSize)
		}
		rc, err := f.Open()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", member, err)
		}
		b, err := io.ReadAll(io.LimitReader(rc, MaxRecordSize+1))
		rc.Close()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", member, err)
		}
		if len(b) > MaxRecordSize {
			return nil, fmt.Errorf("%s: larger than %d bytes", member, MaxRecordSize)
		}
		if total += int64(len(b)); total > MaxTotalSize {
			return nil, fmt.Errorf("%s: more than %d bytes of records", name, MaxTotalSize)
		}
		vs, err := Parse(member, b)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			out = append(out, Record{Vuln: v, File: member})
		}
		if len(out) > MaxRecords {
			return nil, fmt.Errorf("%s: more than %d records", name, MaxRecords)
		}
	}
	return out, nil
}

// FileName returns the file name of a record, "<id>.json". Ids that could
// not be file names (empty, '/', '\', NUL or a leading '.') are an error.
// An id too long for a file name (more than fsname.MaxBytes bytes with the
// extension) is shortened, at a character boundary, and given a suffix
// made of a hash of the whole id, so that distinct ids keep distinct
// names: "<start of id>~<16 hex digits>.json".
func FileName(id string) (string, error) {
	if id == "" || strings.HasPrefix(id, ".") || strings.ContainsAny(id, "/\\\x00") {
		return "", fmt.Errorf("record id %q cannot be a file name", id)
	}
	return fsname.Short(id, ".json"), nil
}

// encodeAll marshals the records, keyed by file name, refusing two records
// with the same id.
func encodeAll(vulns []*Vulnerability) (names []string, data map[string][]byte, err error) {
	data = make(map[string][]byte, len(vulns))
	for _, v := range vulns {
		name, err := FileName(v.ID)
		if err != nil {
			return nil, nil, err
		}
		if _, dup := data[name]; dup {
			return nil, nil, fmt.Errorf("two records with the id %s", v.ID)
		}
		b, err := Marshal(v)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %w", v.ID, err)
		}
		data[name] = b
		names = append(names, name)
	}
	sort.Strings(names)
	return names, data, nil
}

// ManifestName is the file WriteDir puts beside the records: it lists the
// files pkgaudit wrote, and only a directory it vouches for (or an empty
// one) is ever replaced.
const ManifestName = ".pkgaudit-osv"

// WriteDir writes one file per record, DIR/<id>.json, replacing DIR as a
// whole: the files are written and synced in a new directory beside DIR,
// which then takes DIR's place. An existing DIR must be empty or hold the
// manifest of an earlier export (ManifestName) and nothing it does not
// list, so that a wrong --out cannot remove anything else; it is removed
// once the new one is in place.
func WriteDir(dir string, vulns []*Vulnerability) error {
	names, data, err := encodeAll(vulns)
	if err != nil {
		return err
	}
	dir = filepath.Clean(dir)
	if err := checkReplaceable(dir); err != nil {
		return err
	}
	return atomicfile.ReplaceDir(dir, func(tmp string) ([]string, error) {
		for _, name := range names {
			if err := atomicfile.CreateNew(filepath.Join(tmp, name), data[name]); err != nil {
				return nil, err
			}
		}
		if err := atomicfile.CreateNew(filepath.Join(tmp, ManifestName), manifest(names)); err != nil {
			return nil, err
		}
		return append(names, ManifestName), nil
	})
}

// checkReplaceable returns nil when dir does not exist, is empty, or holds
// an earlier export: its manifest and only files the manifest lists.
func checkReplaceable(dir string) error {
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s exists and is not a directory", dir)
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(ents) == 0 {
		return nil
	}
	i := slices.IndexFunc(ents, func(e fs.DirEntry) bool { return e.Name() == ManifestName })
	if i < 0 {
		return fmt.Errorf("%s is not empty and holds no records written by pkgaudit export osv (no %s manifest): refusing to replace it; remove it or choose another --out", dir, ManifestName)
	}
	if !ents[i].Type().IsRegular() {
		// Never opened: a FIFO would block, a link could lead anywhere.
		return fmt.Errorf("%s: %s is not a regular file: refusing to replace the directory", dir, ManifestName)
	}
	listed, err := readManifest(filepath.Join(dir, ManifestName))
	if err != nil {
		return err
	}
	for _, e := range ents {
		if e.Name() == ManifestName {
			continue
		}
		if !e.Type().IsRegular() || !listed[e.Name()] {
			return fmt.Errorf("%s holds %s, which pkgaudit export osv did not write (not in %s): refusing to replace the directory", dir, e.Name(), ManifestName)
		}
	}
	return nil
}

const manifestHeader = "# The OSV records pkgaudit export osv wrote in this directory.\n"

// manifest lists the record files, one per line, after manifestHeader.
func manifest(names []string) []byte {
	var b bytes.Buffer
	b.WriteString(manifestHeader)
	for _, n := range names {
		b.WriteString(n)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// readManifest returns the names a manifest lists. A file that does not
// start with manifestHeader is no manifest of ours.
func readManifest(path string) (map[string]bool, error) {
	data, err := readLimited(path, 64<<20)
	if err != nil {
		return nil, err
	}
	if !bytes.HasPrefix(data, []byte(manifestHeader)) {
		return nil, fmt.Errorf("%s is not a manifest written by pkgaudit export osv: refusing to replace the directory", path)
	}
	listed := map[string]bool{}
	for _, n := range strings.Split(string(data[len(manifestHeader):]), "\n") {
		if n != "" && !strings.HasPrefix(n, ".") && !strings.ContainsAny(n, "/\\") {
			listed[n] = true
		}
	}
	return listed, nil
}

// zipTime is the modification time of every zip member, so that the
// archive depends only on the records.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// WriteZip writes the records into a zip archive at path (one <id>.json
// member each, in name order, deflated, fixed times), replacing path
// atomically.
func WriteZip(path string, vulns []*Vulnerability) error {
	names, data, err := encodeAll(vulns)
	if err != nil {
		return err
	}
	return atomicfile.Write(path, 0o644, func(w io.Writer) error {
		zw := zip.NewWriter(w)
		for _, name := range names {
			fw, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: zipTime})
			if err != nil {
				return err
			}
			if _, err := fw.Write(data[name]); err != nil {
				return err
			}
		}
		return zw.Close()
	})
}
