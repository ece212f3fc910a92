// Package dashboard is the fleet server's web interface, served at "/":
// pages rendered on the server with html/template (readable without
// JavaScript, usable 390 px wide, in the advisory site's look) for the
// overview, hosts, advisories, packages and exceptions. A person logs in by
// exchanging a viewer or admin token for a signed login cookie
// (fleet/session); scripts send "Authorization: Bearer TOKEN" instead.
// Every form carries a CSRF token. The handler also serves /metrics to
// viewers and admins and passes /api/ to the API server.
package dashboard

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/session"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/site"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/dash.css
var dashCSS []byte

// Config configures a Dashboard.
type Config struct {
	Store *store.Store
	// API serves /api/ (the fleet/server Server); nil answers 404 there.
	API http.Handler
	// Sessions issues and reads login cookies.
	Sessions *session.Manager
	// DB returns the databases in use (nil before any is loaded).
	DB func() *fleet.DB
	// Metrics serves /metrics to viewers and admins (nil: no /metrics).
	Metrics http.Handler
	// StaleAfter is how long without a report makes a host stale
	// (default 48 hours).
	StaleAfter time.Duration
	// FeedMaxAge is the database age shown as stale (default 72 hours).
	FeedMaxAge time.Duration
	Logger     *slog.Logger
	Now        func() time.Time
}

// Dashboard is the web interface, an http.Handler.
type Dashboard struct {
	cfg  Config
	st   *store.Store
	tmpl map[string]*template.Template
	mux  *http.ServeMux
	css  []byte
	// pages are the patterns that need a login, for Routes.
	pages []string
}

// Routes lists the patterns ("METHOD /path") of the pages that need a
// viewer or admin (the authorisation test covers each).
func (d *Dashboard) Routes() []string { return append([]string(nil), d.pages...) }

// New returns the dashboard.
func New(cfg Config) (*Dashboard, error) {
	if cfg.Store == nil || cfg.Sessions == nil {
		return nil, errors.New("dashboard: a store and a session manager are required")
	}
	if cfg.StaleAfter <= 0 {
		cfg.StaleAfter = 48 * time.Hour
	}
	if cfg.FeedMaxAge <= 0 {
		cfg.FeedMaxAge = 72 * time.Hour
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.DB == nil {
		cfg.DB = func() *fleet.DB { return nil }
	}
	d := &Dashboard{cfg: cfg, st: cfg.Store, tmpl: map[string]*template.Template{}, mux: http.NewServeMux()}
	d.css = append(append(append([]byte{}, site.Stylesheet()...), '\n'), dashCSS...)
	funcs := template.FuncMap{
		"ago":     d.ago,
		"date":    func(t time.Time) string { return dateText(t) },
		"since":   func(t time.Time) string { return durText(d.cfg.Now().Sub(t)) },
		"dur":     durText,
		"query":   url.QueryEscape,
		"path":    url.PathEscape,
		"join":    strings.Join,
		"dict":    func(list []*store.Exception, v *view) listView { return listView{List: list, Page: v} },
		"pkglink": func(name string) string { return "/packages/" + url.PathEscape(name) },
		"advlink": func(id string) string { return "/advisory?id=" + url.QueryEscape(id) },
		"hostlink": func(name string) string {
			return "/hosts/" + url.PathEscape(name)
		},
	}
	pages := []string{"overview", "hosts", "host", "advisory", "packages", "package", "exceptions", "login", "error"}
	for _, p := range pages {
		t, err := template.New(p).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+p+".html")
		if err != nil {
			return nil, err
		}
		d.tmpl[p] = t
	}
	d.routes()
	return d, nil
}

// ServeHTTP implements http.Handler.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	d.mux.ServeHTTP(w, r)
}

// Roles a page needs.
type access int

const (
	public access = iota
	readers
	admins
)

type handler func(w http.ResponseWriter, r *http.Request, u *user)

// user is who makes a request.
type user struct {
	Token *store.Token
	// Session is set for a cookie login (its CSRF token goes into forms);
	// zero for a bearer token.
	Session *session.Session
	CSRF    string
}

// listView is a list of exceptions inside a page.
type listView struct {
	List []*store.Exception
	Page *view
}

