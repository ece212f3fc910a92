package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/fleet/store/storetest"
)

// fakeDB is a Judge and DBChange over a fixed table: "name-version" to
// the advisories affecting it.
type fakeDB struct {
	id    string
	vulns map[string][]fleet.Vuln
	fail  error

	mu        sync.Mutex
	evaluated []string
}

func (d *fakeDB) ID() string { return d.id }

func (d *fakeDB) Vulns(_ context.Context, keys []fleet.PkgKey) ([][]fleet.Vuln, error) {
	if d.fail != nil {
		return nil, d.fail
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make([][]fleet.Vuln, len(keys))
	for i, k := range keys {
		d.evaluated = append(d.evaluated, k.String())
		out[i] = d.vulns[k.String()]
	}
	return out, nil
}

func (d *fakeDB) Advisories() map[string]fleet.AdvisoryInfo {
	m := map[string]fleet.AdvisoryInfo{}
	for _, vs := range d.vulns {
		for _, v := range vs {
			m[v.AdvisoryID] = fleet.AdvisoryInfo{Topic: "topic " + v.AdvisoryID, Fingerprint: v.AdvisoryID + "@" + v.FixedIn}
		}
	}
	return m
}

func (d *fakeDB) Matcher(ids []string) func(fleet.PkgKey) bool {
	return func(k fleet.PkgKey) bool {
		for _, v := range d.vulns[k.String()] {
			if slices.Contains(ids, v.AdvisoryID) {
				return true
			}
		}
		return false
	}
}

func (d *fakeDB) takeEvaluated() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.evaluated
	d.evaluated = nil
	slices.Sort(out)
	return out
}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

