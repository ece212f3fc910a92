package feed

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/internal/workload"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// whole parses a document in one piece, as Parse does for small ones.
func whole(t *testing.T, name string, data []byte) *Database {
	t.Helper()
	doc, err := vuxml.Parse(data, vuxml.ParseOptions{FileName: name})
	if err != nil {
		t.Fatal(err)
	}
	db := &Database{Advisories: FromVuXML(doc)}
	db.Entries = len(doc.Entries)
	for _, e := range doc.Entries {
		if e.Cancelled != nil {
			db.Withdrawn++
		}
	}
	return db
}

// A big document parsed in chunks, from memory and from the file, gives
// exactly what parsing it whole gives, positions included.
func TestChunkedEqualsWhole(t *testing.T) {
	doc, _ := workload.Generate(workload.Config{Entries: 6000, Names: 1500, Operands: 1, Seed: 7})
	variants := map[string][]byte{
		"workload": doc,
		// Comments and blank lines between entries, a <vuln> on the root's
		// line, CRLF line ends.
		"quirks": func() []byte {
			d := bytes.Replace(doc, []byte("<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">\n  <vuln"), []byte("<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\"> <vuln"), 1)
			d = bytes.ReplaceAll(d, []byte("</vuln>\n\n  <vuln"), []byte("</vuln>\n<!-- a\n  <vuln vid=\"in-a-comment\">\n-->\n\n  <vuln"))
			return bytes.ReplaceAll(d, []byte("\n"), []byte("\r\n"))
		}(),
		// CDATA holding lines that look like entries.
		"cdata": bytes.ReplaceAll(doc, []byte("<p>The "), []byte("<p><![CDATA[\n  <vuln vid=\"x\">\n]]>The ")),
		// Entries longer than the first window a cut is looked for in.
		"long": func() []byte {
			parts := bytes.Split(doc, []byte("</body>"))
			pad := []byte("<p>" + strings.Repeat("a long description line\n", 1500) + "</p>")
			for i := 0; i < len(parts)-1; i += 40 {
				parts[i] = append(append([]byte(nil), parts[i]...), pad...)
			}
			return bytes.Join(parts, []byte("</body>"))
		}(),
	}
	dir := t.TempDir()
	for name, data := range variants {
		if len(data) < chunkMin {
			t.Fatalf("%s: only %d bytes", name, len(data))
		}
		path := filepath.Join(dir, name+".xml")
		os.WriteFile(path, data, 0o644)
		want := whole(t, path, data)
		read := func(_ []byte, off, end int64) ([]byte, error) { return data[off:end], nil }
		var c collector
		info, ok, _ := parseChunked(read, int64(len(data)), vuxml.ParseOptions{FileName: path}, &c)
		got := &Database{DatabaseInfo: info, Advisories: c.advs}
		switch {
		case !ok && name == "cdata":
			// A cut inside the CDATA section: parsed whole instead.
			got = want
		case !ok:
			t.Fatalf("%s: not parsed in chunks", name)
		}
		if !reflect.DeepEqual(got.Advisories, want.Advisories) || got.Entries != want.Entries || got.Withdrawn != want.Withdrawn {
			for i := range want.Advisories {
				if i >= len(got.Advisories) || !reflect.DeepEqual(got.Advisories[i], want.Advisories[i]) {
					t.Fatalf("%s: advisory %d of %d/%d differs:\n got %+v\nwant %+v", name, i, len(got.Advisories), len(want.Advisories), got.Advisories[min(i, len(got.Advisories)-1)], want.Advisories[i])
				}
			}
			t.Fatalf("%s: %d entries, want %d", name, got.Entries, want.Entries)
		}
		db, err := Load(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(db.Advisories, want.Advisories) || db.Entries != want.Entries || db.Size != int64(len(data)) || !db.ID.Known() || db.Format != VuXML {
			t.Errorf("%s: Load differs: %+v", name, db.DatabaseInfo)
		}
		if want, _ := Parse(path, data, Options{}); db.Hash != want.Hash {
			t.Errorf("%s: hash differs", name)
		}
	}
}

// Documents the chunks cannot take are parsed whole, with the whole
// parse's error.
func TestChunkedFallback(t *testing.T) {
	doc, _ := workload.Generate(workload.Config{Entries: 6000, Names: 1500, Operands: 1, Seed: 7})
	mid := bytes.Index(doc[len(doc)/2:], []byte("<topic>")) + len(doc)/2
	broken := append(append(append([]byte(nil), doc[:mid]...), "<topic></bogus>"...), doc[mid+len("<topic>"):]...)
	// Cuts inside comments: the chunks fail, the whole parse succeeds.
	comments := bytes.ReplaceAll(doc, []byte("</dates>"), []byte("</dates><!--\n</vuln>\n  <vuln vid=\"x\">\n-->"))
	subset := bytes.Replace(doc, []byte("vuxml-11.dtd\">"), []byte("vuxml-11.dtd\" [\n<!ENTITY me \"x\">\n]>"), 1)
	dir := t.TempDir()
	for name, data := range map[string][]byte{"broken": broken, "subset": subset, "comments": comments} {
		read := func(_ []byte, off, end int64) ([]byte, error) { return data[off:end], nil }
		if _, ok, _ := parseChunked(read, int64(len(data)), vuxml.ParseOptions{FileName: name}, &collector{}); ok {
			t.Errorf("%s: parsed in chunks", name)
		}
		path := filepath.Join(dir, name)
		os.WriteFile(path, data, 0o644)
		_, werr := vuxml.Parse(data, vuxml.ParseOptions{FileName: path})
		db, err := Load(path, Options{})
		switch {
		case werr != nil && (err == nil || !strings.Contains(err.Error(), werr.Error())):
			t.Errorf("%s: error %v, want %v", name, err, werr)
		case werr == nil && (err != nil || db.Entries != 6000):
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestChunkedNoHash(t *testing.T) {
	doc, _ := workload.Generate(workload.Config{Entries: 6000, Names: 1500, Operands: 1, Seed: 7})
	path := filepath.Join(t.TempDir(), "vuln.xml")
	os.WriteFile(path, doc, 0o644)
	db, err := Load(path, Options{NoHash: true})
	if err != nil || db.Hash != [32]byte{} || db.Entries != 6000 || !db.ID.Known() {
		t.Errorf("%v %+v", err, db.DatabaseInfo)
	}
}

// copier is a Copier sink: it keeps deep copies of what it is given.
type copier struct{ advs []advisory.Advisory }

func (c *copier) Add(advs []advisory.Advisory) error {
	b, err := json.Marshal(advs)
	if err != nil {
		return err
	}
	var cp []advisory.Advisory
	if err := json.Unmarshal(b, &cp); err != nil {
		return err
	}
	c.advs = append(c.advs, cp...)
	// Scribble over what the sink was given: nothing of it may be used
	// again by feed.
	for i := range advs {
		advs[i] = advisory.Advisory{ID: "scribbled"}
	}
	return nil
}

func (c *copier) Reset()            { c.advs = nil }
func (c *copier) CopiesAdvisories() {}

// A Copier sink is given advisories in reused memory; what it copies out
// is what Load gives.
func TestChunkedCopier(t *testing.T) {
	doc, _ := workload.Generate(workload.Config{Entries: 6000, Names: 1500, Operands: 1, Seed: 7})
	path := filepath.Join(t.TempDir(), "vuln.xml")
	os.WriteFile(path, doc, 0o644)
	want, err := Load(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var c copier
	info, err := LoadInto(path, Options{}, &c)
	if err != nil {
		t.Fatal(err)
	}
	if info.Entries != 6000 || info.Hash != want.Hash || len(c.advs) != len(want.Advisories) {
		t.Fatalf("%+v, %d advisories", info, len(c.advs))
	}
	for i := range c.advs {
		if !reflect.DeepEqual(c.advs[i], want.Advisories[i]) {
			t.Fatalf("advisory %d:\n got %+v\nwant %+v", i, c.advs[i], want.Advisories[i])
		}
	}
}
