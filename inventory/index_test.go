package inventory

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
)

const indexSample = `openssl-3.0.13_1,1|/usr/ports/security/openssl|/usr/local|TLSv1.3 capable SSL and crypto library|/usr/ports/security/openssl/pkg-descr|brnrd@FreeBSD.org|security devel|perl5-5.36.3_1|||https://www.openssl.org/|||
py311-requests-2.31.0|/usr/ports/www/py-requests|/usr/local|HTTP library written in Python for human beings|/usr/ports/www/py-requests/pkg-descr|sunpoet@FreeBSD.org|www python|py311-setuptools-63.1.0_1|py311-certifi-2024.2.2 python311-3.11.9|https://github.com/psf/requests|||

zsh-5.9_4|/usr/ports/shells/zsh/|/usr/local|The Z shell|/usr/ports/shells/zsh/pkg-descr|bapt@FreeBSD.org|shells|||https://www.zsh.org/|||
`

func TestFromIndex(t *testing.T) {
	got, err := FromIndex(strings.NewReader(indexSample), "INDEX-14")
	if err != nil {
		t.Fatal(err)
	}
	want := []Package{
		{Name: "openssl", Version: "3.0.13_1,1", Origin: "security/openssl", Scheme: advisory.FreeBSD},
		{Name: "py311-requests", Version: "2.31.0", Origin: "www/py-requests", Scheme: advisory.FreeBSD},
		{Name: "zsh", Version: "5.9_4", Origin: "shells/zsh", Scheme: advisory.FreeBSD},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}

func TestFromIndexErrors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
	}{
		{"a-1|/p/x/a\nnopipe\n", "INDEX:2:7: expected '|' after the package name"},
		{"|/usr/ports/x/y|\n", "INDEX:1:1: empty package name"},
		{"-|\n", "INDEX:1:1: empty package name"},
		{"-1.0|/usr/ports/x/y|\n", "INDEX:1:1: empty package name"},
		{strings.Repeat("x", MaxIndexLine+10), "INDEX:1: line longer than"},
	} {
		_, err := FromIndex(strings.NewReader(tc.in), "INDEX")
		var pe *ParseError
		if !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("FromIndex(%.20q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestFromList(t *testing.T) {
	got, err := FromList(strings.NewReader("# comment\ncurl-8.7.1\n  p5-libwww-6.77  \r\n\nbare\ntest-\n"), "-")
	if err != nil {
		t.Fatal(err)
	}
	want := []Package{{Name: "curl", Version: "8.7.1", List: "-", Line: 2}, {Name: "p5-libwww", Version: "6.77", List: "-", Line: 3},
		{Name: "bare", Versionless: true, List: "-", Line: 5}, {Name: "test", List: "-", Line: 6}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	_, err = FromList(strings.NewReader("ok-1\n  two words-1\n"), "list.txt")
	if err == nil || err.Error() != "list.txt:2:6: blank inside a package name" {
		t.Errorf("err = %v", err)
	}
}

// pkg info prints "name-version" padded with blanks, then the comment:
// `pkg info | pkgaudit audit --from -` takes the first field.
func TestFromListPkgInfo(t *testing.T) {
	in := "curl-8.7.1                     Command line tool for transferring data\nsudo-1.9.16\tAllow others to run commands as root\n"
	got, err := FromList(strings.NewReader(in), "-")
	if err != nil || len(got) != 2 || got[0].String() != "curl-8.7.1" || got[1].String() != "sudo-1.9.16" {
		t.Fatalf("got %v, %v", got, err)
	}
	// One blank, or a first field without a version, stays an error.
	for _, bad := range []string{"curl-8.7.1 comment\n", "two words-1\n", "curl  Command line tool\n"} {
		if _, err := FromList(strings.NewReader(bad), "l"); err == nil || !strings.Contains(err.Error(), "blank inside") {
			t.Errorf("%q: %v", bad, err)
		}
	}
}

func TestBase(t *testing.T) {
	for _, tc := range []struct {
		user, kernel string
		want         []string
	}{
		{"14.1-RELEASE-p5", "14.1-RELEASE-p5", []string{"FreeBSD-kernel|14.1_5", "FreeBSD|14.1_5"}},
		{"14.1-RELEASE-p6", "14.1-RELEASE-p5", []string{"FreeBSD-kernel|14.1_5", "FreeBSD|14.1_6"}},
		{"14.1-RELEASE", "", []string{"FreeBSD|14.1"}},
		{"13.3-RELEASE-p12\n", "13.3-RELEASE-p11", []string{"FreeBSD-kernel|13.3_11", "FreeBSD|13.3_12"}},
		{"15.0-CURRENT", "15.0-CURRENT", []string{"FreeBSD-kernel-15.0|CURRENT", "FreeBSD-15.0|CURRENT"}},
		{"14.2-BETA1", "", []string{"FreeBSD-14.2|BETA1"}},
		{"14.0-STABLE", "", []string{"FreeBSD-14.0|STABLE"}},
	} {
		pkgs, err := Base(tc.user, tc.kernel)
		if err != nil {
			t.Errorf("Base(%q, %q): %v", tc.user, tc.kernel, err)
			continue
		}
		var got []string
		for _, p := range pkgs {
			got = append(got, p.Name+"|"+p.Version)
			if !p.Base || p.Scheme != advisory.FreeBSD || p.Versionless {
				t.Errorf("Base(%q, %q): %+v is not a versioned FreeBSD base package", tc.user, tc.kernel, p)
			}
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("Base(%q, %q) = %q, want %q", tc.user, tc.kernel, got, tc.want)
		}
	}
	for _, bad := range [][2]string{{"", ""}, {"14.1 RELEASE", ""}, {"", "a/b"}} {
		if _, err := Base(bad[0], bad[1]); err == nil {
			t.Errorf("Base(%q, %q): no error", bad[0], bad[1])
		}
	}
	if got := BaseName("FreeBSD", "14.1-RELEASE-p5"); got != "FreeBSD-14.1_5" {
		t.Errorf("BaseName = %q", got)
	}
}
