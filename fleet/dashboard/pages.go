package dashboard

import (
	"bytes"
	"errors"
	"html/template"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/chart"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/remediate"
)

// Overview.

type dbView struct {
	Path, Format    string
	Age             time.Duration
	Stale           bool
	Entries         int
	Signed          bool
	Verified        bool
	VerifyText      string
	Changed         string
	ModTime         time.Time
	WarningsPresent bool
}

type overviewData struct {
	O           *store.Overview
	Stale       []*store.Host
	All         []*store.Host
	StaleBefore time.Time
	Chart       template.HTML
	Top         []store.AdvisoryCount
	DBs         []dbView
	DBLoaded    bool
	StaleAfter  time.Duration
	Exceptions  int
	OldestOpen  time.Time
	SeriesToday int
}

func (d *Dashboard) dbViews() []dbView {
	db := d.cfg.DB()
	if db == nil {
		return nil
	}
	var out []dbView
	for _, info := range db.Infos() {
		v := dbView{Path: info.Path, Format: string(info.Format), Entries: info.Entries, Signed: info.Signed, Verified: info.Verified, ModTime: info.ModTime}
		if !info.ModTime.IsZero() {
			v.Age = d.cfg.Now().Sub(info.ModTime)
			v.Stale = v.Age > d.cfg.FeedMaxAge
		}
		switch {
		case info.Verified:
			v.VerifyText = "signature verified"
		case info.Signed:
			v.VerifyText = "signed, not verified"
		default:
			v.VerifyText = "not signed"
		}
		out = append(out, v)
	}
	return out
}

func (d *Dashboard) overview(w http.ResponseWriter, r *http.Request, u *user) {
	ctx := r.Context()
	now := d.cfg.Now()
	o, err := d.st.Overview(ctx, now.Add(-d.cfg.StaleAfter))
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	series, err := d.st.OpenFindingsSeries(ctx, now, 90)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	pts := make([]chart.Point, len(series))
	for i, p := range series {
		pts[i] = chart.Point{Day: p.Day, Value: p.Count}
	}
	top, _, err := d.st.Advisories(ctx, 10, 0)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	stale, _, err := d.st.Hosts(ctx, store.HostFilter{StaleBefore: now.Add(-d.cfg.StaleAfter), Limit: 20})
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	exc, err := d.st.Exceptions(ctx, false)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	n := 0
	for _, e := range exc {
		if e.Active(now) {
			n++
		}
	}
	var all []*store.Host
	for off := 0; ; {
		page, more, err := d.st.Hosts(ctx, store.HostFilter{Limit: 1000, Offset: off})
		if err != nil {
			d.internal(w, r, u, err)
			return
		}
		all = append(all, page...)
		if !more {
			break
		}
		off += len(page)
	}
	data := overviewData{O: o, Stale: stale, All: all, StaleBefore: now.Add(-d.cfg.StaleAfter), Chart: chart.Series("Open findings over the last 90 days", pts), Top: top,
		DBs: d.dbViews(), DBLoaded: d.cfg.DB() != nil, StaleAfter: d.cfg.StaleAfter, Exceptions: n}
	d.render(w, r, http.StatusOK, "overview", &view{Title: "Overview", Nav: "overview", User: u, Data: data})
}

// Hosts.

type hostsData struct {
	Hosts  []*store.Host
	More   bool
	F      hostForm
	Facets *store.Facets
	Stale  time.Time
	Next   string
}

type hostForm struct {
	OS, Release, Tag, Jail, Vulnerable, Q string
	Stale                                 bool
	Offset                                int
}

