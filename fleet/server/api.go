package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/fleet/wire"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/report"
)

func (s *Server) routes() []route {
	rs := []route{
		{"GET", "/api/v1/openapi.json", public, s.getOpenAPI},
		{"POST", "/api/v1/reports", agents, s.postReport},
		{"GET", "/api/v1/hosts", readers, s.getHosts},
		{"GET", "/api/v1/hosts/{name}", readers, s.getHost},
		{"GET", "/api/v1/hosts/{name}/findings", readers, s.getHostFindings},
		{"GET", "/api/v1/advisories", readers, s.getAdvisories},
		{"GET", "/api/v1/advisories/{id}/hosts", readers, s.getAdvisoryHosts},
		{"GET", "/api/v1/packages/{name}/hosts", readers, s.getPackageHosts},
		{"GET", "/api/v1/summary", readers, s.getSummary},
	}
	// Exceptions (issue 14, fleet/server/exceptions.go).
	rs = append(rs, s.exceptionRoutes()...)
	return rs
}

func (s *Server) getOpenAPI(w http.ResponseWriter, _ *http.Request, _ *store.Token) {
	w.Header().Set("Content-Type", "application/json")
	w.Write(openAPI)
}

// internal logs err under the request's id and answers 500 without it.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, context.Canceled) {
		return
	}
	s.log.Error("request failed", "id", requestID(r), "err", err)
	writeError(w, http.StatusInternalServerError, "internal error (request "+requestID(r)+")")
}

// storeReport converts a checked wire report.
func storeReport(rep *wire.Report) *store.Report {
	h := rep.Host
	sr := &store.Report{Host: store.HostFacts{Name: h.Name, OS: h.OS, Release: h.Release, Arch: h.Arch,
		KernelVersion: h.KernelVersion, UserlandVersion: h.UserlandVersion, Tags: h.Tags, AgentVersion: h.AgentVersion}}
	for _, inv := range rep.Inventories {
		si := store.Inventory{Jail: inv.Jail, Packages: make([]store.Pkg, len(inv.Packages))}
		for i, p := range inv.Packages {
			si.Packages[i] = store.Pkg{Key: fleet.PkgKey{Name: p.Name, Version: p.Version, World: p.World, Base: p.Base}, Origin: p.Origin}
		}
		sr.Inventories = append(sr.Inventories, si)
	}
	return sr
}

func (s *Server) postReport(w http.ResponseWriter, r *http.Request, tok *store.Token) {
	db := s.db.Load()
	if db == nil {
		w.Header().Set("Retry-After", "30")
		writeError(w, http.StatusServiceUnavailable, "no vulnerability database loaded yet")
		return
	}
	// A bounded number of reports at once: each may hold tens of MB.
	select {
	case s.slots <- struct{}{}:
		defer func() { <-s.slots }()
	case <-r.Context().Done():
		return
	}
	rep, err := wire.Decode(r.Body, r.Header.Get("Content-Encoding"), s.cfg.Limits)
	if err != nil {
		var we *wire.Error
		if errors.As(err, &we) {
			writeError(w, we.Status, we.Msg)
			return
		}
		s.internal(w, r, err)
		return
	}
	if tok.Role == store.RoleAgent {
		ok, err := s.st.BindToken(r.Context(), tok.ID, rep.Host.Name)
		if err != nil {
			s.internal(w, r, err)
			return
		}
		if !ok {
			s.log.Warn("report for another host refused", "id", requestID(r), "token", tok.ID, "host", rep.Host.Name)
			writeError(w, http.StatusForbidden, "this token reports for another host")
			return
		}
	}
	sr := storeReport(rep)
	res, err := s.st.Ingest(r.Context(), sr, db)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	v := wire.Verdict{Host: rep.Host.Name, Accepted: true, VulnerablePackages: res.VulnerablePackages,
		NewFindings: res.NewFindings, ResolvedFindings: res.ResolvedFindings}
	var text bytes.Buffer
	advs := map[string]bool{}
	for i, inv := range sr.Inventories {
		in, err := s.input(r.Context(), db, inv.Packages, s.cfg.Now())
		if err == nil {
			err = s.markAccepted(r.Context(), rep.Host.Name, inv.Jail, in) // exceptions.go
		}
		if err != nil {
			s.internal(w, r, err)
			return
		}
		v.Packages += len(in.Packages)
		for _, p := range in.Packages {
			for _, f := range p.Findings {
				if f.Ignored == nil {
					advs[f.ID()] = true
				}
			}
		}
		if inv.Jail != "" || i > 0 {
			text.WriteString("jail " + inv.Jail + ":\n")
		}
		if err := report.WriteText(&text, in); err != nil {
			s.internal(w, r, err)
			return
		}
	}
	v.Vulnerabilities = len(advs)
	v.Text = text.String()
	writeJSON(w, http.StatusOK, v)
}

