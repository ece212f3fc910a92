package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/server"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/fleet/store/storetest"
	"github.com/pkgaudit/pkgaudit/fleet/wire"
)

var testNow = time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)

const vuln2025 = "../../testdata/vuxml/vuln-2025.xml"

type fixture struct {
	st                   *store.Store
	srv                  *server.Server
	ts                   *httptest.Server
	admin, viewer, agent string
	agentBound           string // bound to host "bound"
	clock                func() time.Time
}

func newFixture(t *testing.T, spec string, dbs ...string) *fixture {
	t.Helper()
	ctx := context.Background()
	if len(dbs) == 0 {
		dbs = []string{vuln2025}
	}
	now := func() time.Time { return testNow }
	st, err := store.Open(ctx, spec, store.Options{Now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	srv := server.New(server.Config{Store: st, Now: now, ToolVersion: "test", Rate: 1e6, Burst: 1e6})
	db, err := fleet.Open(dbs, fleet.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := srv.SetDB(ctx, db); err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, srv: srv, ts: httptest.NewServer(srv), clock: now}
	t.Cleanup(f.ts.Close)
	for _, x := range []struct {
		dst        *string
		role, host string
	}{{&f.admin, "admin", ""}, {&f.viewer, "viewer", ""}, {&f.agent, "agent", ""}, {&f.agentBound, "agent", "bound"}} {
		if *x.dst, _, err = st.CreateToken(ctx, x.role, x.host, ""); err != nil {
			t.Fatal(err)
		}
	}
	return f
}

func gz(t testing.TB, v any) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	if err := json.NewEncoder(zw).Encode(v); err != nil {
		t.Fatal(err)
	}
	zw.Close()
	return b.Bytes()
}

func (f *fixture) do(t testing.TB, method, path, tok string, body []byte, hdr ...string) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, f.ts.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != nil {
		req.Header.Set("Content-Encoding", "gzip")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := f.ts.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, data
}

func hostReport(name string, pkgs ...string) *wire.Report {
	r := &wire.Report{Version: 1, Host: wire.Host{Name: name, OS: "FreeBSD", Release: "14.2-RELEASE", Arch: "amd64", Tags: []string{"web"}}}
	inv := wire.Inventory{Jail: "", Packages: []wire.Package{}}
	for _, p := range pkgs {
		i := strings.LastIndexByte(p, '-')
		inv.Packages = append(inv.Packages, wire.Package{Name: p[:i], Version: p[i+1:], World: "freebsd"})
	}
	r.Inventories = []wire.Inventory{inv}
	return r
}

func decode(t testing.TB, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("%v: %s", err, data)
	}
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Paths map[string]map[string]json.RawMessage `json:"paths"`
	}
	decode(t, server.OpenAPI(), &doc)
	if doc.OpenAPI == "" || len(doc.Servers) != 1 {
		t.Fatalf("not an OpenAPI document: %+v", doc)
	}
	var documented []string
	for p, ops := range doc.Paths {
		for m := range ops {
			documented = append(documented, strings.ToUpper(m)+" "+doc.Servers[0].URL+p)
		}
	}
	routes := server.New(server.Config{}).Routes()
	slices.Sort(documented)
	slices.Sort(routes)
	if !slices.Equal(documented, routes) {
		t.Errorf("OpenAPI documents\n%s\nhandlers serve\n%s", strings.Join(documented, "\n"), strings.Join(routes, "\n"))
	}
	// And it is what the server serves.
	f := newFixture(t, storetest.SQLite(t))
	code, body := f.do(t, "GET", "/api/v1/openapi.json", "", nil)
	if code != 200 || !bytes.Equal(body, server.OpenAPI()) {
		t.Errorf("GET openapi.json: %d", code)
	}
}

func TestContractAndAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		f := newFixture(t, spec)
		rep := hostReport("web1", "curl-8.5.0", "sudo-1.9.16p2", "xrdb-1.0.9")
		rep.Inventories = append(rep.Inventories, wire.Inventory{Jail: "www", Packages: []wire.Package{{Name: "curl", Version: "8.5.0", World: "freebsd"}}})
		code, body := f.do(t, "POST", "/api/v1/reports", f.agent, gz(t, rep))
		if code != 200 {
			t.Fatalf("report: %d %s", code, body)
		}
		var v wire.Verdict
		decode(t, body, &v)
		if !v.Accepted || v.VulnerablePackages != 3 || v.Packages != 4 || !strings.Contains(v.Text, "curl-8.5.0 is vulnerable:") || !strings.Contains(v.Text, "jail www:\n") {
			t.Errorf("verdict %+v", v)
		}
		if code, body := f.do(t, "POST", "/api/v1/reports", f.agent, gz(t, hostReport("clean1", "xrdb-1.0.9"))); code != 403 {
			t.Errorf("agent token reporting for a second host: %d %s", code, body)
		}
		if code, _ := f.do(t, "POST", "/api/v1/reports", f.admin, gz(t, hostReport("clean1", "xrdb-1.0.9"))); code != 200 {
			t.Errorf("admin report: %d", code)
		}

		// GET /api/v1/hosts → {"hosts":[{"name":…,"vulnerable_packages":N,…}]}
		code, body = f.do(t, "GET", "/api/v1/hosts", f.viewer, nil)
		var hosts struct {
			Hosts []struct {
				Name               string `json:"name"`
				VulnerablePackages int    `json:"vulnerable_packages"`
			} `json:"hosts"`
		}
		decode(t, body, &hosts)
		if code != 200 || len(hosts.Hosts) != 2 || hosts.Hosts[0].Name != "clean1" || hosts.Hosts[1].VulnerablePackages != 3 {
			t.Errorf("hosts: %d %s", code, body)
		}
		code, body = f.do(t, "GET", "/api/v1/hosts?vulnerable=true&os=FreeBSD&tag=web", f.viewer, nil)
		decode(t, body, &hosts)
		if code != 200 || len(hosts.Hosts) != 1 || hosts.Hosts[0].Name != "web1" {
			t.Errorf("vulnerable hosts: %d %s", code, body)
		}
		if code, _ := f.do(t, "GET", "/api/v1/hosts?vulnerable=maybe", f.viewer, nil); code != 400 {
			t.Errorf("bad filter: %d", code)
		}

		// GET /api/v1/hosts/NAME/findings → {"results":[{"package":"name-version","vulnerabilities":[{"id":VID…}]}]}
		code, body = f.do(t, "GET", "/api/v1/hosts/web1/findings", f.viewer, nil)
		var fs struct {
			Results []struct {
				Package         string `json:"package"`
				Vulnerabilities []struct {
					ID string `json:"id"`
				} `json:"vulnerabilities"`
			} `json:"results"`
		}
		decode(t, body, &fs)
		if code != 200 || len(fs.Results) != 2 || fs.Results[0].Package != "curl-8.5.0" || fs.Results[0].Vulnerabilities[0].ID != "533b4470-3f25-11f0-b440-f02f7432cf97" {
			t.Errorf("findings: %d %s", code, body)
		}
		code, body = f.do(t, "GET", "/api/v1/hosts/web1/findings?jail=www", f.viewer, nil)
		decode(t, body, &fs)
		if code != 200 || len(fs.Results) != 1 {
			t.Errorf("jail findings: %d %s", code, body)
		}
		if code, _ := f.do(t, "GET", "/api/v1/hosts/web1/findings?jail=nope", f.viewer, nil); code != 404 {
			t.Errorf("unknown jail: %d", code)
		}
		if code, _ := f.do(t, "GET", "/api/v1/hosts/nope/findings", f.viewer, nil); code != 404 {
			t.Errorf("unknown host: %d", code)
		}

		// GET /api/v1/advisories/VID/hosts → {"hosts":[{"name":…,"packages":["name-version",…]}]}
		code, body = f.do(t, "GET", "/api/v1/advisories/533b4470-3f25-11f0-b440-f02f7432cf97/hosts", f.viewer, nil)
		var blast struct {
			Hosts []struct {
				Name     string   `json:"name"`
				Packages []string `json:"packages"`
				Jails    []string `json:"jails"`
				FixedIn  []string `json:"fixed_in"`
			} `json:"hosts"`
		}
		decode(t, body, &blast)
		if code != 200 || len(blast.Hosts) != 1 || blast.Hosts[0].Name != "web1" || !slices.Equal(blast.Hosts[0].Packages, []string{"curl-8.5.0"}) ||
			!slices.Equal(blast.Hosts[0].Jails, []string{"www"}) || len(blast.Hosts[0].FixedIn) != 1 {
			t.Errorf("blast radius: %d %s", code, body)
		}
		if code, _ := f.do(t, "GET", "/api/v1/advisories/nope/hosts", f.viewer, nil); code != 404 {
			t.Errorf("unknown advisory: %d", code)
		}
		code, body = f.do(t, "GET", "/api/v1/advisories", f.viewer, nil)
		if code != 200 || !strings.Contains(string(body), `"hosts": 1`) {
			t.Errorf("advisories: %d %s", code, body)
		}
		code, body = f.do(t, "GET", "/api/v1/packages/curl/hosts", f.viewer, nil)
		if code != 200 || strings.Count(string(body), `"package": "curl-8.5.0"`) != 2 {
			t.Errorf("package hosts: %d %s", code, body)
		}
		code, body = f.do(t, "GET", "/api/v1/summary", f.viewer, nil)
		if code != 200 || !strings.Contains(string(body), `"vulnerable_hosts": 1`) {
			t.Errorf("summary: %d %s", code, body)
		}
		code, body = f.do(t, "GET", "/api/v1/hosts/web1", f.viewer, nil)
		if code != 200 || !strings.Contains(string(body), `"www"`) {
			t.Errorf("host: %d %s", code, body)
		}
	})
}

