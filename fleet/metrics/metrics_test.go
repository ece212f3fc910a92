package metrics

import (
	"context"
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	srv := httptest.NewServer(m.Handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	// The exposition parses.
	p := expfmt.NewTextParser(model.UTF8Validation)
	if _, err := p.TextToMetricFamilies(strings.NewReader(string(b))); err != nil {
		t.Fatalf("not the Prometheus text format: %v\n%s", err, b)
	}
	return string(b)
}

func TestScrape(t *testing.T) {
	m := New(func(context.Context) (Snapshot, error) {
		return Snapshot{HostsTotal: 10, HostsVulnerable: 3, HostsStale: 1, OpenFindings: 7, AcceptedFindings: 2,
			OldestOpenFinding: 36 * time.Hour, FeedAge: map[string]time.Duration{"freebsd": time.Hour}}, nil
	})
	m.ObserveIngest("accepted", 12*time.Millisecond)
	m.ObserveReevaluation(800 * time.Millisecond)
	out := scrape(t, m)
	for _, want := range []string{
		`pkgaudit_hosts{state="total"} 10`, `pkgaudit_hosts{state="vulnerable"} 3`, `pkgaudit_hosts{state="stale"} 1`,
		`pkgaudit_open_findings{status="open"} 7`, `pkgaudit_oldest_open_finding_age_seconds 129600`,
		`pkgaudit_feed_age_seconds{feed="freebsd"} 3600`, `pkgaudit_ingest_duration_seconds_count{outcome="accepted"} 1`,
		`pkgaudit_reevaluation_duration_seconds_count 1`, `pkgaudit_store_up 1`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("scrape lacks %q:\n%s", want, out)
		}
	}
}

func TestStoreDown(t *testing.T) {
	m := New(func(context.Context) (Snapshot, error) { return Snapshot{}, errors.New("down") })
	if out := scrape(t, m); !strings.Contains(out, "pkgaudit_store_up 0") || strings.Contains(out, "pkgaudit_hosts{") {
		t.Errorf("store down:\n%s", out)
	}
}
