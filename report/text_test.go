package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// oddAdv has what pkg prints strangely: no topic, no vid, a range without
// bounds, three ranges in one block.
var oddAdv = &advisory.Advisory{
	Source: advisory.SourceVuXML,
	Affects: []advisory.Affected{{Scheme: advisory.FreeBSD, Names: []string{"odd"}, Ranges: []advisory.Range{
		{},
		{Bounds: []advisory.Bound{{Op: advisory.GT, Version: "1"}, {Op: advisory.LE, Version: "2"}}},
		{Bounds: []advisory.Bound{{Op: advisory.EQ, Version: "3"}}},
	}}},
}

func TestTextShapes(t *testing.T) {
	twice := &advisory.Advisory{ID: "vid-2", Source: advisory.SourceVuXML, Topic: "t2",
		References: []advisory.Reference{{Kind: "url", Value: "https://x/CVE-2020-0001"}, {Kind: "cvename", Value: "CVE-2020-0002"}},
		CVEs:       []string{"CVE-2020-0001", "CVE-2020-0002"},
		Affects: []advisory.Affected{
			{Scheme: advisory.FreeBSD, Names: []string{"dup"}, Ranges: []advisory.Range{{Bounds: []advisory.Bound{{Op: advisory.LT, Version: "2"}}}}},
			{Scheme: advisory.FreeBSD, Names: []string{"dup"}, Ranges: []advisory.Range{{Bounds: []advisory.Bound{{Op: advisory.LT, Version: "3"}}}}},
		}}
	in := func(quiet, recursive bool) *Input {
		return &Input{Quiet: quiet, Recursive: recursive, Packages: []Package{
			{Name: "clean", Version: "1", HasVersion: true},
			{Name: "dup", Version: "1", HasVersion: true, Dependents: []string{"a", "b"}, Findings: []Finding{
				{Advisory: twice}, {Advisory: twice, Affected: 1}}},
			{Name: "odd", Findings: []Finding{{Advisory: oddAdv, Range: -1}}},
			{Name: "empty", Version: "", HasVersion: true, Findings: []Finding{{Advisory: oddAdv}}},
		}}
	}
	for _, tc := range []struct {
		name             string
		quiet, recursive bool
		want             string
	}{
		{"plain", false, false, `dup-1 is vulnerable:
  t2
  CVE: CVE-2020-0002
  WWW: https://vuxml.FreeBSD.org/freebsd/vid-2.html

  t2
  CVE: CVE-2020-0002
  WWW: https://vuxml.FreeBSD.org/freebsd/vid-2.html

odd is vulnerable:
  Affected versions:
   (null)
  > 1 : <= 2
  = 3
  (null)
empty- is vulnerable:
  (null)
4 problem(s) in 3 package(s) found.
`},
		{"recursive", false, true, `dup-1 is vulnerable:
  t2
  CVE: CVE-2020-0002
  WWW: https://vuxml.FreeBSD.org/freebsd/vid-2.html

  t2
  CVE: CVE-2020-0002
  WWW: https://vuxml.FreeBSD.org/freebsd/vid-2.html

  Packages that depend on dup: a, b

odd is vulnerable:
  Affected versions:
   (null)
  > 1 : <= 2
  = 3
  (null)
  Packages that depend on odd: 

empty- is vulnerable:
  (null)
  Packages that depend on empty: 

4 problem(s) in 3 package(s) found.
`},
		{"quiet", true, true, "dup-1\nodd\nempty-\n"},
	} {
		var buf bytes.Buffer
		if err := WriteText(&buf, in(tc.quiet, tc.recursive)); err != nil {
			t.Fatal(err)
		}
		if buf.String() != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, buf.String(), tc.want)
		}
	}
}

func TestPkgJSONQuietAndEdges(t *testing.T) {
	in := &Input{Quiet: true, Packages: []Package{
		{Name: "odd", Findings: []Finding{{Advisory: oddAdv, Range: -1}, {Advisory: oddAdv, Range: -1}}},
		{Name: "", Version: "1", HasVersion: true, Findings: []Finding{{Advisory: oddAdv}}},
	}}
	var buf bytes.Buffer
	if err := WritePkgJSON(&buf, in, true); err != nil {
		t.Fatal(err)
	}
	want := `{"pkg_count":2,"packages":{"odd":{"issue_count":1,"issues":[{"Affected versions":[" (null)","> 1 : <= 2","= 3"]}],"reverse dependencies":[]},null:{"version":"1","issue_count":1,"issues":[{"Affected versions":[" (null)","> 1 : <= 2","= 3"]}],"reverse dependencies":[]}}}` + "\n"
	if buf.String() != want {
		t.Errorf("got  %s\nwant %s", buf.String(), want)
	}
}

