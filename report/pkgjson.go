package report

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// WritePkgJSON writes in in the schema of pkg audit -Rjson (compact: of
// -Rjson-compact), emitted byte for byte as libucl's UCL_EMIT_JSON and
// UCL_EMIT_JSON_COMPACT do:
//
//	{
//	    "pkg_count": 1,
//	    "packages": {
//	        "NAME": {
//	            "version": "VERSION",
//	            "issue_count": 1,
//	            "issues": [
//	                {
//	                    "Affected versions": [
//	                        "< 1.2"
//	                    ],
//	                    "description": "TOPIC",
//	                    "cve": [
//	                        "CVE-..."
//	                    ],
//	                    "url": "https://vuxml.FreeBSD.org/freebsd/VID.html"
//	                }
//	            ],
//	            "reverse dependencies": [
//
//	            ]
//	        }
//	    }
//	}
//
// "packages" is left out when nothing is vulnerable, "version" for a
// versionless query, "description" when the advisory has no topic, "cve"
// when it has no CVE name and "url" when it has no vid. "Affected versions"
// lists every range of the matching block, always. With Quiet each package
// has its first issue only (issue_count 1), as pkg's matcher stops there.
// Packages are keyed by name: the caller keeps one package per name, as
// pkg does. Ignored findings are never listed (pkg has no such notion).
func WritePkgJSON(w io.Writer, in *Input, compact bool) error {
	bw := bufio.NewWriter(w)
	e := uclEmitter{w: bw, compact: compact}
	e.elt(pkgRawTop(in), true, "", false)
	bw.WriteByte('\n')
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// WritePkgUCL writes in as pkg audit -R (and -Rucl) does: the object of
// WritePkgJSON, emitted byte for byte as libucl's UCL_EMIT_CONFIG does
// (the top object without braces, "key = value;" in objects, "value," in
// arrays, 4-space indent, keys holding characters UCL does not allow bare
// quoted), followed by pkg's newline:
//
//	pkg_count = 1;
//	packages {
//	    test {
//	        version = "1.5";
//	        issue_count = 1;
//	        issues [
//	            {
//	                "Affected versions" [
//	                    ">=1.0 <2.0",
//	                ]
//	                description = "Test vulnerability in test package";
//	                cve [
//	                    "CVE-2024-00001",
//	                ]
//	                url = "https://vuxml.FreeBSD.org/freebsd/test-vuln-001.html";
//	            }
//	        ]
//	        "reverse dependencies" [
//	        ]
//	    }
//	}
func WritePkgUCL(w io.Writer, in *Input) error {
	bw := bufio.NewWriter(w)
	top := pkgRawTop(in)
	for i, k := range top.keys {
		uclConfigElt(bw, top.vals[i], k, true, 0, false)
	}
	bw.WriteByte('\n')
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// uclConfigElt is ucl_emitter_common_elt for UCL_EMIT_CONFIG below the
// top object: indent, key, value, and the terminator (";" after a value
// in an object, "," in an array, nothing after a container).
func uclConfigElt(w *bufio.Writer, v uclValue, key string, printKey bool, indent int, inArray bool) {
	w.WriteString(strings.Repeat(" ", 4*indent))
	if printKey {
		if uclKeyNeedsEscape(key) {
			uclWriteString(w, key)
		} else {
			w.WriteString(key)
		}
		switch v.(type) {
		case uclArray, *uclObject:
			w.WriteByte(' ')
		default:
			w.WriteString(" = ")
		}
	}
	switch v := v.(type) {
	case uclString:
		if s := string(v); len(s) > 80 && strings.Contains(s, "\n") {
			w.WriteString("<<EOD\n" + s + "\nEOD")
		} else {
			uclWriteString(w, s)
		}
	case uclInt:
		w.WriteString(strconv.FormatInt(int64(v), 10))
	case uclArray:
		w.WriteString("[\n")
		for _, x := range v {
			uclConfigElt(w, x, "", false, indent+1, true)
		}
		w.WriteString(strings.Repeat(" ", 4*indent) + "]\n")
		return
	case *uclObject:
		w.WriteString("{\n")
		for i, k := range v.keys {
			uclConfigElt(w, v.vals[i], k, true, indent+1, false)
		}
		w.WriteString(strings.Repeat(" ", 4*indent) + "}\n")
		return
	}
	if inArray {
		w.WriteString(",\n")
	} else {
		w.WriteString(";\n")
	}
}

// uclKeyNeedsEscape is libucl's UCL_OBJECT_NEED_KEY_ESCAPE: the key holds
// a byte its character table marks UCL_CHARACTER_UCL_UNSAFE.
func uclKeyNeedsEscape(k string) bool {
	return strings.ContainsAny(k, "\x00\b\t\n\f\r \"+:=[\\{")
}

// pkgRawTop builds the object pkg audit -R emits.
func pkgRawTop(in *Input) *uclObject {
	top := &uclObject{}
	var pkgs *uclObject
	count := 0
	for i := range in.Packages {
		p := &in.Packages[i]
		var issues uclArray
		for j := range p.Findings {
			f := &p.Findings[j]
			if f.Ignored != nil {
				continue
			}
			issues = append(issues, pkgJSONIssue(f))
			if in.Quiet {
				break
			}
		}
		if len(issues) == 0 {
			continue
		}
		count++
		obj := &uclObject{}
		if p.HasVersion {
			obj.add("version", uclString(p.Version))
		}
		obj.add("issue_count", uclInt(len(issues)))
		obj.add("issues", issues)
		deps := uclArray{}
		for _, d := range p.Dependents {
			deps = append(deps, uclString(d))
		}
		obj.add("reverse dependencies", deps)
		if pkgs == nil {
			pkgs = &uclObject{}
		}
		pkgs.add(p.Name, obj)
	}
	top.add("pkg_count", uclInt(count))
	if pkgs != nil {
		top.add("packages", pkgs)
	}
	return top
}

func pkgJSONIssue(f *Finding) *uclObject {
	o := &uclObject{}
	versions := uclArray{}
	for _, v := range affectedVersions(f.Block()) {
		versions = append(versions, uclString(v))
	}
	o.add("Affected versions", versions)
	if t := textTopic(f.Advisory); t != "" {
		o.add("description", uclString(t))
	}
	if cves := f.withoutIgnored(textCVEs(f.Advisory)); len(cves) > 0 {
		arr := make(uclArray, len(cves))
		for i, c := range cves {
			arr[i] = uclString(c)
		}
		o.add("cve", arr)
	}
	if u := f.URL(); u != "" {
		o.add("url", uclString(u))
	}
	return o
}

// A small model of the libucl objects pkg builds, and its JSON emitters.
type (
	uclValue  any // uclString, uclInt, uclArray or *uclObject
	uclString string
	uclInt    int64
	uclArray  []uclValue
	uclObject struct {
		keys []string
		vals []uclValue
	}
)

// add appends a key; keys keep their insertion order, as libucl's hash
// iterates them.
func (o *uclObject) add(key string, v uclValue) {
	o.keys = append(o.keys, key)
	o.vals = append(o.vals, v)
}

// uclEmitter reproduces ucl_emitter.c for UCL_EMIT_JSON (4-space indent,
// ",\n" between elements, an empty array or object as "[\n\n<indent>]")
// and UCL_EMIT_JSON_COMPACT.
type uclEmitter struct {
	w       *bufio.Writer
	compact bool
	indent  int
}

func (e *uclEmitter) tabs() {
	if !e.compact && e.indent > 0 {
		e.w.WriteString(strings.Repeat(" ", 4*e.indent))
	}
}

// elt is ucl_emitter_common_elt: separator, indent, key, value.
func (e *uclEmitter) elt(v uclValue, first bool, key string, printKey bool) {
	if !first {
		if e.compact {
			e.w.WriteByte(',')
		} else {
			e.w.WriteString(",\n")
		}
	}
	e.tabs()
	if printKey {
		e.key(key)
	}
	switch v := v.(type) {
	case uclString:
		uclWriteString(e.w, string(v))
	case uclInt:
		e.w.WriteString(strconv.FormatInt(int64(v), 10))
	case uclArray:
		e.open('[')
		for i, x := range v {
			e.elt(x, i == 0, "", false)
		}
		e.close(']')
	case *uclObject:
		e.open('{')
		for i, k := range v.keys {
			e.elt(v.vals[i], i == 0, k, true)
		}
		e.close('}')
	}
}

// key prints a key as ucl_emitter_print_key does; an empty key is written
// as null.
func (e *uclEmitter) key(k string) {
	if k == "" {
		e.w.WriteString("null")
	} else {
		uclWriteString(e.w, k)
	}
	if e.compact {
		e.w.WriteByte(':')
	} else {
		e.w.WriteString(": ")
	}
}

func (e *uclEmitter) open(c byte) {
	e.w.WriteByte(c)
	if !e.compact {
		e.w.WriteByte('\n')
	}
	e.indent++
}

func (e *uclEmitter) close(c byte) {
	e.indent--
	if !e.compact {
		e.w.WriteByte('\n')
		e.tabs()
	}
	e.w.WriteByte(c)
}

// uclWriteString quotes s as ucl_elt_string_write_json does, byte by byte:
// \n \r \b \t \f \\ \" escaped, vertical tab as \u000B, every other control
// byte (and DEL) replaced by \uFFFD, bytes >= 0x80 copied as they are.
func uclWriteString(w *bufio.Writer, s string) {
	w.WriteByte('"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		var esc string
		switch {
		case c == '\n':
			esc = `\n`
		case c == '\r':
			esc = `\r`
		case c == '\b':
			esc = `\b`
		case c == '\t':
			esc = `\t`
		case c == '\f':
			esc = `\f`
		case c == '\v':
			esc = `\u000B`
		case c == '\\':
			esc = `\\`
		case c == '"':
			esc = `\"`
		case c < 0x20 || c == 0x7f:
			esc = `\uFFFD`
		default:
			continue
		}
		w.WriteString(s[start:i])
		w.WriteString(esc)
		start = i + 1
	}
	w.WriteString(s[start:])
	w.WriteByte('"')
}
