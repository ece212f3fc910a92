package cverecord

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// SyntaxError is a record that is not well-formed JSON, or not JSON of the
// expected shape, at a position of its file.
type SyntaxError struct {
	File      string
	Line, Col int
	Msg       string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// Error is a record a provider did not give: missing, refused, rejected,
// or for another CVE. Msg is the provider's own message when it sent one.
type Error struct {
	Provider Provider
	ID       string // the CVE asked for
	URL      string // what was fetched ("" for a file)
	File     string // the file read ("" when fetched)
	// Status is the HTTP status (0 when the answer itself was wrong).
	Status int
	// RetryAfter is the Retry-After header of a 429 or 503 answer.
	RetryAfter string
	Msg        string
}

func (e *Error) Error() string {
	var b strings.Builder
	switch {
	case e.URL != "" && e.Provider != "":
		fmt.Fprintf(&b, "%s: %s: ", e.Provider.Name(), e.URL)
	case e.URL != "":
		fmt.Fprintf(&b, "%s: ", e.URL)
	case e.File != "":
		fmt.Fprintf(&b, "%s: ", e.File)
	}
	if e.ID != "" {
		fmt.Fprintf(&b, "%s: ", e.ID)
	}
	b.WriteString(e.Msg)
	if e.RetryAfter != "" {
		fmt.Fprintf(&b, " (the server asks to retry after %s)", retryText(e.RetryAfter))
	}
	return b.String()
}

func retryText(v string) string {
	if n := strings.TrimSpace(v); n != "" && strings.Trim(n, "0123456789") == "" {
		return n + " seconds"
	}
	return strings.TrimSpace(v)
}

// ErrFormat means the JSON is none of the three record formats.
var ErrFormat = errors.New("not a CVE record: want an NVD API 2.0 answer, a CVE JSON 5 record or an EUVD record")

// Detect tells which provider's format data is in.
func Detect(data []byte) (Provider, error) {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '[' {
		return EUVD, nil // an EUVD list of records
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		return "", err
	}
	str := func(k string) string {
		var s string
		json.Unmarshal(top[k], &s)
		return s
	}
	switch {
	case top["vulnerabilities"] != nil || str("format") == "NVD_CVE":
		return NVD, nil
	case top["cveMetadata"] != nil || str("dataType") == "CVE_RECORD":
		return MITRE, nil
	case top["enisaIdProduct"] != nil || top["aliases"] != nil || strings.HasPrefix(str("id"), "EUVD-") || top["items"] != nil:
		return EUVD, nil
	}
	return "", ErrFormat
}

// Parse reads a saved record of any of the three formats from data, the
// content of file (for messages). want is the CVE the record must be for
// ("" takes the one record data holds).
func Parse(file string, data []byte, want string) (*Record, error) {
	if err := wellFormed(file, data); err != nil {
		return nil, err
	}
	p, err := Detect(data)
	if err != nil {
		if m := serviceMessage(data); m != "" {
			return nil, &Error{File: file, ID: want, Msg: m}
		}
		return nil, &SyntaxError{File: file, Line: 1, Col: 1, Msg: err.Error()}
	}
	return ParseAs(p, file, data, want)
}

// ParseAs reads data as a record of provider p.
func ParseAs(p Provider, file string, data []byte, want string) (*Record, error) {
	if err := wellFormed(file, data); err != nil {
		return nil, err
	}
	if want != "" {
		w, err := CheckID(want)
		if err != nil {
			return nil, err
		}
		want = w
	}
	var r *Record
	var err error
	switch p {
	case NVD:
		r, err = parseNVD(file, data, want)
	case MITRE:
		r, err = parseMITRE(file, data, want)
	case EUVD:
		r, err = parseEUVD(file, data, want)
	default:
		return nil, fmt.Errorf("unknown provider %q", p)
	}
	if err != nil {
		var ue *json.UnmarshalTypeError
		if errors.As(err, &ue) {
			line, col := position(data, ue.Offset)
			what := ue.Field
			if what == "" {
				what = "the record"
			}
			return nil, &SyntaxError{File: file, Line: line, Col: col, Msg: fmt.Sprintf("%s: %s is not a %s value", p.Name(), what, ue.Type)}
		}
		var e *Error
		if errors.As(err, &e) {
			e.Provider, e.File = p, file
		}
		return nil, err
	}
	r.Provider = p
	r.URL = RecordURL(p, r.ID, r.Aliases)
	r.Description = sanitize(r.Description)
	r.Summary = sanitize(r.Summary)
	r.Source = sanitize(oneLine(r.Source))
	r.References = dedupe(r.References)
	return r, nil
}

// wellFormed checks that data is one JSON value, and positions the error.
func wellFormed(file string, data []byte) error {
	if !utf8.Valid(data) {
		off := 0
		for off < len(data) {
			r, n := utf8.DecodeRune(data[off:])
			if r == utf8.RuneError && n <= 1 {
				break
			}
			off += n
		}
		line, col := position(data, int64(off))
		return &SyntaxError{File: file, Line: line, Col: col, Msg: "invalid UTF-8"}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return &SyntaxError{File: file, Line: 1, Col: 1, Msg: "empty record"}
	}
	var v any
	dec := json.NewDecoder(bytes.NewReader(data))
	err := dec.Decode(&v)
	if err == nil {
		off := dec.InputOffset()
		rest := data[off:]
		if trimmed := bytes.TrimLeft(rest, " \t\r\n"); len(trimmed) > 0 {
			line, col := position(data, off+int64(len(rest)-len(trimmed)))
			return &SyntaxError{File: file, Line: line, Col: col, Msg: "text after the JSON value"}
		}
		return nil
	}
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		line, col := position(data, se.Offset-1) // Offset is just past the culprit
		return &SyntaxError{File: file, Line: line, Col: col, Msg: "malformed JSON: " + se.Error()}
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		line, col := position(data, int64(len(data)))
		return &SyntaxError{File: file, Line: line, Col: col, Msg: "truncated JSON: the record ends before its last value is complete"}
	}
	line, col := position(data, int64(len(data)))
	return &SyntaxError{File: file, Line: line, Col: col, Msg: "malformed JSON: " + err.Error()}
}

