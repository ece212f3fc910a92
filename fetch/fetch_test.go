package fetch_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/fetch"
	ft "github.com/pkgaudit/pkgaudit/fetch/fetchtest"
	"github.com/pkgaudit/pkgaudit/internal/decompress"
)

var (
	oldTime = time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	newTime = time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
)

func run(t *testing.T, o fetch.Options) (*fetch.Result, error) {
	t.Helper()
	return fetch.Run(context.Background(), o)
}

func TestFetchNewVuXML(t *testing.T) {
	for _, tc := range []struct {
		name   string
		body   []byte
		layers []decompress.Format
	}{
		{"xz", ft.XZ(t, []byte(ft.VuXML)), []decompress.Format{decompress.XZ}},
		{"gzip", ft.Gzip([]byte(ft.VuXML)), []decompress.Format{decompress.Gzip}},
		{"bzip2", ft.Bzip2(t, []byte(ft.VuXML)), []decompress.Format{decompress.Bzip2}},
		{"zstd", ft.Zstd(t, []byte(ft.VuXML)), []decompress.Format{decompress.Zstd}},
		{"plain", []byte(ft.VuXML), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := ft.NewServer(t, ft.Serve(tc.body, newTime, `"v2"`))
			dest := filepath.Join(t.TempDir(), "vuln.xml")
			res, err := run(t, fetch.Options{URL: srv.URL + "/vuln.xml.xz", Dest: dest, Kind: fetch.VuXML})
			if err != nil {
				t.Fatal(err)
			}
			got := ft.Snapshot(t, dest)
			if got.Data != ft.VuXML || !got.ModTime.Equal(newTime) || got.Mode.Perm() != 0o444 {
				t.Errorf("stored %+v", got)
			}
			if res.UpToDate || res.Entries != 2 || res.Downloaded != int64(len(tc.body)) || res.Written != int64(len(ft.VuXML)) || res.ETag != `"v2"` || len(res.Layers) != len(tc.layers) {
				t.Errorf("result %+v", res)
			}
			// The first request is unconditional: there was no local copy.
			r := srv.Requests()[0]
			if r.Header.Get("If-Modified-Since") != "" || r.Header.Get("If-None-Match") != "" || !strings.HasPrefix(r.Header.Get("User-Agent"), "pkgaudit") {
				t.Errorf("request headers %v", r.Header)
			}
		})
	}
}

func TestFetchNotModified(t *testing.T) {
	srv := ft.NewServer(t, ft.Serve(ft.XZ(t, []byte(ft.VuXML)), newTime, ""))
	dest := filepath.Join(t.TempDir(), "vuln.xml")
	ft.OldDatabase(t, dest, "old", newTime) // as new as the server's copy
	before := ft.Snapshot(t, dest)
	res, err := run(t, fetch.Options{URL: srv.URL + "/vuln.xml.xz", Dest: dest})
	if err != nil || !res.UpToDate {
		t.Fatalf("res %+v, err %v", res, err)
	}
	if got := srv.Requests()[0].Header.Get("If-Modified-Since"); got != newTime.Format(http.TimeFormat) {
		t.Errorf("If-Modified-Since %q", got)
	}
	if ft.Snapshot(t, dest) != before {
		t.Error("up-to-date file changed")
	}
	// --force asks unconditionally and replaces.
	res, err = run(t, fetch.Options{URL: srv.URL + "/vuln.xml.xz", Dest: dest, Force: true})
	if err != nil || res.UpToDate || ft.Snapshot(t, dest).Data != ft.VuXML {
		t.Fatalf("force: %+v %v", res, err)
	}
}

