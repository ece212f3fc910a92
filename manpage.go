// Package pkgaudit holds what belongs to the repository as a whole: the
// manual page, embedded so that `pkgaudit man` prints it (the commands
// live in cmd/pkgaudit, the libraries in the packages below).
package pkgaudit

import _ "embed"

// ManPage is pkgaudit.8, the mdoc(7) manual page.
//
//go:embed pkgaudit.8
var ManPage string
