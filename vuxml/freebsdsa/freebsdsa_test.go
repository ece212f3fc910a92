package freebsdsa

import (
	"os"
	"reflect"
	"strings"
	"testing"
)

func load(t *testing.T, name string) *Advisory {
	t.Helper()
	data, err := os.ReadFile("../../testdata/sa/" + name)
	if err != nil {
		t.Fatal(err)
	}
	a, err := Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestParseKernel(t *testing.T) {
	a := load(t, "SA-25-04.ktrace.asc")
	if a.Name != "FreeBSD-SA-25:04.ktrace" || a.Short() != "SA-25:04.ktrace" || a.Topic != "Uninitialized kernel memory disclosure via ktrace(2)" ||
		a.Category != "core" || a.Module != "ktrace" || a.Announced != "2025-01-29" {
		t.Errorf("header: %+v", a)
	}
	want := []Correction{
		{"2025-01-20 22:09:53 UTC", "stable/14", "14.2-STABLE"},
		{"2025-01-29 18:54:50 UTC", "releng/14.2", "14.2-RELEASE-p1"},
	}
	if !reflect.DeepEqual(a.Corrected, want) {
		t.Errorf("corrected %+v", a.Corrected)
	}
	if !reflect.DeepEqual(a.CVEs, []string{"CVE-2025-0662"}) || len(a.Problem) != 1 || len(a.Impact) != 1 {
		t.Errorf("%+v", a)
	}
	if !reflect.DeepEqual(a.Ranges(), []Range{{"14.2", "14.2_1"}}) || !reflect.DeepEqual(a.Packages(), []string{"FreeBSD-kernel"}) {
		t.Errorf("ranges %v packages %v", a.Ranges(), a.Packages())
	}
}

func TestParseUserland(t *testing.T) {
	a := load(t, "SA-25-05.openssh.asc")
	if !reflect.DeepEqual(a.CVEs, []string{"CVE-2025-26465", "CVE-2025-26466"}) {
		t.Errorf("CVEs %v", a.CVEs)
	}
	// Stable branches and the BETA are not base package versions.
	if !reflect.DeepEqual(a.Ranges(), []Range{{"14.2", "14.2_2"}, {"14.1", "14.1_8"}, {"13.4", "13.4_4"}}) {
		t.Errorf("ranges %v", a.Ranges())
	}
	if !reflect.DeepEqual(a.Packages(), []string{"FreeBSD"}) {
		t.Errorf("packages %v", a.Packages())
	}
	if len(a.Problem) != 4 || a.Problem[0] != "OpenSSH client host verification error (CVE-2025-26465)" {
		t.Errorf("problem %q", a.Problem)
	}
}

func TestParseErrors(t *testing.T) {
	data, _ := os.ReadFile("../../testdata/sa/SA-25-04.ktrace.asc")
	for name, c := range map[string]struct{ text, msg string }{
		"not an advisory": {"hello\nworld\n", "x.asc:1: not a FreeBSD security advisory"},
		"no topic":        {strings.Replace(string(data), "Topic:", "Subject:", 1), `x.asc:5: the advisory has no "Topic:" line`},
		"bad date":        {strings.Replace(string(data), "2025-01-29\n", "29 Jan 2025\n", 1), `x.asc:12: Announced: "29 Jan 2025" is not a YYYY-MM-DD date`},
		"binary":          {"\x00\x01", "binary"},
		"not UTF-8":       {"\xff\xfe", "not UTF-8"},
	} {
		_, err := Parse("x.asc", []byte(c.text))
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %q", name, err, c.msg)
		}
	}
}

func TestCheckName(t *testing.T) {
	for in, want := range map[string]string{
		"FreeBSD-SA-25:04.ktrace":     "FreeBSD-SA-25:04.ktrace",
		"SA-25:04.ktrace":             "FreeBSD-SA-25:04.ktrace",
		"FreeBSD-SA-25:04.ktrace.asc": "FreeBSD-SA-25:04.ktrace",
	} {
		if got, err := CheckName(in); err != nil || got != want {
			t.Errorf("%q: %q %v", in, got, err)
		}
	}
	for _, bad := range []string{"", "FreeBSD-EN-25:01.x", "SA-25:4.x", "SA-25:04", "SA-25:04.a/b"} {
		if _, err := CheckName(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if u := URL("", "FreeBSD-SA-25:04.ktrace"); u != "https://security.FreeBSD.org/advisories/FreeBSD-SA-25:04.ktrace.asc" {
		t.Error(u)
	}
}
