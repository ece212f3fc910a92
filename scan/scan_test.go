package scan

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/ignore"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/report"
)

const vuln2026 = "../testdata/vuxml/vuln-2026.xml"

// A DB is shared: concurrent audits of different lists give what each
// gives alone.
func TestAuditConcurrent(t *testing.T) {
	t.Run("loaded", func(t *testing.T) { testAuditConcurrent(t, OpenOptions{}) })
	cache := t.TempDir()
	if _, err := Open([]string{vuln2026}, OpenOptions{CacheDir: cache}); err != nil {
		t.Fatal(err)
	}
	t.Run("cached", func(t *testing.T) { testAuditConcurrent(t, OpenOptions{CacheDir: cache, Brief: true}) })
}

func testAuditConcurrent(t *testing.T, o OpenOptions) {
	db, err := Open([]string{vuln2026}, o)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	// A list built by hand (not indexed by Parse) is shared too.
	options := func() AuditOptions {
		ign, err := NewIgnores(&ignore.List{Rules: []ignore.Rule{{ID: "d822839e-ee4f-11f0-b53e-0897988a1c07", Reason: "r"}}}, "", "^thunder")
		if err != nil {
			t.Fatal(err)
		}
		return AuditOptions{Now: now, Ignore: ign}
	}
	opts := options()
	lists := [][]inventory.Package{}
	for i := range 16 {
		var pkgs []inventory.Package
		for j := range 300 + i { // long enough to be looked up in parts
			name := []string{"mailpit", "chromium", "firefox", "thunderbird", "curl"}[j%5]
			pkgs = append(pkgs, inventory.Package{Name: name, Version: []string{"1.0", "1.28.0", "999"}[(i+j)%3]})
		}
		lists = append(lists, pkgs)
	}
	want := make([]*Result, len(lists))
	for i, l := range lists {
		if want[i], err = db.Audit(context.Background(), l, opts); err != nil {
			t.Fatal(err)
		}
	}
	got := make([]*Result, len(lists))
	opts = options() // fresh, first used concurrently
	var wg sync.WaitGroup
	for i, l := range lists {
		wg.Go(func() { got[i], _ = db.Audit(context.Background(), l, opts) })
	}
	wg.Wait()
	for i := range lists {
		if !reflect.DeepEqual(got[i], want[i]) {
			t.Errorf("list %d: concurrent result differs", i)
		}
	}
	ignored := 0
	for _, p := range want[1].Report.Packages {
		for _, f := range p.Findings {
			if f.Ignored != nil {
				ignored++
			}
		}
	}
	if !want[0].Vulnerable || ignored == 0 {
		t.Errorf("vulnerable %v, %d ignored", want[0].Vulnerable, ignored)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := db.Audit(ctx, lists[0], AuditOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// Which world judges which package, EOL, ignore rules, known versions,
// ByName, through Run.
func TestRunRules(t *testing.T) {
	dir := t.TempDir()
	pv := filepath.Join(dir, "pkg-vulnerabilities")
	if err := os.WriteFile(pv, []byte("# $NetBSD: pkg-vulnerabilities,v 1.1 2026/01/01 00:00:00 x Exp $\n#FORMAT 1.1.0\nmailpit<1.28.3\tremote-code-execution\thttps://example.org/a\nmailpit<2\teol\thttps://example.org/eol\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	base := Request{Databases: []string{vuln2026, pv}, Open: OpenOptions{Brief: true}}
	ids := func(res *Result) []string {
		var out []string
		for _, p := range res.Report.Packages {
			for _, f := range p.Findings {
				s := p.FullName() + " " + f.ID()
				if f.Ignored != nil {
					s += " ignored"
				}
				if f.FixAvailable != nil {
					s += map[bool]string{true: " fix", false: " nofix"}[*f.FixAvailable]
				}
				out = append(out, s)
			}
		}
		return out
	}
	run := func(req Request) *Result {
		t.Helper()
		res, err := Run(context.Background(), req)
		if err != nil {
			t.Fatal(err)
		}
		return res
	}
	// An operand is judged by both worlds; a FreeBSD package (an INDEX
	// port) by VuXML only, a pkgsrc one by pkg-vulnerabilities only.
	req := base
	req.Sources = []inventory.Source{inventory.Packages("test", []inventory.Package{
		{Name: "mailpit", Version: "1.28.2"},
		{Name: "mailpit", Version: "1.28.1", Scheme: advisory.FreeBSD},
		{Name: "mailpit", Version: "1.28.0", Scheme: advisory.Pkgsrc},
	})}
	want := []string{
		"mailpit-1.28.2 01f34a27-f560-11f0-bbdc-10ffe07f9334", // an operand: both worlds
		"mailpit-1.28.2 https://example.org/a",
		"mailpit-1.28.2 https://example.org/eol",
		"mailpit-1.28.1 01f34a27-f560-11f0-bbdc-10ffe07f9334", // FreeBSD: VuXML only
		"mailpit-1.28.1 d822839e-ee4f-11f0-b53e-0897988a1c07",
		"mailpit-1.28.0 https://example.org/a", // pkgsrc: pkg-vulnerabilities only
		"mailpit-1.28.0 https://example.org/eol",
	}
	if got := ids(run(req)); !reflect.DeepEqual(got, want) {
		t.Errorf("worlds: %q", got)
	}
	req.Audit.NoEOL = true
	if got := ids(run(req)); !reflect.DeepEqual(got, []string{want[0], want[1], want[3], want[4], want[5]}) {
		t.Errorf("NoEOL: %q", got)
	}
	// Ignore rules and known versions.
	ign, err := NewIgnores(nil, "mail*", "")
	if err != nil {
		t.Fatal(err)
	}
	req = base
	req.Sources = []inventory.Source{inventory.Operands([]string{"mailpit-1.28.2"})}
	req.Audit.Ignore = ign
	res := run(req)
	if res.Vulnerable || !strings.HasSuffix(ids(res)[0], " ignored") {
		t.Errorf("ignored: %v %q", res.Vulnerable, ids(res))
	}
	req.Audit.Ignore = nil
	req.Audit.Known = KnownFrom([]inventory.Package{{Name: "mailpit", Version: "1.29.0"}})
	if got := ids(run(req)); got[0] != want[0]+" fix" || got[1] != want[1] {
		t.Errorf("known: %q", got)
	}
	// Order and repeats: sorted, exact repeats dropped; ByName keeps one.
	req = base
	req.Sources = []inventory.Source{inventory.Operands([]string{"zsh-1", "mailpit-1.28.2", "mailpit-1.28.2", "mailpit-1.0"})}
	names := func(res *Result) (out []string) {
		for _, p := range res.Report.Packages {
			out = append(out, p.FullName())
		}
		return out
	}
	if got := names(run(req)); !reflect.DeepEqual(got, []string{"mailpit-1.28.2", "mailpit-1.0", "zsh-1"}) {
		t.Errorf("order: %q", got)
	}
	req.Audit.ByName = true
	if got := names(run(req)); !reflect.DeepEqual(got, []string{"mailpit-1.28.2", "zsh-1"}) {
		t.Errorf("by name: %q", got)
	}
}

func TestRunSources(t *testing.T) {
	dir := t.TempDir()
	base := Request{Databases: []string{vuln2026}}
	// A missing local.sqlite: an error, or pkg's nothing-installed.
	req := base
	req.Sources = []inventory.Source{inventory.Installed(dir)}
	if _, err := Run(context.Background(), req); err == nil || !strings.Contains(err.Error(), "nothing was audited") {
		t.Errorf("missing local.sqlite: %v", err)
	}
	req.AllowNoInstalled = true
	res, err := Run(context.Background(), req)
	if err != nil || !res.NothingInstalled || len(res.Report.Packages) != 0 {
		t.Errorf("allowed: %+v %v", res, err)
	}
	req.Sources = append(req.Sources, inventory.Operands([]string{"mailpit-1.0"}))
	if res, err := Run(context.Background(), req); err != nil || res.NothingInstalled || !res.Vulnerable {
		t.Errorf("allowed, with operands: %+v %v", res, err)
	}
	// Unreadable package files are failures; the others are audited.
	os.WriteFile(filepath.Join(dir, "broken-1.0.pkg"), []byte("no archive"), 0o644)
	req = base
	req.Sources = []inventory.Source{inventory.PackageFiles(dir, false), inventory.Operands([]string{"mailpit-1.0"})}
	res, err = Run(context.Background(), req)
	if err != nil || len(res.Failures) != 1 || !res.Vulnerable {
		t.Errorf("partial: %+v %v", res, err)
	}
	// A missing database.
	req.Databases = []string{filepath.Join(dir, "none.xml")}
	if _, err := Run(context.Background(), req); err == nil {
		t.Error("missing database accepted")
	}
	// Formats: a brief load renders pkg's formats as a full one does.
	full := base
	full.Sources = []inventory.Source{inventory.Operands([]string{"mailpit-1.0"})}
	brief := full
	brief.Open.Brief = true
	for _, name := range []string{"text", "pkg-ucl", "pkg-json"} {
		f, _ := report.LookupFormat(name)
		var a, b strings.Builder
		r1, _ := Run(context.Background(), full)
		r2, _ := Run(context.Background(), brief)
		f.Write(&a, r1.Report)
		f.Write(&b, r2.Report)
		if a.String() != b.String() || a.Len() == 0 {
			t.Errorf("%s: brief and full differ", name)
		}
	}
}

// A source of a type that cannot be a map key works in Sources and
// Available alike.
type sliceSource struct{ pkgs []inventory.Package }

func (s sliceSource) Describe() string { return "slice" }
func (s sliceSource) Packages(context.Context) ([]inventory.Package, error) {
	return s.pkgs, nil
}

func TestRunUncomparableSource(t *testing.T) {
	src := sliceSource{[]inventory.Package{{Name: "mailpit", Version: "1.28.2"}}}
	res, err := Run(context.Background(), Request{Databases: []string{vuln2026},
		Sources: []inventory.Source{src}, Available: []inventory.Source{src}})
	if err != nil || !res.Vulnerable {
		t.Fatalf("%v %v", res, err)
	}
}
