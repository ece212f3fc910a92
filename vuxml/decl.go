package vuxml

import "strings"

// checkXMLDecl checks the content of an XML declaration <?xml ...?> (the
// text after "xml", before "?>"); textDecl selects the grammar of an
// external entity's text declaration (version optional, encoding
// required). Only version 1.0 and the UTF-8 encoding are accepted. It
// returns "" or the reason for refusing.
func checkXMLDecl(s string, textDecl bool) string {
	i := 0
	space := func() int {
		n := 0
		for i < len(s) && isSpace(s[i]) {
			i++
			n++
		}
		return n
	}
	// pseudo reads S name Eq quoted-value, or reports false when the next
	// pseudo-attribute is not name.
	pseudo := func(name string) (string, bool, string) {
		save := i
		if space() == 0 || !strings.HasPrefix(s[i:], name) {
			i = save
			return "", false, ""
		}
		i += len(name)
		space()
		if i >= len(s) || s[i] != '=' {
			return "", true, "expected = after " + name
		}
		i++
		space()
		if i >= len(s) || s[i] != '"' && s[i] != '\'' {
			return "", true, "expected quoted value of " + name
		}
		q := s[i]
		j := strings.IndexByte(s[i+1:], q)
		if j < 0 {
			return "", true, "unterminated value of " + name
		}
		v := s[i+1 : i+1+j]
		i += j + 2
		return v, true, ""
	}
	v, ok, msg := pseudo("version")
	switch {
	case msg != "":
		return msg
	case !ok && !textDecl:
		return "XML declaration without version"
	case ok && v != "1.0":
		return "unsupported XML version " + strconvQuote(v) + " (only 1.0)"
	}
	e, ok, msg := pseudo("encoding")
	switch {
	case msg != "":
		return msg
	case !ok && textDecl:
		return "text declaration without encoding"
	case ok && !strings.EqualFold(e, "utf-8"):
		return "unsupported encoding " + strconvQuote(e) + " (only UTF-8)"
	}
	if !textDecl {
		sd, ok, msg := pseudo("standalone")
		if msg != "" {
			return msg
		}
		if ok && sd != "yes" && sd != "no" {
			return "standalone must be yes or no"
		}
	}
	space()
	if i != len(s) {
		return "invalid XML declaration"
	}
	return ""
}

func strconvQuote(s string) string {
	if len(s) > 20 {
		s = s[:20] + "..."
	}
	return `"` + s + `"`
}
