// Package diag holds the one error type of pkgaudit's parsers: an error at
// a position in a file, in the style of go/scanner.Error. vuxml.Error,
// pkgsrc.ParseError, osv.ParseError, inventory.ParseError and the errors
// of the TOML files (config, ignore) are this type, so that a caller can
// take the position of any of them with one errors.As.
package diag

import "strconv"

// Error is an error at a position. Error() is "FILE:LINE:COLUMN: MSG",
// leaving out what is unknown ("FILE:LINE: MSG", "FILE: MSG",
// "LINE:COLUMN: MSG", or MSG alone).
type Error struct {
	File   string // the file's name as given ("-" for standard input)
	Line   int    // 1-based; 0 when the error concerns the whole file
	Column int    // 1-based byte column; 0 when the whole line is at fault
	// Msg is the message; when empty, Err's message is used.
	Msg string
	// Err classifies the error (a sentinel such as vuxml.ErrSyntax) or is
	// its cause; Unwrap returns it.
	Err error
}

// Position formats where the error is: FILE:LINE:COLUMN, without the
// parts that are unknown ("" when none is known).
func (e *Error) Position() string {
	s := e.File
	if e.Line > 0 {
		if s != "" {
			s += ":"
		}
		s += strconv.Itoa(e.Line)
		if e.Column > 0 {
			s += ":" + strconv.Itoa(e.Column)
		}
	}
	return s
}

func (e *Error) Error() string {
	msg := e.Msg
	if msg == "" && e.Err != nil {
		msg = e.Err.Error()
	}
	if p := e.Position(); p != "" {
		return p + ": " + msg
	}
	return msg
}

// Unwrap returns the error classifying e.
func (e *Error) Unwrap() error { return e.Err }
