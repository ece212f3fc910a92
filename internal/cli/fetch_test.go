package cli

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/fetch"
	ft "github.com/pkgaudit/pkgaudit/fetch/fetchtest"
)

var (
	fetchTestOld = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	fetchTestNew = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
)

// fetchTestScrub replaces the parts of an output that change from run to
// run (server address, temporary directory) with fixed names.
func fetchTestScrub(s, srvURL, dir string) string {
	if srvURL != "" {
		s = strings.ReplaceAll(s, srvURL, "http://SERVER")
	}
	return strings.ReplaceAll(s, dir, "DIR")
}

func TestFetchFreeBSDFeed(t *testing.T) {
	srv := ft.NewServer(t, ft.Serve(ft.XZ(t, []byte(ft.VuXML)), fetchTestNew, `"abc"`))
	dir := t.TempDir()
	env := map[string]string{"PKG_DBDIR": dir, "VULNXML_SITE": srv.URL + "/freebsd/vuln.xml.xz"}
	var log bytes.Buffer
	for i := 0; i < 2; i++ {
		out, errOut, code := runEnv(t, env, "", "fetch", "--feed", "freebsd")
		if code != 0 || out != "" {
			t.Fatalf("run %d: code %d, out %q, stderr %q", i, code, out, errOut)
		}
		log.WriteString(fetchTestScrub(errOut, srv.URL, dir))
	}
	checkGolden(t, "fetch/freebsd.txt", log.Bytes())
	got := ft.Snapshot(t, filepath.Join(dir, "vuln.xml"))
	if got.Data != ft.VuXML || got.Mode.Perm() != 0o444 || !got.ModTime.Equal(fetchTestNew) {
		t.Errorf("stored %+v", got)
	}
	// -q: silent.
	if out, errOut, code := runEnv(t, env, "", "fetch", "-q", "--feed", "freebsd"); code != 0 || out+errOut != "" {
		t.Errorf("-q: %d %q %q", code, out, errOut)
	}
}

func TestFetchPkgsrcFeedSigned(t *testing.T) {
	key := ft.NewKey(t, "pkgsrc-security")
	body := ft.PkgVulns(t, key)
	srv := ft.NewServer(t, ft.Serve(body, fetchTestNew, ""))
	dir := t.TempDir()
	kr := filepath.Join(dir, "pkgsrc.asc")
	os.WriteFile(kr, key.PublicArmored, 0o644)
	env := map[string]string{"PKG_DBDIR": dir, "PKGVULNURL": srv.URL + "/pkg-vulnerabilities.gz", "GPG_KEYRING_PKGVULN": kr}
	var log bytes.Buffer
	for _, args := range [][]string{{"pkgsrc", "fetch", "-s"}, {"pkgsrc", "fetch", "-s", "-u"}, {"fetch", "--feed", "pkgsrc", "-q"}} {
		_, errOut, code := runEnv(t, env, "", args...)
		// The signature's time makes the compressed size vary.
		errOut = regexp.MustCompile(`\(\d+ bytes`).ReplaceAllString(errOut, "(N bytes")
		log.WriteString(fmt.Sprintf("$ pkgaudit %s\n%sexit %d\n", strings.Join(args, " "), fetchTestScrub(errOut, srv.URL, dir), code))
	}
	checkGolden(t, "fetch/pkgsrc.txt", log.Bytes())
	got := ft.Snapshot(t, filepath.Join(dir, "pkg-vulnerabilities"))
	if got.Data != string(body) || got.Mode.Perm() != 0o644 {
		t.Errorf("stored %d bytes, mode %v", len(got.Data), got.Mode)
	}
	// What was stored is what pkgsrc audit reads.
	out, _, code := runEnv(t, env, "", "pkgsrc", "audit-pkg", "-s", "openssl-0.9.8p")
	if code != ExitFound || !strings.Contains(out, "openssl-0.9.8p has a denial-of-service vulnerability") {
		t.Errorf("audit of the fetched file: %d %q", code, out)
	}
}

