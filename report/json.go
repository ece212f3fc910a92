package report

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// The objects of pkgaudit's own JSON report (--format json). The README
// documents every field; keep the two in step.
type (
	jsonReport struct {
		Tool      jsonTool       `json:"tool"`
		Time      *string        `json:"time"`
		Databases []jsonDatabase `json:"databases"`
		Results   []jsonResult   `json:"results"`
		Summary   jsonSummary    `json:"summary"`
	}
	jsonTool struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	jsonDatabase struct {
		Path     string  `json:"path"`
		Format   string  `json:"format"`
		SHA256   string  `json:"sha256"`
		Entries  int     `json:"entries"`
		Modified *string `json:"modified"`
	}
	jsonResult struct {
		Package         string     `json:"package"`
		Name            string     `json:"name"`
		Version         *string    `json:"version"`
		Base            bool       `json:"base"`
		Origin          *string    `json:"origin"`
		Path            *string    `json:"path"`
		Dependents      []string   `json:"dependents"`
		Vulnerabilities []jsonVuln `json:"vulnerabilities"`
	}
	jsonVuln struct {
		ID           string           `json:"id"`
		Source       string           `json:"source"`
		Topic        string           `json:"topic"`
		URL          *string          `json:"url"`
		References   []jsonReference  `json:"references"`
		CVEs         []string         `json:"cves"`
		Dates        jsonDates        `json:"dates"`
		MatchedName  *string          `json:"matched_name"`
		Affected     []jsonAffected   `json:"affected"`
		FixedIn      *string          `json:"fixed_in"`
		FixAvailable *bool            `json:"fix_available"`
		Ignored      *jsonIgnored     `json:"ignored"`
		IgnoredCVEs  []jsonIgnoredCVE `json:"ignored_cves"`
	}
	jsonReference struct {
		Type  string `json:"type"`
		Value string `json:"value"`
	}
	jsonDates struct {
		Discovery *string `json:"discovery"`
		Entry     *string `json:"entry"`
		Modified  *string `json:"modified"`
	}
	jsonAffected struct {
		Range   *string     `json:"range"`
		Bounds  []jsonBound `json:"bounds"`
		Pattern *string     `json:"pattern"`
		Matched bool        `json:"matched"`
	}
	jsonBound struct {
		Op      string `json:"op"`
		Version string `json:"version"`
	}
	jsonIgnored struct {
		Rule   string  `json:"rule"`
		Reason string  `json:"reason"`
		Until  *string `json:"until"`
		Where  *string `json:"where"`
	}
	jsonIgnoredCVE struct {
		CVE string `json:"cve"`
		jsonIgnored
	}
	jsonSummary struct {
		Packages           int `json:"packages"`
		VulnerablePackages int `json:"vulnerable_packages"`
		Vulnerabilities    int `json:"vulnerabilities"`
		Problems           int `json:"problems"`
		Ignored            int `json:"ignored"`
		IgnoredCVEs        int `json:"ignored_cves"`
	}
)