func (d *Dashboard) hosts(w http.ResponseWriter, r *http.Request, u *user) {
	q := r.URL.Query()
	f := hostForm{OS: q.Get("os"), Release: q.Get("release"), Tag: q.Get("tag"), Jail: q.Get("jail"), Vulnerable: q.Get("vulnerable"), Q: q.Get("q"), Stale: q.Get("stale") != ""}
	f.Offset, _ = strconv.Atoi(q.Get("offset"))
	f.Offset = max(f.Offset, 0)
	staleBefore := d.cfg.Now().Add(-d.cfg.StaleAfter)
	df := store.DashFilter{HostFilter: store.HostFilter{OS: f.OS, Tag: f.Tag, Limit: 200, Offset: f.Offset}, Release: f.Release, Jail: f.Jail, Search: f.Q}
	switch f.Vulnerable {
	case "yes":
		df.Vulnerable = 1
	case "no":
		df.Vulnerable = 2
	default:
		f.Vulnerable = ""
	}
	if f.Stale {
		df.StaleBefore = staleBefore
	}
	hosts, more, err := d.st.DashHosts(r.Context(), df)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	facets, err := d.st.HostFacets(r.Context())
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	data := hostsData{Hosts: hosts, More: more, F: f, Facets: facets, Stale: staleBefore}
	if more {
		nq := r.URL.Query()
		nq.Set("offset", strconv.Itoa(f.Offset+len(hosts)))
		data.Next = "/hosts?" + nq.Encode()
	}
	d.render(w, r, http.StatusOK, "hosts", &view{Title: "Hosts", Nav: "hosts", User: u, Data: data})
}

type findingView struct {
	store.Finding
	Exception int64
	Topic     string
}

type hostData struct {
	H           *store.Host
	Stale       bool
	Findings    []findingView
	Accepted    int
	Inventories []store.Inventory
	History     []store.Change
	Commands    []string
	System      string
	CanGuide    bool
}

// systemOf maps a host's OS to the remediation guide's kind of system.
func systemOf(os string) (remediate.System, bool) {
	switch strings.ToLower(os) {
	case "freebsd":
		return remediate.FreeBSD, true
	case "netbsd":
		return remediate.NetBSD, true
	case "sunos", "illumos", "smartos":
		return remediate.PkgsrcSmartOS, true
	case "darwin", "macos":
		return remediate.PkgsrcMacOS, true
	case "linux":
		return remediate.PkgsrcLinux, true
	}
	return "", false
}

// pathHost is the host the path names; it answers 404 (or 500) itself
// when there is none.
func (d *Dashboard) pathHost(w http.ResponseWriter, r *http.Request, u *user) (*store.Host, bool) {
	name := r.PathValue("name")
	h, err := d.st.Host(r.Context(), name)
	if errors.Is(err, store.ErrNotFound) {
		d.fail(w, r, u, http.StatusNotFound, "No host "+strconv.Quote(name)+".")
		return nil, false
	}
	if err != nil {
		d.internal(w, r, u, err)
		return nil, false
	}
	return h, true
}

func (d *Dashboard) host(w http.ResponseWriter, r *http.Request, u *user) {
	ctx := r.Context()
	h, ok := d.pathHost(w, r, u)
	if !ok {
		return
	}
	name := h.Name
	fs, err := d.st.HostFindings(ctx, name, false)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	inv, err := d.st.HostInventory(ctx, name)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	hist, err := d.st.History(ctx, name, 50)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	data := hostData{H: h, Stale: h.LastSeen.Before(d.cfg.Now().Add(-d.cfg.StaleAfter)), Inventories: inv, History: hist}
	topics := map[string]string{}
	for _, f := range fs {
		v := findingView{Finding: f}
		if id, ok := store.ExceptionID(f.IgnoredBy); ok {
			v.Exception = id
			data.Accepted++
		}
		if _, ok := topics[f.AdvisoryID]; !ok {
			topics[f.AdvisoryID], _ = d.st.Advisory(ctx, f.AdvisoryID)
		}
		v.Topic = topics[f.AdvisoryID]
		data.Findings = append(data.Findings, v)
	}
	sys, ok := systemOf(h.OS)
	data.System = string(sys)
	data.CanGuide = ok && len(fs) > 0 && d.cfg.DB() != nil
	if ok {
		seen := map[string]bool{}
		for _, f := range fs {
			if f.IgnoredBy != "" || seen[f.Package.Name] {
				continue
			}
			seen[f.Package.Name] = true
			vals := map[string]string{"name": f.Package.Name, "pkgname": f.Package.String()}
			if c, ok := remediate.Expand(sys, remediate.UpgradeBinary, vals); ok {
				data.Commands = append(data.Commands, c)
			}
		}
	}
	d.render(w, r, http.StatusOK, "host", &view{Title: h.Name, Nav: "hosts", User: u, Data: data})
}