// input is the audit of one inventory, as pkgaudit audit would report it.
func (s *Server) input(ctx context.Context, db *fleet.DB, pkgs []store.Pkg, at time.Time) (*report.Input, error) {
	inv := make([]inventory.Package, len(pkgs))
	for i, p := range pkgs {
		inv[i] = p.Key.Package()
		inv[i].Origin = p.Origin
	}
	inv = fleet.SortPackages(inv)
	rps, err := db.Evaluate(ctx, inv)
	if err != nil {
		return nil, err
	}
	return &report.Input{ToolVersion: s.cfg.ToolVersion, Time: at, Ecosystem: db.Ecosystem(),
		Databases: db.ReportDatabases(), Packages: rps}, nil
}

// hostJSON is a host as the API shows it.
type hostJSON struct {
	Name               string   `json:"name"`
	OS                 string   `json:"os"`
	Release            string   `json:"release"`
	Arch               string   `json:"arch"`
	KernelVersion      string   `json:"kernel_version"`
	UserlandVersion    string   `json:"userland_version"`
	Tags               []string `json:"tags"`
	AgentVersion       string   `json:"agent_version"`
	FirstSeen          string   `json:"first_seen"`
	LastSeen           string   `json:"last_seen"`
	Stale              bool     `json:"stale"`
	Packages           int      `json:"packages"`
	VulnerablePackages int      `json:"vulnerable_packages"`
	Vulnerabilities    int      `json:"vulnerabilities"`
	Jails              []string `json:"jails,omitempty"`
}

func timeJSON(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (s *Server) hostJSON(h *store.Host) hostJSON {
	return hostJSON{Name: h.Name, OS: h.OS, Release: h.Release, Arch: h.Arch, KernelVersion: h.KernelVersion,
		UserlandVersion: h.UserlandVersion, Tags: h.Tags, AgentVersion: h.AgentVersion,
		FirstSeen: timeJSON(h.FirstSeen), LastSeen: timeJSON(h.LastSeen), Stale: h.LastSeen.Before(s.cfg.Now().Add(-s.cfg.StaleAfter)),
		Packages: h.Packages, VulnerablePackages: h.VulnerablePackages, Vulnerabilities: h.Vulnerabilities, Jails: h.Jails}
}

// page reads limit and offset.
func page(r *http.Request) (limit, offset int, err error) { return pageOf(r, 100, 1000) }

// pageOf reads ?limit= (1 to max, default def) and ?offset= (>= 0).
func pageOf(r *http.Request, def, max int) (limit, offset int, err error) {
	q := r.URL.Query()
	limit = def
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > max {
			return 0, 0, fmt.Errorf("limit must be 1 to %d", max)
		}
	}
	if v := q.Get("offset"); v != "" {
		if offset, err = strconv.Atoi(v); err != nil || offset < 0 {
			return 0, 0, errors.New("offset must be a number >= 0")
		}
	}
	return limit, offset, nil
}