// position turns a byte offset into a 1-based line and column (in bytes).
func position(data []byte, off int64) (int, int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	if off < 0 {
		off = 0
	}
	before := data[:off]
	line := bytes.Count(before, []byte("\n")) + 1
	col := int(off) - (bytes.LastIndexByte(before, '\n') + 1) + 1
	return line, col
}

// serviceMessage returns the message of an error answer some services
// send as JSON ({"error": "...", "message": "..."}), or "".
func serviceMessage(data []byte) string {
	var m struct {
		Error   any    `json:"error"`
		Message string `json:"message"`
	}
	if json.Unmarshal(data, &m) != nil {
		return ""
	}
	var parts []string
	if s, ok := m.Error.(string); ok && s != "" {
		parts = append(parts, s)
	}
	if m.Message != "" {
		parts = append(parts, m.Message)
	}
	return sanitize(oneLine(strings.Join(parts, ": ")))
}

// sanitize drops the characters XML 1.0 cannot hold, and carriage returns.
func sanitize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n':
			return r
		case r == '\r':
			return -1
		case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF, r == utf8.RuneError:
			return -1
		}
		return r
	}, s)
}

// english picks the English text of a list of translations (the first
// one when none is marked English).
func english(list []langValue) string {
	for _, d := range list {
		if strings.HasPrefix(strings.ToLower(d.Lang), "en") && strings.TrimSpace(d.Value) != "" {
			return d.Value
		}
	}
	for _, d := range list {
		if strings.TrimSpace(d.Value) != "" {
			return d.Value
		}
	}
	return ""
}

type langValue struct {
	Lang  string `json:"lang"`
	Value string `json:"value"`
}

// date returns the YYYY-MM-DD of an ISO 8601 timestamp, or "".
func date(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 10 {
		if _, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return s[:10]
		}
	}
	return ""
}

// ---- NVD API 2.0 ----

type nvdResponse struct {
	TotalResults    *int `json:"totalResults"`
	Vulnerabilities []struct {
		CVE nvdCVE `json:"cve"`
	} `json:"vulnerabilities"`
}

type nvdCVE struct {
	ID               string      `json:"id"`
	SourceIdentifier string      `json:"sourceIdentifier"`
	Published        string      `json:"published"`
	VulnStatus       string      `json:"vulnStatus"`
	Descriptions     []langValue `json:"descriptions"`
	Configurations   []struct {
		Nodes []struct {
			Negate   bool `json:"negate"`
			CPEMatch []struct {
				Vulnerable            bool   `json:"vulnerable"`
				Criteria              string `json:"criteria"`
				VersionStartIncluding string `json:"versionStartIncluding"`
				VersionStartExcluding string `json:"versionStartExcluding"`
				VersionEndIncluding   string `json:"versionEndIncluding"`
				VersionEndExcluding   string `json:"versionEndExcluding"`
			} `json:"cpeMatch"`
		} `json:"nodes"`
	} `json:"configurations"`
	References []struct {
		URL    string `json:"url"`
		Source string `json:"source"`
	} `json:"references"`
}

