package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/pkgaudit/pkgaudit/advisory"
)

var update = flag.Bool("update", false, "rewrite the golden files of the reports")

var auditTime = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

// Advisories shaped as the feed converters build them.
var (
	chromiumAdv = &advisory.Advisory{
		ID: "5c777f88-40ff-4e1e-884b-ad63dfb9bb15", Source: advisory.SourceVuXML,
		Topic: "chromium -- multiple security fixes",
		URL:   "https://vuxml.FreeBSD.org/freebsd/5c777f88-40ff-4e1e-884b-ad63dfb9bb15.html",
		Dates: advisory.Dates{Discovery: "2025-07-01", Entry: "2025-07-02"},
		Affects: []advisory.Affected{{Scheme: advisory.FreeBSD, Names: []string{"chromium", "ungoogled-chromium"},
			Ranges: []advisory.Range{{Bounds: []advisory.Bound{{Op: advisory.LT, Version: "138.0.7204.96"}}}}}},
	}
	sudoAdv = &advisory.Advisory{
		ID: "24f4b495-56a1-11f0-9621-93abbef07693", Source: advisory.SourceVuXML,
		Topic: "sudo -- privilege escalation vulnerability through host and chroot options",
		URL:   "https://vuxml.FreeBSD.org/freebsd/24f4b495-56a1-11f0-9621-93abbef07693.html",
		References: []advisory.Reference{{Kind: "cvename", Value: "CVE-2025-32462"}, {Kind: "cvename", Value: "CVE-2025-32463"},
			{Kind: "url", Value: "https://www.sudo.ws/releases/stable/"}},
		CVEs:  []string{"CVE-2025-32462", "CVE-2025-32463"},
		Dates: advisory.Dates{Discovery: "2025-06-30", Entry: "2025-07-01"},
		Affects: []advisory.Affected{{Scheme: advisory.FreeBSD, Names: []string{"sudo"},
			Ranges: []advisory.Range{{Bounds: []advisory.Bound{{Op: advisory.LT, Version: "1.9.17p1"}}}}}},
	}
	kernelAdv = &advisory.Advisory{
		ID: "0cf5b9a6-0000-11ef-0000-000000000000", Source: advisory.SourceVuXML,
		Topic: "FreeBSD -- <script> & \"quotes\" *stars* [x](y)",
		Affects: []advisory.Affected{{Scheme: advisory.FreeBSD, Kind: advisory.System, Names: []string{"FreeBSD-kernel"},
			Ranges: []advisory.Range{{Bounds: []advisory.Bound{{Op: advisory.GE, Version: "14.1"}, {Op: advisory.LT, Version: "14.1_6"}}}}}},
	}
	opensslAdv1 = &advisory.Advisory{
		ID: "http://www.openssl.org/news/secadv_20030219.txt", Source: advisory.SourcePkgsrc, Topic: "weak-encryption",
		URL:     "http://www.openssl.org/news/secadv_20030219.txt",
		Affects: []advisory.Affected{{Scheme: advisory.Pkgsrc, Pattern: "openssl<0.9.6gnb1"}},
	}
	opensslAdv2 = &advisory.Advisory{
		ID: "http://www.openssl.org/news/secadv_20030317.txt", Source: advisory.SourcePkgsrc, Topic: "remote-key-theft",
		URL:     "http://www.openssl.org/news/secadv_20030317.txt",
		Affects: []advisory.Affected{{Scheme: advisory.Pkgsrc, Pattern: "openssl<0.9.6gnb2"}},
	}
	bareAdv = &advisory.Advisory{
		ID: "http://example.org/a b", Source: advisory.SourcePkgsrc, Topic: "unknown", URL: "http://example.org/a b",
		Affects: []advisory.Affected{{Scheme: advisory.Pkgsrc, Pattern: "bare-[0-9]*"}},
	}
)

func boolp(b bool) *bool { return &b }

// freebsdInput is an audit of installed FreeBSD packages against the real
// 2025 VuXML entries for sudo and chromium, with one ignored finding.
func freebsdInput() *Input {
	return &Input{
		ToolVersion: "0.1.0",
		Databases:   []Database{{Path: "/var/db/pkg/vuln.xml", Format: "vuxml", SHA256: "b45033f033697ddda3b37ac9e24ffdbc5680897772787d2662673fdac8c86035", Entries: 3, Modified: auditTime.Add(-time.Hour)}},
		Ecosystem:   "freebsd",
		Time:        auditTime,
		ShowIgnored: true,
		Packages: []Package{
			{Name: "chromium", Version: "138.0.7204.49", HasVersion: true, Origin: "www/chromium", Findings: []Finding{
				{Advisory: chromiumAdv, FixAvailable: boolp(true)},
			}},
			{Name: "curl", Version: "8.7.1", HasVersion: true, Origin: "ftp/curl"},
			{Name: "sudo", Version: "1.9.16p2", HasVersion: true, Origin: "security/sudo", Dependents: []string{"ansible", "py311-ansible-core"}, Findings: []Finding{
				{Advisory: sudoAdv},
			}},
			{Name: "ungoogled-chromium", Version: "137.0", HasVersion: true, Origin: "www/ungoogled-chromium", Findings: []Finding{
				{Advisory: chromiumAdv, Name: 1,
					Ignored: &Ignore{Rule: "5c777f88-40ff-4e1e-884b-ad63dfb9bb15", Reason: "kiosk build | no JIT, tracked in `OPS-12`", Until: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Where: "pkgaudit.toml:4"}},
			}},
			{Name: "FreeBSD-kernel", Version: "14.1_5", HasVersion: true, Base: true, Findings: []Finding{
				{Advisory: kernelAdv},
			}},
		},
	}
}

