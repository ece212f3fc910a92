package report

import (
	"crypto/sha256"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	cdx "github.com/CycloneDX/cyclonedx-go"
	"github.com/google/uuid"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// purl returns the package URL of p. There is no registered purl type for
// BSD packages yet; pkgaudit uses the proposed "bsd" type
// (package-url/purl-spec#496): pkg:bsd/freebsd/curl@8.7.1,
// pkg:bsd/pkgsrc/openssl@3.0.13nb1.
func purl(ecosystem string, p *Package) string {
	ns := ecosystem
	if p.Ecosystem != "" {
		ns = p.Ecosystem
	}
	if ns == "" {
		ns = "freebsd"
	}
	s := "pkg:bsd/" + ns + "/" + purlEscape(p.Name)
	if p.HasVersion && p.Version != "" {
		s += "@" + purlEscape(p.Version)
	}
	if p.Origin != "" {
		s += "?origin=" + url.QueryEscape(p.Origin)
	}
	return s
}

// purlEscape percent-encodes what a purl segment may not hold.
func purlEscape(s string) string {
	return strings.ReplaceAll(url.PathEscape(s), "+", "%2B")
}

// WriteCycloneDX writes in as a CycloneDX 1.6 JSON BOM with
// vulnerabilities (VEX): one component per audited package, one
// vulnerability per advisory listing the packages it affects. Findings an
// ignore rule matched form their own vulnerability entry whose analysis is
// state "not_affected" with the ignore reason as detail. The serial number
// is derived from the content, so equal audits give equal BOMs.
func WriteCycloneDX(w io.Writer, in *Input) error {
	bom := cdx.NewBOM()
	bom.SpecVersion = cdx.SpecVersion1_6
	meta := &cdx.Metadata{
		Tools: &cdx.ToolsChoice{Components: &[]cdx.Component{{
			Type:    cdx.ComponentTypeApplication,
			Name:    "pkgaudit",
			Version: in.ToolVersion,
		}}},
	}
	if !in.Time.IsZero() {
		meta.Timestamp = in.Time.UTC().Format(time.RFC3339)
	}
	if len(in.Databases) > 0 {
		var props []cdx.Property
		for _, d := range in.Databases {
			props = append(props, cdx.Property{Name: "pkgaudit:database", Value: d.Path})
		}
		meta.Properties = &props
	}
	bom.Metadata = meta

	components := []cdx.Component{}
	refs := make([]string, len(in.Packages))
	seenRef := map[string]int{}
	for i := range in.Packages {
		p := &in.Packages[i]
		ref := purl(in.Ecosystem, p)
		if n := seenRef[ref]; n > 0 {
			// The same package audited twice (two files): keep refs unique.
			ref = fmt.Sprintf("%s#%d", ref, n+1)
		}
		seenRef[purl(in.Ecosystem, p)]++
		refs[i] = ref
		c := cdx.Component{
			BOMRef:     ref,
			Type:       cdx.ComponentTypeApplication,
			Name:       p.Name,
			Version:    p.Version,
			PackageURL: purl(in.Ecosystem, p),
		}
		if p.Base || p.Name == "FreeBSD" || p.Name == "FreeBSD-kernel" {
			c.Type = cdx.ComponentTypeOS
		}
		var props []cdx.Property
		if p.Origin != "" {
			props = append(props, cdx.Property{Name: "pkgaudit:origin", Value: p.Origin})
		}
		if p.Path != "" {
			props = append(props, cdx.Property{Name: "pkgaudit:path", Value: p.Path})
		}
		if len(props) > 0 {
			c.Properties = &props
		}
		components = append(components, c)
	}
	bom.Components = &components

	// Group findings by advisory and ignore state, in order of first
	// appearance.
	type key struct {
		adv    *advisory.Advisory
		ignore string
		cve    string // an ignored CVE name of a reported finding
	}
	var order []key
	groups := map[key]*cdx.Vulnerability{}
	for i := range in.Packages {
		p := &in.Packages[i]
		fs := in.shown(p, true)
		for j := range fs {
			f := &fs[j]
			k := key{adv: f.Advisory}
			if f.Ignored != nil {
				k.ignore = ignoreDetail(f.Ignored)
			}
			v, ok := groups[k]
			if !ok {
				v = cdxVulnerability(f, len(order))
				if f.Ignored != nil {
					v.Analysis = &cdx.VulnerabilityAnalysis{State: cdx.IASNotAffected, Detail: k.ignore}
				}
				groups[k] = v
				order = append(order, k)
			}
			affected := cdx.AffectedVersions{Version: p.Version, Status: cdx.VulnerabilityStatusAffected}
			if f.Ignored != nil {
				affected.Status = cdx.VulnerabilityStatusNotAffected
			}
			if !p.HasVersion {
				affected.Version = ""
				affected.Range = "vers:generic/*"
			}
			*v.Affects = append(*v.Affects, cdx.Affects{Ref: refs[i], Range: &[]cdx.AffectedVersions{affected}})
			if f.Ignored != nil {
				continue
			}
			// CVE names a rule ignores while the finding stands: a
			// not_affected statement of their own, for this package.
			for c := range f.IgnoredCVEs {
				ic := &f.IgnoredCVEs[c]
				k := key{adv: f.Advisory, ignore: ignoreDetail(&ic.Hit), cve: ic.CVE}
				cv, ok := groups[k]
				if !ok {
					cv = cdxIgnoredCVE(f, ic, len(order))
					cv.Analysis = &cdx.VulnerabilityAnalysis{State: cdx.IASNotAffected, Detail: k.ignore}
					groups[k] = cv
					order = append(order, k)
				}
				na := cdx.AffectedVersions{Version: affected.Version, Range: affected.Range, Status: cdx.VulnerabilityStatusNotAffected}
				*cv.Affects = append(*cv.Affects, cdx.Affects{Ref: refs[i], Range: &[]cdx.AffectedVersions{na}})
			}
		}
	}
	vulns := make([]cdx.Vulnerability, 0, len(order))
	for _, k := range order {
		vulns = append(vulns, *groups[k])
	}
	bom.Vulnerabilities = &vulns

	sum := sha256.New()
	enc := cdx.NewBOMEncoder(sum, cdx.BOMFileFormatJSON)
	if err := enc.Encode(bom); err != nil {
		return fmt.Errorf("writing CycloneDX: %w", err)
	}
	bom.SerialNumber = "urn:uuid:" + uuid.NewSHA1(uuid.NameSpaceURL, sum.Sum(nil)).String()
	enc = cdx.NewBOMEncoder(w, cdx.BOMFileFormatJSON)
	enc.SetPretty(true).SetEscapeHTML(false)
	if err := enc.EncodeVersion(bom, cdx.SpecVersion1_6); err != nil {
		return fmt.Errorf("writing CycloneDX: %w", err)
	}
	return nil
}

func ignoreDetail(ig *Ignore) string {
	s := "Ignored by the pkgaudit ignore configuration"
	if ig.Where != "" {
		s += " (" + ig.Where + ")"
	}
	if !ig.Until.IsZero() {
		s += " until " + ig.Until.UTC().Format(time.DateOnly)
	}
	return s + ": " + ig.Reason
}

func cdxVulnerability(f *Finding, n int) *cdx.Vulnerability {
	v := &cdx.Vulnerability{
		BOMRef:      fmt.Sprintf("vuln-%d", n+1),
		ID:          f.ID(),
		Description: f.Advisory.Topic,
		Affects:     &[]cdx.Affects{},
	}
	switch f.Advisory.Source {
	case advisory.SourcePkgsrc:
		v.Source = &cdx.Source{Name: "pkgsrc pkg-vulnerabilities"}
		if strings.Contains(f.ID(), "://") {
			v.Source.URL = f.ID()
		}
	default:
		v.Source = &cdx.Source{Name: "FreeBSD VuXML", URL: f.URL()}
	}
	if cves := f.CVEs(); len(cves) > 0 {
		var rs []cdx.VulnerabilityReference
		for _, c := range cves {
			rs = append(rs, cdx.VulnerabilityReference{ID: c, Source: &cdx.Source{Name: "NVD", URL: "https://nvd.nist.gov/vuln/detail/" + c}})
		}
		v.References = &rs
	}
	if urls := f.URLs(); len(urls) > 0 {
		var as []cdx.Advisory
		for _, u := range urls {
			as = append(as, cdx.Advisory{URL: u})
		}
		v.Advisories = &as
	}
	var props []cdx.Property
	if aff := f.AffectedText(); aff != "" {
		props = append(props, cdx.Property{Name: "pkgaudit:affected", Value: aff})
	}
	if fixed := f.FixedIn(); fixed != "" {
		props = append(props, cdx.Property{Name: "pkgaudit:fixed_in", Value: fixed})
	}
	if len(props) > 0 {
		v.Properties = &props
	}
	return v
}

// cdxIgnoredCVE is the entry of a CVE name an ignore rule names in a
// finding that stands for its other CVE names: the CVE itself, from NVD,
// with the advisory it came from.
func cdxIgnoredCVE(f *Finding, c *IgnoredCVE, n int) *cdx.Vulnerability {
	return &cdx.Vulnerability{
		BOMRef:      fmt.Sprintf("vuln-%d", n+1),
		ID:          c.CVE,
		Source:      &cdx.Source{Name: "NVD", URL: "https://nvd.nist.gov/vuln/detail/" + c.CVE},
		Description: f.Advisory.Topic,
		Affects:     &[]cdx.Affects{},
		Properties:  &[]cdx.Property{{Name: "pkgaudit:advisory", Value: f.ID()}},
	}
}