func parseNVD(file string, data []byte, want string) (*Record, error) {
	var resp nvdResponse
	if err := json.Unmarshal(data, &resp); err != nil {
		return nil, err
	}
	if resp.Vulnerabilities == nil {
		return nil, &Error{ID: want, Msg: "not an NVD API 2.0 answer (no \"vulnerabilities\")"}
	}
	var c *nvdCVE
	var ids []string
	for i := range resp.Vulnerabilities {
		v := &resp.Vulnerabilities[i].CVE
		ids = append(ids, v.ID)
		if want == "" || strings.EqualFold(v.ID, want) {
			c = v
			break
		}
	}
	switch {
	case c == nil && len(ids) == 0:
		return nil, &Error{ID: want, Msg: "NVD has no record of it (totalResults 0)"}
	case c == nil:
		return nil, &Error{ID: want, Msg: "the answer is a record of " + strings.Join(ids, ", ") + ", not of " + want}
	case want == "" && len(resp.Vulnerabilities) > 1:
		return nil, &Error{Msg: fmt.Sprintf("the answer holds %d records (%s); say which with --cve", len(resp.Vulnerabilities), strings.Join(ids, ", "))}
	}
	id, err := CheckID(c.ID)
	if err != nil {
		return nil, &Error{ID: want, Msg: "the record's id " + err.Error()}
	}
	desc := english(c.Descriptions)
	if strings.EqualFold(c.VulnStatus, "Rejected") {
		return nil, &Error{ID: id, Msg: "the record is rejected: " + oneLine(desc)}
	}
	r := &Record{ID: id, Description: desc, Summary: firstSentence(desc), Published: date(c.Published)}
	// The source identifier is the CNA's address (security@mozilla.org)
	// or, for newer CNAs, a UUID: then the site of the first reference.
	switch {
	case strings.Contains(c.SourceIdentifier, "@"):
		r.Source = c.SourceIdentifier
	case len(c.References) > 0:
		if u, err := url.Parse(c.References[0].URL); err == nil && u.Host != "" {
			r.Source = u.Host
		}
	}
	for _, ref := range c.References {
		r.References = append(r.References, ref.URL)
	}
	for _, conf := range c.Configurations {
		for _, n := range conf.Nodes {
			if n.Negate {
				continue
			}
			for _, m := range n.CPEMatch {
				if !m.Vulnerable {
					continue
				}
				f := cpeFields(m.Criteria)
				if len(f) < 6 || f[0] != "cpe" {
					continue
				}
				a := productOf(&r.Affected, f[3], f[4])
				var rg Range
				if v := cleanVersion(m.VersionStartIncluding); v != "" && !isZero(v) {
					rg = append(rg, Bound{"ge", v})
				} else if v := cleanVersion(m.VersionStartExcluding); v != "" {
					rg = append(rg, Bound{"gt", v})
				}
				if v := cleanVersion(m.VersionEndExcluding); v != "" {
					rg = append(rg, Bound{"lt", v})
				} else if v := cleanVersion(m.VersionEndIncluding); v != "" {
					rg = append(rg, Bound{"le", v})
				}
				if rg == nil && m.VersionStartIncluding == "" && m.VersionStartExcluding == "" {
					// A single version: the CPE's version and update fields.
					if v := cleanVersion(f[5]); v != "" {
						if len(f) > 6 && cleanVersion(f[6]) != "" {
							v += cleanVersion(f[6])
						}
						rg = Range{{"eq", v}}
					}
				}
				a.addRange(rg)
			}
		}
	}
	return r, nil
}

// cpeFields splits a CPE 2.3 formatted string at its unescaped colons and
// undoes the escapes.
func cpeFields(s string) []string {
	var out []string
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\' && i+1 < len(s):
			i++
			b.WriteByte(s[i])
		case c == ':':
			out = append(out, b.String())
			b.Reset()
		default:
			b.WriteByte(c)
		}
	}
	return append(out, b.String())
}

// ---- CVE JSON 5 (CVE Services, "mitre") ----

type cve5Record struct {
	DataType    string `json:"dataType"`
	CVEMetadata struct {
		CVEID             string `json:"cveId"`
		State             string `json:"state"`
		AssignerShortName string `json:"assignerShortName"`
		DatePublished     string `json:"datePublished"`
		DateReserved      string `json:"dateReserved"`
	} `json:"cveMetadata"`
	Containers struct {
		CNA cve5Container `json:"cna"`
	} `json:"containers"`
}

