// Package alerts tells people when the fleet changes: a new finding, a
// resolved finding, a host gone stale (no report for a while), a database
// that is stale or failed verification. Events are written to the store's
// outbox in the transaction that causes them (findings) or by the worker's
// checks (stale hosts and feeds, each told once until it changes); the
// worker delivers them to every webhook (fleet/webhook: signed JSON,
// retries, idempotency key) and, batched into one message per run, to a
// mail command (fleet/mail). An event leaves a sink's queue only once the
// sink took it: delivery is at least once.
//
// The worker also re-applies the exceptions on each run, so that findings
// whose rule expired come back.
package alerts

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/mail"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/fleet/webhook"
)

// FeedIssue is a problem with one database: stale, or its signature not
// verified.
type FeedIssue struct {
	Kind string // webhook.FeedStale or webhook.FeedUnverified
	Feed string // the database (path or URL)
	// State identifies this occurrence: the issue is told once per
	// distinct State (e.g. the file's modification time).
	State  string
	Detail string
}

// DBIssues lists the problems of the databases in use: files older than
// maxAge, and signed files whose signature was not verified.
func DBIssues(db *fleet.DB, maxAge time.Duration, now time.Time) []FeedIssue {
	if db == nil {
		return nil
	}
	var out []FeedIssue
	for _, info := range db.Infos() {
		state := info.ModTime.UTC().Format(time.RFC3339Nano) + " " + hex.EncodeToString(info.Hash[:min(8, len(info.Hash))])
		if maxAge > 0 && !info.ModTime.IsZero() && now.Sub(info.ModTime) > maxAge {
			out = append(out, FeedIssue{Kind: webhook.FeedStale, Feed: info.Path, State: state,
				Detail: fmt.Sprintf("unchanged since %s (%s)", info.ModTime.UTC().Format(time.RFC3339), now.Sub(info.ModTime).Truncate(time.Minute))})
		}
		if info.Signed && !info.Verified {
			out = append(out, FeedIssue{Kind: webhook.FeedUnverified, Feed: info.Path, State: state, Detail: "signed, but its signature was not verified"})
		}
	}
	return out
}

// Config configures a Worker.
type Config struct {
	Store    *store.Store
	Webhooks []*webhook.Sender
	// Mailer, when set, gets every event too, one message per run.
	Mailer *mail.Mailer
	// StaleAfter is how long without a report makes a host stale (0: no
	// stale-host events).
	StaleAfter time.Duration
	// Feeds returns the databases' problems (nil: none checked).
	Feeds func() []FeedIssue
	// Interval between runs (default 30 s).
	Interval time.Duration
	Logger   *slog.Logger
	Now      func() time.Time
}

// Worker runs the checks and deliveries.
type Worker struct {
	cfg Config
	mu  sync.Mutex // one run at a time
}

