package site

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"strings"
	"sync"

	"github.com/pkgaudit/pkgaudit/site/sanitize"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static/style.css
var styleCSS []byte

//go:embed static/search.js
var searchJS []byte

// licence is the notice of the VuXML data (testdata/DATA-README.md quotes
// it from security/vuxml/vuln.xml); its condition 2 requires it in every
// published form.
const licence = `Copyright 2003-2013 Jacques Vidrine and contributors

Redistribution and use in source (VuXML) and 'compiled' forms (SGML,
HTML, PDF, PostScript, RTF and so forth) with or without modification,
are permitted provided that the following conditions are met:
1. Redistributions of source code (VuXML) must retain the above
   copyright notice, this list of conditions and the following
   disclaimer as the first lines of this file unmodified.
2. Redistributions in compiled form (transformed to other DTDs,
   published online in any format, converted to PDF, PostScript,
   RTF and other formats) must reproduce the above copyright
   notice, this list of conditions and the following disclaimer
   in the documentation and/or other materials provided with the
   distribution.

THIS DOCUMENTATION IS PROVIDED BY THE AUTHOR AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO,
THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR
PURPOSE ARE DISCLAIMED. IN NO EVENT SHALL THE AUTHOR OR CONTRIBUTORS
BE LIABLE FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY,
OR CONSEQUENTIAL DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT
OF SUBSTITUTE GOODS OR SERVICES; LOSS OF USE, DATA, OR PROFITS; OR
BUSINESS INTERRUPTION) HOWEVER CAUSED AND ON ANY THEORY OF LIABILITY,
WHETHER IN CONTRACT, STRICT LIABILITY, OR TORT (INCLUDING NEGLIGENCE
OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE OF THIS DOCUMENTATION,
EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.`

var funcs = template.FuncMap{
	"plural": func(n int, one, many string) string {
		if n == 1 {
			return one
		}
		return many
	},
	"sub":    func(a, b int) int { return a - b },
	"anchor": anchorID,
	"cveID":  func(id string) string { return "CVE" + strings.TrimPrefix(strings.TrimPrefix(id, "CAN"), "CVE") },
}

// templates holds one template set per page kind, each the layout plus
// the page's "main".
var templates = sync.OnceValue(func() map[string]*template.Template {
	base := template.Must(template.New("").Funcs(funcs).ParseFS(templateFS, "templates/layout.html"))
	m := map[string]*template.Template{}
	for _, name := range []string{"vuln", "index", "package", "packages", "cves", "search", "about", "pkgsrc", "pkgsrcbase"} {
		m[name] = template.Must(template.Must(base.Clone()).ParseFS(templateFS, "templates/"+name+".html"))
	}
	return m
})

// page is what the layout shows around every page's content.
type page struct {
	Site      string
	Title     string
	Desc      string
	Nav       string
	Generated string
	HasVuXML  bool
	HasPkgsrc bool
	Data      any
}

// job renders one file.
type job struct {
	name   string
	render func(p *plan) ([]byte, error)
}

func (p *plan) page(title, nav string, data any) page {
	pg := page{Site: p.opts.Title, Title: title, Nav: nav, Data: data,
		HasVuXML: len(p.vulns) > 0, HasPkgsrc: len(p.pkgsrcBases) > 0 || p.pkgsrcOther != nil && len(p.pkgsrcOther.Lines) > 0}
	if !p.opts.Now.IsZero() {
		pg.Generated = p.opts.Now.UTC().Format("2006-01-02 15:04 UTC")
	}
	return pg
}

func htmlJob(name, tmpl string, pg func(p *plan) page) job {
	return job{name, func(p *plan) ([]byte, error) {
		var b bytes.Buffer
		if err := templates()[tmpl].ExecuteTemplate(&b, "layout", pg(p)); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return b.Bytes(), nil
	}}
}

func staticJob(name string, data []byte) job {
	return job{name, func(*plan) ([]byte, error) { return data, nil }}
}

// description is the sanitised body of an entry: headings demoted below
// the page's own <h1> and <h2>.
func description(v *vulnView) template.HTML {
	return template.HTML(strings.TrimSpace(sanitize.XHTML(v.e.Description.XHTML, sanitize.Options{HeadingOffset: 2})))
}

