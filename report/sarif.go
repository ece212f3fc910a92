package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// SARIF 2.1.0 objects, as far as pkgaudit uses them.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool        sarifTool         `json:"tool"`
		Invocations []sarifInvocation `json:"invocations,omitempty"`
		Results     []sarifResult     `json:"results"`
		Properties  map[string]any    `json:"properties,omitempty"`
	}
	sarifInvocation struct {
		ExecutionSuccessful bool   `json:"executionSuccessful"`
		EndTimeUTC          string `json:"endTimeUtc,omitempty"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version,omitempty"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID               string         `json:"id"`
		ShortDescription *sarifMessage  `json:"shortDescription,omitempty"`
		HelpURI          string         `json:"helpUri,omitempty"`
		Help             *sarifMessage  `json:"help,omitempty"`
		Properties       map[string]any `json:"properties,omitempty"`
	}
	sarifMessage struct {
		Text     string `json:"text"`
		Markdown string `json:"markdown,omitempty"`
	}
	sarifResult struct {
		RuleID              string             `json:"ruleId"`
		RuleIndex           int                `json:"ruleIndex"`
		Kind                string             `json:"kind"`
		Level               string             `json:"level"`
		Message             sarifMessage       `json:"message"`
		Locations           []sarifLocation    `json:"locations"`
		PartialFingerprints map[string]string  `json:"partialFingerprints"`
		Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
		Properties          map[string]any     `json:"properties,omitempty"`
	}
	sarifLocation struct {
		PhysicalLocation *sarifPhysical `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogical `json:"logicalLocations,omitempty"`
	}
	sarifPhysical struct {
		ArtifactLocation sarifArtifact `json:"artifactLocation"`
		Region           *sarifRegion  `json:"region,omitempty"`
	}
	sarifRegion struct {
		StartLine int `json:"startLine"`
	}
	sarifArtifact struct {
		URI string `json:"uri"`
	}
	sarifLogical struct {
		Name               string `json:"name"`
		FullyQualifiedName string `json:"fullyQualifiedName,omitempty"`
		Kind               string `json:"kind"`
	}
	sarifSuppression struct {
		Kind          string `json:"kind"`
		Status        string `json:"status"`
		Justification string `json:"justification"`
	}
)

// SARIFSchema is the $schema URI written into SARIF logs.
const SARIFSchema = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// WriteSARIF writes in as a SARIF 2.1.0 log: one rule per advisory (in
// order of first appearance), one result per (package, advisory) with the
// package as a logical location (and its file or port origin as the
// physical one), ignored findings as results with an external, accepted
// suppression carrying the ignore reason.
func WriteSARIF(w io.Writer, in *Input) error {
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "pkgaudit",
			Version:        in.ToolVersion,
			InformationURI: "https://github.com/pkgaudit/pkgaudit",
			Rules:          []sarifRule{},
		}},
		Results: []sarifResult{},
	}
	if !in.Time.IsZero() {
		run.Invocations = []sarifInvocation{{ExecutionSuccessful: true, EndTimeUTC: in.Time.UTC().Format(time.RFC3339)}}
	}
	if len(in.Databases) > 0 {
		var dbs []string
		for _, d := range in.Databases {
			dbs = append(dbs, d.Path)
		}
		run.Properties = map[string]any{"databases": dbs}
	}
	ruleIndex := map[string]int{}
	for i := range in.Packages {
		p := &in.Packages[i]
		fs := in.shown(p, true)
		for j := range fs {
			f := &fs[j]
			idx, ok := ruleIndex[f.ID()]
			if !ok {
				idx = len(run.Tool.Driver.Rules)
				ruleIndex[f.ID()] = idx
				run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRuleFor(in, f))
			}
			run.Results = append(run.Results, sarifResultFor(in, p, f, idx))
		}
	}
	log := sarifLog{Schema: SARIFSchema, Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("writing SARIF: %w", err)
	}
	return nil
}

func sarifRuleFor(in *Input, f *Finding) sarifRule {
	r := sarifRule{ID: f.ID()}
	summary := f.Advisory.Topic
	if summary != "" {
		r.ShortDescription = &sarifMessage{Text: summary}
	}
	urls := f.URLs()
	if len(urls) > 0 {
		r.HelpURI = urls[0]
	}
	var text, md strings.Builder
	text.WriteString(firstNonEmpty(summary, f.ID()))
	md.WriteString("**" + mdEscape(firstNonEmpty(summary, f.ID())) + "**")
	if cves := f.CVEs(); len(cves) > 0 {
		text.WriteString("\nCVE: " + strings.Join(cves, ", "))
		md.WriteString("\n\nCVE: " + strings.Join(cves, ", "))
	}
	for _, u := range urls {
		text.WriteString("\n" + u)
		md.WriteString("\n- <" + u + ">")
	}
	r.Help = &sarifMessage{Text: text.String(), Markdown: md.String()}
	tags := []string{"security", "vulnerability", sourceEcosystem(f.Advisory.Source)}
	tags = append(tags, f.CVEs()...)
	r.Properties = map[string]any{"tags": tags}
	return r
}

