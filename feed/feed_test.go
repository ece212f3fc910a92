package feed

import (
	"bytes"
	"compress/gzip"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/osv"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

const realPkgsrc = "../testdata/pkgsrc/pkg-vulnerabilities-1.3817"

func gz(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestLoadPkgsrc(t *testing.T) {
	raw, err := os.ReadFile(realPkgsrc)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, c := range []struct {
		name, compression string
		data              []byte
	}{{"plain", "", raw}, {"gz", "gzip", gz(t, raw)}} {
		path := filepath.Join(dir, c.name)
		os.WriteFile(path, c.data, 0o644)
		db, err := Load(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if db.Format != Pkgsrc || db.Compression != c.compression || db.Entries != 5178 || len(db.Advisories) != 5178 ||
			!db.Signed || db.Verified || !strings.Contains(db.NetBSDID, "1.3817") || db.Path != path || db.Size != int64(len(c.data)) || db.ModTime.IsZero() {
			t.Errorf("%s: %+v", c.name, db.DatabaseInfo)
		}
		a := db.Advisories[0]
		if a.Source != advisory.SourcePkgsrc || a.Class != "remote-root-shell" || a.Topic != a.Class || a.Affects[0].Pattern != "cfengine<1.5.3nb3" ||
			a.Affects[0].Scheme != advisory.Pkgsrc || a.Origin.File != path || a.Origin.Line == 0 || a.ID != a.URL {
			t.Errorf("%s: first advisory %+v", c.name, a)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	dir := t.TempDir()
	for name, data := range map[string][]byte{
		"text":   []byte("hello world\n"),
		"binary": {0, 1, 2, 3},
		"gztext": gz(t, []byte("plain words\n")),
	} {
		path := filepath.Join(dir, name)
		os.WriteFile(path, data, 0o644)
		_, err := Load(path, Options{})
		if !errors.Is(err, ErrUnknownFormat) || !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("%s: %v", name, err)
		}
	}
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o644)
	if _, err := Load(empty, Options{}); err == nil || !strings.HasPrefix(err.Error(), empty+": ") {
		t.Errorf("empty: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "missing"), Options{}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing: %v", err)
	}
}

// A pkgsrc parse error is reported once with its path and line.
func TestPkgsrcError(t *testing.T) {
	_, err := Parse("db.txt", []byte("#FORMAT 1.1.0\nfoo<1 dos\n"), Options{})
	if err == nil || strings.Count(err.Error(), "db.txt") != 1 {
		t.Errorf("%v", err)
	}
}

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Format
	}{
		{"<?xml version=\"1.0\"?><vuxml/>", VuXML},
		{"\xef\xbb\xbf\n  <vuln vid=\"x\">", VuXML},
		{"-----BEGIN PGP SIGNED MESSAGE-----\n", Pkgsrc},
		{"# $NetBSD$\n#FORMAT 1.1.0\n", Pkgsrc},
		{"{\"id\":\"x\"}", ""},
	} {
		var got Format
		if d, _ := detect([]byte(c.in)); d != nil {
			got = d.format
		}
		if got != c.want && !(c.want == "" && got == OSV) {
			t.Errorf("%q: %q, want %q", c.in, got, c.want)
		}
	}
}

// wrapper writes a vuln.xml that pulls the three real year files in
// through external entities, as security/vuxml does.
func wrapper(t *testing.T, dir string) string {
	os.MkdirAll(filepath.Join(dir, "vuln"), 0o755)
	for _, y := range []string{"2026", "2025", "2003"} {
		data, err := os.ReadFile("../testdata/vuxml/vuln-" + y + ".xml")
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "vuln", y+".xml"), data, 0o644)
	}
	path := filepath.Join(dir, "vuln.xml")
	os.WriteFile(path, []byte(`<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE vuxml PUBLIC "-//vuxml.org//DTD VuXML 1.1//EN" "http://www.vuxml.org/dtd/vuxml-1/vuxml-11.dtd" [
<!ENTITY vuln-2003 SYSTEM "vuln/2003.xml">
<!ENTITY vuln-2025 SYSTEM "vuln/2025.xml">
<!ENTITY vuln-2026 SYSTEM "vuln/2026.xml">
]>
<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">
&vuln-2026;
&vuln-2025;
&vuln-2003;
</vuxml>
`), 0o644)
	return path
}

