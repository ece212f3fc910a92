package vuxml

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
)

// dump renders every token as KIND[start,end) plus its details.
func dump(t *testing.T, in string, opts TokenizerOptions) ([]string, error) {
	t.Helper()
	tz := NewTokenizer([]byte(in), opts)
	var out []string
	for {
		tok, err := tz.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		s := fmt.Sprintf("%s[%d,%d)d%d", tok.Kind, tok.Span.Start, tok.Span.End, tok.Depth)
		l, c := tz.Pos(tok.Span.Start)
		s += fmt.Sprintf("@%d:%d", l, c)
		if tok.Name.Len() > 0 {
			s += " name=" + string(tz.Bytes(tok.Name))
		}
		switch tok.Kind {
		case TextToken, CDATAToken, CommentToken, ProcInstToken, DoctypeToken:
			s += fmt.Sprintf(" data=%q", tz.Bytes(tok.Data))
		case CharRefToken:
			s += fmt.Sprintf(" rune=%q", tok.Rune)
		}
		for _, a := range tok.Attrs {
			s += fmt.Sprintf(" %s=%c%s%c[%d,%d)", tz.Bytes(a.Name), a.Quote, tz.Bytes(a.Value), a.Quote, a.Value.Start, a.Value.End)
		}
		if tok.SelfClosing {
			s += " />"
		}
		out = append(out, s)
	}
}

func TestTokenizerTokens(t *testing.T) {
	in := "\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!DOCTYPE vuxml [<!ENTITY a \"x\">]>\n<vuxml a='1' b = \"2\">\r\n" +
		"<vuln vid=\"v&amp;1\"><topic>x &lt; y&#x41;&a;</topic><!--c--><?pi  d ?><![CDATA[<&]]><cancelled/></vuln></vuxml>"
	got, err := dump(t, in, TokenizerOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`ProcInst[3,24)d0@1:4 name=xml data="version=\"1.0\""`,
		`Text[24,25)d0@1:25 data="\n"`,
		`Doctype[25,59)d0@2:1 name=vuxml data="<!ENTITY a \"x\">"`,
		`Text[59,60)d0@2:35 data="\n"`,
		`StartTag[60,81)d1@3:1 name=vuxml a='1'[70,71) b="2"[78,79)`,
		`Text[81,83)d1@3:22 data="\r\n"`,
		`StartTag[83,103)d2@4:1 name=vuln vid="v&amp;1"[94,101)`,
		`StartTag[103,110)d3@4:21 name=topic`,
		`Text[110,112)d3@4:28 data="x "`,
		`EntityRef[112,116)d3@4:30 name=lt`,
		`Text[116,118)d3@4:34 data=" y"`,
		`CharRef[118,124)d3@4:36 rune='A'`,
		`EntityRef[124,127)d3@4:42 name=a`,
		`EndTag[127,135)d3@4:45 name=topic`,
		`Comment[135,143)d2@4:53 data="c"`,
		`ProcInst[143,153)d2@4:61 name=pi data="d "`,
		`CDATA[153,167)d2@4:71 data="<&"`,
		`StartTag[167,179)d3@4:85 name=cancelled />`,
		`EndTag[179,186)d2@4:97 name=vuln`,
		`EndTag[186,194)d1@4:104 name=vuxml`,
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got:\n%s", strings.Join(got, "\n"))
	}
	// fragments: several top-level elements and text are fine here
	if _, err := dump(t, "  <vuln/>\n\n  <vuln></vuln>\ntext", TokenizerOptions{}); err != nil {
		t.Error(err)
	}
}