type cve5Container struct {
	Title        string      `json:"title"`
	Descriptions []langValue `json:"descriptions"`
	Affected     []struct {
		Vendor        string `json:"vendor"`
		Product       string `json:"product"`
		PackageName   string `json:"packageName"`
		DefaultStatus string `json:"defaultStatus"`
		Versions      []struct {
			Version         string `json:"version"`
			Status          string `json:"status"`
			LessThan        string `json:"lessThan"`
			LessThanOrEqual string `json:"lessThanOrEqual"`
			VersionType     string `json:"versionType"`
		} `json:"versions"`
	} `json:"affected"`
	ProblemTypes []struct {
		Descriptions []struct {
			Lang        string `json:"lang"`
			Description string `json:"description"`
		} `json:"descriptions"`
	} `json:"problemTypes"`
	References []struct {
		URL string `json:"url"`
	} `json:"references"`
	RejectedReasons []langValue `json:"rejectedReasons"`
}

func parseMITRE(file string, data []byte, want string) (*Record, error) {
	var rec cve5Record
	if err := json.Unmarshal(data, &rec); err != nil {
		return nil, err
	}
	md := rec.CVEMetadata
	if md.CVEID == "" {
		return nil, &Error{ID: want, Msg: "not a CVE JSON 5 record (no cveMetadata.cveId)"}
	}
	id, err := CheckID(md.CVEID)
	if err != nil {
		return nil, &Error{ID: want, Msg: "the record's id " + err.Error()}
	}
	if want != "" && id != want {
		return nil, &Error{ID: want, Msg: "the answer is the record of " + id + ", not of " + want}
	}
	cna := rec.Containers.CNA
	if strings.EqualFold(md.State, "REJECTED") {
		return nil, &Error{ID: id, Msg: "the record is rejected: " + oneLine(english(cna.RejectedReasons))}
	}
	desc := english(cna.Descriptions)
	r := &Record{ID: id, Description: desc, Published: date(md.DatePublished), Source: md.AssignerShortName}
	// The port's mitre provider takes the first problem type as summary.
	for _, pt := range cna.ProblemTypes {
		for _, d := range pt.Descriptions {
			if s := oneLine(d.Description); s != "" && cleanVersion(s) != "" {
				r.Summary = s
				break
			}
		}
		if r.Summary != "" {
			break
		}
	}
	if r.Summary == "" {
		r.Summary = oneLine(cna.Title)
	}
	if r.Summary == "" {
		r.Summary = firstSentence(desc)
	}
	for _, ref := range cna.References {
		r.References = append(r.References, ref.URL)
	}
	for _, af := range cna.Affected {
		product := cleanVersion(af.Product)
		if product == "" {
			product = cleanVersion(af.PackageName)
		}
		if product == "" {
			continue
		}
		a := productOf(&r.Affected, cleanVersion(af.Vendor), product)
		for _, v := range af.Versions {
			// Commit hashes (the Linux kernel's records) are no versions.
			if !strings.EqualFold(v.Status, "affected") || strings.EqualFold(v.VersionType, "git") {
				continue
			}
			var rg Range
			ver := cleanVersion(v.Version)
			lt, le := cleanVersion(v.LessThan), cleanVersion(v.LessThanOrEqual)
			switch {
			case lt != "" || le != "":
				if ver != "" && !isZero(ver) {
					rg = append(rg, Bound{"ge", ver})
				}
				switch {
				case lt != "":
					rg = append(rg, Bound{"lt", lt})
				case ver == le:
					rg = Range{{"eq", le}}
				default:
					rg = append(rg, Bound{"le", le})
				}
			case v.LessThan == "*" || v.LessThanOrEqual == "*":
				if ver != "" && !isZero(ver) {
					rg = Range{{"ge", ver}}
				}
			case ver != "":
				rg = Range{{"eq", ver}}
			}
			a.addRange(rg)
		}
	}
	return r, nil
}

// ---- EUVD ----

type euvdRecord struct {
	ID             string `json:"id"`
	Description    string `json:"description"`
	DatePublished  string `json:"datePublished"`
	References     string `json:"references"`
	Aliases        string `json:"aliases"`
	Assigner       string `json:"assigner"`
	EnisaIDProduct []struct {
		Product struct {
			Name string `json:"name"`
		} `json:"product"`
		ProductVersion string `json:"product_version"`
	} `json:"enisaIdProduct"`
	EnisaIDVendor []struct {
		Vendor struct {
			Name string `json:"name"`
		} `json:"vendor"`
	} `json:"enisaIdVendor"`
}

