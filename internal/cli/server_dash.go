package cli

// The dashboard, alerts and metrics of pkgaudit server (issue 14): flags
// and wiring kept apart from server.go.

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/spf13/pflag"

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

// dashFlags are the server's dashboard, alert and metrics options.
type dashFlags struct {
	webhooks, webhookSecrets []string
	webhookSecretFile        string
	mailCommand, mailFrom    string
	mailTo                   []string
	metricsListen            string
	feedMaxAge, alertEvery   time.Duration
	loginTTL                 time.Duration
}

func addDashFlags(fl *pflag.FlagSet, d *dashFlags) {
	fl.StringArrayVar(&d.webhooks, "webhook", nil, "POST alerts (JSON, signed) to this URL; repeatable")
	fl.StringArrayVar(&d.webhookSecrets, "webhook-secret", nil, "HMAC-SHA256 key of the X-Pkgaudit-Signature header: one for every --webhook, or one each in order")
	fl.StringVar(&d.webhookSecretFile, "webhook-secret-file", "", "read the webhook secrets from this file, one a line (instead of --webhook-secret, which ps(1) shows)")
	fl.StringVar(&d.mailCommand, "mail-command", "", `also mail alerts, one message per run, through this sendmail-compatible command (e.g. "/usr/sbin/sendmail -t -i")`)
	fl.StringArrayVar(&d.mailTo, "mail-to", nil, "recipient of the alert mail; repeatable")
	fl.StringVar(&d.mailFrom, "mail-from", "pkgaudit", "sender of the alert mail")
	fl.StringVar(&d.metricsListen, "metrics-listen", "", "also serve /metrics without authentication on this address (e.g. 127.0.0.1:9120)")
	fl.DurationVar(&d.feedMaxAge, "feed-max-age", 72*time.Hour, "a database unchanged for this long is stale (dashboard, alerts)")
	fl.DurationVar(&d.alertEvery, "alert-interval", 30*time.Second, "how often alerts are checked and delivered (and expired exceptions lifted)")
	fl.DurationVar(&d.loginTTL, "login-ttl", 12*time.Hour, "how long a dashboard login lasts")
}

// dashSetup is what runServer gets from setupDash.
type dashSetup struct {
	handler http.Handler
	metrics *metrics.Metrics
	st      *store.Store
	log     *slog.Logger
	// fetchIssues are the feeds whose last fetch failed verification.
	fetchIssues *alerts.FetchIssues
}

// loaded records new databases: the advisories' other names (for the
// exceptions) and the re-evaluation's duration.
func (s *dashSetup) loaded(ctx context.Context, db *fleet.DB, took time.Duration) {
	s.metrics.ObserveReevaluation(took)
	if err := s.st.SetAdvisoryAliases(ctx, db.Aliases()); err != nil {
		s.log.Error("recording the advisories' CVE names", "err", err)
	}
}

// fetched records the outcome of fetching the feed into path: a failed
// verification is an alert (webhook.FeedUnverified).
func (s *dashSetup) fetched(path string, err error) {
	s.fetchIssues.Failed(path, err, errors.Is(err, fetch.ErrSignature))
}

// setupDash checks the flags, starts the alert worker and the metrics
// listener, and returns the handler serving the dashboard, /metrics and
// the API.
func setupDash(ctx context.Context, d *dashFlags, f *serverFlags, st *store.Store, srv *server.Server, log *slog.Logger) (*dashSetup, error) {
	if d.webhookSecretFile != "" {
		if len(d.webhookSecrets) > 0 {
			return nil, usageError("--webhook-secret and --webhook-secret-file exclude each other")
		}
		data, err := os.ReadFile(d.webhookSecretFile)
		if err != nil {
			return nil, usageError("--webhook-secret-file: %v", err)
		}
		for _, line := range strings.Split(string(data), "\n") {
			if line = strings.TrimRight(line, "\r"); line != "" {
				d.webhookSecrets = append(d.webhookSecrets, line)
			}
		}
		if len(d.webhookSecrets) == 0 {
			return nil, usageError("--webhook-secret-file %s holds no secret", d.webhookSecretFile)
		}
	}
	if len(d.webhookSecrets) > 1 && len(d.webhookSecrets) != len(d.webhooks) {
		return nil, usageError("--webhook-secret: give one for all webhooks or one per --webhook (%d webhooks, %d secrets)", len(d.webhooks), len(d.webhookSecrets))
	}
	var senders []*webhook.Sender
	for i, u := range d.webhooks {
		if !strings.HasPrefix(u, "http://") && !strings.HasPrefix(u, "https://") {
			return nil, usageError("--webhook %q is not an http(s) URL", u)
		}
		if len(d.webhookSecrets) == 0 {
			return nil, usageError("--webhook needs --webhook-secret (receivers check the signature)")
		}
		secret := d.webhookSecrets[0]
		if len(d.webhookSecrets) > 1 {
			secret = d.webhookSecrets[i]
		}
		if secret == "" {
			return nil, usageError("--webhook-secret is empty")
		}
		senders = append(senders, &webhook.Sender{URL: u, Secret: []byte(secret), UserAgent: "pkgaudit/" + Version})
	}
	var mailer *mail.Mailer
	if d.mailCommand != "" || len(d.mailTo) > 0 {
		if d.mailCommand == "" || len(d.mailTo) == 0 {
			return nil, usageError("--mail-command and --mail-to go together")
		}
		mailer = &mail.Mailer{Command: strings.Fields(d.mailCommand), From: d.mailFrom, To: d.mailTo}
	}
	key, err := st.SessionKey(ctx)
	if err != nil {
		return nil, &codeError{ExitError, fmt.Errorf("session key: %w", err)}
	}
	fetchIssues := &alerts.FetchIssues{}
	m := metrics.New(dashboard.MetricsSource(st, f.staleAfter, srv.DB))
	dash, err := dashboard.New(dashboard.Config{Store: st, API: observeIngest(srv, m), DB: srv.DB, Metrics: m.Handler(),
		Sessions: &session.Manager{Key: key, TTL: d.loginTTL, Secure: f.tlsCert != ""}, StaleAfter: f.staleAfter, FeedMaxAge: d.feedMaxAge, Logger: log})
	if err != nil {
		return nil, &codeError{ExitError, err}
	}
	w := alerts.New(alerts.Config{Store: st, Webhooks: senders, Mailer: mailer, StaleAfter: f.staleAfter, Interval: d.alertEvery, Logger: log,
		Feeds: func() []alerts.FeedIssue {
			return append(alerts.DBIssues(srv.DB(), d.feedMaxAge, time.Now()), fetchIssues.Issues()...)
		}})
	if err := w.Start(ctx); err != nil {
		return nil, &codeError{ExitError, err}
	}
	go w.Run(ctx)
	if d.metricsListen != "" {
		ln, err := net.Listen("tcp", d.metricsListen)
		if err != nil {
			return nil, &codeError{ExitError, fmt.Errorf("--metrics-listen: %w", err)}
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", m.Handler())
		hs := server.HTTPServer(d.metricsListen, mux, log)
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
	return &dashSetup{handler: dash, metrics: m, st: st, log: log, fetchIssues: fetchIssues}, nil
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
