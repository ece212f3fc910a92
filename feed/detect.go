package feed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/pkgaudit/pkgaudit/internal/decompress"
)

// formats is the ordered list of the formats feed reads. The format of a
// file is the first of this list whose sniff accepts its decompressed
// content, once the lookalikes below are ruled out:
//
//   - VuXML: after a byte order mark and white space (blank lines
//     included), '<': an XML declaration, a DOCTYPE, a comment, <vuxml>
//     or the <vuln> of a year fragment.
//   - OSV: '{' or '[' (a record or an array of records), or a zip archive
//     of records.
//   - pkg-vulnerabilities: a '#' line, the OpenPGP clear-signature header,
//     or the blank and Hash: lines pkg_install skips before #FORMAT.
//
// VuXML comes first so that a VuXML file starting with blank lines is
// VuXML, not a pkg-vulnerabilities file with a bad header.
var formats = []detector{
	{format: VuXML, name: "a VuXML file", sniff: sniffVuXML, parse: parseVuXML},
	{format: OSV, name: "OSV records", sniff: sniffOSV, parse: parseOSV},
	{format: Pkgsrc, name: "a pkg-vulnerabilities file", sniff: sniffPkgsrc, parse: parsePkgsrc},
}

// lookalikes are files that some format's sniff would accept but that
// are no database: they are recognised first, and named in the error.
var lookalikes = []struct {
	what  string
	match func(plain []byte) bool
}{
	{"HTML (a web page: a wrong URL, or an error page saved in place of the database?)", looksHTML},
	{"pkgaudit's own JSON report (audit --format json)", jsonKeys("tool", "databases", "results")},
	{"pkg audit's JSON report (-Rjson)", jsonKeys("pkg_count")},
	{"a SARIF report (audit --format sarif)", jsonKeys("runs")},
	{"a CycloneDX document (audit --format cyclonedx)", jsonKeys("bomFormat")},
}

// detect returns the detector of plain, decompressed content, or nil and
// what the content looks like.
func detect(plain []byte) (*detector, string) {
	for _, l := range lookalikes {
		if l.match(plain) {
			return nil, l.what
		}
	}
	for i := range formats {
		if formats[i].sniff(plain) {
			return &formats[i], ""
		}
	}
	return nil, looksLike(plain)
}

// Detect tells the format of data, compressed or not: one of Formats, or
// "" and what the data looks like ("HTML (...)", "pkgaudit's own JSON
// report ...", "an OpenPGP key ...", "binary data", ...).
func Detect(data []byte) (Format, string) {
	if len(data) == 0 {
		return "", "an empty file"
	}
	plain, layers, err := decompress.Unpack(data, 0)
	if err != nil {
		return "", fmt.Sprintf("%s data that cannot be decompressed (%v)", layersName(layers), err)
	}
	d, what := detect(plain)
	if d != nil {
		return d.format, ""
	}
	if len(layers) > 0 {
		what = layersName(layers) + "-compressed " + what
	}
	return "", what
}

func layersName(layers []decompress.Format) string {
	s := make([]string, len(layers))
	for i, l := range layers {
		s[i] = string(l)
	}
	return strings.Join(s, "+")
}

// FormatError is a file that is not a database of a format feed reads, or
// not of one the caller accepts; it wraps ErrUnknownFormat or
// ErrWrongFormat.
type FormatError struct {
	// Looks is what the file looks like ("HTML (...)", "a
	// pkg-vulnerabilities file").
	Looks string
	// Want lists the formats the caller accepts (empty: all).
	Want []Format
	// Compression is the compression undone ("gzip", "xz+gzip", ...).
	Compression string
}

// ErrWrongFormat is wrapped by the error for a database of a format the
// caller does not accept (a pkg-vulnerabilities file where VuXML is
// expected).
var ErrWrongFormat = errors.New("not of the expected format")