// A server that answers 304 to any conditional request.
func TestFetch304Always(t *testing.T) {
	srv := ft.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-Modified-Since") != "" {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte(ft.VuXML))
	}))
	dest := filepath.Join(t.TempDir(), "vuln.xml")
	ft.OldDatabase(t, dest, "old", oldTime)
	res, err := run(t, fetch.Options{URL: srv.URL, Dest: dest})
	if err != nil || !res.UpToDate || ft.Snapshot(t, dest).Data != "old" {
		t.Fatalf("%+v %v", res, err)
	}
	// Without a local copy, a 304 is an error, not "up to date".
	os.Remove(dest)
	srv2 := ft.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNotModified) }))
	if _, err := run(t, fetch.Options{URL: srv2.URL, Dest: dest}); !errors.Is(err, fetch.ErrStatus) {
		t.Errorf("304 without a local copy: %v", err)
	}
}

func TestFetchETagRoundTrip(t *testing.T) {
	body := ft.XZ(t, []byte(ft.VuXML))
	etag := `"v1"`
	srv := ft.NewServer(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Last-Modified moves on every answer: only the ETag can say
		// "unchanged".
		w.Header().Set("ETag", etag)
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Last-Modified", time.Now().UTC().Format(http.TimeFormat))
		w.Write(body)
	}))
	dir := t.TempDir()
	dest := filepath.Join(dir, "vuln.xml")
	url := srv.URL + "/vuln.xml.xz"
	if _, err := run(t, fetch.Options{URL: url, Dest: dest}); err != nil {
		t.Fatal(err)
	}
	side, err := os.ReadFile(fetch.SidecarPath(dest))
	if err != nil || !strings.HasPrefix(string(side), url+"\n\"v1\"\n") {
		t.Fatalf("sidecar %q %v", side, err)
	}
	res, err := run(t, fetch.Options{URL: url, Dest: dest})
	if err != nil || !res.UpToDate {
		t.Fatalf("second fetch: %+v %v", res, err)
	}
	if got := srv.Requests()[1].Header.Get("If-None-Match"); got != etag {
		t.Errorf("If-None-Match %q", got)
	}
	// A new version: a new ETag is remembered.
	etag = `"v2"`
	res, err = run(t, fetch.Options{URL: url, Dest: dest})
	if err != nil || res.UpToDate || res.ETag != `"v2"` {
		t.Fatalf("third fetch: %+v %v", res, err)
	}
	if side, _ := os.ReadFile(fetch.SidecarPath(dest)); !strings.Contains(string(side), "\"v2\"") {
		t.Errorf("sidecar not updated: %q", side)
	}
	// The ETag is not sent for another URL, nor once the file was replaced
	// by other means.
	run(t, fetch.Options{URL: url + "?mirror", Dest: dest})
	if got := srv.Requests()[3].Header.Get("If-None-Match"); got != "" {
		t.Errorf("ETag sent to another URL: %q", got)
	}
	run(t, fetch.Options{URL: url, Dest: dest}) // remembers v2 for url again
	os.Chmod(dest, 0o644)
	os.WriteFile(dest, []byte(ft.VuXML+"\n"), 0o644)
	run(t, fetch.Options{URL: url, Dest: dest})
	if got := srv.Requests()[5].Header.Get("If-None-Match"); got != "" {
		t.Errorf("ETag sent for a file replaced by hand: %q", got)
	}
}