func (s *Server) getHosts(w http.ResponseWriter, r *http.Request, _ *store.Token) {
	q := r.URL.Query()
	f := store.HostFilter{OS: q.Get("os"), Tag: q.Get("tag")}
	var err error
	if f.Limit, f.Offset, err = page(r); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	switch q.Get("vulnerable") {
	case "":
	case "true", "1":
		f.Vulnerable = 1
	case "false", "0":
		f.Vulnerable = 2
	default:
		writeError(w, http.StatusBadRequest, "vulnerable must be true or false")
		return
	}
	switch v := q.Get("stale"); v {
	case "", "false", "0":
	case "true", "1":
		f.StaleBefore = s.cfg.Now().Add(-s.cfg.StaleAfter)
	default:
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			writeError(w, http.StatusBadRequest, "stale must be true, false or a duration such as 36h")
			return
		}
		f.StaleBefore = s.cfg.Now().Add(-d)
	}
	hosts, more, err := s.st.Hosts(r.Context(), f)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	out := struct {
		Hosts      []hostJSON `json:"hosts"`
		NextOffset *int       `json:"next_offset"`
	}{Hosts: []hostJSON{}}
	for _, h := range hosts {
		out.Hosts = append(out.Hosts, s.hostJSON(h))
	}
	if more {
		n := f.Offset + len(hosts)
		out.NextOffset = &n
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getHost(w http.ResponseWriter, r *http.Request, _ *store.Token) {
	h, err := s.st.Host(r.Context(), r.PathValue("name"))
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such host")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	j := s.hostJSON(h)
	if j.Jails == nil {
		j.Jails = []string{}
	}
	writeJSON(w, http.StatusOK, j)
}

// getHostFindings answers the findings of a host (or of one of its jails,
// ?jail=NAME) in the JSON of pkgaudit audit --format json.
func (s *Server) getHostFindings(w http.ResponseWriter, r *http.Request, _ *store.Token) {
	db := s.db.Load()
	if db == nil {
		writeError(w, http.StatusServiceUnavailable, "no vulnerability database loaded yet")
		return
	}
	name := r.PathValue("name")
	h, err := s.st.Host(r.Context(), name)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such host")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	invs, err := s.st.HostInventory(r.Context(), name)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	jail := r.URL.Query().Get("jail")
	var pkgs []store.Pkg
	found := jail == ""
	for _, inv := range invs {
		if inv.Jail == jail {
			pkgs, found = inv.Packages, true
		}
	}
	if !found && !slices.Contains(h.Jails, jail) {
		writeError(w, http.StatusNotFound, "no such jail")
		return
	}
	in, err := s.input(r.Context(), db, pkgs, h.LastSeen)
	if err == nil {
		err = s.markAccepted(r.Context(), name, jail, in) // exceptions.go
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, in); err != nil {
		s.internal(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write(b.Bytes())
}

func (s *Server) getAdvisories(w http.ResponseWriter, r *http.Request, _ *store.Token) {
	limit, offset, err := page(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	advs, more, err := s.st.Advisories(r.Context(), limit, offset)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	type advJSON struct {
		ID       string `json:"id"`
		Topic    string `json:"topic"`
		Hosts    int    `json:"hosts"`
		Packages int    `json:"packages"`
	}
	out := struct {
		Advisories []advJSON `json:"advisories"`
		NextOffset *int      `json:"next_offset"`
	}{Advisories: []advJSON{}}
	for _, a := range advs {
		out.Advisories = append(out.Advisories, advJSON{a.ID, a.Topic, a.Hosts, a.Packages})
	}
	if more {
		n := offset + len(advs)
		out.NextOffset = &n
	}
	writeJSON(w, http.StatusOK, out)
}

// getAdvisoryHosts answers the blast radius of an advisory: every host
// with an open finding, its packages, jails and fixed versions.
func (s *Server) getAdvisoryHosts(w http.ResponseWriter, r *http.Request, _ *store.Token) {
	id := r.PathValue("id")
	topic, err := s.st.Advisory(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		writeError(w, http.StatusNotFound, "no such advisory in the loaded databases")
		return
	}
	if err != nil {
		s.internal(w, r, err)
		return
	}
	limit, offset, err := pageOf(r, 1000, 10000)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	fs, more, total, err := s.st.AdvisoryHosts(r.Context(), id, limit, offset)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	type findingJSON struct {
		Jail      string `json:"jail"`
		Package   string `json:"package"`
		FixedIn   string `json:"fixed_in"`
		FirstSeen string `json:"first_seen"`
	}
	type hostJSON struct {
		Name      string        `json:"name"`
		Packages  []string      `json:"packages"`
		Jails     []string      `json:"jails"`
		FixedIn   []string      `json:"fixed_in"`
		FirstSeen string        `json:"first_seen"`
		Findings  []findingJSON `json:"findings"`
	}
	out := struct {
		ID         string     `json:"id"`
		Topic      string     `json:"topic"`
		TotalHosts int        `json:"total_hosts"`
		Hosts      []hostJSON `json:"hosts"`
		NextOffset *int       `json:"next_offset"`
	}{ID: id, Topic: topic, TotalHosts: total, Hosts: []hostJSON{}}
	for _, f := range fs {
		if n := len(out.Hosts); n == 0 || out.Hosts[n-1].Name != f.Host {
			out.Hosts = append(out.Hosts, hostJSON{Name: f.Host, Packages: []string{}, Jails: []string{}, FixedIn: []string{}, FirstSeen: timeJSON(f.FirstSeen)})
		}
		h := &out.Hosts[len(out.Hosts)-1]
		if p := f.Package.String(); !slices.Contains(h.Packages, p) {
			h.Packages = append(h.Packages, p)
		}
		if f.Jail != "" && !slices.Contains(h.Jails, f.Jail) {
			h.Jails = append(h.Jails, f.Jail)
		}
		if f.FixedIn != "" && !slices.Contains(h.FixedIn, f.FixedIn) {
			h.FixedIn = append(h.FixedIn, f.FixedIn)
		}
		if fs := timeJSON(f.FirstSeen); fs < h.FirstSeen {
			h.FirstSeen = fs
		}
		h.Findings = append(h.Findings, findingJSON{f.Jail, f.Package.String(), f.FixedIn, timeJSON(f.FirstSeen)})
	}
	for i := range out.Hosts {
		slices.Sort(out.Hosts[i].Packages)
	}
	if more {
		n := offset + len(out.Hosts)
		out.NextOffset = &n
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getPackageHosts(w http.ResponseWriter, r *http.Request, _ *store.Token) {
	name := r.PathValue("name")
	inst, err := s.st.PackageHosts(r.Context(), name)
	if err != nil {
		s.internal(w, r, err)
		return
	}
	type instJSON struct {
		Name    string `json:"name"`
		Jail    string `json:"jail"`
		Package string `json:"package"`
		Version string `json:"version"`
		World   string `json:"world"`
		Since   string `json:"since"`
	}
	out := struct {
		Package string     `json:"package"`
		Hosts   []instJSON `json:"hosts"`
	}{Package: name, Hosts: []instJSON{}}
	for _, in := range inst {
		out.Hosts = append(out.Hosts, instJSON{in.Host, in.Jail, in.Package.String(), in.Package.Version, in.Package.World, timeJSON(in.Since)})
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) getSummary(w http.ResponseWriter, r *http.Request, _ *store.Token) {
	sm, err := s.st.Summary(r.Context(), s.cfg.Now().Add(-s.cfg.StaleAfter))
	if err != nil {
		s.internal(w, r, err)
		return
	}
	type dbJSON struct {
		Path     string `json:"path"`
		Format   string `json:"format"`
		SHA256   string `json:"sha256"`
		Entries  int    `json:"entries"`
		Modified string `json:"modified"`
	}
	out := struct {
		Hosts           int      `json:"hosts"`
		VulnerableHosts int      `json:"vulnerable_hosts"`
		StaleHosts      int      `json:"stale_hosts"`
		OpenFindings    int      `json:"open_findings"`
		PackageVersions int      `json:"package_versions"`
		Advisories      int      `json:"advisories"`
		DatabasesID     string   `json:"databases_id"`
		DatabasesLoaded string   `json:"databases_changed"`
		Databases       []dbJSON `json:"databases"`
	}{Hosts: sm.Hosts, VulnerableHosts: sm.VulnerableHosts, StaleHosts: sm.StaleHosts, OpenFindings: sm.OpenFindings,
		PackageVersions: sm.PackageVersions, Advisories: sm.Advisories, DatabasesID: sm.DBID, DatabasesLoaded: sm.DBChanged, Databases: []dbJSON{}}
	if db := s.db.Load(); db != nil {
		for _, d := range db.ReportDatabases() {
			out.Databases = append(out.Databases, dbJSON{d.Path, d.Format, d.SHA256, d.Entries, timeJSON(d.Modified)})
		}
	}
	writeJSON(w, http.StatusOK, out)
}
