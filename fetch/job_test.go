package fetch

import (
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/config"
)

func TestPlanGuessesDest(t *testing.T) {
	cfg, _ := config.LoadPaths("", func(k string) string { return map[string]string{"PKG_DBDIR": "/db"}[k] }, config.Paths{})
	for u, want := range map[string]string{
		"https://x/vulns/pkg-vulnerabilities.gz": "/db/pkg-vulnerabilities",
		"https://x/freebsd/vuln.xml.xz":          "/db/vuln.xml",
		"file:///srv/vuln.xml.zst":               "/db/vuln.xml",
	} {
		if got, _ := guessDest(cfg, u); got != want {
			t.Errorf("%s: %q, want %q", u, got, want)
		}
	}
	if _, err := Plan(cfg, Job{Feed: "https://x/feed"}); err == nil || !strings.Contains(err.Error(), "-o FILE") {
		t.Errorf("a URL without a known name: %v, want a request for -o FILE", err)
	}
	if _, err := Plan(cfg, Job{Feed: "freebsd", Sign: true}); err == nil {
		t.Error("-s on the freebsd feed accepted")
	}
}