// Admin tells whether u may change things.
func (u *user) Admin() bool { return u != nil && u.Token.Role == store.RoleAdmin }

// Who names u in the audit log.
func (u *user) Who() string { return store.Who(u.Token) }

func (d *Dashboard) routes() {
	page := func(pattern string, a access, h handler) {
		d.mux.Handle(pattern, d.wrap(a, h))
		if a != public {
			d.pages = append(d.pages, pattern)
		}
	}
	d.mux.HandleFunc("GET /style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "max-age=3600")
		w.Write(d.css)
	})
	d.mux.HandleFunc("GET /login", d.getLogin)
	d.mux.HandleFunc("POST /login", d.postLogin)
	page("POST /logout", readers, d.postLogout)
	page("GET /{$}", readers, d.overview)
	page("GET /hosts", readers, d.hosts)
	page("GET /hosts/{name}", readers, d.host)
	page("GET /hosts/{name}/remediation", readers, d.remediation)
	page("GET /advisory", readers, d.advisory)
	page("GET /packages", readers, d.packages)
	page("GET /packages/{name}", readers, d.pkg)
	page("GET /exceptions", readers, d.exceptions)
	page("POST /exceptions", admins, d.postException)
	page("POST /exceptions/{id}/delete", admins, d.deleteException)
	if d.cfg.Metrics != nil {
		page("GET /metrics", readers, func(w http.ResponseWriter, r *http.Request, _ *user) { d.cfg.Metrics.ServeHTTP(w, r) })
	}
	if d.cfg.API != nil {
		d.mux.Handle("/api/", d.cfg.API)
	}
	page("/", public, func(w http.ResponseWriter, r *http.Request, _ *user) {
		d.fail(w, r, nil, http.StatusNotFound, "No such page.")
	})
}

// wrap authenticates (bearer token or login cookie), checks the role and,
// for unsafe requests of a cookie login, the CSRF token.
func (d *Dashboard) wrap(a access, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a == public {
			h(w, r, nil)
			return
		}
		u, status, msg := d.authenticate(r)
		if u == nil {
			if status == http.StatusUnauthorized && r.Method == http.MethodGet && r.Header.Get("Authorization") == "" && r.URL.Path != "/metrics" {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			if status == http.StatusUnauthorized {
				w.Header().Set("WWW-Authenticate", `Bearer realm="pkgaudit"`)
			}
			d.fail(w, r, nil, status, msg)
			return
		}
		if a == admins && !u.Admin() {
			d.fail(w, r, u, http.StatusForbidden, "Only an admin token may do this.")
			return
		}
		if r.Method != http.MethodGet && r.Method != http.MethodHead && u.Session != nil {
			if !d.cfg.Sessions.CheckCSRF(r, *u.Session) {
				d.fail(w, r, u, http.StatusForbidden, "The form is stale or came from another site (CSRF check failed): reload the page and try again.")
				return
			}
		}
		h(w, r, u)
	})
}

// authenticate finds the request's user; else the status and message.
func (d *Dashboard) authenticate(r *http.Request) (*user, int, string) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, tok, ok := strings.Cut(h, " ")
		if !ok || !strings.EqualFold(scheme, "Bearer") {
			return nil, http.StatusUnauthorized, "A bearer token is required."
		}
		t, err := d.st.Authenticate(ctx, strings.TrimSpace(tok))
		if err != nil {
			if errors.Is(err, store.ErrBadToken) {
				return nil, http.StatusUnauthorized, "Unknown or revoked token."
			}
			d.cfg.Logger.Error("authenticating", "err", err)
			return nil, http.StatusInternalServerError, "Internal error."
		}
		if t.Role == store.RoleAgent {
			return nil, http.StatusForbidden, "An agent token may not read the dashboard."
		}
		return &user{Token: t}, 0, ""
	}
	s, err := d.cfg.Sessions.Read(r)
	if err != nil {
		return nil, http.StatusUnauthorized, "Please log in."
	}
	id, err := strconv.ParseInt(s.TokenID, 10, 64)
	if err != nil {
		return nil, http.StatusUnauthorized, "Please log in."
	}
	t, err := d.st.TokenByID(ctx, id)
	if err != nil || !t.RevokedAt.IsZero() || t.Role != s.Role || t.Role == store.RoleAgent {
		return nil, http.StatusUnauthorized, "Your login's token was revoked: please log in again."
	}
	return &user{Token: t, Session: &s, CSRF: d.cfg.Sessions.CSRFToken(s)}, 0, ""
}

