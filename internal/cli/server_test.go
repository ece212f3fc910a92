package cli

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet/store/storetest"
	"github.com/pkgaudit/pkgaudit/internal/pkgdbtest"
)

// syncBuffer is a bytes.Buffer safe for a writer and a reader at once.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// startServer runs pkgaudit server with args until the test ends and
// returns its URL.
func startServer(t *testing.T, args ...string) (url string, log *syncBuffer) {
	t.Helper()
	log = &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	env := testEnv("", io.Discard, log)
	env.Now = time.Now
	root := NewRoot(env)
	root.SetArgs(append([]string{"server", "--listen", "127.0.0.1:0"}, args...))
	done := make(chan error, 1)
	go func() { done <- root.ExecuteContext(ctx) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("server: %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Errorf("server did not stop")
		}
	})
	re := regexp.MustCompile(`url=(https?://127\.0\.0\.1:\d+)`)
	for range 500 {
		if m := re.FindStringSubmatch(log.String()); m != nil {
			return m[1], log
		}
		select {
		case err := <-done:
			done <- err // for the cleanup
			t.Fatalf("server ended: %v\n%s", err, log.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	t.Fatalf("server did not start:\n%s", log.String())
	return "", nil
}

func apiGet(t *testing.T, url, tok string, v any) int {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	if v != nil && resp.StatusCode == 200 {
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatalf("%s: %v\n%s", url, err, data)
		}
	}
	return resp.StatusCode
}

func copyFile(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	tmp := dst + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, dst); err != nil {
		t.Fatal(err)
	}
}

// TestServerContract runs the contract forms in-process: token
// create prints one token, report --from exits 0, the API answers in the
// documented shapes, and a database file changed on disk is reloaded and
// re-evaluated.
func TestServerContract(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		if strings.HasPrefix(spec, "sqlite:") {
			spec = "sqlite:" + filepath.Join(t.TempDir(), "fleet.db")
		}
		dir := t.TempDir()
		db := filepath.Join(dir, "vuln.xml")
		copyFile(t, "../../testdata/vuxml/vuln-2025.xml", db)
		tokens := map[string]string{}
		for _, role := range []string{"agent", "viewer", "admin"} {
			out, errOut, code := run(t, "", "server", "token", "create", "--store", spec, "--role", role)
			if code != 0 || !regexp.MustCompile(`^[0-9a-f]{64}\n$`).MatchString(out) {
				t.Fatalf("token create --role %s: %d %q %s", role, code, out, errOut)
			}
			tokens[role] = strings.TrimSpace(out)
		}
		url, log := startServer(t, "--store", spec, "-f", db, "--watch", "20ms")

		list := filepath.Join(dir, "list")
		os.WriteFile(list, []byte("curl-8.5.0\nxrdb-1.0.9\n"), 0o644)
		if _, errOut, code := run(t, "", "report", "--server", url, "--token", tokens["agent"], "--host", "web1", "--from", list); code != 0 {
			t.Fatalf("report: %d %s\n%s", code, errOut, log.String())
		}
		out, errOut, code := run(t, "", "report", "--server", url, "--token", tokens["agent"], "--host", "web1", "--from", list, "--print")
		if code != 1 || !strings.HasPrefix(out, "curl-8.5.0 is vulnerable:\n") || !strings.HasSuffix(out, "1 problem(s) in 1 package(s) found.\n") {
			t.Errorf("report --print: %d %q %s", code, out, errOut)
		}
		if _, errOut, code := run(t, "", "report", "--server", url, "--token", tokens["agent"], "--host", "web2", "--from", list); code != 2 || !strings.Contains(errOut, "another host") {
			t.Errorf("report for a second host with a bound token: %d %s", code, errOut)
		}
		var hosts struct {
			Hosts []struct {
				Name               string `json:"name"`
				VulnerablePackages int    `json:"vulnerable_packages"`
			} `json:"hosts"`
		}
		if code := apiGet(t, url+"/api/v1/hosts", tokens["viewer"], &hosts); code != 200 || len(hosts.Hosts) != 1 || hosts.Hosts[0].Name != "web1" || hosts.Hosts[0].VulnerablePackages != 1 {
			t.Errorf("hosts: %d %+v", code, hosts)
		}
		if code := apiGet(t, url+"/api/v1/hosts", "", nil); code != 401 {
			t.Errorf("no token: %d", code)
		}
		var blast struct {
			Hosts []struct {
				Name     string   `json:"name"`
				Packages []string `json:"packages"`
			} `json:"hosts"`
		}
		const vid = "533b4470-3f25-11f0-b440-f02f7432cf97"
		if code := apiGet(t, url+"/api/v1/advisories/"+vid+"/hosts", tokens["admin"], &blast); code != 200 || len(blast.Hosts) != 1 || blast.Hosts[0].Packages[0] != "curl-8.5.0" {
			t.Errorf("blast radius: %d %+v", code, blast)
		}

		// The database file changes: reloaded, curl's finding resolved.
		copyFile(t, "../../testdata/vuxml/vuln-2003.xml", db)
		deadline := time.Now().Add(20 * time.Second)
		for {
			var fs struct {
				Results []json.RawMessage `json:"results"`
			}
			apiGet(t, url+"/api/v1/hosts/web1/findings", tokens["viewer"], &fs)
			if len(fs.Results) == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("database change not applied:\n%s", log.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		if !strings.Contains(log.String(), "reason=\"changed on disk\"") {
			t.Errorf("log lacks the reload:\n%s", log.String())
		}
		if strings.Contains(log.String(), tokens["agent"]) || strings.Contains(log.String(), tokens["viewer"]) {
			t.Errorf("a token was logged")
		}

		// token list and revoke.
		out, _, code = run(t, "", "server", "token", "list", "--store", spec)
		if code != 0 || !strings.Contains(out, "agent   web1") || strings.Contains(out, tokens["agent"]) {
			t.Errorf("token list: %d\n%s", code, out)
		}
		if _, errOut, code := run(t, "", "server", "token", "revoke", "--store", spec, "1"); code != 0 {
			t.Errorf("revoke: %d %s", code, errOut)
		}
		if _, errOut, code := run(t, "", "report", "--server", url, "--token", tokens["agent"], "--host", "web1", "--from", list); code != 2 || !strings.Contains(errOut, "401") {
			t.Errorf("report with a revoked token: %d %s", code, errOut)
		}
		if _, errOut, code := run(t, "", "server", "token", "create", "--store", spec, "--role", "root"); code != 2 || !strings.Contains(errOut, "--role") {
			t.Errorf("bad role: %d %s", code, errOut)
		}
	})
}

