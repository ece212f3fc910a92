package site

import (
	"fmt"

	"github.com/pkgaudit/pkgaudit/feed"
)

// AddDocument adds a database read as its own document (feed.ReadDocument)
// from path: VuXML with its descriptions, which the advisory model does not
// carry, or pkg-vulnerabilities lines as advisories. It returns the
// warnings to show: a VuXML document's structural problems (the pages show
// what was read), a pkgsrc file's parser warnings.
func (s *Site) AddDocument(path string, doc *feed.Document) (warnings []string) {
	if v := doc.VuXML; v != nil {
		if n := len(v.Issues); n > 0 {
			noun := "problems"
			if n == 1 {
				noun = "problem"
			}
			warnings = append(warnings, fmt.Sprintf("warning: %s: %d structural %s (see pkgaudit vuxml validate); the pages show what was read", path, n, noun))
		}
		s.AddVuXML(path, v)
		return warnings
	}
	for _, w := range doc.Pkgsrc.Warnings {
		warnings = append(warnings, path+": "+w)
	}
	s.AddPkgsrc(path, doc.Pkgsrc.NetBSDID, feed.FromPkgsrc(doc.Pkgsrc, path))
	return warnings
}