func TestFetchPkgsrcStoresRawAndVerifies(t *testing.T) {
	key := ft.NewKey(t, "pkgsrc-security")
	body := ft.PkgVulns(t, key)
	srv := ft.NewServer(t, ft.Serve(body, newTime, ""))
	dest := filepath.Join(t.TempDir(), "pkg-vulnerabilities")
	res, err := run(t, fetch.Options{URL: srv.URL + "/pkg-vulnerabilities.gz", Dest: dest, Keyring: key.Keyring, RequireSignature: true})
	if err != nil {
		t.Fatal(err)
	}
	got := ft.Snapshot(t, dest)
	if got.Data != string(body) || got.Mode.Perm() != 0o644 || !got.ModTime.Equal(newTime) || res.Kind != fetch.PkgVulnerabilities || res.Entries != 2 {
		t.Errorf("stored %d bytes mode %v, result %+v", len(got.Data), got.Mode, res)
	}
	// Auto tells the kind from the content.
	dest2 := filepath.Join(t.TempDir(), "db")
	res, err = run(t, fetch.Options{URL: srv.URL + "/x", Dest: dest2})
	if err != nil || res.Kind != fetch.PkgVulnerabilities {
		t.Errorf("auto: %+v %v", res, err)
	}
	xsrv := ft.NewServer(t, ft.Serve(ft.XZ(t, []byte(ft.VuXML)), newTime, ""))
	res, err = run(t, fetch.Options{URL: xsrv.URL + "/x", Dest: filepath.Join(t.TempDir(), "db")})
	if err != nil || res.Kind != fetch.VuXML {
		t.Errorf("auto: %+v %v", res, err)
	}
}

func TestFetchFileURL(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "vuln.xml.zst")
	os.WriteFile(src, ft.Zstd(t, []byte(ft.VuXML)), 0o644)
	os.Chtimes(src, newTime, newTime)
	dest := filepath.Join(dir, "db", "vuln.xml")
	os.Mkdir(filepath.Dir(dest), 0o755)
	o := fetch.Options{URL: "file://" + src, Dest: dest, Offline: true} // file:// is no network
	res, err := run(t, o)
	if err != nil || res.UpToDate {
		t.Fatalf("%+v %v", res, err)
	}
	if got := ft.Snapshot(t, dest); got.Data != ft.VuXML || !got.ModTime.Equal(newTime) {
		t.Errorf("stored %+v", got)
	}
	if res, err := run(t, o); err != nil || !res.UpToDate {
		t.Errorf("same mtime: %+v %v", res, err)
	}
	later := newTime.Add(time.Hour)
	os.Chtimes(src, later, later)
	if res, err := run(t, o); err != nil || res.UpToDate || !ft.Snapshot(t, dest).ModTime.Equal(later) {
		t.Errorf("newer source: %+v %v", res, err)
	}
	if _, err := run(t, fetch.Options{URL: "file://" + dir + "/missing", Dest: dest}); !errors.Is(err, fetch.ErrStatus) || !strings.Contains(err.Error(), "no such file or directory") {
		t.Errorf("missing source: %v", err)
	}
	if _, err := run(t, fetch.Options{URL: "file://otherhost/x", Dest: dest}); !errors.Is(err, fetch.ErrNotSupported) {
		t.Errorf("remote file URL: %v", err)
	}
}

func TestOfflineNeverTouchesTheNetwork(t *testing.T) {
	dest := filepath.Join(t.TempDir(), "vuln.xml")
	for _, u := range []string{"https://vuxml.freebsd.org/freebsd/vuln.xml.xz", "http://127.0.0.1:1/x"} {
		_, err := run(t, fetch.Options{URL: u, Dest: dest, Offline: true, Transport: ft.NoNetwork{T: t}})
		if !errors.Is(err, fetch.ErrOffline) {
			t.Errorf("%s: %v", u, err)
		}
	}
}

