package cli

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// cveTestServer serves the recorded provider answers of testdata/cve at
// the providers' real paths, the advisories of testdata/sa, and misbehaves
// for the ids of the error cases.
func cveTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	read := func(name string) []byte {
		data, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p, id string
		switch {
		case r.URL.Path == "/rest/json/cves/2.0":
			p, id = "nvd", r.URL.Query().Get("cveId")
		case strings.HasPrefix(r.URL.Path, "/api/cve/"):
			p, id = "mitre", strings.TrimPrefix(r.URL.Path, "/api/cve/")
		case r.URL.Path == "/api/enisaid":
			p, id = "euvd", r.URL.Query().Get("id")
		case r.URL.Path == "/advisories/FreeBSD-SA-25:04.ktrace.asc":
			w.Write(read("sa/SA-25-04.ktrace.asc"))
			return
		case r.URL.Path == "/advisories/FreeBSD-SA-25:99.other.asc": // serves another advisory
			w.Write(read("sa/SA-25-05.openssh.asc"))
			return
		default:
			http.NotFound(w, r)
			return
		}
		switch id {
		case "CVE-2000-0404":
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusNotFound)
			w.Write(read("cve/mitre-not-found.json"))
		case "CVE-2000-0429":
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
		case "CVE-2000-0500":
			http.Error(w, "internal error", http.StatusInternalServerError)
		case "CVE-2000-0001":
			b := read("cve/" + p + "-CVE-2025-5025.json")
			w.Write(b[:len(b)-40])
		case "CVE-2000-0003":
			w.Write(read("cve/" + p + "-CVE-2025-5025.json"))
		case "CVE-2000-0004": // slow
			time.Sleep(300 * time.Millisecond)
			w.Write(read("cve/" + p + "-CVE-2025-5025.json"))
		default:
			data, err := os.ReadFile(filepath.Join("..", "..", "testdata", "cve", p+"-"+id+".json"))
			if err != nil {
				http.NotFound(w, r)
				return
			}
			w.Write(data)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// noNetwork fails every request: offline paths must not dial.
type noNetwork struct{ t *testing.T }

func (n noNetwork) RoundTrip(r *http.Request) (*http.Response, error) {
	n.t.Errorf("network used: %s", r.URL)
	return nil, errors.New("no network in this test")
}

func vuxmlNewOffline(t *testing.T) {
	old := vuxmlNewTransport
	vuxmlNewTransport = noNetwork{t}
	t.Cleanup(func() { vuxmlNewTransport = old })
}

// The contract: the fetched entry has the cvename, the record's
// text and its published date; --cve-json gives the same offline.
func TestVuxmlNewCVEContract(t *testing.T) {
	vuxmlNewFixedVID(t)
	srv := cveTestServer(t)
	out, errOut, code := run(t, "", "vuxml", "new", "-o", "-", "--cve", "CVE-2025-5025", "--provider", "nvd", "--provider-url", srv.URL, "--package", "curl")
	if code != ExitOK || errOut != "" {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, w := range []string{"<cvename>CVE-2025-5025</cvename>", "libcurl supports pinning of the server certificate public key for",
		"<discovery>2025-05-28</discovery>", "<entry>2026-11-22</entry>", "<name>curl</name>"} {
		if !strings.Contains(out, w) {
			t.Errorf("entry lacks %q:\n%s", w, out)
		}
	}
	checkGolden(t, "vuxml/new-nvd.xml", []byte(out))
	// The same CVE from a file and the provider: one record, the first.
	both, _, code := run(t, "", "vuxml", "new", "-o", "-", "--cve-json", "../../testdata/cve/nvd-CVE-2025-5025.json",
		"--cve", "CVE-2025-5025", "--provider", "mitre", "--provider-url", srv.URL, "--package", "curl")
	if code != ExitOK || both != out {
		t.Errorf("file + provider for one CVE: exit %d\n%s", code, both)
	}
	vuxmlNewOffline(t)
	rec, _ := os.ReadFile("../../testdata/cve/nvd-CVE-2025-5025.json")
	if in, errOut, code := run(t, string(rec), "vuxml", "new", "-o", "-", "--cve-json", "-", "--package", "curl"); code != ExitOK || in != out {
		t.Errorf("--cve-json -: exit %d %s", code, errOut)
	}
	off, errOut, code := run(t, "", "vuxml", "new", "-o", "-", "--cve-json", "../../testdata/cve/nvd-CVE-2025-5025.json", "--package", "curl")
	if code != ExitOK || off != out {
		t.Errorf("--cve-json: exit %d %s; differs from the fetched entry:\n%s", code, errOut, off)
	}
}

func TestVuxmlNewProviders(t *testing.T) {
	vuxmlNewFixedVID(t)
	srv := cveTestServer(t)
	for _, c := range []struct {
		golden string
		args   []string
	}{
		{"new-mitre.xml", []string{"--cve", "CVE-2025-5025", "--provider", "mitre"}},
		{"new-euvd.xml", []string{"--cve", "CVE-2025-5025", "--provider", "euvd"}},
		{"new-nvd-two.xml", []string{"--cve", "CVE-2025-5025", "--cve", "CVE-2025-4947", "--provider", "nvd", "--package", "curl", "--package", "linux-rl9-curl"}},
		{"new-mitre-two.xml", []string{"--cve", "CVE-2025-5025", "--cve", "CVE-2025-4947", "--provider", "MITRE"}},
	} {
		out, errOut, code := run(t, "", append([]string{"vuxml", "new", "-o", "-", "--provider-url", srv.URL}, c.args...)...)
		if code != ExitOK {
			t.Fatalf("%v: exit %d: %s", c.args, code, errOut)
		}
		checkGolden(t, "vuxml/"+c.golden, []byte(out))
	}
	// Saved records of every format, together.
	vuxmlNewOffline(t)
	out, errOut, code := run(t, "", "vuxml", "new", "-o", "-", "--cve-json", "../../testdata/cve/euvd-CVE-2025-5025.json",
		"--cve-json", "../../testdata/cve/mitre-CVE-2025-4947.json")
	if code != ExitOK || !strings.Contains(out, "<cvename>CVE-2025-5025</cvename>\n      <cvename>CVE-2025-4947</cvename>") {
		t.Errorf("exit %d %s:\n%s", code, errOut, out)
	}
}

func TestVuxmlNewSA(t *testing.T) {
	vuxmlNewFixedVID(t)
	srv := cveTestServer(t)
	out, errOut, code := run(t, "", "vuxml", "new", "-o", "-", "--sa", "FreeBSD-SA-25:04.ktrace", "--sa-url", srv.URL+"/advisories/")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	checkGolden(t, "vuxml/new-sa-kernel.xml", []byte(out))
	vuxmlNewOffline(t)
	saved, _, code := run(t, "", "vuxml", "new", "-o", "-", "--sa", "SA-25:04.ktrace", "--sa-file", "../../testdata/sa/SA-25-04.ktrace.asc", "--offline")
	if code != ExitOK || saved != out {
		t.Errorf("--sa-file: exit %d, differs:\n%s", code, saved)
	}
	out, _, code = run(t, "", "vuxml", "new", "-o", "-", "--sa-file", "../../testdata/sa/SA-25-05.openssh.asc")
	if code != ExitOK {
		t.Fatalf("exit %d", code)
	}
	checkGolden(t, "vuxml/new-sa-world.xml", []byte(out))
}

// Every failure exits 2 with a message saying what is wrong, and leaves
// the year file as it was.
func TestVuxmlNewCVEErrors(t *testing.T) {
	vuxmlNewFixedVID(t)
	srv := cveTestServer(t)
	port := vuxmlNewPort(t)
	year := filepath.Join(port, "vuln", "2026.xml")
	before, _ := os.ReadFile(year)
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte("{\"vulnerabilities\": [}"), 0o644)
	notRecord := filepath.Join(dir, "other.json")
	os.WriteFile(notRecord, []byte(`{"name": "not a CVE record"}`), 0o644)
	u := srv.URL
	for _, c := range []struct {
		args []string
		msg  string
	}{
		{[]string{"--cve", "CVE-2000-0404", "--provider", "mitre", "--provider-url", u}, "404 Not Found: CVE_RECORD_DNE: The cve record for the cve id does not exist."},
		{[]string{"--cve", "CVE-2000-0404", "--provider", "nvd", "--provider-url", u}, "404 Not Found"},
		{[]string{"--cve", "CVE-2000-0429", "--provider", "euvd", "--provider-url", u}, "429 Too Many Requests (the server asks to retry after 120 seconds)"},
		{[]string{"--cve", "CVE-2000-0500", "--provider", "nvd", "--provider-url", u}, "500 Internal Server Error: internal error"},
		{[]string{"--cve", "CVE-2000-0001", "--provider", "mitre", "--provider-url", u}, "truncated JSON"},
		{[]string{"--cve", "CVE-2000-0003", "--provider", "nvd", "--provider-url", u}, "record of CVE-2025-5025, not of CVE-2000-0003"},
		{[]string{"--cve", "CVE-2025-5025", "--cve", "CVE-2000-0404", "--provider", "nvd", "--provider-url", u}, "404"},
		{[]string{"--cve", "CVE-2025-5025", "--provider", "nvd", "--offline"}, "offline mode"},
		{[]string{"--cve", "CVE-2000-0004", "--provider", "nvd", "--provider-url", u, "--timeout", "50ms"}, "not complete after 50ms"},
		{[]string{"--cve", "CVE-2025-5025", "--provider", "osv"}, `unknown provider "osv"`},
		{[]string{"--provider", "nvd"}, "needs the CVE to fetch"},
		{[]string{"--cve", "2025-5025", "--provider", "nvd", "--provider-url", u}, "is not a CVE id"},
		{[]string{"--cve", "CVE-2025-5025", "--provider", "nvd", "--provider-url", "ftp://x"}, "want an http or https URL"},
		{[]string{"--provider-url", u}, "--provider-url needs --provider"},
		{[]string{"--sa-file", "../../testdata/sa/SA-25-04.ktrace.asc", "--provider-url", u}, "--provider-url needs --provider"},
		{[]string{"--sa-url", u}, "--sa-url needs --sa"},
		{[]string{"--cve-json", bad}, "bad.json:1:22: malformed JSON"},
		{[]string{"--cve-json", notRecord}, "not a CVE record"},
		{[]string{"--cve-json", filepath.Join(dir, "missing.json")}, "no such file"},
		{[]string{"--cve-json", dir}, "is not a regular file"},
		{[]string{"--cve-json", "../../testdata/cve/nvd-CVE-2025-5025.json", "--cve", "CVE-2025-4947"}, "not of CVE-2025-4947"},
		{[]string{"--cve-json", "../../testdata/cve/mitre-rejected.json"}, "the record is rejected"},
		{[]string{"--cve-json", "../../testdata/cve/nvd-empty.json"}, "NVD has no record of it"},
		{[]string{"--sa", "FreeBSD-SA-25:99.other", "--sa-url", u + "/advisories"}, "the text is advisory FreeBSD-SA-25:05.openssh, not FreeBSD-SA-25:99.other"},
		{[]string{"--sa", "FreeBSD-SA-25:01.none", "--sa-url", u + "/advisories"}, "server said 404 Not Found"},
		{[]string{"--sa", "FreeBSD-SA-25:04.ktrace", "--offline"}, "offline mode"},
		{[]string{"--sa", "FreeBSD-EN-25:01.x"}, "not a FreeBSD security advisory name"},
		{[]string{"--sa-file", "../../testdata/cve/nvd-empty.json"}, "not a FreeBSD security advisory"},
		{[]string{"--sa-file", "../../testdata/sa/SA-25-04.ktrace.asc", "--provider", "nvd", "--cve", "CVE-2025-5025"}, "give one"},
	} {
		for _, target := range [][]string{{"-o", "-"}, {year}} {
			out, errOut, code := run(t, "", append(append([]string{"vuxml", "new"}, target...), c.args...)...)
			if code != ExitError || out != "" || !strings.Contains(errOut, c.msg) {
				t.Errorf("%v %v: exit %d, stdout %q, stderr %q, want %q", target, c.args, code, out, errOut, c.msg)
			}
		}
		if after, _ := os.ReadFile(year); string(after) != string(before) {
			t.Fatalf("%v: the year file changed", c.args)
		}
	}
}

// F.20: vuxml new FILE parses FILE first; what is not VuXML is left alone.
func TestVuxmlNewRefusesNonVuXML(t *testing.T) {
	vuxmlNewFixedVID(t)
	dir := t.TempDir()
	for name, content := range map[string]string{
		"README.md":   "# notes\n\n<vuln vid=\"x\"> is how entries start\n",
		"record.json": `{"vulnerabilities": []}`,
		"page.html":   "<html><body><p>hi</p></body></html>\n",
		"broken.xml":  "  <vuln vid=\"0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c3d\">\n    <topic>x -- y</topic>\n",
		"wrapper.xml": "<?xml version=\"1.0\"?>\n<!DOCTYPE vuxml [\n<!ENTITY vuln-2026 SYSTEM \"vuln/2026.xml\">\n]>\n<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">\n&vuln-2026;\n</vuxml>\n",
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, []byte(content), 0o644)
		_, errOut, code := run(t, "", "vuxml", "new", path, "--package", "curl")
		if code != ExitError || !strings.Contains(errOut, "left untouched") {
			t.Errorf("%s: exit %d, %q", name, code, errOut)
		}
		if got, _ := os.ReadFile(path); string(got) != content {
			t.Errorf("%s was changed", name)
		}
	}
	// An empty file (a new year) and a real year file are fine.
	empty := filepath.Join(dir, "2027.xml")
	os.WriteFile(empty, nil, 0o644)
	if _, errOut, code := run(t, "", "vuxml", "new", empty); code != ExitOK {
		t.Errorf("empty file: exit %d %s", code, errOut)
	}
}

