package cli

import (
	"archive/zip"
	"bytes"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// exportFixture is a VuXML document with every construct the OSV mapping
// handles: each operator and combination, several names and blocks, a
// glob name, base-system and kernel names, a <system> block, every
// reference kind, a description with the usual XHTML, and a cancelled
// entry superseded by another.
const exportFixture = `<?xml version="1.0" encoding="utf-8"?>
<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">
  <vuln vid="11111111-1111-11f0-8000-000000000001">
    <topic>foo -- several problems</topic>
    <affects>
      <package>
	<name>foo</name>
	<name>foo-devel</name>
	<range><lt>1.2</lt></range>
	<range><ge>2.0</ge><lt>2.3_1</lt></range>
	<range><eq>3.0b1</eq></range>
      </package>
      <package>
	<name>py3*-foo</name>
	<range><le>1.2</le></range>
	<range><gt>116.0,1</gt><lt>128.6,1</lt></range>
	<range><ge>200.0,1</ge></range>
      </package>
    </affects>
    <description>
      <body xmlns="http://www.w3.org/1999/xhtml">
	<p>The Foo project reports:</p>
	<blockquote cite="https://foo.example.org/security/2025-01.html">
	  <p>A <em>crafted</em> request to <code>foo_parse()</code> can
	    overflow a buffer [1]; see <a href="https://foo.example.org/bug/1">bug 1</a>.</p>
	  <ul>
	    <li>CVE-2025-0001: heap overflow</li>
	    <li>CVE-2025-0002: <strong>remote</strong> crash</li>
	  </ul>
	</blockquote>
      </body>
    </description>
    <references>
      <cvename>CVE-2025-0001</cvename>
      <cvename>CVE-2025-0002</cvename>
      <url>https://foo.example.org/security/2025-01.html</url>
      <freebsdpr>ports/280000</freebsdpr>
      <mlist msgid="123@example.org">https://lists.example.org/foo/123</mlist>
      <bid>12345</bid>
      <certvu>734644</certvu>
      <uscertta>TA04-028A</uscertta>
    </references>
    <dates>
      <discovery>2025-01-10</discovery>
      <entry>2025-01-12</entry>
      <modified>2025-02-01</modified>
    </dates>
  </vuln>
  <vuln vid="22222222-2222-11f0-8000-000000000002">
    <topic>FreeBSD -- kernel and base problems</topic>
    <affects>
      <package>
	<name>FreeBSD</name>
	<range><ge>14.3</ge><lt>14.3_8</lt></range>
	<range><lt>13.5_4</lt></range>
      </package>
      <package>
	<name>FreeBSD-kernel</name>
	<range><ge>15.0</ge><lt>15.0_2</lt></range>
      </package>
      <system>
	<name>FreeBSD</name>
	<range><ge>15.0</ge><le>15.0_1</le></range>
      </system>
    </affects>
    <description>
      <body xmlns="http://www.w3.org/1999/xhtml">
	<h1>Problem Description:</h1>
	<p>A bug in <code>jail(2)</code>.</p>
	<h1>Impact:</h1>
	<p>Escape from a jail.</p>
      </body>
    </description>
    <references>
      <freebsdsa>SA-26:02.jail</freebsdsa>
      <cvename>CVE-2026-0001</cvename>
    </references>
    <dates>
      <discovery>2026-01-05</discovery>
      <entry>2026-01-06</entry>
    </dates>
  </vuln>
  <vuln vid="33333333-3333-11d8-8000-000000000003">
    <cancelled superseded="11111111-1111-11f0-8000-000000000001"/>
  </vuln>
</vuxml>
`

// exportPkgsrcFixture is a small pkg-vulnerabilities file (pkgaudit
// pkgsrc check accepts it: no #CHECKSUM lines).
const exportPkgsrcFixture = `# $NetBSD: pkg-vulnerabilities,v 1.1 2011/04/06 22:06:37 tez Exp $
#
#FORMAT 1.1.0
#
openssl<0.9.8qnb1	denial-of-service	http://www.openssl.org/news/secadv_20110208.txt
{ap2,ap22}-perl>=2.0<2.0.4	cross-site-scripting	https://example.org/CVE-2008-2364
php>=5.3<5.3.6	eol	http://www.NetBSD.org/eol
mysql-server-5.0.[0-9]*	remote-code-execution	https://example.org/mysql
sudo-1.6.3p6	privilege-escalation	https://example.org/sudo
`

// exportDump renders a directory of records (or a zip) as one text: each
// file's name and content, in name order.
func exportDump(t *testing.T, files map[string][]byte) []byte {
	t.Helper()
	var names []string
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var b bytes.Buffer
	for _, n := range names {
		b.WriteString("=== " + n + "\n")
		b.Write(files[n])
	}
	return b.Bytes()
}

func exportReadDir(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]byte{}
	for _, e := range ents {
		if e.Name() == ".pkgaudit-osv" { // the manifest, not a record
			continue
		}
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		out[e.Name()] = b
	}
	return out
}

