package pkgsrc

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/hex"

	"github.com/pkgaudit/pkgaudit/diag"
	"github.com/pkgaudit/pkgaudit/internal/decompress"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// File is a parsed pkg-vulnerabilities file.
type File struct {
	// Entries in file order, duplicates kept.
	Entries []Entry
	// NetBSDID is the "# $NetBSD: ... $" line of the header, if any.
	NetBSDID string
	// Signed tells whether the text is an OpenPGP clear-signed message.
	Signed bool
	// Checksums are the #CHECKSUM lines that were verified.
	Checksums []Checksum
	// Warnings are pkg_install's non-fatal messages
	// ("Unsupported hash algorithm: MD5").
	Warnings []string
}

// Checksum is one verified #CHECKSUM line.
type Checksum struct {
	Alg  string // "SHA1" or "SHA512"
	Hex  string
	Line int
}

// ParseError is a fatal error in a pkg-vulnerabilities file: File, Line
// (0 when the error concerns the whole file) and Msg, pkg_install's
// wording; "FILE:LINE: MSG".
type ParseError = diag.Error

// Options controls parsing.
type Options struct {
	// MaxSize caps the decompressed size (0: decompress.DefaultLimit).
	MaxSize int64
	// SourceList also accepts the unsigned source list of the pkgsrc tree
	// (doc/pkg-vulnerabilities), which declares #FORMAT 1.0.0; pkg_install
	// rejects it.
	SourceList bool
}

const (
	pgpHeader    = "-----BEGIN PGP SIGNED MESSAGE-----\n"
	pgpSignature = "-----BEGIN PGP SIGNATURE-----\n"
	pkcs7Header  = "-----BEGIN PKCS7-----\n"
)

// ParseFile reads and parses the file at path (compressed or not).
func ParseFile(path string, opts Options) (*File, error) {
	raw, err := safeopen.ReadFile(path)
	if err != nil {
		return nil, openError(path, err)
	}
	return Parse(path, raw, opts)
}

// Parse parses raw, the content of the file called name, exactly as
// pkg_install's vulnerabilities-file.c 1.11 does: content-sniffed
// decompression, the header up to #FORMAT 1.1.0, the entry lines, and
// verification of every #CHECKSUM line.
func Parse(name string, raw []byte, opts Options) (*File, error) {
	data, err := decompressBytes(raw, opts)
	if err != nil {
		// pkg_admin's message (the vectors' rejections), naming the file twice.
		return nil, decompressError(name, err)
	}
	p := &parser{name: name, data: data, line: 1, sourceList: opts.SourceList}
	return p.parse()
}

type parser struct {
	name string
	data []byte
	pos  int
	line int // line number of data[pos]
	f    File

	sourceList bool

	hashed  bool
	sha1Hex string
	sha5Hex string
}

func (p *parser) fail(line int, msg string) error {
	return &ParseError{File: p.name, Line: line, Msg: msg}
}

func isSpace(c byte) bool { return c == ' ' || (c >= '\t' && c <= '\r') }

// at returns data[i], or 0 past the end (the C string's NUL).
func (p *parser) at(i int) byte {
	if i < len(p.data) {
		return p.data[i]
	}
	return 0
}

// nextLine returns the current line without its newline and advances.
func (p *parser) nextLine() ([]byte, int, error) {
	nl := bytes.IndexByte(p.data[p.pos:], '\n')
	if nl < 0 {
		return nil, p.line, p.fail(p.line, "Missing newline in pkg-vulnerabilities")
	}
	l, n := p.data[p.pos:p.pos+nl], p.line
	p.pos += nl + 1
	p.line++
	return l, n, nil
}

// skipTo moves pos forward to i, counting newlines.
func (p *parser) skipTo(i int) {
	p.line += bytes.Count(p.data[p.pos:i], []byte{'\n'})
	p.pos = i
}

