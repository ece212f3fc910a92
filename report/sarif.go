package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"
)

// Input is what the SARIF, CycloneDX and markdown renderers take: one
// audit's packages and their findings. (It stands apart from the text and
// JSON reports' types so that these three formats can be built and tested
// on their own; the audit command converts its results into it.)
type Input struct {
	// ToolVersion is pkgaudit's version.
	ToolVersion string
	// Database is the vulnerability database read (path or URL).
	Database string
	// Ecosystem is "freebsd" (VuXML) or "pkgsrc" (pkg-vulnerabilities).
	Ecosystem string
	// Time is when the audit ran.
	Time time.Time
	// Packages are the audited packages, vulnerable or not, in report
	// order.
	Packages []InputPackage
}

// InputPackage is one audited package.
type InputPackage struct {
	Name, Version string
	// Origin is the ports origin or pkgsrc PKGPATH, when known.
	Origin string
	// Path is the package file it was read from, when any.
	Path string
	// Dependents are the installed packages depending on it (audit -r).
	Dependents []string
	// Findings are the advisories that affect it.
	Findings []InputFinding
}

// FullName is "name-version" (or the name alone without a version).
func (p *InputPackage) FullName() string {
	if p.Version == "" {
		return p.Name
	}
	return p.Name + "-" + p.Version
}

// InputFinding is one advisory affecting one package.
type InputFinding struct {
	// ID is the VuXML vid or the pkgsrc advisory URL.
	ID string
	// Summary is the VuXML topic or the pkgsrc vulnerability type.
	Summary string
	// Affected describes the vulnerable range or pattern
	// ("curl<8.8.0", "<8.8.0").
	Affected string
	// URLs are references; the first is the advisory's own page.
	URLs []string
	// CVEs are the CVE names the advisory lists.
	CVEs []string
	// Ignored is set when an ignore rule matched the finding.
	Ignored *InputIgnore
}

// InputIgnore says why a finding is ignored.
type InputIgnore struct {
	Reason string
	// Until is when the ignore entry expires (zero: never).
	Until time.Time
	// Where is the entry's position ("pkgaudit.toml:12"), when known.
	Where string
}

// counts returns vulnerable packages, distinct advisories, findings and
// ignored findings.
func (in *Input) counts() (vulnerable, advisories, findings, ignored int) {
	seen := map[string]bool{}
	for i := range in.Packages {
		active := 0
		for _, f := range in.Packages[i].Findings {
			findings++
			if f.Ignored != nil {
				ignored++
				continue
			}
			active++
			if !seen[f.ID] {
				seen[f.ID] = true
				advisories++
			}
		}
		if active > 0 {
			vulnerable++
		}
	}
	return
}

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
	if in.Database != "" {
		run.Properties = map[string]any{"database": in.Database}
	}
	ruleIndex := map[string]int{}
	for i := range in.Packages {
		p := &in.Packages[i]
		for _, f := range p.Findings {
			idx, ok := ruleIndex[f.ID]
			if !ok {
				idx = len(run.Tool.Driver.Rules)
				ruleIndex[f.ID] = idx
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

func sarifRuleFor(in *Input, f InputFinding) sarifRule {
	r := sarifRule{ID: f.ID}
	if f.Summary != "" {
		r.ShortDescription = &sarifMessage{Text: f.Summary}
	}
	if len(f.URLs) > 0 {
		r.HelpURI = f.URLs[0]
	}
	var text, md strings.Builder
	text.WriteString(firstNonEmpty(f.Summary, f.ID))
	md.WriteString("**" + mdEscape(firstNonEmpty(f.Summary, f.ID)) + "**")
	if len(f.CVEs) > 0 {
		text.WriteString("\nCVE: " + strings.Join(f.CVEs, ", "))
		md.WriteString("\n\nCVE: " + strings.Join(f.CVEs, ", "))
	}
	for _, u := range f.URLs {
		text.WriteString("\n" + u)
		md.WriteString("\n- <" + u + ">")
	}
	r.Help = &sarifMessage{Text: text.String(), Markdown: md.String()}
	tags := []string{"security", "vulnerability"}
	if in.Ecosystem != "" {
		tags = append(tags, in.Ecosystem)
	}
	tags = append(tags, f.CVEs...)
	r.Properties = map[string]any{"tags": tags}
	return r
}

func sarifResultFor(in *Input, p *InputPackage, f InputFinding, idx int) sarifResult {
	full := p.FullName()
	msg := full + " is vulnerable: " + firstNonEmpty(f.Summary, f.ID)
	if f.Affected != "" {
		msg += " (affected: " + f.Affected + ")"
	}
	loc := sarifLocation{LogicalLocations: []sarifLogical{{Name: full, FullyQualifiedName: purl(in.Ecosystem, p), Kind: "module"}}}
	switch {
	case p.Path != "":
		loc.PhysicalLocation = &sarifPhysical{sarifArtifact{URI: fileURI(p.Path)}}
	case p.Origin != "":
		loc.PhysicalLocation = &sarifPhysical{sarifArtifact{URI: p.Origin}}
	}
	sum := sha256.Sum256([]byte(p.Name + "\x00" + f.ID))
	res := sarifResult{
		RuleID:              f.ID,
		RuleIndex:           idx,
		Kind:                "fail",
		Level:               "error",
		Message:             sarifMessage{Text: msg},
		Locations:           []sarifLocation{loc},
		PartialFingerprints: map[string]string{"pkgaudit/package-advisory/v1": hex.EncodeToString(sum[:16])},
	}
	props := map[string]any{"package": p.Name, "version": p.Version}
	if p.Origin != "" {
		props["origin"] = p.Origin
	}
	if len(p.Dependents) > 0 {
		props["dependents"] = p.Dependents
	}
	res.Properties = props
	if f.Ignored != nil {
		just := f.Ignored.Reason
		if !f.Ignored.Until.IsZero() {
			just += " (until " + f.Ignored.Until.UTC().Format(time.DateOnly) + ")"
		}
		res.Suppressions = []sarifSuppression{{Kind: "external", Status: "accepted", Justification: just}}
	}
	return res
}

// fileURI turns a file path into a URI reference: relative paths stay
// relative, absolute ones become file: URIs.
func fileURI(path string) string {
	path = strings.ReplaceAll(path, "\\", "/")
	esc := strings.NewReplacer("%", "%25", " ", "%20", "#", "%23", "?", "%3F").Replace(path)
	if strings.HasPrefix(path, "/") {
		return "file://" + esc
	}
	return esc
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}