// TestFailuresKeepThePreviousCopy: every way a fetch can fail leaves the
// previous database byte-identical (content, mtime, mode), its ETag
// sidecar too, and no temporary file behind.
func TestFailuresKeepThePreviousCopy(t *testing.T) {
	key := ft.NewKey(t, "pkgsrc-security")
	other := ft.NewKey(t, "impostor")
	vx := ft.XZ(t, []byte(ft.VuXML))
	big := make([]byte, 4096)
	rand.NewChaCha8([32]byte{1}).Read(big) // incompressible
	for _, tc := range []struct {
		name    string
		handler http.Handler
		opts    func(*fetch.Options)
		want    error
		msg     string
	}{
		{"500", ft.Status(500), nil, fetch.ErrStatus, "server said 500 Internal Server Error"},
		{"404", ft.Status(404), nil, fetch.ErrStatus, "server said 404 Not Found"},
		{"truncated body", ft.Truncated(vx, len(vx)/2), nil, fetch.ErrTruncated, "connection closed after"},
		{"content-length too small", ft.Raw("HTTP/1.1 200 OK\nContent-Length: 40\nConnection: close", vx), nil, fetch.ErrDecompress, "cannot decompress: xz"},
		{"slow drip past the timeout", ft.Drip(10 * time.Millisecond), func(o *fetch.Options) { o.Timeout = 300 * time.Millisecond }, fetch.ErrTimeout, "not complete after 300ms"},
		{"stalled body", ft.Stall(), func(o *fetch.Options) { o.IdleTimeout = 200 * time.Millisecond }, fetch.ErrIdle, "no data received for 200ms"},
		{"no headers", ft.SlowHeaders(), func(o *fetch.Options) { o.IdleTimeout = 200 * time.Millisecond }, fetch.ErrIdle, "no data received for 200ms"},
		{"redirect loop", ft.RedirectLoop(), nil, fetch.ErrRedirects, "stopped after 5 redirects"},
		{"announced too large", ft.Serve(big, newTime, ""), func(o *fetch.Options) { o.MaxDownload = 1024 }, fetch.ErrTooLarge, "server announces"},
		{"streamed too large", ft.Chunked(big), func(o *fetch.Options) { o.MaxDownload = 1024 }, fetch.ErrTooLarge, "download exceeds the 1 KiB limit"},
		{"gzip bomb", ft.Serve(ft.Bomb(t, "gzip", 4<<20), newTime, ""), func(o *fetch.Options) { o.MaxUnpacked = 1 << 20 }, fetch.ErrUnpacked, "unpacked database exceeds the 1 MiB limit (gzip)"},
		{"xz bomb", ft.Serve(ft.Bomb(t, "xz", 4<<20), newTime, ""), func(o *fetch.Options) { o.MaxUnpacked = 1 << 20 }, fetch.ErrUnpacked, "(xz)"},
		{"zstd bomb", ft.Serve(ft.Bomb(t, "zstd", 4<<20), newTime, ""), func(o *fetch.Options) { o.MaxUnpacked = 1 << 20 }, fetch.ErrUnpacked, "(zstd)"},
		{"bzip2 bomb", ft.Serve(ft.Bomb(t, "bzip2", 4<<20), newTime, ""), func(o *fetch.Options) { o.MaxUnpacked = 1 << 20 }, fetch.ErrUnpacked, "(bzip2)"},
		{"html, kind from the content", ft.Serve([]byte("<!DOCTYPE html>\n<html><body><p>Please log in</p></body></html>\n"), newTime, ""), func(o *fetch.Options) { o.Kind = fetch.Auto }, fetch.ErrInvalid, "not a VuXML or pkg-vulnerabilities file: this is HTML"},
		{"OSV records, kind from the content", ft.Serve([]byte(`{"id": "X-1", "modified": "2025-01-01T00:00:00Z"}`), newTime, ""), func(o *fetch.Options) { o.Kind = fetch.Auto }, fetch.ErrInvalid, "this is OSV records"},
		{"html instead of VuXML", ft.Serve([]byte("<!DOCTYPE html>\n<html><body><p>Please log in</p></body></html>\n"), newTime, ""), func(o *fetch.Options) { o.Kind = fetch.VuXML }, fetch.ErrInvalid, "not a valid VuXML file"},
		{"broken XML", ft.Serve(ft.XZ(t, []byte(ft.VuXML[:len(ft.VuXML)-20])), newTime, ""), func(o *fetch.Options) { o.Kind = fetch.VuXML }, fetch.ErrInvalid, "not a valid VuXML file"},
		{"empty body", ft.Serve(nil, newTime, ""), nil, fetch.ErrInvalid, "empty download"},
		{"tampered #CHECKSUM", ft.Serve(ft.TamperedChecksum(t), newTime, ""), func(o *fetch.Options) { o.Kind = fetch.PkgVulnerabilities }, fetch.ErrInvalid, "hash doesn't match"},
		{"bad signature", ft.Serve(ft.PkgVulns(t, other), newTime, ""), func(o *fetch.Options) { o.Keyring = key.Keyring }, fetch.ErrSignature, "unable to verify signature"},
		{"missing signature", ft.Serve(ft.PkgVulns(t, nil), newTime, ""), func(o *fetch.Options) { o.Keyring = key.Keyring; o.RequireSignature = true }, fetch.ErrSignature, "unable to verify signature"},
		{"-s without keyring", ft.Serve(ft.PkgVulns(t, key), newTime, ""), func(o *fetch.Options) { o.RequireSignature = true }, fetch.ErrNoKeyring, "needs a keyring"},
		{"full disk", ft.Serve(vx, newTime, ""), func(o *fetch.Options) { o.CreateTemp = ft.FullDisk(100) }, fetch.ErrWrite, "no space left on device"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := ft.NewServer(t, tc.handler)
			dir := t.TempDir()
			dest := filepath.Join(dir, "vuln.xml")
			url := srv.URL + "/feed"
			ft.OldDatabase(t, dest, "the previous copy\n", oldTime)
			os.Chmod(dest, 0o444)
			st, _ := os.Stat(dest)
			os.WriteFile(fetch.SidecarPath(dest), []byte(url+"\n\"old\"\n"+stampOf(st)+"\n"), 0o644)
			before, side, names := ft.Snapshot(t, dest), ft.Snapshot(t, fetch.SidecarPath(dest)), ft.Dir(t, dir)
			o := fetch.Options{URL: url, Dest: dest}
			if tc.opts != nil {
				tc.opts(&o)
			}
			start := time.Now()
			res, err := run(t, o)
			if err == nil {
				t.Fatalf("no error; result %+v", res)
			}
			t.Log(err)
			if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q, want %v containing %q", err, tc.want, tc.msg)
			}
			if strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), "fetching "+url+": ") {
				t.Errorf("not one line naming the URL: %q", err)
			}
			if time.Since(start) > 20*time.Second {
				t.Logf("took %v", time.Since(start)) // informative only: the machine is shared
			}
			if got := ft.Snapshot(t, dest); got != before {
				t.Errorf("previous copy changed: %+v -> %+v", before, got)
			}
			if got := ft.Snapshot(t, fetch.SidecarPath(dest)); got != side {
				t.Errorf("sidecar changed")
			}
			if got := ft.Dir(t, dir); got != names {
				t.Errorf("directory %q, was %q", got, names)
			}
		})
	}
}

