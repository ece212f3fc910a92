package cverecord

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// recordServer serves the recorded answers of the three providers at
// their real paths, and misbehaves for the CVE ids of the error cases.
func recordServer(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	records := map[string][]byte{
		"nvd CVE-2025-5025":   fixture(t, "nvd-CVE-2025-5025.json"),
		"nvd CVE-2025-4947":   fixture(t, "nvd-CVE-2025-4947.json"),
		"mitre CVE-2025-5025": fixture(t, "mitre-CVE-2025-5025.json"),
		"mitre CVE-2025-4947": fixture(t, "mitre-CVE-2025-4947.json"),
		"euvd CVE-2025-5025":  fixture(t, "euvd-CVE-2025-5025.json"),
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		var p, id string
		switch {
		case r.URL.Path == "/rest/json/cves/2.0":
			p, id = "nvd", r.URL.Query().Get("cveId")
		case strings.HasPrefix(r.URL.Path, "/api/cve/"):
			p, id = "mitre", strings.TrimPrefix(r.URL.Path, "/api/cve/")
		case r.URL.Path == "/api/enisaid":
			p, id = "euvd", r.URL.Query().Get("id")
		default:
			http.NotFound(w, r)
			return
		}
		if p == "nvd" && r.Header.Get("apiKey") != "" && r.Header.Get("apiKey") != "sekrit" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		switch id {
		case "CVE-2000-0404": // missing
			if p == "nvd" {
				w.Header().Set("message", "Invalid cveId parameter")
				w.WriteHeader(http.StatusNotFound)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write(fixture(t, "mitre-not-found.json"))
			return
		case "CVE-2000-0429": // rate limited
			w.Header().Set("Retry-After", "30")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		case "CVE-2000-0403": // NVD's rate limiting
			w.WriteHeader(http.StatusForbidden)
			return
		case "CVE-2000-0500":
			http.Error(w, "upstream database unavailable", http.StatusInternalServerError)
			return
		case "CVE-2000-0001": // truncated JSON, complete HTTP
			b := records[p+" CVE-2025-5025"]
			w.Write(b[:len(b)/2])
			return
		case "CVE-2000-0002": // the connection dies early
			b := records[p+" CVE-2025-5025"]
			w.Header().Set("Content-Length", strconv.Itoa(len(b)))
			w.Write(b[:len(b)/2])
			return
		case "CVE-2000-0003": // a record for another CVE
			w.Write(records[p+" CVE-2025-5025"])
			return
		case "CVE-2000-0004": // stalls
			time.Sleep(300 * time.Millisecond)
			w.Write(records[p+" CVE-2025-5025"])
			return
		case "CVE-2000-0005": // NVD: no such record, 200 with nothing
			w.Write(fixture(t, "nvd-empty.json"))
			return
		}
		b, ok := records[p+" "+id]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestFetch(t *testing.T) {
	srv, _ := recordServer(t)
	for _, p := range Providers {
		c := &Client{BaseURL: srv.URL + "/", NVDAPIKey: "sekrit"}
		r, err := c.Fetch(context.Background(), p, "cve-2025-5025")
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if r.ID != "CVE-2025-5025" || r.Provider != p || r.Published != "2025-05-28" || !strings.Contains(r.Description, "wolfSSL") {
			t.Errorf("%s: %+v", p, r)
		}
		if strings.Contains(r.URL, "127.0.0.1") {
			t.Errorf("%s: the record URL is the mirror's: %s", p, r.URL)
		}
	}
}

func TestFetchErrors(t *testing.T) {
	srv, hits := recordServer(t)
	for _, c := range []struct {
		p      Provider
		id     string
		status int
		msg    string
	}{
		{NVD, "CVE-2000-0404", 404, "server said 404 Not Found: Invalid cveId parameter"},
		{MITRE, "CVE-2000-0404", 404, "server said 404 Not Found: CVE_RECORD_DNE: The cve record for the cve id does not exist."},
		{EUVD, "CVE-2000-0404", 404, "server said 404 Not Found: CVE_RECORD_DNE"},
		{NVD, "CVE-2000-0429", 429, "server said 429 Too Many Requests (the server asks to retry after 30 seconds)"},
		{MITRE, "CVE-2000-0500", 500, "server said 500 Internal Server Error: upstream database unavailable"},
		{NVD, "CVE-2000-0001", 0, "truncated JSON"},
		{MITRE, "CVE-2000-0001", 0, "truncated JSON"},
		{EUVD, "CVE-2000-0001", 0, "truncated JSON"},
		{NVD, "CVE-2000-0002", 0, "truncated answer"},
		{NVD, "CVE-2000-0003", 0, "the answer is a record of CVE-2025-5025, not of CVE-2000-0003"},
		{MITRE, "CVE-2000-0003", 0, "the answer is the record of CVE-2025-5025, not of CVE-2000-0003"},
		{EUVD, "CVE-2000-0003", 0, "not of CVE-2000-0003"},
		{NVD, "CVE-2000-0005", 0, "NVD has no record of it"},
		{NVD, "CVE-2000-0403", 403, "server said 403 Forbidden: NVD refuses clients over its rate limit this way: retry later, or set NVD_API_KEY"},
	} {
		cl := &Client{BaseURL: srv.URL}
		_, err := cl.Fetch(context.Background(), c.p, c.id)
		if err == nil || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s %s: %v, want %q", c.p, c.id, err, c.msg)
			continue
		}
		if !strings.Contains(err.Error(), srv.URL) {
			t.Errorf("%s %s: %v does not say where", c.p, c.id, err)
		}
		var e *Error
		if errors.As(err, &e) && e.Status != c.status {
			t.Errorf("%s %s: status %d, want %d", c.p, c.id, e.Status, c.status)
		}
		if c.status == 429 && (e == nil || e.RetryAfter != "30") {
			t.Errorf("429: Retry-After not kept: %+v", e)
		}
	}
	// A stall, the size cap, offline mode, a bad base URL.
	cl := &Client{BaseURL: srv.URL, IdleTimeout: 50 * time.Millisecond}
	if _, err := cl.Fetch(context.Background(), NVD, "CVE-2000-0004"); err == nil || !strings.Contains(err.Error(), "no data received") {
		t.Errorf("stall: %v", err)
	}
	cl = &Client{BaseURL: srv.URL, MaxSize: 100}
	if _, err := cl.Fetch(context.Background(), NVD, "CVE-2025-5025"); err == nil || !strings.Contains(err.Error(), "limit") {
		t.Errorf("size cap: %v", err)
	}
	before := hits.Load()
	cl = &Client{BaseURL: srv.URL, Offline: true}
	if _, err := cl.Fetch(context.Background(), MITRE, "CVE-2025-5025"); err == nil || !strings.Contains(err.Error(), "offline") {
		t.Errorf("offline: %v", err)
	}
	if hits.Load() != before {
		t.Error("offline mode made a request")
	}
	for _, base := range []string{"ftp://x", "no scheme", "http://"} {
		cl = &Client{BaseURL: base}
		if _, err := cl.Fetch(context.Background(), NVD, "CVE-2025-5025"); err == nil {
			t.Errorf("base %q accepted", base)
		}
	}
	if _, err := (&Client{BaseURL: srv.URL}).Fetch(context.Background(), NVD, "CVE-xx"); err == nil {
		t.Error("bad id accepted")
	}
}

func TestRequestURL(t *testing.T) {
	for _, c := range []struct {
		p          Provider
		base, want string
	}{
		{NVD, "", "https://services.nvd.nist.gov/rest/json/cves/2.0?cveId=CVE-2025-5025"},
		{MITRE, "", "https://cveawg.mitre.org/api/cve/CVE-2025-5025"},
		{EUVD, "", "https://euvdservices.enisa.europa.eu/api/enisaid?id=CVE-2025-5025"},
		{NVD, "http://mirror.example/nvd/", "http://mirror.example/nvd/rest/json/cves/2.0?cveId=CVE-2025-5025"},
	} {
		if got, err := RequestURL(c.p, c.base, "CVE-2025-5025"); err != nil || got != c.want {
			t.Errorf("%s %q: %q, %v", c.p, c.base, got, err)
		}
	}
}
