package vuxml

import (
	"bufio"
	"io"
	"sort"
	"strings"
)

// Write writes doc as VuXML: an XML declaration, the DOCTYPE of VuXML 1.1
// (with an internal subset declaring the document's internal entities,
// if its descriptions may use them) and a <vuxml> root; or, for a
// fragment (doc.Fragment), the bare <vuln> elements of a year file. The
// layout is that of the port's files: two spaces before <vuln>, a blank
// line between entries, a tab before <name> and <range>. Text is escaped
// (&amp; &lt; &gt;, and character references for CR and, in attributes,
// for tab, LF and CR), so that parsing the output gives the same model;
// description XHTML is written verbatim. Issues are not written.
func Write(w io.Writer, doc *Document) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var ents *descEntities
	for _, e := range doc.Entries {
		if e.Description.ents != nil && len(e.Description.ents.decls) > 0 {
			ents = e.Description.ents
			break
		}
	}
	if !doc.Fragment {
		bw.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	}
	if !doc.Fragment || ents != nil {
		bw.WriteString(`<!DOCTYPE vuxml PUBLIC "-//vuxml.org//DTD VuXML 1.1//EN" "http://www.vuxml.org/dtd/vuxml-1/vuxml-11.dtd"`)
		if ents != nil {
			writeSubset(bw, ents.decls)
		}
		bw.WriteString(">\n")
	}
	if !doc.Fragment {
		bw.WriteString(`<vuxml xmlns="` + Namespace + `">` + "\n")
	}
	for i, e := range doc.Entries {
		if i > 0 {
			bw.WriteByte('\n')
		}
		writeEntry(bw, e)
	}
	if !doc.Fragment {
		bw.WriteString("</vuxml>\n")
	}
	return bw.Flush()
}

// WriteTo writes the document as Write does.
func (d *Document) WriteTo(w io.Writer) (int64, error) {
	cw := &countWriter{w: w}
	err := Write(cw, d)
	return cw.n, err
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// WriteEntry writes one entry as Write does: from "  <vuln" to
// "  </vuln>\n".
func WriteEntry(w io.Writer, e *Entry) error {
	bw := bufio.NewWriter(w)
	writeEntry(bw, e)
	return bw.Flush()
}

// writeSubset declares the internal entities (the external ones are not
// needed: their content is in the model).
func writeSubset(w *bufio.Writer, decls map[string]*entityDecl) {
	var names []string
	for n, d := range decls {
		if !d.external {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return
	}
	sort.Strings(names)
	w.WriteString(" [\n")
	for _, n := range names {
		w.WriteString("<!ENTITY " + n + ` "`)
		// the replacement text, re-escaped so that declaring it gives it back
		for _, c := range []byte(decls[n].value) {
			switch c {
			case '"':
				w.WriteString("&#34;")
			case '%':
				w.WriteString("&#37;")
			case '\r':
				w.WriteString("&#13;")
			default:
				w.WriteByte(c)
			}
		}
		w.WriteString("\">\n")
	}
	w.WriteString("]")
}

func writeEntry(w *bufio.Writer, e *Entry) {
	w.WriteString(`  <vuln vid="`)
	escAttr(w, e.VID)
	w.WriteString("\">")
	if e.Cancelled != nil && e.Topic == "" && len(e.Affects) == 0 && !e.Description.Pos.IsValid() && len(e.References) == 0 && !e.Dates.Pos.IsValid() {
		writeCancelled(w, e.Cancelled)
		w.WriteString("</vuln>\n")
		return
	}
	w.WriteByte('\n')
	if e.TopicPos.IsValid() || e.Topic != "" {
		w.WriteString("    <topic>")
		escText(w, e.Topic)
		w.WriteString("</topic>\n")
	}
	if len(e.Affects) > 0 {
		w.WriteString("    <affects>\n")
		for _, a := range e.Affects {
			tag := "package"
			if a.Kind == System {
				tag = "system"
			}
			w.WriteString("      <" + tag + ">\n")
			for _, n := range a.Names {
				w.WriteString("\t<name>")
				escText(w, n.Value)
				w.WriteString("</name>\n")
			}
			for _, r := range a.Ranges {
				w.WriteString("\t<range>")
				for _, b := range r.Bounds {
					op := b.Op.String()
					w.WriteString("<" + op + ">")
					escText(w, b.Version)
					w.WriteString("</" + op + ">")
				}
				w.WriteString("</range>\n")
			}
			w.WriteString("      </" + tag + ">\n")
		}
		w.WriteString("    </affects>\n")
	}
	if e.Description.Pos.IsValid() || e.Description.XHTML != "" {
		w.WriteString("    <description>")
		w.WriteString(e.Description.XHTML)
		w.WriteString("</description>\n")
	}
	if len(e.References) > 0 {
		w.WriteString("    <references>\n")
		for _, r := range e.References {
			w.WriteString("      <" + r.Kind)
			for _, a := range r.Attrs {
				w.WriteString(" " + a.Name + `="`)
				escAttr(w, a.Value)
				w.WriteString(`"`)
			}
			w.WriteString(">")
			escText(w, r.Value)
			w.WriteString("</" + r.Kind + ">\n")
		}
		w.WriteString("    </references>\n")
	}
	if d := e.Dates; d.Pos.IsValid() || d.Discovery != "" || d.Entry != "" || d.Modified != "" {
		w.WriteString("    <dates>\n")
		for _, x := range [...]struct{ tag, v string }{{"discovery", d.Discovery}, {"entry", d.Entry}, {"modified", d.Modified}} {
			if x.v == "" && x.tag == "modified" {
				continue
			}
			w.WriteString("      <" + x.tag + ">")
			escText(w, x.v)
			w.WriteString("</" + x.tag + ">\n")
		}
		w.WriteString("    </dates>\n")
	}
	if e.Cancelled != nil {
		w.WriteString("    ")
		writeCancelled(w, e.Cancelled)
		w.WriteByte('\n')
	}
	w.WriteString("  </vuln>\n")
}

func writeCancelled(w *bufio.Writer, c *Cancelled) {
	w.WriteString("<cancelled")
	if c.Superseded != "" {
		w.WriteString(` superseded="`)
		escAttr(w, c.Superseded)
		w.WriteString(`"`)
	}
	w.WriteString("/>")
}

// escText writes character data: & < > escaped, CR as a reference (it
// would otherwise become LF).
func escText(w *bufio.Writer, s string) {
	if !strings.ContainsAny(s, "&<>\r") {
		w.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			w.WriteString("&amp;")
		case '<':
			w.WriteString("&lt;")
		case '>':
			w.WriteString("&gt;")
		case '\r':
			w.WriteString("&#13;")
		default:
			w.WriteByte(c)
		}
	}
}

// escAttr writes a double-quoted attribute value's content.
func escAttr(w *bufio.Writer, s string) {
	if !strings.ContainsAny(s, "&<\"\t\n\r") {
		w.WriteString(s)
		return
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			w.WriteString("&amp;")
		case '<':
			w.WriteString("&lt;")
		case '"':
			w.WriteString("&quot;")
		case '\t':
			w.WriteString("&#9;")
		case '\n':
			w.WriteString("&#10;")
		case '\r':
			w.WriteString("&#13;")
		default:
			w.WriteByte(c)
		}
	}
}
