package tidy

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/pkgaudit/pkgaudit/vuxml"
)

// Kinds of white-space problem.
const (
	KindTrailing = "trailing" // blanks at the end of a line
	KindIndent   = "indent"   // indentation unexpand(1) would change
)

// SpaceIssue is one place make validate's "Checking for space/tab" step
// (unexpand, then stripping trailing blanks, then diff) would flag: bytes
// [Start, End) would become Fix.
type SpaceIssue struct {
	Start, End int
	Fix        string
	Pos        vuxml.Pos
	Kind       string
	Msg        string
}

// Whitespace checks data the way make validate's space/tab step checks the
// flattened document: no line may end in blanks, and the leading blanks
// of a line must be what FreeBSD's unexpand(1) makes of them (tabs for
// every full 8 columns, then fewer than 8 spaces). Lines inside a tag, and
// the XML declaration and DOCTYPE, are skipped: xmllint rewrites those
// before the check sees them. A CR before LF is a line ending (xmllint
// normalises it away).
func Whitespace(file string, data []byte) ([]SpaceIssue, error) {
	li := newLineIndex(data)
	toks, err := lex(file, data, li)
	if err != nil {
		return nil, err
	}
	return whitespace(file, data, li, toks), nil
}

func whitespace(file string, data []byte, li *lineIndex, toks []token) []SpaceIssue {
	// markup: byte ranges xmllint re-serialises (tags, directives, the XML
	// declaration).
	var markup [][2]int
	for _, t := range toks {
		switch t.kind {
		case tStart, tEnd, tDirective:
			if t.end > t.start {
				markup = append(markup, [2]int{t.start, t.end})
			}
		case tPI:
			if strings.HasPrefix(string(data[t.start:min(t.end, t.start+6)]), "<?xml") {
				markup = append(markup, [2]int{t.start, t.end})
			}
		}
	}
	inMarkup := func(off int) bool {
		i := sort.Search(len(markup), func(i int) bool { return markup[i][1] > off })
		return i < len(markup) && markup[i][0] < off
	}
	var out []SpaceIssue
	for ln, start := range li.starts {
		end := len(data)
		if ln+1 < len(li.starts) {
			end = li.starts[ln+1] - 1 // the '\n'
		}
		if start > end {
			continue
		}
		line := data[start:end]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		body := bytes.TrimRight(line, " \t\v\f\r")
		if len(body) < len(line) {
			off := start + len(body)
			if !inMarkup(off) {
				out = append(out, SpaceIssue{Start: off, End: start + len(line), Fix: "", Pos: li.pos(file, off),
					Kind: KindTrailing, Msg: "trailing white space"})
			}
		}
		if len(body) == 0 || inMarkup(start) {
			continue
		}
		n := 0
		for n < len(body) && (body[n] == ' ' || body[n] == '\t') {
			n++
		}
		lead := string(body[:n])
		col := 0
		for _, c := range lead {
			if c == ' ' {
				col++
			} else {
				col = (col/8 + 1) * 8
			}
		}
		want := strings.Repeat("\t", col/8) + strings.Repeat(" ", col%8)
		if lead != want {
			d := 0
			for d < len(lead) && d < len(want) && lead[d] == want[d] {
				d++
			}
			out = append(out, SpaceIssue{Start: start, End: start + n, Fix: want, Pos: li.pos(file, start+d),
				Kind: KindIndent, Msg: fmt.Sprintf("indentation has spaces across a tab stop: unexpand(1) makes it %s", describeIndent(want))})
		}
	}
	return out
}

func describeIndent(s string) string {
	tabs := strings.Count(s, "\t")
	spaces := len(s) - tabs
	var parts []string
	if tabs > 0 {
		parts = append(parts, plural(tabs, "tab"))
	}
	if spaces > 0 {
		parts = append(parts, plural(spaces, "space"))
	}
	return strings.Join(parts, " and ")
}

func plural(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return fmt.Sprintf("%d %ss", n, w)
}

// FixWhitespace returns data with every issue fixed.
func FixWhitespace(data []byte, issues []SpaceIssue) []byte {
	cs := make([]Change, len(issues))
	for i, s := range issues {
		cs[i] = Change{Start: s.Start, End: s.End, New: s.Fix}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].Start < cs[j].Start })
	return apply(data, cs)
}
