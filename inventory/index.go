package inventory

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/diag"
)

// MaxIndexLine caps the length of one ports INDEX line.
const MaxIndexLine = 4 << 20

// ParseError is a syntax error in an inventory file, with its position:
// File as given by the caller ("-" for stdin), Line, Column (0 when the
// whole line is at fault) and Err.
type ParseError = diag.Error

// FromIndex lists the ports of a FreeBSD ports INDEX file (INDEX-14
// format: "name-version|path|prefix|comment|descr|maintainer|categories|
// bdeps|rdeps|www|edeps|pdeps|fdeps", one port a line). Field 1 is split at
// its last '-'; Origin is the last two components of the port path
// ("/usr/ports/security/openssl" gives "security/openssl"). Empty lines are
// skipped; a line without at least two fields or whose name part (before
// the last '-' of field 1) is empty is a *ParseError naming file (used only in messages) and the line.
func FromIndex(r io.Reader, file string) ([]Package, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxIndexLine)
	var pkgs []Package
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSuffix(sc.Text(), "\r")
		if text == "" {
			continue
		}
		full, rest, ok := strings.Cut(text, "|")
		if !ok {
			return nil, &ParseError{File: file, Line: line, Column: len(text) + 1, Err: errors.New("expected '|' after the package name")}
		}
		p := pkgFromFullName(full)
		if p.Name == "" {
			return nil, &ParseError{File: file, Line: line, Column: 1, Err: errors.New("empty package name")}
		}
		path, _, _ := strings.Cut(rest, "|")
		p.Origin = portOrigin(path)
		p.Scheme = advisory.FreeBSD
		pkgs = append(pkgs, p)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &ParseError{File: file, Line: line + 1, Column: 0, Err: fmt.Errorf("line longer than %d bytes", MaxIndexLine)}
		}
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	return pkgs, nil
}

// portOrigin returns the last two components of a port directory.
func portOrigin(path string) string {
	path = strings.TrimRight(path, "/")
	i := strings.LastIndexByte(path, '/')
	if i < 0 {
		return path
	}
	j := strings.LastIndexByte(path[:i], '/')
	return path[j+1:]
}

// FromList lists the packages of a list file: one "name-version" a line,
// split at the last '-'. Blank lines and lines starting with '#' are
// skipped; leading and trailing blanks are trimmed. A line holding blanks
// inside or with an empty name part ("-1.0") is a *ParseError. file names the input in messages ("-" for
// stdin).
func FromList(r io.Reader, file string) ([]Package, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), MaxIndexLine)
	var pkgs []Package
	line := 0
	for sc.Scan() {
		line++
		raw := sc.Text()
		text := strings.TrimSpace(raw)
		if text == "" || text[0] == '#' {
			continue
		}
		if i := strings.IndexAny(text, " \t"); i >= 0 {
			// pkg info's "name-version  comment": the first field, when
			// it is a name-version and a blank run parts it from the rest.
			if !pkgInfoLine(text, i) {
				col := strings.Index(raw, text) + i + 1
				return nil, &ParseError{File: file, Line: line, Column: col, Err: errors.New("blank inside a package name")}
			}
			text = text[:i]
		}
		p := pkgFromFullName(text)
		p.List, p.Line = file, line
		if p.Name == "" {
			return nil, &ParseError{File: file, Line: line, Column: strings.Index(raw, text) + 1, Err: errors.New("empty package name")}
		}
		pkgs = append(pkgs, p)
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &ParseError{File: file, Line: line + 1, Column: 0, Err: fmt.Errorf("line longer than %d bytes", MaxIndexLine)}
		}
		return nil, fmt.Errorf("reading %s: %w", file, err)
	}
	return pkgs, nil
}

// pkgInfoLine reports whether text, whose first blank is at i, is a line
// of pkg info: a name-version (a '-' before a version part that is not
// empty), then at least two blanks or a tab, then the comment.
func pkgInfoLine(text string, i int) bool {
	first := text[:i]
	dash := strings.LastIndexByte(first, '-')
	if dash <= 0 || dash == len(first)-1 {
		return false
	}
	rest := text[i:]
	return strings.HasPrefix(rest, "  ") || rest[0] == '\t'
}