func newClock() *clock { return &clock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func open(t *testing.T, spec string, c *clock) *store.Store {
	t.Helper()
	s, err := store.Open(context.Background(), spec, store.Options{Now: c.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func pkgs(world string, names ...string) []store.Pkg {
	var out []store.Pkg
	for _, n := range names {
		i := len(n) - 1
		for n[i] != '-' {
			i--
		}
		out = append(out, store.Pkg{Key: fleet.PkgKey{Name: n[:i], Version: n[i+1:], World: world}})
	}
	return out
}

func report(host string, jails map[string][]string) *store.Report {
	r := &store.Report{Host: store.HostFacts{Name: host, OS: "FreeBSD", Release: "14.2-RELEASE", Arch: "amd64", Tags: []string{"web"}}}
	for _, j := range []string{"", "db", "www"} {
		if names, ok := jails[j]; ok {
			r.Inventories = append(r.Inventories, store.Inventory{Jail: j, Packages: pkgs(fleet.WorldFreeBSD, names...)})
		}
	}
	return r
}

func findingKeys(fs []store.Finding) []string {
	var out []string
	for _, f := range fs {
		s := fmt.Sprintf("%s/%s/%s/%s", f.Host, f.Jail, f.Package, f.AdvisoryID)
		if !f.ResolvedAt.IsZero() {
			s += " resolved"
		}
		out = append(out, s)
	}
	return out
}

func TestMigrations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		c := newClock()
		s := open(t, spec, c)
		v, err := s.SchemaVersion(context.Background())
		if err != nil || v < 1 { // dashboard migrations are numbered from 100
			t.Fatalf("schema version %d, %v; want at least 1", v, err)
		}
		// Opening again applies nothing and keeps the data.
		if _, err := s.Ingest(context.Background(), report("h1", map[string][]string{"": {"curl-8.5.0"}}), &fakeDB{id: "a"}); err != nil {
			t.Fatal(err)
		}
		s2 := open(t, spec, c)
		h, err := s2.Host(context.Background(), "h1")
		if err != nil || h.Packages != 1 {
			t.Fatalf("after reopening: %+v, %v", h, err)
		}
	})
}

func TestIngestFindingsHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		c := newClock()
		s := open(t, spec, c)
		db := &fakeDB{id: "db1", vulns: map[string][]fleet.Vuln{
			"curl-8.5.0": {{AdvisoryID: "A", FixedIn: "8.6.0"}},
			"sudo-1.9.0": {{AdvisoryID: "B", FixedIn: "1.9.17"}, {AdvisoryID: "C"}},
		}}
		res, err := s.Ingest(ctx, report("h1", map[string][]string{"": {"curl-8.5.0", "xrdb-1.0.9"}, "www": {"sudo-1.9.0", "curl-8.5.0"}}), db)
		if err != nil {
			t.Fatal(err)
		}
		if !res.NewHost || res.Evaluated != 3 || res.NewFindings != 4 || res.VulnerablePackages != 3 {
			t.Errorf("first report: %+v", res)
		}
		// A second host with the same versions evaluates nothing more.
		db.takeEvaluated()
		res, err = s.Ingest(ctx, report("h2", map[string][]string{"": {"curl-8.5.0", "sudo-1.9.0"}}), db)
		if err != nil {
			t.Fatal(err)
		}
		if got := db.takeEvaluated(); len(got) != 0 || res.NewFindings != 3 {
			t.Errorf("second host evaluated %v, result %+v", got, res)
		}
		fs, err := s.HostFindings(ctx, "h1", false)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"h1//curl-8.5.0/A", "h1/www/curl-8.5.0/A", "h1/www/sudo-1.9.0/B", "h1/www/sudo-1.9.0/C"}
		if got := findingKeys(fs); !slices.Equal(got, want) {
			t.Errorf("findings %v, want %v", got, want)
		}
		if fs[0].FixedIn != "8.6.0" || !fs[0].FirstSeen.Equal(c.now()) {
			t.Errorf("finding %+v", fs[0])
		}
		// Upgrade curl on the host, drop the jail: resolved, history kept.
		c.add(time.Hour)
		res, err = s.Ingest(ctx, report("h1", map[string][]string{"": {"curl-8.6.0", "xrdb-1.0.9"}}), db)
		if err != nil {
			t.Fatal(err)
		}
		if res.NewHost || res.ResolvedFindings != 4 || res.OpenFindings != 0 || res.Added != 1 || res.Removed != 3 {
			t.Errorf("upgrade: %+v", res)
		}
		fs, _ = s.HostFindings(ctx, "h1", true)
		if got := findingKeys(fs); len(got) != 4 || got[0] != "h1//curl-8.5.0/A resolved" {
			t.Errorf("with resolved: %v", got)
		}
		if !fs[0].ResolvedAt.Equal(c.now()) {
			t.Errorf("resolved at %v, want %v", fs[0].ResolvedAt, c.now())
		}
		hist, err := s.History(ctx, "h1", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 4 || !hist[0].At.Equal(c.now()) {
			t.Errorf("history %+v", hist)
		}
		h, err := s.Host(ctx, "h1")
		if err != nil {
			t.Fatal(err)
		}
		if len(h.Jails) != 0 || h.VulnerablePackages != 0 || h.Packages != 2 || !h.LastSeen.Equal(c.now()) || h.FirstSeen.Equal(c.now()) {
			t.Errorf("host %+v", h)
		}
		// Blast radius and listings.
		af, err := s.AdvisoryFindings(ctx, "A", false)
		if err != nil || len(af) != 1 || af[0].Host != "h2" {
			t.Errorf("advisory A: %v %v", findingKeys(af), err)
		}
		hosts, more, err := s.Hosts(ctx, store.HostFilter{Vulnerable: 1})
		if err != nil || more || len(hosts) != 1 || hosts[0].Name != "h2" || hosts[0].VulnerablePackages != 2 || hosts[0].Vulnerabilities != 3 {
			t.Errorf("vulnerable hosts: %+v %v", hosts, err)
		}
		hosts, _, _ = s.Hosts(ctx, store.HostFilter{Vulnerable: 2, Tag: "web", OS: "FreeBSD"})
		if len(hosts) != 1 || hosts[0].Name != "h1" {
			t.Errorf("clean hosts: %+v", hosts)
		}
		hosts, _, _ = s.Hosts(ctx, store.HostFilter{StaleBefore: c.now().Add(-time.Minute)})
		if len(hosts) != 1 || hosts[0].Name != "h2" {
			t.Errorf("stale hosts: %+v", hosts)
		}
		hosts, more, _ = s.Hosts(ctx, store.HostFilter{Limit: 1, Offset: 1})
		if len(hosts) != 1 || hosts[0].Name != "h2" || more {
			t.Errorf("page 2: %+v %v", hosts, more)
		}
		inst, err := s.PackageHosts(ctx, "curl")
		if err != nil || len(inst) != 2 || inst[0].Host != "h1" || inst[0].Package.Version != "8.6.0" {
			t.Errorf("curl hosts: %+v %v", inst, err)
		}
		sm, err := s.Summary(ctx, c.now().Add(-time.Minute))
		if err != nil || sm.Hosts != 2 || sm.VulnerableHosts != 1 || sm.StaleHosts != 1 || sm.OpenFindings != 3 || sm.PackageVersions != 4 {
			t.Errorf("summary %+v %v", sm, err)
		}
	})
}

