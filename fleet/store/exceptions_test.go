package store_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/fleet/store/storetest"
)

func openCount(t *testing.T, s *store.Store, host string) (open, accepted int) {
	t.Helper()
	fs, err := s.HostFindings(context.Background(), host, false)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fs {
		if f.IgnoredBy != "" {
			accepted++
		} else {
			open++
		}
	}
	return open, accepted
}

func TestExceptions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		c := newClock()
		s := open(t, spec, c)
		db := &fakeDB{id: "a", vulns: map[string][]fleet.Vuln{
			"curl-8.5.0":    {{AdvisoryID: "vid-curl", FixedIn: "8.6.0"}},
			"sudo-1.9.15":   {{AdvisoryID: "vid-sudo", FixedIn: "1.9.17"}},
			"openssl-3.0.1": {{AdvisoryID: "vid-ssl", FixedIn: "3.0.2"}},
		}}
		if _, err := s.Reevaluate(ctx, db); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAdvisoryAliases(ctx, map[string][]string{"vid-ssl": {"CVE-2025-0001", "CVE-2025-0002"}}); err != nil {
			t.Fatal(err)
		}
		r1 := report("h1", map[string][]string{"": {"curl-8.5.0", "sudo-1.9.15", "openssl-3.0.1"}})
		r2 := report("h2", map[string][]string{"": {"curl-8.5.0", "openssl-3.0.1"}})
		r2.Host.Tags = []string{"db"}
		for _, r := range []*store.Report{r1, r2} {
			if _, err := s.Ingest(ctx, r, db); err != nil {
				t.Fatal(err)
			}
		}
		if o, a := openCount(t, s, "h1"); o != 3 || a != 0 {
			t.Fatalf("h1: %d open, %d accepted; want 3, 0", o, a)
		}
		// Bad rules are refused.
		for _, bad := range []store.Exception{
			{Advisory: "", Reason: "r"},
			{Advisory: "vid-curl"},
			{Advisory: "vid-curl", Reason: "r", Scope: "galaxy"},
			{Advisory: "vid-curl", Reason: "r", Scope: store.ScopeHost},
			{Advisory: "vid-curl", Reason: "r", Target: "h1"},
			{Advisory: "a b", Reason: "r"},
		} {
			if _, err := s.CreateException(ctx, &bad, "t"); err == nil {
				t.Errorf("%+v accepted", bad)
			}
		}
		// Fleet-wide by CVE alias (case-insensitive), expiring in a day.
		e1, err := s.CreateException(ctx, &store.Exception{Advisory: "cve-2025-0002", Reason: "not reachable", Expires: c.now().Add(24 * time.Hour)}, "token 1 admin")
		if err != nil {
			t.Fatal(err)
		}
		// One CVE of the two vid-ssl lists accepts nothing (the ignore
		// file's rule); the other one too, and both are accepted.
		if o, a := openCount(t, s, "h1"); o != 3 || a != 0 {
			t.Errorf("one CVE of two: h1 %d open, %d accepted; want 3, 0", o, a)
		}
		if _, err := s.CreateException(ctx, &store.Exception{Advisory: "CVE-2025-0001", Reason: "not reachable", Expires: c.now().Add(24 * time.Hour)}, "token 1 admin"); err != nil {
			t.Fatal(err)
		}
		if o, a := openCount(t, s, "h1"); o != 2 || a != 1 {
			t.Errorf("both CVEs: h1 %d open, %d accepted; want 2, 1", o, a)
		}
		// Per tag, and per host.
		if _, err := s.CreateException(ctx, &store.Exception{Advisory: "vid-curl", Scope: store.ScopeTag, Target: "db", Reason: "internal only"}, "token 1 admin"); err != nil {
			t.Fatal(err)
		}
		e3, err := s.CreateException(ctx, &store.Exception{Advisory: "VID-SUDO", Scope: store.ScopeHost, Target: "h1", Reason: "no sudoers"}, "token 2 admin")
		if err != nil {
			t.Fatal(err)
		}
		if o, a := openCount(t, s, "h1"); o != 1 || a != 2 {
			t.Errorf("h1: %d open, %d accepted; want 1, 2", o, a)
		}
		if o, a := openCount(t, s, "h2"); o != 0 || a != 2 {
			t.Errorf("h2: %d open, %d accepted; want 0, 2", o, a)
		}
		h2, _ := s.Host(ctx, "h2")
		if h2.VulnerablePackages != 0 {
			t.Errorf("h2 counts %d vulnerable packages, want 0 (all accepted)", h2.VulnerablePackages)
		}
		// A new host is born accepted.
		r3 := report("h3", map[string][]string{"": {"openssl-3.0.1"}})
		if _, err := s.Ingest(ctx, r3, db); err != nil {
			t.Fatal(err)
		}
		if o, a := openCount(t, s, "h3"); o != 0 || a != 1 {
			t.Errorf("h3: %d open, %d accepted; want 0, 1", o, a)
		}
		ov, err := s.Overview(ctx, c.now().Add(-time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if ov.AcceptedFindings != 5 || ov.OpenFindings != 1 {
			t.Errorf("overview: %d accepted, %d open; want 5, 1", ov.AcceptedFindings, ov.OpenFindings)
		}
		list, err := s.Exceptions(ctx, false)
		if err != nil || len(list) != 4 || list[3].ID != e1.ID || list[3].Findings != 3 {
			t.Fatalf("exceptions %+v, %v", list, err)
		}
		// Deleting brings findings back; the log tells who did what.
		if err := s.DeleteException(ctx, e3.ID, "token 3 admin"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteException(ctx, e3.ID, "token 3 admin"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("deleting twice: %v", err)
		}
		if o, a := openCount(t, s, "h1"); o != 2 || a != 1 {
			t.Errorf("after delete h1: %d open, %d accepted; want 2, 1", o, a)
		}
		log, err := s.ExceptionLog(ctx, 0)
		if err != nil || len(log) != 5 || log[0].Action != "delete" || log[0].Who != "token 3 admin" || log[0].ExceptionID != e3.ID {
			t.Errorf("log %+v, %v", log, err)
		}
		// Expiry: the CVE rule ends after a day.
		c.add(25 * time.Hour)
		if err := s.ApplyExceptions(ctx); err != nil {
			t.Fatal(err)
		}
		if o, a := openCount(t, s, "h1"); o != 3 || a != 0 {
			t.Errorf("after expiry h1: %d open, %d accepted; want 3, 0", o, a)
		}
		// The hosts' kept counts follow.
		if h1, _ := s.Host(ctx, "h1"); h1.VulnerablePackages != 3 || h1.Vulnerabilities != 3 {
			t.Errorf("h1 counts %d packages, %d advisories after expiry; want 3, 3", h1.VulnerablePackages, h1.Vulnerabilities)
		}
	})
}