func exportReadZip(t *testing.T, path string) map[string][]byte {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	out := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		out[f.Name] = b
	}
	return out
}

func TestExportOSVGolden(t *testing.T) {
	dir := t.TempDir()
	vx := filepath.Join(dir, "vuln.xml")
	pv := filepath.Join(dir, "pkg-vulnerabilities")
	if err := os.WriteFile(vx, []byte(exportFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pv, []byte(exportPkgsrcFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "osv")
	zipPath := filepath.Join(dir, "all.zip")
	stdout, stderr, code := run(t, "", "export", "osv", "-f", vx, "-f", pv, "--out", out, "--zip", zipPath)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	want := "8 records written to " + out + "\n8 records written to " + zipPath + "\n"
	if stdout != want {
		t.Errorf("stdout %q, want %q", stdout, want)
	}
	files := exportReadDir(t, out)
	checkGolden(t, "export/fixture.txt", exportDump(t, files))
	if z := exportReadZip(t, zipPath); !bytes.Equal(exportDump(t, z), exportDump(t, files)) {
		t.Error("the zip holds other records than the directory")
	}

	// Deterministic and replaced as a whole: a second run over a directory
	// with a stale record of an earlier export (listed in its manifest)
	// gives the same files, without the stale one.
	if err := os.WriteFile(filepath.Join(out, "stale.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	mf, err := os.OpenFile(filepath.Join(out, ".pkgaudit-osv"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	mf.WriteString("stale.json\n")
	mf.Close()
	if _, stderr, code := run(t, "", "export", "osv", "-f", vx, "-f", pv, "--out", out); code != 0 {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	if !bytes.Equal(exportDump(t, exportReadDir(t, out)), exportDump(t, files)) {
		t.Error("a second export differs")
	}
	// Leftovers of the replacement are gone.
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), ".") {
			t.Errorf("leftover %s", e.Name())
		}
	}
}

func TestExportOSVErrors(t *testing.T) {
	dir := t.TempDir()
	vx := filepath.Join(dir, "vuln.xml")
	if err := os.WriteFile(vx, []byte(exportFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	notOurs := filepath.Join(dir, "home")
	if err := os.MkdirAll(notOurs, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(notOurs, "notes.txt"), []byte("keep"), 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.xml")
	if err := os.WriteFile(bad, []byte("<vuxml><vuln vid=\"x\"><topic>t</topic>"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		msg  string
	}{
		{"no output", []string{"export", "osv", "-f", vx}, "--out DIR and/or --zip FILE"},
		{"missing db", []string{"export", "osv", "-f", filepath.Join(dir, "nope.xml"), "--out", filepath.Join(dir, "o")}, "no such file"},
		{"foreign dir", []string{"export", "osv", "-f", vx, "--out", notOurs}, "refusing to replace"},
		{"bad date", []string{"export", "osv", "-f", vx, "--out", filepath.Join(dir, "o"), "--date", "yesterday"}, "--date"},
		{"malformed db", []string{"export", "osv", "-f", bad, "--out", filepath.Join(dir, "o")}, "bad.xml"},
		{"operand", []string{"export", "osv", "--out", filepath.Join(dir, "o"), "extra"}, "unknown command"},
	} {
		_, stderr, code := run(t, "", tc.args...)
		if code != ExitError || !strings.Contains(stderr, tc.msg) {
			t.Errorf("%s: exit %d, stderr %q (want %q)", tc.name, code, stderr, tc.msg)
		}
	}
	if b, err := os.ReadFile(filepath.Join(notOurs, "notes.txt")); err != nil || string(b) != "keep" {
		t.Error("a foreign directory was touched")
	}
}

// The exported records are a database pkgaudit audit reads.
func TestExportThenAudit(t *testing.T) {
	dir := t.TempDir()
	vx := filepath.Join(dir, "vuln.xml")
	if err := os.WriteFile(vx, []byte(exportFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	zipPath := filepath.Join(dir, "all.zip")
	if _, stderr, code := run(t, "", "export", "osv", "-f", vx, "--zip", zipPath); code != 0 {
		t.Fatalf("export: %s", stderr)
	}
	for _, db := range []string{vx, zipPath} {
		for _, tc := range []struct {
			pkg  string
			code int
		}{{"foo-1.1", 1}, {"foo-1.2", 0}, {"foo-devel-2.3", 1}, {"foo-3.0b1", 1}, {"py39-foo-116.0,1", 0}, {"py39-foo-117.0,1", 1}, {"FreeBSD-14.3_7", 1}, {"FreeBSD-kernel-15.0_2", 0}} {
			out, stderr, code := run(t, "", "audit", "-f", db, tc.pkg)
			if code != tc.code {
				t.Errorf("audit -f %s %s: exit %d, want %d\n%s%s", filepath.Base(db), tc.pkg, code, tc.code, out, stderr)
			}
		}
	}
}