func TestAuth(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	for _, c := range []struct {
		method, path, tok string
		want              int
	}{
		{"GET", "/api/v1/hosts", "", 401},
		{"GET", "/api/v1/hosts", strings.Repeat("0", 64), 401},
		{"GET", "/api/v1/hosts", f.agent, 403},
		{"GET", "/api/v1/summary", f.agent, 403},
		{"GET", "/api/v1/hosts", f.viewer, 200},
		{"GET", "/api/v1/hosts", f.admin, 200},
		{"POST", "/api/v1/reports", f.viewer, 403},
		{"POST", "/api/v1/reports", "", 401},
		{"GET", "/api/v1/nothing", f.viewer, 404},
	} {
		var body []byte
		if c.method == "POST" {
			body = gz(t, hostReport("x", "curl-8.5.0"))
		}
		code, resp := f.do(t, c.method, c.path, c.tok, body)
		if code != c.want {
			t.Errorf("%s %s with %q: %d %s, want %d", c.method, c.path, c.tok, code, resp, c.want)
		}
	}
	// Bound agent: its host only.
	if code, _ := f.do(t, "POST", "/api/v1/reports", f.agentBound, gz(t, hostReport("other", "curl-8.5.0"))); code != 403 {
		t.Errorf("bound agent for another host: %d", code)
	}
	if code, _ := f.do(t, "POST", "/api/v1/reports", f.agentBound, gz(t, hostReport("bound", "curl-8.5.0"))); code != 200 {
		t.Errorf("bound agent for its host: %d", code)
	}
	// Revoked.
	list, _ := f.st.Tokens(context.Background())
	for _, tk := range list {
		if tk.Role == "viewer" {
			f.st.RevokeToken(context.Background(), tk.ID)
		}
	}
	if code, _ := f.do(t, "GET", "/api/v1/hosts", f.viewer, nil); code != 401 {
		t.Errorf("revoked token: %d", code)
	}
}

