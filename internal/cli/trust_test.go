package cli

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	ft "github.com/pkgaudit/pkgaudit/fetch/fetchtest"
)

// The tests of issue 11's items A.1-A.4 and D.14 at the command line:
// signatures and checksums mean what they say, and fetch does not freeze.

// runAt is runEnv with a clock of its own.
func runAt(t *testing.T, env map[string]string, now func() time.Time, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := testEnv("", &out, &errb)
	e.Getenv = func(k string) string { return env[k] }
	e.Now = now
	code = Main(args, e)
	return out.String(), errb.String(), code
}

// TestSignedAttacksRefused (A.1, A.2): two alterations of a genuinely
// signed file that keep its signature valid, and a genuinely signed file
// without #CHECKSUM lines, are refused by pkgsrc check -s, pkgsrc audit-pkg
// -s, fetch -s and pkgsrc fetch -s with exit 1 and one line; the genuine
// file passes them all.
func TestSignedAttacksRefused(t *testing.T) {
	key := ft.NewKey(t, "pkgsrc-security")
	genuine := ft.Signed(t, key)
	cases := []struct {
		name string
		data []byte
		want string // in the one line of standard error; "" for success
	}{
		{"genuine", genuine, ""},
		{"dash-escaped checksums and entry", ft.DashEscapeAttack(genuine, "openssl<"), "line 9 is dash-escaped"},
		{"CR LF armor line, entries after it", ft.CRArmorAttack(ft.ClearSign(t, key, "#FORMAT 1.1.0\nopenssl<0.9.8q\tdenial-of-service\thttp://x/1\n"),
			"evil-[0-9]*\tremote-root-shell\twww.evil.example/CVE-2099-0001\n"), `line 7: armor line "-----BEGIN PGP SIGNATURE-----" is not exact`},
		{"signed without #CHECKSUM", ft.ClearSign(t, key, "#FORMAT 1.1.0\nopenssl<0.9.8q\tdenial-of-service\thttp://x/1\n"), "no #CHECKSUM line"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			kr := filepath.Join(dir, "keyring.asc")
			os.WriteFile(kr, key.PublicArmored, 0o644)
			file := filepath.Join(dir, "pkg-vulnerabilities")
			os.WriteFile(file, c.data, 0o644)
			srv := ft.NewServer(t, ft.Serve(ft.Gzip(c.data), fetchTestNew, ""))
			env := map[string]string{"PKG_DBDIR": filepath.Join(dir, "db"), "PKGVULNURL": srv.URL + "/pkg-vulnerabilities.gz", "GPG_KEYRING_PKGVULN": kr}
			os.Mkdir(env["PKG_DBDIR"], 0o755)
			for _, args := range [][]string{
				{"pkgsrc", "check", "-s", "--keyring", kr, file},
				{"pkgsrc", "audit-pkg", "-s", "-f", file, "asterisk-1.8.3"},
				{"fetch", "--feed", srv.URL + "/pkg-vulnerabilities.gz", "-o", filepath.Join(dir, "fetched"), "-s", "--keyring", kr, "-q"},
				{"pkgsrc", "fetch", "-s", "-q"},
			} {
				out, errOut, code := runEnv(t, env, "", args...)
				if c.want == "" {
					if code != 0 && !(args[1] == "audit-pkg" && code == ExitFound) {
						t.Errorf("%v: code %d, %q %q", args, code, out, errOut)
					}
					continue
				}
				if code != ExitFound || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, c.want) || out != "" {
					t.Errorf("%v: code %d, stdout %q, stderr %q; want exit 1 and one line with %q", args, code, out, errOut, c.want)
				}
			}
			if c.want != "" {
				for _, p := range []string{filepath.Join(dir, "fetched"), filepath.Join(env["PKG_DBDIR"], "pkg-vulnerabilities")} {
					if _, err := os.Stat(p); err == nil {
						t.Errorf("%s was written", p)
					}
				}
			}
		})
	}
}