func (p *parser) parse() (*File, error) {
	if bytes.IndexByte(p.data, 0) >= 0 {
		return nil, p.fail(0, "Invalid input (NUL character found)")
	}
	inPGP := bytes.HasPrefix(p.data, []byte(pgpHeader))
	if inPGP {
		p.pos = len(pgpHeader)
		p.line = 2
	}
	p.f.Signed = inPGP
	start := p.pos
	if err := p.header(); err != nil {
		return nil, err
	}
	if p.pos >= len(p.data) {
		return nil, p.fail(p.line, "Missing #CHECKSUM or content")
	}
	for p.pos < len(p.data) {
		lineStart := p.pos
		l, n, err := p.nextLine()
		if err != nil {
			return nil, err
		}
		switch {
		case len(l) == 0:
		case inPGP && string(l)+"\n" == pgpSignature, !inPGP && string(l)+"\n" == pkcs7Header:
			return &p.f, nil
		case l[0] == '#' && (len(l) == 1 || isSpace(l[1])):
		case bytes.HasPrefix(l, []byte("#CHECKSUM")):
			p.pos, p.line = lineStart, n
			if err := p.checksum(start, inPGP); err != nil {
				return nil, err
			}
		case l[0] == '#':
			// Commented-out entries and a second #FORMAT are ignored.
		default:
			e, err := entry(l)
			if err != "" {
				return nil, p.fail(n, err)
			}
			e.Line = n
			p.f.Entries = append(p.f.Entries, e)
		}
	}
	return &p.f, nil
}

// header reads the lines before and including #FORMAT.
func (p *parser) header() error {
	for p.pos < len(p.data) {
		lineStart := p.pos
		l, n, err := p.nextLine()
		if err != nil {
			return err
		}
		switch {
		case len(l) == 0, bytes.HasPrefix(l, []byte("Hash:")):
			continue
		case bytes.HasPrefix(l, []byte("# $NetBSD")):
			if p.f.NetBSDID == "" {
				p.f.NetBSDID = string(l)
			}
			continue
		case l[0] == '#' && (len(l) == 1 || isSpace(l[1])):
			for _, c := range l[1:] {
				if !isSpace(c) {
					return p.fail(n, "Invalid header")
				}
			}
			continue
		case !bytes.HasPrefix(l, []byte("#FORMAT")):
			return p.fail(n, "Input header is malformed")
		}
		// #FORMAT: parsed on the raw text as the C code does, so strtol may
		// skip whitespace across lines.
		i := lineStart + len("#FORMAT")
		if !isSpace(p.at(i)) {
			return p.fail(n, "Invalid #FORMAT")
		}
		for k, want := range []int64{1, 1, 0} {
			v, end := p.strtol(i)
			if k == 1 && v == 0 && p.sourceList {
				want = 0 // #FORMAT 1.0.0
			}
			if v != want || (k < 2 && p.at(end) != '.') {
				return p.fail(n, "Input #FORMAT")
			}
			i = end + 1
			if k == 2 {
				i = end
			}
		}
		for p.at(i) != '\n' {
			if i >= len(p.data) {
				return p.fail(n, "Missing newline in pkg-vulnerabilities")
			}
			if !isSpace(p.at(i)) {
				return p.fail(n, "Input #FORMAT")
			}
			i++
		}
		p.pos, p.line = lineStart, n
		p.skipTo(i + 1)
		return nil
	}
	return p.fail(p.line, "Missing #CHECKSUM or content")
}

// strtol mimics C strtol(data+i, &end, 10) for small values: it returns
// the value and the end index (i itself when no digits were read).
func (p *parser) strtol(i int) (int64, int) {
	j := i
	for isSpace(p.at(j)) {
		j++
	}
	neg := false
	if c := p.at(j); c == '+' || c == '-' {
		neg = c == '-'
		j++
	}
	k := j
	var v int64
	for c := p.at(k); c >= '0' && c <= '9'; c = p.at(k) {
		if v < 1<<40 {
			v = v*10 + int64(c-'0')
		}
		k++
	}
	if k == j {
		return 0, i
	}
	if neg {
		v = -v
	}
	return v, k
}

// entry splits an entry line into its three columns; the string is
// pkg_install's message on error.
func entry(l []byte) (Entry, string) {
	i := 0
	for i < len(l) && !isSpace(l[i]) {
		i++
	}
	pat := string(l[:i])
	for i < len(l) && isSpace(l[i]) {
		i++
	}
	if i == len(l) || l[i] == '0' {
		return Entry{}, "Input error: missing classification"
	}
	j := i
	for j < len(l) && !isSpace(l[j]) {
		j++
	}
	class := string(l[i:j])
	for j < len(l) && isSpace(l[j]) {
		j++
	}
	if j == len(l) || l[j] == '0' {
		return Entry{}, "Input error: missing URL"
	}
	k := j
	for k < len(l) && !isSpace(l[k]) {
		k++
	}
	return Entry{Pattern: pat, Class: class, URL: string(l[j:k])}, ""
}

