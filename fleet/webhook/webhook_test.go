package webhook

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// receiver records what a test server got and answers with the codes
// given, one per request (the last repeats).
type receiver struct {
	mu      sync.Mutex
	codes   []int
	headers []http.Header
	bodies  [][]byte
	after   string
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	r.mu.Lock()
	n := len(r.bodies)
	r.headers = append(r.headers, req.Header.Clone())
	r.bodies = append(r.bodies, body)
	code := r.codes[min(n, len(r.codes)-1)]
	r.mu.Unlock()
	if code == http.StatusTooManyRequests && r.after != "" {
		w.Header().Set("Retry-After", r.after)
	}
	w.WriteHeader(code)
	io.WriteString(w, http.StatusText(code))
}

func noSleep(waits *[]time.Duration) func(context.Context, time.Duration) error {
	return func(ctx context.Context, d time.Duration) error {
		*waits = append(*waits, d)
		return ctx.Err()
	}
}

func testEvent() Event {
	return Event{ID: "ev-1", Type: FindingNew, Time: time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC),
		Data: json.RawMessage(`{"host":"web1","package":"curl-8.5.0","advisory":"533b4470-3f25-11f0-b440-f02f7432cf97"}`)}
}

func TestSignedAndRetried(t *testing.T) {
	rec := &receiver{codes: []int{500, 503, 200}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	var waits []time.Duration
	s := &Sender{URL: srv.URL, Secret: []byte("s3cret"), Sleep: noSleep(&waits), BaseDelay: time.Second, MaxDelay: 4 * time.Second}
	if err := s.Send(context.Background(), testEvent()); err != nil {
		t.Fatal(err)
	}
	if len(rec.bodies) != 3 {
		t.Fatalf("%d attempts, want 3", len(rec.bodies))
	}
	for i, h := range rec.headers {
		if !Verify([]byte("s3cret"), rec.bodies[i], h.Get(SignatureHeader)) {
			t.Errorf("attempt %d: signature %q does not verify", i, h.Get(SignatureHeader))
		}
		if Verify([]byte("other"), rec.bodies[i], h.Get(SignatureHeader)) {
			t.Errorf("attempt %d: verifies with the wrong secret", i)
		}
		if h.Get(DeliveryHeader) != "ev-1" || h.Get(EventHeader) != FindingNew {
			t.Errorf("attempt %d: delivery %q event %q", i, h.Get(DeliveryHeader), h.Get(EventHeader))
		}
		if string(rec.bodies[i]) != string(rec.bodies[0]) {
			t.Errorf("attempt %d: body changed between retries", i)
		}
	}
	var got Event
	if err := json.Unmarshal(rec.bodies[0], &got); err != nil || got.ID != "ev-1" || got.Type != FindingNew {
		t.Errorf("body %s: %v", rec.bodies[0], err)
	}
	if len(waits) != 2 || waits[0] > time.Second || waits[1] > 2*time.Second {
		t.Errorf("waits %v, want two within 1 s and 2 s", waits)
	}
}

func TestRetryAfter(t *testing.T) {
	rec := &receiver{codes: []int{429, 204}, after: "3"}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	var waits []time.Duration
	s := &Sender{URL: srv.URL, Secret: []byte("k"), Sleep: noSleep(&waits)}
	if err := s.Send(context.Background(), testEvent()); err != nil {
		t.Fatal(err)
	}
	if len(waits) != 1 || waits[0] != 3*time.Second {
		t.Errorf("waits %v, want [3s]", waits)
	}
}

func TestPermanentAndExhausted(t *testing.T) {
	rec := &receiver{codes: []int{400}}
	srv := httptest.NewServer(rec)
	defer srv.Close()
	var waits []time.Duration
	s := &Sender{URL: srv.URL, Secret: []byte("k"), Sleep: noSleep(&waits)}
	err := s.Send(context.Background(), testEvent())
	var perm *PermanentError
	if !errors.As(err, &perm) || perm.Status != 400 || len(rec.bodies) != 1 {
		t.Errorf("400: err %v after %d attempts, want one PermanentError", err, len(rec.bodies))
	}

	rec2 := &receiver{codes: []int{502}}
	srv2 := httptest.NewServer(rec2)
	defer srv2.Close()
	s2 := &Sender{URL: srv2.URL, Secret: []byte("k"), Sleep: noSleep(&waits), MaxAttempts: 4}
	if err := s2.Send(context.Background(), testEvent()); err == nil || len(rec2.bodies) != 4 {
		t.Errorf("502 forever: err %v after %d attempts, want an error after 4", err, len(rec2.bodies))
	}
}

// A redirect is final: the signed body is not replayed to another host.
func TestRedirectNotFollowed(t *testing.T) {
	other := &receiver{codes: []int{200}}
	osrv := httptest.NewServer(other)
	defer osrv.Close()
	srv := httptest.NewServer(http.RedirectHandler(osrv.URL, http.StatusTemporaryRedirect))
	defer srv.Close()
	s := &Sender{URL: srv.URL, Secret: []byte("k"), Sleep: noSleep(new([]time.Duration))}
	if err := s.Send(context.Background(), testEvent()); err == nil {
		t.Error("a redirect was taken as delivered")
	}
	if len(other.bodies) != 0 {
		t.Error("the redirect was followed")
	}
}

// An unreachable receiver and a cancelled context end the retries.
func TestContextEnds(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	s := &Sender{URL: url, Secret: []byte("k"), Sleep: func(context.Context, time.Duration) error { cancel(); return context.Canceled }}
	if err := s.Send(ctx, testEvent()); !errors.Is(err, context.Canceled) {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 12, 8, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0}, {"0", 0}, {"120", 2 * time.Minute}, {"-1", 0}, {"soon", 0},
		{"Tue, 08 Dec 2026 00:00:30 GMT", 30 * time.Second},
		{"Mon, 07 Dec 2026 00:00:30 GMT", 0},
	} {
		if got := parseRetryAfter(c.in, now); got != c.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", c.in, got, c.want)
		}
	}
}

func TestVerifyMalformed(t *testing.T) {
	for _, h := range []string{"", "sha256=", "sha256=zz", "md5=00", Sign([]byte("k"), []byte("x"))} {
		if Verify([]byte("k"), []byte("body"), h) {
			t.Errorf("Verify accepted %q", h)
		}
	}
}
