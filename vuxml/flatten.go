package vuxml

import (
	"bytes"
	"fmt"
	"io"
)

// Flatten reads the VuXML document at path and returns it as one
// self-contained document, as the port's "xmllint -noent vuln.xml >
// vuln-flat.xml" does: every reference to an external entity in the
// content (&vuln-2025;) is replaced by the text of the entity's file
// (without its byte-order mark or text declaration, recursively). The
// rest of the input is kept byte for byte, the XML declaration and the
// DOCTYPE with its internal subset included (xmllint keeps the DOCTYPE
// too; unlike xmllint, which re-serialises the whole tree, Flatten does
// not touch the year files' text, and it leaves references to internal
// and XHTML entities as they are). A document without external entities
// comes back unchanged.
//
// The input is parsed first (opts as for ParseFile; NoExternalEntities
// is ignored) and any error returned; the result is parsed again and
// must hold the same entries.
func Flatten(path string, opts ParseOptions) ([]byte, error) {
	opts = opts.withDefaults()
	opts.NoExternalEntities = false
	opts.FileName = path
	doc, err := ParseFile(path, opts)
	if err != nil {
		return nil, err
	}
	data, err := readLimited(path, opts.MaxSize)
	if err != nil {
		return nil, err
	}
	s := newState(opts)
	s.total = int64(len(data))
	var out bytes.Buffer
	out.Grow(len(data))
	if err := flattenInto(&out, s, data, path, false); err != nil {
		return nil, err
	}
	flat, err := Parse(out.Bytes(), ParseOptions{FileName: path, MaxSize: opts.MaxSize, MaxDepth: opts.MaxDepth,
		MaxEntityExpansion: opts.MaxEntityExpansion, MaxEntityDepth: opts.MaxEntityDepth, NoExternalEntities: true, NoCopy: true})
	if err != nil {
		return nil, fmt.Errorf("vuxml: flattened %s does not parse: %w", path, err)
	}
	if len(flat.Entries) != len(doc.Entries) {
		return nil, fmt.Errorf("vuxml: flattened %s has %d entries, not %d", path, len(flat.Entries), len(doc.Entries))
	}
	return out.Bytes(), nil
}

// flattenInto copies src to out with external entity references
// replaced. entity marks the content of an external entity (its text
// declaration is dropped).
func flattenInto(out *bytes.Buffer, s *pstate, src []byte, file string, entity bool) error {
	tz := NewTokenizer(src, TokenizerOptions{FileName: file, MaxDepth: s.opts.MaxDepth, Entity: entity})
	start := 0
	if bytes.HasPrefix(src, []byte("\xef\xbb\xbf")) {
		if entity {
			start = 3
		}
	}
	for {
		tok, err := tz.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		switch tok.Kind {
		case DoctypeToken:
			s.ents.decls = tz.dt.ents
		case ProcInstToken:
			if entity && tok.Span.Start <= 3 && string(tz.Bytes(tok.Name)) == "xml" {
				start = tok.Span.End // the text declaration goes
			}
		case EntityRefToken:
			kind, d, _ := s.ents.lookup(string(tz.Bytes(tok.Name)))
			if kind != refExternal {
				continue
			}
			data, name, msg, sentinel := s.loadExternal(d)
			if msg != "" {
				return errorAt(tz.Position(tok.Span.Start), msg, sentinel)
			}
			out.Write(src[start:tok.Span.Start])
			s.active = append(s.active, d.name)
			err := flattenInto(out, s, data, name, true)
			s.active = s.active[:len(s.active)-1]
			if err != nil {
				return err
			}
			start = tok.Span.End
		}
	}
	out.Write(src[start:])
	return nil
}
