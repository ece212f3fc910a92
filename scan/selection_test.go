package scan

import (
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/config"
)

// Selection.Sources: the sources in pkg's order, the host's installed
// packages when nothing is named, and the databases for what is audited.
func TestSelectionSources(t *testing.T) {
	load := func(kind config.HostKind, prefix string) *config.Config {
		paths := config.HostPaths(config.Host{GOOS: "netbsd", Kind: kind, Prefix: prefix, Why: "test"}, "/")
		cfg, err := config.LoadPaths("", func(string) string { return "" }, paths)
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	describe := func(s Selection, cfg *config.Config) string {
		srcs, avail, dbs := s.Sources(cfg)
		var d []string
		for _, x := range srcs {
			d = append(d, x.Describe())
		}
		return strings.Join(d, "; ") + " | " + strings.Repeat("A", len(avail)) + " | " + strings.Join(dbs, " ")
	}
	freebsd, pkgsrc := load(config.HostFreeBSD, ""), load(config.HostPkgsrc, "/usr/pkg")
	for _, tc := range []struct {
		s    Selection
		cfg  *config.Config
		want []string // parts of the description
	}{
		{Selection{}, freebsd, []string{"local.sqlite", "vuln.xml"}},
		{Selection{}, pkgsrc, []string{"pkg-vulnerabilities"}},
		{Selection{Operands: []string{"curl-1"}, Lists: []string{"l.txt"}}, freebsd, []string{"--from l.txt", "vuln.xml"}},
		{Selection{Index: "INDEX", Available: "INDEX2"}, freebsd, []string{"INDEX", "| AA |"}},
		{Selection{Installed: true, PkgsrcDBDir: "/var/db/pkg"}, freebsd, []string{"local.sqlite", "pkg-vulnerabilities", "vuln.xml"}},
	} {
		got := describe(tc.s, tc.cfg)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%+v: %q lacks %q", tc.s, got, w)
			}
		}
	}
	if got := describe(Selection{}, pkgsrc); strings.Contains(got, "local.sqlite") || strings.Contains(got, "vuln.xml") {
		t.Errorf("pkgsrc host: %q", got)
	}
}
