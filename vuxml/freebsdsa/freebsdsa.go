// Package freebsdsa reads FreeBSD security advisories — the PGP-signed
// plain text published as security.FreeBSD.org/advisories/FreeBSD-SA-YY:NN.name.asc
// — into what a VuXML entry for the base system needs: the topic, the
// announcement date, the CVE names, the problem description and impact,
// and the patch level each release branch is corrected in.
//
// The text's header block ("Topic:", "Category:", "Module:", "Announced:",
// "Corrected:" with one line per branch, "CVE Name:") and its numbered
// sections ("II.  Problem Description", "III. Impact", "V.   Solution")
// are read; the signature is not checked (pkgaudit has no key for it).
package freebsdsa

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Advisory is one security advisory.
type Advisory struct {
	// Name is the advisory's name, "FreeBSD-SA-25:04.ktrace".
	Name      string
	Topic     string
	Category  string
	Module    string
	Announced string // YYYY-MM-DD
	Corrected []Correction
	CVEs      []string
	// Problem and Impact are the paragraphs of sections II and III.
	Problem, Impact []string
	// Solution is the text of section V.
	Solution string
}

// Correction is one "Corrected:" line: "2025-01-29 18:54:50 UTC
// (releng/14.2, 14.2-RELEASE-p1)".
type Correction struct {
	Date    string // "2025-01-29 18:54:50 UTC"
	Branch  string // "releng/14.2", "stable/14", "RELENG_9_1"
	Version string // "14.2-RELEASE-p1", "14.2-STABLE"
}

// Error is an advisory text that cannot be read, at a line of its file.
type Error struct {
	File string
	Line int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

var reName = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(?:FreeBSD-)?SA-([0-9]{2}):([0-9]{2})\.([A-Za-z0-9_+-]+)(?:\.asc)?$`)
})

// CheckName checks an advisory name and returns it in its full form
// ("SA-25:04.ktrace.asc" gives "FreeBSD-SA-25:04.ktrace").
func CheckName(s string) (string, error) {
	m := reName().FindStringSubmatch(strings.TrimSpace(s))
	if m == nil {
		return "", fmt.Errorf("%q is not a FreeBSD security advisory name (FreeBSD-SA-YY:NN.name)", s)
	}
	return "FreeBSD-SA-" + m[1] + ":" + m[2] + "." + m[3], nil
}

// Short is the name as VuXML's <freebsdsa> gives it: "SA-25:04.ktrace".
func (a *Advisory) Short() string { return strings.TrimPrefix(a.Name, "FreeBSD-") }

// DefaultBaseURL is where the advisories are published.
const DefaultBaseURL = "https://security.FreeBSD.org/advisories/"

// URL is the address of the advisory name under base (DefaultBaseURL
// when empty): BASE/FreeBSD-SA-YY:NN.name.asc.
func URL(base, name string) string {
	if base == "" {
		base = DefaultBaseURL
	}
	return strings.TrimSuffix(base, "/") + "/" + name + ".asc"
}

var (
	reHeader  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([A-Z][A-Za-z ]*):\s*(.*)$`) })
	reCorr    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(.*?)\s*\(([^,()]+),\s*([^()]+)\)\s*$`) })
	reCVE     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`CVE-[0-9]{4}-[0-9]{4,}`) })
	reSection = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(I|II|III|IV|V|VI|VII|VIII|IX|X)\.\s+(\S.*)$`) })
	reTitle   = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(FreeBSD-SA-[0-9]{2}:[0-9]{2}\.[A-Za-z0-9_+-]+)\s+Security Advisory\s*$`)
	})
	reRelease = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([0-9]+\.[0-9]+)-RELEASE-p([0-9]+)$`) })
)

