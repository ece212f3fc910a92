// Package wire is the fleet's report format: what an agent sends (a host's
// facts and inventories, gzip'ed JSON) and what the server answers, with
// the bounds a server holds a report to (compressed and decompressed size,
// package count, JSON depth, string lengths).
package wire

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FormatVersion is the version of the report format.
const FormatVersion = 1

// Report is one report: the host and its inventories.
type Report struct {
	Version     int         `json:"version"`
	Host        Host        `json:"host"`
	Inventories []Inventory `json:"inventories"`
}

// Host are a host's facts.
type Host struct {
	Name            string   `json:"name"`
	OS              string   `json:"os"`
	Release         string   `json:"release"`
	Arch            string   `json:"arch"`
	KernelVersion   string   `json:"kernel_version"`
	UserlandVersion string   `json:"userland_version"`
	Tags            []string `json:"tags"`
	AgentVersion    string   `json:"agent_version"`
}

// Inventory is the packages of the host (Jail "") or of one jail.
type Inventory struct {
	Jail     string    `json:"jail"`
	Packages []Package `json:"packages"`
}

// Package is one installed package.
type Package struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	// World is "freebsd", "pkgsrc" or "" (judged by both kinds of
	// database).
	World  string `json:"world"`
	Base   bool   `json:"base,omitempty"`
	Origin string `json:"origin,omitempty"`
}

// Verdict is the server's answer to a report.
type Verdict struct {
	Host               string `json:"host"`
	Accepted           bool   `json:"accepted"`
	Packages           int    `json:"packages"`
	VulnerablePackages int    `json:"vulnerable_packages"`
	Vulnerabilities    int    `json:"vulnerabilities"`
	NewFindings        int    `json:"new_findings"`
	ResolvedFindings   int    `json:"resolved_findings"`
	// Text is the verdict as pkgaudit audit prints it (the host's
	// packages, then each jail's after a "jail NAME:" line).
	Text string `json:"text"`
}

// Limits bound a report.
type Limits struct {
	MaxCompressed   int64 // bytes on the wire
	MaxDecompressed int64 // bytes of JSON
	MaxPackages     int   // over every inventory
	MaxInventories  int
	MaxDepth        int
	MaxString       int // bytes of any one string
	MaxTags         int
}

// DefaultLimits fit a host with a hundred jails of a few thousand packages.
var DefaultLimits = Limits{
	MaxCompressed:   8 << 20,
	MaxDecompressed: 64 << 20,
	MaxPackages:     200000,
	MaxInventories:  1024,
	MaxDepth:        8,
	MaxString:       1024,
	MaxTags:         64,
}

// Error is a report refused, with the HTTP status to answer.
type Error struct {
	Status int
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

func errorf(status int, format string, args ...any) error {
	return &Error{Status: status, Msg: fmt.Sprintf(format, args...)}
}

// Encode writes r as gzip'ed JSON.
func Encode(w io.Writer, r *Report) error {
	zw := gzip.NewWriter(w)
	if err := json.NewEncoder(zw).Encode(r); err != nil {
		return err
	}
	return zw.Close()
}

// Decode reads a report body: gzip'ed when encoding is "gzip", plain
// JSON when it is "" or "identity". It enforces l and checks every field.
func Decode(body io.Reader, encoding string, l Limits) (*Report, error) {
	raw, err := io.ReadAll(io.LimitReader(body, l.MaxCompressed+1))
	if err != nil {
		return nil, errorf(http.StatusBadRequest, "reading the body: %v", err)
	}
	if int64(len(raw)) > l.MaxCompressed {
		return nil, errorf(http.StatusRequestEntityTooLarge, "body larger than %d bytes", l.MaxCompressed)
	}
	data := raw
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		if int64(len(data)) > l.MaxDecompressed {
			return nil, errorf(http.StatusRequestEntityTooLarge, "report larger than %d bytes", l.MaxDecompressed)
		}
	case "gzip":
		zr, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, errorf(http.StatusBadRequest, "gzip: %v", err)
		}
		data, err = io.ReadAll(io.LimitReader(zr, l.MaxDecompressed+1))
		if err != nil {
			return nil, errorf(http.StatusBadRequest, "gzip: %v", err)
		}
		if int64(len(data)) > l.MaxDecompressed {
			return nil, errorf(http.StatusRequestEntityTooLarge, "report larger than %d bytes once decompressed", l.MaxDecompressed)
		}
	default:
		return nil, errorf(http.StatusUnsupportedMediaType, "Content-Encoding %q is neither gzip nor identity", encoding)
	}
	if err := checkDepth(data, l.MaxDepth); err != nil {
		return nil, err
	}
	var r Report
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		return nil, errorf(http.StatusBadRequest, "malformed report: %v", jsonError(data, err))
	}
	if dec.More() {
		return nil, errorf(http.StatusBadRequest, "malformed report: data after the report")
	}
	if err := r.Check(l); err != nil {
		return nil, err
	}
	return &r, nil
}

