// Package tomlfile decodes the TOML files pkgaudit reads (pkgaudit.toml,
// ignore files) with BurntSushi/toml and reports their problems with the
// file, line and column they concern: one error type, one conversion of
// the library's parse errors, and one way to find the line of a key for
// problems found after decoding (unknown keys, bad values).
package tomlfile

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/pkgaudit/pkgaudit/diag"
)

// Error is a problem in a TOML file, with its position.
type Error = diag.Error

// Decode decodes data, the content of file, into v. A syntax or type error
// is an *Error at the parser's position, its message naming the key being
// decoded ("KEY: message").
func Decode(data []byte, file string, v any) (toml.MetaData, error) {
	md, err := toml.NewDecoder(bytes.NewReader(data)).Decode(v)
	if err == nil {
		return md, nil
	}
	var pe toml.ParseError
	var ppe *toml.ParseError
	if errors.As(err, &ppe) && ppe != nil {
		pe = *ppe
	} else if !errors.As(err, &pe) {
		return md, &Error{File: file, Err: err}
	}
	msg := pe.Message
	if pe.LastKey != "" {
		msg = fmt.Sprintf("%s: %s", pe.LastKey, msg)
	}
	return md, &Error{File: file, Line: pe.Position.Line, Column: pe.Position.Col, Err: errors.New(msg)}
}

// KeyLine finds the line that defines key (1-based; 0 when not found): a
// `key =` line inside the key's table (or array-of-tables entry), a dotted
// `table.key =` line, or the `[table]` / `[[table]]` header for a table key.
func KeyLine(data []byte, key []string) int {
	if len(key) == 0 {
		return 0
	}
	want := strings.Join(key, ".")
	table := ""
	for i, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		if strings.HasPrefix(line, "[") {
			h := strings.Trim(line, "[] \t")
			if j := strings.Index(h, "#"); j >= 0 {
				h = strings.TrimSpace(strings.TrimRight(h[:j], "] \t"))
			}
			table = unquoteKey(h)
			if table == want {
				return i + 1
			}
			continue
		}
		eq := strings.Index(line, "=")
		if eq <= 0 {
			continue
		}
		full := unquoteKey(strings.TrimSpace(line[:eq]))
		if table != "" {
			full = table + "." + full
		}
		if full == want || strings.HasPrefix(full, want+".") {
			return i + 1
		}
	}
	return 0
}

// unquoteKey normalises a (possibly dotted, possibly quoted) TOML key.
func unquoteKey(s string) string {
	parts := strings.Split(s, ".")
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if len(p) >= 2 && (p[0] == '"' || p[0] == '\'') && p[len(p)-1] == p[0] {
			p = p[1 : len(p)-1]
		}
		parts[i] = p
	}
	return strings.Join(parts, ".")
}

// Kind names the TOML type of a decoded value, for messages ("an integer").
func Kind(v any) string {
	switch v.(type) {
	case string:
		return "a string"
	case int64:
		return "an integer"
	case float64:
		return "a float"
	case bool:
		return "a boolean"
	case time.Time:
		return "a date-time"
	case []any:
		return "an array"
	case map[string]any:
		return "a table"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("%T", v)
}
