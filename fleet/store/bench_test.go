package store_test

import (
	"context"
	"testing"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/fleetgen"
	"github.com/pkgaudit/pkgaudit/fleet/store"
	"github.com/pkgaudit/pkgaudit/fleet/store/storetest"
)

func benchReports(n int) []*store.Report {
	gen := fleetgen.New(fleetgen.Config{Hosts: n, PerHost: 400, Pool: 30000, Seed: 1})
	out := make([]*store.Report, n)
	for i := range n {
		w := gen.Host(i)
		r := &store.Report{Host: store.HostFacts{Name: w.Host.Name, OS: w.Host.OS, Release: w.Host.Release, Arch: w.Host.Arch, Tags: w.Host.Tags}}
		inv := store.Inventory{}
		for _, p := range w.Inventories[0].Packages {
			inv.Packages = append(inv.Packages, store.Pkg{Key: fleet.PkgKey{Name: p.Name, Version: p.Version, World: p.World}})
		}
		r.Inventories = []store.Inventory{inv}
		out[i] = r
	}
	return out
}

// BenchmarkIngest measures one report of 400 packages: a host's first
// (new to the store, its package versions mostly known) and an unchanged
// one (the nightly steady state).
func BenchmarkIngest(b *testing.B) {
	for _, kind := range []string{"sqlite", "postgres"} {
		b.Run(kind, func(b *testing.B) {
			spec := storetest.SQLite(b)
			if kind == "postgres" {
				spec = storetest.Postgres(b)
			}
			ctx := context.Background()
			s, err := store.Open(ctx, spec, store.Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer s.Close()
			db := &fakeDB{id: "db", vulns: map[string][]fleet.Vuln{}}
			reps := benchReports(200)
			for _, r := range reps[:100] {
				if _, err := s.Ingest(ctx, r, db); err != nil {
					b.Fatal(err)
				}
			}
			b.Run("unchanged", func(b *testing.B) {
				for i := 0; b.Loop(); i++ {
					if _, err := s.Ingest(ctx, reps[i%100], db); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
