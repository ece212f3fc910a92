package feed

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// Format detection is an ordered list: VuXML first, so that a VuXML file
// with blank lines before its root (or without an XML declaration) is
// VuXML, not a pkg-vulnerabilities file with a malformed header.
func TestDetectOrder(t *testing.T) {
	const root = `<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1"><vuln vid="0b8a5ea4-7a4c-11f0-a2a5-b42e991fc52e"><topic>t</topic><affects><package><name>foo</name><range><lt>1</lt></range></package></affects><description><body xmlns="http://www.w3.org/1999/xhtml"><p>x</p></body></description><references><cvename>CVE-2025-0001</cvename></references><dates><discovery>2025-01-01</discovery><entry>2025-01-02</entry></dates></vuln></vuxml>` + "\n"
	for name, in := range map[string]string{
		"blank lines, no declaration": "\n\n" + root,
		"no declaration":              root,
		"CR LF blank line":            "\r\n" + root,
	} {
		db, err := Parse("db.xml", []byte(in), Options{})
		if err != nil || db.Format != VuXML || len(db.Advisories) != 1 {
			t.Errorf("%s: %v", name, err)
		}
	}
	// A blank line before the XML declaration is a VuXML error (as in
	// expat, which pkg uses), not "Input header is malformed".
	_, err := Parse("db.xml", []byte("\n<?xml version=\"1.0\"?>\n"+root), Options{})
	if err == nil || !strings.Contains(err.Error(), "XML declaration not at the start") {
		t.Errorf("blank line before <?xml: %v", err)
	}
	// pkg-vulnerabilities files with blank lines first stay pkgsrc.
	if d, _ := detect([]byte("\n\n#FORMAT 1.1.0\n")); d == nil || d.format != Pkgsrc {
		t.Errorf("pkgsrc after blank lines: %v", d)
	}
}

// A file of no known format says what it looks like.
func TestDetectLookalikes(t *testing.T) {
	for _, c := range []struct {
		name, in, want string
	}{
		{"html", "<!DOCTYPE html>\n<html><head><title>404</title></head></html>", "this is HTML"},
		{"html lower", "\n  <html lang=en>", "this is HTML"},
		{"xhtml", "<?xml version=\"1.0\"?>\n<!DOCTYPE html PUBLIC \"-//W3C//DTD XHTML 1.0 Strict//EN\" \"x\">\n<html xmlns=\"http://www.w3.org/1999/xhtml\">", "this is HTML"},
		{"pkgaudit json", `{"tool": {"name": "pkgaudit", "version": "1"}, "time": null, "databases": [], "results": [], "summary": {}}`, "this is pkgaudit's own JSON report"},
		{"pkg json", `{"pkg_count": 1, "packages": {}}`, "this is pkg audit's JSON report (-Rjson)"},
		{"sarif", `{"$schema": "https://json.schemastore.org/sarif-2.1.0.json", "version": "2.1.0", "runs": []}`, "this is a SARIF report"},
		{"cyclonedx", `{"bomFormat": "CycloneDX", "specVersion": "1.6"}`, "this is a CycloneDX document"},
		{"key", "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQENBF...\n", "this is an OpenPGP public key"},
		{"elf", "\x7fELF\x02\x01\x01\x00", "this is an executable (ELF)"},
		{"sqlite", "SQLite format 3\x00\x10\x00", "this is an SQLite database"},
		{"binary", "\x00\x01\x02\x03", "this is binary data"},
		{"text", "hello world\nsecond line\n", `this is text of no known format (it starts "hello world")`},
		{"spaces", "   \n\t\n", "this is a file of white space only"},
	} {
		_, err := Parse("db", []byte(c.in), Options{})
		if !errors.Is(err, ErrUnknownFormat) || !strings.HasPrefix(err.Error(), "db: "+c.want) {
			t.Errorf("%s: %v", c.name, err)
		}
		if f, what := Detect([]byte(c.in)); f != "" || !strings.HasPrefix("this is "+what, c.want) {
			t.Errorf("%s: Detect: %q %q", c.name, f, what)
		}
	}
	// Compressed: the compression is named too.
	_, err := Parse("db.gz", gz(t, []byte("<html><body>Not Found</body></html>")), Options{})
	if !errors.Is(err, ErrUnknownFormat) || !strings.HasPrefix(err.Error(), "db.gz: this is gzip-compressed HTML") {
		t.Errorf("gzip of HTML: %v", err)
	}
	if _, err := Parse("db.gz", gz(t, []byte("plain words\n")), Options{}); err == nil || !strings.Contains(err.Error(), "gzip-compressed text of no known format") {
		t.Errorf("gzip of text: %v", err)
	}
	// Real OSV records and a real report are told apart.
	if d, _ := detect([]byte(`[{"id": "FreeBSD-2025-0001", "modified": "2025-01-01T00:00:00Z"}]`)); d == nil || d.format != OSV {
		t.Error("an OSV array is not OSV")
	}
}

// A database of a format the caller does not accept says what it is and
// what was expected.
func TestWrongFormat(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "pkg-vulnerabilities")
	data, err := os.ReadFile(realPkgsrc)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(path, data, 0o644)
	_, err = Load(path, Options{Formats: []Format{VuXML}})
	if !errors.Is(err, ErrWrongFormat) || err.Error() != path+": this is a pkg-vulnerabilities file, where VuXML is expected" {
		t.Errorf("%v", err)
	}
	_, err = Load("../testdata/vuxml/vuln-2026.xml", Options{Formats: []Format{Pkgsrc}})
	if !errors.Is(err, ErrWrongFormat) || !strings.HasSuffix(err.Error(), ": this is a VuXML file, where a pkg-vulnerabilities file is expected") {
		t.Errorf("%v", err)
	}
	if _, err := Load("../testdata/vuxml/vuln-2026.xml", Options{Formats: []Format{VuXML, Pkgsrc}}); err != nil {
		t.Error(err)
	}
}
