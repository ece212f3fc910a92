// Package agent is the fleet's client: it sends a host's report to the
// server (gzip'ed JSON, retried with exponential backoff and jitter) and
// gathers what a report says about the host (its facts and its jails,
// found through jls(8)).
package agent

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet/wire"
)

// Client sends reports to one server.
type Client struct {
	// Server is the server's base URL (http://host:port).
	Server string
	Token  string
	// HTTP is the client used (default: one with a 60 s timeout).
	HTTP *http.Client
	// Attempts is how many times a report is tried (default 5); Backoff
	// the first wait (default 1 s), doubled each time up to MaxBackoff
	// (default 60 s), each wait drawn at random up to that bound (full
	// jitter). A Retry-After header lengthens a wait.
	Attempts            int
	Backoff, MaxBackoff time.Duration
	// Sleep waits (tests replace it); it returns early with ctx's error.
	Sleep func(ctx context.Context, d time.Duration) error
}

// StatusError is a report the server refused for good (4xx but 429).
type StatusError struct {
	Status int
	Msg    string
}

func (e *StatusError) Error() string { return fmt.Sprintf("server answered %d: %s", e.Status, e.Msg) }

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Send posts r and returns the server's verdict. Network errors, 5xx and
// 429 answers are retried; other refusals are returned at once as a
// *StatusError.
func (c *Client) Send(ctx context.Context, r *wire.Report) (*wire.Verdict, error) {
	var body bytes.Buffer
	if err := wire.Encode(&body, r); err != nil {
		return nil, err
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 60 * time.Second}
	}
	attempts, backoff, maxBackoff := c.Attempts, c.Backoff, c.MaxBackoff
	if attempts <= 0 {
		attempts = 5
	}
	if backoff <= 0 {
		backoff = time.Second
	}
	if maxBackoff <= 0 {
		maxBackoff = time.Minute
	}
	sl := c.Sleep
	if sl == nil {
		sl = sleep
	}
	url := strings.TrimSuffix(c.Server, "/") + "/api/v1/reports"
	var last error
	for attempt := range attempts {
		if attempt > 0 {
			bound := min(maxBackoff, backoff<<(attempt-1))
			wait := time.Duration(rand.Int64N(int64(bound) + 1))
			var se *retryAfterError
			if errors.As(last, &se) && se.after > wait {
				wait = min(se.after, maxBackoff)
			}
			if err := sl(ctx, wait); err != nil {
				return nil, fmt.Errorf("%w (after %v)", err, last)
			}
		}
		v, err := c.post(ctx, hc, url, body.Bytes())
		if err == nil {
			return v, nil
		}
		var fatal *StatusError
		if errors.As(err, &fatal) || ctx.Err() != nil {
			return nil, err
		}
		last = err
	}
	return nil, fmt.Errorf("giving up after %d attempts: %w", attempts, last)
}

// retryAfterError is a retryable answer.
type retryAfterError struct {
	status int
	msg    string
	after  time.Duration
}

func (e *retryAfterError) Error() string {
	return fmt.Sprintf("server answered %d: %s", e.status, e.msg)
}

func (c *Client) post(ctx context.Context, hc *http.Client, url string, body []byte) (*wire.Verdict, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := hc.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error string `json:"error"`
		}
		msg := strings.TrimSpace(string(data))
		if json.Unmarshal(data, &e) == nil && e.Error != "" {
			msg = e.Error
		}
		if len(msg) > 300 {
			msg = msg[:300]
		}
		if resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode >= 500 {
			after := time.Duration(0)
			if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s > 0 {
				after = time.Duration(s) * time.Second
			}
			return nil, &retryAfterError{resp.StatusCode, msg, after}
		}
		return nil, &StatusError{resp.StatusCode, msg}
	}
	var v wire.Verdict
	if err := json.Unmarshal(data, &v); err != nil {
		return nil, fmt.Errorf("reading the server's answer: %w", err)
	}
	return &v, nil
}

// Jail is a running jail.
type Jail struct {
	Name, Path string
}

// ParseJls reads the output of jls name path: one jail a line, name and
// root path separated by one space.
func ParseJls(r io.Reader) ([]Jail, error) {
	var out []Jail
	sc := bufio.NewScanner(r)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if line == "" {
			continue
		}
		name, path, ok := strings.Cut(line, " ")
		if !ok || name == "" || !strings.HasPrefix(path, "/") {
			return nil, fmt.Errorf("jls:%d: %q is not \"NAME PATH\"", n, line)
		}
		out = append(out, Jail{Name: name, Path: path})
	}
	return out, sc.Err()
}

// Jails lists the running jails with jls(8).
func Jails(ctx context.Context) ([]Jail, error) {
	cmd := exec.CommandContext(ctx, "jls", "name", "path")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("jls: %v %s", err, strings.TrimSpace(stderr.String()))
	}
	return ParseJls(bytes.NewReader(out))
}
