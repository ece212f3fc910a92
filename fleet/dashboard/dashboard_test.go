package dashboard_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/dashboard"
	"github.com/pkgaudit/pkgaudit/fleet/metrics"
	"github.com/pkgaudit/pkgaudit/fleet/server"
	"github.com/pkgaudit/pkgaudit/fleet/session"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/fleet/store/storetest"
	"github.com/pkgaudit/pkgaudit/fleet/wire"
	"github.com/pkgaudit/pkgaudit/ignore"
)

const vuln2025 = "../../testdata/vuxml/vuln-2025.xml"

type fixture struct {
	st                   *store.Store
	api                  *server.Server
	dash                 *dashboard.Dashboard
	ts                   *httptest.Server
	db                   *fleet.DB
	admin, viewer, agent string
}

// newFixture starts the API and the dashboard over a fresh store with the
// 2025 VuXML file loaded and three hosts reported.
func newFixture(t *testing.T, spec string) *fixture {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, spec, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	api := server.New(server.Config{Store: st, ToolVersion: "test", Rate: 1e6, Burst: 1e6})
	db, err := fleet.Open([]string{vuln2025}, fleet.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := api.SetDB(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := st.SetAdvisoryAliases(ctx, db.Aliases()); err != nil {
		t.Fatal(err)
	}
	m := metrics.New(dashboard.MetricsSource(st, 48*time.Hour, api.DB))
	dash, err := dashboard.New(dashboard.Config{Store: st, API: api, DB: api.DB, Metrics: m.Handler(),
		Sessions: &session.Manager{Key: bytes.Repeat([]byte("k"), 32)}})
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, api: api, dash: dash, db: db, ts: httptest.NewServer(dash)}
	t.Cleanup(f.ts.Close)
	for _, x := range []struct {
		dst  *string
		role string
	}{{&f.admin, "admin"}, {&f.viewer, "viewer"}, {&f.agent, "agent"}} {
		if *x.dst, _, err = st.CreateToken(ctx, x.role, "", x.role+" of the test"); err != nil {
			t.Fatal(err)
		}
	}
	if _, _, err := st.CreateToken(ctx, "agent", "silent1", ""); err != nil {
		t.Fatal(err)
	}
	web := hostReport("web1", "FreeBSD", "14.2-RELEASE", []string{"web"}, "curl-8.5.0", "sudo-1.9.16p2", "xrdb-1.0.9")
	web.Inventories = append(web.Inventories, wire.Inventory{Jail: "www", Packages: []wire.Package{{Name: "curl", Version: "8.5.0", World: "freebsd"}}})
	f.report(t, web)
	f.report(t, hostReport("db1", "FreeBSD", "13.4-RELEASE", []string{"db"}, "curl-8.5.0", "postgresql16-server-16.9"))
	f.report(t, hostReport("clean1", "FreeBSD", "14.2-RELEASE", []string{"web"}, "zsh-5.9"))
	return f
}

func hostReport(name, os, release string, tags []string, pkgs ...string) *wire.Report {
	r := &wire.Report{Version: 1, Host: wire.Host{Name: name, OS: os, Release: release, Arch: "amd64", Tags: tags}}
	inv := wire.Inventory{Packages: []wire.Package{}}
	for _, p := range pkgs {
		i := strings.LastIndexByte(p, '-')
		inv.Packages = append(inv.Packages, wire.Package{Name: p[:i], Version: p[i+1:], World: "freebsd"})
	}
	r.Inventories = []wire.Inventory{inv}
	return r
}

func (f *fixture) report(t testing.TB, rep *wire.Report) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	json.NewEncoder(zw).Encode(rep)
	zw.Close()
	code, body := f.do(t, "POST", "/api/v1/reports", f.admin, b.Bytes(), "Content-Encoding", "gzip")
	if code != 200 {
		t.Fatalf("report %s: %d %s", rep.Host.Name, code, body)
	}
}

func (f *fixture) do(t testing.TB, method, path, tok string, body []byte, hdr ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, f.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(data)
}

