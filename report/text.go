package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// WriteText writes in as FreeBSD pkg audit prints it, byte for byte for the
// same findings:
//
//	NAME-VERSION is vulnerable:
//	  TOPIC
//	  CVE: CVE-...
//	  WWW: https://vuxml.FreeBSD.org/freebsd/VID.html
//
//	N problem(s) in M package(s) found.
//
// A versionless query ("NAME is vulnerable:") lists "  Affected versions:"
// and the block's ranges before each topic; with Recursive each package is
// followed by "  Packages that depend on NAME: a, b" and a blank line; with
// Quiet only the vulnerable packages' names are printed. Every finding is
// printed, pkg's duplicates included, in the order of in.Packages and of
// their findings. A pkgsrc advisory is printed as a block of the same
// shape: its classification as the topic, its CVE names, its URL as WWW
// (and its pattern under "Affected versions:").
//
// When ignore rules silenced findings (or CVE names of reported ones), a
// line after the summary says how many (pkg prints nothing: the output is
// pkg's byte for byte when nothing is ignored). With ShowIgnored the
// ignored findings and CVE names follow instead, in a section of their
// own, one per package and advisory, with the reason.
func WriteText(w io.Writer, in *Input) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	for i := range in.Packages {
		p := &in.Packages[i]
		if !p.Active() {
			continue
		}
		writeFullName(bw, p)
		if in.Quiet {
			bw.WriteByte('\n')
			continue
		}
		bw.WriteString(" is vulnerable:\n")
		for j := range p.Findings {
			if f := &p.Findings[j]; f.Ignored == nil {
				writeIssue(bw, p, f)
			}
		}
		if in.Recursive {
			bw.WriteString("  Packages that depend on " + p.Name + ": " + strings.Join(p.Dependents, ", ") + "\n\n")
		}
	}
	s := in.counts()
	if !in.Quiet {
		fmt.Fprintf(bw, "%d problem(s) in %d package(s) found.\n", s.Problems, s.Vulnerable)
	}
	if !in.Quiet && (s.Ignored > 0 || s.IgnoredCVEs > 0) {
		if in.ShowIgnored {
			writeIgnoredText(bw, in, s)
		} else {
			writeIgnoredCount(bw, s)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("writing the report: %w", err)
	}
	return nil
}

// writeFullName writes p.FullName().
func writeFullName(w *bufio.Writer, p *Package) {
	w.WriteString(p.Name)
	if p.HasVersion {
		w.WriteByte('-')
		w.WriteString(p.Version)
	}
}

// writeIssue prints one issue block as pkg's print_issue does (written
// piece by piece: a big audit prints tens of thousands of these lines).
func writeIssue(w *bufio.Writer, p *Package, f *Finding) {
	a := f.Advisory
	if !p.HasVersion {
		w.WriteString("  Affected versions:\n")
		for _, v := range affectedVersions(f.Block()) {
			w.WriteString("  " + v + "\n")
		}
	}
	// pkg prints a missing <topic> with printf's "(null)".
	w.WriteString("  ")
	w.WriteString(firstNonEmpty(textTopic(a), "(null)"))
	w.WriteByte('\n')
	writeCVE := func(c string) {
		w.WriteString("  CVE: ")
		w.WriteString(c)
		w.WriteByte('\n')
	}
	if len(f.IgnoredCVEs) > 0 {
		// CVE names an ignore rule names are left out: the finding is
		// reported for the others.
		for _, c := range f.withoutIgnored(textCVEs(a)) {
			writeCVE(c)
		}
	} else if a.Source != advisory.SourceVuXML || len(a.References) == 0 {
		for _, c := range a.CVEs {
			writeCVE(c)
		}
	} else {
		for _, r := range a.References {
			if r.Kind == "cvename" { // as textCVEs
				writeCVE(r.Value)
			}
		}
	}
	if f.vuxmlPage() {
		w.WriteString("  WWW: " + vuxmlWWW)
		w.WriteString(a.ID)
		w.WriteString(".html\n\n")
	} else if u := f.URL(); u != "" {
		w.WriteString("  WWW: ")
		w.WriteString(u)
		w.WriteString("\n\n")
	}
}

// textTopic is the topic line of an issue: the VuXML <topic>; for a pkgsrc
// entry its classification as pkg_admin words it ("denial-of-service
// vulnerability", "reached end-of-life (eol)").
func textTopic(a *advisory.Advisory) string {
	if a.Source != advisory.SourcePkgsrc || a.Topic == "" {
		return a.Topic
	}
	if a.Class == "eol" || a.Topic == "eol" {
		return "reached end-of-life (eol)"
	}
	return a.Topic + " vulnerability"
}

