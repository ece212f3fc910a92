package feed

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/internal/testlong"
	"github.com/pkgaudit/pkgaudit/internal/workload"
)

// briefAdvisory is a as Options.Brief may give it: only the cvename
// references, no dates.
func briefAdvisory(a advisory.Advisory) advisory.Advisory {
	c := a
	c.References = nil
	for _, r := range a.References {
		if r.Kind == "cvename" {
			c.References = append(c.References, r)
		}
	}
	c.Dates = advisory.Dates{}
	return c
}

// With Brief, Load and LoadInto a Copier give every advisory of a full
// Load as Brief allows, the database's description unchanged: documents
// parsed whole (the real year files, a vuln.xml wrapper, a small
// workload) and in chunks (big workloads, with the quirks of
// TestChunkedEqualsWhole); and fail where the full Load fails, alike.
func TestBrief(t *testing.T) {
	dir := t.TempDir()
	paths := []string{"../testdata/vuxml/vuln-2003.xml", "../testdata/vuxml/vuln-2025.xml", "../testdata/vuxml/vuln-2026.xml"}
	// The wrapper with its year files beside it.
	os.Mkdir(filepath.Join(dir, "vuln"), 0o755)
	for _, y := range []string{"2003", "2025", "2026"} {
		b, err := os.ReadFile("../testdata/vuxml/vuln-" + y + ".xml")
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, "vuln", y+".xml"), b, 0o644)
	}
	wrapper := filepath.Join(dir, "vuln.xml")
	os.WriteFile(wrapper, []byte(`<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE vuxml PUBLIC "-//vuxml.org//DTD VuXML 1.1//EN" "http://www.vuxml.org/dtd/vuxml-1/vuxml-11.dtd" [
<!ENTITY vuln-2026 SYSTEM "vuln/2026.xml">
<!ENTITY vuln-2025 SYSTEM "vuln/2025.xml">
<!ENTITY vuln-2003 SYSTEM "vuln/2003.xml">
]>
<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">
&vuln-2026;
&vuln-2025;
&vuln-2003;
</vuxml>
`), 0o644)
	paths = append(paths, wrapper)
	write := func(name string, data []byte) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, data, 0o644)
		return p
	}
	small, _ := workload.Generate(workload.Config{Entries: 500, Names: 200, Operands: 1, Seed: 3})
	big, _ := workload.Generate(workload.Config{Entries: 6000, Names: 1500, Operands: 1, Seed: 7})
	paths = append(paths, write("small.xml", small), write("big.xml", big),
		write("quirks.xml", bytes.ReplaceAll(bytes.ReplaceAll(big, []byte("</vuln>\n\n  <vuln"), []byte("</vuln>\n<!-- a\n  <vuln vid=\"in-a-comment\">\n-->\n\n  <vuln")), []byte("\n"), []byte("\r\n"))),
		write("cdata.xml", bytes.ReplaceAll(big, []byte("<p>The "), []byte("<p><![CDATA[\n  <vuln vid=\"x\">\n]]>The "))),
		write("broken.xml", bytes.Replace(big, []byte("</topic>"), []byte("</bogus>"), 1)),
		write("broken-late.xml", append(bytes.Clone(big[:len(big)-2000]), "&undefined;</vuxml>"...)))
	if testlong.Enabled() {
		// The 24 MB workload, in many chunks.
		std, _ := workload.Cached(workload.Standard())
		paths = append(paths, write("std.xml", std))
	}
	for _, p := range paths {
		full, ferr := Load(p, Options{})
		brief, berr := Load(p, Options{Brief: true})
		var c copier
		info, cerr := LoadInto(p, Options{Brief: true}, &c)
		if ferr != nil {
			if berr == nil || cerr == nil || berr.Error() != ferr.Error() || cerr.Error() != ferr.Error() {
				t.Errorf("%s: errors %v / %v, full Load: %v", p, berr, cerr, ferr)
			}
			continue
		}
		if berr != nil || cerr != nil {
			t.Fatalf("%s: %v / %v", p, berr, cerr)
		}
		if !reflect.DeepEqual(brief.DatabaseInfo, full.DatabaseInfo) || !reflect.DeepEqual(*info, full.DatabaseInfo) {
			t.Errorf("%s: database %+v / %+v, full Load %+v", p, brief.DatabaseInfo, *info, full.DatabaseInfo)
		}
		if len(brief.Advisories) != len(full.Advisories) || len(c.advs) != len(full.Advisories) || len(full.Advisories) == 0 {
			t.Fatalf("%s: %d / %d advisories, full Load %d", p, len(brief.Advisories), len(c.advs), len(full.Advisories))
		}
		for i := range full.Advisories {
			want := briefAdvisory(full.Advisories[i])
			if !reflect.DeepEqual(brief.Advisories[i], want) || !reflect.DeepEqual(c.advs[i], want) {
				t.Fatalf("%s: advisory %d:\n got %+v\n     %+v\nwant %+v", p, i, brief.Advisories[i], c.advs[i], want)
			}
		}
	}
}
