package agent_test

import (
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet/agent"
	"github.com/pkgaudit/pkgaudit/fleet/wire"
)

func TestSendRetriesWithBackoff(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer tok" || r.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("headers %v", r.Header)
		}
		switch n {
		case 1:
			http.Error(w, `{"error":"busy"}`, 503)
		case 2:
			w.Header().Set("Retry-After", "7")
			http.Error(w, `{"error":"slow down"}`, 429)
		case 3:
			// Hang up mid-answer: a network error.
			hj, _ := w.(http.Hijacker)
			c, _, _ := hj.Hijack()
			c.Close()
		default:
			zr, err := gzip.NewReader(r.Body)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := wire.Decode(zrReader{zr}, "", wire.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			json.NewEncoder(w).Encode(wire.Verdict{Host: rep.Host.Name, Accepted: true, VulnerablePackages: 2})
		}
	}))
	defer ts.Close()
	var waits []time.Duration
	c := &agent.Client{Server: ts.URL + "/", Token: "tok", Backoff: time.Second, MaxBackoff: 10 * time.Second,
		Sleep: func(_ context.Context, d time.Duration) error { waits = append(waits, d); return nil }}
	v, err := c.Send(context.Background(), &wire.Report{Version: 1, Host: wire.Host{Name: "h"}, Inventories: []wire.Inventory{}})
	if err != nil {
		t.Fatal(err)
	}
	if v.Host != "h" || v.VulnerablePackages != 2 || calls.Load() != 4 {
		t.Errorf("verdict %+v after %d calls", v, calls.Load())
	}
	// Full jitter: wait k at most Backoff<<k; the 429's Retry-After
	// lengthens the second.
	if len(waits) != 3 || waits[0] > time.Second || waits[1] != 7*time.Second || waits[2] > 4*time.Second {
		t.Errorf("waits %v", waits)
	}
}

type zrReader struct{ *gzip.Reader }

func TestSendDoesNotRetryRefusals(t *testing.T) {
	var calls atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.WriteHeader(403)
		w.Write([]byte(`{"error":"this token reports for another host"}`))
	}))
	defer ts.Close()
	c := &agent.Client{Server: ts.URL, Token: "tok", Sleep: func(context.Context, time.Duration) error { return nil }}
	_, err := c.Send(context.Background(), &wire.Report{Version: 1})
	var se *agent.StatusError
	if !errors.As(err, &se) || se.Status != 403 || !strings.Contains(se.Msg, "another host") || calls.Load() != 1 {
		t.Errorf("err %v after %d calls", err, calls.Load())
	}
}

func TestSendGivesUp(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) }))
	defer ts.Close()
	n := 0
	c := &agent.Client{Server: ts.URL, Token: "tok", Attempts: 3, Sleep: func(context.Context, time.Duration) error { n++; return nil }}
	if _, err := c.Send(context.Background(), &wire.Report{Version: 1}); err == nil || !strings.Contains(err.Error(), "3 attempts") || n != 2 {
		t.Errorf("err %v, %d waits", err, n)
	}
}

func TestParseJls(t *testing.T) {
	js, err := agent.ParseJls(strings.NewReader("www /jails/www\ndb /usr/jails/db 2\n\n"))
	if err != nil || len(js) != 2 || js[0] != (agent.Jail{Name: "www", Path: "/jails/www"}) || js[1].Path != "/usr/jails/db 2" {
		t.Errorf("%+v %v", js, err)
	}
	if _, err := agent.ParseJls(strings.NewReader("garbage\n")); err == nil || !strings.Contains(err.Error(), "jls:1:") {
		t.Errorf("garbage: %v", err)
	}
}
