package validate

import (
	"fmt"
	"path/filepath"

	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// FileError is a file that could not be read or parsed at all.
type FileError struct {
	Path string
	Err  error
}

func (e *FileError) Error() string { return e.Err.Error() }
func (e *FileError) Unwrap() error { return e.Err }

// Files validates the VuXML files at paths together: year fragments, whole
// documents and vuln.xml wrappers (each year file a wrapper includes is
// checked with its own positions, once even when also given by name). It
// returns the findings in file order, or a *FileError for a file that
// cannot be read or parsed.
func Files(paths []string, opts Options) ([]Finding, error) {
	ins := make([]input, len(paths))
	for i, p := range paths {
		ins[i] = input{path: p}
	}
	return run(ins, opts)
}

// Bytes validates one file held in memory, data, named file in positions
// (external entities are resolved relative to it).
func Bytes(file string, data []byte, opts Options) ([]Finding, error) {
	return run([]input{{path: file, data: data}}, opts)
}

// Input is a file to validate: its path, and its content when the caller
// read it (decompressed; nil: the file is read).
type Input struct {
	Path string
	Data []byte
}

// Inputs validates files together as Files does, some or all of them
// already read by the caller.
func Inputs(ins []Input, opts Options) ([]Finding, error) {
	in := make([]input, len(ins))
	for i, x := range ins {
		in[i] = input{path: x.Path, data: x.Data}
	}
	return run(in, opts)
}

type input struct {
	path string
	data []byte // nil: read the file
}

func run(ins []input, opts Options) ([]Finding, error) {
	var docs []*vuxml.Document
	var srcs []Source
	var order []string
	seenFile := map[string]bool{}
	seenEntry := map[string]bool{} // absolute file + offset of each entry
	var out []Finding
	mem := map[string][]byte{}
	for _, in := range ins {
		p := in.path
		var doc *vuxml.Document
		var err error
		if in.data != nil {
			mem[absPath(p)] = in.data
			doc, err = vuxml.Parse(in.data, vuxml.ParseOptions{FileName: p, NoExternalEntities: opts.NoExternalEntities})
		} else {
			doc, err = vuxml.ParseFile(p, vuxml.ParseOptions{NoExternalEntities: opts.NoExternalEntities})
		}
		if err != nil {
			return nil, &FileError{p, err}
		}
		files := []string{p}
		kept := &vuxml.Document{}
		for _, e := range doc.Entries {
			f := e.Pos.File
			if f == "" {
				f = p
			}
			key := fmt.Sprintf("%s\x00%d", absPath(f), e.Start)
			if seenEntry[key] {
				continue
			}
			seenEntry[key] = true
			kept.Entries = append(kept.Entries, e)
			files = append(files, f)
		}
		docs = append(docs, kept)
		out = append(out, issues(doc, p)...)
		for _, f := range files {
			a := absPath(f)
			if seenFile[a] {
				continue
			}
			seenFile[a] = true
			order = append(order, f)
			data, ok := mem[a]
			if !ok {
				if data, err = safeopen.ReadFile(f); err != nil {
					return nil, &FileError{f, err}
				}
			}
			srcs = append(srcs, Source{File: f, Data: data})
			fs, err := CheckText(f, data, opts)
			if err != nil {
				return nil, &FileError{f, err}
			}
			out = append(out, fs...)
		}
	}
	out = append(out, Check(docs, srcs, opts)...)
	out = dedupe(out)
	attachVIDs(out, docs, srcs)
	Sort(out, order)
	return out, nil
}

func absPath(p string) string {
	if a, err := filepath.Abs(p); err == nil {
		return a
	}
	return filepath.Clean(p)
}

// dedupe drops a finding that repeats another at the same place with the
// same check and message, and a missing-element finding of the model
// checks where the parser already reported a structural issue (the
// parser's findings come first).
func dedupe(fs []Finding) []Finding {
	type key struct {
		file       string
		line, col  int
		check, msg string
	}
	type at struct {
		file      string
		line, col int
	}
	seen := map[key]bool{}
	structure := map[at]bool{}
	out := fs[:0]
	for _, f := range fs {
		k := key{f.File, f.Line, f.Col, f.Check, f.Message}
		if seen[k] {
			continue
		}
		seen[k] = true
		a := at{f.File, f.Line, f.Col}
		switch f.Check {
		case "range-missing", "references-missing", "dates-missing", "structure":
			if structure[a] {
				continue
			}
		}
		if f.Check == "structure" {
			structure[a] = true
		}
		out = append(out, f)
	}
	return out
}

// attachVIDs gives findings without a vid the vid of the entry whose text
// holds their position.
func attachVIDs(fs []Finding, docs []*vuxml.Document, srcs []Source) {
	lines := map[string]*source{}
	for _, s := range srcs {
		lines[s.File] = newSource(s.Data)
	}
	type span struct {
		start, end int
		vid        string
	}
	spans := map[string][]span{}
	for _, d := range docs {
		for _, e := range d.Entries {
			spans[e.Pos.File] = append(spans[e.Pos.File], span{e.Start, e.End, e.VID})
		}
	}
	for i := range fs {
		f := &fs[i]
		if f.VID != "" {
			continue
		}
		s := lines[f.File]
		if s == nil {
			continue
		}
		off := s.offset(vuxml.Pos{File: f.File, Line: f.Line, Col: f.Col})
		for _, sp := range spans[f.File] {
			if off >= sp.start && off < sp.end {
				f.VID = sp.vid
				break
			}
		}
	}
}
