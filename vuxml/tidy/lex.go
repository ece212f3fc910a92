package tidy

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"regexp"

	"github.com/pkgaudit/pkgaudit/vuxml"
)

// The token stream tidy works on: encoding/xml's raw tokens with the byte
// range each covers in the input. Well-formedness is the parser's
// business (vuxml.Parse); this only needs to know where tags, text,
// comments and CDATA sections are.

type tokKind int

const (
	tStart tokKind = iota
	tEnd
	tText
	tCDATA
	tComment
	tPI
	tDirective
)

type attr struct {
	prefix, local string
	value         string // decoded
	nstart        int    // byte offset of the attribute name
	vstart, vend  int    // byte range of the raw value, between the quotes
}

type token struct {
	kind       tokKind
	start, end int
	prefix     string // of an element name
	local      string
	attrs      []attr
	selfClose  bool   // a start tag written <x/>; its end token is empty
	text       string // decoded text of tText and tCDATA
}

// reEntityDecl finds general entities declared in a DOCTYPE internal
// subset (vuln.xml's <!ENTITY vuln-2026 SYSTEM "vuln/2026.xml">), so that
// references to them are accepted as opaque text.
var reEntityDecl = regexp.MustCompile(`<!ENTITY\s+([^\s%][^\s]*)\s`)

// SyntaxError is an input tidy cannot tokenize.
type SyntaxError struct {
	Pos vuxml.Pos
	Msg string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d:%d: %s", e.Pos.File, e.Pos.Line, e.Pos.Col, e.Msg)
}

// lex splits data into tokens.
func lex(file string, data []byte, lines *lineIndex) ([]token, error) {
	d := xml.NewDecoder(bytes.NewReader(data))
	d.Strict = true
	d.Entity = map[string]string{}
	prolog := data
	if i := bytes.Index(data, []byte("<vuln")); i >= 0 {
		prolog = data[:i]
	}
	for _, m := range reEntityDecl.FindAllSubmatch(prolog, -1) {
		d.Entity[string(m[1])] = "\uE000" // opaque: never white space
	}
	var toks []token
	var open []token // RawToken does not match end tags to start tags
	for {
		start := int(d.InputOffset())
		t, err := d.RawToken()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var se *xml.SyntaxError
			msg := err.Error()
			if errors.As(err, &se) {
				msg = se.Msg
			}
			return nil, &SyntaxError{Pos: lines.pos(file, int(d.InputOffset())), Msg: msg}
		}
		end := int(d.InputOffset())
		tk := token{start: start, end: end}
		switch t := t.(type) {
		case xml.StartElement:
			tk.kind, tk.prefix, tk.local = tStart, t.Name.Space, t.Name.Local
			tk.selfClose = bytes.HasSuffix(data[start:end], []byte("/>"))
			tk.attrs = attrRanges(data, start, end, t.Attr)
			open = append(open, tk)
		case xml.EndElement:
			tk.kind, tk.prefix, tk.local = tEnd, t.Name.Space, t.Name.Local
			if len(open) == 0 {
				return nil, &SyntaxError{Pos: lines.pos(file, start), Msg: fmt.Sprintf("unexpected end element </%s>", qname(tk))}
			}
			if o := open[len(open)-1]; o.prefix != tk.prefix || o.local != tk.local {
				return nil, &SyntaxError{Pos: lines.pos(file, start), Msg: fmt.Sprintf("element <%s> closed by </%s>", qname(o), qname(tk))}
			}
			open = open[:len(open)-1]
		case xml.CharData:
			tk.kind, tk.text = tText, string(t)
			if bytes.HasPrefix(data[start:end], []byte("<![CDATA[")) {
				tk.kind = tCDATA
			}
		case xml.Comment:
			tk.kind = tComment
		case xml.ProcInst:
			tk.kind = tPI
		case xml.Directive:
			tk.kind = tDirective
		}
		toks = append(toks, tk)
	}
	if len(open) > 0 {
		o := open[len(open)-1]
		return nil, &SyntaxError{Pos: lines.pos(file, o.start), Msg: fmt.Sprintf("element <%s> is never closed", qname(o))}
	}
	return toks, nil
}

func qname(t token) string {
	if t.prefix != "" {
		return t.prefix + ":" + t.local
	}
	return t.local
}

// attrRanges finds the byte range of each attribute value inside the raw
// start tag data[start:end] (well formed: the decoder read it).
func attrRanges(data []byte, start, end int, decoded []xml.Attr) []attr {
	tag := data[start:end]
	i := 1
	for i < len(tag) && !isSpace(tag[i]) && tag[i] != '>' && tag[i] != '/' {
		i++ // element name
	}
	var out []attr
	for k := 0; k < len(decoded); k++ {
		for i < len(tag) && isSpace(tag[i]) {
			i++
		}
		ns := i
		for i < len(tag) && tag[i] != '=' && !isSpace(tag[i]) {
			i++ // attribute name
		}
		for i < len(tag) && tag[i] != '\'' && tag[i] != '"' {
			i++ // blanks, '=', blanks
		}
		if i >= len(tag) {
			break
		}
		q := tag[i]
		i++
		vs := i
		for i < len(tag) && tag[i] != q {
			i++
		}
		out = append(out, attr{prefix: decoded[k].Name.Space, local: decoded[k].Name.Local,
			value: decoded[k].Value, nstart: start + ns, vstart: start + vs, vend: start + i})
		i++
	}
	return out
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// lineIndex maps byte offsets to line:col positions.
type lineIndex struct{ starts []int }

func newLineIndex(data []byte) *lineIndex {
	li := &lineIndex{starts: []int{0}}
	for i, b := range data {
		if b == '\n' {
			li.starts = append(li.starts, i+1)
		}
	}
	return li
}

func (li *lineIndex) pos(file string, off int) vuxml.Pos {
	lo, hi := 0, len(li.starts)
	for lo+1 < hi {
		m := (lo + hi) / 2
		if li.starts[m] <= off {
			lo = m
		} else {
			hi = m
		}
	}
	return vuxml.Pos{File: file, Line: lo + 1, Col: off - li.starts[lo] + 1}
}
