package osv

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
)

// lintOffline applies the checks of osv-linter's "offline" collection
// (ossf/osv-schema, tools/osv-linter/internal/checks) to one encoded
// record, in our own words, and returns the codes that fail:
//
//	SCH:001 the record conforms to the schema (checked with the 1.7.5 schema
//	        by the caller; the pkgsrc variant for pkgsrc records)
//	REC:001 a record that is not withdrawn has a non-empty affected list
//	REC:002 aliases hold no duplicate and not the record's own id
//	REC:003 upstream holds no duplicate, not the own id, no alias and no
//	        related id
//	REC:004 related holds no duplicate and not the own id
//	RNG:001 a range has an introduced event (the linter is satisfied by one
//	        in the record; checked here for every range)
//	RNG:002 no range has a fixed event equal to one of its introduced ones,
//	        and ranges of an affected entry without a package are GIT
//	PKG:003 a package purl, when present, parses
func lintOffline(b []byte) []string {
	var r struct {
		ID        string   `json:"id"`
		Withdrawn string   `json:"withdrawn"`
		Aliases   []string `json:"aliases"`
		Upstream  []string `json:"upstream"`
		Related   []string `json:"related"`
		Affected  []struct {
			Package *struct {
				Purl *string `json:"purl"`
			} `json:"package"`
			Ranges []struct {
				Type   string              `json:"type"`
				Events []map[string]string `json:"events"`
			} `json:"ranges"`
		} `json:"affected"`
	}
	if err := json.Unmarshal(b, &r); err != nil {
		return []string{"JSON: " + err.Error()}
	}
	var fails []string
	fail := func(code, format string, args ...any) {
		fails = append(fails, code+": "+fmt.Sprintf(format, args...))
	}
	if r.Withdrawn == "" && len(r.Affected) == 0 {
		fail("REC:001", "no affected data")
	}
	dupOrSelf := func(code, field string, list []string) {
		seen := map[string]bool{}
		for _, x := range list {
			if seen[x] {
				fail(code, "%s has %s twice", field, x)
			}
			seen[x] = true
			if x == r.ID {
				fail(code, "%s holds the record's own id", field)
			}
		}
	}
	dupOrSelf("REC:002", "aliases", r.Aliases)
	dupOrSelf("REC:003", "upstream", r.Upstream)
	dupOrSelf("REC:004", "related", r.Related)
	for _, u := range r.Upstream {
		if slices.Contains(r.Aliases, u) || slices.Contains(r.Related, u) {
			fail("REC:003", "upstream %s is also an alias or related", u)
		}
	}
	for ai, a := range r.Affected {
		for ri, rg := range a.Ranges {
			var intro, fixed []string
			for _, e := range rg.Events {
				if v, ok := e["introduced"]; ok {
					intro = append(intro, v)
				}
				if v, ok := e["fixed"]; ok {
					fixed = append(fixed, v)
				}
			}
			if len(intro) == 0 {
				fail("RNG:001", "affected[%d].ranges[%d] has no introduced event", ai, ri)
			}
			for _, f := range fixed {
				if slices.Contains(intro, f) {
					fail("RNG:002", "affected[%d].ranges[%d]: overlapping event %q", ai, ri, f)
				}
			}
			if a.Package == nil && rg.Type != RangeGit {
				fail("RNG:002", "affected[%d].ranges[%d]: %s range without a package", ai, ri, rg.Type)
			}
		}
		if a.Package != nil && a.Package.Purl != nil && !strings.HasPrefix(*a.Package.Purl, "pkg:") {
			fail("PKG:003", "affected[%d]: purl %q", ai, *a.Package.Purl)
		}
	}
	return fails
}

// The checks themselves catch what they are meant to.
func TestLintOfflineRejects(t *testing.T) {
	for name, rec := range map[string]string{
		"REC:001": `{"id":"A","modified":"2025-01-02T00:00:00Z"}`,
		"REC:002": `{"id":"A","modified":"2025-01-02T00:00:00Z","withdrawn":"2025-01-02T00:00:00Z","aliases":["B","B"]}`,
		"REC:003": `{"id":"A","modified":"2025-01-02T00:00:00Z","withdrawn":"2025-01-02T00:00:00Z","upstream":["C"],"related":["C"]}`,
		"REC:004": `{"id":"A","modified":"2025-01-02T00:00:00Z","withdrawn":"2025-01-02T00:00:00Z","related":["A"]}`,
		"RNG:001": `{"id":"A","modified":"2025-01-02T00:00:00Z","affected":[{"package":{"ecosystem":"FreeBSD:ports","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"fixed":"1"}]}]}]}`,
		"RNG:002": `{"id":"A","modified":"2025-01-02T00:00:00Z","affected":[{"package":{"ecosystem":"FreeBSD:ports","name":"a"},"ranges":[{"type":"ECOSYSTEM","events":[{"introduced":"0"},{"fixed":"0"}]}]}]}`,
		"PKG:003": `{"id":"A","modified":"2025-01-02T00:00:00Z","affected":[{"package":{"ecosystem":"FreeBSD:ports","name":"a","purl":"a"}}]}`,
	} {
		fails := lintOffline([]byte(rec))
		if len(fails) == 0 || !strings.HasPrefix(fails[0], name) {
			t.Errorf("%s: %v", name, fails)
		}
	}
}