func (e *FormatError) Error() string {
	looks := e.Looks
	if e.Compression != "" {
		looks = e.Compression + "-compressed " + looks
	}
	if len(e.Want) > 0 {
		want := make([]string, len(e.Want))
		for i, f := range e.Want {
			want[i] = formatNames[f]
		}
		return fmt.Sprintf("this is %s, where %s is expected", looks, strings.Join(want, " or "))
	}
	return fmt.Sprintf("this is %s, %s", looks, ErrUnknownFormat)
}

func (e *FormatError) Unwrap() error {
	if len(e.Want) > 0 {
		return ErrWrongFormat
	}
	return ErrUnknownFormat
}

// formatNames are the formats' names in messages.
var formatNames = map[Format]string{VuXML: "VuXML", OSV: "OSV", Pkgsrc: "a pkg-vulnerabilities file"}

// Describe says what a file of format f is, for messages ("a VuXML
// file", "OSV records", "a pkg-vulnerabilities file").
func (f Format) Describe() string {
	for _, d := range formats {
		if d.format == f {
			return d.name
		}
	}
	return string(f)
}

// looksHTML: an HTML document (or XHTML) rather than XML data.
func looksHTML(b []byte) bool {
	b = skipSpace(b)
	head := strings.ToLower(string(b[:min(len(b), 1024)]))
	if strings.HasPrefix(head, "<!doctype html") || strings.HasPrefix(head, "<html") {
		return true
	}
	if strings.HasPrefix(head, "<?xml") || strings.HasPrefix(head, "<!--") {
		i := strings.Index(head, "<html")
		return i >= 0 && !strings.Contains(head[:i], "<vuxml") && !strings.Contains(head[:i], "<vuln")
	}
	return false
}

// jsonKeys returns a matcher of JSON whose top-level object (or first
// array element) has all of keys, judged from the first 64 KiB.
func jsonKeys(keys ...string) func([]byte) bool {
	return func(b []byte) bool {
		b = skipSpace(b)
		if len(b) == 0 || b[0] != '{' && b[0] != '[' {
			return false
		}
		have := topKeys(b[:min(len(b), 64<<10)])
		for _, k := range keys {
			if !have[k] {
				return false
			}
		}
		return true
	}
}

// topKeys reads the keys of the top-level JSON object in b (or of the
// first element of a top-level array) as far as b goes.
func topKeys(b []byte) map[string]bool {
	keys := map[string]bool{}
	dec := json.NewDecoder(bytes.NewReader(b))
	t, err := dec.Token()
	if d, ok := t.(json.Delim); err == nil && ok && d == '[' {
		t, err = dec.Token()
	}
	if d, ok := t.(json.Delim); err != nil || !ok || d != '{' {
		return keys
	}
	for dec.More() {
		t, err := dec.Token()
		k, ok := t.(string)
		if err != nil || !ok {
			break
		}
		keys[k] = true
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			break
		}
	}
	return keys
}

// looksLike describes content of no known format.
func looksLike(b []byte) string {
	t := skipSpace(b)
	switch {
	case len(t) == 0:
		return "a file of white space only"
	case bytes.HasPrefix(t, []byte("-----BEGIN PGP PUBLIC KEY BLOCK-----")):
		return "an OpenPGP public key (give it with --keyring)"
	case bytes.HasPrefix(t, []byte("-----BEGIN PGP")):
		return "OpenPGP data"
	case bytes.HasPrefix(b, []byte("\x7fELF")):
		return "an executable (ELF)"
	case bytes.HasPrefix(b, []byte("SQLite format 3\x00")):
		return "an SQLite database (a package database is given with --installed or -d, not -f)"
	}
	head := b[:min(len(b), 4096)]
	if bytes.IndexByte(head, 0) >= 0 || !utf8.Valid(trimPartialRune(head)) {
		return "binary data"
	}
	line, _, _ := bytes.Cut(t, []byte("\n"))
	line = bytes.TrimRight(line, "\r")
	if len(line) > 60 {
		line = append(trimPartialRune(line[:60:60]), "..."...)
	}
	return fmt.Sprintf("text of no known format (it starts %q)", line)
}

// trimPartialRune drops an incomplete UTF-8 sequence at the end of b.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= 3 && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			break
		}
	}
	return b
}
