package fleetgen

import (
	"reflect"
	"testing"
)

func TestDeterministicAndOverlapping(t *testing.T) {
	cfg := Config{Hosts: 100, PerHost: 400, Pool: 30000, RealNames: []string{"curl", "sudo"}, Seed: 7}
	a, b := New(cfg), New(cfg)
	if !reflect.DeepEqual(a.Host(5), b.Host(5)) {
		t.Fatal("same seed, different host")
	}
	distinct := map[string]int{}
	for i := range cfg.Hosts {
		h := a.Host(i)
		if len(h.Inventories[0].Packages) != 400 {
			t.Fatalf("host %d has %d packages", i, len(h.Inventories[0].Packages))
		}
		names := map[string]bool{}
		for _, p := range h.Inventories[0].Packages {
			if names[p.Name] {
				t.Fatalf("host %d has %s twice", i, p.Name)
			}
			names[p.Name] = true
			distinct[p.Name+"-"+p.Version]++
		}
	}
	// Overlap: far fewer distinct versions than host × packages, and a
	// head present on most hosts.
	most := 0
	for _, n := range distinct {
		most = max(most, n)
	}
	if len(distinct) > 100*400/2 || most < 50 {
		t.Errorf("%d distinct versions over 100 hosts, the commonest on %d", len(distinct), most)
	}
}
