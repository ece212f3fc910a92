// Package session keeps the dashboard's logins in a signed cookie: a
// person exchanges a viewer or admin token for a session once, and the
// cookie names that token (by its ID, never the secret), the role and an
// expiry, signed with HMAC-SHA256 under a key the servers share (so any
// server process of a fleet accepts it). The caller still checks on each
// request that the token named is not revoked. Forms carry a CSRF token
// derived from the session, and unsafe requests must also come from the
// same origin.
package session

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// CookieName is the login cookie.
const CookieName = "pkgaudit_session"

// CSRFField is the form field (and X-CSRF-Token header) of the CSRF token.
const CSRFField = "csrf"

// Session is what a login cookie holds.
type Session struct {
	TokenID string    `json:"t"`
	Role    string    `json:"r"`
	Expires time.Time `json:"e"`
}

// Manager issues and reads login cookies.
type Manager struct {
	// Key signs the cookies (at least 32 bytes).
	Key []byte
	// TTL is how long a login lasts (default 12 h).
	TTL time.Duration
	// Secure marks cookies Secure (set it under TLS).
	Secure bool
	// Now is the clock; tests replace it.
	Now func() time.Time
}

var (
	ErrNoSession = errors.New("not logged in")
	ErrBad       = errors.New("login cookie is not valid")
	ErrExpired   = errors.New("login expired")
)

func (m *Manager) now() time.Time {
	if m.Now != nil {
		return m.Now()
	}
	return time.Now()
}

func (m *Manager) mac(parts ...string) []byte {
	h := hmac.New(sha256.New, m.Key)
	for _, p := range parts {
		h.Write([]byte(p))
		h.Write([]byte{0})
	}
	return h.Sum(nil)
}

// Issue sets the login cookie for tokenID with role and returns the
// session.
func (m *Manager) Issue(w http.ResponseWriter, tokenID, role string) (Session, error) {
	if len(m.Key) < 32 {
		return Session{}, errors.New("session key shorter than 32 bytes")
	}
	ttl := m.TTL
	if ttl <= 0 {
		ttl = 12 * time.Hour
	}
	s := Session{TokenID: tokenID, Role: role, Expires: m.now().Add(ttl).UTC().Truncate(time.Second)}
	payload, _ := json.Marshal(s)
	p := base64.RawURLEncoding.EncodeToString(payload)
	sig := base64.RawURLEncoding.EncodeToString(m.mac("cookie", p))
	http.SetCookie(w, &http.Cookie{
		Name: CookieName, Value: p + "." + sig, Path: "/", Expires: s.Expires,
		HttpOnly: true, Secure: m.Secure, SameSite: http.SameSiteStrictMode,
	})
	return s, nil
}

// Clear removes the login cookie (logout).
func (m *Manager) Clear(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: CookieName, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: m.Secure, SameSite: http.SameSiteStrictMode})
}

// Read returns the session of the request's login cookie.
func (m *Manager) Read(r *http.Request) (Session, error) {
	c, err := r.Cookie(CookieName)
	if err != nil || c.Value == "" {
		return Session{}, ErrNoSession
	}
	p, sig, ok := strings.Cut(c.Value, ".")
	if !ok || len(c.Value) > 4096 {
		return Session{}, ErrBad
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, m.mac("cookie", p)) {
		return Session{}, ErrBad
	}
	payload, err := base64.RawURLEncoding.DecodeString(p)
	if err != nil {
		return Session{}, ErrBad
	}
	var s Session
	if err := json.Unmarshal(payload, &s); err != nil || s.TokenID == "" {
		return Session{}, ErrBad
	}
	if !m.now().Before(s.Expires) {
		return Session{}, ErrExpired
	}
	return s, nil
}

// CSRFToken is the token the forms of session s carry.
func (m *Manager) CSRFToken(s Session) string {
	return base64.RawURLEncoding.EncodeToString(m.mac("csrf", s.TokenID, s.Expires.Format(time.RFC3339)))
}

// CheckCSRF reports whether an unsafe request of session s carries the
// session's CSRF token (form field or X-CSRF-Token header) and, when the
// browser says where it comes from, comes from the same origin.
func (m *Manager) CheckCSRF(r *http.Request, s Session) bool {
	if site := r.Header.Get("Sec-Fetch-Site"); site != "" && site != "same-origin" {
		return false
	}
	if o := r.Header.Get("Origin"); o != "" && o != "null" {
		u, err := url.Parse(o)
		if err != nil || u.Host != r.Host {
			return false
		}
	}
	got := r.Header.Get("X-CSRF-Token")
	if got == "" {
		got = r.PostFormValue(CSRFField)
	}
	return got != "" && hmac.Equal([]byte(got), []byte(m.CSRFToken(s)))
}
