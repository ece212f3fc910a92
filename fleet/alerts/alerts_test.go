package alerts_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/alerts"
	"github.com/pkgaudit/pkgaudit/fleet/mail"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/fleet/store/storetest"
	"github.com/pkgaudit/pkgaudit/fleet/webhook"
)

const vuln2025 = "../../testdata/vuxml/vuln-2025.xml"

// receiver is a webhook endpoint that checks signatures and fails the
// first tries of every event.
type receiver struct {
	t      *testing.T
	secret []byte
	failN  int

	mu       sync.Mutex
	tries    map[string]int
	got      []webhook.Event
	badSig   int
	requests int
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.requests++
	if !webhook.Verify(rc.secret, body, r.Header.Get(webhook.SignatureHeader)) || !strings.HasPrefix(r.Header.Get(webhook.SignatureHeader), "sha256=") {
		rc.badSig++
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	var ev webhook.Event
	if err := json.Unmarshal(body, &ev); err != nil {
		rc.t.Errorf("body %s: %v", body, err)
	}
	if id := r.Header.Get(webhook.DeliveryHeader); id != ev.ID || r.Header.Get(webhook.EventHeader) != ev.Type {
		rc.t.Errorf("delivery header %q, event header %q for %+v", id, r.Header.Get(webhook.EventHeader), ev)
	}
	rc.tries[ev.ID]++
	if rc.tries[ev.ID] <= rc.failN {
		w.Header().Set("Retry-After", "0")
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	rc.got = append(rc.got, ev)
}

func (rc *receiver) events() []webhook.Event {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]webhook.Event(nil), rc.got...)
}