// TestFetchFailureLines: each failure exits 2 (1 for a failed signature
// verification) with one line saying what happened (golden), and leaves
// the previous database byte-identical.
func TestFetchFailureLines(t *testing.T) {
	key := ft.NewKey(t, "pkgsrc-security")
	other := ft.NewKey(t, "impostor")
	vx := ft.XZ(t, []byte(ft.VuXML))
	type tc struct {
		name    string
		handler http.Handler
		args    []string
		env     map[string]string
		setup   func()
	}
	cases := []tc{
		{"500", ft.Status(500), nil, nil, nil},
		{"truncated body", ft.Truncated(vx, len(vx)/2), nil, nil, nil},
		{"wrong content-length", ft.Raw("HTTP/1.1 200 OK\nContent-Length: 40\nConnection: close", vx), nil, nil, nil},
		{"slow drip past the timeout", ft.Drip(10 * time.Millisecond), []string{"--timeout", "300ms"}, nil, nil},
		{"stalled", ft.Stall(), nil, nil, nil},
		{"redirect loop", ft.RedirectLoop(), nil, nil, nil},
		{"xz bomb", ft.Serve(ft.Bomb(t, "xz", 2<<20), fetchTestNew, ""), nil, nil, nil},
		{"gzip bomb", ft.Serve(ft.Bomb(t, "gzip", 2<<20), fetchTestNew, ""), nil, nil, nil},
		{"zstd bomb", ft.Serve(ft.Bomb(t, "zstd", 2<<20), fetchTestNew, ""), nil, nil, nil},
		{"html page", ft.Serve([]byte("<!DOCTYPE html>\n<html><body>Log in</body></html>\n"), fetchTestNew, ""), nil, nil, nil},
		{"tampered checksum", ft.Serve(ft.TamperedChecksum(t), fetchTestNew, ""), nil, nil, nil},
		{"bad signature", ft.Serve(ft.PkgVulns(t, other), fetchTestNew, ""), []string{"-s"}, nil, nil},
		{"missing signature", ft.Serve(ft.PkgVulns(t, nil), fetchTestNew, ""), []string{"-s"}, nil, nil},
		{"full disk", ft.Serve(vx, fetchTestNew, ""), nil, nil, func() { fetchCreateTemp = ft.FullDisk(64) }},
		{"offline", ft.Serve(vx, fetchTestNew, ""), []string{"--offline"}, nil, func() { fetchTransport = ft.NoNetwork{T: t} }},
		{"offline from the environment", ft.Serve(vx, fetchTestNew, ""), nil, map[string]string{"PKGAUDIT_OFFLINE": "1"}, func() { fetchTransport = ft.NoNetwork{T: t} }},
	}
	var log bytes.Buffer
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			defer func() { fetchCreateTemp, fetchTransport = nil, nil }()
			if c.setup != nil {
				c.setup()
			}
			srv := ft.NewServer(t, c.handler)
			dir := t.TempDir()
			cfgFile := filepath.Join(dir, "pkgaudit.toml")
			os.WriteFile(cfgFile, []byte("[fetch]\nmax_unpacked = \"1MiB\"\nidle_timeout = \"200ms\"\n"), 0o644)
			kr := filepath.Join(dir, "keyring.asc")
			os.WriteFile(kr, key.PublicArmored, 0o644)
			dest := filepath.Join(dir, "db")
			ft.OldDatabase(t, dest, "previous copy\n", fetchTestOld)
			before, names := ft.Snapshot(t, dest), ft.Dir(t, dir)
			env := map[string]string{"PKG_DBDIR": dir, "GPG_KEYRING_PKGVULN": kr}
			for k, v := range c.env {
				env[k] = v
			}
			args := append([]string{"fetch", "--config", cfgFile, "--feed", srv.URL + "/feed", "-o", dest}, c.args...)
			out, errOut, code := runEnv(t, env, "", args...)
			// A failed signature verification exits 1, like every failed
			// verification; other failures 2.
			want := ExitError
			if c.name == "bad signature" || c.name == "missing signature" {
				want = ExitFound
			}
			if code != want || out != "" || strings.Count(errOut, "\n") != 1 {
				t.Errorf("code %d, stdout %q, stderr %q: want exit %d and one line", code, out, errOut, want)
			}
			if got := ft.Snapshot(t, dest); got != before {
				t.Errorf("previous copy changed: %+v", got)
			}
			if got := ft.Dir(t, dir); got != names {
				t.Errorf("directory %q, was %q", got, names)
			}
			fmt.Fprintf(&log, "%s: %s", c.name, fetchTestScrub(errOut, srv.URL, dir))
		})
	}
	checkGolden(t, "fetch/failures.txt", log.Bytes())
}

func TestFetchUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"fetch", "--feed", "gopher://x/y"},
		{"fetch", "--feed", "https://example.org/data.bin"},
		{"fetch", "--feed", "freebsd", "-s"},
		{"fetch", "extra"},
	} {
		// The message, then the usage line (issue 12, C.9).
		_, errOut, code := runEnv(t, map[string]string{"PKG_DBDIR": t.TempDir()}, "", args...)
		if code != ExitError || strings.Count(errOut, "\n") != 2 || !strings.Contains(errOut, "\nusage: pkgaudit fetch [--feed ") {
			t.Errorf("%v: code %d, stderr %q", args, code, errOut)
		}
	}
}

func TestFetchProgressOnTerminal(t *testing.T) {
	srv := ft.NewServer(t, ft.Serve(ft.XZ(t, []byte(strings.Replace(ft.VuXML, "<vuln ", "<!--"+strings.Repeat(" ", 200<<10)+"-->\n<vuln ", 1))), fetchTestNew, ""))
	dir := t.TempDir()
	for _, quiet := range []bool{false, true} {
		var out, errb bytes.Buffer
		e := testEnv("", &out, &errb)
		e.Getenv = func(k string) string {
			return map[string]string{"PKG_DBDIR": dir, "VULNXML_SITE": srv.URL + "/vuln.xml.xz"}[k]
		}
		e.IsTerminal = func(w io.Writer) bool { return w == &errb }
		args := []string{"fetch", "--feed", "freebsd", "--force"}
		if quiet {
			args = append(args, "-q")
		}
		if code := Main(args, e); code != 0 {
			t.Fatalf("code %d: %s", code, errb.String())
		}
		bar := strings.Contains(errb.String(), "vuln.xml.xz")
		if !quiet && (!bar || !strings.Contains(errb.String(), "\r")) {
			t.Errorf("no progress bar on a terminal: %q", errb.String())
		}
		if quiet && errb.Len() != 0 {
			t.Errorf("-q on a terminal: %q", errb.String())
		}
	}
}

func TestFetchForAuditHook(t *testing.T) {
	srv := ft.NewServer(t, ft.Serve(ft.XZ(t, []byte(ft.VuXML)), fetchTestNew, ""))
	dir := t.TempDir()
	cfg, err := config.LoadPaths("", func(k string) string {
		return map[string]string{"PKG_DBDIR": dir, "VULNXML_SITE": srv.URL + "/vuln.xml.xz"}[k]
	}, config.Paths{})
	if err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	env := testEnv("", &out, &errb)
	db := filepath.Join(dir, "custom.xml")
	if err := fetchForAudit(env, cfg, db, true); err != nil {
		t.Fatal(err)
	}
	if ft.Snapshot(t, db).Data != ft.VuXML || errb.Len() != 0 {
		t.Errorf("stored %q, stderr %q", ft.Snapshot(t, db).Data, errb.String())
	}
	if err := fetchForAudit(env, cfg, db, false); err != nil || !strings.Contains(errb.String(), "is up to date") {
		t.Errorf("up to date: %v %q", err, errb.String())
	}
	// Offline: refused before any network use.
	fetchTransport = ft.NoNetwork{T: t}
	defer func() { fetchTransport = nil }()
	cfg.Fetch.Offline = true
	err = fetchForAudit(env, cfg, db, true)
	if err == nil || !strings.Contains(err.Error(), "offline") {
		t.Errorf("offline: %v", err)
	}
	// Offline with a file:// source works.
	src := filepath.Join(dir, "mirror.xml")
	os.WriteFile(src, []byte(ft.VuXML), 0o644)
	cfg.FreeBSD.Site = "file://" + src
	if err := fetchForAudit(env, cfg, filepath.Join(dir, "from-file.xml"), true); err != nil {
		t.Errorf("offline file://: %v", err)
	}
	// A failure leaves the file and says so in one line.
	cfg.FreeBSD.Site = "file://" + filepath.Join(dir, "missing.xml.xz")
	err = fetchForAudit(env, cfg, db, true)
	if err == nil || !strings.HasSuffix(err.Error(), db+" left unchanged") {
		t.Errorf("failure: %v", err)
	}
}