// The porter's round trip: generate, validate (fails on FIXME), fill in,
// validate and tidy --check clean.
func TestVuxmlNewCVERoundTrip(t *testing.T) {
	vuxmlNewFixedVID(t)
	vuxmlNewOffline(t)
	port := vuxmlNewPort(t)
	year := filepath.Join(port, "vuln", "2026.xml")
	// A record without configurations: the range stays FIXME.
	rec, _ := os.ReadFile("../../testdata/cve/nvd-CVE-2025-4947.json")
	i := strings.Index(string(rec), `"configurations"`)
	j := strings.Index(string(rec), `"references"`)
	partial := filepath.Join(t.TempDir(), "partial.json")
	os.WriteFile(partial, []byte(string(rec[:i])+string(rec[j:])), 0o644)
	_, errOut, code := run(t, "", "vuxml", "new", "--dir", port, "--cve-json", partial, "--package", "curl")
	if code != ExitOK || !strings.Contains(errOut, "replace its FIXME") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	out, _, code := run(t, "", "vuxml", "validate", year)
	if code != ExitFound || !strings.Contains(out, `<lt> holds the placeholder "FIXME"`) {
		t.Errorf("validate with a FIXME: exit %d\n%s", code, out)
	}
	data, _ := os.ReadFile(year)
	os.WriteFile(year, []byte(strings.Replace(string(data), "<lt>FIXME</lt>", "<lt>8.14.0</lt>", 1)), 0o644)
	if out, _, code := run(t, "", "vuxml", "validate", year); code != ExitOK {
		t.Errorf("validate once filled: exit %d\n%s", code, out)
	}
	if out, errOut, code := run(t, "", "vuxml", "tidy", "--check", year); code != ExitOK {
		t.Errorf("tidy --check: exit %d\n%s%s", code, out, errOut)
	}
	// Entries with nothing to fill in validate at once.
	n := 0
	vuxmlNewVID = func(int) (string, error) {
		n++
		return fmt.Sprintf("0a1b2c3d-4e5f-4a6b-8c7d-8e9f0a1b2c%02d", n), nil
	}
	for _, args := range [][]string{
		{"--cve-json", "../../testdata/cve/mitre-CVE-2025-5025.json"},
		{"--sa-file", "../../testdata/sa/SA-25-05.openssh.asc"},
	} {
		_, errOut, code := run(t, "", append([]string{"vuxml", "new", "--dir", port}, args...)...)
		if code != ExitOK || !strings.Contains(errOut, "review it") {
			t.Errorf("%v: exit %d %s", args, code, errOut)
		}
	}
	if out, _, code := run(t, "", "vuxml", "validate", year); code != ExitOK {
		t.Errorf("validate: exit %d\n%s", code, out)
	}
	if out, errOut, code := run(t, "", "vuxml", "tidy", "--check", year); code != ExitOK {
		t.Errorf("tidy --check: exit %d\n%s%s", code, out, errOut)
	}
}

// Every flag of vuxml new is in the man page.
func TestVuxmlNewFlagsInManPage(t *testing.T) {
	man, err := os.ReadFile("../../pkgaudit.8")
	if err != nil {
		t.Fatal(err)
	}
	c := newVuxmlNewCmd(testEnv("", nil, nil))
	n := 0
	for _, l := range strings.Split(c.Flags().FlagUsages(), "\n") {
		f := strings.Fields(l)
		if len(f) == 0 {
			continue
		}
		n++
		if strings.HasPrefix(f[0], "-") && len(f[0]) == 3 && f[0][2] == ',' { // -o, --output
			if !strings.Contains(string(man), "Fl "+f[0][1:2]) {
				t.Errorf("pkgaudit.8 does not document vuxml new %s", f[0])
			}
			continue
		}
		if !strings.Contains(string(man), "Fl -"+strings.TrimPrefix(f[0], "--")) {
			t.Errorf("pkgaudit.8 does not document vuxml new %s", f[0])
		}
	}
	if n < 15 {
		t.Errorf("only %d flags seen", n)
	}
}
