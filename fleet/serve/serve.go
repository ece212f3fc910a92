// Package serve runs the fleet server as a process: it loads the
// databases into the API server, keeps them current (reloading files that
// change, or fetching the configured feeds on an interval), serves the
// API, the dashboard and the metrics over HTTP(S), runs the alert worker,
// and shuts down cleanly when its context ends. pkgaudit server maps its
// flags to a Config and calls Run.
package serve

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/pkgaudit/pkgaudit/fetch"
	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/alerts"
	"github.com/pkgaudit/pkgaudit/fleet/dashboard"
	"github.com/pkgaudit/pkgaudit/fleet/mail"
	"github.com/pkgaudit/pkgaudit/fleet/metrics"
	"github.com/pkgaudit/pkgaudit/fleet/server"
	"github.com/pkgaudit/pkgaudit/fleet/session"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/fleet/webhook"
)

// Config is one server process.
type Config struct {
	// Listen is the address of the API and dashboard; TLSCert and TLSKey,
	// when set, serve HTTPS.
	Listen           string
	TLSCert, TLSKey  string
	Store            *store.Store
	Logger           *slog.Logger
	Rate             float64 // requests per second per token
	Burst            int
	StaleAfter       time.Duration // a host without a report for this long is stale
	ToolVersion      string
	Databases        []string
	NoEOL            bool
	NoExternalEntity bool
	// Fetch, when set, downloads the database at a path (the configured
	// feeds): at start-up (a failure is fatal only when no copy exists)
	// and every Refresh. Without it the Databases are files, checked for
	// changes every Watch.
	Fetch          func(ctx context.Context, path string) error
	Watch, Refresh time.Duration
	// Reload asks for a reload (SIGHUP).
	Reload <-chan struct{}
	// Alerts and the dashboard.
	Webhooks      []*webhook.Sender
	Mailer        *mail.Mailer
	MetricsListen string        // also serve /metrics without authentication here
	FeedMaxAge    time.Duration // a database unchanged for this long is stale
	AlertEvery    time.Duration
	LoginTTL      time.Duration
}