// Parse reads the advisory text data, the content of file (for messages).
func Parse(file string, data []byte) (*Advisory, error) {
	if !utf8.Valid(data) {
		return nil, &Error{File: file, Line: 1, Msg: "not UTF-8 text"}
	}
	if bytes.IndexByte(data, 0) >= 0 {
		return nil, &Error{File: file, Line: 1, Msg: "binary data, not an advisory text"}
	}
	lines := strings.Split(strings.ReplaceAll(string(data), "\r\n", "\n"), "\n")
	// The signed part: after the armor header and its blank line, up to
	// the signature; dash-escaped lines ("- -----") lose their "- ".
	start, end := 0, len(lines)
	for i, l := range lines {
		if l == "-----BEGIN PGP SIGNED MESSAGE-----" {
			start = i + 1
			for start < len(lines) && strings.TrimSpace(lines[start]) != "" {
				start++
			}
		}
		if l == "-----BEGIN PGP SIGNATURE-----" {
			end = i
			break
		}
	}
	a := &Advisory{}
	type numbered struct {
		n    int
		text string
	}
	var body []numbered
	for i := start; i < end; i++ {
		body = append(body, numbered{i + 1, strings.TrimRight(strings.TrimPrefix(lines[i], "- "), " \t")})
	}
	// The title line names the advisory.
	titleLine := 0
	for _, l := range body {
		if m := reTitle().FindStringSubmatch(strings.TrimSpace(l.text)); m != nil {
			a.Name, titleLine = m[1], l.n
			break
		}
	}
	if a.Name == "" {
		return nil, &Error{File: file, Line: 1, Msg: `not a FreeBSD security advisory: no "FreeBSD-SA-YY:NN.name  Security Advisory" title line`}
	}
	// Header fields, with continuation lines, up to the first section.
	fields := map[string][]string{}
	fieldLine := map[string]int{}
	cur := ""
	i := 0
	for ; i < len(body); i++ {
		l := body[i]
		if reSection().MatchString(l.text) {
			break
		}
		if l.n <= titleLine {
			continue
		}
		if m := reHeader().FindStringSubmatch(l.text); m != nil && !strings.HasPrefix(l.text, " ") {
			cur = m[1]
			fields[cur] = append(fields[cur], m[2])
			fieldLine[cur] = l.n
			continue
		}
		if strings.TrimSpace(l.text) == "" {
			cur = ""
			continue
		}
		if cur != "" && (strings.HasPrefix(l.text, " ") || strings.HasPrefix(l.text, "\t")) {
			fields[cur] = append(fields[cur], strings.TrimSpace(l.text))
		}
	}
	join := func(k string) string { return strings.Join(strings.Fields(strings.Join(fields[k], " ")), " ") }
	a.Topic, a.Category, a.Module = join("Topic"), join("Category"), join("Module")
	if a.Topic == "" {
		return nil, &Error{File: file, Line: titleLine, Msg: `the advisory has no "Topic:" line`}
	}
	if ann := join("Announced"); ann != "" {
		if _, err := time.Parse("2006-01-02", ann); err != nil {
			return nil, &Error{File: file, Line: fieldLine["Announced"], Msg: fmt.Sprintf("Announced: %q is not a YYYY-MM-DD date", ann)}
		}
		a.Announced = ann
	}
	for _, c := range fields["Corrected"] {
		m := reCorr().FindStringSubmatch(strings.TrimSpace(c))
		if m == nil {
			continue
		}
		a.Corrected = append(a.Corrected, Correction{Date: m[1], Branch: strings.TrimSpace(m[2]), Version: strings.TrimSpace(m[3])})
	}
	seen := map[string]bool{}
	for _, c := range reCVE().FindAllString(join("CVE Name"), -1) {
		if !seen[c] {
			seen[c] = true
			a.CVEs = append(a.CVEs, c)
		}
	}
	// Sections.
	sections := map[string][]string{}
	name := ""
	for ; i < len(body); i++ {
		if m := reSection().FindStringSubmatch(body[i].text); m != nil {
			name = strings.ToLower(strings.TrimSpace(m[2]))
			continue
		}
		if name != "" {
			sections[name] = append(sections[name], body[i].text)
		}
	}
	a.Problem = paragraphs(sections["problem description"])
	a.Impact = paragraphs(sections["impact"])
	a.Solution = strings.TrimSpace(strings.Join(sections["solution"], "\n"))
	return a, nil
}

// paragraphs joins the lines of a section into paragraphs (one line each),
// dropping list bullets ("* ").
func paragraphs(lines []string) []string {
	var out []string
	var cur []string
	flush := func() {
		if len(cur) > 0 {
			p := strings.Join(strings.Fields(strings.Join(cur, " ")), " ")
			p = strings.TrimPrefix(p, "* ")
			out = append(out, p)
			cur = nil
		}
	}
	for _, l := range lines {
		if strings.TrimSpace(l) == "" {
			flush()
			continue
		}
		cur = append(cur, l)
	}
	flush()
	return out
}

// Range is the patch levels of one release branch that the advisory
// corrects: Lower ("14.2") up to, not including, Fixed ("14.2_1").
type Range struct {
	Lower, Fixed string
}

// Ranges gives, for each "Corrected:" line of a release branch
// ("releng/14.2, 14.2-RELEASE-p1"), the affected range in the versions
// FreeBSD's base packages carry: >= 14.2, < 14.2_1. Stable branches and
// pre-release versions (-BETA, -RC) have no base package version and are
// left out.
func (a *Advisory) Ranges() []Range {
	var out []Range
	for _, c := range a.Corrected {
		m := reRelease().FindStringSubmatch(c.Version)
		if m == nil {
			continue
		}
		r := Range{Lower: m[1], Fixed: m[1] + "_" + m[2]}
		dup := false
		for _, x := range out {
			dup = dup || x == r
		}
		if !dup {
			out = append(out, r)
		}
	}
	return out
}

// Packages tells which base packages the correction lands in, from how
// section V says to apply it: rebuilding the kernel gives FreeBSD-kernel,
// rebuilding the world (userland) gives FreeBSD, both give both. An
// advisory that says neither gives none.
func (a *Advisory) Packages() []string {
	s := strings.ToLower(a.Solution)
	kernel := strings.Contains(s, "recompile your kernel") || strings.Contains(s, "kernelconfig") || strings.Contains(s, "rebuild your kernel")
	world := strings.Contains(s, "buildworld") || strings.Contains(s, "makeworld") || strings.Contains(s, "recompile the operating system")
	var out []string
	if world {
		out = append(out, "FreeBSD")
	}
	if kernel {
		out = append(out, "FreeBSD-kernel")
	}
	return out
}