// jobs lists every file of the site, in a fixed order.
func (p *plan) jobs() []job {
	var jobs []job
	jobs = append(jobs, staticJob(fileCSS, styleCSS), staticJob(fileSearchJS, searchJS))
	hasVuXML := len(p.vulns) > 0
	jobs = append(jobs, htmlJob(fileIndex, "index", func(p *plan) page {
		return p.page("Vulnerabilities by date", "date", struct {
			Count   int
			Years   []vulnGroup
			HasFeed bool
		}{len(p.vulns), p.years, hasVuXML})
	}))
	jobs = append(jobs, htmlJob(filePackages, "packages", func(p *plan) page {
		return p.page("Packages", "packages", struct {
			Count   int
			Letters []pkgGroup
		}{len(p.pkgs), p.letters})
	}))
	jobs = append(jobs, htmlJob(fileCVEs, "cves", func(p *plan) page {
		return p.page("CVE names", "cves", struct {
			Count int
			Years []cveGroup
		}{len(p.cves), p.cveYrs})
	}))
	jobs = append(jobs, htmlJob(fileSearch, "search", func(p *plan) page {
		return p.page("Search", "search", struct{ Count int }{len(p.vulns) + len(p.pkgsrcBases) + min(1, p.otherLines())})
	}))
	jobs = append(jobs, htmlJob(fileAbout, "about", func(p *plan) page {
		pg := p.page("About", "about", nil)
		pg.Data = struct {
			Sources             []Source
			Licence             string
			HasVuXML, HasPkgsrc bool
		}{p.sources, licence, pg.HasVuXML, pg.HasPkgsrc}
		return pg
	}))
	jobs = append(jobs, job{fileFeed, (*plan).atom})
	jobs = append(jobs, job{fileIndexJSON, (*plan).searchJSON}, job{fileIndexJS, (*plan).searchJS})
	for _, v := range p.vulns {
		jobs = append(jobs, htmlJob(v.File, "vuln", func(p *plan) page {
			pg := p.page(v.Title, "", struct {
				V           *vulnView
				Description template.HTML
			}{v, description(v)})
			pg.Desc = metaDesc(v)
			return pg
		}))
	}
	for _, pv := range p.pkgs {
		jobs = append(jobs, htmlJob(pv.File, "package", func(p *plan) page {
			_, letter := letterOf(pv.Name)
			return p.page(pv.Name, "packages", struct {
				P      *pkgView
				Letter string
			}{pv, letter})
		}))
	}
	if p.pkgsrcOther != nil {
		jobs = append(jobs, htmlJob(filePkgsrc, "pkgsrc", func(p *plan) page {
			var letters []struct {
				Label, ID string
				Bases     []*pkgsrcBase
			}
			for _, b := range p.pkgsrcBases {
				label, id := letterOf(b.Base)
				if n := len(letters); n == 0 || letters[n-1].ID != id {
					letters = append(letters, struct {
						Label, ID string
						Bases     []*pkgsrcBase
					}{Label: label, ID: id})
				}
				letters[len(letters)-1].Bases = append(letters[len(letters)-1].Bases, b)
			}
			var other *pkgsrcBase
			if len(p.pkgsrcOther.Lines) > 0 {
				other = p.pkgsrcOther
			}
			return p.page("pkgsrc packages", "pkgsrc", struct {
				Count, Lines int
				Letters      any
				Other        *pkgsrcBase
			}{len(p.pkgsrcBases), p.pkgsrcLines, letters, other})
		}))
		if len(p.pkgsrcOther.Lines) > 0 {
			jobs = append(jobs, htmlJob(filePkgsrcOther, "pkgsrcbase", func(p *plan) page {
				return p.page("pkgsrc: patterns without a package name", "pkgsrc", struct{ B *pkgsrcBase }{p.pkgsrcOther})
			}))
		}
		for _, b := range p.pkgsrcBases {
			jobs = append(jobs, htmlJob(b.File, "pkgsrcbase", func(p *plan) page {
				return p.page("pkgsrc: "+b.Base, "pkgsrc", struct{ B *pkgsrcBase }{b})
			}))
		}
	}
	return jobs
}

func (p *plan) otherLines() int {
	if p.pkgsrcOther == nil {
		return 0
	}
	return len(p.pkgsrcOther.Lines)
}

// metaDesc summarises an entry for <meta name="description">.
func metaDesc(v *vulnView) string {
	if v.Cancelled {
		return "Cancelled VuXML entry " + v.VID
	}
	var names []string
	for _, n := range v.Names {
		names = append(names, n.Name)
	}
	s := "VuXML entry " + v.VID
	if len(names) > 0 {
		s += " affecting " + strings.Join(names, ", ")
	}
	if len(v.CVEs) > 0 {
		s += " (" + strings.Join(v.CVEs, ", ") + ")"
	}
	if len(s) > 300 {
		s = s[:strings.LastIndexByte(s[:297], ' ')] + " …"
	}
	return s
}

// Render renders every file of the site and hands it to emit, with its
// name (a plain file name: the site is one flat directory). emit is
// called from up to Options.Workers goroutines at once; the set of files
// and their bytes do not depend on the order.
func (s *Site) Render(emit func(name string, data []byte) error) error {
	p := s.plan()
	s.warnings = p.warnings
	jobs := p.jobs()
	s.summary = Summary{Files: len(jobs), Entries: len(p.vulns), Packages: len(p.pkgs), CVEs: len(p.cves),
		PkgsrcLines: p.pkgsrcLines, PkgsrcPages: len(p.pkgsrcBases)}
	if p.otherLines() > 0 {
		s.summary.PkgsrcPages++
	}

	var (
		mu    sync.Mutex
		done  int
		first error
		wg    sync.WaitGroup
	)
	next := make(chan job)
	for range min(s.opts.Workers, len(jobs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range next {
				data, err := j.render(p)
				if err == nil {
					err = emit(j.name, data)
				}
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				done++
				if s.opts.Progress != nil {
					s.opts.Progress(done, len(jobs))
				}
				mu.Unlock()
			}
		}()
	}
	for _, j := range jobs {
		mu.Lock()
		failed := first != nil
		mu.Unlock()
		if failed {
			break
		}
		next <- j
	}
	close(next)
	wg.Wait()
	return first
}
