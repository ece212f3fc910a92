package dashboard_test

import (
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/fleet/store/storetest"
)

// TestAuthorization covers every page and every API route: nothing is
// readable without a token, an agent token reads no page and no API
// resource, a viewer token writes nothing, an admin does everything.
func TestAuthorization(t *testing.T) {
	f := newFixture(t, storetest.SQLite(t))
	fill := func(pattern string) (method, path string) {
		method, path, _ = strings.Cut(pattern, " ")
		path = strings.NewReplacer("{name}", "web1", "{id}", "1", "{$}", "").Replace(path)
		if path == "/advisory" {
			path += "?id=CVE-2099-0001"
		}
		return method, path
	}
	writes := map[string]bool{"POST": true, "DELETE": true}
	type route struct {
		pattern string
		api     bool
		admin   bool // needs an admin
		agent   bool // agents may
		public  bool
	}
	var routes []route
	for _, p := range f.dash.Routes() {
		m, _, _ := strings.Cut(p, " ")
		routes = append(routes, route{pattern: p, admin: writes[m] && !strings.Contains(p, "logout")})
	}
	for _, p := range f.api.Routes() {
		m, path, _ := strings.Cut(p, " ")
		routes = append(routes, route{pattern: p, api: true, admin: writes[m] && path != "/api/v1/reports",
			agent: path == "/api/v1/reports", public: path == "/api/v1/openapi.json"})
	}
	if len(routes) < 25 {
		t.Fatalf("only %d routes: %v", len(routes), routes)
	}
	for _, r := range routes {
		method, path := fill(r.pattern)
		if r.public {
			continue
		}
		body := []byte(nil)
		// No token.
		code, out := f.do(t, method, path, "", body)
		switch {
		case code == 303 && method == "GET" && !r.api && path != "/metrics":
			if strings.Contains(out, "db1") || strings.Contains(out, "8.5.0") {
				t.Errorf("%s %s without a token shows data", method, path)
			}
		case code == 401:
		default:
			t.Errorf("%s %s without a token: %d", method, path, code)
		}
		// A bad token.
		if code, _ := f.do(t, method, path, strings.Repeat("0", 64), body); code != 401 {
			t.Errorf("%s %s with an unknown token: %d", method, path, code)
		}
		// Agent.
		if !r.agent {
			if code, _ := f.do(t, method, path, f.agent, body); code != 403 {
				t.Errorf("%s %s with an agent token: %d, want 403", method, path, code)
			}
		}
		// Viewer.
		code, _ = f.do(t, method, path, f.viewer, body)
		if r.admin || r.agent {
			if code != 403 {
				t.Errorf("%s %s with a viewer token: %d, want 403", method, path, code)
			}
		} else if code == 401 || code == 403 {
			t.Errorf("%s %s with a viewer token: %d", method, path, code)
		}
		// Admin.
		if code, _ := f.do(t, method, path, f.admin, body); code == 401 || code == 403 {
			t.Errorf("%s %s with an admin token: %d", method, path, code)
		}
	}
	// Writes by a viewer changed nothing.
	if list, _ := f.st.ExceptionLog(t.Context(), 0); len(list) != 0 {
		t.Errorf("exception log after the viewer's tries: %+v", list)
	}
}