// New returns a worker.
func New(cfg Config) *Worker {
	if cfg.Interval <= 0 {
		cfg.Interval = 30 * time.Second
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return &Worker{cfg: cfg}
}

// Enabled tells whether any sink is configured.
func (w *Worker) Enabled() bool { return len(w.cfg.Webhooks) > 0 || w.cfg.Mailer != nil }

// Start records in the store whether finding events are to be kept (only
// while a sink is configured).
func (w *Worker) Start(ctx context.Context) error {
	return w.cfg.Store.SetAlerts(ctx, w.Enabled())
}

// Run runs the worker every Interval until ctx ends.
func (w *Worker) Run(ctx context.Context) error {
	if err := w.Start(ctx); err != nil {
		return err
	}
	t := time.NewTicker(w.cfg.Interval)
	defer t.Stop()
	for {
		if err := w.RunOnce(ctx); err != nil && ctx.Err() == nil {
			w.cfg.Logger.Error("alerts run failed", "err", err)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-t.C:
		}
	}
}

// SinkName is the outbox's name for a webhook: its URL's hash (the URL
// may hold a secret).
func SinkName(url string) string {
	h := sha256.Sum256([]byte(url))
	return "webhook:" + hex.EncodeToString(h[:8])
}

const mailSink = "mail"

// KeepEvents is how long alert events stay in the outbox: one a sink
// could not take in that time is dropped.
const KeepEvents = 30 * 24 * time.Hour

// RunOnce applies the exceptions, records stale hosts and feed problems,
// and delivers what is pending to every sink.
func (w *Worker) RunOnce(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	st := w.cfg.Store
	var errs []error
	if err := st.ApplyExceptions(ctx); err != nil {
		errs = append(errs, fmt.Errorf("applying exceptions: %w", err))
	}
	if n, err := st.PruneOutbox(ctx, w.cfg.Now().Add(-KeepEvents)); err != nil {
		errs = append(errs, fmt.Errorf("pruning the outbox: %w", err))
	} else if n > 0 {
		w.cfg.Logger.Info("alert events pruned", "events", n)
	}
	if !w.Enabled() {
		return errors.Join(errs...)
	}
	// One process of those sharing a store delivers at a time.
	release, ok, err := st.TryAlertsLock(ctx)
	if err != nil || !ok {
		return errors.Join(append(errs, err)...)
	}
	defer release()
	if err := w.check(ctx); err != nil {
		errs = append(errs, err)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	for _, s := range w.cfg.Webhooks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := w.deliver(ctx, s); err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
			}
		}()
	}
	if w.cfg.Mailer != nil {
		if err := w.mail(ctx); err != nil {
			mu.Lock()
			errs = append(errs, err)
			mu.Unlock()
		}
	}
	wg.Wait()
	return errors.Join(errs...)
}

// check records the hosts gone stale and the feeds' problems, each once.
func (w *Worker) check(ctx context.Context) error {
	st := w.cfg.Store
	now := w.cfg.Now()
	if w.cfg.StaleAfter > 0 {
		stale, err := st.StaleHosts(ctx, now.Add(-w.cfg.StaleAfter))
		if err != nil {
			return err
		}
		for name, last := range stale {
			d, _ := json.Marshal(map[string]any{"host": name, "last_seen": last.UTC().Format(time.RFC3339), "stale_after_hours": w.cfg.StaleAfter.Hours()})
			if _, err := st.AlertOnce(ctx, "host.stale:"+name, strconv.FormatInt(last.UnixMicro(), 10), webhook.HostStale, name, string(d)); err != nil {
				return err
			}
		}
	}
	if w.cfg.Feeds != nil {
		for _, is := range w.cfg.Feeds() {
			d, _ := json.Marshal(map[string]string{"feed": is.Feed, "detail": is.Detail})
			if _, err := st.AlertOnce(ctx, is.Kind+":"+is.Feed, is.State, is.Kind, is.Feed, string(d)); err != nil {
				return err
			}
		}
	}
	return nil
}

