// Package ignore reads and applies an ignore configuration: advisories the
// user has decided not to be told about, each identified by VuXML vid,
// pkgsrc URL or CVE name, optionally only for packages matching a glob,
// always with a reason and optionally until an expiry date.
//
// The file is TOML, modelled on osv-scanner's [[IgnoredVulns]]:
//
//	[[IgnoredVulns]]
//	id = "CVE-2024-6119"                # vid, URL or CVE
//	package = "openssl*"                # optional fnmatch glob (flags 0)
//	reason = "not reachable: no X.509 name checks on this host"
//	ignoreUntil = 2026-12-31            # optional; date or date-time
//
// An entry with an expiry date applies while the current time is before it
// (a bare date means midnight UTC starting that day, as in osv-scanner and
// trivy); after that it no longer applies and Expired reports it so that
// the caller can warn.
package ignore

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/internal/tomlfile"
)

// MaxFileSize caps the size of an ignore file.
const MaxFileSize = 4 << 20

// Rule is one ignore entry.
type Rule struct {
	// ID is the advisory identifier: a VuXML vid, a pkgsrc advisory URL or
	// a CVE name. It is compared case-insensitively.
	ID string
	// Package is an fnmatch glob (flags 0) the package must match, either
	// its name ("openssl*") or its full name ("openssl-3.0.*"); "" matches
	// every package.
	Package string
	// Reason says why the advisory is ignored. It is required.
	Reason string
	// Until is when the entry stops applying; zero means never.
	Until time.Time
	// Line is the line of the entry in its file (0 when unknown).
	Line int
}

// Active reports whether r still applies at now.
func (r *Rule) Active(now time.Time) bool {
	return r.Until.IsZero() || now.Before(r.Until)
}

// List is a parsed ignore file.
type List struct {
	// File is the file name given to Parse or Load.
	File  string
	Rules []Rule

	// byID indexes Rules by lower-cased ID; built for the first indexed
	// rules and rebuilt when Rules grows or shrinks.
	byID    map[string][]int
	indexed int
}

// index returns the rule indices for each lower-cased ID.
func (l *List) index() map[string][]int {
	if l.byID == nil || l.indexed != len(l.Rules) {
		l.byID = make(map[string][]int, len(l.Rules))
		for i := range l.Rules {
			k := strings.ToLower(l.Rules[i].ID)
			l.byID[k] = append(l.byID[k], i)
		}
		l.indexed = len(l.Rules)
	}
	return l.byID
}

// Error is a problem in an ignore file, with its position.
type Error = tomlfile.Error

// Load reads and parses the ignore file at path.
func Load(path string) (*List, error) {
	f, err := safeopen.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading ignore file: %w", err)
	}
	defer f.Close()
	var buf bytes.Buffer
	if _, err := buf.ReadFrom(io.LimitReader(f, MaxFileSize+1)); err != nil {
		return nil, fmt.Errorf("reading ignore file %s: %w", path, err)
	}
	if buf.Len() > MaxFileSize {
		return nil, &Error{File: path, Err: fmt.Errorf("larger than %d bytes", MaxFileSize)}
	}
	return Parse(buf.Bytes(), path)
}

// fileFormat is the TOML document.
type fileFormat struct {
	IgnoredVulns []entryFormat `toml:"IgnoredVulns"`
}

// entryFormat takes any TOML type so that a wrong one is reported with the
// entry's position rather than as the decoder's bare message.
type entryFormat struct {
	ID          any `toml:"id"`
	Package     any `toml:"package"`
	Reason      any `toml:"reason"`
	IgnoreUntil any `toml:"ignoreUntil"`
}

// Parse parses an ignore file's content; file names it in errors. Errors
// are *Error with the line (and column where the TOML parser knows it).
func Parse(data []byte, file string) (*List, error) {
	if len(data) > MaxFileSize {
		return nil, &Error{File: file, Err: fmt.Errorf("larger than %d bytes", MaxFileSize)}
	}
	var doc fileFormat
	md, err := tomlfile.Decode(data, file, &doc)
	if err != nil {
		return nil, err
	}
	headers := entryLines(data)
	lineOf := func(i int) int {
		if i < len(headers) {
			return headers[i]
		}
		return 0
	}
	if und := md.Undecoded(); len(und) > 0 {
		k := und[0]
		// Undecoded keys of array tables carry no index: the first line
		// that defines the key in any entry.
		line := tomlfile.KeyLine(data, k)
		return nil, &Error{File: file, Line: line, Err: fmt.Errorf("unknown key %q (want [[IgnoredVulns]] entries with id, package, reason, ignoreUntil)", k.String())}
	}
	l := &List{File: file}
	for i, e := range doc.IgnoredVulns {
		line := lineOf(i)
		fail := func(format string, args ...any) error {
			return &Error{File: file, Line: line, Err: fmt.Errorf("IgnoredVulns entry %d: "+format, append([]any{i + 1}, args...)...)}
		}
		var strs [3]string
		for j, f := range []struct {
			key string
			v   any
		}{{"id", e.ID}, {"package", e.Package}, {"reason", e.Reason}} {
			switch v := f.v.(type) {
			case nil:
			case string:
				strs[j] = strings.TrimSpace(v)
				if strs[j] == "" && f.key == "package" {
					// A blank glob must not quietly mean "every package".
					return nil, fail("package is blank: give an fnmatch glob, or leave the key out to match every package")
				}
			default:
				return nil, fail("%s must be a string, not %s", f.key, tomlfile.Kind(v))
			}
		}
		r := Rule{ID: strs[0], Package: strs[1], Reason: strs[2], Line: line}
		if r.ID == "" {
			return nil, fail("id is required (a vid, URL or CVE name)")
		}
		if r.Reason == "" {
			return nil, fail("reason is required")
		}
		until, err := parseUntil(e.IgnoreUntil)
		if err != nil {
			return nil, fail("ignoreUntil: %v", err)
		}
		r.Until = until
		l.Rules = append(l.Rules, r)
	}
	l.index()
	return l, nil
}