// jsonError adds the line and column of a syntax error.
func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) && se.Offset <= int64(len(data)) {
		line := 1 + bytes.Count(data[:se.Offset], []byte("\n"))
		col := int(se.Offset) - bytes.LastIndexByte(data[:se.Offset], '\n') - 1
		return fmt.Errorf("%d:%d: %v", line, col, err)
	}
	return err
}

// checkDepth refuses JSON nested deeper than max, before it is decoded.
func checkDepth(data []byte, max int) error {
	depth := 0
	in, esc := false, false
	for _, c := range data {
		switch {
		case in:
			switch {
			case esc:
				esc = false
			case c == '\\':
				esc = true
			case c == '"':
				in = false
			}
		case c == '"':
			in = true
		case c == '{' || c == '[':
			depth++
			if depth > max {
				return errorf(http.StatusBadRequest, "report nested deeper than %d", max)
			}
		case c == '}' || c == ']':
			depth--
		}
	}
	return nil
}

// Check validates a decoded report against l.
func (r *Report) Check(l Limits) error {
	if r.Version != FormatVersion {
		return errorf(http.StatusBadRequest, "report version %d, want %d", r.Version, FormatVersion)
	}
	h := &r.Host
	if h.Name == "" {
		return errorf(http.StatusBadRequest, "report names no host")
	}
	for _, f := range []struct{ name, v string }{{"host.name", h.Name}, {"host.os", h.OS}, {"host.release", h.Release},
		{"host.arch", h.Arch}, {"host.kernel_version", h.KernelVersion}, {"host.userland_version", h.UserlandVersion},
		{"host.agent_version", h.AgentVersion}} {
		if err := checkString(f.name, f.v, l); err != nil {
			return err
		}
	}
	if len(h.Tags) > l.MaxTags {
		return errorf(http.StatusBadRequest, "more than %d tags", l.MaxTags)
	}
	for _, t := range h.Tags {
		if err := checkString("host.tags", t, l); err != nil {
			return err
		}
	}
	if len(r.Inventories) > l.MaxInventories {
		return errorf(http.StatusBadRequest, "more than %d inventories", l.MaxInventories)
	}
	n := 0
	jails := map[string]bool{}
	for i := range r.Inventories {
		inv := &r.Inventories[i]
		if err := checkString("jail", inv.Jail, l); err != nil {
			return err
		}
		if jails[inv.Jail] {
			return errorf(http.StatusBadRequest, "jail %q listed twice", inv.Jail)
		}
		jails[inv.Jail] = true
		n += len(inv.Packages)
		if n > l.MaxPackages {
			return errorf(http.StatusRequestEntityTooLarge, "more than %d packages", l.MaxPackages)
		}
		for j := range inv.Packages {
			p := &inv.Packages[j]
			if p.Name == "" {
				return errorf(http.StatusBadRequest, "inventory %q package %d has no name", inv.Jail, j+1)
			}
			for _, f := range []struct{ name, v string }{{"package name", p.Name}, {"package version", p.Version}, {"package origin", p.Origin}} {
				if err := checkString(f.name, f.v, l); err != nil {
					return err
				}
			}
			switch p.World {
			case "", "freebsd", "pkgsrc":
			default:
				return errorf(http.StatusBadRequest, "package %s-%s: world %q is not freebsd, pkgsrc or empty", p.Name, p.Version, p.World)
			}
		}
	}
	return nil
}

// checkString refuses overlong strings, invalid UTF-8 and control
// characters.
func checkString(field, s string, l Limits) error {
	if len(s) > l.MaxString {
		return errorf(http.StatusBadRequest, "%s longer than %d bytes", field, l.MaxString)
	}
	if !utf8.ValidString(s) {
		return errorf(http.StatusBadRequest, "%s is not valid UTF-8", field)
	}
	for _, c := range s {
		if unicode.IsControl(c) {
			return errorf(http.StatusBadRequest, "%s holds a control character %U", field, c)
		}
	}
	return nil
}