func TestLoadVuXMLWrapper(t *testing.T) {
	dir := t.TempDir()
	path := wrapper(t, dir)
	db, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if db.Format != VuXML || db.Entries != 237 || len(db.Advisories) != 237 || db.Withdrawn != 2 || len(db.Includes) != 3 {
		t.Fatalf("info %+v", db.DatabaseInfo)
	}
	for _, f := range db.Includes {
		if !f.ID.Known() || f.Size == 0 || !strings.HasPrefix(f.Path, filepath.Join(dir, "vuln")) {
			t.Errorf("include %+v", f)
		}
	}
	a := db.Advisories[0]
	if a.Source != advisory.SourceVuXML || a.URL != "https://vuxml.FreeBSD.org/freebsd/"+a.ID+".html" || !strings.HasSuffix(a.Origin.File, "2026.xml") || a.Origin.Line == 0 ||
		len(a.Affects) == 0 || a.Affects[0].Scheme != advisory.FreeBSD || len(a.Affects[0].Names) == 0 {
		t.Errorf("first advisory %+v", a)
	}
	if _, err := Load(path, Options{NoExternalEntities: true}); err == nil {
		t.Error("external entities not refused")
	}
	// Compressed, the wrapper still finds its year files.
	raw, _ := os.ReadFile(path)
	os.WriteFile(path+".gz", gz(t, raw), 0o644)
	if db, err := Load(path+".gz", Options{}); err != nil || db.Entries != 237 || db.Compression != "gzip" {
		t.Errorf("gzip wrapper: %v", err)
	}
}

func TestNoHash(t *testing.T) {
	dir := t.TempDir()
	path := wrapper(t, dir)
	for _, p := range []string{path, realPkgsrc} {
		db, err := Load(p, Options{NoHash: true})
		if err != nil || db.Hash != [32]byte{} || db.Entries == 0 {
			t.Errorf("%s: %v %x", p, err, db.Hash)
		}
	}
}

// Load reads a directory as OSV records, each file once, with the
// identities a cache needs: the directory's, every record file's and
// every subdirectory's.
func TestLoadOSVDirectory(t *testing.T) {
	doc, err := vuxml.ParseFile("../testdata/vuxml/vuln-2026.xml", vuxml.ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	vs, err := osv.FromVuXMLDocument(doc, osv.VuXMLOptions{})
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := osv.WriteDir(dir, vs[:len(vs)-3]); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "more")
	if err := osv.WriteDir(sub, vs[len(vs)-3:]); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(dir, "README"), []byte("not a record"), 0o644)
	db, err := Load(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if db.Format != OSV || db.Entries != len(vs) || len(db.Advisories) != len(vs) || !db.ID.Known() || db.Hash == ([32]byte{}) {
		t.Fatalf("%+v", db.DatabaseInfo)
	}
	files, dirs := 0, 0
	for _, f := range db.Includes {
		if !f.ID.Known() {
			t.Errorf("%s: no FileID", f.Path)
		}
		if f.Path == sub {
			dirs++
		} else if filepath.Ext(f.Path) == ".json" && f.Hash != ([32]byte{}) {
			files++
		}
	}
	if files != len(vs) || dirs != 1 || len(db.Includes) != len(vs)+1 {
		t.Errorf("includes: %d record files, %d directories, %d in all", files, dirs, len(db.Includes))
	}
	var c collector
	info, err := LoadInto(dir, Options{}, &c)
	if err != nil || info.Entries != len(vs) || !reflect.DeepEqual(c.advs, db.Advisories) || info.Hash != db.Hash {
		t.Errorf("LoadInto: %v, %+v", err, info)
	}
	if _, err := Load(filepath.Join(dir, "nosuch"), Options{}); err == nil {
		t.Error("a missing directory loaded")
	}
	// A file that is not an OSV record is named in a warning; the others
	// are read.
	os.WriteFile(filepath.Join(sub, "bad.json"), []byte("{"), 0o644)
	db, err = Load(dir, Options{})
	if err != nil || len(db.Advisories) != len(vs) || len(db.Warnings) != 1 || !strings.HasPrefix(db.Warnings[0], filepath.Join("more", "bad.json")+": not an OSV record, skipped: ") {
		t.Errorf("a bad record: %v %q", err, db.Warnings)
	}
}
