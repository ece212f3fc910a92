package httpget

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestGet(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/ok":
			w.Header().Set("X-Seen-UA", r.Header.Get("User-Agent"))
			w.Write([]byte("hello"))
		case "/big": // chunked: no length announced
			w.Write([]byte(strings.Repeat("x", 600)))
			w.(http.Flusher).Flush()
			w.Write([]byte(strings.Repeat("x", 600)))
		case "/announced":
			w.Header().Set("Content-Length", "5000")
			w.Write([]byte("x"))
		case "/short":
			w.Header().Set("Content-Length", "100")
			w.Write([]byte("only this"))
		case "/loop":
			http.Redirect(w, r, "/loop", http.StatusFound)
		case "/stall":
			w.WriteHeader(http.StatusOK)
			w.(http.Flusher).Flush()
			time.Sleep(300 * time.Millisecond)
		case "/teapot":
			w.WriteHeader(http.StatusTeapot)
			w.Write([]byte("short and stout"))
		}
	}))
	defer srv.Close()
	get := func(path string, o Options) (*Response, error) {
		o.URL = srv.URL + path
		if o.MaxSize == 0 {
			o.MaxSize = 1000
		}
		return Get(context.Background(), o)
	}
	r, err := get("/ok", Options{})
	if err != nil || string(r.Body) != "hello" || r.Status != 200 || r.Header.Get("X-Seen-UA") != "pkgaudit" {
		t.Errorf("ok: %+v %v", r, err)
	}
	r, err = get("/teapot", Options{})
	if err != nil || r.Status != http.StatusTeapot || r.StatusText != "418 I'm a teapot" || string(r.Body) != "short and stout" {
		t.Errorf("teapot: %+v %v", r, err)
	}
	for path, msg := range map[string]string{
		"/big":       "exceeds the 1000-byte limit",
		"/announced": "announces 5000 bytes",
		"/short":     "truncated answer",
		"/loop":      "stopped after 5 redirects",
		"/stall":     "no data received for 50ms",
	} {
		_, err := get(path, Options{IdleTimeout: 50 * time.Millisecond})
		if err == nil || !strings.Contains(err.Error(), msg) {
			t.Errorf("%s: %v, want %q", path, err, msg)
		}
	}
	if _, err := get("/ok", Options{MaxSize: -1}); err == nil {
		t.Error("no size limit accepted")
	}
	if _, err := get("/stall", Options{Timeout: 50 * time.Millisecond}); err == nil || !strings.Contains(err.Error(), "not complete after 50ms") {
		t.Errorf("timeout: %v", err)
	}
}
