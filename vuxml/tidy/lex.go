package tidy

import (
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/pkgaudit/pkgaudit/diag"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// The token stream tidy works on: vuxml.Tokenizer's tokens with the byte
// range each covers in the input.

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

// SyntaxError is an input tidy cannot tokenize.
type SyntaxError = diag.Error

// syntaxError is the SyntaxError of msg at p.
func syntaxError(p vuxml.Pos, msg string) *SyntaxError {
	return &SyntaxError{File: p.File, Line: p.Line, Column: p.Col, Msg: msg}
}

// lex splits data into tokens with vuxml.Tokenizer (which checks what is
// lexical about well-formedness, tag matching included). Entity and
// character references become text tokens of their own: a reference to a
// predefined entity or a character carries its character, any other
// entity reference (vuln.xml's &vuln-2026;) an opaque marker that is never
// white space. A self-closing start tag is followed by an empty end token.
func lex(file string, data []byte, lines *lineIndex) ([]token, error) {
	tz := vuxml.NewTokenizer(data, vuxml.TokenizerOptions{FileName: file})
	toks := make([]token, 0, len(data)/24+16)
	for {
		t, err := tz.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			var ve *vuxml.Error
			if errors.As(err, &ve) {
				return nil, syntaxError(vuxml.ErrorPos(ve), ve.Msg)
			}
			return nil, syntaxError(lines.pos(file, tz.Offset()), err.Error())
		}
		tk := token{start: t.Span.Start, end: t.Span.End}
		switch t.Kind {
		case vuxml.StartTagToken, vuxml.EndTagToken:
			tk.kind = tStart
			if t.Kind == vuxml.EndTagToken {
				tk.kind = tEnd
			}
			tk.prefix, tk.local = splitQName(string(tz.Bytes(t.Name)))
			for _, a := range t.Attrs {
				pfx, local := splitQName(string(tz.Bytes(a.Name)))
				tk.attrs = append(tk.attrs, attr{prefix: pfx, local: local,
					value: decodeRefs(string(tz.Bytes(a.Value))), nstart: a.Name.Start,
					vstart: a.Value.Start, vend: a.Value.End})
			}
			tk.selfClose = t.SelfClosing
		case vuxml.TextToken:
			tk.kind, tk.text = tText, string(tz.Text(t))
		case vuxml.CharRefToken:
			tk.kind, tk.text = tText, string(t.Rune)
		case vuxml.EntityRefToken:
			tk.kind, tk.text = tText, predefined(string(tz.Bytes(t.Name)))
		case vuxml.CDATAToken:
			tk.kind, tk.text = tCDATA, string(tz.Text(t))
		case vuxml.CommentToken:
			tk.kind = tComment
		case vuxml.ProcInstToken:
			tk.kind = tPI
		case vuxml.DoctypeToken:
			tk.kind = tDirective
		default:
			continue
		}
		toks = append(toks, tk)
		if tk.kind == tStart && tk.selfClose {
			toks = append(toks, token{kind: tEnd, start: tk.end, end: tk.end, prefix: tk.prefix, local: tk.local})
		}
	}
	return toks, nil
}

// opaque stands for an entity reference that is not predefined.
const opaque = "\uE000"

func predefined(name string) string {
	switch name {
	case "amp":
		return "&"
	case "lt":
		return "<"
	case "gt":
		return ">"
	case "quot":
		return `"`
	case "apos":
		return "'"
	}
	return opaque
}

// decodeRefs decodes the references of a raw attribute value (well
// formed: the tokenizer checked them).
func decodeRefs(s string) string {
	if !strings.Contains(s, "&") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		if s[i] != '&' {
			b.WriteByte(s[i])
			i++
			continue
		}
		j := strings.IndexByte(s[i:], ';')
		if j < 0 {
			b.WriteString(s[i:])
			break
		}
		ref := s[i+1 : i+j]
		switch {
		case strings.HasPrefix(ref, "#x"):
			if n, err := strconv.ParseUint(ref[2:], 16, 32); err == nil {
				b.WriteRune(rune(n))
			}
		case strings.HasPrefix(ref, "#"):
			if n, err := strconv.ParseUint(ref[1:], 10, 32); err == nil {
				b.WriteRune(rune(n))
			}
		default:
			b.WriteString(predefined(ref))
		}
		i += j + 1
	}
	return b.String()
}

func splitQName(q string) (prefix, local string) {
	if i := strings.IndexByte(q, ':'); i >= 0 {
		return q[:i], q[i+1:]
	}
	return "", q
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