func TestUCLString(t *testing.T) {
	for in, want := range map[string]string{
		"plain":            `"plain"`,
		"a\"b\\c":          `"a\"b\\c"`,
		"\n\r\b\t\f\v":     `"\n\r\b\t\f\u000B"`,
		"\x00\x01\x1f\x7f": `"\uFFFD\uFFFD\uFFFD\uFFFD"`,
		"é </script> /":    `"é </script> /"`,
		"\xff":             "\"\xff\"",
	} {
		var b strings.Builder
		w := bufio.NewWriter(&b)
		uclWriteString(w, in)
		w.Flush()
		if b.String() != want {
			t.Errorf("uclWriteString(%q) = %s, want %s", in, b.String(), want)
		}
	}
}

func TestFixedIn(t *testing.T) {
	for pattern, want := range map[string]string{
		"openssl<1.0.2l":        "1.0.2l",
		"openssl>=1.0<1.0.2l":   "",
		"{ap2,ap22}-perl<2.0.4": "",
		"py[0-9]*-foo<1":        "",
		"foo<=1.2":              "",
		"foo-[0-9]*":            "",
		"<1":                    "",
	} {
		f := Finding{Advisory: &advisory.Advisory{Source: advisory.SourcePkgsrc,
			Affects: []advisory.Affected{{Scheme: advisory.Pkgsrc, Pattern: pattern}}}, Range: -1}
		if got := f.FixedIn(); got != want {
			t.Errorf("FixedIn(%q) = %q, want %q", pattern, got, want)
		}
	}
}

// The libucl string quoting is valid JSON whose value is the input, except
// for the control bytes libucl replaces with U+FFFD.
func FuzzUCLString(f *testing.F) {
	for _, s := range []string{"sudo -- privilege escalation", "cpython -- \"unicode_escape\"", "a\tb\nc\\d", "\x00\x7f\v", "é ünïcode", "\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var b strings.Builder
		w := bufio.NewWriter(&b)
		uclWriteString(w, s)
		w.Flush()
		if !utf8.ValidString(s) {
			return // passed through byte for byte, as libucl does
		}
		var got string
		if err := json.Unmarshal([]byte(b.String()), &got); err != nil {
			t.Fatalf("uclWriteString(%q) = %s: not JSON: %v", s, b.String(), err)
		}
		want := strings.Map(func(r rune) rune {
			if (r < 0x20 && !strings.ContainsRune("\n\r\b\t\f\v", r)) || r == 0x7f {
				return utf8.RuneError
			}
			return r
		}, s)
		if got != want {
			t.Fatalf("uclWriteString(%q) decodes to %q, want %q", s, got, want)
		}
	})
}

// pkg audit -R (UCL_EMIT_CONFIG): keys holding characters UCL does not
// allow bare are quoted, a string longer than 80 bytes holding a newline
// is a heredoc, values end in ';' in objects and ',' in arrays.
func TestPkgUCLEdges(t *testing.T) {
	long := "first line of a topic that goes on and on, well past eighty bytes in all\nsecond line"
	adv := &advisory.Advisory{ID: "v1", Source: advisory.SourceVuXML, Topic: long,
		Affects: []advisory.Affected{{Scheme: advisory.FreeBSD, Names: []string{"libsigc++"}, Ranges: []advisory.Range{
			{Bounds: []advisory.Bound{{Op: advisory.LT, Version: "2"}}}}}}}
	in := &Input{Packages: []Package{
		{Name: "libsigc++", Version: "1", HasVersion: true, Dependents: []string{"a-1", "b-2"}, Findings: []Finding{{Advisory: adv}}},
		{Name: "odd", Findings: []Finding{{Advisory: oddAdv, Range: -1}}},
	}}
	var buf bytes.Buffer
	if err := WritePkgUCL(&buf, in); err != nil {
		t.Fatal(err)
	}
	want := `pkg_count = 2;
packages {
    "libsigc++" {
        version = "1";
        issue_count = 1;
        issues [
            {
                "Affected versions" [
                    "< 2",
                ]
                description = <<EOD
` + long + `
EOD;
                url = "https://vuxml.FreeBSD.org/freebsd/v1.html";
            }
        ]
        "reverse dependencies" [
            "a-1",
            "b-2",
        ]
    }
    odd {
        issue_count = 1;
        issues [
            {
                "Affected versions" [
                    " (null)",
                    "> 1 : <= 2",
                    "= 3",
                ]
            }
        ]
        "reverse dependencies" [
        ]
    }
}

`
	if buf.String() != want {
		t.Errorf("got\n%s\nwant\n%s", buf.String(), want)
	}
	for k, esc := range map[string]bool{"test": false, "p5-Foo_Bar.baz": false, "a b": true, "c++": true, "x:y": true, "a=b": true, "a[": true, "a{": true, `a"`: true, `a\`: true, "a\t": true, "é": false, "a}": false, "a,b;#": false} {
		if uclKeyNeedsEscape(k) != esc {
			t.Errorf("uclKeyNeedsEscape(%q) = %v", k, !esc)
		}
	}
}
