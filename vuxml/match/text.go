package match

import (
	"fmt"
	"io"
	"strings"
)

// WriteText writes the result as pkgaudit vuxml match prints it: the
// entry, one line per matching package with its suspicions, the names
// that match nothing, and a summary line.
func (res *Result) WriteText(w io.Writer) {
	e := res.Entry
	fmt.Fprintf(w, "%s: %s\n", e.VID, e.Topic)
	for _, m := range res.Matches {
		rng := m.RangeText
		if rng == "" {
			rng = "(no range)"
		}
		fmt.Fprintf(w, "%s-%s (%s): %s %s\n", m.Package.Name, m.Package.Version, m.Package.Origin, m.NameValue, strings.TrimSpace(rng))
		for _, s := range m.Suspect {
			fmt.Fprintf(w, "  suspect: %s\n", s)
		}
	}
	for _, n := range res.Unmatched {
		fmt.Fprintf(w, "%s:%d:%d: name %s matches no package in the INDEX (typo, or a port that is gone?)\n", n.Pos.File, n.Pos.Line, n.Pos.Col, n.Value)
	}
	for _, n := range res.Base {
		fmt.Fprintf(w, "%s:%d:%d: name %s is the base system, which the INDEX does not list (check it with pkgaudit audit --base)\n", n.Pos.File, n.Pos.Line, n.Pos.Col, n.Value)
	}
	fmt.Fprintf(w, "%d of %d INDEX packages match, %d suspect; %d name(s) match nothing.\n",
		len(res.Matches), res.Packages, res.Suspects(), len(res.Unmatched))
}

// WriteRelated writes one line per variant, "name-version (origin):
// reason", and tells whether NAME itself was among them and how many
// others were.
func WriteRelated(w io.Writer, vs []Variant) (self bool, others int) {
	for _, v := range vs {
		fmt.Fprintf(w, "%s-%s (%s): %s\n", v.Package.Name, v.Package.Version, v.Package.Origin, v.Reason)
		if v.Kind == KindSelf {
			self = true
		} else {
			others++
		}
	}
	return self, others
}