func TestRateLimit(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, storetest.SQLite(t), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := testNow
	srv := server.New(server.Config{Store: st, Rate: 1, Burst: 3, Now: func() time.Time { return now }})
	ts := httptest.NewServer(srv)
	defer ts.Close()
	tok, _, _ := st.CreateToken(ctx, "viewer", "", "")
	codes := []int{}
	for range 5 {
		req, _ := http.NewRequest("GET", ts.URL+"/api/v1/summary", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes = append(codes, resp.StatusCode)
		if resp.StatusCode == 429 && resp.Header.Get("Retry-After") != "1" {
			t.Errorf("Retry-After %q", resp.Header.Get("Retry-After"))
		}
	}
	if !slices.Equal(codes, []int{200, 200, 200, 429, 429}) {
		t.Errorf("codes %v", codes)
	}
}

func TestHostileReports(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		f := newFixture(t, spec)
		post := func(body []byte, hdr ...string) (int, string) {
			code, b := f.do(t, "POST", "/api/v1/reports", f.admin, body, hdr...)
			return code, string(b)
		}
		// Oversize body.
		big := bytes.Repeat([]byte("x"), int(wire.DefaultLimits.MaxCompressed)+10)
		if code, b := post(big); code != 413 {
			t.Errorf("oversize body: %d %s", code, b)
		}
		// Gzip bomb: 100 MB of spaces in about 100 KB, as gzip members of
		// 1 MiB each (one compressed once, repeated).
		var bomb, member bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
		zw.Write([]byte(`{"version":1,"host":{"name":"bomb"},"inventories":[`))
		zw.Close()
		zw, _ = gzip.NewWriterLevel(&member, gzip.BestCompression)
		zw.Write(bytes.Repeat([]byte(" "), 1<<20))
		zw.Close()
		for range 100 {
			bomb.Write(member.Bytes())
		}
		if code, b := post(bomb.Bytes()); code != 413 {
			t.Errorf("gzip bomb (%d bytes): %d %s", bomb.Len(), code, b)
		}
		// Malformed JSON, not gzip, unknown encodings, deep nesting.
		for name, c := range map[string]struct {
			body []byte
			hdr  []string
			want int
		}{
			"malformed":    {gzRaw(`{"version":1,"host":{"name":"x"`), nil, 400},
			"not gzip":     {[]byte(`{"version":1}`), nil, 400},
			"plain":        {[]byte(`{"version":1,"host":{"name":"plain"},"inventories":[]}`), []string{"Content-Encoding", "identity"}, 200},
			"encoding":     {[]byte(`{}`), []string{"Content-Encoding", "br"}, 415},
			"deep":         {gzRaw(`{"version":1,"host":{"name":"x"},"inventories":[` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `]}`), nil, 400},
			"unknown":      {gzRaw(`{"version":1,"host":{"name":"x","evil":1},"inventories":[]}`), nil, 400},
			"version":      {gzRaw(`{"version":2,"host":{"name":"x"},"inventories":[]}`), nil, 400},
			"no host":      {gzRaw(`{"version":1,"host":{"name":""},"inventories":[]}`), nil, 400},
			"control char": {gzRaw(`{"version":1,"host":{"name":"a\u0000b"},"inventories":[]}`), nil, 400},
			"bad world":    {gzRaw(`{"version":1,"host":{"name":"x"},"inventories":[{"jail":"","packages":[{"name":"a","version":"1","world":"debian"}]}]}`), nil, 400},
			"two jails":    {gzRaw(`{"version":1,"host":{"name":"x"},"inventories":[{"jail":"","packages":[]},{"jail":"","packages":[]}]}`), nil, 400},
			"trailing":     {gzRaw(`{"version":1,"host":{"name":"x"},"inventories":[]} {}`), nil, 400},
		} {
			if code, b := post(c.body, c.hdr...); code != c.want {
				t.Errorf("%s: %d %s, want %d", name, code, b, c.want)
			}
		}
		// Too many packages.
		many := hostReport("many")
		for i := range wire.DefaultLimits.MaxPackages + 1 {
			many.Inventories[0].Packages = append(many.Inventories[0].Packages, wire.Package{Name: "p", Version: fmt.Sprint(i)})
		}
		if code, b := post(gz(t, many)); code != 413 {
			t.Errorf("too many packages: %d %s", code, b)
		}
		// SQL metacharacters in every field.
		evil := `'; DROP TABLE hosts; -- " \ % _ $1 ?`
		r := &wire.Report{Version: 1, Host: wire.Host{Name: "evil" + evil, OS: evil, Release: evil, Arch: evil, KernelVersion: evil, UserlandVersion: evil, Tags: []string{evil}, AgentVersion: evil},
			Inventories: []wire.Inventory{{Jail: evil, Packages: []wire.Package{{Name: "curl" + evil, Version: evil, Origin: evil}, {Name: "curl", Version: "8.5.0", Origin: evil}}}}}
		if code, b := post(gz(t, r)); code != 200 {
			t.Fatalf("SQL metacharacters: %d %s", code, b)
		}
		code, body := f.do(t, "GET", "/api/v1/hosts/"+urlPath("evil"+evil), f.viewer, nil)
		var h struct {
			Name, OS           string
			Jails              []string
			VulnerablePackages int `json:"vulnerable_packages"`
		}
		decode(t, body, &h)
		if code != 200 || h.OS != evil || h.Jails[0] != evil || h.VulnerablePackages != 1 {
			t.Errorf("evil host: %d %s", code, body)
		}
		code, body = f.do(t, "GET", "/api/v1/hosts?os="+urlQuery(evil)+"&tag="+urlQuery(evil), f.viewer, nil)
		if code != 200 || !strings.Contains(string(body), `"name": "evil`) {
			t.Errorf("evil filter: %d %s", code, body)
		}
		code, _ = f.do(t, "GET", "/api/v1/packages/"+urlPath("curl"+evil)+"/hosts", f.viewer, nil)
		if code != 200 {
			t.Errorf("evil package: %d", code)
		}
		// The hosts table is still there.
		if code, body := f.do(t, "GET", "/api/v1/summary", f.viewer, nil); code != 200 || !strings.Contains(string(body), `"hosts": 2`) {
			t.Errorf("summary after evil: %d %s", code, body)
		}
	})
}

