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
	"sort"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/diag"
	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
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
func FileName(id string) (string, error) {
	if id == "" || strings.HasPrefix(id, ".") || strings.ContainsAny(id, "/\\\x00") {
		return "", fmt.Errorf("record id %q cannot be a file name", id)
	}
	return id + ".json", nil
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

// WriteDir writes one file per record, DIR/<id>.json, replacing DIR as a
// whole: the files are written and synced in a new directory beside DIR,
// which then takes DIR's place. An existing DIR must hold nothing but
// *.json files (so that a wrong --out cannot remove anything else); it is
// removed once the new one is in place.
func WriteDir(dir string, vulns []*Vulnerability) error {
	names, data, err := encodeAll(vulns)
	if err != nil {
		return err
	}
	dir = filepath.Clean(dir)
	if st, err := os.Stat(dir); err == nil {
		if !st.IsDir() {
			return fmt.Errorf("%s exists and is not a directory", dir)
		}
		ents, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range ents {
			if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), ".json") {
				return fmt.Errorf("%s holds %s, which is not an OSV record: refusing to replace the directory", dir, e.Name())
			}
		}
	} else if !errors.Is(err, fs.ErrNotExist) {
		return err
	}
	return atomicfile.ReplaceDir(dir, func(tmp string) ([]string, error) {
		for _, name := range names {
			if err := atomicfile.CreateNew(filepath.Join(tmp, name), data[name]); err != nil {
				return nil, err
			}
		}
		return names, nil
	})
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
