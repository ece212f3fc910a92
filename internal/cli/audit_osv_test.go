package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// auditOSVOperands are packages of vuln-2026.xml, most of them vulnerable
// (one with several advisories, a versionless one).
var auditOSVOperands = []string{"firefox-140.0,2", "chromium-130.0", "openssl-3.0.1,1", "thunderbird-128.0", "mailpit-1.0",
	"gitlab-ce-17.0", "firefox-esr-115.0,1", "py314-wheel-0.1", "ungoogled-chromium-120.0", "firefox", "nosuch-1.0"}

// auditFindings runs a JSON audit and returns its findings as "package
// advisory-id" lines, sorted (an OSV directory lists its records in file
// name order, not in the order of the VuXML document).
func auditFindings(t *testing.T, args ...string) []string {
	t.Helper()
	out, errOut, code := run(t, "", append(append([]string{"audit", "--format", "json"}, args...), auditOSVOperands...)...)
	if code != ExitFound {
		t.Fatalf("audit %v: exit %d, %s", args, code, errOut)
	}
	var r struct {
		Results []struct {
			Package         string
			Vulnerabilities []struct{ ID string }
		}
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range r.Results {
		for _, v := range p.Vulnerabilities {
			got = append(got, p.Package+" "+v.ID)
		}
	}
	slices.Sort(got)
	return got
}

// A directory of OSV records exported from a VuXML file audits as the
// file does, with and without the cache, which follows records added
// below it (in a subdirectory too) and removed.
func TestAuditOSVDirectory(t *testing.T) {
	db := "../../testdata/vuxml/vuln-2026.xml"
	tmp := t.TempDir()
	dir := filepath.Join(tmp, "osv")
	if _, errOut, code := run(t, "", "export", "osv", "--out", dir, "-f", db); code != ExitOK {
		t.Fatalf("export: exit %d, %s", code, errOut)
	}
	want := auditFindings(t, "-f", db)
	if len(want) < 10 {
		t.Fatalf("only %d findings: %v", len(want), want)
	}
	if got := auditFindings(t, "-f", dir); !slices.Equal(got, want) {
		t.Fatalf("-f DIR:\n%q\nwant (as -f FILE)\n%q", got, want)
	}

	// One record moved aside, an empty subdirectory: cached.
	records, _ := filepath.Glob(filepath.Join(dir, "*.json"))
	aside := filepath.Join(tmp, "aside.json")
	moved := records[len(records)/2]
	if err := os.Rename(moved, aside); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o755); err != nil {
		t.Fatal(err)
	}
	cache := filepath.Join(tmp, "cache")
	fewer := auditFindings(t, "--cache", cache, "-f", dir)
	if len(fewer) >= len(want) {
		t.Fatalf("without %s: %d findings, want fewer than %d", moved, len(fewer), len(want))
	}
	files, _ := filepath.Glob(filepath.Join(cache, "*"))
	if len(files) != 1 {
		t.Fatalf("cache files %v", files)
	}
	before, _ := os.Stat(files[0])
	if got := auditFindings(t, "--cache", cache, "-f", dir); !slices.Equal(got, fewer) {
		t.Fatalf("warm cache:\n%q\nwant\n%q", got, fewer)
	}
	if after, _ := os.Stat(files[0]); !after.ModTime().Equal(before.ModTime()) {
		t.Fatal("the warm run rewrote the cache file: it did not use it")
	}
	// The record back, in the subdirectory only (the top directory is not
	// written).
	data, err := os.ReadFile(aside)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sub, "back.json"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	if got := auditFindings(t, "--cache", cache, "-f", dir); !slices.Equal(got, want) {
		t.Fatalf("record added in a subdirectory, cache:\n%q\nwant\n%q", got, want)
	}
	// And removed again.
	if err := os.Remove(filepath.Join(sub, "back.json")); err != nil {
		t.Fatal(err)
	}
	if got := auditFindings(t, "--cache", cache, "-f", dir); !slices.Equal(got, fewer) {
		t.Fatalf("record removed, cache:\n%q\nwant\n%q", got, fewer)
	}
}