// Issue 11, E.19: every record exported from the real data passes
// osv-linter's offline checks; ranges that hold no version (the real
// grafana entries: pkg reads <lt>10.4.17+security-01</lt> as "01") are
// left out of the events and kept in database_specific, and read back as
// they were.
func TestExportRealLintOffline(t *testing.T) {
	vs := realRecords(t)
	f, err := pkgsrc.ParseFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817", pkgsrc.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ps, err := FromPkgsrc(f, PkgsrcOptions{})
	if err != nil {
		t.Fatal(err)
	}
	emptyKept, noVersion := 0, 0
	for _, v := range append(vs, ps...) {
		b, err := Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		for _, msg := range lintOffline(b) {
			t.Errorf("%s: %s", v.ID, msg)
		}
		for _, a := range v.Affected {
			if strings.Contains(string(a.DatabaseSpecific), `"vuxml_empty_ranges"`) {
				emptyKept++
				if a.Ranges == nil || len(a.Versions) > 0 {
					t.Errorf("%s: %s: ranges %v", v.ID, a.Package.Name, a.Ranges)
				}
				if len(a.Ranges) == 0 {
					noVersion++
					if !strings.Contains(string(b), `"ranges": []`) {
						t.Errorf("%s: a package whose every range is empty must say \"ranges\": []", v.ID)
					}
				}
			}
		}
	}
	if emptyKept != 6 || noVersion != 5 {
		t.Errorf("%d affected packages with empty ranges kept aside (want 6), %d with none left (want 5)", emptyKept, noVersion)
	}
	// Read back, the advisories have the empty ranges in their places and
	// match no grafana version.
	for _, v := range vs {
		if v.ID != VuXMLIDPrefix+"6548cb01-4c33-11f0-8a97-6c3be5272acd" {
			continue
		}
		b, _ := Marshal(v)
		back, err := Parse("x.json", b)
		if err != nil {
			t.Fatal(err)
		}
		adv, ok, err := ToAdvisory(back[0], ConvertOptions{})
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		if len(adv.Affects) == 0 || adv.Affects[0].Names[0] != "grafana" || len(adv.Affects[0].Ranges) != 7 {
			t.Fatalf("affects %+v", adv.Affects)
		}
		if got := adv.Affects[0].Ranges[1].String(); got != ">= 11.0.0 : < 11.2.10+security-01" {
			t.Errorf("range 1 read back as %q", got)
		}
		if adv.Affects[0].MatchRange("11.1.0") >= 0 {
			t.Error("an empty range matches")
		}
	}
}

// Issue 11, E.19: an affected package whose only ranges are GIT ranges
// (freebsd/pkg's own OSV test record has one) affects no package version;
// "ranges": [] neither; absent ranges and versions still mean every
// version.
func TestGitOnlyRangesAffectNoVersion(t *testing.T) {
	rec := `{
  "schema_version": "1.7.0",
  "id": "FreeBSD-2025-0001",
  "modified": "2025-05-26T12:30:00Z",
  "summary": "GIT-only and ECOSYSTEM packages",
  "affected": [
    {"package": {"ecosystem": "FreeBSD:ports", "name": "git-only"},
     "ranges": [{"type": "GIT", "repo": "https://git.example.org/x", "events": [{"introduced": "ae637a3ad"}, {"fixed": "c14e07db4"}, {"limit": "c802d96a5"}]}]},
    {"package": {"ecosystem": "FreeBSD:ports", "name": "eco"},
     "ranges": [{"type": "ECOSYSTEM", "events": [{"fixed": "1.1.0_1"}, {"introduced": "1.0.9_1"}, {"last_affected": "1.0.9_2"}, {"limit": "1.1.0_1"}]}]},
    {"package": {"ecosystem": "FreeBSD:ports", "name": "none"}, "ranges": []},
    {"package": {"ecosystem": "FreeBSD:ports", "name": "every"}}
  ]
}`
	vs, err := Parse("rec.json", []byte(rec))
	if err != nil {
		t.Fatal(err)
	}
	adv, ok, err := ToAdvisory(vs[0], ConvertOptions{})
	if err != nil || !ok {
		t.Fatal(ok, err)
	}
	match := map[string]bool{}
	for _, b := range adv.Affects {
		if b.Scheme != advisory.FreeBSD {
			continue
		}
		for _, n := range b.Names {
			for _, v := range []string{"0.1", "1.0.9_1", "5.0"} {
				if b.MatchRange(v) >= 0 {
					match[n+"-"+v] = true
				}
			}
		}
	}
	for name, want := range map[string]bool{
		"git-only-0.1": false, "git-only-5.0": false,
		"eco-0.1": false, "eco-1.0.9_1": true, "eco-5.0": false,
		"none-0.1": false, "none-5.0": false,
		"every-0.1": true, "every-5.0": true,
	} {
		if match[name] != want {
			t.Errorf("%s: matched %v, want %v", name, match[name], want)
		}
	}
}
