package match_test

import (
	"os"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/vuxml"
	"github.com/pkgaudit/pkgaudit/vuxml/match"
)

func index(t *testing.T) []inventory.Package {
	t.Helper()
	f, err := os.Open("testdata/INDEX-14")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	pkgs, err := inventory.FromIndex(f, "INDEX-14")
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

func entry(t *testing.T, file, vid string) *vuxml.Entry {
	t.Helper()
	doc, err := vuxml.ParseFile(file, vuxml.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	e := match.Find([]*vuxml.Document{doc}, vid)
	if e == nil {
		t.Fatalf("no entry %s", vid)
	}
	return e
}

// The INDEX fixture is INDEX-14: 13 fields a line, a few hundred ports.
func TestIndexFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/INDEX-14")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) < 300 {
		t.Errorf("%d lines", len(lines))
	}
	for i, l := range lines {
		if n := strings.Count(l, "|") + 1; n != 13 {
			t.Errorf("line %d: %d fields", i+1, n)
		}
	}
}

func summary(r *match.Result) string {
	var b strings.Builder
	for _, m := range r.Matches {
		b.WriteString(m.Package.Name + "-" + m.Package.Version)
		if len(m.Suspect) > 0 {
			b.WriteString("?")
		}
		b.WriteString(" ")
	}
	for _, n := range r.Unmatched {
		b.WriteString("!" + n.Value + " ")
	}
	for _, n := range r.Base {
		b.WriteString("base:" + n.Value + " ")
	}
	return strings.TrimSpace(b.String())
}

func TestEntry(t *testing.T) {
	pkgs := index(t)
	for _, tc := range []struct {
		file, vid, want string
		attention       bool
	}{
		// The real 2026 OpenSSL entry: openssl 3.0.18,1 is below 3.0.19,1;
		// the block "openssl < 3.0.19" (no epoch) matches nothing; the
		// base system is not in an INDEX.
		{"../../testdata/vuxml/vuln-2026.xml", "4b824428-fb93-11f0-b194-8447094a420f",
			"openssl-3.0.18,1 openssl34-3.4.3 openssl35-3.5.4 openssl36-3.6.0 base:FreeBSD", false},
		// chromium < 144.0.7559.109: the INDEX chromium is older, the
		// ungoogled one is fixed.
		{"../../testdata/vuxml/vuln-2026.xml", "409d70ab-fc23-11f0-85c5-a8a1599412c6", "chromium-144.0.7559.96", false},
		// php8[0-9]-curl < 8.15.0 matches every PHP 8 curl extension (their
		// versions are PHP's); the py3 glob matches pycurl, which nothing
		// else in the entry names.
		{"testdata/vuln.xml", "5a0e6b8c-1f7d-4c2e-9a3b-6d4f8e2c1a01",
			"php81-curl-8.1.33? php82-curl-8.2.29? php83-curl-8.3.23? php84-curl-8.4.10? py311-pycurl-7.45.6? py312-pycurl-7.45.6? curl-8.14.1 linux-rl9-curl-7.76.1_3", true},
		// firefx-esr is a typo; thunderbird is a Mozilla product.
		{"testdata/vuln.xml", "5a0e6b8c-1f7d-4c2e-9a3b-6d4f8e2c1a02", "firefox-147.0.2,2 thunderbird-147.0 !firefx-esr", true},
		// >= 0 matches everything; libxslt is not aspell.
		{"testdata/vuln.xml", "5a0e6b8c-1f7d-4c2e-9a3b-6d4f8e2c1a03",
			"ru-aspell-0.99.f7.1_3? de-aspell-20161207.7.0_2? fr-aspell-0.50.3_2? uk-aspell-1.4.0_2? pt-aspell-20240102.0_1? ko-aspell-0.50.3_1? aspell-0.60.8.1_3 libxslt-1.1.43?", true},
	} {
		r := match.Entry(entry(t, tc.file, tc.vid), pkgs)
		if got := summary(r); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.vid, got, tc.want)
		}
		if r.Attention() != tc.attention {
			t.Errorf("%s: attention %v", tc.vid, r.Attention())
		}
	}
}

func TestRelated(t *testing.T) {
	pkgs := index(t)
	for _, tc := range []struct{ name, want string }{
		{"firefox", "self:firefox flavour:firefox-esr derivative:floorp derivative:librewolf derivative:seamonkey derivative:thunderbird derivative:thunderbird-esr derivative:waterfox"},
		{"chromium", "self:chromium derivative:electron35 derivative:electron36 derivative:electron37 derivative:iridium-browser derivative:linux-chrome derivative:qt5-webengine derivative:qt6-webengine derivative:ungoogled-chromium"},
		{"openssl", "self:openssl version:openssl33 version:openssl34 version:openssl35 version:openssl36 language:R-cran-openssl language:php81-openssl language:php82-openssl language:php83-openssl language:php84-openssl language:rubygem-openssl linux:linux-c7-openssl-libs linux:linux-rl9-openssl-libs derivative:boringssl derivative:libressl derivative:libressl-devel derivative:openssl-quictls contains:p5-Crypt-OpenSSL-RSA"},
		{"vim", "self:vim flavour:vim-gtk3 flavour:vim-tiny localized:ja-vim derivative:neovim"},
		{"nginx", "self:nginx flavour:nginx-devel flavour:nginx-full flavour:nginx-lite derivative:angie derivative:freenginx"},
		{"aspell", "self:aspell localized:de-aspell localized:fr-aspell localized:ko-aspell localized:pt-aspell localized:ru-aspell localized:uk-aspell"},
		{"grafana", "self:grafana version:grafana8 version:grafana9"},
		{"py311-requests", "self:py311-requests language:py312-requests"},
		{"wireshark", "self:wireshark flavour:wireshark-nox11"},
		{"no-such-port", ""},
	} {
		var got []string
		for _, v := range match.Related(tc.name, pkgs) {
			got = append(got, v.Kind+":"+v.Package.Name)
			if v.Reason == "" {
				t.Errorf("%s: %s without reason", tc.name, v.Package.Name)
			}
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, g, tc.want)
		}
	}
}