// WriteJSON writes in as pkgaudit's own JSON report: the databases read,
// one result per package with a listed finding (each advisory once per
// package), and the summary counts. Ignored findings are listed (with
// their "ignored" object) only with ShowIgnored; they are always counted.
func WriteJSON(w io.Writer, in *Input) error {
	r := jsonReport{
		Tool:      jsonTool{Name: "pkgaudit", Version: in.ToolVersion},
		Databases: []jsonDatabase{},
		Results:   []jsonResult{},
	}
	if !in.Time.IsZero() {
		r.Time = strp(in.Time.UTC().Format(time.RFC3339))
	}
	for _, d := range in.Databases {
		jd := jsonDatabase{Path: d.Path, Format: d.Format, SHA256: d.SHA256, Entries: d.Entries}
		if !d.Modified.IsZero() {
			jd.Modified = strp(d.Modified.UTC().Format(time.RFC3339))
		}
		r.Databases = append(r.Databases, jd)
	}
	s := in.Summary()
	r.Summary = jsonSummary{Packages: s.Packages, VulnerablePackages: s.Vulnerable,
		Vulnerabilities: s.Vulnerabilities, Problems: s.Problems, Ignored: s.Ignored, IgnoredCVEs: s.IgnoredCVEs}

	// The report around an empty results array, then the results one at
	// a time (a report of thousands of findings is never held whole), each
	// indented as encoding/json indents it in place.
	var frame bytes.Buffer
	enc := json.NewEncoder(&frame)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	const empty = "\n  \"results\": [],\n"
	head, tail, ok := bytes.Cut(frame.Bytes(), []byte(empty))
	if !ok {
		return errors.New("writing JSON: no results array in the frame")
	}
	bw := bufio.NewWriter(w)
	bw.Write(head)
	n := 0
	var item bytes.Buffer
	ienc := json.NewEncoder(&item)
	ienc.SetIndent("    ", "  ")
	ienc.SetEscapeHTML(false)
	for i := range in.Packages {
		p := &in.Packages[i]
		fs := in.shown(p, true)
		if len(fs) == 0 {
			continue
		}
		res := jsonResult{
			Package:         p.FullName(),
			Name:            p.Name,
			Base:            p.Base,
			Origin:          optStr(p.Origin),
			Path:            optStr(p.Path),
			Dependents:      append([]string{}, p.Dependents...),
			Vulnerabilities: make([]jsonVuln, 0, len(fs)),
		}
		if p.HasVersion {
			res.Version = strp(p.Version)
		}
		for j := range fs {
			res.Vulnerabilities = append(res.Vulnerabilities, jsonVulnFor(&fs[j]))
		}
		item.Reset()
		if err := ienc.Encode(res); err != nil {
			return fmt.Errorf("writing JSON: %w", err)
		}
		if n == 0 {
			bw.WriteString("\n  \"results\": [\n    ")
		} else {
			bw.WriteString(",\n    ")
		}
		bw.Write(bytes.TrimSuffix(item.Bytes(), []byte("\n")))
		n++
	}
	if n == 0 {
		bw.WriteString(empty)
	} else {
		bw.WriteString("\n  ],\n")
	}
	bw.Write(tail)
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing JSON: %w", err)
	}
	return nil
}

func jsonVulnFor(f *Finding) jsonVuln {
	a := f.Advisory
	v := jsonVuln{
		ID:           a.ID,
		Source:       string(a.Source),
		Topic:        a.Topic,
		URL:          optStr(f.URL()),
		References:   []jsonReference{},
		CVEs:         append([]string{}, a.CVEs...),
		Dates:        jsonDates{optStr(a.Dates.Discovery), optStr(a.Dates.Entry), optStr(a.Dates.Modified)},
		MatchedName:  optStr(f.MatchedName()),
		Affected:     []jsonAffected{},
		FixedIn:      optStr(f.FixedIn()),
		FixAvailable: f.FixAvailable,
	}
	for _, ref := range a.References {
		v.References = append(v.References, jsonReference{ref.Kind, ref.Value})
	}
	if b := f.Block(); b != nil {
		if b.Scheme == advisory.Pkgsrc {
			v.Affected = append(v.Affected, jsonAffected{Pattern: strp(b.Pattern), Matched: true})
		} else {
			for i, rg := range b.Ranges {
				text := ""
				if len(rg.Bounds) > 0 {
					text = rg.String()
				}
				ja := jsonAffected{Range: &text, Bounds: []jsonBound{}, Matched: i == f.Range}
				for _, bd := range rg.Bounds {
					ja.Bounds = append(ja.Bounds, jsonBound{bd.Op.Name(), bd.Version})
				}
				v.Affected = append(v.Affected, ja)
			}
		}
	}
	if ig := f.Ignored; ig != nil {
		v.Ignored = jsonIgnoredFor(ig)
	}
	v.IgnoredCVEs = make([]jsonIgnoredCVE, 0, len(f.IgnoredCVEs))
	for i := range f.IgnoredCVEs {
		c := &f.IgnoredCVEs[i]
		v.IgnoredCVEs = append(v.IgnoredCVEs, jsonIgnoredCVE{CVE: c.CVE, jsonIgnored: *jsonIgnoredFor(&c.Hit)})
	}
	return v
}

func jsonIgnoredFor(ig *Ignore) *jsonIgnored {
	j := &jsonIgnored{Rule: ig.Rule, Reason: ig.Reason, Where: optStr(ig.Where)}
	if !ig.Until.IsZero() {
		j.Until = strp(ig.Until.UTC().Format(time.DateOnly))
	}
	return j
}

func strp(s string) *string { return &s }

// optStr is nil for "" (JSON null), else a pointer to s.
func optStr(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