func TestCrashMidIngestKeepsPreviousInventory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		c := newClock()
		s := open(t, spec, c)
		db := &fakeDB{id: "db1", vulns: map[string][]fleet.Vuln{"curl-8.5.0": {{AdvisoryID: "A"}}}}
		if _, err := s.Ingest(ctx, report("h1", map[string][]string{"": {"curl-8.5.0"}}), db); err != nil {
			t.Fatal(err)
		}
		// The evaluation fails after the host, its jails and the new
		// package versions were written: nothing of it stays.
		bad := &fakeDB{id: "db1", fail: errors.New("boom")}
		c.add(time.Hour)
		if _, err := s.Ingest(ctx, report("h1", map[string][]string{"": {"curl-8.6.0"}, "www": {"nginx-1.0"}}), bad); err == nil {
			t.Fatal("ingest with a failing evaluation succeeded")
		}
		inv, err := s.HostInventory(ctx, "h1")
		if err != nil || len(inv) != 1 || len(inv[0].Packages) != 1 || inv[0].Packages[0].Key.String() != "curl-8.5.0" {
			t.Fatalf("inventory after failed ingest: %+v %v", inv, err)
		}
		h, _ := s.Host(ctx, "h1")
		if !h.LastSeen.Equal(c.now().Add(-time.Hour)) || len(h.Jails) != 0 || h.VulnerablePackages != 1 {
			t.Errorf("host after failed ingest: %+v", h)
		}
		// A cancelled context mid-way is the same.
		cctx, cancel := context.WithCancel(ctx)
		cancel()
		if _, err := s.Ingest(cctx, report("h1", map[string][]string{"": {"curl-8.6.0"}}), db); err == nil {
			t.Fatal("cancelled ingest succeeded")
		}
		inv, _ = s.HostInventory(ctx, "h1")
		if inv[0].Packages[0].Key.String() != "curl-8.5.0" {
			t.Errorf("inventory after cancelled ingest: %+v", inv)
		}
	})
}

func TestReevaluateOnlyWhatChanged(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		c := newClock()
		s := open(t, spec, c)
		db1 := &fakeDB{id: "db1", vulns: map[string][]fleet.Vuln{
			"curl-8.5.0": {{AdvisoryID: "A", FixedIn: "8.6.0"}},
			"sudo-1.9.0": {{AdvisoryID: "B"}},
		}}
		if r, err := s.Reevaluate(ctx, db1); err != nil || !r.Changed {
			t.Fatalf("first databases: %+v %v", r, err)
		}
		for i := range 5 {
			if _, err := s.Ingest(ctx, report(fmt.Sprintf("h%d", i), map[string][]string{"": {"curl-8.5.0", "sudo-1.9.0", "xrdb-1.0.9", fmt.Sprintf("own-%d", i)}}), db1); err != nil {
				t.Fatal(err)
			}
		}
		db1.takeEvaluated()
		if r, err := s.Reevaluate(ctx, db1); err != nil || r.Changed {
			t.Fatalf("same databases again: %+v %v", r, err)
		}
		// A new advisory for xrdb, B withdrawn, A unchanged.
		c.add(time.Hour)
		db2 := &fakeDB{id: "db2", vulns: map[string][]fleet.Vuln{
			"curl-8.5.0": {{AdvisoryID: "A", FixedIn: "8.6.0"}},
			"xrdb-1.0.9": {{AdvisoryID: "N", FixedIn: "1.1"}},
		}}
		r, err := s.Reevaluate(ctx, db2)
		if err != nil {
			t.Fatal(err)
		}
		if r.Advisories != 2 || r.Evaluated != 2 || r.NewFindings != 5 || r.ResolvedFindings != 5 {
			t.Errorf("reevaluation %+v", r)
		}
		if got := db2.takeEvaluated(); !slices.Equal(got, []string{"sudo-1.9.0", "xrdb-1.0.9"}) {
			t.Errorf("evaluated again %v, want only sudo and xrdb", got)
		}
		af, _ := s.AdvisoryFindings(ctx, "N", false)
		if len(af) != 5 || af[0].FixedIn != "1.1" || !af[0].FirstSeen.Equal(c.now()) {
			t.Errorf("new advisory's findings %v", findingKeys(af))
		}
		if af, _ := s.AdvisoryFindings(ctx, "B", false); len(af) != 0 {
			t.Errorf("withdrawn advisory still open: %v", findingKeys(af))
		}
		// A later report needs no evaluation of known versions.
		if res, err := s.Ingest(ctx, report("h0", map[string][]string{"": {"curl-8.5.0", "sudo-1.9.0", "xrdb-1.0.9"}}), db2); err != nil || res.Evaluated != 0 {
			t.Errorf("report after reevaluation: %+v %v", res, err)
		}
		adv, _, err := s.Advisories(ctx, 0, 0)
		if err != nil || len(adv) != 2 || adv[0].Hosts != 5 || adv[0].Topic == "" {
			t.Errorf("advisories %+v %v", adv, err)
		}
		if id, _ := s.DBID(ctx); id != "db2" {
			t.Errorf("db id %q", id)
		}
	})
}

func TestTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		s := open(t, spec, newClock())
		tok, tk, err := s.CreateToken(ctx, store.RoleAgent, "", "rack 3")
		if err != nil {
			t.Fatal(err)
		}
		if len(tok) != 64 {
			t.Errorf("token %q is not 256 bits in hex", tok)
		}
		got, err := s.Authenticate(ctx, tok)
		if err != nil || got.ID != tk.ID || got.Role != store.RoleAgent {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
		if _, err := s.Authenticate(ctx, tok[:63]+"x"); !errors.Is(err, store.ErrBadToken) {
			t.Errorf("altered token: %v", err)
		}
		if _, err := s.Authenticate(ctx, "' OR 1=1 --"); !errors.Is(err, store.ErrBadToken) {
			t.Errorf("SQL in a token: %v", err)
		}
		// Enrols its first host, then only that one.
		if ok, err := s.BindToken(ctx, tk.ID, "h1"); !ok || err != nil {
			t.Errorf("enrol: %v %v", ok, err)
		}
		if ok, _ := s.BindToken(ctx, tk.ID, "h1"); !ok {
			t.Error("bound host refused")
		}
		if ok, _ := s.BindToken(ctx, tk.ID, "h2"); ok {
			t.Error("another host accepted")
		}
		if _, _, err := s.CreateToken(ctx, "root", "", ""); err == nil {
			t.Error("bad role accepted")
		}
		if err := s.RevokeToken(ctx, tk.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, tok); !errors.Is(err, store.ErrBadToken) {
			t.Errorf("revoked token: %v", err)
		}
		if ok, _ := s.BindToken(ctx, tk.ID, "h1"); ok {
			t.Error("revoked token may report")
		}
		list, err := s.Tokens(ctx)
		if err != nil || len(list) != 1 || list[0].RevokedAt.IsZero() || list[0].Host != "h1" || list[0].Label != "rack 3" {
			t.Errorf("list %+v %v", list, err)
		}
	})
}

