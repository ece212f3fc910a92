package osv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/version/freebsd"
)

func jsonUnmarshal(b []byte, v any) error {
	if len(b) == 0 {
		return nil
	}
	d := json.NewDecoder(bytes.NewReader(b))
	return d.Decode(v)
}

// ConvertOptions controls ToAdvisory.
type ConvertOptions struct {
	// EventsOnly ignores the exact VuXML bounds pkgaudit keeps in
	// ranges[].database_specific and reads the OSV events alone, as a
	// reader that knows nothing of pkgaudit would (tests use it to show
	// where the events are lossy).
	EventsOnly bool
}

// IsFreeBSD reports whether ecosystem is one of FreeBSD's ("FreeBSD",
// "FreeBSD:ports", "FreeBSD:base:14.3", ...).
func IsFreeBSD(ecosystem string) bool {
	return ecosystem == "FreeBSD" || strings.HasPrefix(ecosystem, "FreeBSD:")
}

// IsPkgsrc reports whether ecosystem is pkgaudit's pkgsrc one.
func IsPkgsrc(ecosystem string) bool {
	return ecosystem == EcosystemPkgsrc || strings.HasPrefix(ecosystem, EcosystemPkgsrc+":")
}

// ToAdvisory converts a record into the common advisory model, keeping
// the affected packages of the FreeBSD ecosystems and of the pkgsrc one;
// ok is false when the record has none (it concerns other ecosystems).
//
// FreeBSD packages: the names (or name_glob) with their ranges, compared
// with pkg_version_cmp: introduced A gives >= A ("0": no lower bound),
// fixed B < B, last_affected B <= B; every introduced starts one range;
// versions add one = range each; a package with neither ranges nor
// versions is affected in every version. Ranges pkgaudit wrote carry
// their exact VuXML bounds, which are used instead (unless
// opts.EventsOnly). GIT ranges are ignored. pkgsrc packages: the pattern of
// the line (database_specific.pattern), else one rebuilt from the events.
//
// The advisory's ID is the VuXML vid of a record pkgaudit exported from
// VuXML (database_specific.vid), the URL of one exported from
// pkg-vulnerabilities, else the OSV id.
func ToAdvisory(v *Vulnerability, opts ConvertOptions) (adv advisory.Advisory, ok bool, err error) {
	var vdb vuxmlDatabase
	var pdb pkgsrcDatabase
	if len(v.DatabaseSpecific) > 0 {
		// Both shapes are read from the same object; fields of the other
		// stay empty.
		if err := jsonUnmarshal(v.DatabaseSpecific, &vdb); err != nil {
			return adv, false, fmt.Errorf("%s: database_specific: %w", v.ID, err)
		}
		if err := jsonUnmarshal(v.DatabaseSpecific, &pdb); err != nil {
			return adv, false, fmt.Errorf("%s: database_specific: %w", v.ID, err)
		}
	}
	adv = advisory.Advisory{
		ID:        v.ID,
		Source:    advisory.SourceOSV,
		Topic:     v.Summary,
		Withdrawn: v.Withdrawn != "",
	}
	adv.Dates.Entry = stampDate(v.Published)
	if !vdb.DatesUnknown {
		adv.Dates.Modified = stampDate(v.Modified)
		if adv.Dates.Modified == adv.Dates.Entry {
			adv.Dates.Modified = ""
		}
	}
	if vdb.Discovery != "" {
		adv.Dates.Discovery = stampDate(vdb.Discovery)
	}
	if vdb.DatesUnknown {
		adv.Dates.Entry = ""
	}

	pkgsrcPatternDone := false
	lastBlock := -1
	for i := range v.Affected {
		a := &v.Affected[i]
		eco := a.Package.Ecosystem
		switch {
		case IsFreeBSD(eco):
			var ds vuxmlAffected
			ds.Block = -1
			if err := jsonUnmarshal(a.DatabaseSpecific, &ds); err != nil {
				return adv, false, fmt.Errorf("%s: affected[%d].database_specific: %w", v.ID, i, err)
			}
			name := a.Package.Name
			if ds.NameGlob != "" {
				name = ds.NameGlob
			}
			kind := advisory.Package
			if ds.Kind == "system" {
				kind = advisory.System
			}
			// Names of one VuXML block come out as consecutive affected
			// packages with the same block index: put them back together.
			if ds.Block >= 0 && ds.Block == lastBlock && len(adv.Affects) > 0 {
				last := &adv.Affects[len(adv.Affects)-1]
				if last.Scheme == advisory.FreeBSD && last.Kind == kind {
					last.Names = append(last.Names, name)
					continue
				}
			}
			lastBlock = ds.Block
			ranges, err := freebsdRanges(a, &ds, opts)
			if err != nil {
				return adv, false, fmt.Errorf("%s: affected[%d]: %w", v.ID, i, err)
			}
			adv.Affects = append(adv.Affects, advisory.Affected{Scheme: advisory.FreeBSD, Kind: kind, Names: []string{name}, Ranges: ranges})
		case IsPkgsrc(eco):
			lastBlock = -1
			if pdb.Pattern != "" {
				if !pkgsrcPatternDone {
					adv.Affects = append(adv.Affects, advisory.Affected{Scheme: advisory.Pkgsrc, Kind: advisory.Package, Pattern: pdb.Pattern})
					pkgsrcPatternDone = true
				}
				continue
			}
			var ds pkgsrcAffected
			if err := jsonUnmarshal(a.DatabaseSpecific, &ds); err != nil {
				return adv, false, fmt.Errorf("%s: affected[%d].database_specific: %w", v.ID, i, err)
			}
			for _, p := range pkgsrcPatterns(a, ds) {
				adv.Affects = append(adv.Affects, advisory.Affected{Scheme: advisory.Pkgsrc, Kind: advisory.Package, Pattern: p})
			}
		}
	}
	if len(adv.Affects) == 0 && !(vdb.VID != "" && len(v.Affected) == 0) {
		// Nothing of ours; a cancelled VuXML entry (no affected package)
		// is kept, marked withdrawn, as the VuXML reader keeps it.
		return adv, false, nil
	}

	// Identity, links and references.
	switch {
	case vdb.VID != "":
		adv.ID = vdb.VID
		adv.URL = VuXMLPage(vdb.VID)
		if vdb.Cancelled {
			adv.Withdrawn = true
		}
		adv.SupersededBy = vdb.Superseded
		adv.References = vuxmlReferences(vdb.References)
	case pdb.Pattern != "":
		adv.ID = pdb.URL
		adv.URL = pdb.URL
		adv.Topic = pdb.Classification
		adv.Class = pdb.Classification
		adv.References = []advisory.Reference{{Kind: "url", Value: pdb.URL}}
	default:
		for _, r := range v.References {
			adv.References = append(adv.References, advisory.Reference{Kind: r.Type, Value: r.URL})
			if adv.URL == "" && r.Type == RefAdvisory {
				adv.URL = r.URL
			}
		}
		if adv.URL == "" && len(v.References) > 0 {
			adv.URL = v.References[0].URL
		}
		for _, r := range v.Related {
			if strings.HasPrefix(r, VuXMLIDPrefix) && adv.Withdrawn {
				adv.SupersededBy = strings.TrimPrefix(r, VuXMLIDPrefix)
			}
		}
	}
	for _, list := range [][]string{v.Upstream, v.Aliases} {
		for _, c := range list {
			if advisory.IsCVE(c) && !contains(adv.CVEs, c) {
				adv.CVEs = append(adv.CVEs, c)
			}
		}
	}
	if vdb.VID == "" && pdb.Pattern == "" {
		for _, c := range adv.CVEs {
			adv.References = append(adv.References, advisory.Reference{Kind: "cvename", Value: c})
		}
	}
	return adv, true, nil
}