// The contract: GET / with a viewer token names every host.
func TestContractOverview(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		f := newFixture(t, spec)
		code, body := f.do(t, "GET", "/", f.viewer, nil)
		if code != 200 {
			t.Fatalf("GET /: %d %s", code, body)
		}
		for _, h := range []string{"web1", "db1", "clean1"} {
			// The overview names the hosts in its lists; the hosts page
			// lists them all.
			_, hosts := f.do(t, "GET", "/hosts", f.viewer, nil)
			if !strings.Contains(hosts, ">"+h+"<") {
				t.Errorf("/hosts does not name %s", h)
			}
			if !strings.Contains(body, h) {
				t.Errorf("GET / does not name host %s", h)
			}
		}
		if !strings.Contains(body, "<svg") || !strings.Contains(body, "silent1") {
			t.Errorf("overview lacks the chart or the never-reported host:\n%s", body)
		}
		code, body = f.do(t, "GET", "/metrics", f.viewer, nil)
		if code != 200 || !strings.Contains(body, "pkgaudit_hosts") {
			t.Errorf("GET /metrics: %d %.300s", code, body)
		}
	})
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// TestPages walks the pages with a cookie login, as a person would.
func TestPages(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar}
	get := func(path string) string {
		t.Helper()
		resp, err := c.Get(f.ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %s", path, resp.StatusCode, b)
		}
		return string(b)
	}
	post := func(path string, v url.Values) (int, string) {
		t.Helper()
		req, _ := http.NewRequest("POST", f.ts.URL+path, strings.NewReader(v.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("Origin", f.ts.URL)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	// Not logged in: the login page.
	if body := get("/hosts"); !strings.Contains(body, `action="/login"`) {
		t.Fatalf("not redirected to the login form: %s", body)
	}
	if code, body := post("/login", url.Values{"token": {f.agent}, "next": {"/hosts"}}); code != 403 || !strings.Contains(body, "agent token may not") {
		t.Errorf("agent login: %d", code)
	}
	if code, _ := post("/login", url.Values{"token": {"00"}, "next": {"/hosts"}}); code != 401 {
		t.Errorf("bad token login: %d", code)
	}
	code, body := post("/login", url.Values{"token": {f.admin}, "next": {"//evil.example/"}})
	if code != 200 || !strings.Contains(body, "Fleet overview") {
		t.Fatalf("admin login: %d %s", code, body)
	}
	for _, c := range jar.Cookies(mustURL(f.ts.URL)) {
		if c.Value == f.admin || strings.Contains(c.Value, f.admin) {
			t.Error("the cookie holds the token")
		}
	}
	body = get("/hosts?os=FreeBSD&release=14.2-RELEASE&tag=web&vulnerable=yes")
	if !strings.Contains(body, ">web1<") || strings.Contains(body, ">clean1<") || strings.Contains(body, ">db1<") {
		t.Errorf("filter: %s", body)
	}
	body = get("/hosts?jail=www")
	if !strings.Contains(body, ">web1<") || strings.Contains(body, ">db1<") {
		t.Errorf("jail filter")
	}
	body = get("/hosts?q=CLEAN")
	if !strings.Contains(body, ">clean1<") || strings.Contains(body, ">web1<") {
		t.Errorf("search")
	}
	host := get("/hosts/web1")
	if !strings.Contains(host, "curl-8.5.0") || !strings.Contains(host, "jail www") || !strings.Contains(host, "pkg upgrade curl") {
		t.Errorf("host page: %s", host)
	}
	guide := get("/hosts/web1/remediation")
	if !strings.Contains(guide, "curl") || !strings.Contains(guide, "pkg upgrade") {
		t.Errorf("remediation guide: %.500s", guide)
	}
	// An advisory of curl-8.5.0 with CVEs.
	fs, err := f.st.HostFindings(context.Background(), "web1", false)
	if err != nil || len(fs) == 0 {
		t.Fatal(fs, err)
	}
	var adv string
	var cves []string
	for _, x := range fs {
		if x.Package.Name == "curl" {
			if a, _ := f.st.AdvisoryAliases(context.Background(), x.AdvisoryID); len(a) > 1 {
				adv, cves = x.AdvisoryID, a
				break
			}
		}
	}
	if adv == "" {
		t.Fatal("no curl advisory with two names")
	}
	ap := get("/advisory?id=" + url.QueryEscape(adv))
	if !strings.Contains(ap, ">web1<") || !strings.Contains(ap, ">db1<") || !strings.Contains(ap, "jail www") {
		t.Errorf("advisory page: %s", ap)
	}
	pp := get("/packages/curl")
	if !strings.Contains(pp, "8.5.0") || !strings.Contains(pp, ">db1<") {
		t.Errorf("package page")
	}
	if !strings.Contains(get("/packages?q=cur"), `href="/packages/curl"`) {
		t.Errorf("package search")
	}
	// Accept the risk for hosts tagged db, by one of its CVEs.
	ex := get("/exceptions")
	m := csrfRE.FindStringSubmatch(ex)
	if m == nil {
		t.Fatal("no CSRF token in the exceptions page")
	}
	v := url.Values{"advisory": {strings.ToUpper(cves[len(cves)-1])}, "scope": {"tag"}, "target": {"db"}, "reason": {"db hosts have no curl users"}, "expires": {"2999-01-01"}}
	if code, _ := post("/exceptions", v); code != 403 {
		t.Errorf("without CSRF token: %d", code)
	}
	v.Set("csrf", m[1])
	code, body = post("/exceptions", v)
	if code != 200 || !strings.Contains(body, "Exception 1 created") {
		t.Fatalf("create: %d %s", code, body)
	}
	if !strings.Contains(body, "token 1 (admin of the test) admin") {
		t.Errorf("audit log does not name the token")
	}
	if db := get("/hosts/db1"); !strings.Contains(db, "accepted (exception 1)") {
		t.Errorf("db1's finding not shown accepted")
	}
	code, _ = post("/exceptions/1/delete", url.Values{"csrf": {m[1]}})
	if code != 200 {
		t.Errorf("delete: %d", code)
	}
	if db := get("/hosts/db1"); strings.Contains(db, "accepted (exception") {
		t.Errorf("db1's finding still accepted after delete")
	}
	// Logout ends the session.
	if code, _ := post("/logout", url.Values{"csrf": {m[1]}}); code != 200 {
		t.Errorf("logout: %d", code)
	}
	if body := get("/"); !strings.Contains(body, `action="/login"`) {
		t.Errorf("still logged in after logout")
	}
}

func mustURL(s string) *url.URL { u, _ := url.Parse(s); return u }

// TestExceptionsAPI covers the API and the TOML export, whose semantics
// are the ignore package's.
func TestExceptionsAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		f := newFixture(t, spec)
		ctx := context.Background()
		fs, _ := f.st.HostFindings(ctx, "db1", false)
		if len(fs) == 0 {
			t.Fatal("db1 has no findings")
		}
		adv := fs[0].AdvisoryID
		js := func(v any) []byte { b, _ := json.Marshal(v); return b }
		if code, _ := f.do(t, "POST", "/api/v1/exceptions", f.viewer, js(map[string]string{"advisory": adv, "reason": "r"})); code != 403 {
			t.Errorf("viewer POST: %d", code)
		}
		for _, bad := range []map[string]string{{"advisory": adv}, {"advisory": adv, "reason": "r", "expires": "2001-01-01"}, {"advisory": adv, "reason": "r", "scope": "host"}, {"advisory": adv, "reason": "r", "bogus": "x"}} {
			if code, body := f.do(t, "POST", "/api/v1/exceptions", f.admin, js(bad)); code != 400 {
				t.Errorf("%v: %d %s", bad, code, body)
			}
		}
		code, body := f.do(t, "POST", "/api/v1/exceptions", f.admin, js(map[string]string{"advisory": adv, "scope": "host", "target": "db1", "reason": "compensating control", "expires": "2999-12-31"}))
		if code != 201 {
			t.Fatalf("POST: %d %s", code, body)
		}
		var e struct {
			ID       int64 `json:"id"`
			Findings int   `json:"findings"`
		}
		json.Unmarshal([]byte(body), &e)
		code, body = f.do(t, "POST", "/api/v1/exceptions", f.admin, js(map[string]string{"advisory": "CVE-2099-0001", "reason": "fleet-wide \"quoted\"\nreason"}))
		if code != 201 {
			t.Fatalf("POST fleet: %d %s", code, body)
		}
		// The host's findings JSON marks it as audit --ignore-file does.
		code, body = f.do(t, "GET", "/api/v1/hosts/db1/findings", f.viewer, nil)
		if code != 200 || !strings.Contains(body, `"ignored": 1`) || !strings.Contains(body, `"vulnerable_packages": 0`) {
			t.Errorf("findings JSON does not show the exception: %d %s", code, body)
		}
		// A report's verdict leaves it out too.
		rep := hostReport("db1", "FreeBSD", "13.4-RELEASE", []string{"db"}, "curl-8.5.0", "postgresql16-server-16.9")
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		json.NewEncoder(zw).Encode(rep)
		zw.Close()
		code, body = f.do(t, "POST", "/api/v1/reports", f.admin, b.Bytes(), "Content-Encoding", "gzip")
		if code != 200 || !strings.Contains(body, `"vulnerabilities": 0`) || !strings.Contains(body, `"vulnerable_packages": 0`) {
			t.Errorf("verdict with the finding accepted: %d %s", code, body)
		}
		code, body = f.do(t, "GET", "/api/v1/exceptions", f.viewer, nil)
		if code != 200 || !strings.Contains(body, `"compensating control"`) || !strings.Contains(body, `"findings": 1`) {
			t.Errorf("GET: %d %s", code, body)
		}
		// Export: fleet-wide only; with host=db1 its rule too.
		code, body = f.do(t, "GET", "/api/v1/exceptions.toml", f.viewer, nil)
		if code != 200 {
			t.Fatalf("TOML: %d %s", code, body)
		}
		l, err := ignore.Parse([]byte(body), "export.toml")
		if err != nil || len(l.Rules) != 1 || l.Rules[0].ID != "CVE-2099-0001" {
			t.Fatalf("fleet export %+v, %v:\n%s", l, err, body)
		}
		_, body = f.do(t, "GET", "/api/v1/exceptions.toml?host=db1", f.viewer, nil)
		l, err = ignore.Parse([]byte(body), "export.toml")
		if err != nil || len(l.Rules) != 2 {
			t.Fatalf("db1 export %+v, %v:\n%s", l, err, body)
		}
		// The exported file ignores what the server accepts: the same
		// finding, by the same rule, for db1's package.
		ids := append([]string{adv}, mustAliases(t, f.st, adv)...)
		if _, ok := l.Match(fs[0].Package.String(), ids, time.Now()); !ok {
			t.Errorf("exported rules do not match %s %s", fs[0].Package, adv)
		}
		if code, _ := f.do(t, "GET", "/api/v1/exceptions.toml?host=nope", f.viewer, nil); code != 404 {
			t.Errorf("unknown host: %d", code)
		}
		if code, _ := f.do(t, "DELETE", "/api/v1/exceptions/1", f.viewer, nil); code != 403 {
			t.Errorf("viewer DELETE: %d", code)
		}
		if code, _ := f.do(t, "DELETE", "/api/v1/exceptions/1", f.admin, nil); code != 204 {
			t.Errorf("DELETE: %d", code)
		}
		if code, _ := f.do(t, "DELETE", "/api/v1/exceptions/1", f.admin, nil); code != 404 {
			t.Errorf("DELETE again: %d", code)
		}
		code, body = f.do(t, "GET", "/api/v1/exceptions/log", f.viewer, nil)
		if code != 200 || strings.Count(body, `"action"`) != 3 || !strings.Contains(body, "admin of the test") {
			t.Errorf("log: %d %s", code, body)
		}
	})
}

func mustAliases(t *testing.T, st *store.Store, id string) []string {
	a, err := st.AdvisoryAliases(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
