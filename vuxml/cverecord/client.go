package cverecord

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/internal/httpget"
)

// DefaultMaxSize caps a record's size: NVD answers for records with many
// CPEs run to a few megabytes.
const DefaultMaxSize = 16 << 20

// ErrOffline is returned by Fetch in offline mode.
var ErrOffline = errors.New("offline mode: not using the network (give a saved record with --cve-json FILE)")

// BaseURL is the provider's public service (what --provider-url replaces).
func BaseURL(p Provider) string {
	switch p {
	case NVD:
		return "https://services.nvd.nist.gov"
	case MITRE:
		return "https://cveawg.mitre.org"
	case EUVD:
		return "https://euvdservices.enisa.europa.eu"
	}
	return ""
}

// RequestURL is where the record of id is asked for under base, as the
// port's provider scripts ask: NVD /rest/json/cves/2.0?cveId=ID, CVE
// Services /api/cve/ID, EUVD /api/enisaid?id=ID.
func RequestURL(p Provider, base, id string) (string, error) {
	if base == "" {
		base = BaseURL(p)
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("provider URL %q: want an http or https URL", base)
	}
	root := strings.TrimSuffix(u.String(), "/")
	switch p {
	case NVD:
		return root + "/rest/json/cves/2.0?cveId=" + url.QueryEscape(id), nil
	case MITRE:
		return root + "/api/cve/" + url.PathEscape(id), nil
	case EUVD:
		return root + "/api/enisaid?id=" + url.QueryEscape(id), nil
	}
	return "", fmt.Errorf("unknown provider %q", p)
}

// Client fetches records. The zero value works: the public services, the
// timeouts of package fetch, DefaultMaxSize.
type Client struct {
	// BaseURL replaces the provider's public service (mirrors, tests).
	BaseURL string
	// Offline refuses every fetch.
	Offline bool
	// MaxSize caps the answer (0: DefaultMaxSize).
	MaxSize int64
	// Timeout, ConnectTimeout and IdleTimeout as package fetch's (0: its
	// defaults).
	Timeout, ConnectTimeout, IdleTimeout time.Duration
	// NVDAPIKey is sent to NVD as its apiKey header when set.
	NVDAPIKey string
	UserAgent string
	// Transport carries the requests (nil: one built from the timeouts).
	Transport http.RoundTripper
}

// Fetch asks provider p for the record of CVE id and parses it.
func (c *Client) Fetch(ctx context.Context, p Provider, id string) (*Record, error) {
	id, err := CheckID(id)
	if err != nil {
		return nil, err
	}
	u, err := RequestURL(p, c.BaseURL, id)
	if err != nil {
		return nil, err
	}
	if c.Offline {
		return nil, &Error{Provider: p, URL: u, ID: id, Msg: ErrOffline.Error()}
	}
	body, err := c.get(ctx, p, u, id)
	if err != nil {
		return nil, err
	}
	r, err := ParseAs(p, u, body, id)
	if err != nil {
		var e *Error
		if errors.As(err, &e) {
			e.URL, e.File = u, ""
		}
		return nil, err
	}
	return r, nil
}

func (c *Client) get(ctx context.Context, p Provider, u, id string) ([]byte, error) {
	max := c.MaxSize
	if max <= 0 {
		max = DefaultMaxSize
	}
	h := http.Header{}
	h.Set("Accept", "application/json")
	if c.UserAgent != "" {
		h.Set("User-Agent", c.UserAgent)
	}
	if p == NVD && c.NVDAPIKey != "" {
		h.Set("apiKey", c.NVDAPIKey)
	}
	resp, err := httpget.Get(ctx, httpget.Options{URL: u, MaxSize: max, Timeout: c.Timeout,
		ConnectTimeout: c.ConnectTimeout, IdleTimeout: c.IdleTimeout, Header: h, Transport: c.Transport})
	if err != nil {
		return nil, &Error{Provider: p, URL: u, ID: id, Msg: err.Error()}
	}
	if resp.Status == http.StatusOK {
		return resp.Body, nil
	}
	e := &Error{Provider: p, URL: u, ID: id, Status: resp.Status}
	msg := strings.TrimSpace(resp.Header.Get("message")) // NVD's error header
	if msg == "" {
		msg = serviceMessage(resp.Body)
	}
	if msg == "" && looksText(resp.Header.Get("Content-Type"), resp.Body) {
		msg = sanitize(oneLine(string(resp.Body)))
		if len(msg) > 200 {
			msg = msg[:200] + "…"
		}
	}
	if msg == "" && resp.Status == http.StatusNotFound {
		msg = "no such record"
	}
	if p == NVD && resp.Status == http.StatusForbidden && c.NVDAPIKey == "" {
		msg = strings.TrimPrefix(msg+"; ", "; ") + "NVD refuses clients over its rate limit this way: retry later, or set NVD_API_KEY"
	}
	e.Msg = "server said " + resp.StatusText
	if msg != "" {
		e.Msg += ": " + msg
	}
	if resp.Status == http.StatusTooManyRequests || resp.Status == http.StatusServiceUnavailable {
		e.RetryAfter = resp.Header.Get("Retry-After")
	}
	return nil, e
}

func looksText(ct string, body []byte) bool {
	return len(body) > 0 && (strings.HasPrefix(ct, "text/plain") || strings.Contains(ct, "json")) && !bytes.ContainsRune(body, 0)
}
