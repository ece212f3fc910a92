package site

import (
	"sync"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// fixtureDoc is a hand-made document with one of every construct the
// pages show: ordinary and eq ranges, a <system> block, every reference
// kind, an mlist with msgid, a cancelled entry superseded by another, a
// hostile description, odd vids and package names.
func fixtureDoc() *vuxml.Document {
	rng := func(bs ...vuxml.Bound) vuxml.Range { return vuxml.Range{Bounds: bs} }
	b := func(op vuxml.Op, v string) vuxml.Bound { return vuxml.Bound{Op: op, Version: v} }
	pkg := func(kind vuxml.AffectedKind, names []string, ranges ...vuxml.Range) vuxml.Affected {
		a := vuxml.Affected{Kind: kind, Ranges: ranges}
		for _, n := range names {
			a.Names = append(a.Names, vuxml.Name{Value: n})
		}
		return a
	}
	ref := func(kind, value string, attrs ...vuxml.Attr) vuxml.Reference {
		return vuxml.Reference{Kind: kind, Value: value, Attrs: attrs}
	}
	return &vuxml.Document{Entries: []*vuxml.Entry{
		{
			VID: "11111111-2222-11f0-8000-000000000001", Pos: vuxml.Pos{File: "fixture.xml", Line: 3, Col: 3},
			Topic: "openssl -- several vulnerabilities",
			Affects: []vuxml.Affected{
				pkg(vuxml.Package, []string{"openssl", "openssl-quictls"}, rng(b(vuxml.Ge, "3.0.0,1"), b(vuxml.Lt, "3.0.19,1")), rng(b(vuxml.Lt, "1.1.1w_1,1"))),
				pkg(vuxml.Package, []string{"powerdns-recursor"}, rng(b(vuxml.Eq, "5.2.0"))),
				pkg(vuxml.System, []string{"FreeBSD"}, rng(b(vuxml.Ge, "14.3"), b(vuxml.Lt, "14.3_8")), rng(b(vuxml.Gt, "13.0"), b(vuxml.Le, "13.5"))),
				pkg(vuxml.Package, []string{"odd/name with space"}, rng(b(vuxml.Ge, "1"), b(vuxml.Lt, "2"), b(vuxml.Eq, "3")), rng()),
			},
			Description: vuxml.Description{XHTML: `<body xmlns="http://www.w3.org/1999/xhtml">
	<p>The OpenSSL project reports:</p>
	<blockquote cite="https://openssl-library.org/news/secadv/20250101.txt">
	  <h1>Problem</h1>
	  <p>A <code>&lt;buffer&gt;</code> overflow in <a href="https://example.org/x?a=1&amp;b=2">X.509</a> parsing.</p>
	  <ul><li>one</li><li>two</li></ul>
	</blockquote>
	<p onclick="alert(1)">Evil: <script>alert("x")</script><a href="javascript:alert(1)">click</a><style>body{display:none}</style><img src="http://tracker.example/x.gif"/></p>
      </body>`},
			References: []vuxml.Reference{
				ref("url", "https://openssl-library.org/news/secadv/20250101.txt"),
				ref("cvename", "CVE-2025-0001"),
				ref("cvename", "CVE-2025-10002"),
				ref("freebsdsa", "SA-25:01.openssl"),
				ref("freebsdpr", "ports/123456"),
				ref("bid", "1241"),
				ref("certsa", "CA-2003-01"),
				ref("certvu", "734644"),
				ref("uscertsa", "SA04-028A"),
				ref("uscertta", "TA04-028A"),
				ref("mlist", "https://lists.example.org/archive/2025/001.html", vuxml.Attr{Name: "msgid", Value: "20250101.abc@example.org"}),
				ref("url", "javascript:alert(1)"),
				ref("vendor", "Example Corp advisory 7"),
			},
			Dates: vuxml.Dates{Discovery: "2025-01-01", Entry: "2025-01-02", Modified: "2025-02-03"},
		},
		{
			VID: "22222222-2222-11f0-8000-000000000002", Pos: vuxml.Pos{File: "fixture.xml", Line: 60, Col: 3},
			Topic:       "curl -- use after free",
			Affects:     []vuxml.Affected{pkg(vuxml.Package, []string{"curl"}, rng(b(vuxml.Lt, "8.11.1")))},
			Description: vuxml.Description{XHTML: `<body xmlns="http://www.w3.org/1999/xhtml"><p>curl reports: a use after free.</p></body>`},
			References:  []vuxml.Reference{ref("cvename", "CVE-2025-0001"), ref("cvename", "CAN-2003-0002")},
			Dates:       vuxml.Dates{Discovery: "2024-12-30", Entry: "2025-01-05"},
		},
		{
			VID: "33333333-3333-11d8-8000-000000000003", Pos: vuxml.Pos{File: "fixture.xml", Line: 80, Col: 3},
			Cancelled: &vuxml.Cancelled{Superseded: "22222222-2222-11f0-8000-000000000002"},
		},
		{
			VID: "44444444-4444-11d8-8000-000000000004", Pos: vuxml.Pos{File: "fixture.xml", Line: 83, Col: 3},
			Cancelled: &vuxml.Cancelled{},
		},
		{
			VID: "INDEX", Pos: vuxml.Pos{File: "fixture.xml", Line: 86, Col: 3},
			Topic:   "A vid that collides with a fixed file name",
			Affects: []vuxml.Affected{pkg(vuxml.Package, []string{"curl"}, rng(b(vuxml.Lt, "7")))},
			Dates:   vuxml.Dates{Discovery: "2003-01-01", Entry: "2003-01-02"},
		},
	}}
}

// fixturePkgsrc is a handful of pkgsrc advisories, as feed.FromPkgsrc
// makes them.
func fixturePkgsrc() []advisory.Advisory {
	mk := func(line int, pattern, class, url string, cves ...string) advisory.Advisory {
		return advisory.Advisory{ID: url, Source: advisory.SourcePkgsrc, Topic: class, Class: class, URL: url,
			References: []advisory.Reference{{Kind: "url", Value: url}}, CVEs: cves,
			Affects: []advisory.Affected{{Scheme: advisory.Pkgsrc, Pattern: pattern}},
			Origin:  advisory.Origin{File: "pkg-vulnerabilities", Line: line}}
	}
	return []advisory.Advisory{
		mk(10, "openssl<1.0.2l", "denial-of-service", "https://nvd.nist.gov/vuln/detail/CVE-2025-0001", "CVE-2025-0001"),
		mk(11, "{ap2,ap22}-perl<2.0.4", "cross-site-scripting", "http://secunia.com/advisories/43722/"),
		mk(12, "py[0-9][0-9]-foo-[0-9]*", "remote-code-execution", "javascript:alert(1)"),
		mk(13, "openssl>=3<3.0.19", "eol", "https://www.openssl.org/news/secadv/2025.txt"),
	}
}

// renderFiles renders a site into memory.
func renderFiles(t *testing.T, s *Site) map[string][]byte {
	t.Helper()
	var mu sync.Mutex
	files := map[string][]byte{}
	err := s.Render(func(name string, data []byte) error {
		mu.Lock()
		defer mu.Unlock()
		if _, dup := files[name]; dup {
			t.Errorf("%s rendered twice", name)
		}
		files[name] = data
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func fixtureSite(o Options) *Site {
	s := New(o)
	s.AddVuXML("testdata/fixture.xml", fixtureDoc())
	s.AddPkgsrc("testdata/pkg-vulnerabilities", "$NetBSD: pkg-vulnerabilities,v 1.1 2025/01/01 00:00:00 x Exp $", fixturePkgsrc())
	return s
}