// remediation serves the remediate package's guide for the host's open
// findings, as that package writes it.
func (d *Dashboard) remediation(w http.ResponseWriter, r *http.Request, u *user) {
	ctx := r.Context()
	h, ok := d.pathHost(w, r, u)
	if !ok {
		return
	}
	name := h.Name
	sys, ok := systemOf(h.OS)
	db := d.cfg.DB()
	if !ok || db == nil {
		d.fail(w, r, u, http.StatusNotFound, "No remediation guide: the host's system ("+h.OS+") has none, or no database is loaded.")
		return
	}
	fs, err := d.st.HostFindings(ctx, name, false)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	inv, err := d.st.HostInventory(ctx, name)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	origins := map[fleet.PkgKey]string{}
	for _, in := range inv {
		for _, p := range in.Packages {
			origins[p.Key] = p.Origin
		}
	}
	want := map[fleet.PkgKey]map[string]bool{}
	var pkgs []inventory.Package
	for _, f := range fs {
		if want[f.Package] == nil {
			want[f.Package] = map[string]bool{}
			p := f.Package.Package()
			p.Origin = origins[f.Package]
			pkgs = append(pkgs, p)
		}
		want[f.Package][f.AdvisoryID] = true
	}
	rps, err := db.Evaluate(ctx, pkgs)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	var guides []*remediate.Guide
	for i, rp := range rps {
		k := fleet.KeyOf(&pkgs[i])
		for _, f := range rp.Findings {
			if !want[k][f.Advisory.ID] {
				continue
			}
			guides = append(guides, remediate.New(&remediate.Input{System: sys, Advisory: f.Advisory, Block: f.Block(), Range: f.Range,
				Name: rp.Name, Version: rp.Version, Origin: rp.Origin, Installed: true}))
		}
	}
	if len(guides) == 0 {
		d.fail(w, r, u, http.StatusNotFound, "No open findings on "+h.Name+": nothing to remediate.")
		return
	}
	var b bytes.Buffer
	if err := remediate.HTML(&b, guides); err != nil {
		d.internal(w, r, u, err)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline' 'self'; img-src data:; frame-ancestors 'none'; base-uri 'none'")
	w.Write(b.Bytes())
}

// Advisory.

type advisoryRow struct {
	store.Finding
	Exception int64
	TimeToFix time.Duration
}

type advisoryData struct {
	ID, Topic   string
	Known       bool
	Aliases     []string
	Rows        []advisoryRow
	OpenHosts   int
	Jails       int
	Resolved    int
	Accepted    int
	FixedIn     []string
	Versions    []string
	MedianFix   time.Duration
	Exceptions  []*store.Exception
	FirstSeen   time.Time
	ExceptionTo string
}

func (d *Dashboard) advisory(w http.ResponseWriter, r *http.Request, u *user) {
	ctx := r.Context()
	id := r.URL.Query().Get("id")
	if id == "" || len(id) > 512 {
		d.fail(w, r, u, http.StatusBadRequest, "Which advisory? (/advisory?id=VID)")
		return
	}
	topic, err := d.st.Advisory(ctx, id)
	known := err == nil
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		d.internal(w, r, u, err)
		return
	}
	fs, err := d.st.AdvisoryFindings(ctx, id, true)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	if !known && len(fs) == 0 {
		d.fail(w, r, u, http.StatusNotFound, "No advisory "+strconv.Quote(id)+" in the loaded databases or the fleet's history.")
		return
	}
	data := advisoryData{ID: id, Topic: topic, Known: known}
	data.Aliases, _ = d.st.AdvisoryAliases(ctx, id)
	hosts, jails := map[string]bool{}, map[string]bool{}
	fixed, versions := map[string]bool{}, map[string]bool{}
	var fixes []time.Duration
	for _, f := range fs {
		row := advisoryRow{Finding: f}
		if data.FirstSeen.IsZero() || f.FirstSeen.Before(data.FirstSeen) {
			data.FirstSeen = f.FirstSeen
		}
		if !f.ResolvedAt.IsZero() {
			row.TimeToFix = f.ResolvedAt.Sub(f.FirstSeen)
			fixes = append(fixes, row.TimeToFix)
			data.Resolved++
		} else if eid, ok := store.ExceptionID(f.IgnoredBy); ok {
			row.Exception = eid
			data.Accepted++
		} else {
			hosts[f.Host] = true
			if f.Jail != "" {
				jails[f.Host+"/"+f.Jail] = true
			}
			versions[f.Package.String()] = true
		}
		if f.FixedIn != "" {
			fixed[f.FixedIn] = true
		}
		data.Rows = append(data.Rows, row)
	}
	// Open ones first.
	sort.SliceStable(data.Rows, func(i, j int) bool {
		return data.Rows[i].ResolvedAt.IsZero() && !data.Rows[j].ResolvedAt.IsZero()
	})
	data.OpenHosts, data.Jails = len(hosts), len(jails)
	data.FixedIn, data.Versions = keys(fixed), keys(versions)
	if len(fixes) > 0 {
		slices.Sort(fixes)
		data.MedianFix = fixes[len(fixes)/2]
	}
	all, err := d.st.Exceptions(ctx, false)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	names := map[string]bool{strings.ToLower(id): true}
	for _, a := range data.Aliases {
		names[strings.ToLower(a)] = true
	}
	for _, e := range all {
		if names[strings.ToLower(e.Advisory)] {
			data.Exceptions = append(data.Exceptions, e)
		}
	}
	d.render(w, r, http.StatusOK, "advisory", &view{Title: "Advisory " + id, Nav: "advisories", User: u, Data: data})
}