func sarifResultFor(in *Input, p *Package, f *Finding, idx int) sarifResult {
	full := p.FullName()
	msg := full + " is vulnerable: " + firstNonEmpty(f.Advisory.Topic, f.ID())
	if aff := f.AffectedText(); aff != "" {
		msg += " (affected: " + aff + ")"
	}
	loc := sarifLocation{LogicalLocations: []sarifLogical{{Name: full, FullyQualifiedName: purl(in.Ecosystem, p), Kind: "module"}}}
	// Code scanning wants a physical location: the list line a package
	// came from, its file, its origin, else the database that judged it.
	switch {
	case p.List != "" && p.List != "-" && p.Line > 0:
		loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(p.List)}, Region: &sarifRegion{StartLine: p.Line}}
	case p.Path != "":
		loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(p.Path)}}
	case p.Origin != "":
		loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: p.Origin}}
	case f.Advisory.Origin.File != "":
		loc.PhysicalLocation = &sarifPhysical{ArtifactLocation: sarifArtifact{URI: fileURI(f.Advisory.Origin.File)}}
		if f.Advisory.Origin.Line > 0 {
			loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Advisory.Origin.Line}
		}
	}
	key := p.Name + "\x00" + f.ID()
	if b := f.Block(); b != nil && b.Scheme == advisory.Pkgsrc {
		key += "\x00" + b.Pattern // pkgsrc entries may share a URL
	}
	sum := sha256.Sum256([]byte(key))
	res := sarifResult{
		RuleID:              f.ID(),
		RuleIndex:           idx,
		Kind:                "fail",
		Level:               "error",
		Message:             sarifMessage{Text: msg},
		Locations:           []sarifLocation{loc},
		PartialFingerprints: map[string]string{"pkgaudit/package-advisory/v1": hex.EncodeToString(sum[:16])},
	}
	props := map[string]any{"package": p.Name, "version": p.Version}
	if fixed := f.FixedIn(); fixed != "" {
		props["fixedIn"] = fixed
	}
	if f.FixAvailable != nil {
		props["fixAvailable"] = *f.FixAvailable
	}
	if p.Origin != "" {
		props["origin"] = p.Origin
	}
	if len(p.Dependents) > 0 {
		props["dependents"] = p.Dependents
	}
	res.Properties = props
	if f.Ignored == nil && len(f.IgnoredCVEs) > 0 {
		// The finding stands for its other CVE names; the ones a rule
		// names are marked, not suppressed.
		var names []string
		var marks []map[string]any
		for i := range f.IgnoredCVEs {
			c := &f.IgnoredCVEs[i]
			names = append(names, c.CVE)
			m := map[string]any{"cve": c.CVE, "rule": c.Rule, "reason": c.Reason}
			if !c.Until.IsZero() {
				m["until"] = c.Until.UTC().Format(time.DateOnly)
			}
			if c.Where != "" {
				m["where"] = c.Where
			}
			marks = append(marks, m)
		}
		props["ignoredCves"] = marks
		if rest := f.ReportedCVEs(); len(rest) > 0 {
			res.Message.Text += "; CVE: " + strings.Join(rest, ", ")
		}
		res.Message.Text += "; ignored by rule: " + strings.Join(names, ", ")
	}
	if f.Ignored != nil {
		just := f.Ignored.Reason
		if !f.Ignored.Until.IsZero() {
			just += " (until " + f.Ignored.Until.UTC().Format(time.DateOnly) + ")"
		}
		res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: just}}
	}
	return res
}

var sarifURIReplacer = strings.NewReplacer("%", "%25", " ", "%20", "#", "%23", "?", "%3F")

// fileURI turns a file path into a URI reference: relative paths stay
// relative, absolute ones become file: URIs.
func fileURI(path string) string {
	path = strings.ReplaceAll(path, "\\", "/")
	esc := sarifURIReplacer.Replace(path)
	if strings.HasPrefix(path, "/") {
		return "file://" + esc
	}
	return esc
}

// sourceEcosystem names the world of an advisory's source.
func sourceEcosystem(s advisory.Source) string {
	if s == advisory.SourcePkgsrc {
		return "pkgsrc"
	}
	return "freebsd"
}