// pkgsrcInput is an audit of package files against pkg-vulnerabilities.
func pkgsrcInput() *Input {
	return &Input{
		ToolVersion: "0.1.0",
		Databases:   []Database{{Path: "/usr/pkg/pkgdb/pkg-vulnerabilities", Format: "pkg-vulnerabilities", SHA256: "a55e71b2c77f01ac36214d32ac6d24fb4a3ca4a95e22be70bc86d969505eb088", Entries: 3}},
		Ecosystem:   "pkgsrc",
		Time:        auditTime,
		Packages: []Package{
			{Name: "openssl", Version: "0.9.6g", HasVersion: true, Origin: "security/openssl", Path: "/usr/pkgsrc/packages/All/openssl-0.9.6g.tgz", Findings: []Finding{
				{Advisory: opensslAdv1, Range: -1},
				{Advisory: opensslAdv2, Range: -1},
			}},
			{Name: "bare", Findings: []Finding{{Advisory: bareAdv, Range: -1}}},
		},
	}
}

func emptyInput() *Input {
	return &Input{ToolVersion: "0.1.0", Ecosystem: "freebsd"}
}

var renderers = []struct {
	name, ext string
	write     func(*bytes.Buffer, *Input) error
}{
	{"sarif", "sarif", func(b *bytes.Buffer, in *Input) error { return WriteSARIF(b, in) }},
	{"cyclonedx", "cdx.json", func(b *bytes.Buffer, in *Input) error { return WriteCycloneDX(b, in) }},
	{"markdown", "md", func(b *bytes.Buffer, in *Input) error { return WriteMarkdown(b, in) }},
	{"text", "txt", func(b *bytes.Buffer, in *Input) error { return WriteText(b, in) }},
	{"json", "json", func(b *bytes.Buffer, in *Input) error { return WriteJSON(b, in) }},
	{"pkg-json", "pkg.json", func(b *bytes.Buffer, in *Input) error { return WritePkgJSON(b, in, false) }},
	{"pkg-json-compact", "pkg-compact.json", func(b *bytes.Buffer, in *Input) error { return WritePkgJSON(b, in, true) }},
}

var inputs = []struct {
	name string
	in   func() *Input
}{{"freebsd", freebsdInput}, {"pkgsrc", pkgsrcInput}, {"empty", emptyInput}}

func TestGolden(t *testing.T) {
	for _, r := range renderers {
		for _, in := range inputs {
			var buf bytes.Buffer
			if err := r.write(&buf, in.in()); err != nil {
				t.Fatalf("%s/%s: %v", r.name, in.name, err)
			}
			golden := filepath.Join("testdata", "formats", in.name+"."+r.ext)
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("%s/%s differs from %s (run with -update to accept):\n%s", r.name, in.name, golden, buf.String())
			}
			// Rendering is deterministic.
			var again bytes.Buffer
			r.write(&again, in.in())
			if !bytes.Equal(buf.Bytes(), again.Bytes()) {
				t.Errorf("%s/%s: two renderings differ", r.name, in.name)
			}
		}
	}
}

// compileSchema compiles one of the vendored schemas, with the documents it
// references registered under their canonical URLs.
func compileSchema(t *testing.T, main string, extra map[string]string) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	load := func(file string) any {
		f, err := os.Open(filepath.Join("testdata", "schema", file))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		return doc
	}
	for url, file := range extra {
		if err := c.AddResource(url, load(file)); err != nil {
			t.Fatal(err)
		}
	}
	mainURL := "file:///schema/" + main
	if err := c.AddResource(mainURL, load(main)); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(mainURL)
	if err != nil {
		t.Fatalf("compiling %s: %v", main, err)
	}
	return s
}