// affectedVersions are the strings pkg lists under "Affected versions:"
// (and in the raw output's "Affected versions" array): every range of the
// matching block ("OP1 V1 : OP2 V2", "OP V", " (null)"), or the pkgsrc
// pattern.
func affectedVersions(b *advisory.Affected) []string {
	if b == nil {
		return nil
	}
	if b.Scheme == advisory.Pkgsrc {
		return []string{b.Pattern}
	}
	out := make([]string, len(b.Ranges))
	for i, r := range b.Ranges {
		out[i] = r.String()
	}
	return out
}

// textCVEs are the CVE names pkg prints: those of the <cvename>
// references (when the advisory keeps its references), else the CVE list.
func textCVEs(a *advisory.Advisory) []string {
	if a.Source != advisory.SourceVuXML || len(a.References) == 0 {
		return a.CVEs
	}
	var out []string
	for _, r := range a.References {
		if r.Kind == "cvename" {
			out = append(out, r.Value)
		}
	}
	return out
}

// writeIgnoredCount says, after the summary, how much ignore rules
// silenced:
//
//	Ignore rules silenced 2 finding(s) in 1 package(s) (--show-ignored lists them).
//	Ignore rules silenced 1 CVE name(s) of the findings above (--show-ignored lists them).
func writeIgnoredCount(w *bufio.Writer, s Summary) {
	if s.Ignored > 0 {
		fmt.Fprintf(w, "Ignore rules silenced %d finding(s) in %d package(s) (--show-ignored lists them).\n", s.Ignored, s.IgnoredPackages)
	}
	if s.IgnoredCVEs > 0 {
		fmt.Fprintf(w, "Ignore rules silenced %d CVE name(s) of the findings above (--show-ignored lists them).\n", s.IgnoredCVEs)
	}
}

// writeIgnoredText lists the ignored findings after the summary, then the
// ignored CVE names of reported findings:
//
//	Ignored: 1 problem(s) in 1 package(s):
//	curl-8.4.0: VID curl -- topic
//	  Reason: REASON (until 2026-12-31; pkgaudit.toml:4)
//
//	Ignored CVE names of reported findings: 1
//	sudo-1.9.16p2: VID sudo -- topic
//	  CVE-2025-32463: REASON (pkgaudit.toml:9)
func writeIgnoredText(w *bufio.Writer, in *Input, s Summary) {
	if s.Ignored > 0 {
		fmt.Fprintf(w, "\nIgnored: %d problem(s) in %d package(s):\n", s.Ignored, s.IgnoredPackages)
		eachIgnoredText(w, in, func(f *Finding) bool { return f.Ignored != nil }, func(f *Finding) {
			w.WriteString("  Reason: " + oneLine(f.Ignored.Reason) + ignoreNote(f.Ignored) + "\n")
		})
	}
	if s.IgnoredCVEs > 0 {
		fmt.Fprintf(w, "\nIgnored CVE names of reported findings: %d\n", s.IgnoredCVEs)
		eachIgnoredText(w, in, func(f *Finding) bool { return f.Ignored == nil && len(f.IgnoredCVEs) > 0 }, func(f *Finding) {
			for i := range f.IgnoredCVEs {
				c := &f.IgnoredCVEs[i]
				w.WriteString("  " + c.CVE + ": " + oneLine(c.Reason) + ignoreNote(&c.Hit) + "\n")
			}
		})
	}
}

// eachIgnoredText writes "PKG: ID TOPIC" and then detail(f) for the first
// finding of each (package, advisory) that sel selects.
func eachIgnoredText(w *bufio.Writer, in *Input, sel func(*Finding) bool, detail func(*Finding)) {
	for i := range in.Packages {
		p := &in.Packages[i]
		seen := map[*advisory.Advisory]bool{}
		for j := range p.Findings {
			f := &p.Findings[j]
			if !sel(f) || seen[f.Advisory] {
				continue
			}
			seen[f.Advisory] = true
			line := p.FullName() + ": " + f.ID()
			if t := textTopic(f.Advisory); t != "" {
				line += " " + t
			}
			w.WriteString(line + "\n")
			detail(f)
		}
	}
}

// ignoreNote is " (until DATE; WHERE; RULE)" with the parts that are known.
func ignoreNote(ig *Ignore) string {
	var parts []string
	if !ig.Until.IsZero() {
		parts = append(parts, "until "+ig.Until.UTC().Format(time.DateOnly))
	}
	if ig.Where != "" {
		parts = append(parts, ig.Where)
	}
	if ig.Where == "" && ig.Rule != "" {
		parts = append(parts, ig.Rule)
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, "; ") + ")"
}

// oneLine folds line breaks so that a reason stays on its line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
