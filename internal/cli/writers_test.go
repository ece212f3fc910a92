package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/fsname"
)

// Issue 11, F.23: every option that names an output file refuses a
// directory by name, before writing anything, and leaves it alone.
func TestOutputFileIsDirectory(t *testing.T) {
	dir := t.TempDir()
	vx := filepath.Join(dir, "vuln.xml")
	if err := os.WriteFile(vx, []byte(exportFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if err := os.Mkdir(out, 0o755); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(out, "keep"), []byte("x"), 0o644)
	src := filepath.Join(dir, "src")
	os.WriteFile(src, []byte("foo<1.0\tdenial-of-service\thttps://example.org/x\n"), 0o644)
	for _, args := range [][]string{
		{"pkgsrc", "sign", "-o", out, src},
		{"vuxml", "flatten", "-o", out, vx},
		{"export", "osv", "-f", vx, "--zip", out},
		{"fetch", "--feed", "file://" + vx, "-o", out},
	} {
		_, stderr, code := run(t, "", args...)
		if code != ExitError || !strings.Contains(stderr, out+" is a directory") || strings.Contains(stderr, ".tmp") {
			t.Errorf("%v: exit %d, stderr %q", args, code, stderr)
		}
	}
	if ents, _ := os.ReadDir(out); len(ents) != 1 {
		t.Errorf("directory changed: %v", ents)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 3 {
		t.Errorf("left behind: %v", ents)
	}
}

// Issue 11, F.21: export osv --out replaces a directory only when its
// manifest shows pkgaudit wrote it; a directory of other files (even
// *.json ones) is refused and left untouched.
func TestExportOSVOutNeedsManifest(t *testing.T) {
	dir := t.TempDir()
	vx := filepath.Join(dir, "vuln.xml")
	if err := os.WriteFile(vx, []byte(exportFixture), 0o644); err != nil {
		t.Fatal(err)
	}
	theirs := filepath.Join(dir, "theirs")
	os.Mkdir(theirs, 0o755)
	os.WriteFile(filepath.Join(theirs, "package.json"), []byte(`{"name":"mine"}`), 0o644)
	_, stderr, code := run(t, "", "export", "osv", "-f", vx, "--out", theirs)
	if code != ExitError || !strings.Contains(stderr, "refusing") {
		t.Errorf("a directory of someone else's JSON: exit %d, %q", code, stderr)
	}
	if b, err := os.ReadFile(filepath.Join(theirs, "package.json")); err != nil || string(b) != `{"name":"mine"}` {
		t.Error("someone else's directory was touched")
	}

	ours := filepath.Join(dir, "ours")
	for i := 0; i < 2; i++ { // new, then replaced because the manifest vouches for it
		if _, stderr, code := run(t, "", "export", "osv", "-f", vx, "--out", ours); code != ExitOK {
			t.Fatalf("run %d: exit %d, %q", i, code, stderr)
		}
	}
	if _, err := os.Stat(filepath.Join(ours, ".pkgaudit-osv")); err != nil {
		t.Fatal(err)
	}
	// The manifest is not a record: audit reads the directory back.
	if _, stderr, code := run(t, "", "audit", "-f", ours, "foo-1.0"); code != ExitFound {
		t.Errorf("audit of the export: exit %d, %q", code, stderr)
	}
	// A file the manifest does not list makes it someone else's again.
	os.WriteFile(filepath.Join(ours, "notes.json"), []byte("{}"), 0o644)
	_, stderr, code = run(t, "", "export", "osv", "-f", vx, "--out", ours)
	if code != ExitError || !strings.Contains(stderr, "notes.json") {
		t.Errorf("unlisted file: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(ours, "notes.json")); err != nil {
		t.Error("unlisted file removed")
	}
	// A manifest that is not ours (a forged or unrelated file) is refused.
	forged := filepath.Join(dir, "forged")
	os.Mkdir(forged, 0o755)
	os.WriteFile(filepath.Join(forged, ".pkgaudit-osv"), []byte("notes.txt\n"), 0o644)
	os.WriteFile(filepath.Join(forged, "notes.txt"), []byte("x"), 0o644)
	if _, stderr, code := run(t, "", "export", "osv", "-f", vx, "--out", forged); code != ExitError {
		t.Errorf("forged manifest: exit %d, %q", code, stderr)
	}
	if _, err := os.Stat(filepath.Join(forged, "notes.txt")); err != nil {
		t.Error("file under a forged manifest removed")
	}
}

// longNamesDoc has a 300-character vid and a 50-character Cyrillic package
// name: their file names would exceed the 255-byte limit.
func longNamesDoc() (doc, vid, name string) {
	vid = strings.Repeat("a", 300)
	name = strings.Repeat("пакет", 10)
	doc = `<?xml version="1.0" encoding="utf-8"?>
<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">
  <vuln vid="` + vid + `">
    <topic>long -- names</topic>
    <affects><package><name>` + name + `</name><range><lt>1.0</lt></range></package></affects>
    <description><body xmlns="http://www.w3.org/1999/xhtml"><p>x</p></body></description>
    <references><cvename>CVE-2025-0001</cvename></references>
    <dates><discovery>2025-01-01</discovery><entry>2025-01-02</entry></dates>
  </vuln>
  <vuln vid="` + vid + `b">
    <topic>long -- names, a second one</topic>
    <affects><package><name>` + name + `x</name><range><lt>1.0</lt></range></package></affects>
    <description><body xmlns="http://www.w3.org/1999/xhtml"><p>y</p></body></description>
    <references><cvename>CVE-2025-0002</cvename></references>
    <dates><discovery>2025-01-01</discovery><entry>2025-01-02</entry></dates>
  </vuln>
</vuxml>
`
	return doc, vid, name
}

// Issue 11, F.22: names too long for a file name are shortened and
// hash-suffixed; the site's links still lead to the shortened pages, and
// the OSV records read back.
func TestLongNamesShortened(t *testing.T) {
	dir := t.TempDir()
	doc, vid, name := longNamesDoc()
	vx := filepath.Join(dir, "long.xml")
	if err := os.WriteFile(vx, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	site := filepath.Join(dir, "site")
	siteBuildRun(t, site, "-f", vx)
	siteCheck(t, site)
	osvDir := filepath.Join(dir, "osv")
	if _, stderr, code := run(t, "", "export", "osv", "-f", vx, "--out", osvDir, "--zip", filepath.Join(dir, "osv.zip")); code != ExitOK {
		t.Fatalf("export: exit %d, %q", code, stderr)
	}
	for _, d := range []string{site, osvDir} {
		ents, err := os.ReadDir(d)
		if err != nil {
			t.Fatal(err)
		}
		long := 0
		for _, e := range ents {
			if len(e.Name()) > fsname.MaxBytes {
				t.Errorf("%s: %d bytes", e.Name(), len(e.Name()))
			}
			if len(e.Name()) == fsname.MaxBytes {
				long++
			}
		}
		if long < 2 {
			t.Errorf("%s: %d shortened names, want 2 or more", d, long)
		}
	}
	for _, src := range []string{osvDir, filepath.Join(dir, "osv.zip")} {
		out, stderr, code := run(t, "", "audit", "--format", "json", "-f", src, name+"-0.9")
		if code != ExitFound || !strings.Contains(out, vid) {
			t.Errorf("audit -f %s: exit %d, %q", src, code, stderr)
		}
	}
}