func TestSchemas(t *testing.T) {
	sarif := compileSchema(t, "sarif-schema-2.1.0.json", nil)
	bom := compileSchema(t, "bom-1.6.schema.json", map[string]string{
		"http://cyclonedx.org/schema/spdx.schema.json":     "spdx.schema.json",
		"http://cyclonedx.org/schema/jsf-0.82.schema.json": "jsf-0.82.schema.json",
	})
	own := compileSchema(t, "pkgaudit-audit.schema.json", nil)
	for _, in := range inputs {
		for _, tc := range []struct {
			name   string
			schema *jsonschema.Schema
			write  func(*bytes.Buffer, *Input) error
		}{
			{"sarif", sarif, renderers[0].write},
			{"cyclonedx", bom, renderers[1].write},
			{"json", own, renderers[4].write},
		} {
			var buf bytes.Buffer
			if err := tc.write(&buf, in.in()); err != nil {
				t.Fatal(err)
			}
			doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("%s/%s: not JSON: %v", tc.name, in.name, err)
			}
			if err := tc.schema.Validate(doc); err != nil {
				t.Errorf("%s/%s does not validate:\n%v", tc.name, in.name, err)
			}
		}
	}
	// The validator does reject what the schemas forbid.
	bad := map[string]any{"version": "2.1.0", "runs": []any{map[string]any{"tool": map[string]any{}}}}
	if err := sarif.Validate(bad); err == nil {
		t.Error("SARIF schema accepted a run without a driver")
	}
	badBOM := map[string]any{"bomFormat": "CycloneDX", "specVersion": "1.6", "vulnerabilities": []any{
		map[string]any{"id": "x", "analysis": map[string]any{"state": "ignored"}}}}
	if err := bom.Validate(badBOM); err == nil {
		t.Error("CycloneDX schema accepted an unknown analysis state")
	}
}

func TestSARIFContent(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, freebsdInput()); err != nil {
		t.Fatal(err)
	}
	var log sarifLog
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	if len(run.Tool.Driver.Rules) != 3 || len(run.Results) != 4 {
		t.Fatalf("rules %d results %d, want 3 and 4", len(run.Tool.Driver.Rules), len(run.Results))
	}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s points at rule %d", r.RuleID, r.RuleIndex)
		}
	}
	if s := run.Results[2].Suppressions; len(s) != 1 || !strings.Contains(s[0].Justification, "kiosk build") {
		t.Errorf("ignored finding's suppressions = %+v", s)
	}
}

func BenchmarkFormats(b *testing.B) {
	// 2,000 packages, every tenth with two findings.
	in := &Input{ToolVersion: "0.1.0", Ecosystem: "freebsd", Time: auditTime, Databases: []Database{{Path: "vuln.xml", Format: "vuxml"}}}
	advs := make([]*advisory.Advisory, 26)
	for i := range advs {
		advs[i] = &advisory.Advisory{ID: "vid-" + string(rune('a'+i)), Source: advisory.SourceVuXML, Topic: "topic",
			References: []advisory.Reference{{Kind: "cvename", Value: "CVE-2025-1"}}, CVEs: []string{"CVE-2025-1"},
			Affects: []advisory.Affected{{Scheme: advisory.FreeBSD, Names: []string{"port"},
				Ranges: []advisory.Range{{Bounds: []advisory.Bound{{Op: advisory.LT, Version: "1.1"}}}}}}}
	}
	for i := 0; i < 2000; i++ {
		p := Package{Name: "port" + strings.Repeat("x", i%7) + string(rune('a'+i%26)), Version: "1.0", HasVersion: true, Origin: "cat/port"}
		if i%10 == 0 {
			for j := 0; j < 2; j++ {
				p.Findings = append(p.Findings, Finding{Advisory: advs[(i+j)%26]})
			}
		}
		in.Packages = append(in.Packages, p)
	}
	for _, r := range renderers {
		b.Run(r.name, func(b *testing.B) {
			var buf bytes.Buffer
			for i := 0; i < b.N; i++ {
				buf.Reset()
				if err := r.write(&buf, in); err != nil {
					b.Fatal(err)
				}
			}
			b.SetBytes(int64(buf.Len()))
		})
	}
}

// Code scanning takes only results with a physical location: a list
// line, else (an operand) the database entry that judged the package.
func TestSARIFPhysicalLocation(t *testing.T) {
	adv := &advisory.Advisory{ID: "vid-1", Source: advisory.SourceVuXML, Topic: "t", Origin: advisory.Origin{File: "/db/vuln.xml", Line: 42},
		Affects: []advisory.Affected{{Scheme: advisory.FreeBSD, Names: []string{"curl"},
			Ranges: []advisory.Range{{Bounds: []advisory.Bound{{Op: advisory.LT, Version: "9"}}}}}}}
	in := &Input{ToolVersion: "0.1.0", Ecosystem: "freebsd", Packages: []Package{
		{Name: "curl", Version: "8.0", HasVersion: true, List: "ci/packages.txt", Line: 7, Findings: []Finding{{Advisory: adv}}},
		{Name: "curl", Version: "8.1", HasVersion: true, Findings: []Finding{{Advisory: adv}}},
	}}
	var buf bytes.Buffer
	if err := WriteSARIF(&buf, in); err != nil {
		t.Fatal(err)
	}
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if err := compileSchema(t, "sarif-schema-2.1.0.json", nil).Validate(doc); err != nil {
		t.Fatalf("does not validate: %v", err)
	}
	var log sarifLog
	json.Unmarshal(buf.Bytes(), &log)
	want := []string{"ci/packages.txt:7", "file:///db/vuln.xml:42"}
	for i, r := range log.Runs[0].Results {
		pl := r.Locations[0].PhysicalLocation
		if pl == nil || pl.Region == nil || fmt.Sprintf("%s:%d", pl.ArtifactLocation.URI, pl.Region.StartLine) != want[i] {
			t.Errorf("result %d: physical location %+v, want %s", i, pl, want[i])
		}
	}
}
