// Package validate checks FreeBSD VuXML documents the way the ports tree's
// `make validate` in security/vuxml does (DTD structure, extra-validation.py,
// the tidy difference, the unexpand/trailing-space check) and makes the
// checks no tool there makes: UUID vids unique across files, real and ordered
// dates not in the future, topic and CVE name syntax, template placeholders,
// empty, inverted and overlapping ranges under FreeBSD version order, globbed
// names, inconsistent epochs, and the year file of each entry.
//
// Check runs the checks that need only parsed documents; CheckText the ones
// that read a file's bytes (whitespace, tidy); Files does both for files on
// disk. Findings carry a file position, a severity, a check id and the vid
// of the entry they concern.
package validate

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/pkgaudit/pkgaudit/vuxml"
)

// Severity tells errors (make validate would fail, or the entry is wrong)
// from warnings (suspicious, or a convention is not followed).
type Severity string

// Severities.
const (
	Error   Severity = "error"
	Warning Severity = "warning"
)

// Finding is one problem found in a file.
type Finding struct {
	File     string   `json:"file"`
	Line     int      `json:"line"`
	Col      int      `json:"col"`
	Severity Severity `json:"severity"`
	// Check is the id of the check that found it ("vid-syntax",
	// "date-order", ...); see Checks.
	Check   string `json:"check"`
	Message string `json:"message"`
	// VID is the entry the finding concerns ("" for file-level findings).
	VID string `json:"vid,omitempty"`
}

// String formats f as FILE:LINE:COL: SEVERITY: MESSAGE [VID].
func (f Finding) String() string {
	s := fmt.Sprintf("%s:%d:%d: %s: %s", f.File, f.Line, f.Col, f.Severity, f.Message)
	if f.VID != "" {
		s += " [" + f.VID + "]"
	}
	return s
}

// Options controls Check and Files.
type Options struct {
	// Now is the current time, for dates in the future. Zero disables that
	// check.
	Now time.Time
	// Skip lists check ids not to run.
	Skip []string
	// NoExternalEntities refuses the external entities of a vuln.xml
	// wrapper (Files, Bytes) instead of validating the year files they
	// name.
	NoExternalEntities bool
}

// Source is the text of one file given to Check: it lets positions inside
// descriptions be exact and the description size be measured as
// extra-validation.py measures it. Optional.
type Source struct {
	File string
	Data []byte
}

// Check runs every model check over docs, taken together: a vid must be
// unique across all of them, and the epochs a name carries are compared
// across all of them. srcs (optional) are the texts of the files the
// entries were read from. Findings come sorted by file (in order of first
// appearance), line and column.
func Check(docs []*vuxml.Document, srcs []Source, opts Options) []Finding {
	c := newChecker(opts)
	for _, s := range srcs {
		c.addSource(s.File, s.Data)
	}
	for _, d := range docs {
		if d == nil {
			continue
		}
		for _, e := range d.Entries {
			c.noteFile(e.Pos.File)
			c.entry(e)
		}
	}
	c.crossEntry()
	return c.sorted()
}

// Count returns the numbers of errors and warnings in fs.
func Count(fs []Finding) (errors, warnings int) {
	for _, f := range fs {
		if f.Severity == Error {
			errors++
		} else {
			warnings++
		}
	}
	return errors, warnings
}

// Sort orders findings by file (files in the order given by order, then
// unknown files by name), line, column, then check id.
func Sort(fs []Finding, order []string) {
	rank := map[string]int{}
	for i, f := range order {
		if _, ok := rank[f]; !ok {
			rank[f] = i
		}
	}
	r := func(f string) int {
		if i, ok := rank[f]; ok {
			return i
		}
		return len(order)
	}
	slices.SortStableFunc(fs, func(a, b Finding) int {
		return cmp.Or(
			cmp.Compare(r(a.File), r(b.File)),
			cmp.Compare(a.File, b.File),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Col, b.Col),
		)
	})
}