func TestSQLMetacharacters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		s := open(t, spec, newClock())
		evil := `x'); DROP TABLE hosts; --"\` + "\x00?$1%_"
		r := &store.Report{Host: store.HostFacts{Name: "h" + evil, OS: evil, Release: evil, Arch: evil, KernelVersion: evil, UserlandVersion: evil, Tags: []string{evil}, AgentVersion: evil},
			Inventories: []store.Inventory{{Jail: evil, Packages: []store.Pkg{{Key: fleet.PkgKey{Name: "n" + evil, Version: evil, World: fleet.WorldPkgsrc}, Origin: evil}}}}}
		// NUL is refused by PostgreSQL text; the wire format refuses it
		// before the store sees it.
		if s.Kind() == store.Postgres {
			evil = evil[:len(evil)-6] + "?$1%_"
			r = &store.Report{Host: store.HostFacts{Name: "h" + evil, OS: evil, Release: evil, Arch: evil, KernelVersion: evil, UserlandVersion: evil, Tags: []string{evil}, AgentVersion: evil},
				Inventories: []store.Inventory{{Jail: evil, Packages: []store.Pkg{{Key: fleet.PkgKey{Name: "n" + evil, Version: evil, World: fleet.WorldPkgsrc}, Origin: evil}}}}}
		}
		db := &fakeDB{id: "x", vulns: map[string][]fleet.Vuln{"n" + evil + "-" + evil: {{AdvisoryID: evil, FixedIn: evil}}}}
		if _, err := s.Ingest(ctx, r, db); err != nil {
			t.Fatal(err)
		}
		h, err := s.Host(ctx, "h"+evil)
		if err != nil || h.OS != evil || h.Tags[0] != evil || h.Jails[0] != evil || h.VulnerablePackages != 1 {
			t.Fatalf("host %+v %v", h, err)
		}
		hosts, _, _ := s.Hosts(ctx, store.HostFilter{OS: evil, Tag: evil})
		if len(hosts) != 1 {
			t.Errorf("filter by evil os/tag: %d hosts", len(hosts))
		}
		af, _ := s.AdvisoryFindings(ctx, evil, false)
		if len(af) != 1 || af[0].FixedIn != evil || af[0].Jail != evil {
			t.Errorf("findings %+v", af)
		}
		if inst, _ := s.PackageHosts(ctx, "n"+evil); len(inst) != 1 {
			t.Errorf("package hosts %+v", inst)
		}
	})
}

func TestConcurrentIngest(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		s := open(t, spec, newClock())
		db := &fakeDB{id: "db", vulns: map[string][]fleet.Vuln{"curl-8.5.0": {{AdvisoryID: "A"}}}}
		const n = 40
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Go(func() {
				names := []string{"curl-8.5.0", "sudo-1.9.0", fmt.Sprintf("own-%d", i), fmt.Sprintf("shared-%d", i%3)}
				_, err := s.Ingest(ctx, report(fmt.Sprintf("h%02d", i), map[string][]string{"": names, "www": names[:2]}), db)
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		sm, _ := s.Summary(ctx, time.Time{})
		if sm.Hosts != n || sm.OpenFindings != 2*n || sm.PackageVersions != 2+n+3 {
			t.Errorf("summary %+v", sm)
		}
		for i := range n {
			inv, err := s.HostInventory(ctx, fmt.Sprintf("h%02d", i))
			if err != nil || len(inv) != 2 || len(inv[0].Packages) != 4 {
				t.Fatalf("h%02d: %+v %v", i, inv, err)
			}
			if !slices.ContainsFunc(inv[0].Packages, func(p store.Pkg) bool { return p.Key.String() == fmt.Sprintf("own-%d", i) }) {
				t.Errorf("h%02d lacks its own package: %+v", i, inv[0].Packages)
			}
		}
	})
}

// TestTwoProcessesOneDatabase opens one PostgreSQL store twice (two server
// processes): reports through both are all kept, a database change applied
// by both at once is done once (under the advisory lock), and a package
// version one of them evaluated against older databases is evaluated again
// when it reloads.
func TestTwoProcessesOneDatabase(t *testing.T) {
	spec := storetest.Postgres(t)
	ctx := context.Background()
	c := newClock()
	s1, s2 := open(t, spec, c), open(t, spec, c)
	db1 := &fakeDB{id: "db1", vulns: map[string][]fleet.Vuln{"curl-8.5.0": {{AdvisoryID: "A"}}}}
	if _, err := s1.Reevaluate(ctx, db1); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := range 40 {
		s := s1
		if i%2 == 1 {
			s = s2
		}
		wg.Go(func() {
			_, err := s.Ingest(ctx, report(fmt.Sprintf("h%02d", i), map[string][]string{"": {"curl-8.5.0", "xrdb-1.0.9", fmt.Sprintf("own-%d", i)}}), db1)
			errs <- err
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	db2 := &fakeDB{id: "db2", vulns: map[string][]fleet.Vuln{"curl-8.5.0": {{AdvisoryID: "A"}}, "xrdb-1.0.9": {{AdvisoryID: "X"}}}}
	res := make([]*store.ReevalResult, 2)
	for i, s := range []*store.Store{s1, s2} {
		wg.Go(func() {
			var err error
			if res[i], err = s.Reevaluate(ctx, db2); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if res[0] == nil || res[1] == nil || res[0].Changed == res[1].Changed || res[0].NewFindings+res[1].NewFindings != 40 {
		t.Fatalf("two processes re-evaluating: %+v %+v", res[0], res[1])
	}
	// s2 has not reloaded yet: a new version it evaluates is stamped with
	// its databases, and evaluated again once it reloads.
	if _, err := s2.Ingest(ctx, report("late", map[string][]string{"": {"xrdb-1.0.9", "new-1"}}), db1); err != nil {
		t.Fatal(err)
	}
	db2.takeEvaluated()
	r, err := s2.Reevaluate(ctx, db2)
	if err != nil || r.Changed || r.Evaluated != 1 {
		t.Errorf("reload after a stale evaluation: %+v %v", r, err)
	}
	if got := db2.takeEvaluated(); !slices.Equal(got, []string{"new-1"}) {
		t.Errorf("evaluated again %v", got)
	}
	sm, _ := s1.Summary(ctx, time.Time{})
	if sm.Hosts != 41 || sm.OpenFindings != 81 {
		t.Errorf("summary %+v", sm)
	}
}