func TestWebhookAndMail(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		now := time.Now()
		clock := func() time.Time { return now }
		st, err := store.Open(ctx, spec, store.Options{Now: clock})
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		db, err := fleet.Open([]string{vuln2025}, fleet.OpenOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Reevaluate(ctx, db); err != nil {
			t.Fatal(err)
		}
		rc := &receiver{t: t, secret: []byte("s3cret"), failN: 2, tries: map[string]int{}}
		ts := httptest.NewServer(rc)
		defer ts.Close()
		// A receiver with another secret refuses every event.
		wrong := &receiver{t: t, secret: []byte("other"), tries: map[string]int{}}
		ts2 := httptest.NewServer(wrong)
		defer ts2.Close()
		noSleep := func(context.Context, time.Duration) error { return nil }
		mailOut := filepath.Join(t.TempDir(), "mail.txt")
		script := filepath.Join(t.TempDir(), "sendmail")
		if err := os.WriteFile(script, []byte("#!/bin/sh\ncat >> "+mailOut+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
		w := alerts.New(alerts.Config{Store: st, StaleAfter: time.Hour, Now: clock,
			Webhooks: []*webhook.Sender{
				{URL: ts.URL, Secret: []byte("s3cret"), Sleep: noSleep},
				{URL: ts2.URL, Secret: []byte("s3cret"), Sleep: noSleep},
			},
			Mailer: &mail.Mailer{Command: []string{script}, From: "fleet@example.org", To: []string{"root@example.org"}},
			Feeds: func() []alerts.FeedIssue {
				return []alerts.FeedIssue{{Kind: webhook.FeedStale, Feed: "vuln.xml", State: "v1", Detail: "unchanged for 4 days"}}
			},
		})
		if err := w.Start(ctx); err != nil {
			t.Fatal(err)
		}
		rep := &store.Report{Host: store.HostFacts{Name: "web1", OS: "FreeBSD"}, Inventories: []store.Inventory{{Packages: []store.Pkg{{Key: fleet.PkgKey{Name: "curl", Version: "8.5.0", World: "freebsd"}}}}}}
		res, err := st.Ingest(ctx, rep, db)
		if err != nil || res.NewFindings == 0 {
			t.Fatalf("ingest: %+v, %v", res, err)
		}
		if err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		got := rc.events()
		if len(got) != res.NewFindings+1 {
			t.Fatalf("received %d events, want %d new findings and a stale feed: %+v", len(got), res.NewFindings, got)
		}
		for _, ev := range got[:res.NewFindings] {
			var d map[string]string
			json.Unmarshal(ev.Data, &d)
			if ev.Type != webhook.FindingNew || d["host"] != "web1" || d["package"] != "curl-8.5.0" || d["advisory"] == "" {
				t.Errorf("event %+v %s", ev, ev.Data)
			}
			if rc.tries[ev.ID] != 3 {
				t.Errorf("event %s taken on try %d, want 3 (two refused)", ev.ID, rc.tries[ev.ID])
			}
		}
		if wrong.badSig == 0 || len(wrong.got) != 0 {
			t.Errorf("a receiver with another secret accepted events")
		}
		// Nothing new: nothing sent again.
		n := rc.requests
		if err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		if rc.requests != n {
			t.Errorf("%d requests for nothing new", rc.requests-n)
		}
		// Fixed, and gone stale.
		rep.Inventories[0].Packages[0].Key.Version = "8.99.0"
		if _, err := st.Ingest(ctx, rep, db); err != nil {
			t.Fatal(err)
		}
		now = now.Add(2 * time.Hour)
		if err := w.RunOnce(ctx); err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, ev := range rc.events() {
			kinds[ev.Type]++
		}
		if kinds[webhook.FindingResolved] != res.NewFindings || kinds[webhook.HostStale] != 1 || kinds[webhook.FeedStale] != 1 {
			t.Errorf("events by type %v", kinds)
		}
		// Mail: one message per run, sections by type.
		data, err := os.ReadFile(mailOut)
		if err != nil {
			t.Fatal(err)
		}
		msgs := strings.Count(string(data), "\nSubject: ") + strings.Count(string(data[:min(len(data), 9)]), "Subject: ")
		if msgs != 2 || !strings.Contains(string(data), "web1: curl-8.5.0") || !strings.Contains(string(data), "vuln.xml: unchanged for 4 days") {
			t.Errorf("%d messages:\n%s", msgs, data)
		}
	})
}

// Alerts off: no outbox rows are written, nothing is sent.
func TestDisabled(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.SQLite(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	w := alerts.New(alerts.Config{Store: st})
	if w.Enabled() {
		t.Fatal("enabled without sinks")
	}
	if err := w.Start(ctx); err != nil {
		t.Fatal(err)
	}
	if err := w.RunOnce(ctx); err != nil {
		t.Fatal(err)
	}
	if ev, _ := st.Pending(ctx, "x", 0); len(ev) != 0 {
		t.Errorf("%d events recorded while off", len(ev))
	}
}

// Two workers on one PostgreSQL store: one delivers at a time.
func TestAlertsLock(t *testing.T) {
	ctx := context.Background()
	spec := storetest.Postgres(t)
	a, err := store.Open(ctx, spec, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	b, err := store.Open(ctx, spec, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	release, ok, err := a.TryAlertsLock(ctx)
	if err != nil || !ok {
		t.Fatalf("first lock: %v %v", ok, err)
	}
	if _, ok, err := b.TryAlertsLock(ctx); err != nil || ok {
		t.Fatalf("second process took the lock too: %v %v", ok, err)
	}
	release()
	release2, ok, err := b.TryAlertsLock(ctx)
	if err != nil || !ok {
		t.Fatalf("after release: %v %v", ok, err)
	}
	release2()
}

// A fetch that failed verification is one FeedUnverified issue per feed
// and failure, cleared by a good fetch; other failures are no such issue.
func TestFetchIssues(t *testing.T) {
	var f alerts.FetchIssues
	if got := f.Issues(); len(got) != 0 {
		t.Fatalf("new: %+v", got)
	}
	f.Failed("/var/db/pkg/vuln.xml", errors.New("connection refused"), false)
	f.Failed("/usr/pkg/pkgdb/pkg-vulnerabilities", errors.New("unable to verify signature: bad"), true)
	got := f.Issues()
	if len(got) != 1 || got[0].Kind != webhook.FeedUnverified || got[0].Feed != "/usr/pkg/pkgdb/pkg-vulnerabilities" || !strings.Contains(got[0].Detail, "failed verification") {
		t.Fatalf("after a bad signature: %+v", got)
	}
	state := got[0].State
	f.Failed("/usr/pkg/pkgdb/pkg-vulnerabilities", errors.New("unable to verify signature: bad"), true)
	if got := f.Issues(); got[0].State != state {
		t.Errorf("the same failure changed state: %q -> %q", state, got[0].State)
	}
	f.Failed("/usr/pkg/pkgdb/pkg-vulnerabilities", nil, false)
	if got := f.Issues(); len(got) != 0 {
		t.Errorf("after a good fetch: %+v", got)
	}
	var nilIssues *alerts.FetchIssues
	if nilIssues.Issues() != nil {
		t.Error("a nil FetchIssues has issues")
	}
}
