package cli

import (
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/vectors"
)

func readVectors(t *testing.T, name string) []vectors.Line {
	t.Helper()
	ls, err := vectors.Read("../../testdata/vectors/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return ls
}

// Every line of freebsd-version.tsv through `pkgaudit version -t -- A B`.
func TestVersionTFreeBSDVectors(t *testing.T) {
	n := 0
	for _, l := range readVectors(t, "freebsd-version.tsv") {
		n++
		a, b, want := l.Fields[0], l.Fields[1], l.Fields[2]
		out, errOut, code := run(t, "", "version", "-t", "--", a, b)
		if code != 0 || out != want+"\n" || errOut != "" {
			t.Errorf("line %d: version -t -- %q %q: code %d out %q err %q, want %q", l.N, a, b, code, out, errOut, want)
		}
	}
	if n != 642 {
		t.Errorf("checked %d lines, want 642", n)
	}
}

// Every dewey line of pkgsrc-match.tsv through `version -t --scheme=pkgsrc`.
func TestVersionTPkgsrcVectors(t *testing.T) {
	n := 0
	for _, l := range readVectors(t, "pkgsrc-match.tsv") {
		if l.Fields[0] != "dewey" {
			continue
		}
		n++
		a, b, want := l.Fields[1], l.Fields[2], l.Fields[3]
		out, _, code := run(t, "", "version", "-t", "--scheme=pkgsrc", "--", a, b)
		if code != 0 || out != want+"\n" {
			t.Errorf("line %d: %q %q: code %d out %q, want %q", l.N, a, b, code, out, want)
		}
	}
	if n != 195 {
		t.Errorf("checked %d lines, want 195", n)
	}
}

// Every match line of pkgsrc-match.tsv and the aborting one of
// pkgsrc-extra.tsv through `pkgaudit pmatch -- PATTERN PKGNAME`.
func TestPmatchVectors(t *testing.T) {
	var ls []vectors.Line
	ls = append(ls, readVectors(t, "pkgsrc-match.tsv")...)
	ls = append(ls, readVectors(t, "pkgsrc-extra.tsv")...)
	n := 0
	for _, l := range ls {
		if l.Fields[0] != "match" {
			continue
		}
		n++
		pat, name, want := l.Fields[1], l.Fields[2], l.Fields[3]
		_, errOut, code := run(t, "", "pmatch", "--", pat, name)
		switch {
		case strings.HasPrefix(want, "ERR("):
			msg := want[strings.IndexByte(want, ':')+1:]
			if code != ExitError || errOut != "pkgaudit: "+msg+"\n" {
				t.Errorf("line %d: pmatch %q %q: code %d stderr %q, want error %q", l.N, pat, name, code, errOut, msg)
			}
		case (want == "1") != (code == 0) || (code != 0 && code != 1):
			t.Errorf("line %d: pmatch %q %q: code %d, want R=%s", l.N, pat, name, code, want)
		}
	}
	if n != 199 {
		t.Errorf("checked %d lines, want 199", n)
	}
}

func TestVersionUsage(t *testing.T) {
	for _, args := range [][]string{
		{"version", "-t", "1"},
		{"version", "-t", "1", "2", "3"},
		{"version", "1", "2"},
		{"version", "-t", "-T", "1", "2"},
		{"version", "-t", "--scheme=rpm", "1", "2"},
		{"pmatch", "foo"},
	} {
		if _, errOut, code := run(t, "", args...); code != ExitError || errOut == "" {
			t.Errorf("%q: code %d stderr %q, want usage error", args, code, errOut)
		}
	}
}

func TestVersionGlob(t *testing.T) {
	tests := []struct {
		stdin string
		args  []string
		out   string
		code  int
	}{
		{"", []string{"version", "-T", "openssl-3.0.12", "openssl-3.*"}, "", 0},
		{"", []string{"version", "-T", "openssl-3.0.12", "curl-*"}, "", 1},
		{"curl-8.4.0\nopenssl-3.0.12\nopenssl-1.1.1w\n", []string{"version", "-T", "-", "openssl-3*"}, "openssl-3.0.12\n", 0},
		{"curl-*\nopen*\n", []string{"version", "-T", "openssl-3.0.12", "-"}, "open*\n", 0},
		{"curl-8.4.0\n", []string{"version", "-T", "-", "openssl-*"}, "", 1},
	}
	for _, tt := range tests {
		out, _, code := run(t, tt.stdin, tt.args...)
		if out != tt.out || code != tt.code {
			t.Errorf("%q: out %q code %d, want %q %d", tt.args, out, code, tt.out, tt.code)
		}
	}
}

func TestPmatchSeveralNames(t *testing.T) {
	if _, _, code := run(t, "", "pmatch", "openssl<1.0.2l", "openssl-1.0.2k", "openssl-1.0.1"); code != 0 {
		t.Errorf("all match: code %d", code)
	}
	if _, _, code := run(t, "", "pmatch", "openssl<1.0.2l", "openssl-1.0.2k", "openssl-1.0.2l"); code != 1 {
		t.Errorf("one does not match: code %d", code)
	}
}