// checksum verifies the #CHECKSUM line at pos and moves past it.
func (p *parser) checksum(start int, inPGP bool) error {
	n := p.line
	i := p.pos + len("#CHECKSUM")
	if !isSpace(p.at(i)) {
		return p.fail(n, "Invalid #CHECKSUM")
	}
	for isSpace(p.at(i)) {
		i++
	}
	var alg string
	var hexLen int
	switch {
	case bytes.HasPrefix(p.data[i:], []byte("SHA512")) && isSpace(p.at(i+6)):
		alg, hexLen = "SHA512", 2*sha512.Size
	case bytes.HasPrefix(p.data[i:], []byte("SHA1")) && isSpace(p.at(i+4)):
		alg, hexLen = "SHA1", 2*sha1.Size
	default:
		j := i
		for c := p.at(j); (c|0x20) >= 'a' && (c|0x20) <= 'z' || c >= '0' && c <= '9'; c = p.at(j) {
			j++
		}
		p.f.Warnings = append(p.f.Warnings, "Unsupported hash algorithm: "+string(p.data[i:j]))
		return p.skipLineAt(j)
	}
	i += len(alg)
	for c := p.at(i); c == ' ' || c == '\t'; c = p.at(i) {
		i++
	}
	if p.at(i) == '\n' || i >= len(p.data) {
		return p.fail(n, "Invalid #CHECKSUM")
	}
	if err := p.computeHashes(start, inPGP); err != nil {
		return err
	}
	want := p.sha1Hex
	if alg == "SHA512" {
		want = p.sha5Hex
	}
	if i+hexLen > len(p.data) || string(p.data[i:i+hexLen]) != want {
		return p.fail(n, alg+" hash doesn't match")
	}
	p.f.Checksums = append(p.f.Checksums, Checksum{Alg: alg, Hex: want, Line: n})
	i += hexLen
	for c := p.at(i); c == ' ' || c == '\t'; c = p.at(i) {
		i++
	}
	if p.at(i) != '\n' {
		return p.fail(n, "Invalid #CHECKSUM")
	}
	p.skipTo(i + 1)
	return nil
}

// skipLineAt moves past the end of the line that contains index i.
func (p *parser) skipLineAt(i int) error {
	nl := bytes.IndexByte(p.data[i:], '\n')
	if nl < 0 {
		return p.fail(p.line, "Missing newline in pkg-vulnerabilities")
	}
	p.skipTo(i + nl + 1)
	return nil
}

// computeHashes hashes the document once, as pkg_install does: every line
// from the start (after the PGP header) up to the signature (or PKCS7)
// marker line, except empty lines and lines starting with "Hash:",
// "# $NetBSD" or "#CHECKSUM".
func (p *parser) computeHashes(start int, inPGP bool) error {
	if p.hashed {
		return nil
	}
	marker := []byte(pkcs7Header)
	if inPGP {
		marker = []byte(pgpSignature)
	}
	h1, h5 := sha1.New(), sha512.New()
	line := 1
	if inPGP {
		line = 2
	}
	for i := start; i < len(p.data); line++ {
		nl := bytes.IndexByte(p.data[i:], '\n')
		if nl < 0 {
			return p.fail(line, "Missing newline in pkg-vulnerabilities")
		}
		l := p.data[i : i+nl+1]
		i += nl + 1
		if bytes.Equal(l, marker) {
			break
		}
		if len(l) == 1 || bytes.HasPrefix(l, []byte("Hash:")) ||
			bytes.HasPrefix(l, []byte("# $NetBSD")) || bytes.HasPrefix(l, []byte("#CHECKSUM")) {
			continue
		}
		h1.Write(l)
		h5.Write(l)
	}
	p.sha1Hex = hex.EncodeToString(h1.Sum(nil))
	p.sha5Hex = hex.EncodeToString(h5.Sum(nil))
	p.hashed = true
	return nil
}

func decompressBytes(raw []byte, opts Options) ([]byte, error) {
	return decompress.Bytes(raw, opts.MaxSize)
}