func stampOf(st os.FileInfo) string {
	return strconv.FormatInt(st.ModTime().UnixNano(), 10) + " " + strconv.FormatInt(st.Size(), 10)
}

func TestRedirects(t *testing.T) {
	final := ft.NewServer(t, ft.Serve([]byte(ft.VuXML), newTime, ""))
	hop := ft.NewServer(t, ft.Redirect(final.URL+"/vuln.xml"))
	dest := filepath.Join(t.TempDir(), "vuln.xml")
	if _, err := run(t, fetch.Options{URL: hop.URL, Dest: dest}); err != nil {
		t.Fatalf("one redirect: %v", err)
	}
	if _, err := run(t, fetch.Options{URL: hop.URL, Dest: dest, MaxRedirects: -1, Force: true}); !errors.Is(err, fetch.ErrRedirects) {
		t.Errorf("no redirects allowed: %v", err)
	}
	// https -> http is refused.
	tls := httptest.NewTLSServer(ft.Redirect(final.URL + "/vuln.xml"))
	defer tls.Close()
	if _, err := run(t, fetch.Options{URL: tls.URL, Dest: dest, Transport: tls.Client().Transport, Force: true}); !errors.Is(err, fetch.ErrInsecure) {
		t.Errorf("https to http: %v", err)
	}
}

