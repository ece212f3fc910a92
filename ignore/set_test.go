package ignore

import (
	"strings"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
)

const cveRules = `
[[IgnoredVulns]]
id = "CVE-2025-0002"
reason = "r2"

[[IgnoredVulns]]
id = "cve-2025-0003"
package = "foo"
reason = "r3"
ignoreUntil = 2027-01-01

[[IgnoredVulns]]
id = "11111111-1111-11f0-8000-000000000001"
package = "bar*"
reason = "by vid"
`

// Issue 11, C.12: a rule naming one CVE of a multi-CVE advisory marks that
// CVE only; the advisory is silenced by its vid or when every CVE it lists
// is ignored.
func TestCheckCVEs(t *testing.T) {
	l, err := Parse([]byte(cveRules), "ign.toml")
	if err != nil {
		t.Fatal(err)
	}
	s, err := NewSet(l, "", "")
	if err != nil {
		t.Fatal(err)
	}
	vid := []string{"11111111-1111-11f0-8000-000000000001"}
	for _, tc := range []struct {
		name, full string
		cves       []string
		whole      string // the Hit's Where, "" for none
		marked     []string
	}{
		{"foo", "foo-1.0", []string{"CVE-2025-0001", "CVE-2025-0002"}, "", []string{"CVE-2025-0002"}},
		{"foo", "foo-1.0", []string{"CVE-2025-0002", "CVE-2025-0003"}, "ign.toml:2", []string{"CVE-2025-0002", "CVE-2025-0003"}},
		{"foo", "foo-1.0", []string{"CVE-2025-0002"}, "ign.toml:2", []string{"CVE-2025-0002"}},
		{"foo", "foo-1.0", []string{"CVE-2025-0002", "cve-2025-0002"}, "ign.toml:2", []string{"CVE-2025-0002"}}, // listed twice
		{"qux", "qux-1.0", []string{"CVE-2025-0002", "CVE-2025-0003"}, "", []string{"CVE-2025-0002"}},           // 0003 is for foo only
		{"foo", "foo-1.0", nil, "", nil},
		{"bar", "bar-2.0", []string{"CVE-2025-0001"}, "ign.toml:12", nil}, // by vid
		{"foo", "foo-1.0", []string{"CVE-2025-0001"}, "", nil},
	} {
		v := s.Check(tc.name, tc.full, vid, tc.cves, now)
		got := ""
		if v.Whole != nil {
			got = v.Whole.Where
		}
		var marked []string
		for _, c := range v.CVEs {
			marked = append(marked, c.CVE)
		}
		if got != tc.whole || strings.Join(marked, ",") != strings.Join(tc.marked, ",") {
			t.Errorf("%s %v: whole %q, marked %v; want %q, %v", tc.full, tc.cves, got, marked, tc.whole, tc.marked)
		}
	}
	// After the expiry of the rule for 0003, the advisory stays.
	v := s.Check("foo", "foo-1.0", nil, []string{"CVE-2025-0002", "CVE-2025-0003"}, time.Date(2027, 1, 2, 0, 0, 0, 0, time.UTC))
	if v.Whole != nil || len(v.CVEs) != 1 {
		t.Errorf("expired rule still applies: %+v", v)
	}
	// CheckAdvisory takes the vid, the URL and the CVE names of an advisory.
	adv := &advisory.Advisory{ID: vid[0], CVEs: []string{"CVE-2025-0009"}}
	if v := s.CheckAdvisory("bar", "bar-1", adv, now); v.Whole == nil || v.Whole.Rule != "11111111-1111-11f0-8000-000000000001 package bar*" || v.Whole.Reason != "by vid" {
		t.Errorf("CheckAdvisory: %+v", v.Whole)
	}
	var none *Set
	if v := none.CheckAdvisory("bar", "bar-1", adv, now); v.Whole != nil || v.CVEs != nil {
		t.Error("nil Set ignored something")
	}
}

// Issue 11, C.13: empty or blank items of pkg's environment lists are
// errors, never patterns that match every package.
func TestNewSetBlankItems(t *testing.T) {
	for _, tc := range []struct{ glob, regex string }{
		{"", "^x$,"}, {"", ","}, {"", " "}, {"", "a,,b"}, {"", " , x"},
		{"x*,", ""}, {" ", ""}, {"a, ,b", ""},
	} {
		if _, err := NewSet(nil, tc.glob, tc.regex); err == nil || !strings.Contains(err.Error(), "empty") {
			t.Errorf("glob %q regex %q: %v", tc.glob, tc.regex, err)
		}
	}
	s, err := NewSet(nil, "cu*, su?o", "^x$")
	if err != nil {
		t.Fatal(err)
	}
	if v := s.Check("sudo", "sudo-1", nil, nil, now); v.Whole == nil || v.Whole.Rule != "AUDIT_IGNORE_GLOB=su?o" {
		t.Errorf("glob: %+v", v.Whole)
	}
	if v := s.Check("xz", "xz-1", nil, nil, now); v.Whole != nil {
		t.Errorf("regex ^x$ matched xz: %+v", v.Whole)
	}
	if v := s.Check("x", "x-1", nil, nil, now); v.Whole == nil || v.Whole.Rule != "AUDIT_IGNORE_REGEX=^x$" {
		t.Errorf("regex: %+v", v.Whole)
	}
	if _, err := NewSet(nil, "", "(["); err == nil || !strings.Contains(err.Error(), "AUDIT_IGNORE_REGEX") {
		t.Errorf("bad regex: %v", err)
	}
}

// Issue 11, C.13: a blank package glob in the ignore file is an error.
func TestParseBlankPackage(t *testing.T) {
	for _, pkg := range []string{`" "`, `""`, `"\t"`} {
		_, err := Parse([]byte("[[IgnoredVulns]]\nid = \"CVE-2025-1\"\npackage = "+pkg+"\nreason = \"r\"\n"), "f.toml")
		if err == nil || !strings.Contains(err.Error(), "package is blank") || !strings.Contains(err.Error(), "f.toml:1") {
			t.Errorf("package = %s: %v", pkg, err)
		}
	}
}