// TestUpToDateVerifiesLocalCopy (A.3): when the server has nothing newer
// (304), the file:// source is not newer, or --max-age finds the copy
// fresh, fetch -s checks the copy on disk; one that fails is never "up to
// date" (exit 1).
func TestUpToDateVerifiesLocalCopy(t *testing.T) {
	key := ft.NewKey(t, "pkgsrc-security")
	genuine := ft.Signed(t, key)
	attack := ft.Gzip(ft.DashEscapeAttack(genuine, "openssl<"))
	dir := t.TempDir()
	kr := filepath.Join(dir, "keyring.asc")
	os.WriteFile(kr, key.PublicArmored, 0o644)
	srv := ft.NewServer(t, ft.Serve(ft.Gzip(genuine), fetchTestOld, ""))
	src := filepath.Join(dir, "mirror.gz")
	os.WriteFile(src, ft.Gzip(genuine), 0o644)
	os.Chtimes(src, fetchTestOld, fetchTestOld)
	db := filepath.Join(dir, "pkg-vulnerabilities")
	env := map[string]string{"PKG_DBDIR": dir, "PKGVULNURL": srv.URL + "/pkg-vulnerabilities.gz", "GPG_KEYRING_PKGVULN": kr}
	if _, errOut, code := runEnv(t, env, "", "pkgsrc", "fetch", "-s"); code != 0 {
		t.Fatalf("first fetch: %d %q", code, errOut)
	}
	// The copy on disk is replaced by the altered file, its time kept:
	// the server answers 304.
	st, _ := os.Stat(db)
	os.WriteFile(db, attack, 0o644)
	os.Chtimes(db, st.ModTime(), st.ModTime())
	n := len(srv.Requests())
	for name, args := range map[string][]string{
		"304":          {"pkgsrc", "fetch", "-s"},
		"304, keyring": {"fetch", "--feed", "pkgsrc"},
		"file://":      {"fetch", "--feed", "file://" + src, "-o", db, "-s"},
	} {
		_, errOut, code := runEnv(t, env, "", args...)
		if code != ExitFound || strings.Contains(errOut, "up to date") || !strings.Contains(errOut, "fails verification") || strings.Count(errOut, "\n") != 1 {
			t.Errorf("%s: code %d, stderr %q; want exit 1, the local copy fails verification", name, code, errOut)
		}
	}
	if len(srv.Requests()) == n {
		t.Errorf("no request was made")
	}
	if got := ft.Snapshot(t, db).Data; got != string(attack) {
		t.Errorf("the local copy was changed")
	}
	// --max-age: the copy counts as fresh (its time is an hour ago), no
	// request is made, and it is still checked.
	hourAgo := time.Now().Add(-time.Hour)
	os.Chtimes(db, hourAgo, hourAgo)
	n = len(srv.Requests())
	_, errOut, code := runAt(t, env, time.Now, "pkgsrc", "fetch", "-s", "--max-age", "7")
	if code != ExitFound || strings.Contains(errOut, "not fetching") || !strings.Contains(errOut, "fails verification") || len(srv.Requests()) != n {
		t.Errorf("--max-age: code %d, stderr %q, %d requests", code, errOut, len(srv.Requests())-n)
	}
	// Without verification asked for, the copy is not read: up to date.
	if _, errOut, code := runAt(t, map[string]string{"PKG_DBDIR": dir, "PKGVULNURL": env["PKGVULNURL"]}, time.Now, "pkgsrc", "fetch"); code != 0 || !strings.Contains(errOut, "up to date") {
		t.Errorf("without -s: %d %q", code, errOut)
	}
}