// selfSigned writes a certificate for 127.0.0.1 and its key.
func selfSigned(t *testing.T, dir string) (cert, key string) {
	t.Helper()
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "pkgaudit test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o644)
	os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}), 0o600)
	return cert, key
}

// TestServerTLS serves HTTPS with --tls-cert/--tls-key; the agent trusts
// it with --ca-file and refuses it without.
func TestServerTLS(t *testing.T) {
	dir := t.TempDir()
	cert, key := selfSigned(t, dir)
	spec := "sqlite:" + filepath.Join(dir, "fleet.db")
	out, _, code := run(t, "", "server", "token", "create", "--store", spec, "--role", "admin")
	if code != 0 {
		t.Fatal(code)
	}
	tok := strings.TrimSpace(out)
	url, _ := startServer(t, "--store", spec, "-f", "../../testdata/vuxml/vuln-2025.xml", "--tls-cert", cert, "--tls-key", key)
	if !strings.HasPrefix(url, "https://") {
		t.Fatalf("url %s", url)
	}
	if _, errOut, code := run(t, "curl-8.5.0\n", "report", "--server", url, "--token", tok, "--host", "h", "--from", "-", "--ca-file", cert, "--print"); code != 1 {
		t.Errorf("report over TLS: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "curl-8.5.0\n", "report", "--server", url, "--token", tok, "--host", "h", "--from", "-", "--attempts", "1"); code != 2 || !strings.Contains(errOut, "certificate") {
		t.Errorf("report to an untrusted certificate: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "server", "--store", spec, "--tls-cert", cert); code != 2 || !strings.Contains(errOut, "--tls-key") {
		t.Errorf("--tls-cert alone: %d %s", code, errOut)
	}
}

// TestReportJails reads the running jails through jls(8) (a fake one on
// PATH) and each jail's package database.
func TestReportJails(t *testing.T) {
	dir := t.TempDir()
	root := filepath.Join(dir, "jails", "www")
	os.MkdirAll(filepath.Join(root, "var/db/pkg"), 0o755)
	pkgdbtest.Build(t, filepath.Join(root, "var/db/pkg"), []pkgdbtest.Pkg{{Name: "curl", Version: "8.5.0", Origin: "ftp/curl"}})
	bin := t.TempDir()
	os.WriteFile(filepath.Join(bin, "jls"), []byte("#!/bin/sh\necho www "+root+"\necho empty "+filepath.Join(dir, "jails", "empty")+"\n"), 0o755)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	spec := "sqlite:" + filepath.Join(dir, "fleet.db")
	out, _, _ := run(t, "", "server", "token", "create", "--store", spec, "--role", "admin")
	tok := strings.TrimSpace(out)
	url, _ := startServer(t, "--store", spec, "-f", "../../testdata/vuxml/vuln-2025.xml")
	// A jail without a package database is no clean jail: nothing was
	// audited there, and the report is not sent.
	if out, errOut, code := run(t, "xrdb-1.0.9\n", "report", "--server", url, "--token", tok, "--host", "h", "--from", "-", "--jail", "all", "--print"); code != 2 || !strings.Contains(errOut, "jail empty: no installed-package database") || !strings.Contains(errOut, "nothing was audited") {
		t.Errorf("--jail all with a jail without packages: %d\n%s%s", code, out, errOut)
	}
	os.MkdirAll(filepath.Join(dir, "jails", "empty", "var/db/pkg"), 0o755)
	pkgdbtest.Build(t, filepath.Join(dir, "jails", "empty", "var/db/pkg"), nil)
	out, errOut, code := run(t, "xrdb-1.0.9\n", "report", "--server", url, "--token", tok, "--host", "h", "--from", "-", "--jail", "all", "--print")
	if code != 1 || !strings.Contains(out, "jail www:\ncurl-8.5.0 is vulnerable:") || !strings.Contains(out, "jail empty:\n0 problem(s)") {
		t.Errorf("--jail all: %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := run(t, "", "report", "--server", url, "--token", tok, "--host", "h", "--from", "-", "--jail", "nope"); code != 2 || !strings.Contains(errOut, "jail nope is not running") {
		t.Errorf("--jail nope: %d %s", code, errOut)
	}
	var h struct {
		Jails []string `json:"jails"`
	}
	if code := apiGet(t, url+"/api/v1/hosts/h", tok, &h); code != 200 || len(h.Jails) != 2 {
		t.Errorf("host jails: %d %+v", code, h)
	}
}

// wrapVuXML writes the year file src as a whole VuXML document at dst.
func wrapVuXML(t *testing.T, src, dst string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	doc := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">\n" + string(data) + "</vuxml>\n"
	if err := os.WriteFile(dst+".tmp", []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(dst+".tmp", dst); err != nil {
		t.Fatal(err)
	}
}

// TestServerRefreshesConfiguredFeed: without -f the server fetches the
// configured database (here from a file:// site, verified as fetch
// verifies it) at start and every --refresh, and re-evaluates when it
// changed.
func TestServerRefreshesConfiguredFeed(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.xml")
	wrapVuXML(t, "../../testdata/vuxml/vuln-2025.xml", src)
	conf := filepath.Join(dir, "pkgaudit.toml")
	os.WriteFile(conf, []byte("[freebsd]\nvulnxml = \""+filepath.Join(dir, "vuln.xml")+"\"\nsite = \"file://"+src+"\"\n"), 0o644)
	spec := "sqlite:" + filepath.Join(dir, "fleet.db")
	out, _, _ := run(t, "", "server", "token", "create", "--store", spec, "--role", "admin")
	tok := strings.TrimSpace(out)
	url, log := startServer(t, "--store", spec, "--config", conf, "--refresh", "50ms")
	list := filepath.Join(dir, "list")
	os.WriteFile(list, []byte("curl-8.5.0\n"), 0o644)
	if out, errOut, code := run(t, "", "report", "--server", url, "--token", tok, "--host", "h", "--from", list, "--print"); code != 1 {
		t.Fatalf("report against the fetched database: %d %s %s\n%s", code, out, errOut, log.String())
	}
	// The feed changes: fetched, reloaded, the finding resolved.
	wrapVuXML(t, "../../testdata/vuxml/vuln-2003.xml", src)
	future := time.Now().Add(time.Hour)
	os.Chtimes(src, future, future)
	deadline := time.Now().Add(20 * time.Second)
	for {
		var h struct {
			VulnerablePackages int `json:"vulnerable_packages"`
		}
		apiGet(t, url+"/api/v1/hosts/h", tok, &h)
		if h.VulnerablePackages == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the refreshed feed was not applied:\n%s", log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}