// findingData is the data of a finding event.
type findingData struct {
	Host       string `json:"host"`
	Jail       string `json:"jail,omitempty"`
	Package    string `json:"package"`
	Name       string `json:"name"`
	Version    string `json:"version"`
	Advisory   string `json:"advisory"`
	FixedIn    string `json:"fixed_in,omitempty"`
	FirstSeen  string `json:"first_seen"`
	ResolvedAt string `json:"resolved_at,omitempty"`
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

// event turns an outbox row into a webhook event; ok is false for one not
// to tell (a finding gone, or accepted by an exception).
func event(e store.OutboxEvent) (webhook.Event, bool) {
	ev := webhook.Event{ID: "pkgaudit-" + strconv.FormatInt(e.ID, 10), Type: e.Kind, Time: e.CreatedAt}
	switch e.Kind {
	case webhook.FindingNew, webhook.FindingResolved:
		f := e.Finding
		if f == nil || e.Kind == webhook.FindingNew && f.IgnoredBy != "" {
			return ev, false
		}
		resolved := ""
		if e.Kind == webhook.FindingResolved {
			resolved = timeText(f.ResolvedAt)
		}
		ev.Data, _ = json.Marshal(findingData{Host: f.Host, Jail: f.Jail, Package: f.Package.String(), Name: f.Package.Name, Version: f.Package.Version,
			Advisory: f.AdvisoryID, FixedIn: f.FixedIn, FirstSeen: timeText(f.FirstSeen), ResolvedAt: resolved})
	default:
		if json.Valid([]byte(e.Detail)) {
			ev.Data = json.RawMessage(e.Detail)
		}
	}
	return ev, true
}

// deliver sends one webhook's pending events in order; it stops at the
// first that fails (to try again next run).
func (w *Worker) deliver(ctx context.Context, s *webhook.Sender) error {
	st := w.cfg.Store
	sink := SinkName(s.URL)
	for {
		pending, err := st.Pending(ctx, sink, 100)
		if err != nil || len(pending) == 0 {
			return err
		}
		for _, e := range pending {
			ev, ok := event(e)
			if ok {
				err := s.Send(ctx, ev)
				var perm *webhook.PermanentError
				if errors.As(err, &perm) {
					// Retrying will not change the answer: tell, and go on.
					w.cfg.Logger.Error("webhook refused an event", "sink", sink, "event", ev.ID, "type", ev.Type, "status", perm.Status)
				} else if err != nil {
					return fmt.Errorf("webhook %s: event %s: %w", sink, ev.ID, err)
				}
			}
			if err := st.Delivered(ctx, sink, e.ID); err != nil {
				return err
			}
		}
	}
}

// maxMailEvents bounds one message.
const maxMailEvents = 2000

// mail sends every pending event in one message.
func (w *Worker) mail(ctx context.Context) error {
	st := w.cfg.Store
	pending, err := st.Pending(ctx, mailSink, maxMailEvents)
	if err != nil || len(pending) == 0 {
		return err
	}
	var lines []mail.Line
	for _, e := range pending {
		ev, ok := event(e)
		if !ok {
			continue
		}
		lines = append(lines, mail.Line{Type: ev.Type, Text: mailText(e)})
	}
	if len(lines) > 0 {
		subject := fmt.Sprintf("pkgaudit fleet: %d events", len(lines))
		if err := w.cfg.Mailer.Send(ctx, subject, lines); err != nil {
			return fmt.Errorf("mail: %w", err)
		}
	}
	for _, e := range pending {
		if err := st.Delivered(ctx, mailSink, e.ID); err != nil {
			return err
		}
	}
	return nil
}

func mailText(e store.OutboxEvent) string {
	if f := e.Finding; f != nil {
		where := f.Host
		if f.Jail != "" {
			where += " (jail " + f.Jail + ")"
		}
		s := where + ": " + f.Package.String() + " " + f.AdvisoryID
		if f.FixedIn != "" && e.Kind == webhook.FindingNew {
			s += ", fixed in " + f.FixedIn
		}
		return s
	}
	var d map[string]any
	json.Unmarshal([]byte(e.Detail), &d)
	if v, ok := d["detail"].(string); ok {
		return e.Subject + ": " + v
	}
	if v, ok := d["last_seen"].(string); ok {
		return e.Subject + ": last report " + v
	}
	return e.Subject
}

// FetchIssues remembers, per feed, a fetch that failed verification (a
// bad signature, a checksum that does not match, a local copy that fails
// its check): the worker tells each once (webhook.FeedUnverified), and a
// later good fetch clears it. Safe for concurrent use.
type FetchIssues struct {
	mu     sync.Mutex
	issues map[string]FeedIssue
}

// Failed records the outcome of fetching feed: err nil clears the feed's
// issue; an error that is a verification failure (verification) records
// one, stated by its message (told again only when it changes).
func (f *FetchIssues) Failed(feed string, err error, verification bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err == nil || !verification {
		delete(f.issues, feed)
		return
	}
	if f.issues == nil {
		f.issues = map[string]FeedIssue{}
	}
	f.issues[feed] = FeedIssue{Kind: webhook.FeedUnverified, Feed: feed, State: "fetch: " + err.Error(), Detail: "fetching it failed verification: " + err.Error()}
}

// Issues lists the recorded issues, by feed.
func (f *FetchIssues) Issues() []FeedIssue {
	if f == nil {
		return nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]FeedIssue, 0, len(f.issues))
	for _, is := range f.issues {
		out = append(out, is)
	}
	slices.SortFunc(out, func(a, b FeedIssue) int { return strings.Compare(a.Feed, b.Feed) })
	return out
}
