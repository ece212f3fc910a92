package advisory

import (
	"strings"
	"testing"
)

func TestRangeContains(t *testing.T) {
	r := func(b ...Bound) Range { return Range{Bounds: b} }
	tests := []struct {
		r    Range
		v    string
		want bool
	}{
		{r(Bound{GE, "1.6"}, Bound{LT, "1.9"}), "1.6", true},
		{r(Bound{GE, "1.6"}, Bound{LT, "1.9"}), "1.9", false},
		{r(Bound{GE, "1.6"}, Bound{LT, "1.9"}), "1.5_1", false},
		{r(Bound{LT, "3.0.19,1"}), "3.0.18,1", true},
		{r(Bound{LT, "3.0.19,1"}), "3.0.20", true}, // epoch 0 < epoch 1
		{r(Bound{LE, "2.105"}), "2.105", true},
		{r(Bound{EQ, "5.2.0"}), "5.2.0", true},
		{r(Bound{EQ, "5.2.0"}), "5.2.0_1", false},
		{r(Bound{GT, "116.0,1"}, Bound{LT, "128.6,1"}), "116.0,1", false},
		{r(Bound{GT, "116.0,1"}, Bound{LT, "128.6,1"}), "117.0,1", true},
		{r(), "1.0", true}, // <range/> matches every version, as pkg
		// a third bound is ignored, as pkg ignores it
		{r(Bound{GE, "1"}, Bound{LT, "2"}, Bound{EQ, "9"}), "1.5", true},
	}
	for _, tt := range tests {
		if got := tt.r.Contains(tt.v); got != tt.want {
			t.Errorf("%v contains %q = %v, want %v", tt.r, tt.v, got, tt.want)
		}
	}
}

func TestRangeString(t *testing.T) {
	tests := []struct {
		r    Range
		want string
	}{
		{Range{}, " (null)"},
		{Range{Bounds: []Bound{{LT, "1.9.17p1"}}}, "< 1.9.17p1"},
		{Range{Bounds: []Bound{{GE, "1.0"}, {LT, "2.0"}}}, ">= 1.0 : < 2.0"},
	}
	for _, tt := range tests {
		if got := tt.r.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

func TestFixedAndIsCVE(t *testing.T) {
	if got := (Range{Bounds: []Bound{{GE, "1"}, {LT, "2.1"}}}).Fixed(); got != "2.1" {
		t.Errorf("Fixed = %q", got)
	}
	if got := (Range{Bounds: []Bound{{LE, "2"}}}).Fixed(); got != "" {
		t.Errorf("Fixed of <= = %q", got)
	}
	for s, want := range map[string]bool{"CVE-2024-6119": true, "CVE-2024-612345": true, "CVE-24-1": false, "CAN-2003-0001": false, "CVE-2024-61x9": false} {
		if IsCVE(s) != want {
			t.Errorf("IsCVE(%q) != %v", s, want)
		}
	}
}

func TestCVEsInURL(t *testing.T) {
	for url, want := range map[string]string{
		"http://cve.mitre.org/cgi-bin/cvename.cgi?name=CVE-2008-1097": "CVE-2008-1097",
		"https://nvd.nist.gov/vuln/detail/CVE-2021-44228-":            "CVE-2021-44228",
		"http://secunia.com/advisories/33697/":                        "",
		"http://x/CVE-2001-0001+CVE-2001-0002":                        "CVE-2001-0001,CVE-2001-0002",
		"http://x/CVE-20":                                             "",
		"http://x/CVE-2001-0001/CVE-2001-0002/CVE-2001-0001":          "CVE-2001-0001,CVE-2001-0002",
	} {
		if got := strings.Join(CVEsIn(url), ","); got != want {
			t.Errorf("%s: %q, want %q", url, got, want)
		}
	}
}
