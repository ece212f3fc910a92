package ignore

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

func TestLoadExample(t *testing.T) {
	l, err := Load("testdata/example.toml")
	if err != nil {
		t.Fatal(err)
	}
	want := []Rule{
		{ID: "CVE-2024-6119", Package: "openssl*", Reason: "no X.509 name checks against untrusted input on these hosts", Until: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Line: 3},
		{ID: "8FBD4187-9F2A-11EF-a6b4-0cc47a5e9a5b", Reason: "mitigated by the firewall; tracked in OPS-1234", Line: 9},
		{ID: "http://secunia.com/advisories/43431/", Package: "asterisk-1.8.*", Reason: "pkgsrc entry; no SIP exposure", Until: time.Date(2025, 1, 1, 12, 0, 0, 0, time.UTC), Line: 14},
	}
	if len(l.Rules) != len(want) {
		t.Fatalf("got %d rules, want %d", len(l.Rules), len(want))
	}
	for i := range want {
		g := l.Rules[i]
		if g.ID != want[i].ID || g.Package != want[i].Package || g.Reason != want[i].Reason || !g.Until.Equal(want[i].Until) || g.Line != want[i].Line {
			t.Errorf("rule %d:\n got %+v\nwant %+v", i, g, want[i])
		}
	}
}

func TestMatch(t *testing.T) {
	l, err := Load("testdata/example.toml")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		pkg  string
		ids  []string
		now  time.Time
		want int // index of the matching rule, -1 for none
	}{
		{"openssl-3.0.13_1,1", []string{"8fbd4187-9f2a-11ef-a6b4-0cc47a5e9a5b", "CVE-2024-6119"}, now, 0},
		{"openssl-3.0.13_1,1", []string{"cve-2024-6119"}, now, 0},
		{"openssl", []string{"CVE-2024-6119"}, now, 0},
		{"openssl-devel-3.3.0", []string{"CVE-2024-6119"}, now, 0},                                       // glob matches the name part
		{"libressl-3.9.1", []string{"CVE-2024-6119"}, now, -1},                                           // outside the glob
		{"openssl-3.0.13", []string{"CVE-2024-6119"}, time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), -1}, // expired at midnight
		{"openssl-3.0.13", []string{"CVE-2024-6119"}, time.Date(2026, 12, 30, 23, 59, 59, 0, time.UTC), 0},
		{"anything-1", []string{"8fbd4187-9f2a-11ef-a6b4-0cc47a5e9a5b"}, now, 1},
		{"asterisk-1.8.3", []string{"http://secunia.com/advisories/43431/"}, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), 2},
		{"asterisk-1.8.3", []string{"http://secunia.com/advisories/43431/"}, now, -1}, // expired
		{"asterisk-1.6.2", []string{"http://secunia.com/advisories/43431/"}, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), -1},
		{"curl-8.7.1", nil, now, -1},
	} {
		r, ok := l.Match(tc.pkg, tc.ids, tc.now)
		got := -1
		if ok {
			for i := range l.Rules {
				if &l.Rules[i] == r {
					got = i
				}
			}
		}
		if got != tc.want {
			t.Errorf("Match(%q, %q, %s) = rule %d, want %d", tc.pkg, tc.ids, tc.now.Format(time.RFC3339), got, tc.want)
		}
	}
	var nilList *List
	if _, ok := nilList.Match("a-1", []string{"x"}, now); ok {
		t.Error("nil list matched")
	}
}

func TestExpired(t *testing.T) {
	l, err := Load("testdata/example.toml")
	if err != nil {
		t.Fatal(err)
	}
	exp := l.Expired(now)
	if len(exp) != 1 || exp[0].ID != "http://secunia.com/advisories/43431/" {
		t.Fatalf("Expired = %+v", exp)
	}
	want := "testdata/example.toml:14: ignore entry for http://secunia.com/advisories/43431/ (package asterisk-1.8.*) expired on 2025-01-01; it no longer applies"
	if got := l.Warning(exp[0]); got != want {
		t.Errorf("Warning =\n %s\nwant\n %s", got, want)
	}
	if exp := l.Expired(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC)); len(exp) != 2 {
		t.Errorf("Expired(2027) = %d rules, want 2", len(exp))
	}
}

