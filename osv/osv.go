// Package osv reads and writes vulnerability records in the Open Source
// Vulnerability format, schema 1.7.5 (https://ossf.github.io/osv-schema/),
// for the FreeBSD and pkgsrc worlds: FromVuXML and FromPkgsrc turn VuXML
// entries and pkg-vulnerabilities lines into records, ToAdvisory turns
// records of the FreeBSD ecosystems (and of the non-standard "pkgsrc" one)
// back into advisory.Advisory values that audit exactly like the source,
// and Read/WriteDir/WriteZip move records between files, directories and
// zip archives (like osv.dev's all.zip).
//
// Records are written deterministically: fields in schema order, two-space
// indentation, no HTML escaping, one trailing newline.
package osv

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// SchemaVersion is the OSV schema version the records declare.
const SchemaVersion = "1.7.5"

// Ecosystems written and read.
const (
	// EcosystemPorts holds FreeBSD ports and packages (pkg(8) names).
	EcosystemPorts = "FreeBSD:ports"
	// EcosystemBase holds the FreeBSD base system (VuXML name "FreeBSD").
	EcosystemBase = "FreeBSD:base"
	// EcosystemKernel holds the FreeBSD kernel (VuXML name
	// "FreeBSD-kernel").
	EcosystemKernel = "FreeBSD:kernel"
	// EcosystemPkgsrc is pkgaudit's own, non-standard ecosystem for pkgsrc
	// packages: OSV 1.7.5 has no pkgsrc or NetBSD ecosystem, so records
	// using it do not validate against the schema's ecosystem list.
	EcosystemPkgsrc = "pkgsrc"
)

// Range types.
const (
	RangeEcosystem = "ECOSYSTEM"
	RangeSemver    = "SEMVER"
	RangeGit       = "GIT"
)

// Event kinds.
const (
	Introduced   = "introduced"
	Fixed        = "fixed"
	LastAffected = "last_affected"
	Limit        = "limit"
)

// Reference types used here (the schema has more).
const (
	RefAdvisory   = "ADVISORY"
	RefWeb        = "WEB"
	RefReport     = "REPORT"
	RefDiscussion = "DISCUSSION"
	RefFix        = "FIX"
	RefArticle    = "ARTICLE"
	RefPackage    = "PACKAGE"
)

// Vulnerability is one OSV record. Field order is the schema's; empty
// fields are left out.
type Vulnerability struct {
	SchemaVersion    string          `json:"schema_version,omitempty"`
	ID               string          `json:"id"`
	Modified         string          `json:"modified"`
	Published        string          `json:"published,omitempty"`
	Withdrawn        string          `json:"withdrawn,omitempty"`
	Aliases          []string        `json:"aliases,omitempty"`
	Related          []string        `json:"related,omitempty"`
	Upstream         []string        `json:"upstream,omitempty"`
	Summary          string          `json:"summary,omitempty"`
	Details          string          `json:"details,omitempty"`
	Severity         []Severity      `json:"severity,omitempty"`
	Affected         []Affected      `json:"affected,omitempty"`
	References       []Reference     `json:"references,omitempty"`
	Credits          []Credit        `json:"credits,omitempty"`
	DatabaseSpecific json.RawMessage `json:"database_specific,omitempty"`
}

// Severity is one severity score.
type Severity struct {
	Type  string `json:"type"`
	Score string `json:"score"`
}

// Affected is one affected package with its ranges.
type Affected struct {
	Package  Package    `json:"package"`
	Severity []Severity `json:"severity,omitempty"`
	// Ranges is left out when nil; an empty, non-nil list is written as
	// [] and says that no version is affected (OSV's evaluation: a version
	// is affected when a range or versions lists it).
	Ranges            []Range         `json:"ranges,omitzero"`
	Versions          []string        `json:"versions,omitempty"`
	EcosystemSpecific json.RawMessage `json:"ecosystem_specific,omitempty"`
	DatabaseSpecific  json.RawMessage `json:"database_specific,omitempty"`
}

// Package names a package within an ecosystem.
type Package struct {
	Ecosystem string `json:"ecosystem"`
	Name      string `json:"name"`
	Purl      string `json:"purl,omitempty"`
}

// Range is one affected range: its events in order.
type Range struct {
	Type             string          `json:"type"`
	Repo             string          `json:"repo,omitempty"`
	Events           []Event         `json:"events"`
	DatabaseSpecific json.RawMessage `json:"database_specific,omitempty"`
}

// Event is one range event: Kind is introduced, fixed, last_affected or
// limit; Version its value (which may be empty: VuXML allows <lt></lt>).
type Event struct {
	Kind    string
	Version string
}

// MarshalJSON writes the event as the one-key object OSV wants.
func (e Event) MarshalJSON() ([]byte, error) {
	switch e.Kind {
	case Introduced, Fixed, LastAffected, Limit:
	default:
		return nil, fmt.Errorf("osv: unknown event kind %q", e.Kind)
	}
	k, _ := json.Marshal(e.Kind)
	v, err := marshal(e.Version)
	if err != nil {
		return nil, err
	}
	return []byte("{" + string(k) + ":" + string(v) + "}"), nil
}

// UnmarshalJSON reads a one-key event object.
func (e *Event) UnmarshalJSON(b []byte) error {
	var m map[string]string
	if err := json.Unmarshal(b, &m); err != nil {
		return fmt.Errorf("event: %w", err)
	}
	if len(m) != 1 {
		return fmt.Errorf("event must have exactly one of introduced, fixed, last_affected, limit; has %d keys", len(m))
	}
	for k, v := range m {
		switch k {
		case Introduced, Fixed, LastAffected, Limit:
			e.Kind, e.Version = k, v
		default:
			return fmt.Errorf("unknown event %q", k)
		}
	}
	return nil
}

// Reference is one typed link.
type Reference struct {
	Type string `json:"type"`
	URL  string `json:"url"`
}

// Credit names someone credited for the record.
type Credit struct {
	Name    string   `json:"name"`
	Contact []string `json:"contact,omitempty"`
	Type    string   `json:"type,omitempty"`
}

// marshal encodes v as compact JSON without HTML escaping.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// rawJSON encodes v for a database_specific field.
func rawJSON(v any) json.RawMessage {
	b, err := marshal(v)
	if err != nil {
		// Only our own plain structs go through here.
		panic("osv: " + err.Error())
	}
	return b
}

// Marshal encodes a record the way pkgaudit writes it: schema field order,
// two-space indentation, no HTML escaping, a trailing newline.
func Marshal(v *Vulnerability) ([]byte, error) {
	compact, err := marshal(v)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	if err := json.Indent(&out, compact, "", "  "); err != nil {
		return nil, err
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// Timestamp formats t as OSV wants it: RFC 3339 in UTC ending in "Z",
// whole seconds.
func Timestamp(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

// dateStamp turns a VuXML date (YYYY-MM-DD) into an OSV timestamp at
// midnight UTC; ok is false when the date does not parse.
func dateStamp(d string) (string, bool) {
	t, err := time.Parse("2006-01-02", d)
	if err != nil {
		return "", false
	}
	return Timestamp(t), true
}

// stampDate turns an OSV timestamp back into YYYY-MM-DD ("" when it does
// not parse).
func stampDate(s string) string {
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return ""
	}
	return t.UTC().Format("2006-01-02")
}
