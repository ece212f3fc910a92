package server_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/fleetgen"
	"github.com/pkgaudit/pkgaudit/fleet/store/storetest"
)

// TestFleetScale measures the fleet at scale with a generated fleet: the
// ingest rate, how long a new advisory takes to reach every affected
// host's findings, a full re-evaluation after replacing the database, and
// the p99 of the host list and of a blast radius. It runs only when
// PKGAUDIT_FLEET_HOSTS gives the number of hosts (BENCHMARKS.md has the
// figures); PKGAUDIT_FLEET_STORE=sqlite|postgres picks one store.
func TestFleetScale(t *testing.T) {
	hosts, _ := strconv.Atoi(os.Getenv("PKGAUDIT_FLEET_HOSTS"))
	if hosts <= 0 {
		t.Skip("set PKGAUDIT_FLEET_HOSTS=N to measure a fleet of N hosts")
	}
	perHost, pool := 400, 30000
	if v, _ := strconv.Atoi(os.Getenv("PKGAUDIT_FLEET_PER_HOST")); v > 0 {
		perHost = v
	}
	kinds := []string{"sqlite", "postgres"}
	if k := os.Getenv("PKGAUDIT_FLEET_STORE"); k != "" {
		kinds = []string{k}
	}
	full, err := os.ReadFile(vuln2025)
	if err != nil {
		t.Fatal(err)
	}
	var real []string
	for _, m := range regexp.MustCompile(`<name>([^<]+)</name>`).FindAllSubmatch(full, -1) {
		if n := string(m[1]); !slices.Contains(real, n) && !strings.ContainsAny(n, "*?[") {
			real = append(real, n)
		}
	}
	gen := fleetgen.New(fleetgen.Config{Hosts: hosts, PerHost: perHost, Pool: pool, RealNames: real, Seed: 1})
	bodies := make([][]byte, hosts)
	count := map[string]int{}
	for i := range hosts {
		rep := gen.Host(i)
		for _, p := range rep.Inventories[0].Packages {
			count[p.Name]++
		}
		bodies[i] = gz(t, rep)
	}
	// The advisory that "lands": one of the most widespread real name's.
	slices.SortFunc(real, func(a, b string) int { return count[b] - count[a] })
	var vid string
	var without []byte
	for _, name := range real[:20] {
		re := regexp.MustCompile(`(?s)<vuln vid="([^"]+)">(?:[^<]|<[^/]|</[^v])*?<name>` + regexp.QuoteMeta(name) + `</name>.*?</vuln>\n`)
		if loc := re.FindSubmatchIndex(full); loc != nil && strings.Contains(string(full[loc[0]:loc[1]]), "<lt>") {
			vid = string(full[loc[2]:loc[3]])
			without = append(append([]byte{}, full[:loc[0]]...), full[loc[1]:]...)
			t.Logf("new advisory %s for %s (on %d hosts)", vid, name, count[name])
			break
		}
	}
	if vid == "" {
		t.Fatal("no advisory to land")
	}
	dir := t.TempDir()
	dbA, dbB := filepath.Join(dir, "a.xml"), filepath.Join(dir, "b.xml")
	os.WriteFile(dbA, without, 0o644)
	os.WriteFile(dbB, full, 0o644)
	for _, kind := range kinds {
		t.Run(kind, func(t *testing.T) {
			spec := storetest.SQLite(t)
			if kind == "postgres" {
				spec = storetest.Postgres(t)
			}
			f := newFixture(t, spec, dbA)
			ctx := context.Background()
			start := time.Now()
			var next atomic.Int64
			var wg sync.WaitGroup
			workers := 8
			for range workers {
				wg.Go(func() {
					for {
						i := int(next.Add(1)) - 1
						if i >= hosts {
							return
						}
						if code, body := f.do(t, "POST", "/api/v1/reports", f.admin, bodies[i]); code != 200 {
							t.Errorf("host %d: %d %s", i, code, body)
							return
						}
					}
				})
			}
			wg.Wait()
			ingest := time.Since(start)
			// Again: every host reports an unchanged inventory (the nightly
			// steady state).
			start = time.Now()
			next.Store(0)
			for range workers {
				wg.Go(func() {
					for {
						i := int(next.Add(1)) - 1
						if i >= hosts {
							return
						}
						if code, body := f.do(t, "POST", "/api/v1/reports", f.admin, bodies[i]); code != 200 {
							t.Errorf("host %d: %d %s", i, code, body)
							return
						}
					}
				})
			}
			wg.Wait()
			steady := time.Since(start)

			db, err := fleet.Open([]string{dbB}, fleet.OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			start = time.Now()
			res, err := f.srv.SetDB(ctx, db)
			if err != nil {
				t.Fatal(err)
			}
			landed := time.Since(start)
			fs, _ := f.st.AdvisoryFindings(ctx, vid, false)
			affected := map[string]bool{}
			for _, x := range fs {
				affected[x.Host] = true
			}

			db26, err := fleet.Open([]string{"../../testdata/vuxml/vuln-2026.xml"}, fleet.OpenOptions{})
			if err != nil {
				t.Fatal(err)
			}
			start = time.Now()
			res2, err := f.srv.SetDB(ctx, db26)
			if err != nil {
				t.Fatal(err)
			}
			replaced := time.Since(start)
			if _, err := f.srv.SetDB(ctx, db); err != nil { // back, for the blast radius
				t.Fatal(err)
			}

			p99 := func(path string) time.Duration {
				var ds []time.Duration
				for range 200 {
					s := time.Now()
					if code, body := f.do(t, "GET", path, f.viewer, nil); code != 200 {
						t.Fatalf("%s: %d %s", path, code, body)
					}
					ds = append(ds, time.Since(s))
				}
				slices.Sort(ds)
				return ds[len(ds)*99/100]
			}
			list := p99("/api/v1/hosts?limit=100")
			listVuln := p99("/api/v1/hosts?limit=100&vulnerable=true&os=FreeBSD")
			blast := p99("/api/v1/advisories/" + vid + "/hosts")
			sm, _ := f.st.Summary(ctx, time.Time{})
			t.Logf("%s: %d hosts x %d packages (pool %d; %d distinct versions stored)", kind, hosts, perHost, pool, sm.PackageVersions)
			t.Logf("%s: first ingest %.0f reports/s (%v); unchanged re-report %.0f reports/s (%v)", kind,
				float64(hosts)/ingest.Seconds(), ingest.Round(time.Millisecond), float64(hosts)/steady.Seconds(), steady.Round(time.Millisecond))
			t.Logf("%s: new advisory on %d hosts in findings after %v (%d versions evaluated, %d new findings)", kind,
				len(affected), landed.Round(time.Millisecond), res.Evaluated, res.NewFindings)
			t.Logf("%s: database replaced (2025 -> 2026): %v (%d advisories changed, %d versions evaluated, %d new / %d resolved findings)", kind,
				replaced.Round(time.Millisecond), res2.Advisories, res2.Evaluated, res2.NewFindings, res2.ResolvedFindings)
			t.Logf("%s: p99 host list %v, vulnerable FreeBSD hosts %v, blast radius (%d hosts) %v", kind,
				list.Round(time.Microsecond), listVuln.Round(time.Microsecond), len(affected), blast.Round(time.Microsecond))
			fmt.Fprint(os.Stderr)
		})
	}
}