func keys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// Packages.

type packagesData struct {
	Q     string
	Names []store.NameCount
}

func (d *Dashboard) packages(w http.ResponseWriter, r *http.Request, u *user) {
	q := r.URL.Query().Get("q")
	names, err := d.st.PackageNames(r.Context(), q, 300)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	d.render(w, r, http.StatusOK, "packages", &view{Title: "Packages", Nav: "packages", User: u, Data: packagesData{Q: q, Names: names}})
}

type versionRow struct {
	Version    string
	Vulnerable bool
	Where      []store.Installed
}

type packageData struct {
	Name     string
	Versions []versionRow
	Hosts    int
}

func (d *Dashboard) pkg(w http.ResponseWriter, r *http.Request, u *user) {
	ctx := r.Context()
	name := r.PathValue("name")
	ins, err := d.st.PackageHosts(ctx, name)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	if len(ins) == 0 {
		d.fail(w, r, u, http.StatusNotFound, "No host runs a package named "+strconv.Quote(name)+".")
		return
	}
	byVersion := map[string]*versionRow{}
	hosts := map[string]bool{}
	var order []string
	for _, in := range ins {
		v := byVersion[in.Package.Version]
		if v == nil {
			v = &versionRow{Version: in.Package.Version}
			byVersion[in.Package.Version] = v
			order = append(order, in.Package.Version)
		}
		v.Where = append(v.Where, in)
		hosts[in.Host] = true
	}
	vuln := map[string]bool{}
	for h := range hosts {
		fs, err := d.st.HostFindings(ctx, h, false)
		if err != nil {
			d.internal(w, r, u, err)
			return
		}
		for _, f := range fs {
			if f.Package.Name == name {
				vuln[f.Package.Version] = true
			}
		}
	}
	slices.Sort(order)
	data := packageData{Name: name, Hosts: len(hosts)}
	for _, v := range order {
		row := byVersion[v]
		row.Vulnerable = vuln[v]
		data.Versions = append(data.Versions, *row)
	}
	d.render(w, r, http.StatusOK, "package", &view{Title: "Package " + name, Nav: "packages", User: u, Data: data})
}

