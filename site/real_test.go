package site

import (
	"testing"

	"github.com/pkgaudit/pkgaudit/vuxml"
)

// realFiles are the real VuXML year files of the repository.
var realFiles = []string{"../testdata/vuxml/vuln-2026.xml", "../testdata/vuxml/vuln-2025.xml", "../testdata/vuxml/vuln-2003.xml"}

// realSite is the site of the real data, with an advisory page, a query
// and the topic the query must find first.
func realSite(t *testing.T) (s *Site, advisory, query, want string) {
	t.Helper()
	s = New(Options{})
	for _, f := range realFiles {
		doc, err := vuxml.ParseFile(f, vuxml.ParseOptions{})
		if err != nil {
			t.Fatal(err)
		}
		s.AddVuXML(f, doc)
	}
	return s, "4b824428-fb93-11f0-b194-8447094a420f.html", "CVE-2025-15467", "OpenSSL -- Multiple vulnerabilities"
}

// The whole real-data site: every page valid, no broken internal link.
func TestRealSiteLinks(t *testing.T) {
	s, _, _, _ := realSite(t)
	files := renderFiles(t, s)
	st := checkSite(t, files)
	t.Logf("%d files, %d pages, %d internal and %d external links checked", len(files), st.Pages, st.InternalLinks, st.ExternalLinks)
	if st.Pages < 237+175 {
		t.Errorf("only %d pages", st.Pages)
	}
	for _, w := range s.Warnings() {
		t.Errorf("warning: %s", w)
	}
}