func TestProgress(t *testing.T) {
	body := ft.XZ(t, []byte(ft.VuXML))
	srv := ft.NewServer(t, ft.Serve(body, newTime, ""))
	p := &progress{}
	_, err := run(t, fetch.Options{URL: srv.URL, Dest: filepath.Join(t.TempDir(), "v"), Progress: func(total int64) fetch.Progress { p.total = total; return p }})
	if err != nil || p.total != int64(len(body)) || p.n != len(body) || !p.done {
		t.Errorf("progress %+v, err %v", p, err)
	}
}

type progress struct {
	total int64
	n     int
	done  bool
}

func (p *progress) Write(b []byte) (int, error) { p.n += len(b); return len(b), nil }
func (p *progress) Finish()                     { p.done = true }

// TestFutureTimes (issue 11, D.14): a Last-Modified or a file:// mtime
// later than now is stored as now; a local copy whose time is in the
// future gets an unconditional request (If-Modified-Since would be
// answered 304 until that date) and does not count as fresh.
func TestFutureTimes(t *testing.T) {
	clock := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC) // newTime is later
	now := func() time.Time { return clock }
	dir := t.TempDir()

	srv := ft.NewServer(t, ft.Serve([]byte(ft.VuXML), newTime, ""))
	dest := filepath.Join(dir, "vuln.xml")
	if _, err := run(t, fetch.Options{URL: srv.URL + "/vuln.xml", Dest: dest, Kind: fetch.VuXML, Now: now}); err != nil {
		t.Fatal(err)
	}
	if got := ft.Snapshot(t, dest); !got.ModTime.Equal(clock) {
		t.Errorf("http: stored mtime %v, want the clock's %v", got.ModTime, clock)
	}

	src := filepath.Join(dir, "mirror.xml")
	os.WriteFile(src, []byte(ft.VuXML), 0o644)
	os.Chtimes(src, newTime, newTime)
	fdest := filepath.Join(dir, "from-file.xml")
	if _, err := run(t, fetch.Options{URL: "file://" + src, Dest: fdest, Kind: fetch.VuXML, Now: now}); err != nil {
		t.Fatal(err)
	}
	if got := ft.Snapshot(t, fdest); !got.ModTime.Equal(clock) {
		t.Errorf("file://: stored mtime %v, want the clock's %v", got.ModTime, clock)
	}

	// A copy stored with a future time (by an older version, or another
	// tool): the next request is unconditional and repairs it.
	old := ft.NewServer(t, ft.Serve([]byte(ft.VuXML), oldTime, `"e"`))
	stuck := filepath.Join(dir, "stuck.xml")
	ft.OldDatabase(t, stuck, "previous copy\n", newTime)
	if lc, ok := fetch.LastChecked(stuck, clock); !ok || !lc.IsZero() {
		t.Errorf("LastChecked of a future copy: %v %v, want the zero time", lc, ok)
	}
	res, err := run(t, fetch.Options{URL: old.URL + "/vuln.xml", Dest: stuck, Kind: fetch.VuXML, Now: now})
	if err != nil || res.UpToDate {
		t.Fatalf("future local copy: %v %+v", err, res)
	}
	if r := old.Requests()[0]; r.Header.Get("If-Modified-Since") != "" || r.Header.Get("If-None-Match") != "" {
		t.Errorf("conditional request for a future local copy: %v", r.Header)
	}
	if got := ft.Snapshot(t, stuck); got.Data != ft.VuXML || !got.ModTime.Equal(oldTime) {
		t.Errorf("stored %+v", got)
	}
	if lc, _ := fetch.LastChecked(stuck, clock); lc.IsZero() || lc.After(clock) {
		t.Errorf("LastChecked after the repair: %v", lc)
	}
}