func gzRaw(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write([]byte(s))
	zw.Close()
	return b.Bytes()
}

func urlPath(s string) string  { return strings.ReplaceAll(urlQuery(s), "+", "%20") }
func urlQuery(s string) string { return (&urlValues{s}).enc() }

type urlValues struct{ s string }

func (u *urlValues) enc() string {
	var b strings.Builder
	for _, c := range []byte(u.s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// TestConcurrentReports posts many reports at once, each host with its
// own agent token: every one is stored, and no host's inventory holds
// another's packages.
func TestConcurrentReports(t *testing.T) {
	n := 200
	if os.Getenv("PKGAUDIT_LONG") != "" {
		n = 1000
	}
	storetest.Each(t, func(t *testing.T, spec string) {
		f := newFixture(t, spec)
		ctx := context.Background()
		toks := make([]string, n)
		for i := range toks {
			toks[i], _, _ = f.st.CreateToken(ctx, "agent", "", "")
		}
		var wg sync.WaitGroup
		errs := make(chan string, n)
		for i := range n {
			wg.Go(func() {
				rep := hostReport(fmt.Sprintf("host%04d", i), "curl-8.5.0", "xrdb-1.0.9", fmt.Sprintf("own%d-1.%d", i, i), fmt.Sprintf("sudo-1.9.%d", i%20))
				code, body := f.do(t, "POST", "/api/v1/reports", toks[i], gz(t, rep))
				if code != 200 {
					errs <- fmt.Sprintf("host%04d: %d %s", i, code, body)
				}
			})
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
		sm, err := f.st.Summary(ctx, time.Time{})
		if err != nil || sm.Hosts != n || sm.VulnerableHosts != n {
			t.Fatalf("summary %+v %v", sm, err)
		}
		for i := range n {
			name := fmt.Sprintf("host%04d", i)
			inv, err := f.st.HostInventory(ctx, name)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range inv[0].Packages {
				got = append(got, p.Key.String())
			}
			want := []string{"curl-8.5.0", fmt.Sprintf("own%d-1.%d", i, i), fmt.Sprintf("sudo-1.9.%d", i%20), "xrdb-1.0.9"}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Errorf("%s: %v, want %v", name, got, want)
			}
		}
	})
}

// TestRestartKeepsEverything stops a server and starts another on the same
// store: hosts, findings and their first-seen times, and tokens survive.
func TestRestartKeepsEverything(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		f := newFixture(t, spec)
		if code, body := f.do(t, "POST", "/api/v1/reports", f.agent, gz(t, hostReport("web1", "curl-8.5.0", "xrdb-1.0.9"))); code != 200 {
			t.Fatalf("%d %s", code, body)
		}
		_, before := f.do(t, "GET", "/api/v1/hosts/web1/findings", f.viewer, nil)
		_, blastBefore := f.do(t, "GET", "/api/v1/advisories/533b4470-3f25-11f0-b440-f02f7432cf97/hosts", f.viewer, nil)
		f.ts.Close()
		f.st.Close()

		g := newFixture(t, spec)
		_, after := g.do(t, "GET", "/api/v1/hosts/web1/findings", f.viewer, nil)
		_, blastAfter := g.do(t, "GET", "/api/v1/advisories/533b4470-3f25-11f0-b440-f02f7432cf97/hosts", f.viewer, nil)
		if !bytes.Equal(before, after) || !bytes.Equal(blastBefore, blastAfter) {
			t.Errorf("after a restart:\n%s\n%s\nbefore:\n%s\n%s", after, blastAfter, before, blastBefore)
		}
		// The first server's agent token is still bound to web1.
		if code, _ := g.do(t, "POST", "/api/v1/reports", f.agent, gz(t, hostReport("web2", "curl-8.5.0"))); code != 403 {
			t.Errorf("bound token after restart: %d", code)
		}
	})
}