// parseUntil accepts a TOML date, date-time or local date-time, or a
// string holding "YYYY-MM-DD" or an RFC 3339 time. Dates and local times
// are taken as UTC.
func parseUntil(v any) (time.Time, error) {
	switch v := v.(type) {
	case nil:
		return time.Time{}, nil
	case time.Time:
		if name, _ := v.Zone(); strings.HasSuffix(name, "-local") {
			return time.Date(v.Year(), v.Month(), v.Day(), v.Hour(), v.Minute(), v.Second(), v.Nanosecond(), time.UTC), nil
		}
		return v, nil
	case string:
		s := strings.TrimSpace(v)
		if t, err := time.Parse(time.DateOnly, s); err == nil {
			return t, nil
		}
		if t, err := time.Parse(time.RFC3339, s); err == nil {
			return t, nil
		}
		return time.Time{}, fmt.Errorf("%q is neither a date (2026-12-31) nor an RFC 3339 time", v)
	}
	return time.Time{}, fmt.Errorf("want a date, not %s", tomlfile.Kind(v))
}

// entryLines returns the line of every "[[IgnoredVulns]]" header, in order.
func entryLines(data []byte) []int {
	var lines []int
	for i, line := range bytes.Split(data, []byte("\n")) {
		t := bytes.TrimSpace(line)
		if bytes.HasPrefix(t, []byte("[[")) {
			name := bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(bytes.TrimPrefix(t, []byte("[["))), []byte("]]")))
			if string(name) == "IgnoredVulns" || string(name) == `"IgnoredVulns"` {
				lines = append(lines, i+1)
			}
		}
	}
	return lines
}

// Match returns the first rule that ignores one of ids for the package
// pkgName ("name-version", or a bare name) at time now. A rule applies
// when it is active at now, its ID equals one of ids (ignoring case), and
// its Package glob is empty or matches pkgName or pkgName's name part (the
// text before its last '-'). Rules are looked up by ID, so the cost does
// not grow with the number of rules. Lists from Parse and Load may be used
// concurrently as long as Rules is not changed.
func (l *List) Match(pkgName string, ids []string, now time.Time) (*Rule, bool) {
	if l == nil {
		return nil, false
	}
	idx := l.index()
	best := -1
	for _, id := range ids {
		for _, i := range idx[strings.ToLower(id)] {
			if best >= 0 && i >= best {
				break // indices are ascending: nothing earlier left
			}
			r := &l.Rules[i]
			if r.Active(now) && r.matchesPackage(pkgName) {
				best = i
				break
			}
		}
	}
	if best < 0 {
		return nil, false
	}
	return &l.Rules[best], true
}

func (r *Rule) matchesPackage(pkgName string) bool {
	if r.Package == "" {
		return true
	}
	if fnmatch.Match(r.Package, pkgName, 0) {
		return true
	}
	if i := strings.LastIndexByte(pkgName, '-'); i >= 0 {
		return fnmatch.Match(r.Package, pkgName[:i], 0)
	}
	return false
}

// Expired returns the rules whose expiry date has passed at now, in file
// order, for the caller to warn about.
func (l *List) Expired(now time.Time) []Rule {
	if l == nil {
		return nil
	}
	var out []Rule
	for _, r := range l.Rules {
		if !r.Active(now) {
			out = append(out, r)
		}
	}
	return out
}

// Warning returns the message to print for an expired rule, prefixed with
// its position: "FILE:LINE: ignore entry for ID (package GLOB) expired on
// DATE; it no longer applies".
func (l *List) Warning(r Rule) string {
	pos := l.File
	if r.Line > 0 {
		pos = fmt.Sprintf("%s:%d", l.File, r.Line)
	}
	what := r.ID
	if r.Package != "" {
		what += " (package " + r.Package + ")"
	}
	return fmt.Sprintf("%s: ignore entry for %s expired on %s; it no longer applies", pos, what, r.Until.Format(time.DateOnly))
}