// view is what every page's template gets.
type view struct {
	Title string
	Nav   string
	User  *user
	Data  any
	// Flash is a message at the top of the page.
	Flash string
	Now   time.Time
}

func (d *Dashboard) render(w http.ResponseWriter, r *http.Request, status int, name string, v *view) {
	v.Now = d.cfg.Now()
	var b strings.Builder
	if err := d.tmpl[name].ExecuteTemplate(&b, "layout", v); err != nil {
		d.cfg.Logger.Error("rendering", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	w.WriteHeader(status)
	w.Write([]byte(b.String()))
}

func (d *Dashboard) fail(w http.ResponseWriter, r *http.Request, u *user, status int, msg string) {
	d.render(w, r, status, "error", &view{Title: http.StatusText(status), User: u, Data: msg})
}

func (d *Dashboard) internal(w http.ResponseWriter, r *http.Request, u *user, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	d.cfg.Logger.Error("dashboard request failed", "path", r.URL.Path, "err", err)
	d.fail(w, r, u, http.StatusInternalServerError, "Internal error.")
}

// Login.

type loginData struct {
	Next, Error string
}

// safeNext keeps a redirect target on this site.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") {
		return "/"
	}
	return next
}

func (d *Dashboard) getLogin(w http.ResponseWriter, r *http.Request) {
	d.render(w, r, http.StatusOK, "login", &view{Title: "Log in", Data: loginData{Next: safeNext(r.URL.Query().Get("next"))}})
}

// sameOrigin reports whether a request without a session comes from this
// site, when the browser says where it comes from.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" || o == "null" {
		if ref := r.Header.Get("Referer"); ref != "" {
			u, err := url.Parse(ref)
			return err == nil && u.Host == r.Host
		}
		return o == ""
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

func (d *Dashboard) postLogin(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	next := safeNext(r.FormValue("next"))
	fail := func(status int, msg string) {
		d.render(w, r, status, "login", &view{Title: "Log in", Data: loginData{Next: next, Error: msg}})
	}
	if !sameOrigin(r) {
		fail(http.StatusForbidden, "This login form came from another site.")
		return
	}
	t, err := d.st.Authenticate(r.Context(), strings.TrimSpace(r.FormValue("token")))
	if err != nil {
		if !errors.Is(err, store.ErrBadToken) {
			d.internal(w, r, nil, err)
			return
		}
		d.cfg.Logger.Warn("dashboard login refused", "remote", r.RemoteAddr)
		fail(http.StatusUnauthorized, "Unknown or revoked token.")
		return
	}
	if t.Role == store.RoleAgent {
		fail(http.StatusForbidden, "An agent token may not log in: use a viewer or admin token.")
		return
	}
	if _, err := d.cfg.Sessions.Issue(w, strconv.FormatInt(t.ID, 10), t.Role); err != nil {
		d.internal(w, r, nil, err)
		return
	}
	d.cfg.Logger.Info("dashboard login", "token", t.ID, "role", t.Role)
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (d *Dashboard) postLogout(w http.ResponseWriter, r *http.Request, _ *user) {
	d.cfg.Sessions.Clear(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// Formatting.

func dateText(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return t.UTC().Format("2006-01-02 15:04")
}

func durText(d time.Duration) string {
	switch {
	case d < 0:
		return "—"
	case d < time.Minute:
		return "now"
	case d < time.Hour:
		return strconv.Itoa(int(d/time.Minute)) + " min"
	case d < 48*time.Hour:
		return strconv.Itoa(int(d/time.Hour)) + " h"
	}
	return strconv.Itoa(int(d/(24*time.Hour))) + " days"
}

func (d *Dashboard) ago(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	s := durText(d.cfg.Now().Sub(t))
	if s == "now" {
		return "just now"
	}
	return s + " ago"
}