func TestOpenFindingsSeries(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		c := newClock()
		s := open(t, spec, c)
		db := &fakeDB{id: "a", vulns: map[string][]fleet.Vuln{"curl-8.5.0": {{AdvisoryID: "v1"}}, "sudo-1.9.15": {{AdvisoryID: "v2"}}}}
		if _, err := s.Ingest(ctx, report("h1", map[string][]string{"": {"curl-8.5.0", "sudo-1.9.15"}}), db); err != nil {
			t.Fatal(err)
		}
		c.add(48 * time.Hour)
		if _, err := s.Ingest(ctx, report("h1", map[string][]string{"": {"curl-8.5.0"}}), db); err != nil {
			t.Fatal(err)
		}
		c.add(24 * time.Hour)
		ser, err := s.OpenFindingsSeries(ctx, c.now(), 5)
		if err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, p := range ser {
			got = append(got, p.Count)
		}
		// Days 1 to 5 of January: found on the 2nd, one resolved on the 4th.
		want := []int{0, 2, 2, 1, 1}
		if !slices.Equal(got, want) {
			t.Errorf("series %v, want %v", got, want)
		}
		if !ser[4].Day.Equal(c.now().Truncate(24 * time.Hour)) {
			t.Errorf("last day %v", ser[4].Day)
		}
	})
}

func TestOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		c := newClock()
		s := open(t, spec, c)
		db := &fakeDB{id: "a", vulns: map[string][]fleet.Vuln{"curl-8.5.0": {{AdvisoryID: "v1", FixedIn: "8.6.0"}}}}
		// Off: nothing is recorded.
		if _, err := s.Ingest(ctx, report("h0", map[string][]string{"": {"curl-8.5.0"}}), db); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAlerts(ctx, true); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Ingest(ctx, report("h1", map[string][]string{"": {"curl-8.5.0"}}), db); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Ingest(ctx, report("h1", map[string][]string{"": {}}), db); err != nil {
			t.Fatal(err)
		}
		if _, err := s.AlertOnce(ctx, "host:h0", "x", "host.stale", "h0", `{}`); err != nil {
			t.Fatal(err)
		}
		if added, err := s.AlertOnce(ctx, "host:h0", "x", "host.stale", "h0", `{}`); err != nil || added {
			t.Errorf("second AlertOnce added %v, %v", added, err)
		}
		ev, err := s.Pending(ctx, "a", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(ev) != 3 || ev[0].Kind != "finding.new" || ev[1].Kind != "finding.resolved" || ev[2].Kind != "host.stale" {
			t.Fatalf("pending %+v", ev)
		}
		if f := ev[0].Finding; f == nil || f.Host != "h1" || f.AdvisoryID != "v1" || f.FixedIn != "8.6.0" || f.Package.String() != "curl-8.5.0" {
			t.Errorf("finding %+v", ev[0].Finding)
		}
		if err := s.Delivered(ctx, "a", ev[0].ID); err != nil {
			t.Fatal(err)
		}
		if ev, _ := s.Pending(ctx, "a", 0); len(ev) != 2 {
			t.Errorf("after delivery %d pending for a", len(ev))
		}
		if ev, _ := s.Pending(ctx, "b", 0); len(ev) != 3 {
			t.Errorf("%d pending for b, want 3", len(ev))
		}
	})
}

func TestPruneOutbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, spec string) {
		ctx := context.Background()
		c := newClock()
		s := open(t, spec, c)
		s.AddOutbox(ctx, "host.stale", "old", "{}")
		s.Delivered(ctx, "a", 1)
		c.add(time.Hour)
		s.AddOutbox(ctx, "host.stale", "new", "{}")
		if n, err := s.PruneOutbox(ctx, c.now().Add(-time.Minute)); err != nil || n != 1 {
			t.Fatalf("pruned %d, %v", n, err)
		}
		if ev, _ := s.Pending(ctx, "b", 0); len(ev) != 1 || ev[0].Subject != "new" {
			t.Errorf("left %+v", ev)
		}
	})
}