func TestHTTPServerTimeouts(t *testing.T) {
	hs := server.HTTPServer("127.0.0.1:0", http.NotFoundHandler(), slog.New(slog.DiscardHandler))
	if hs.ReadHeaderTimeout <= 0 || hs.ReadTimeout <= 0 || hs.WriteTimeout <= 0 || hs.IdleTimeout <= 0 || hs.MaxHeaderBytes <= 0 {
		t.Errorf("a timeout or bound is unset: %+v", hs)
	}
}

// TestTwoServersOneDatabase runs two servers on one PostgreSQL store:
// what one ingests the other serves, and a database change applied by both
// at once is done once.
func TestTwoServersOneDatabase(t *testing.T) {
	spec := storetest.Postgres(t)
	a := newFixture(t, spec)
	b := newFixture(t, spec)
	if code, body := a.do(t, "POST", "/api/v1/reports", a.admin, gz(t, hostReport("web1", "curl-8.5.0"))); code != 200 {
		t.Fatalf("%d %s", code, body)
	}
	if code, body := b.do(t, "POST", "/api/v1/reports", a.agent, gz(t, hostReport("web2", "sudo-1.9.16p2"))); code != 200 {
		t.Fatalf("a token made through one server, used on the other: %d %s", code, body)
	}
	code, body := b.do(t, "GET", "/api/v1/hosts?vulnerable=true", b.viewer, nil)
	if code != 200 || !strings.Contains(string(body), `"web1"`) || !strings.Contains(string(body), `"web2"`) {
		t.Errorf("hosts through the other server: %d %s", code, body)
	}
	db, err := fleet.Open([]string{"../../testdata/vuxml/vuln-2026.xml"}, fleet.OpenOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	changed := make([]bool, 2)
	for i, f := range []*fixture{a, b} {
		wg.Go(func() {
			res, err := f.srv.SetDB(context.Background(), db)
			if err != nil {
				t.Error(err)
				return
			}
			changed[i] = res.Changed
		})
	}
	wg.Wait()
	if changed[0] == changed[1] {
		t.Errorf("both or neither re-evaluated: %v", changed)
	}
	for _, f := range []*fixture{a, b} {
		code, body := f.do(t, "GET", "/api/v1/hosts?vulnerable=true", f.viewer, nil)
		if code != 200 || strings.Contains(string(body), `"web`) {
			t.Errorf("after the change (2026 entries only): %d %s", code, body)
		}
	}
}

func TestBlastRadiusPages(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	for i := range 5 {
		if code, body := f.do(t, "POST", "/api/v1/reports", f.admin, gz(t, hostReport(fmt.Sprintf("h%d", i), "curl-8.5.0"))); code != 200 {
			t.Fatalf("%d %s", code, body)
		}
	}
	var names []string
	for off := 0; ; {
		code, body := f.do(t, "GET", fmt.Sprintf("/api/v1/advisories/533b4470-3f25-11f0-b440-f02f7432cf97/hosts?limit=2&offset=%d", off), f.viewer, nil)
		var page struct {
			TotalHosts int `json:"total_hosts"`
			Hosts      []struct {
				Name string `json:"name"`
			} `json:"hosts"`
			NextOffset *int `json:"next_offset"`
		}
		decode(t, body, &page)
		if code != 200 || page.TotalHosts != 5 || len(page.Hosts) == 0 || len(page.Hosts) > 2 {
			t.Fatalf("page at %d: %d %s", off, code, body)
		}
		for _, h := range page.Hosts {
			names = append(names, h.Name)
		}
		if page.NextOffset == nil {
			break
		}
		off = *page.NextOffset
	}
	if strings.Join(names, ",") != "h0,h1,h2,h3,h4" {
		t.Errorf("pages gave %v", names)
	}
	if code, _ := f.do(t, "GET", "/api/v1/advisories/533b4470-3f25-11f0-b440-f02f7432cf97/hosts?limit=0", f.viewer, nil); code != 400 {
		t.Errorf("limit=0: %d", code)
	}
}
