package dashboard

import (
	"context"
	"time"

	"github.com/pkgaudit/pkgaudit/fleet"
	"github.com/pkgaudit/pkgaudit/fleet/metrics"
	"github.com/pkgaudit/pkgaudit/fleet/store"
)

// MetricsSource reads the fleet's state for fleet/metrics from the store
// (hosts not seen for staleAfter are stale) and the databases in use
// (their age: since each file last changed).
func MetricsSource(st *store.Store, staleAfter time.Duration, db func() *fleet.DB) metrics.Source {
	return func(ctx context.Context) (metrics.Snapshot, error) {
		now := time.Now()
		o, err := st.Overview(ctx, now.Add(-staleAfter))
		if err != nil {
			return metrics.Snapshot{}, err
		}
		s := metrics.Snapshot{HostsTotal: o.Hosts, HostsVulnerable: o.VulnerableHosts, HostsStale: o.StaleHosts,
			OpenFindings: o.OpenFindings, AcceptedFindings: o.AcceptedFindings, FeedAge: map[string]time.Duration{}}
		if !o.OldestOpen.IsZero() {
			s.OldestOpenFinding = now.Sub(o.OldestOpen)
		}
		if d := db(); d != nil {
			for _, info := range d.Infos() {
				if !info.ModTime.IsZero() {
					s.FeedAge[info.Path] = now.Sub(info.ModTime)
				}
			}
		}
		return s, nil
	}
}
