// Package cverecord reads CVE records from the three sources the ports
// tree's security/vuxml newentry providers use — the NVD CVE API 2.0, the
// CVE Services API of the CVE Program (CVE JSON 5, "mitre") and ENISA's
// EU Vulnerability Database (EUVD) — into one model: the record's text, a
// summary, its publication date, its references and the affected products
// with their version ranges.
//
// Parse reads a saved record of any of the three formats (the format is
// detected from the JSON); Client fetches one from a provider, with the
// timeouts and size cap of package fetch. A record for another CVE than
// the one asked for, a missing record and a malformed one are errors: an
// *Error (the provider's own message, the HTTP status and Retry-After) or
// a *SyntaxError (file, line and column).
package cverecord

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Provider names a source of CVE records.
type Provider string

// Providers, as the port's provider scripts are named.
const (
	NVD   Provider = "nvd"
	MITRE Provider = "mitre"
	EUVD  Provider = "euvd"
)

// Providers lists every provider, in the order the documentation gives them.
var Providers = []Provider{NVD, MITRE, EUVD}

// ParseProvider checks a provider name.
func ParseProvider(s string) (Provider, error) {
	for _, p := range Providers {
		if strings.EqualFold(s, string(p)) {
			return p, nil
		}
	}
	return "", fmt.Errorf("unknown provider %q (want nvd, mitre or euvd)", s)
}

// Name is the provider's name for people.
func (p Provider) Name() string {
	switch p {
	case NVD:
		return "NVD"
	case MITRE:
		return "CVE Services (MITRE)"
	case EUVD:
		return "EUVD"
	}
	return string(p)
}

// Record is one CVE record, whatever its source.
type Record struct {
	// ID is the CVE id ("CVE-2025-5025").
	ID string
	// Provider is the format the record came in.
	Provider Provider
	// Aliases are the record's other ids (the EUVD id).
	Aliases []string
	// URL is the record's public address: the blockquote's cite and a
	// <url> reference of the entry.
	URL string
	// Source is who reports it: the NVD source identifier (the CNA's
	// address), the CNA's short name, the EUVD assigner. "" when unknown.
	Source string
	// Summary is a one-line summary for the topic, "" when the record has
	// none.
	Summary string
	// Description is the record's English text; paragraphs are separated
	// by blank lines.
	Description string
	// Published is the publication date, YYYY-MM-DD ("" when unknown).
	Published string
	// References are the URLs the record lists.
	References []string
	// Affected are the products the record names, with the version ranges
	// it gives.
	Affected []Affected
}

// Affected is one product of a record.
type Affected struct {
	Vendor, Product string
	// Ranges are the affected versions; empty when the record gives none
	// that a VuXML range can say.
	Ranges []Range
}

// Range is an interval of affected versions: up to one lower and one upper
// bound, or one Eq.
type Range []Bound

// Bound is one bound of a range: Op is "lt", "le", "eq", "ge" or "gt", as
// the VuXML element names.
type Bound struct {
	Op, Version string
}

// String gives r as the VuXML range it becomes, e.g. ">= 1.0, < 1.2".
func (r Range) String() string {
	var parts []string
	for _, b := range r {
		parts = append(parts, b.Op+" "+b.Version)
	}
	return strings.Join(parts, ", ")
}

var reCVE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^CVE-[0-9]{4}-[0-9]{4,}$`) })

// CheckID reports whether id is a CVE id (CVE-YYYY-NNNN...), and gives it in
// upper case.
func CheckID(id string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(id))
	if !reCVE().MatchString(u) {
		return "", fmt.Errorf("%q is not a CVE id (CVE-YYYY-NNNN)", id)
	}
	return u, nil
}

// RecordURL is the public address of the record of id at provider p, as
// the port's provider scripts give it (EUVD: the page of the EUVD id when
// known).
func RecordURL(p Provider, id string, aliases []string) string {
	switch p {
	case NVD:
		return "https://nvd.nist.gov/vuln/detail/" + id
	case MITRE:
		return "https://cveawg.mitre.org/api/cve/" + id
	case EUVD:
		for _, a := range aliases {
			if strings.HasPrefix(a, "EUVD-") {
				return "https://euvd.enisa.europa.eu/vulnerability/" + a
			}
		}
		return "https://euvd.enisa.europa.eu/vulnerability/" + id
	}
	return ""
}

// firstSentence returns the first sentence of s: up to the first full stop
// that ends a word (followed by white space or the end), so that version
// numbers ("curl 8.5.0") do not cut it. The stop is dropped.
func firstSentence(s string) string {
	s = oneLine(s)
	for i := 0; i < len(s); i++ {
		if s[i] == '.' && (i+1 == len(s) || s[i+1] == ' ') {
			return strings.TrimSpace(s[:i])
		}
	}
	return strings.TrimSpace(s)
}

// oneLine collapses every run of white space to one space and trims s.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// cleanVersion returns a version of a record usable in a range, or "" for
// the "any" and "unknown" markers records use.
func cleanVersion(v string) string {
	v = oneLine(v)
	switch strings.ToLower(v) {
	case "", "*", "-", "n/a", "na", "unspecified", "unknown", "all", "any":
		return ""
	}
	return v
}

// isZero tells the versions records use for "from the beginning".
func isZero(v string) bool {
	switch v {
	case "0", "0.0", "0.0.0":
		return true
	}
	return false
}

// addRange adds r to a unless it is empty or already there.
func (a *Affected) addRange(r Range) {
	if len(r) == 0 {
		return
	}
	for _, x := range a.Ranges {
		if x.String() == r.String() {
			return
		}
	}
	a.Ranges = append(a.Ranges, r)
}

// productOf returns the Affected of vendor/product in list, adding it.
func productOf(list *[]Affected, vendor, product string) *Affected {
	for i := range *list {
		if strings.EqualFold((*list)[i].Product, product) && strings.EqualFold((*list)[i].Vendor, vendor) {
			return &(*list)[i]
		}
	}
	*list = append(*list, Affected{Vendor: vendor, Product: product})
	return &(*list)[len(*list)-1]
}

// dedupe returns list without empty strings and repetitions, in order.
func dedupe(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		s = strings.TrimSpace(s)
		if s == "" || seen[s] {
			continue
		}
		seen[s] = true
		out = append(out, s)
	}
	return out
}