// Exceptions.

type exceptionsData struct {
	Active, Ended []*store.Exception
	Log           []store.ExceptionChange
	Form          exceptionForm
	Tags          []string
}

type exceptionForm struct {
	Advisory, Scope, Target, Reason, Expires, Error string
}

func (d *Dashboard) exceptionsPage(w http.ResponseWriter, r *http.Request, u *user, status int, form exceptionForm, flash string) {
	ctx := r.Context()
	all, err := d.st.Exceptions(ctx, true)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	log, err := d.st.ExceptionLog(ctx, 100)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	facets, err := d.st.HostFacets(ctx)
	if err != nil {
		d.internal(w, r, u, err)
		return
	}
	data := exceptionsData{Log: log, Form: form, Tags: facets.Tags}
	now := d.cfg.Now()
	for _, e := range all {
		if e.Active(now) {
			data.Active = append(data.Active, e)
		} else {
			data.Ended = append(data.Ended, e)
		}
	}
	d.render(w, r, status, "exceptions", &view{Title: "Exceptions", Nav: "exceptions", User: u, Data: data, Flash: flash})
}

func (d *Dashboard) exceptions(w http.ResponseWriter, r *http.Request, u *user) {
	q := r.URL.Query()
	f := exceptionForm{Advisory: q.Get("advisory"), Scope: q.Get("scope"), Target: q.Get("target")}
	d.exceptionsPage(w, r, u, http.StatusOK, f, q.Get("done"))
}

// ParseExpiry reads an expiry as the ignore TOML writes it: a date
// (midnight UTC starting that day) or an RFC 3339 date-time; "" never.
func ParseExpiry(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02T15:04", s); err == nil {
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, errors.New("expiry " + strconv.Quote(s) + " is not a date (YYYY-MM-DD) or an RFC 3339 date-time")
	}
	return t.UTC(), nil
}

func (d *Dashboard) postException(w http.ResponseWriter, r *http.Request, u *user) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	f := exceptionForm{Advisory: r.FormValue("advisory"), Scope: r.FormValue("scope"), Target: r.FormValue("target"),
		Reason: r.FormValue("reason"), Expires: r.FormValue("expires")}
	exp, err := ParseExpiry(f.Expires)
	if err == nil && !exp.IsZero() && !exp.After(d.cfg.Now()) {
		err = errors.New("the expiry is in the past")
	}
	var e *store.Exception
	if err == nil {
		e, err = d.st.CreateException(r.Context(), &store.Exception{Advisory: f.Advisory, Scope: f.Scope, Target: f.Target, Reason: f.Reason, Expires: exp}, u.Who())
	}
	if err != nil {
		f.Error = err.Error()
		d.exceptionsPage(w, r, u, http.StatusBadRequest, f, "")
		return
	}
	d.cfg.Logger.Info("exception created", "id", e.ID, "advisory", e.Advisory, "scope", e.Scope, "target", e.Target, "by", u.Who())
	http.Redirect(w, r, "/exceptions?done="+strings.ReplaceAll("Exception "+strconv.FormatInt(e.ID, 10)+" created", " ", "+"), http.StatusSeeOther)
}

func (d *Dashboard) deleteException(w http.ResponseWriter, r *http.Request, u *user) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		d.fail(w, r, u, http.StatusBadRequest, "Bad exception id.")
		return
	}
	if err := d.st.DeleteException(r.Context(), id, u.Who()); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			d.fail(w, r, u, http.StatusNotFound, err.Error())
			return
		}
		d.internal(w, r, u, err)
		return
	}
	d.cfg.Logger.Info("exception deleted", "id", id, "by", u.Who())
	http.Redirect(w, r, "/exceptions?done=Exception+"+strconv.FormatInt(id, 10)+"+deleted", http.StatusSeeOther)
}
