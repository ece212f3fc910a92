package validate

import "github.com/pkgaudit/pkgaudit/vuxml"

// issues turns the parser's structural diagnostics (the DTD-equivalent
// checks: unknown elements and attributes, element order, missing
// required elements, ...) into findings of the "structure" check.
func issues(doc *vuxml.Document, file string) []Finding {
	var out []Finding
	for _, is := range doc.Issues {
		p := is.Pos
		if p.File == "" {
			p.File = file
		}
		out = append(out, Finding{File: p.File, Line: p.Line, Col: p.Col, Severity: Error,
			Check: "structure", Message: is.Msg, VID: is.VID})
	}
	return out
}
