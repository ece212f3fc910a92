package vuxml

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/pkgaudit/pkgaudit/diag"
)

// Sentinel errors wrapped by *Error for the refusals a caller may want to
// tell apart with errors.Is.
var (
	// ErrSyntax: the input is not well-formed XML.
	ErrSyntax = errors.New("not well-formed")
	// ErrStructure: a VuXML element in a place where it cannot be (a
	// <package> outside <affects>, a <vuln> inside a <vuln>, a root that
	// is not <vuxml>).
	ErrStructure = errors.New("impossible VuXML structure")
	// ErrTooLarge: the input, entities included, exceeds ParseOptions.MaxSize.
	ErrTooLarge = errors.New("input too large")
	// ErrTooDeep: element nesting exceeds ParseOptions.MaxDepth.
	ErrTooDeep = errors.New("nesting too deep")
	// ErrEntityLimit: entity expansion exceeds ParseOptions.MaxEntityExpansion
	// or ParseOptions.MaxEntityDepth (for example a "billion laughs" document).
	ErrEntityLimit = errors.New("entity expansion limit exceeded")
	// ErrExternalEntity: an external entity was refused (NoExternalEntities,
	// a path outside the including file's directory, a URL) or could not
	// be read.
	ErrExternalEntity = errors.New("external entity refused")
	// ErrUnsupported: well-formed XML that this package does not handle
	// (markup inside internal entities, parameter-entity references,
	// encodings other than UTF-8).
	ErrUnsupported = errors.New("unsupported XML feature")
)

// Error is a fatal parse error at a position, in the style of go/scanner
// (diag.Error, the error type of every parser of pkgaudit): Error() is
// "FILE:LINE:COL: message". Err, when set, is one of the sentinel errors
// above (ErrSyntax, ErrTooDeep, ...) and is returned by Unwrap.
type Error = diag.Error

// errorAt returns the Error of msg at p, classified by sentinel. A
// position without file and line is written "-", as Pos.String does.
func errorAt(p Pos, msg string, sentinel error) *Error {
	if p.File == "" && p.Line == 0 {
		p.File = "-"
	}
	return &Error{File: p.File, Line: p.Line, Column: p.Col, Msg: msg, Err: sentinel}
}

// ErrorPos returns the position of e as a Pos.
func ErrorPos(e *Error) Pos { return Pos{File: e.File, Line: e.Line, Col: e.Column} }

// String formats a position as FILE:LINE:COL (LINE:COL without a file,
// FILE alone without a line).
func (p Pos) String() string {
	s := p.File
	if p.Line > 0 {
		if s != "" {
			s += ":"
		}
		s += strconv.Itoa(p.Line) + ":" + strconv.Itoa(p.Col)
	}
	if s == "" {
		s = "-"
	}
	return s
}

// IsValid reports whether the position is set (Line > 0).
func (p Pos) IsValid() bool { return p.Line > 0 }

// ErrorList is a list of *Error, as go/scanner.ErrorList.
type ErrorList []*Error

// Add appends an error.
func (l *ErrorList) Add(pos Pos, msg string) { *l = append(*l, errorAt(pos, msg, nil)) }

func (l ErrorList) Error() string {
	switch len(l) {
	case 0:
		return "no errors"
	case 1:
		return l[0].Error()
	}
	return fmt.Sprintf("%s (and %d more errors)", l[0], len(l)-1)
}

// Err returns nil for an empty list, else the list itself.
func (l ErrorList) Err() error {
	if len(l) == 0 {
		return nil
	}
	return l
}

// Unwrap gives errors.Is/As access to every error in the list.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}
