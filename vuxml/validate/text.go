package validate

import (
	"github.com/pkgaudit/pkgaudit/vuxml/tidy"
)

// CheckText runs the checks on the text of one file: every change tidy
// would make (make validate diffs tidy's output against the document),
// content tidy.xsl would drop, trailing white space and indentation that
// unexpand(1) would change. Upper-case hex digits in a vid are reported
// here, as a tidy change. The error is a *tidy.SyntaxError for text that
// is not XML.
func CheckText(file string, data []byte, opts Options) ([]Finding, error) {
	skip := map[string]bool{}
	for _, s := range opts.Skip {
		skip[s] = true
	}
	var out []Finding
	add := func(f Finding) {
		if !skip[f.Check] {
			out = append(out, f)
		}
	}
	res, ws, err := tidy.Check(file, data)
	if err != nil {
		return nil, err
	}
	for _, c := range res.Changes {
		add(Finding{File: c.Pos.File, Line: c.Pos.Line, Col: c.Pos.Col, Severity: Error, Check: "tidy",
			Message: "not tidy: " + c.Msg, VID: c.VID})
	}
	for _, l := range res.Losses {
		add(Finding{File: l.Pos.File, Line: l.Pos.Line, Col: l.Pos.Col, Severity: Error, Check: "tidy-loss",
			Message: l.Msg, VID: l.VID})
	}
	for _, w := range ws {
		check := "whitespace-trailing"
		if w.Kind == tidy.KindIndent {
			check = "whitespace-indent"
		}
		add(Finding{File: w.Pos.File, Line: w.Pos.Line, Col: w.Pos.Col, Severity: Error, Check: check, Message: w.Msg})
	}
	Sort(out, []string{file})
	return out, nil
}
