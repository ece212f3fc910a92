// Package webhook delivers the fleet server's events to HTTP receivers:
// a JSON body signed with HMAC-SHA256 (header X-Pkgaudit-Signature:
// sha256=HEX), an idempotency key per event (X-Pkgaudit-Delivery, the
// event's ID, the same on every retry), and retries with exponential
// backoff and full jitter on network errors, 408, 425, 429 (honouring
// Retry-After) and 5xx answers. Any other answer below 200 or from 300
// on is final.
//
// Delivery is at least once when the caller keeps an event until Send
// returns nil (the fleet store's outbox does): a receiver may see an
// event twice and tells repeats by the delivery header.
package webhook

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Headers of a delivery.
const (
	SignatureHeader = "X-Pkgaudit-Signature"
	EventHeader     = "X-Pkgaudit-Event"
	DeliveryHeader  = "X-Pkgaudit-Delivery"
)

// Event types.
const (
	FindingNew      = "finding.new"
	FindingResolved = "finding.resolved"
	HostStale       = "host.stale"
	FeedStale       = "feed.stale"
	FeedUnverified  = "feed.unverified"
)

// Event is one delivery's body.
type Event struct {
	// ID identifies the event; receivers use it to drop repeats.
	ID   string          `json:"id"`
	Type string          `json:"type"`
	Time time.Time       `json:"time"`
	Data json.RawMessage `json:"data,omitempty"`
}

// Sign returns the signature header's value for body: "sha256=" and the
// hex HMAC-SHA256 of body keyed with secret.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header is body's signature with secret, in
// constant time.
func Verify(secret, body []byte, header string) bool {
	got, ok := strings.CutPrefix(header, "sha256=")
	if !ok {
		return false
	}
	sum, err := hex.DecodeString(got)
	if err != nil {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(sum, m.Sum(nil))
}

// Sender posts events to one URL.
type Sender struct {
	URL    string
	Secret []byte
	// Client defaults to a client with a 30 s timeout that does not follow
	// redirects (a redirect is a final answer: the body is signed for
	// this receiver).
	Client *http.Client
	// MaxAttempts is the number of tries of one event (default 6).
	MaxAttempts int
	// BaseDelay is the first retry's upper bound (default 1 s); each
	// retry doubles it up to MaxDelay (default 5 min). The wait is drawn
	// uniformly below the bound (full jitter); a Retry-After answer
	// waits what it asks, capped at MaxDelay.
	BaseDelay, MaxDelay time.Duration
	// Sleep waits; tests replace it. Default: a timer that stops with ctx.
	Sleep func(ctx context.Context, d time.Duration) error
	// UserAgent is sent with each request (default "pkgaudit-webhook").
	UserAgent string
}

// PermanentError is an answer that retrying will not change.
type PermanentError struct {
	Status int
	Body   string
}

func (e *PermanentError) Error() string {
	return fmt.Sprintf("webhook answered %d: %s", e.Status, e.Body)
}

// Send delivers ev, retrying as the package doc says. It returns nil once
// the receiver answered 2xx, a *PermanentError for a final refusal, or
// the last error when the attempts ran out or ctx ended.
func (s *Sender) Send(ctx context.Context, ev Event) error {
	body, err := json.Marshal(ev)
	if err != nil {
		return err
	}
	attempts := s.MaxAttempts
	if attempts <= 0 {
		attempts = 6
	}
	base, maxDelay := s.BaseDelay, s.MaxDelay
	if base <= 0 {
		base = time.Second
	}
	if maxDelay <= 0 {
		maxDelay = 5 * time.Minute
	}
	var last error
	for try := 0; try < attempts; try++ {
		wait, err := s.post(ctx, ev, body)
		if err == nil {
			return nil
		}
		last = err
		var perm *PermanentError
		if errors.As(err, &perm) || try == attempts-1 {
			break
		}
		bound := min(base<<try, maxDelay)
		d := time.Duration(rand.Int64N(int64(bound) + 1))
		if wait > 0 {
			d = min(wait, maxDelay)
		}
		if err := s.sleep(ctx, d); err != nil {
			return fmt.Errorf("%w (last attempt: %v)", err, last)
		}
	}
	return last
}

func (s *Sender) sleep(ctx context.Context, d time.Duration) error {
	if s.Sleep != nil {
		return s.Sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

var defaultClient = &http.Client{
	Timeout:       30 * time.Second,
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// post makes one attempt. retryAfter is the wait a 429 or 503 asked for.
func (s *Sender) post(ctx context.Context, ev Event, body []byte) (retryAfter time.Duration, err error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL, bytes.NewReader(body))
	if err != nil {
		return 0, &PermanentError{Body: err.Error()}
	}
	ua := s.UserAgent
	if ua == "" {
		ua = "pkgaudit-webhook"
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", ua)
	req.Header.Set(SignatureHeader, Sign(s.Secret, body))
	req.Header.Set(EventHeader, ev.Type)
	req.Header.Set(DeliveryHeader, ev.ID)
	client := s.Client
	if client == nil {
		client = defaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	switch code := resp.StatusCode; {
	case code >= 200 && code < 300:
		return 0, nil
	case code == http.StatusRequestTimeout, code == http.StatusTooEarly, code == http.StatusTooManyRequests, code >= 500:
		return parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()), fmt.Errorf("webhook answered %d: %s", code, strings.TrimSpace(string(snippet)))
	default:
		return 0, &PermanentError{Status: code, Body: strings.TrimSpace(string(snippet))}
	}
}

// parseRetryAfter reads seconds or an HTTP date; 0 when absent or bad.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
