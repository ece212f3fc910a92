package report

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

var update = flag.Bool("update", false, "rewrite the golden files of the SARIF, CycloneDX and markdown reports")

var auditTime = time.Date(2026, 3, 15, 10, 0, 0, 0, time.UTC)

// freebsdInput is an audit of installed FreeBSD packages against the real
// 2025 VuXML entries for sudo and chromium, with one ignored finding.
func freebsdInput() *Input {
	return &Input{
		ToolVersion: "0.1.0",
		Database:    "/var/db/pkg/vuln.xml",
		Ecosystem:   "freebsd",
		Time:        auditTime,
		Packages: []InputPackage{
			{Name: "chromium", Version: "138.0.7204.49", Origin: "www/chromium", Findings: []InputFinding{
				{ID: "5c777f88-40ff-4e1e-884b-ad63dfb9bb15", Summary: "chromium -- multiple security fixes", Affected: "chromium<138.0.7204.96",
					URLs: []string{"https://vuxml.freebsd.org/freebsd/5c777f88-40ff-4e1e-884b-ad63dfb9bb15.html"}},
			}},
			{Name: "curl", Version: "8.7.1", Origin: "ftp/curl"},
			{Name: "sudo", Version: "1.9.16p2", Origin: "security/sudo", Dependents: []string{"ansible", "py311-ansible-core"}, Findings: []InputFinding{
				{ID: "24f4b495-56a1-11f0-9621-93abbef07693", Summary: "sudo -- privilege escalation vulnerability through host and chroot options", Affected: "sudo<1.9.17p1",
					URLs: []string{"https://vuxml.freebsd.org/freebsd/24f4b495-56a1-11f0-9621-93abbef07693.html", "https://www.sudo.ws/releases/stable/"},
					CVEs: []string{"CVE-2025-32462", "CVE-2025-32463"}},
			}},
			{Name: "ungoogled-chromium", Version: "137.0", Origin: "www/ungoogled-chromium", Findings: []InputFinding{
				{ID: "5c777f88-40ff-4e1e-884b-ad63dfb9bb15", Summary: "chromium -- multiple security fixes", Affected: "ungoogled-chromium<138.0.7204.96",
					URLs:    []string{"https://vuxml.freebsd.org/freebsd/5c777f88-40ff-4e1e-884b-ad63dfb9bb15.html"},
					Ignored: &InputIgnore{Reason: "kiosk build | no JIT, tracked in `OPS-12`", Until: time.Date(2026, 12, 31, 0, 0, 0, 0, time.UTC), Where: "pkgaudit.toml:4"}},
			}},
			{Name: "FreeBSD-kernel", Version: "14.1_5", Findings: []InputFinding{
				{ID: "0cf5b9a6-0000-11ef-0000-000000000000", Summary: "FreeBSD -- <script> & \"quotes\" *stars* [x](y)", Affected: "FreeBSD-kernel<14.1_6"},
			}},
		},
	}
}

// pkgsrcInput is an audit of package files against pkg-vulnerabilities.
func pkgsrcInput() *Input {
	return &Input{
		ToolVersion: "0.1.0",
		Database:    "/usr/pkg/pkgdb/pkg-vulnerabilities",
		Ecosystem:   "pkgsrc",
		Time:        auditTime,
		Packages: []InputPackage{
			{Name: "openssl", Version: "0.9.6g", Origin: "security/openssl", Path: "/usr/pkgsrc/packages/All/openssl-0.9.6g.tgz", Findings: []InputFinding{
				{ID: "http://www.openssl.org/news/secadv_20030219.txt", Summary: "weak-encryption", Affected: "openssl<0.9.6gnb1", URLs: []string{"http://www.openssl.org/news/secadv_20030219.txt"}},
				{ID: "http://www.openssl.org/news/secadv_20030317.txt", Summary: "remote-key-theft", Affected: "openssl<0.9.6gnb2", URLs: []string{"http://www.openssl.org/news/secadv_20030317.txt"}},
			}},
			{Name: "bare", Findings: []InputFinding{{ID: "http://example.org/a b", Summary: "unknown", Affected: "bare-[0-9]*"}}},
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
	for _, in := range inputs {
		for _, tc := range []struct {
			name   string
			schema *jsonschema.Schema
			write  func(*bytes.Buffer, *Input) error
		}{
			{"sarif", sarif, renderers[0].write},
			{"cyclonedx", bom, renderers[1].write},
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
	in := &Input{ToolVersion: "0.1.0", Ecosystem: "freebsd", Time: auditTime, Database: "vuln.xml"}
	for i := 0; i < 2000; i++ {
		p := InputPackage{Name: "port" + strings.Repeat("x", i%7) + string(rune('a'+i%26)), Version: "1.0", Origin: "cat/port"}
		if i%10 == 0 {
			for j := 0; j < 2; j++ {
				p.Findings = append(p.Findings, InputFinding{ID: "vid-" + string(rune('a'+(i+j)%26)), Summary: "topic", Affected: "<1.1", URLs: []string{"https://vuxml.freebsd.org/x.html"}, CVEs: []string{"CVE-2025-1"}})
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