// vuxmlRefOrder is the order in which references kept by kind are given
// back (document order within a kind is kept; across kinds it is lost).
var vuxmlRefOrder = []string{"cvename", "freebsdsa", "freebsdpr", "url", "mlist", "bid", "certsa", "certvu", "uscertsa", "uscertta"}

func vuxmlReferences(m map[string][]string) []advisory.Reference {
	var out []advisory.Reference
	done := map[string]bool{}
	add := func(k string) {
		for _, val := range m[k] {
			out = append(out, advisory.Reference{Kind: k, Value: val})
		}
		done[k] = true
	}
	for _, k := range vuxmlRefOrder {
		add(k)
	}
	var rest []string
	for k := range m {
		if !done[k] {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	for _, k := range rest {
		add(k)
	}
	return out
}

// freebsdRanges converts the ranges and versions of a FreeBSD affected
// package into pkg ranges. Only a package whose ranges and versions are
// both absent is affected in every version: ranges that are present but
// empty ("ranges": []), or GIT ranges only (commits, which say nothing of
// package versions), affect none. The ranges pkgaudit left out because
// they hold no version (vuxml_empty_ranges) are put back in their places,
// unless opts.EventsOnly.
func freebsdRanges(a *Affected, ds *vuxmlAffected, opts ConvertOptions) ([]advisory.Range, error) {
	var out []advisory.Range
	any := a.Ranges != nil || len(ds.EmptyRanges) > 0
	for ri, r := range a.Ranges {
		if r.Type == RangeGit {
			continue
		}
		if !opts.EventsOnly && len(r.DatabaseSpecific) > 0 {
			var exact struct {
				Bounds *[]map[string]string `json:"vuxml_range"`
			}
			if err := jsonUnmarshal(r.DatabaseSpecific, &exact); err != nil {
				return nil, fmt.Errorf("ranges[%d].database_specific: %w", ri, err)
			}
			if exact.Bounds != nil {
				rg, err := exactRange(*exact.Bounds)
				if err != nil {
					return nil, fmt.Errorf("ranges[%d].database_specific.vuxml_range: %w", ri, err)
				}
				out = append(out, rg)
				continue
			}
		}
		rs, err := eventRanges(r.Events)
		if err != nil {
			return nil, fmt.Errorf("ranges[%d]: %w", ri, err)
		}
		out = append(out, rs...)
	}
	// versions repeat what eq ranges say in records pkgaudit wrote; they
	// add a range only where no range covers them.
	for _, ver := range a.Versions {
		any = true
		covered := false
		for _, rg := range out {
			if rg.Contains(ver) {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, advisory.Range{Bounds: []advisory.Bound{{Op: advisory.EQ, Version: ver}}})
		}
	}
	if !any {
		// Neither ranges nor versions: taken as every version, what such
		// a record most often means (OSV's evaluation would affect none).
		out = append(out, advisory.Range{})
	}
	if !opts.EventsOnly {
		for _, e := range ds.EmptyRanges {
			rg, err := exactRange(e.Bounds)
			if err != nil {
				return nil, fmt.Errorf("database_specific.vuxml_empty_ranges: %w", err)
			}
			at := min(max(e.Index, 0), len(out))
			out = slices.Insert(out, at, rg)
		}
	}
	return out, nil
}

var opNames = map[string]advisory.Op{"lt": advisory.LT, "le": advisory.LE, "eq": advisory.EQ, "ge": advisory.GE, "gt": advisory.GT}

func exactRange(bounds []map[string]string) (advisory.Range, error) {
	var rg advisory.Range
	for _, b := range bounds {
		if len(b) != 1 {
			return rg, fmt.Errorf("a bound must have exactly one operator, has %d", len(b))
		}
		for k, val := range b {
			op, ok := opNames[k]
			if !ok {
				return rg, fmt.Errorf("unknown operator %q", k)
			}
			rg.Bounds = append(rg.Bounds, advisory.Bound{Op: op, Version: val})
		}
	}
	return rg, nil
}

// eventRanges evaluates OSV events as pkg ranges: events sorted by
// pkg_version_cmp (introduced "0" first), each introduced opening an
// interval that the next fixed or last_affected closes; limit events are
// ignored (they cap ranges of GIT histories).
func eventRanges(events []Event) ([]advisory.Range, error) {
	evs := make([]Event, 0, len(events))
	for _, e := range events {
		if e.Kind != Limit {
			evs = append(evs, e)
		}
	}
	sort.SliceStable(evs, func(i, j int) bool {
		a, b := evs[i], evs[j]
		if a.Kind == Introduced && a.Version == "0" {
			return !(b.Kind == Introduced && b.Version == "0")
		}
		if b.Kind == Introduced && b.Version == "0" {
			return false
		}
		return freebsd.Compare(a.Version, b.Version) < 0
	})
	var out []advisory.Range
	open := false
	var cur advisory.Range
	for _, e := range evs {
		switch e.Kind {
		case Introduced:
			if open {
				continue // already inside an interval
			}
			open = true
			cur = advisory.Range{}
			if e.Version != "0" {
				cur.Bounds = append(cur.Bounds, advisory.Bound{Op: advisory.GE, Version: e.Version})
			}
		case Fixed, LastAffected:
			if !open {
				continue
			}
			open = false
			if e.Kind == Fixed && e.Version == "0" && len(cur.Bounds) == 0 {
				// introduced 0, fixed 0: "0" is below every version in
				// OSV, so nothing is affected (pkg's order has versions
				// below "0", so < 0 would not be empty).
				continue
			}
			op := advisory.LT
			if e.Kind == LastAffected {
				op = advisory.LE
			}
			cur.Bounds = append(cur.Bounds, advisory.Bound{Op: op, Version: e.Version})
			out = append(out, cur)
		default:
			return nil, fmt.Errorf("unknown event %q", e.Kind)
		}
	}
	if open {
		out = append(out, cur)
	}
	return out, nil
}

// pkgsrcPatterns gives the patterns of a pkgsrc affected package of a
// record without the line's pattern.
func pkgsrcPatterns(a *Affected, ds pkgsrcAffected) []string {
	if ds.Pattern != "" {
		return []string{ds.Pattern}
	}
	var out []string
	for _, r := range a.Ranges {
		if r.Type == RangeGit {
			continue
		}
		if p, ok := pkgsrcPatternOf(a.Package.Name, r.Events); ok {
			out = append(out, p)
		}
	}
	for _, ver := range a.Versions {
		out = append(out, a.Package.Name+"-"+ver)
	}
	if len(a.Ranges) == 0 && len(a.Versions) == 0 {
		out = append(out, a.Package.Name)
	}
	return out
}