// Run serves until ctx ends (nil) or serving fails.
func Run(ctx context.Context, cfg Config) error {
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	srv := server.New(server.Config{Store: cfg.Store, Logger: log, Rate: cfg.Rate, Burst: cfg.Burst, StaleAfter: cfg.StaleAfter, ToolVersion: cfg.ToolVersion})
	front, err := startFront(ctx, cfg, srv, log)
	if err != nil {
		return err
	}
	load := func() error {
		db, err := fleet.Open(cfg.Databases, fleet.OpenOptions{NoEOL: cfg.NoEOL, NoExternalEntities: cfg.NoExternalEntity})
		if err != nil {
			return err
		}
		start := time.Now()
		if _, err = srv.SetDB(ctx, db); err == nil {
			front.loaded(ctx, db, time.Since(start))
		}
		return err
	}
	if cfg.Fetch != nil {
		for _, p := range cfg.Databases {
			err := cfg.Fetch(ctx, p)
			front.fetched(p, err)
			if err != nil {
				if _, serr := os.Stat(p); serr != nil {
					return fmt.Errorf("fetching %s: %w", p, err)
				}
				log.Warn("fetching the database failed; using the copy on disk", "path", p, "err", err)
			}
		}
	}
	if err := load(); err != nil {
		return err
	}

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	hs := server.HTTPServer(cfg.Listen, front.handler, log)
	hs.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	errc := make(chan error, 1)
	go func() {
		if cfg.TLSCert != "" {
			errc <- hs.ServeTLS(ln, cfg.TLSCert, cfg.TLSKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	scheme := "http"
	if cfg.TLSCert != "" {
		scheme = "https"
	}
	log.Info("serving", "url", scheme+"://"+ln.Addr().String(), "store", cfg.Store.Kind(), "databases", len(cfg.Databases))

	go watch(ctx, cfg, log, load, front.fetched)

	select {
	case err := <-errc:
		if !errors.Is(err, http.ErrServerClosed) {
			return err
		}
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	log.Info("shutting down")
	hs.Shutdown(sctx)
	return nil
}

// watch reloads the databases when a file changes or a reload is asked
// for; with Fetch it fetches them every Refresh first.
func watch(ctx context.Context, cfg Config, log *slog.Logger, load func() error, fetched func(string, error)) {
	stamp := func() string {
		s := ""
		for _, p := range cfg.Databases {
			if st, err := os.Stat(p); err == nil {
				s += fmt.Sprintf("%s %d %d;", p, st.Size(), st.ModTime().UnixNano())
			} else {
				s += p + " missing;"
			}
		}
		return s
	}
	last := stamp()
	interval := cfg.Watch
	if cfg.Fetch != nil {
		interval = cfg.Refresh
	}
	if interval <= 0 {
		interval = 10 * time.Second
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		reason := ""
		select {
		case <-ctx.Done():
			return
		case <-cfg.Reload:
			reason = "SIGHUP"
		case <-tick.C:
			if cfg.Fetch != nil {
				for _, p := range cfg.Databases {
					err := cfg.Fetch(ctx, p)
					if err != nil {
						log.Warn("refreshing the database failed", "path", p, "err", err)
					}
					fetched(p, err)
				}
			}
		}
		now := stamp()
		if reason == "" && now == last {
			continue
		}
		if reason == "" {
			reason = "changed on disk"
		}
		last = now
		log.Info("reloading the databases", "reason", reason)
		if err := load(); err != nil {
			log.Error("reloading the databases failed; keeping the loaded ones", "err", err)
		}
	}
}

// front is the dashboard, the metrics and the alert worker around the API.
type front struct {
	handler     http.Handler
	metrics     *metrics.Metrics
	st          *store.Store
	log         *slog.Logger
	fetchIssues *alerts.FetchIssues
}

// loaded records new databases: the advisories' other names (for the
// exceptions) and the re-evaluation's duration.
func (f *front) loaded(ctx context.Context, db *fleet.DB, took time.Duration) {
	f.metrics.ObserveReevaluation(took)
	if err := f.st.SetAdvisoryAliases(ctx, db.Aliases()); err != nil {
		f.log.Error("recording the advisories' CVE names", "err", err)
	}
}

// fetched records the outcome of fetching the feed into path: a failed
// verification is an alert (webhook.FeedUnverified).
func (f *front) fetched(path string, err error) {
	f.fetchIssues.Failed(path, err, errors.Is(err, fetch.ErrSignature))
}

// startFront starts the alert worker and the metrics listener, and
// returns the handler serving the dashboard, /metrics and the API.
func startFront(ctx context.Context, cfg Config, srv *server.Server, log *slog.Logger) (*front, error) {
	key, err := cfg.Store.SessionKey(ctx)
	if err != nil {
		return nil, fmt.Errorf("session key: %w", err)
	}
	fetchIssues := &alerts.FetchIssues{}
	m := metrics.New(dashboard.MetricsSource(cfg.Store, cfg.StaleAfter, srv.DB))
	dash, err := dashboard.New(dashboard.Config{Store: cfg.Store, API: observeIngest(srv, m), DB: srv.DB, Metrics: m.Handler(),
		Sessions:   &session.Manager{Key: key, TTL: cfg.LoginTTL, Secure: cfg.TLSCert != ""},
		StaleAfter: cfg.StaleAfter, FeedMaxAge: cfg.FeedMaxAge, Logger: log})
	if err != nil {
		return nil, err
	}
	w := alerts.New(alerts.Config{Store: cfg.Store, Webhooks: cfg.Webhooks, Mailer: cfg.Mailer, StaleAfter: cfg.StaleAfter, Interval: cfg.AlertEvery, Logger: log,
		Feeds: func() []alerts.FeedIssue {
			return append(alerts.DBIssues(srv.DB(), cfg.FeedMaxAge, time.Now()), fetchIssues.Issues()...)
		}})
	if err := w.Start(ctx); err != nil {
		return nil, err
	}
	go w.Run(ctx)
	if cfg.MetricsListen != "" {
		ln, err := net.Listen("tcp", cfg.MetricsListen)
		if err != nil {
			return nil, fmt.Errorf("--metrics-listen: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", m.Handler())
		hs := server.HTTPServer(cfg.MetricsListen, mux, log)
		go func() {
			if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("metrics listener", "err", err)
			}
		}()
		go func() {
			<-ctx.Done()
			hs.Close()
		}()
		log.Info("serving metrics", "metrics", "http://"+ln.Addr().String()+"/metrics")
	}
	return &front{handler: dash, metrics: m, st: cfg.Store, log: log, fetchIssues: fetchIssues}, nil
}

// observeIngest times the reports the API takes, for the metrics.
func observeIngest(h http.Handler, m *metrics.Metrics) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || r.URL.Path != "/api/v1/reports" {
			h.ServeHTTP(w, r)
			return
		}
		start := time.Now()
		sw := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		h.ServeHTTP(sw, r)
		outcome := "accepted"
		if sw.status != http.StatusOK {
			outcome = "rejected"
		}
		m.ObserveIngest(outcome, time.Since(start))
	})
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	s.status = code
	s.ResponseWriter.WriteHeader(code)
}
