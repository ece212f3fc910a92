package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet/webhook"
)

// TestServerDashboardContract runs issue 14's contract forms: GET / with a
// viewer token names every host, /metrics (viewer token, or
// --metrics-listen without one) has pkgaudit_hosts, and --webhook gets a
// signed POST for each new finding.
func TestServerDashboardContract(t *testing.T) {
	spec := "sqlite:" + filepath.Join(t.TempDir(), "fleet.db")
	dir := t.TempDir()
	db := filepath.Join(dir, "vuln.xml")
	copyFile(t, "../../testdata/vuxml/vuln-2025.xml", db)
	tokens := map[string]string{}
	for _, role := range []string{"agent", "viewer"} {
		out, errOut, code := run(t, "", "server", "token", "create", "--store", spec, "--role", role)
		if code != 0 {
			t.Fatalf("token create: %d %s", code, errOut)
		}
		tokens[role] = strings.TrimSpace(out)
	}
	var mu sync.Mutex
	var got []webhook.Event
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		sig := r.Header.Get("X-Pkgaudit-Signature")
		if !regexp.MustCompile(`^sha256=[0-9a-f]{64}$`).MatchString(sig) || !webhook.Verify([]byte("s3cret"), body, sig) {
			t.Errorf("bad signature %q", sig)
			w.WriteHeader(401)
			return
		}
		var ev webhook.Event
		json.Unmarshal(body, &ev)
		mu.Lock()
		got = append(got, ev)
		mu.Unlock()
	}))
	defer hook.Close()
	secretFile := filepath.Join(dir, "secret")
	os.WriteFile(secretFile, []byte("s3cret\n"), 0o600)
	url, log := startServer(t, "--store", spec, "-f", db, "--webhook", hook.URL, "--webhook-secret-file", secretFile,
		"--alert-interval", "20ms", "--metrics-listen", "127.0.0.1:0")
	list := filepath.Join(dir, "list")
	os.WriteFile(list, []byte("curl-8.5.0\nxrdb-1.0.9\n"), 0o644)
	if _, errOut, code := run(t, "", "report", "--server", url, "--token", tokens["agent"], "--host", "web1", "--from", list); code != 0 {
		t.Fatalf("report: %d %s\n%s", code, errOut, log.String())
	}
	get := func(u, tok string) (int, string) {
		req, _ := http.NewRequest("GET", u, nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	if code, body := get(url+"/", tokens["viewer"]); code != 200 || !strings.Contains(body, "web1") {
		t.Errorf("GET /: %d", code)
	}
	if code, _ := get(url+"/", ""); code != http.StatusSeeOther {
		t.Errorf("GET / without a token: %d", code)
	}
	if code, _ := get(url+"/", tokens["agent"]); code != 403 {
		t.Errorf("GET / with an agent token: %d", code)
	}
	if code, body := get(url+"/metrics", tokens["viewer"]); code != 200 || !strings.Contains(body, "pkgaudit_hosts") {
		t.Errorf("GET /metrics: %d", code)
	}
	if code, _ := get(url+"/metrics", ""); code != 401 {
		t.Errorf("GET /metrics without a token: %d", code)
	}
	m := regexp.MustCompile(`metrics=(http://\S+)`).FindStringSubmatch(log.String())
	if m == nil {
		t.Fatalf("no metrics listener in the log:\n%s", log.String())
	}
	if code, body := get(m[1], ""); code != 200 || !strings.Contains(body, "pkgaudit_hosts") || !strings.Contains(body, "pkgaudit_ingest") {
		t.Errorf("--metrics-listen: %d %.400s", code, body)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		mu.Lock()
		n := len(got)
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no webhook delivery:\n%s", log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if got[0].Type != "finding.new" || !strings.Contains(string(got[0].Data), `"package":"curl-8.5.0"`) {
		t.Errorf("event %+v %s", got[0], got[0].Data)
	}
	if strings.Contains(log.String(), "s3cret") {
		t.Errorf("the webhook secret was logged")
	}
}

func TestServerDashboardFlags(t *testing.T) {
	spec := "sqlite:" + filepath.Join(t.TempDir(), "fleet.db")
	for _, args := range [][]string{
		{"--webhook", "http://127.0.0.1:1/"},
		{"--webhook", "ftp://x/", "--webhook-secret", "s"},
		{"--webhook", "http://a/", "--webhook", "http://b/", "--webhook-secret", "1", "--webhook-secret", "2", "--webhook-secret", "3"},
		{"--mail-to", "root"},
		{"--webhook", "http://a/", "--webhook-secret-file", "/nonexistent/secret"},
		{"--webhook", "http://a/", "--webhook-secret-file", "/dev/null"},
	} {
		_, errOut, code := run(t, "", append([]string{"server", "--listen", "127.0.0.1:0", "--store", spec, "-f", "../../testdata/vuxml/vuln-2025.xml"}, args...)...)
		if code != 2 || errOut == "" {
			t.Errorf("%v: exit %d %q", args, code, errOut)
		}
	}
}