func parseEUVD(file string, data []byte, want string) (*Record, error) {
	var list []euvdRecord
	trimmed := bytes.TrimSpace(data)
	switch {
	case len(trimmed) > 0 && trimmed[0] == '[':
		if err := json.Unmarshal(data, &list); err != nil {
			return nil, err
		}
	default:
		var probe struct {
			Items *[]euvdRecord `json:"items"`
		}
		if err := json.Unmarshal(data, &probe); err != nil {
			return nil, err
		}
		if probe.Items != nil {
			list = *probe.Items
		} else {
			var one euvdRecord
			if err := json.Unmarshal(data, &one); err != nil {
				return nil, err
			}
			if one.ID == "" && one.Aliases == "" && one.Description == "" {
				return nil, &Error{ID: want, Msg: "EUVD has no record of it (empty answer)"}
			}
			list = []euvdRecord{one}
		}
	}
	var e *euvdRecord
	var ids []string
	for i := range list {
		cves := euvdCVEs(list[i])
		ids = append(ids, strings.Join(append([]string{list[i].ID}, cves...), "/"))
		if want == "" && len(list) == 1 {
			e = &list[i]
		}
		for _, c := range cves {
			if want != "" && c == want {
				e = &list[i]
			}
		}
		if e != nil {
			break
		}
	}
	switch {
	case e == nil && len(list) == 0:
		return nil, &Error{ID: want, Msg: "EUVD has no record of it"}
	case e == nil && want == "":
		return nil, &Error{Msg: fmt.Sprintf("the answer holds %d records (%s); say which with --cve", len(list), strings.Join(ids, ", "))}
	case e == nil:
		return nil, &Error{ID: want, Msg: "the answer is the record of " + strings.Join(ids, ", ") + ", not of " + want}
	}
	cves := euvdCVEs(*e)
	if len(cves) == 0 {
		return nil, &Error{ID: want, Msg: "the EUVD record " + e.ID + " has no CVE alias"}
	}
	id := cves[0]
	if want != "" {
		id = want
	}
	r := &Record{ID: id, Description: e.Description, Summary: firstSentence(e.Description), Published: euvdDate(e.DatePublished), Source: e.Assigner}
	if e.ID != "" {
		r.Aliases = append(r.Aliases, e.ID)
	}
	r.References = strings.Fields(e.References)
	for _, p := range e.EnisaIDProduct {
		name := cleanVersion(p.Product.Name)
		if name == "" {
			continue
		}
		a := productOf(&r.Affected, "", name)
		a.addRange(euvdRange(p.ProductVersion))
	}
	return r, nil
}

func euvdCVEs(e euvdRecord) []string {
	var out []string
	for _, a := range strings.Fields(strings.ReplaceAll(e.Aliases, ",", " ")) {
		if id, err := CheckID(a); err == nil {
			out = append(out, id)
		}
	}
	if id, err := CheckID(e.ID); err == nil {
		out = append(out, id)
	}
	return dedupe(out)
}

// euvdDate reads EUVD's "May 28, 2025, 6:37:39 AM" (and ISO dates).
func euvdDate(s string) string {
	if d := date(s); d != "" {
		return d
	}
	parts := strings.Split(s, ",")
	if len(parts) >= 2 {
		if t, err := time.Parse("Jan 2 2006", oneLine(parts[0]+" "+parts[1])); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return ""
}

var reEUVDRange = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:(\S+)\s+)?(<=|≤|<)\s*(\S+)$`) })

// euvdRange reads an EUVD product_version: "8.6.0 ≤8.13.0", "0 <3.0.16",
// "<1.2", or a single version.
func euvdRange(s string) Range {
	s = oneLine(s)
	if m := reEUVDRange().FindStringSubmatch(s); m != nil {
		var rg Range
		if lo := cleanVersion(m[1]); lo != "" && !isZero(lo) {
			rg = append(rg, Bound{"ge", lo})
		}
		hi := cleanVersion(m[3])
		if hi == "" {
			return nil
		}
		if m[2] == "<" {
			return append(rg, Bound{"lt", hi})
		}
		if len(rg) == 1 && rg[0].Version == hi {
			return Range{{"eq", hi}}
		}
		return append(rg, Bound{"le", hi})
	}
	if v := cleanVersion(s); v != "" && !strings.ContainsAny(v, " <>=≤≥") && !isZero(v) {
		return Range{{"eq", v}}
	}
	return nil
}
