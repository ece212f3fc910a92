package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"
)

// WriteMarkdown writes in as a GitHub-flavoured markdown report: a
// summary line, a table of the vulnerable packages' findings, each
// package's dependents when known, and a table of the ignored findings
// with their reasons.
func WriteMarkdown(w io.Writer, in *Input) error {
	bw := bufio.NewWriter(w)
	s := in.Summary()
	vulnerable, advisories, ignored := s.Vulnerable, s.Advisories, s.Ignored
	if !in.ShowIgnored {
		ignored = 0
	}
	fmt.Fprintf(bw, "# pkgaudit report\n\n")
	var facts []string
	if len(in.Databases) > 0 {
		var dbs []string
		for _, d := range in.Databases {
			dbs = append(dbs, "`"+strings.ReplaceAll(d.Path, "`", "'")+"`")
		}
		label := "Database: "
		if len(dbs) > 1 {
			label = "Databases: "
		}
		facts = append(facts, label+strings.Join(dbs, ", "))
	}
	if !in.Time.IsZero() {
		facts = append(facts, "Audited: "+in.Time.UTC().Format("2006-01-02 15:04 UTC"))
	}
	if in.ToolVersion != "" {
		facts = append(facts, "pkgaudit "+mdEscape(in.ToolVersion))
	}
	if len(facts) > 0 {
		fmt.Fprintf(bw, "%s\n\n", strings.Join(facts, " · "))
	}
	fmt.Fprintf(bw, "**%d** package(s) audited, **%d** vulnerable, **%d** advisory(ies)", len(in.Packages), vulnerable, advisories)
	if ignored > 0 {
		fmt.Fprintf(bw, ", **%d** finding(s) ignored", ignored)
	}
	fmt.Fprintf(bw, ".\n")

	if vulnerable > 0 {
		fmt.Fprintf(bw, "\n## Vulnerable packages\n\n| Package | Advisory | Summary | Affected | Fixed in | CVE |\n|---|---|---|---|---|---|\n")
		for i := range in.Packages {
			p := &in.Packages[i]
			fs := in.shown(p, true)
			for j := range fs {
				f := &fs[j]
				if f.Ignored != nil {
					continue
				}
				fmt.Fprintf(bw, "| %s | %s | %s | %s | %s | %s |\n", mdCell(p.FullName()), mdLink(f), mdCell(f.Advisory.Topic), mdCode(f.AffectedText()), mdFixed(f), mdCell(mdCVEs(f)))
			}
		}
		first := true
		for i := range in.Packages {
			p := &in.Packages[i]
			if len(p.Dependents) == 0 || !p.Active() {
				continue
			}
			if first {
				fmt.Fprintf(bw, "\n## Packages that depend on them\n\n")
				first = false
			}
			fmt.Fprintf(bw, "- **%s**: %s\n", mdEscape(p.Name), mdEscape(strings.Join(p.Dependents, ", ")))
		}
	}
	if ignored > 0 {
		fmt.Fprintf(bw, "\n## Ignored findings\n\n| Package | Advisory | Reason | Until |\n|---|---|---|---|\n")
		for i := range in.Packages {
			p := &in.Packages[i]
			fs := in.shown(p, true)
			for j := range fs {
				f := &fs[j]
				if f.Ignored == nil {
					continue
				}
				until := "—"
				if !f.Ignored.Until.IsZero() {
					until = f.Ignored.Until.UTC().Format(time.DateOnly)
				}
				fmt.Fprintf(bw, "| %s | %s | %s | %s |\n", mdCell(p.FullName()), mdLink(f), mdCell(f.Ignored.Reason), until)
			}
		}
	}
	if in.ShowIgnored && s.IgnoredCVEs > 0 {
		fmt.Fprintf(bw, "\n## Ignored CVE names of reported findings\n\n| Package | Advisory | CVE | Reason | Until |\n|---|---|---|---|---|\n")
		for i := range in.Packages {
			p := &in.Packages[i]
			fs := in.shown(p, true)
			for j := range fs {
				f := &fs[j]
				if f.Ignored != nil {
					continue
				}
				for _, c := range f.IgnoredCVEs {
					until := "—"
					if !c.Until.IsZero() {
						until = c.Until.UTC().Format(time.DateOnly)
					}
					fmt.Fprintf(bw, "| %s | %s | %s | %s | %s |\n", mdCell(p.FullName()), mdLink(f), mdCell(c.CVE), mdCell(c.Reason), until)
				}
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing markdown: %w", err)
	}
	return nil
}

// mdFixed is the "fixed in" cell: the first fixed version, marked when a
// ports INDEX says no such version exists yet; a dash when unknown.
func mdFixed(f *Finding) string {
	v := f.FixedIn()
	if v == "" {
		return "—"
	}
	if f.FixAvailable != nil && !*f.FixAvailable {
		return mdCode(v) + " (not yet available)"
	}
	return mdCode(v)
}

// mdEscape backslash-escapes the characters markdown would interpret.
func mdEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '\\', '`', '*', '_', '[', ']', '<', '>', '|', '#', '~':
			b.WriteByte('\\')
			b.WriteRune(r)
		case '\n', '\r', '\t':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// mdCell is mdEscape for table cells, where an empty cell gets a dash.
func mdCell(s string) string {
	if s == "" {
		return "—"
	}
	return mdEscape(s)
}

// The replacers are built once: building one per call costs more than the
// replacing.
var (
	mdCodeReplacer = strings.NewReplacer("\n", " ", "\r", " ", "|", "\\|")
	mdURLReplacer  = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "|", "%7C")
)

// mdCode renders s as inline code, choosing a fence longer than any run of
// backticks inside; pipes are escaped for tables.
func mdCode(s string) string {
	if s == "" {
		return "—"
	}
	s = mdCodeReplacer.Replace(s)
	fence := "`"
	for strings.Contains(s, fence) {
		fence += "`"
	}
	pad := ""
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		pad = " "
	}
	return fence + pad + s + pad + fence
}

// mdLink links the advisory ID to its first URL.
func mdLink(f *Finding) string {
	urls := f.URLs()
	if len(urls) == 0 || !safeURL(urls[0]) {
		return mdCell(f.ID())
	}
	u := mdURLReplacer.Replace(urls[0])
	return "[" + mdEscape(f.ID()) + "](" + u + ")"
}

func safeURL(u string) bool {
	return strings.HasPrefix(u, "https://") || strings.HasPrefix(u, "http://") || strings.HasPrefix(u, "ftp://")
}

// mdCVEs is the CVE cell of a finding: its CVE names, those an ignore rule
// names marked "(ignored)".
func mdCVEs(f *Finding) string {
	if len(f.IgnoredCVEs) == 0 {
		return strings.Join(f.CVEs(), ", ")
	}
	parts := make([]string, 0, len(f.CVEs()))
	for _, c := range f.CVEs() {
		if f.cveIgnored(c) {
			c += " (ignored)"
		}
		parts = append(parts, c)
	}
	return strings.Join(parts, ", ")
}
