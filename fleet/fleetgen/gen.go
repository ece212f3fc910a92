// Package fleetgen generates synthetic fleets for benchmarks and load
// tests: hosts whose inventories are drawn from one pool of package
// versions with a realistic overlap (a few packages on nearly every host,
// a long tail on few; a name's newer versions more common than its older
// ones). The same seed gives the same fleet.
package fleetgen

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/pkgaudit/pkgaudit/fleet/wire"
)

// Config describes a fleet.
type Config struct {
	Hosts   int // number of hosts
	PerHost int // packages per host (about)
	Pool    int // distinct name-versions in the pool
	// Versions is the number of versions per name (default 3): the pool
	// has Pool/Versions names.
	Versions int
	// RealNames are names to put at the popular end of the pool (names
	// the databases know, so that hosts have findings); their versions
	// are old ("0.1.N") so that "<" ranges catch them.
	RealNames []string
	Seed      uint64
}

// Fleet is a generated fleet.
type Fleet struct {
	cfg   Config
	names []string
	// zipf CDF over names.
	cdf []float64
}

// New prepares a fleet.
func New(cfg Config) *Fleet {
	if cfg.Versions <= 0 {
		cfg.Versions = 3
	}
	n := max(1, cfg.Pool/cfg.Versions)
	f := &Fleet{cfg: cfg}
	seen := map[string]bool{}
	for _, r := range cfg.RealNames {
		if len(f.names) < n/4 && !seen[r] {
			seen[r] = true
			f.names = append(f.names, r)
		}
	}
	for i := 0; len(f.names) < n; i++ {
		name := fmt.Sprintf("pkg%05d", i)
		if !seen[name] {
			f.names = append(f.names, name)
		}
	}
	// Popularity: Zipf with s = 0.9 over the names, real names shuffled
	// in among the synthetic ones so that both kinds are popular.
	r := rand.New(rand.NewPCG(cfg.Seed, 1))
	r.Shuffle(len(f.names), func(i, j int) { f.names[i], f.names[j] = f.names[j], f.names[i] })
	f.cdf = make([]float64, n)
	sum := 0.0
	for i := range n {
		sum += 1 / math.Pow(float64(i+1), 0.9)
		f.cdf[i] = sum
	}
	for i := range f.cdf {
		f.cdf[i] /= sum
	}
	return f
}

// version returns the k-th version of name (k = 0 newest).
func (f *Fleet) version(name string, k int) string {
	if slices.Contains(f.cfg.RealNames, name) {
		return fmt.Sprintf("0.1.%d", f.cfg.Versions-k)
	}
	return fmt.Sprintf("%d.%d", 10-k, len(name)%7)
}

// Host returns host i's report.
func (f *Fleet) Host(i int) *wire.Report {
	r := rand.New(rand.NewPCG(f.cfg.Seed, uint64(i)+2))
	want := min(f.cfg.PerHost, len(f.names))
	chosen := map[int]bool{}
	pkgs := make([]wire.Package, 0, want)
	for len(pkgs) < want {
		x := r.Float64()
		j, _ := slices.BinarySearch(f.cdf, x)
		j = min(j, len(f.names)-1)
		if chosen[j] {
			// Past the popular head most draws are new; fall back to a
			// uniform draw to keep the host's size bounded in time.
			j = r.IntN(len(f.names))
			if chosen[j] {
				continue
			}
		}
		chosen[j] = true
		// Newer versions are more common: 60 %, 30 %, 10 % for three.
		k := 0
		for k < f.cfg.Versions-1 && r.Float64() < 0.4 {
			k++
		}
		pkgs = append(pkgs, wire.Package{Name: f.names[j], Version: f.version(f.names[j], k), World: "freebsd"})
	}
	return &wire.Report{Version: wire.FormatVersion,
		Host:        wire.Host{Name: fmt.Sprintf("host%05d", i), OS: "FreeBSD", Release: []string{"14.2-RELEASE", "14.3-RELEASE", "15.0-RELEASE"}[i%3], Arch: "amd64", Tags: []string{[]string{"web", "db", "build"}[i%3]}},
		Inventories: []wire.Inventory{{Jail: "", Packages: pkgs}}}
}