// TestKeyringNotOpenPGP (A.4): a keyring file that holds no OpenPGP key is
// a usage error (exit 2, "not an OpenPGP keyring"), not "signed by an
// unknown key".
func TestKeyringNotOpenPGP(t *testing.T) {
	key := ft.NewKey(t, "pkgsrc-security")
	dir := t.TempDir()
	file := filepath.Join(dir, "pkg-vulnerabilities")
	os.WriteFile(file, ft.Signed(t, key), 0o644)
	srv := ft.NewServer(t, ft.Serve(ft.Gzip(ft.Signed(t, key)), fetchTestNew, ""))
	for name, content := range map[string]string{"text": "my keyring\n", "empty": "", "VuXML": ft.VuXML} {
		bad := filepath.Join(dir, "bad-"+name)
		os.WriteFile(bad, []byte(content), 0o644)
		env := map[string]string{"PKG_DBDIR": dir, "PKGVULNURL": srv.URL + "/pkg-vulnerabilities.gz"}
		for _, args := range [][]string{
			{"pkgsrc", "check", "-s", "--keyring", bad, file},
			{"pkgsrc", "audit-pkg", "-s", "--keyring", bad, "-f", file, "openssl-0.9.8p"},
			{"fetch", "--feed", "pkgsrc", "-o", filepath.Join(dir, "out"), "-s", "--keyring", bad},
		} {
			out, errOut, code := runEnv(t, env, "", args...)
			if code != ExitError || !strings.Contains(errOut, "not an OpenPGP keyring") || strings.Count(errOut, "\n") != 1 || out != "" {
				t.Errorf("%s: %v: code %d, stdout %q, stderr %q", name, args, code, out, errOut)
			}
		}
	}
}

// switchable serves one handler, then another.
type switchable struct {
	mu sync.Mutex
	h  http.Handler
}

func (s *switchable) set(h http.Handler) { s.mu.Lock(); s.h = h; s.mu.Unlock() }
func (s *switchable) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	h := s.h
	s.mu.Unlock()
	h.ServeHTTP(w, r)
}

// TestFetchFutureLastModified (D.14): a server whose clock runs a year
// ahead does not freeze the database: the stored time is clamped to now,
// the next conditional request gets a newer file, and --max-age still
// expires.
func TestFetchFutureLastModified(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "vuln.xml")
	future := time.Now().Add(365 * 24 * time.Hour).Truncate(time.Second)
	sw := &switchable{h: ft.Serve(ft.XZ(t, []byte(ft.VuXML)), future, "")}
	srv := ft.NewServer(t, sw)
	env := map[string]string{"PKG_DBDIR": dir, "VULNXML_SITE": srv.URL + "/vuln.xml.xz"}
	if _, errOut, code := runAt(t, env, time.Now, "fetch", "--feed", "freebsd", "-q"); code != 0 {
		t.Fatalf("first fetch: %d %q", code, errOut)
	}
	if st, _ := os.Stat(db); st.ModTime().After(time.Now()) {
		t.Errorf("stored mtime %v is in the future", st.ModTime())
	}
	// The server's clock is fixed and it publishes a newer file (dated an
	// hour from now, long before the year-ahead date): it is fetched.
	// With If-Modified-Since a year ahead it would be 304 for a year.
	newer := strings.Replace(ft.VuXML, "curl -- multiple vulnerabilities", "curl -- several vulnerabilities", 1)
	sw.set(ft.Serve(ft.XZ(t, []byte(newer)), time.Now().Add(time.Hour).Truncate(time.Second), ""))
	if _, errOut, code := runAt(t, env, time.Now, "fetch", "--feed", "freebsd"); code != 0 || strings.Contains(errOut, "up to date") {
		t.Errorf("newer file: code %d, stderr %q", code, errOut)
	}
	// Two days later, --max-age 1 asks the server again.
	later := func() time.Time { return time.Now().Add(48 * time.Hour) }
	n := len(srv.Requests())
	if _, errOut, code := runAt(t, env, later, "fetch", "--feed", "freebsd", "--max-age", "1"); code != 0 || len(srv.Requests()) != n+1 {
		t.Errorf("--max-age 1, two days later: code %d, %d requests, stderr %q", code, len(srv.Requests())-n, errOut)
	}
	if got := ft.Snapshot(t, db).Data; got != newer {
		t.Errorf("the newer file was not stored")
	}
}
