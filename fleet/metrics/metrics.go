// Package metrics exposes the fleet server's state and work in the
// Prometheus text format, through prometheus/client_golang: gauges read
// from the store when scraped (hosts total, vulnerable and stale, open
// findings, the oldest open finding's age, each feed's age) and
// histograms the server feeds as it works (ingest latency, and so the
// ingest rate, and re-evaluation duration).
package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Snapshot is the fleet's state at a scrape.
type Snapshot struct {
	HostsTotal, HostsVulnerable, HostsStale int
	OpenFindings, AcceptedFindings          int
	// OldestOpenFinding is the age of the oldest finding still open (0
	// when none is).
	OldestOpenFinding time.Duration
	// FeedAge is, per database, the time since its content last changed.
	FeedAge map[string]time.Duration
}

// Source reads a Snapshot; it is called once per scrape.
type Source func(ctx context.Context) (Snapshot, error)

// Metrics holds the registry and the instruments the server feeds.
type Metrics struct {
	Registry     *prometheus.Registry
	ingest       *prometheus.HistogramVec
	reevaluation prometheus.Histogram
}

// New registers the collectors; src may be nil (no state gauges).
func New(src Source) *Metrics {
	m := &Metrics{Registry: prometheus.NewRegistry()}
	m.ingest = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "pkgaudit_ingest_duration_seconds",
		Help:    "Time to store and evaluate one host report, by outcome.",
		Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
	}, []string{"outcome"})
	m.reevaluation = prometheus.NewHistogram(prometheus.HistogramOpts{
		Name:    "pkgaudit_reevaluation_duration_seconds",
		Help:    "Time to re-evaluate the fleet after a database change.",
		Buckets: prometheus.ExponentialBuckets(0.01, 2, 14),
	})
	m.Registry.MustRegister(m.ingest, m.reevaluation)
	if src != nil {
		m.Registry.MustRegister(&stateCollector{src: src})
	}
	return m
}

// ObserveIngest records one report's handling time; outcome is
// "accepted" or "rejected".
func (m *Metrics) ObserveIngest(outcome string, d time.Duration) {
	m.ingest.WithLabelValues(outcome).Observe(d.Seconds())
}

// ObserveReevaluation records one re-evaluation's duration.
func (m *Metrics) ObserveReevaluation(d time.Duration) { m.reevaluation.Observe(d.Seconds()) }

// Handler serves the registry in the Prometheus exposition format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.Registry, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError, Timeout: 10 * time.Second})
}

var (
	descHosts    = prometheus.NewDesc("pkgaudit_hosts", "Hosts known to the server, by state (total, vulnerable, stale).", []string{"state"}, nil)
	descFindings = prometheus.NewDesc("pkgaudit_open_findings", "Open findings, by status (open: no exception; accepted: covered by an exception).", []string{"status"}, nil)
	descOldest   = prometheus.NewDesc("pkgaudit_oldest_open_finding_age_seconds", "Age of the oldest open finding.", nil, nil)
	descFeedAge  = prometheus.NewDesc("pkgaudit_feed_age_seconds", "Time since each vulnerability database last changed.", []string{"feed"}, nil)
	descUp       = prometheus.NewDesc("pkgaudit_store_up", "1 when the store answered the last scrape.", nil, nil)
)

type stateCollector struct{ src Source }

func (c *stateCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descHosts, descFindings, descOldest, descFeedAge, descUp} {
		ch <- d
	}
}

func (c *stateCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.src(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(descUp, prometheus.GaugeValue, 1)
	ch <- prometheus.MustNewConstMetric(descHosts, prometheus.GaugeValue, float64(s.HostsTotal), "total")
	ch <- prometheus.MustNewConstMetric(descHosts, prometheus.GaugeValue, float64(s.HostsVulnerable), "vulnerable")
	ch <- prometheus.MustNewConstMetric(descHosts, prometheus.GaugeValue, float64(s.HostsStale), "stale")
	ch <- prometheus.MustNewConstMetric(descFindings, prometheus.GaugeValue, float64(s.OpenFindings), "open")
	ch <- prometheus.MustNewConstMetric(descFindings, prometheus.GaugeValue, float64(s.AcceptedFindings), "accepted")
	ch <- prometheus.MustNewConstMetric(descOldest, prometheus.GaugeValue, s.OldestOpenFinding.Seconds())
	for feed, age := range s.FeedAge {
		ch <- prometheus.MustNewConstMetric(descFeedAge, prometheus.GaugeValue, age.Seconds(), feed)
	}
}
