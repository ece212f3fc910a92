package server

// The exceptions API (issue 14): accepted risks, their audit log, and
// their export to the ignore TOML.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/report"
)

func (s *Server) exceptionRoutes() []route {
	return []route{
		{"GET", "/api/v1/exceptions", readers, s.getExceptions},
		{"POST", "/api/v1/exceptions", admins, s.postException},
		{"DELETE", "/api/v1/exceptions/{id}", admins, s.deleteException},
		{"GET", "/api/v1/exceptions/log", readers, s.getExceptionLog},
		{"GET", "/api/v1/exceptions.toml", readers, s.getExceptionsTOML},
	}
}

// exceptionJSON is an exception as the API shows it.
type exceptionJSON struct {
	ID        int64  `json:"id"`
	Advisory  string `json:"advisory"`
	Scope     string `json:"scope"`
	Target    string `json:"target,omitempty"`
	Reason    string `json:"reason"`
	Expires   string `json:"expires,omitempty"`
	Active    bool   `json:"active"`
	Findings  int    `json:"findings"`
	CreatedBy string `json:"created_by"`
	CreatedAt string `json:"created_at"`
	DeletedBy string `json:"deleted_by,omitempty"`
	DeletedAt string `json:"deleted_at,omitempty"`
}

func (s *Server) exceptionJSON(e *store.Exception) exceptionJSON {
	return exceptionJSON{ID: e.ID, Advisory: e.Advisory, Scope: e.Scope, Target: e.Target, Reason: e.Reason,
		Expires: timeJSON(e.Expires), Active: e.Active(s.cfg.Now()), Findings: e.Findings,
		CreatedBy: e.CreatedBy, CreatedAt: timeJSON(e.CreatedAt), DeletedBy: e.DeletedBy, DeletedAt: timeJSON(e.DeletedAt)}
}

func (s *Server) getExceptions(w http.ResponseWriter, r *http.Request, _ *store.Token) {
	list, err := s.st.Exceptions(r.Context(), r.URL.Query().Get("all") == "true")
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := []exceptionJSON{}
	for _, e := range list {
		out = append(out, s.exceptionJSON(e))
	}
	writeJSON(w, http.StatusOK, map[string]any{"exceptions": out})
}

// exceptionRequest is the body of POST /exceptions.
type exceptionRequest struct {
	Advisory string `json:"advisory"`
	Scope    string `json:"scope"`
	Target   string `json:"target"`
	Reason   string `json:"reason"`
	// Expires is a date (YYYY-MM-DD, midnight UTC) or an RFC 3339
	// date-time; empty never.
	Expires string `json:"expires"`
}

// parseExpiry reads an expiry as the ignore TOML writes one.
func parseExpiry(v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		return time.Time{}, errors.New("expires must be a date (YYYY-MM-DD) or an RFC 3339 date-time")
	}
	return t.UTC(), nil
}

func (s *Server) postException(w http.ResponseWriter, r *http.Request, tok *store.Token) {
	var req exceptionRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 16<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		writeError(w, http.StatusBadRequest, "body: "+err.Error())
		return
	}
	exp, err := parseExpiry(req.Expires)
	if err == nil && !exp.IsZero() && !exp.After(s.cfg.Now()) {
		err = errors.New("expires is in the past")
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	e := &store.Exception{Advisory: req.Advisory, Scope: req.Scope, Target: req.Target, Reason: req.Reason, Expires: exp}
	if err := e.Validate(); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	e, err = s.st.CreateException(r.Context(), e, store.Who(tok))
	if err != nil {
		s.internal(w, r, err)
		return
	}
	s.log.Info("exception created", "id", requestID(r), "exception", e.ID, "advisory", e.Advisory, "scope", e.Scope, "target", e.Target, "token", tok.ID)
	writeJSON(w, http.StatusCreated, s.exceptionJSON(e))
}

func (s *Server) deleteException(w http.ResponseWriter, r *http.Request, tok *store.Token) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		writeError(w, http.StatusBadRequest, "exception id must be a number")
		return
	}
	if err := s.st.DeleteException(r.Context(), id, store.Who(tok)); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusNotFound, err.Error())
			return
		}
		s.internal(w, r, err)
		return
	}
	s.log.Info("exception deleted", "id", requestID(r), "exception", id, "token", tok.ID)
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getExceptionLog(w http.ResponseWriter, r *http.Request, _ *store.Token) {
	log, err := s.st.ExceptionLog(r.Context(), 1000)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	type change struct {
		At          string `json:"at"`
		Who         string `json:"who"`
		Action      string `json:"action"`
		ExceptionID int64  `json:"exception_id"`
		Detail      string `json:"detail,omitempty"`
	}
	out := []change{}
	for _, c := range log {
		out = append(out, change{timeJSON(c.At), c.Who, c.Action, c.ExceptionID, c.Detail})
	}
	writeJSON(w, http.StatusOK, map[string]any{"log": out})
}

