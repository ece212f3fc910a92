package feed

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// yearDir writes the ports' security/vuxml/vuln/ layout: the three real
// year files, fragments without a wrapper.
func yearDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "vuln")
	os.MkdirAll(dir, 0o755)
	for _, y := range []string{"2003", "2025", "2026"} {
		data, err := os.ReadFile("../testdata/vuxml/vuln-" + y + ".xml")
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, y+".xml"), data, 0o644)
	}
	return dir
}

// A directory of VuXML year files is one database, the same as the
// vuln.xml wrapper that includes them (newest year first).
func TestLoadVuXMLYearDirectory(t *testing.T) {
	dir := yearDir(t)
	db, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	wdb, err := Load(wrapper(t, t.TempDir()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if db.Format != VuXML || db.Entries != wdb.Entries || db.Withdrawn != wdb.Withdrawn || len(db.Includes) != 3 || !db.ID.Known() || db.Hash == ([32]byte{}) {
		t.Fatalf("info %+v", db.DatabaseInfo)
	}
	strip := func(advs []advisory.Advisory) []advisory.Advisory {
		out := make([]advisory.Advisory, len(advs))
		for i, a := range advs {
			a.Origin.File = filepath.Base(a.Origin.File)
			out[i] = a
		}
		return out
	}
	if !reflect.DeepEqual(strip(db.Advisories), strip(wdb.Advisories)) {
		t.Error("the directory and the wrapper differ")
	}
	if !strings.HasSuffix(db.Includes[0].Path, "2026.xml") || !db.Includes[0].ID.Known() {
		t.Errorf("first include %+v", db.Includes[0])
	}
	// Through LoadInto (audit.Open) too.
	var c collector
	info, err := LoadInto(dir, Options{}, &c)
	if err != nil || info.Entries != db.Entries || len(c.advs) != len(db.Advisories) {
		t.Errorf("LoadInto: %v", err)
	}
	// Subdirectories, hidden files and other files are not read.
	os.MkdirAll(filepath.Join(dir, "old"), 0o755)
	os.WriteFile(filepath.Join(dir, "old", "1999.xml"), []byte("<bad"), 0o644)
	os.WriteFile(filepath.Join(dir, ".2027.xml.swp"), []byte("junk"), 0o644)
	os.WriteFile(filepath.Join(dir, "Makefile"), []byte("all:\n"), 0o644)
	if db2, err := Load(dir, Options{}); err != nil || db2.Entries != db.Entries {
		t.Errorf("with other files: %v", err)
	}
	// A year file with an error is an error, with its position.
	os.WriteFile(filepath.Join(dir, "2024.xml"), []byte("<vuln vid=\"x\">\n<topic>"), 0o644)
	if _, err := Load(dir, Options{}); err == nil || !strings.Contains(err.Error(), "2024.xml:") {
		t.Errorf("bad year file: %v", err)
	}
}

// A directory that yields no advisory is an error, never an empty
// database: nothing would be audited.
func TestLoadDirectoryWithoutAdvisories(t *testing.T) {
	for name, files := range map[string]map[string]string{
		"empty":          {},
		"unknown format": {"README": "hello\n", "notes.txt": "x"},
		"only .git":      {".git/config": "[core]\n", ".git/x.json": `{"id": "X", "modified": "2025-01-01T00:00:00Z"}`},
		"reports only":   {"report.json": `{"tool": {"name": "pkgaudit"}, "databases": [], "results": []}`},
	} {
		dir := t.TempDir()
		for n, c := range files {
			os.MkdirAll(filepath.Dir(filepath.Join(dir, n)), 0o755)
			os.WriteFile(filepath.Join(dir, n), []byte(c), 0o644)
		}
		_, err := Load(dir, Options{})
		if err == nil || !strings.HasPrefix(err.Error(), dir+": no advisories in this directory") {
			t.Errorf("%s: %v", name, err)
		}
		if name == "reports only" && (err == nil || !strings.Contains(err.Error(), "report.json: not an OSV record, skipped: this is pkgaudit's own JSON report")) {
			t.Errorf("%s: the report is not named: %v", name, err)
		}
	}
	// Both layouts at once: say so.
	dir := yearDir(t)
	os.WriteFile(filepath.Join(dir, "X-1.json"), []byte(`{"id": "X-1", "modified": "2025-01-01T00:00:00Z"}`), 0o644)
	if _, err := Load(dir, Options{}); err == nil || !strings.Contains(err.Error(), "holds both VuXML files") {
		t.Errorf("mixed: %v", err)
	}
	// A missing directory, a file given to LoadDir.
	if _, err := LoadDir(filepath.Join(dir, "nosuch"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
	if _, err := LoadDir(filepath.Join(dir, "2025.xml"), Options{}); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("file: %v", err)
	}
}

// ReadDocument reads a directory of OSV records as one document of
// records (remediate's descriptions); a year-file directory is no single
// document.
func TestReadDocumentDirectory(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "X-1.json"), []byte(`{"id": "X-1", "modified": "2025-01-01T00:00:00Z", "details": "d"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "bad.json"), []byte(`{`), 0o644)
	doc, err := ReadDocument(dir, Options{})
	if err != nil || doc.Format != OSV || len(doc.OSV) != 1 || doc.OSV[0].Vuln.Details != "d" || len(doc.Warnings) != 1 || doc.Hash == ([32]byte{}) {
		t.Fatalf("%v %+v", err, doc)
	}
	if _, err := ReadDocument(dir, Options{Formats: []Format{VuXML}}); !errors.Is(err, ErrWrongFormat) {
		t.Errorf("formats: %v", err)
	}
	if _, err := ReadDocument(yearDir(t), Options{}); err == nil || !strings.Contains(err.Error(), "no single document") {
		t.Errorf("year directory: %v", err)
	}
	if _, err := ReadDocument(t.TempDir(), Options{}); err == nil || !strings.Contains(err.Error(), "no advisories") {
		t.Errorf("empty directory: %v", err)
	}
}
