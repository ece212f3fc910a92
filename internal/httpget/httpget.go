// Package httpget makes one capped GET request with the timeouts of
// package fetch, for the small documents pkgaudit reads from services (CVE
// records, security advisories). Unlike package fetch it stores nothing:
// the caller gets the body, and for an answer other than 200 OK the status,
// the headers and the start of the body, to tell what the service said.
package httpget

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/pkgaudit/pkgaudit/fetch"
)

// Options describe one request. Zero fields take package fetch's defaults.
type Options struct {
	URL string
	// MaxSize caps the body (required).
	MaxSize int64
	// Timeout (whole request), ConnectTimeout, IdleTimeout: as package fetch.
	Timeout, ConnectTimeout, IdleTimeout time.Duration
	Header                               http.Header
	// Transport carries the request (nil: one built from the timeouts).
	Transport http.RoundTripper
}

// Response is an answer that arrived whole.
type Response struct {
	Status     int
	StatusText string // "404 Not Found"
	Header     http.Header
	Body       []byte
}

// Get performs the request. A response with any status is returned when it
// arrived completely within the caps; err is for everything else (network,
// timeouts, size, truncation, redirects).
func Get(ctx context.Context, o Options) (*Response, error) {
	timeout, connect, idle := o.Timeout, o.ConnectTimeout, o.IdleTimeout
	if timeout <= 0 {
		timeout = fetch.DefaultTimeout
	}
	if connect <= 0 {
		connect = fetch.DefaultConnectTimeout
	}
	if idle <= 0 {
		idle = fetch.DefaultIdleTimeout
	}
	if o.MaxSize <= 0 {
		return nil, errors.New("httpget: no size limit")
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, fmt.Errorf("not complete after %v", timeout))
	defer cancel()
	ctx, cancelIdle := context.WithCancelCause(ctx)
	defer cancelIdle(nil)
	stall := time.AfterFunc(idle, func() { cancelIdle(fmt.Errorf("no data received for %v", idle)) })
	defer stall.Stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, o.URL, nil)
	if err != nil {
		return nil, fmt.Errorf("bad URL: %v", err)
	}
	for k, v := range o.Header {
		req.Header[k] = v
	}
	if req.Header.Get("User-Agent") == "" {
		req.Header.Set("User-Agent", "pkgaudit")
	}
	tr := o.Transport
	if tr == nil {
		t := fetch.NewTransport(connect, true)
		defer t.CloseIdleConnections()
		tr = t
	}
	client := &http.Client{Transport: tr, CheckRedirect: func(r *http.Request, via []*http.Request) error {
		if len(via) > fetch.DefaultMaxRedirects {
			return fmt.Errorf("stopped after %d redirects", fetch.DefaultMaxRedirects)
		}
		if via[0].URL.Scheme == "https" && r.URL.Scheme != "https" {
			return fmt.Errorf("refused redirect from https to %s", r.URL.Redacted())
		}
		return nil
	}}
	cause := func(err error) error {
		if c := context.Cause(ctx); c != nil && ctx.Err() != nil {
			return c
		}
		var ue *url.Error
		if errors.As(err, &ue) {
			return ue.Err
		}
		return err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, cause(err)
	}
	defer resp.Body.Close()
	stall.Reset(idle)
	if resp.ContentLength > o.MaxSize {
		return nil, fmt.Errorf("the server announces %d bytes, more than the %d-byte limit", resp.ContentLength, o.MaxSize)
	}
	body, rerr := io.ReadAll(io.LimitReader(&idleBody{resp.Body, stall, idle}, o.MaxSize+1))
	if int64(len(body)) > o.MaxSize {
		return nil, fmt.Errorf("the answer exceeds the %d-byte limit", o.MaxSize)
	}
	if rerr != nil {
		return nil, fmt.Errorf("truncated answer: reading it failed after %d bytes: %v", len(body), cause(rerr))
	}
	if resp.ContentLength >= 0 && int64(len(body)) != resp.ContentLength {
		return nil, fmt.Errorf("truncated answer: received %d bytes, the server announced %d", len(body), resp.ContentLength)
	}
	return &Response{Status: resp.StatusCode, StatusText: resp.Status, Header: resp.Header, Body: body}, nil
}

// idleBody pushes the stall deadline back on every byte received.
type idleBody struct {
	r io.Reader
	t *time.Timer
	d time.Duration
}

func (b *idleBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if n > 0 {
		b.t.Reset(b.d)
	}
	return n, err
}