// ignoreEntry is one [[IgnoredVulns]] of the ignore TOML.
type ignoreEntry struct {
	ID          string    `toml:"id"`
	Reason      string    `toml:"reason"`
	IgnoreUntil time.Time `toml:"ignoreUntil,omitzero"`
}

// ExceptionsTOML writes the exceptions in force at now that apply to host
// (with its tags) as an ignore file; with host "" only the fleet-wide
// ones, the others named in comments.
func ExceptionsTOML(list []*store.Exception, now time.Time, host string, tags []string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("# pkgaudit ignore file exported from the fleet server's exceptions\n")
	if host != "" {
		b.WriteString("# for host " + commentSafe(host) + "\n")
	}
	var doc struct {
		IgnoredVulns []ignoreEntry `toml:"IgnoredVulns"`
	}
	for i := len(list) - 1; i >= 0; i-- { // oldest first
		e := list[i]
		if !e.Active(now) {
			continue
		}
		applies := e.Scope == store.ScopeFleet ||
			host != "" && (e.Scope == store.ScopeHost && e.Target == host ||
				e.Scope == store.ScopeTag && contains(tags, e.Target))
		if !applies {
			if host == "" {
				b.WriteString("# not exported: exception " + strconv.FormatInt(e.ID, 10) + " (" + e.Scope + " " + commentSafe(e.Target) + ", " + commentSafe(e.Advisory) + "); ask with ?host=NAME\n")
			}
			continue
		}
		doc.IgnoredVulns = append(doc.IgnoredVulns, ignoreEntry{ID: e.Advisory, Reason: e.Reason + " (fleet exception " + strconv.FormatInt(e.ID, 10) + ", " + e.CreatedBy + ")", IgnoreUntil: e.Expires})
	}
	b.WriteByte('\n')
	if len(doc.IgnoredVulns) == 0 {
		return b.Bytes(), nil
	}
	if err := toml.NewEncoder(&b).Encode(doc); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// commentSafe keeps a value on one comment line.
func commentSafe(v string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || r == 0x2028 || r == 0x2029 || r == 0x85 {
			return '?'
		}
		return r
	}, v)
}

func (s *Server) getExceptionsTOML(w http.ResponseWriter, r *http.Request, _ *store.Token) {
	ctx := r.Context()
	host := r.URL.Query().Get("host")
	var tags []string
	if host != "" {
		h, err := s.st.Host(ctx, host)
		if errors.Is(err, store.ErrNotFound) {
			writeError(w, http.StatusNotFound, "no such host")
			return
		}
		if err != nil {
			s.internal(w, r, err)
			return
		}
		tags = h.Tags
	}
	list, err := s.st.Exceptions(ctx, false)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	data, err := ExceptionsTOML(list, s.cfg.Now(), host, tags)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/toml; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.Write(data)
}

// markAccepted marks the findings of in (host's jail's inventory) that an
// exception covers as ignored by it, as audit --ignore-file marks those
// an ignore rule covers.
func (s *Server) markAccepted(ctx context.Context, host, jail string, in *report.Input) error {
	fs, err := s.st.HostFindings(ctx, host, false)
	if err != nil {
		return err
	}
	type key struct{ pkg, adv string }
	rule := map[key]int64{}
	for _, f := range fs {
		if id, ok := store.ExceptionID(f.IgnoredBy); ok && f.Jail == jail {
			rule[key{f.Package.String(), f.AdvisoryID}] = id
		}
	}
	if len(rule) == 0 {
		return nil
	}
	list, err := s.st.Exceptions(ctx, true)
	if err != nil {
		return err
	}
	byID := map[int64]*store.Exception{}
	for _, e := range list {
		byID[e.ID] = e
	}
	for i := range in.Packages {
		p := &in.Packages[i]
		for j := range p.Findings {
			f := &p.Findings[j]
			e := byID[rule[key{p.Name + "-" + p.Version, f.ID()}]]
			if e == nil || f.Ignored != nil {
				continue
			}
			what := e.Advisory
			if e.Scope != store.ScopeFleet {
				what += " (" + e.Scope + " " + e.Target + ")"
			}
			f.Ignored = &report.Ignore{Rule: what, Reason: e.Reason, Until: e.Expires, Where: "fleet exception " + strconv.FormatInt(e.ID, 10)}
		}
	}
	return nil
}
