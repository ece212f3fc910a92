package session

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

func manager(now *time.Time) *Manager {
	return &Manager{Key: []byte(strings.Repeat("k", 32)), TTL: time.Hour, Now: func() time.Time { return *now }}
}

func cookieOf(t *testing.T, w *httptest.ResponseRecorder) *http.Cookie {
	t.Helper()
	for _, c := range w.Result().Cookies() {
		if c.Name == CookieName {
			return c
		}
	}
	t.Fatal("no session cookie set")
	return nil
}

func TestIssueRead(t *testing.T) {
	now := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)
	m := manager(&now)
	w := httptest.NewRecorder()
	if _, err := m.Issue(w, "tok-1", "viewer"); err != nil {
		t.Fatal(err)
	}
	c := cookieOf(t, w)
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure {
		t.Errorf("cookie flags: %+v", c)
	}
	r := httptest.NewRequest("GET", "/", nil)
	r.AddCookie(c)
	s, err := m.Read(r)
	if err != nil || s.TokenID != "tok-1" || s.Role != "viewer" {
		t.Fatalf("Read: %+v %v", s, err)
	}
	if strings.Contains(c.Value, "secret") {
		t.Error("cookie holds a secret")
	}
	// Expiry.
	now = now.Add(time.Hour)
	if _, err := m.Read(r); err != ErrExpired {
		t.Errorf("after the TTL: %v, want ErrExpired", err)
	}
	// Secure under TLS.
	m.Secure = true
	w = httptest.NewRecorder()
	m.Issue(w, "tok-1", "admin")
	if !cookieOf(t, w).Secure {
		t.Error("Secure not set")
	}
}

func TestTampered(t *testing.T) {
	now := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)
	m := manager(&now)
	w := httptest.NewRecorder()
	m.Issue(w, "tok-1", "viewer")
	c := cookieOf(t, w)
	p, sig, _ := strings.Cut(c.Value, ".")
	other := &Manager{Key: []byte(strings.Repeat("x", 32)), Now: m.Now}
	w2 := httptest.NewRecorder()
	other.Issue(w2, "tok-1", "admin")
	p2, sig2, _ := strings.Cut(cookieOf(t, w2).Value, ".")
	for name, v := range map[string]string{
		"empty": "", "no dot": p, "payload swapped": p2 + "." + sig, "other key": p2 + "." + sig2,
		"bad base64": "!!!." + sig, "long": strings.Repeat("a", 5000) + "." + sig,
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.AddCookie(&http.Cookie{Name: CookieName, Value: v})
		if _, err := m.Read(r); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := m.Read(httptest.NewRequest("GET", "/", nil)); err != ErrNoSession {
		t.Errorf("no cookie: %v", err)
	}
	if _, err := (&Manager{Key: []byte("short")}).Issue(httptest.NewRecorder(), "t", "viewer"); err == nil {
		t.Error("short key accepted")
	}
}

func TestCSRF(t *testing.T) {
	now := time.Date(2026, 12, 8, 1, 0, 0, 0, time.UTC)
	m := manager(&now)
	w := httptest.NewRecorder()
	s, _ := m.Issue(w, "tok-1", "admin")
	tok := m.CSRFToken(s)
	post := func(form url.Values, hdr map[string]string) *http.Request {
		r := httptest.NewRequest("POST", "http://fleet.example/exceptions", strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		for k, v := range hdr {
			r.Header.Set(k, v)
		}
		return r
	}
	if !m.CheckCSRF(post(url.Values{CSRFField: {tok}}, nil), s) {
		t.Error("the right token was refused")
	}
	if !m.CheckCSRF(post(url.Values{CSRFField: {tok}}, map[string]string{"Origin": "http://fleet.example", "Sec-Fetch-Site": "same-origin"}), s) {
		t.Error("same origin refused")
	}
	for name, r := range map[string]*http.Request{
		"missing":      post(url.Values{}, nil),
		"wrong":        post(url.Values{CSRFField: {"x" + tok}}, nil),
		"cross origin": post(url.Values{CSRFField: {tok}}, map[string]string{"Origin": "http://evil.example"}),
		"cross site":   post(url.Values{CSRFField: {tok}}, map[string]string{"Sec-Fetch-Site": "cross-site"}),
	} {
		if m.CheckCSRF(r, s) {
			t.Errorf("%s: accepted", name)
		}
	}
	other := s
	other.TokenID = "tok-2"
	if m.CSRFToken(other) == tok {
		t.Error("two sessions share a CSRF token")
	}
}