func TestTokenizerErrors(t *testing.T) {
	for _, tt := range []struct {
		in   string
		opts TokenizerOptions
		err  error
		msg  string
	}{
		{"<a>", TokenizerOptions{}, ErrSyntax, "1:4: unexpected end of input: <a> not closed"},
		{"<a></b>", TokenizerOptions{}, ErrSyntax, "1:4: end tag </b> does not match <a>"},
		{"</a>", TokenizerOptions{}, ErrSyntax, "unexpected end tag"},
		{"<a x='1' x='2'/>", TokenizerOptions{}, ErrSyntax, "duplicate attribute x"},
		{"<a b='1' c='2' d='3' e='4' f='5' g='6' h='7' i='8' j='9' b='0'/>", TokenizerOptions{}, ErrSyntax, "duplicate attribute b"},
		{"<a x='1'y='2'/>", TokenizerOptions{}, ErrSyntax, "white space"},
		{"<a x=1/>", TokenizerOptions{}, ErrSyntax, "unquoted"},
		{"<a x/>", TokenizerOptions{}, ErrSyntax, "expected ="},
		{"<a x='<'/>", TokenizerOptions{}, ErrSyntax, "'<'"},
		{"<a x='&'/>", TokenizerOptions{}, ErrSyntax, "invalid entity reference"},
		{"<a>&#xD800;</a>", TokenizerOptions{}, ErrSyntax, "not an XML character"},
		{"<a>&#;</a>", TokenizerOptions{}, ErrSyntax, "invalid character reference"},
		{"<a>]]></a>", TokenizerOptions{}, ErrSyntax, "]]>"},
		{"<!-- a -- b -->", TokenizerOptions{}, ErrSyntax, "--"},
		{"<!-- a --->", TokenizerOptions{}, ErrSyntax, "--"},
		{"<![CDATA[x", TokenizerOptions{}, ErrSyntax, "unterminated CDATA"},
		{"<!FOO>", TokenizerOptions{}, ErrSyntax, "invalid markup"},
		{"<?xml version='1.0'?><?xml version='1.0'?>", TokenizerOptions{}, ErrSyntax, "1:22: XML declaration not at the start"},
		{"<?xml encoding='utf-8'?>", TokenizerOptions{}, ErrSyntax, "without version"},
		{"<?xml encoding='utf-8'?>", TokenizerOptions{Entity: true}, nil, ""},
		{"<?xml version='1.0'?>", TokenizerOptions{Entity: true}, ErrSyntax, "without encoding"},
		{"<!DOCTYPE x>", TokenizerOptions{Entity: true}, ErrSyntax, "external entity"},
		{"<a/><!DOCTYPE x>", TokenizerOptions{}, ErrSyntax, "after the first element"},
		{"<?pi?><a:b:c/>", TokenizerOptions{}, ErrSyntax, "invalid element name"},
		{"<1a/>", TokenizerOptions{}, ErrSyntax, "invalid element name"},
		{"<a>\x00</a>", TokenizerOptions{}, ErrSyntax, "1:4: invalid character"},
		{"<a><b><c/></b></a>", TokenizerOptions{MaxDepth: 2}, ErrTooDeep, "1:7: elements nested more than 2 deep"},
		{strings.Repeat("<a>", 10000), TokenizerOptions{}, ErrTooDeep, "1:193: "},
	} {
		_, err := dump(t, tt.in, tt.opts)
		if tt.err == nil {
			if err != nil {
				t.Errorf("%q: %v", tt.in, err)
			}
			continue
		}
		if !errors.Is(err, tt.err) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%q: got %v, want %v %q", tt.in, err, tt.err, tt.msg)
		}
	}
}

// TestTokenizerTidyOffsets shows how a byte-exact rewriter finds the vid
// value and the content of a text-only element in a real file.
func TestTokenizerTidyOffsets(t *testing.T) {
	src := readTestFile(t, yearFiles[2003])
	tz := NewTokenizer(src, TokenizerOptions{FileName: "2003.xml"})
	var vids, topics []string
	var topicStart int
	for {
		tok, err := tz.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case tok.Kind == StartTagToken && string(tz.Bytes(tok.Name)) == "vuln":
			for _, a := range tok.Attrs {
				if string(tz.Bytes(a.Name)) == "vid" {
					vids = append(vids, string(tz.Bytes(a.Value)))
				}
			}
		case tok.Kind == StartTagToken && string(tz.Bytes(tok.Name)) == "topic":
			topicStart = tok.Span.End
		case tok.Kind == EndTagToken && string(tz.Bytes(tok.Name)) == "topic":
			topics = append(topics, string(src[topicStart:tok.Span.Start]))
		}
	}
	if len(vids) != 10 || vids[0] != "81313647-2d03-11d8-9355-0020ed76ef5a" || len(topics) != 8 ||
		topics[0] != "ElGamal sign+encrypt keys created by GnuPG can be compromised" {
		t.Errorf("vids %v topics %v", vids, topics)
	}
}