func TestParseErrors(t *testing.T) {
	for _, tc := range []struct {
		name, in, want string
	}{
		{"syntax", "[[IgnoredVulns]]\nid = \"x\nreason = \"y\"\n", "f.toml:2:"},
		{"no reason", "[[IgnoredVulns]]\nid = \"a\"\nreason = \"r\"\n\n[[IgnoredVulns]]\nid = \"b\"\n", "f.toml:5: IgnoredVulns entry 2: reason is required"},
		{"no id", "[[IgnoredVulns]]\nreason = \"r\"\n", "f.toml:1: IgnoredVulns entry 1: id is required"},
		{"blank reason", "[[IgnoredVulns]]\nid = \"a\"\nreason = \"  \"\n", "f.toml:1: IgnoredVulns entry 1: reason is required"},
		{"bad date string", "[[IgnoredVulns]]\nid = \"a\"\nreason = \"r\"\nignoreUntil = \"next year\"\n", "f.toml:1: IgnoredVulns entry 1: ignoreUntil: \"next year\" is neither"},
		{"bad date type", "[[IgnoredVulns]]\nid = \"a\"\nreason = \"r\"\nignoreUntil = 5\n", "f.toml:1: IgnoredVulns entry 1: ignoreUntil: want a date, not an integer"},
		{"unknown key", "[[IgnoredVulns]]\nid = \"a\"\nreason = \"r\"\nexpires = 2026-01-01\n", "f.toml:4: unknown key \"IgnoredVulns.expires\""},
		{"unknown table", "[Other]\nx = 1\n", "f.toml:1: unknown key \"Other\""},
		{"wrong type", "[[IgnoredVulns]]\nid = 3\nreason = \"r\"\n", "f.toml:1: IgnoredVulns entry 1: id must be a string, not an integer"},
		{"too large", strings.Repeat("#", MaxFileSize+1), "f.toml: larger than"},
	} {
		_, err := Parse([]byte(tc.in), "f.toml")
		var e *Error
		if !errors.As(err, &e) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want prefix %q", tc.name, err, tc.want)
		}
	}
}

func TestParseForms(t *testing.T) {
	for _, tc := range []struct {
		name, in string
		until    time.Time
	}{
		{"string date", "[[IgnoredVulns]]\nid = \"a\"\nreason = \"r\"\nignoreUntil = \"2026-05-01\"\n", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)},
		{"local date-time", "[[IgnoredVulns]]\nid = \"a\"\nreason = \"r\"\nignoreUntil = 2026-05-01T08:30:00\n", time.Date(2026, 5, 1, 8, 30, 0, 0, time.UTC)},
		{"offset", "[[IgnoredVulns]]\nid = \"a\"\nreason = \"r\"\nignoreUntil = 2026-05-01T08:30:00+02:00\n", time.Date(2026, 5, 1, 6, 30, 0, 0, time.UTC)},
		{"inline array", "IgnoredVulns = [{id = \"a\", reason = \"r\", ignoreUntil = 2026-05-01}]\n", time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)},
		{"none", "[[IgnoredVulns]]\nid = \"a\"\nreason = \"r\"\n", time.Time{}},
	} {
		l, err := Parse([]byte(tc.in), "f")
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if got := l.Rules[0].Until; !got.Equal(tc.until) {
			t.Errorf("%s: Until = %v, want %v", tc.name, got, tc.until)
		}
	}
	l, err := Parse(nil, "empty")
	if err != nil || len(l.Rules) != 0 {
		t.Errorf("empty file: %v %v", l, err)
	}
}

func TestLoadMissing(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.toml"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Errorf("err = %v", err)
	}
}

func FuzzParse(f *testing.F) {
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse(data, "fuzz")
		if err != nil {
			return
		}
		for _, r := range l.Rules {
			if r.ID == "" || r.Reason == "" {
				t.Fatalf("rule without id or reason: %+v", r)
			}
			l.Match("a-1", []string{r.ID}, now)
		}
		if !reflect.DeepEqual(l.Expired(time.Time{}), []Rule(nil)) && len(l.Expired(time.Time{})) > 0 {
			// Nothing has expired at the zero time unless its date is
			// before year 1, which TOML cannot express.
			for _, r := range l.Expired(time.Time{}) {
				if !r.Until.Before(time.Time{}) && !r.Until.Equal(time.Time{}) {
					t.Fatalf("expired at zero time: %+v", r)
				}
			}
		}
	})
}

func BenchmarkMatch(b *testing.B) {
	var sb strings.Builder
	for i := 0; i < 1000; i++ {
		sb.WriteString("[[IgnoredVulns]]\nid = \"CVE-2024-" + strings.Repeat("1", 1+i%4) + "\"\npackage = \"pkg" + string(rune('a'+i%26)) + "*\"\nreason = \"r\"\nignoreUntil = 2030-01-01\n")
	}
	l, err := Parse([]byte(sb.String()), "bench")
	if err != nil {
		b.Fatal(err)
	}
	ids := []string{"CVE-2025-0001", "8fbd4187-9f2a-11ef-a6b4-0cc47a5e9a5b"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l.Match("pkgz-1.0", ids, now)
	}
}
