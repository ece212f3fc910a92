package vuxml

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFlattenWrapper(t *testing.T) {
	w := layoutPort(t)
	flat, err := Flatten(w, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	d, err := Parse(flat, ParseOptions{FileName: "vuln-flat.xml", NoExternalEntities: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Entries) != 237 || len(d.Issues) != 0 {
		t.Fatalf("%d entries, issues %v", len(d.Entries), d.Issues)
	}
	// the wrapper's prolog, DOCTYPE and internal subset are kept verbatim
	wrapper := readTestFile(t, w)
	i := bytes.Index(wrapper, []byte("&vuln-2026;"))
	if !bytes.HasPrefix(flat, wrapper[:i]) {
		t.Error("prolog not kept")
	}
	if !bytes.HasSuffix(flat, []byte("  </vuln>\n\n</vuxml>\n")) {
		t.Errorf("tail %q", flat[len(flat)-40:])
	}
	// each year file's text is inserted as is
	for _, y := range []int{2003, 2025, 2026} {
		if !bytes.Contains(flat, readTestFile(t, yearFiles[y])) {
			t.Errorf("%d not inserted verbatim", y)
		}
	}
	// the same entries as parsing the wrapper itself, positions aside
	wd, _ := ParseFile(w, ParseOptions{})
	for k := range wd.Entries {
		a, b := wd.Entries[k], d.Entries[k]
		if a.VID != b.VID || a.Topic != b.Topic || a.Description.XHTML != b.Description.XHTML || len(a.References) != len(b.References) {
			t.Fatalf("entry %d differs", k)
		}
	}
}

func TestFlattenDetails(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "vuln"), 0o755)
	os.WriteFile(filepath.Join(dir, "vuln", "a.xml"), []byte("\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?>\n  "+strings.ReplaceAll(goodEntry, "foo -- bar", "&co; -- bar")+"\n&b;\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "vuln", "b.xml"), []byte(strings.ReplaceAll(goodEntry, "1111", "2222")), 0o644)
	w := filepath.Join(dir, "vuln.xml")
	os.WriteFile(w, []byte("<!DOCTYPE vuxml [<!ENTITY co \"Co\"><!ENTITY a SYSTEM \"vuln/a.xml\"><!ENTITY b SYSTEM \"vuln/b.xml\">]>\n"+hdr+"\n&a;\n</vuxml>\n"), 0o644)
	flat, err := Flatten(w, ParseOptions{})
	if err != nil {
		t.Fatal(err)
	}
	s := string(flat)
	if strings.Contains(s, "<?xml") || strings.Contains(s, "\xef\xbb\xbf") || !strings.Contains(s, "&co; -- bar") || strings.Contains(s, "&a;") || strings.Contains(s, "&b;") {
		t.Errorf("flat:\n%s", s)
	}
	d, err := Parse(flat, ParseOptions{NoExternalEntities: true})
	if err != nil || len(d.Entries) != 2 || d.Entries[0].Topic != "Co -- bar" {
		t.Fatalf("%v", err)
	}
	// a document without external entities comes back unchanged
	plain := filepath.Join(dir, "plain.xml")
	os.WriteFile(plain, []byte(hdr+goodEntry+"</vuxml>"), 0o644)
	if out, err := Flatten(plain, ParseOptions{}); err != nil || string(out) != hdr+goodEntry+"</vuxml>" {
		t.Errorf("%v %q", err, out)
	}
	// errors come from parsing
	os.WriteFile(w, []byte("<!DOCTYPE vuxml [<!ENTITY a SYSTEM \"../x.xml\">]>\n"+hdr+"\n&a;\n</vuxml>\n"), 0o644)
	if _, err := Flatten(w, ParseOptions{}); err == nil || !strings.Contains(err.Error(), "leaves the document's directory") {
		t.Errorf("escape: %v", err)
	}
}