func TestFetchStaleWarning(t *testing.T) {
	dir := t.TempDir()
	cfg, err := config.LoadPaths("", func(k string) string { return map[string]string{"PKG_DBDIR": dir}[k] }, config.Paths{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) // testEnv's clock
	var log bytes.Buffer
	for _, c := range []struct {
		file string
		age  time.Duration
		days int
	}{
		{"vuln.xml", 6 * 24 * time.Hour, 7},
		{"vuln.xml", 7*24*time.Hour + time.Second, 7},
		{"vuln.xml", 30 * 24 * time.Hour, 7},
		{"vuln.xml", 30 * 24 * time.Hour, 0},
		{"pkg-vulnerabilities", 12 * 24 * time.Hour, 7},
		{"missing", 0, 7},
	} {
		p := filepath.Join(dir, c.file)
		if c.file != "missing" {
			ft.OldDatabase(t, p, "x", now.Add(-c.age))
		}
		cfg.Audit.StaleDays = c.days
		var out, errb bytes.Buffer
		fetchStaleWarning(testEnv("", &out, &errb), cfg, p)
		fmt.Fprintf(&log, "%s age %v stale_days %d: %s\n", c.file, c.age, c.days, strings.TrimSuffix(fetchTestScrub(errb.String(), "", dir), "\n"))
	}
	checkGolden(t, "fetch/stale.txt", log.Bytes())
}

// An "up to date" answer counts as a refresh: neither the stale warning
// nor --max-age look only at the file's mtime (the server's time).
func TestFetchUpToDateCountsAsRefresh(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vuln.xml")
	old := time.Now().Add(-30 * 24 * time.Hour).UTC().Truncate(time.Second)
	srv := ft.NewServer(t, ft.Serve(ft.XZ(t, []byte(ft.VuXML)), old, `"e1"`))
	env := map[string]string{"PKG_DBDIR": dir, "VULNXML_SITE": srv.URL + "/vuln.xml.xz"}
	var out, errb bytes.Buffer
	e := testEnv("", &out, &errb)
	e.Now = time.Now
	e.Getenv = func(k string) string { return env[k] }
	if code := Main([]string{"fetch", "--feed", "freebsd", "-q"}, e); code != 0 {
		t.Fatalf("fetch: %d %s", code, errb.String())
	}
	cfg, _ := config.LoadPaths("", e.Getenv, config.Paths{})
	fetchStaleWarning(e, cfg, db)
	if errb.Len() != 0 {
		t.Errorf("fresh fetch of an old file warned: %q", errb.String())
	}
	// --max-age: no request at all while the copy is fresh.
	n := len(srv.Requests())
	if code := Main([]string{"fetch", "--feed", "freebsd", "--max-age", "1"}, e); code != 0 || len(srv.Requests()) != n || !strings.Contains(errb.String(), "not fetching") {
		t.Errorf("--max-age 1: code %d, %d requests, stderr %q", code, len(srv.Requests())-n, errb.String())
	}
	// Once the sidecar is old too, the warning comes back, and a 304
	// makes it go away again.
	os.Chtimes(fetch.SidecarPath(db), old, old)
	errb.Reset()
	fetchStaleWarning(e, cfg, db)
	if !strings.Contains(errb.String(), "was last refreshed 30 days ago") {
		t.Errorf("stale: %q", errb.String())
	}
	if code := Main([]string{"fetch", "--feed", "freebsd", "--max-age", "1", "-q"}, e); code != 0 || len(srv.Requests()) != n+1 {
		t.Errorf("--max-age with an old copy: code %d, %d requests", code, len(srv.Requests())-n)
	}
	if got := srv.Requests()[n].Header.Get("If-None-Match"); got != `"e1"` {
		t.Errorf("If-None-Match %q", got)
	}
	errb.Reset()
	fetchStaleWarning(e, cfg, db)
	if errb.Len() != 0 {
		t.Errorf("after 304: %q", errb.String())
	}
}

func TestFetchForAuditRefusesOSV(t *testing.T) {
	cfg, _ := config.LoadPaths("", func(string) string { return "" }, config.Paths{})
	var out, errb bytes.Buffer
	fetchTransport = ft.NoNetwork{T: t}
	defer func() { fetchTransport = nil }()
	for _, p := range []string{"/tmp/osv.zip", "/tmp/x.json"} {
		if err := fetchForAudit(testEnv("", &out, &errb), cfg, p, true); err == nil || !strings.Contains(err.Error(), "no feed") {
			t.Errorf("%s: %v", p, err)
		}
	}
}
