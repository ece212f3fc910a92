// Package server is the fleet's HTTP API (/api/v1): agents post reports,
// viewers and admins read hosts, findings, advisories and packages. It
// authenticates bearer tokens against the store (roles agent, viewer,
// admin), bounds every request (body size compressed and decompressed,
// package count, JSON depth, per-token rate), logs each request with an id
// and never a secret, and evaluates through a fleet.Evaluator.
package server

import (
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/fleet/wire"
)

//go:embed openapi.json
var openAPI []byte

// OpenAPI returns the API's OpenAPI document.
func OpenAPI() []byte { return openAPI }

// Config configures a Server.
type Config struct {
	Store *store.Store
	// Logger receives one line per request (default: discard).
	Logger *slog.Logger
	// Limits bound reports (wire.DefaultLimits when zero).
	Limits wire.Limits
	// Rate is the requests per second each token may make, Burst how many
	// at once (defaults 20 and 100).
	Rate  float64
	Burst int
	// StaleAfter is how long without a report makes a host stale
	// (default 48 hours).
	StaleAfter time.Duration
	// Concurrency bounds the reports decoded and stored at once (default
	// 8): each may hold up to Limits.MaxCompressed + MaxDecompressed bytes.
	Concurrency int
	// ToolVersion is pkgaudit's version, shown in findings.
	ToolVersion string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// Server serves the API.
type Server struct {
	cfg    Config
	st     *store.Store
	log    *slog.Logger
	db     atomic.Pointer[fleet.DB]
	dbMu   sync.Mutex // one database change at a time in this process
	limits *limiter
	slots  chan struct{}
	mux    *http.ServeMux
}

// New returns a server over cfg.Store. It serves 503 to reports until a
// database is set (SetDB).
func New(cfg Config) *Server {
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Limits == (wire.Limits{}) {
		cfg.Limits = wire.DefaultLimits
	}
	if cfg.Rate <= 0 {
		cfg.Rate = 20
	}
	if cfg.Burst <= 0 {
		cfg.Burst = 100
	}
	if cfg.StaleAfter <= 0 {
		cfg.StaleAfter = 48 * time.Hour
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 8
	}
	s := &Server{cfg: cfg, st: cfg.Store, log: cfg.Logger, limits: newLimiter(cfg.Rate, cfg.Burst, cfg.Now),
		slots: make(chan struct{}, cfg.Concurrency)}
	s.mux = http.NewServeMux()
	for _, r := range s.routes() {
		s.mux.Handle(r.Method+" "+r.Pattern, s.wrap(r))
	}
	s.mux.Handle("/", s.wrap(route{Pattern: "/", handler: func(w http.ResponseWriter, r *http.Request, _ *store.Token) {
		writeError(w, http.StatusNotFound, "no such resource")
	}}))
	return s
}

// SetDB makes db the databases the server judges by, after bringing the
// store to them (only what db changes is evaluated again).
func (s *Server) SetDB(ctx context.Context, db *fleet.DB) (*store.ReevalResult, error) {
	s.dbMu.Lock()
	defer s.dbMu.Unlock()
	res, err := s.st.Reevaluate(ctx, db)
	if err != nil {
		return nil, err
	}
	s.db.Store(db)
	s.log.Info("databases loaded", "db", db.ID()[:16], "changed", res.Changed, "advisories_changed", res.Advisories,
		"evaluated", res.Evaluated, "new_findings", res.NewFindings, "resolved_findings", res.ResolvedFindings)
	return res, nil
}

// DB returns the databases in use (nil before SetDB).
func (s *Server) DB() *fleet.DB { return s.db.Load() }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// HTTPServer returns an http.Server for h on addr with every timeout set.
func HTTPServer(addr string, h http.Handler, log *slog.Logger) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
}

// Roles.
type access int

const (
	public  access = iota // no token needed
	readers               // viewer, admin
	agents                // agent, admin
	admins                // admin only
)

// route is one API endpoint.
type route struct {
	Method, Pattern string
	access          access
	handler         func(http.ResponseWriter, *http.Request, *store.Token)
}

// Routes lists the API's endpoints as "METHOD PATTERN" (the OpenAPI
// document must describe exactly these).
func (s *Server) Routes() []string {
	var out []string
	for _, r := range s.routes() {
		out = append(out, r.Method+" "+r.Pattern)
	}
	return out
}

type ctxKey int

const requestIDKey ctxKey = 0

// statusWriter remembers the status written.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

// wrap adds the request id, the log line, authentication, the role check
// and the rate limit around a handler.
func (s *Server) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		var idb [8]byte
		rand.Read(idb[:])
		id := hex.EncodeToString(idb[:])
		w.Header().Set("X-Request-Id", id)
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey, id))
		sw := &statusWriter{ResponseWriter: w}
		var tok *store.Token
		defer func() {
			attrs := []any{"id", id, "method", r.Method, "path", r.URL.Path, "status", sw.status, "bytes", sw.bytes,
				"duration_ms", float64(time.Since(start).Microseconds()) / 1000, "remote", r.RemoteAddr}
			if tok != nil {
				attrs = append(attrs, "token", tok.ID, "role", tok.Role)
			}
			s.log.Info("request", attrs...)
		}()
		if rt.access != public {
			var ok bool
			if tok, ok = s.authenticate(sw, r); !ok {
				return
			}
			allowed := tok.Role == store.RoleAdmin ||
				rt.access == readers && tok.Role == store.RoleViewer ||
				rt.access == agents && tok.Role == store.RoleAgent
			if !allowed {
				writeError(sw, http.StatusForbidden, "a "+tok.Role+" token may not do this")
				return
			}
			if wait, ok := s.limits.allow(tok.ID); !ok {
				sw.Header().Set("Retry-After", retryAfter(wait))
				writeError(sw, http.StatusTooManyRequests, "rate limit exceeded")
				return
			}
		}
		rt.handler(sw, r, tok)
	})
}

// authenticate reads the bearer token; it answers 401 itself.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*store.Token, bool) {
	h := r.Header.Get("Authorization")
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		w.Header().Set("WWW-Authenticate", `Bearer realm="pkgaudit"`)
		writeError(w, http.StatusUnauthorized, "a bearer token is required")
		return nil, false
	}
	t, err := s.st.Authenticate(r.Context(), strings.TrimSpace(tok))
	if err != nil {
		if !errors.Is(err, store.ErrBadToken) {
			s.log.Error("authenticating", "id", requestID(r), "err", err)
			writeError(w, http.StatusInternalServerError, "internal error")
			return nil, false
		}
		w.Header().Set("WWW-Authenticate", `Bearer realm="pkgaudit", error="invalid_token"`)
		writeError(w, http.StatusUnauthorized, "unknown or revoked token")
		return nil, false
	}
	return t, true
}

func requestID(r *http.Request) string {
	id, _ := r.Context().Value(requestIDKey).(string)
	return id
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
