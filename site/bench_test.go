package site

import (
	"path/filepath"
	"strconv"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/workload"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

func benchDocs(b *testing.B, standard bool) []*vuxml.Document {
	b.Helper()
	if standard {
		data, _ := workload.Cached(workload.Standard())
		doc, err := vuxml.Parse(data, vuxml.ParseOptions{FileName: "workload.xml"})
		if err != nil {
			b.Fatal(err)
		}
		return []*vuxml.Document{doc}
	}
	var docs []*vuxml.Document
	for _, f := range realFiles {
		doc, err := vuxml.ParseFile(f, vuxml.ParseOptions{})
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, doc)
	}
	return docs
}

func benchSite(docs []*vuxml.Document) *Site {
	s := New(Options{})
	for i, d := range docs {
		s.AddVuXML("db"+strconv.Itoa(i)+".xml", d)
	}
	return s
}

// Render into memory: templates, sanitiser, indexes, feed; no disk.
func benchRender(b *testing.B, standard bool) {
	docs := benchDocs(b, standard)
	b.ReportAllocs()
	var files, bytes int
	for b.Loop() {
		files, bytes = 0, 0
		s := benchSite(docs)
		err := s.Render(func(name string, data []byte) error { return nil })
		if err != nil {
			b.Fatal(err)
		}
		files = s.Summary().Files
	}
	_ = bytes
	b.ReportMetric(float64(files), "files")
}

// Write: the whole build into a new directory, synced.
func benchWrite(b *testing.B, standard bool) {
	docs := benchDocs(b, standard)
	root := b.TempDir()
	i := 0
	for b.Loop() {
		i++
		if err := benchSite(docs).Write(filepath.Join(root, strconv.Itoa(i))); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkRenderReal(b *testing.B)     { benchRender(b, false) }
func BenchmarkRenderStandard(b *testing.B) { benchRender(b, true) }
func BenchmarkWriteReal(b *testing.B)      { benchWrite(b, false) }
func BenchmarkWriteStandard(b *testing.B)  { benchWrite(b, true) }
