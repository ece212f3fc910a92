package site

import (
	"os"
	"testing"

	"github.com/pkgaudit/pkgaudit/site/sitecheck"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// Whatever document the parser accepts, the site renders without a
// panic, and every page is valid with no broken internal link.
func FuzzSite(f *testing.F) {
	if data, err := os.ReadFile("../testdata/vuxml/vuln-2003.xml"); err == nil {
		f.Add(data)
	}
	f.Add([]byte(`<vuln vid="A/../b"><topic>&lt;script&gt;</topic><affects><package><name>x y</name><name>X Y</name><range><eq>1</eq></range></package></affects><description><body xmlns="http://www.w3.org/1999/xhtml"><p onclick="x">a<a href="javascript:x">b</a></p></body></description><references><cvename>CVE-2025-1</cvename><url>ftp://x.example/</url></references><dates><discovery>2025-01-01</discovery><entry>bad</entry></dates></vuln>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := vuxml.Parse(data, vuxml.ParseOptions{FileName: "fuzz.xml", MaxSize: 1 << 20})
		if err != nil {
			return
		}
		s := New(Options{Workers: 1})
		s.AddVuXML("fuzz.xml", doc)
		files := renderFiles(t, s)
		problems, _, err := sitecheck.Check(mapFS(files))
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range problems {
			t.Error(p)
		}
	})
}
