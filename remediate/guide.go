package remediate

import (
	"bytes"
	"fmt"
	"html/template"
	"io"
	"strings"
	"sync"

	"github.com/yuin/goldmark"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// Input is everything one guide is written from: a finding and what the
// host knows about the package.
type Input struct {
	System System
	// Advisory and Block are the finding: the advisory and its matching
	// affected block; Range is the index of the matching range (-1 when
	// none, e.g. pkgsrc).
	Advisory *advisory.Advisory
	Block    *advisory.Affected
	Range    int
	// Name, Version and Origin are the package (Origin: ports origin or
	// pkgsrc PKGPATH, "" when unknown).
	Name, Version, Origin string
	// Installed tells a package of the host's database from an operand.
	Installed bool
	// Dependents are the installed packages that depend on it, directly
	// or not (inventory.Graph).
	Dependents []string
	// Services are the rc.d scripts it installs.
	Services []Service
	// Details is the advisory's description in CommonMark ("" when the
	// database has none).
	Details string
	// Databases are the database files (for the pkgaudit commands);
	// PkgDBDir is pkgsrc's PKG_DBDIR.
	Databases []string
	PkgDBDir  string
}

// Guide is one remediation guide, rendered by Markdown and HTML.
type Guide struct {
	Title    string
	Facts    [][2]string
	Sections []Section
}

// Section is a titled part of a guide.
type Section struct {
	Title  string
	Blocks []Block
}

// Block is one paragraph, list, command block, file snippet or Markdown
// text.
type Block struct {
	Text     string   // a paragraph of plain text
	Items    []string // a list of plain text items
	Commands []string // shell commands, one per line, each from Commands
	File     string   // with Conf: the file the lines belong in
	Conf     []string // lines of a configuration file
	Markdown string   // CommonMark from the database (the description)
}

func (in *Input) pkgname() string { return in.Name + "-" + in.Version }

// values fills the placeholders of commands.
func (in *Input) values() map[string]string {
	db := ""
	if len(in.Databases) > 0 {
		db = in.Databases[0]
	}
	return map[string]string{"name": in.Name, "pkgname": in.pkgname(), "origin": in.Origin, "db": db, "dbdir": in.PkgDBDir}
}

// cmd expands a table command; ok is false when the system has none or a
// value is unknown.
func (in *Input) cmd(a Action, extra ...string) (string, bool) {
	vals := in.values()
	for i := 0; i+1 < len(extra); i += 2 {
		vals[extra[i]] = extra[i+1]
	}
	return Expand(in.System, a, vals)
}

// cmds expands several actions, leaving out those the system lacks.
func (in *Input) cmds(acts ...Action) []string {
	var out []string
	for _, a := range acts {
		if c, ok := in.cmd(a); ok {
			out = append(out, c)
		}
	}
	return out
}

// New builds the guide for one finding.
func New(in *Input) *Guide {
	adv := in.Advisory
	g := &Guide{Title: in.pkgname() + ": " + topic(adv)}
	g.Facts = append(g.Facts, [2]string{"Package", in.pkgname() + originNote(in.Origin)})
	g.Facts = append(g.Facts, [2]string{"Advisory", adv.ID})
	if adv.URL != "" && adv.URL != adv.ID {
		g.Facts = append(g.Facts, [2]string{"Details", adv.URL})
	}
	if len(adv.CVEs) > 0 {
		g.Facts = append(g.Facts, [2]string{"CVE", strings.Join(adv.CVEs, ", ")})
	}
	affected, fixed := in.rangeFacts()
	g.Facts = append(g.Facts, [2]string{"Affected", affected})
	if fixed != "" {
		g.Facts = append(g.Facts, [2]string{"First fixed version", fixed})
	}

	// Impact.
	imp := Section{Title: "Impact"}
	imp.Blocks = append(imp.Blocks, Block{Text: topic(adv) + "."})
	if in.Details != "" {
		imp.Blocks = append(imp.Blocks, Block{Markdown: demoteHeadings(in.Details)})
	}
	if len(adv.CVEs) > 0 {
		imp.Blocks = append(imp.Blocks, Block{Text: "CVE names: " + strings.Join(adv.CVEs, ", ") + "."})
	}
	g.Sections = append(g.Sections, imp)

	// How to confirm.
	conf := Section{Title: "How to confirm"}
	conf.Blocks = append(conf.Blocks, Block{Text: "Check the package against the database and look at what is installed:"})
	conf.Blocks = append(conf.Blocks, Block{Commands: in.cmds(Audit, Info)})
	g.Sections = append(g.Sections, conf)

	if in.System == FreeBSD && (in.Name == "FreeBSD" || in.Name == "FreeBSD-kernel") {
		baseGuide(g, in, affected, fixed)
		return g
	}

	// The fix.
	fix := Section{Title: "The fix"}
	if fixed != "" {
		fix.Blocks = append(fix.Blocks, Block{Text: fmt.Sprintf("Version %s is installed and affected (%s); upgrade to %s or later.", in.Version, affected, fixed)})
	} else {
		fix.Blocks = append(fix.Blocks, Block{Text: fmt.Sprintf("Version %s is installed and affected (%s). The advisory names no fixed version: upgrade to the newest version your repository has, then check it with pkgaudit as below; if it is still affected, use one of the alternatives.", in.Version, affected)})
	}
	if in.System == FreeBSD {
		fix.Blocks = append(fix.Blocks, Block{Text: "From binary packages:"}, Block{Commands: in.cmds(RepoUpdate, UpgradeBinary)})
		if in.Origin != "" {
			fix.Blocks = append(fix.Blocks, Block{Text: "Or rebuild it from the ports tree (" + in.Origin + "), with make or with portmaster:"},
				Block{Commands: in.cmds(UpgradeSource, UpgradeTool)})
		} else {
			fix.Blocks = append(fix.Blocks, Block{Text: "The package's ports origin is unknown, so no ports-tree command is given; pkg info shows it."})
		}
	} else {
		fix.Blocks = append(fix.Blocks, Block{Text: "From binary packages, with pkgin:"}, Block{Commands: in.cmds(RepoUpdate, UpgradeBinary)})
		if in.Origin != "" {
			fix.Blocks = append(fix.Blocks, Block{Text: "Or rebuild it from the pkgsrc tree (" + in.Origin + ") in place; make replace keeps the packages that depend on it registered:"},
				Block{Commands: in.cmds(UpgradeSource)})
		} else {
			fix.Blocks = append(fix.Blocks, Block{Text: "The package's PKGPATH is unknown (no +BUILD_INFO), so no pkgsrc-tree command is given."})
		}
	}
	g.Sections = append(g.Sections, fix)

	// Alternatives.
	alt := Section{Title: "Alternatives"}
	if lock, ok := in.cmd(Lock); ok {
		alt.Blocks = append(alt.Blocks, Block{Text: "If you cannot upgrade yet, pin the package so that other upgrades leave it alone (and unpin it once fixed):"},
			Block{Commands: in.cmds(Lock, Unlock)})
		_ = lock
	} else {
		alt.Blocks = append(alt.Blocks, Block{Text: "pkgin cannot pin a package; leave it out of bulk upgrades instead."})
	}
	if in.System == FreeBSD {
		alt.Blocks = append(alt.Blocks, Block{Text: "To go back to the version you have now if the new one misbehaves, reinstall it from pkg's cache (when it is still there):"},
			Block{Commands: in.cmds(RestoreCache)})
	} else {
		alt.Blocks = append(alt.Blocks, Block{Text: "To go back to the version you have now if the new one misbehaves, reinstall it from pkgin's cache (when it is still there):"},
			Block{Commands: in.cmds(RestoreCache)})
	}
	if len(in.Services) > 0 {
		alt.Blocks = append(alt.Blocks, Block{Text: "To reduce exposure until it is fixed, stop the services the package runs:"})
		var c []string
		for _, s := range in.Services {
			if x, ok := in.cmd(ServiceStop, "service", s.Name); ok {
				c = append(c, x)
			}
			if x, ok := in.cmd(ServiceOff, "service", s.Name); ok && s.Enabled {
				c = append(c, x)
			}
		}
		alt.Blocks = append(alt.Blocks, Block{Commands: c})
		if in.System == NetBSD {
			var off []string
			for _, s := range in.Services {
				if s.Enabled {
					off = append(off, s.Var+"=NO")
				}
			}
			if len(off) > 0 {
				alt.Blocks = append(alt.Blocks, Block{Text: "and keep them from starting at boot:"}, Block{File: "/etc/rc.conf", Conf: off})
			}
		}
	}
	g.Sections = append(g.Sections, alt)

	// Reverse dependencies.
	rd := Section{Title: "Packages that depend on " + in.Name}
	switch {
	case !in.Installed:
		rd.Blocks = append(rd.Blocks, Block{Text: in.pkgname() + " was named on the command line, not read from the installed packages: its dependents are unknown."})
	case len(in.Dependents) == 0:
		rd.Blocks = append(rd.Blocks, Block{Text: "No installed package depends on " + in.Name + "."})
	default:
		rd.Blocks = append(rd.Blocks, Block{Text: fmt.Sprintf("The upgrade touches %d installed packages that depend on %s, directly or not; check them after the upgrade:", len(in.Dependents), in.Name)},
			Block{Items: in.Dependents})
	}
	g.Sections = append(g.Sections, rd)

	// Services.
	sv := Section{Title: "Services"}
	switch {
	case !in.System.hasRCD():
		sv.Blocks = append(sv.Blocks, Block{Text: "This system does not start services from rc.d scripts (it uses SMF, launchd or systemd): check by hand whether a service runs " + in.Name + "."})
	case !in.Installed:
		sv.Blocks = append(sv.Blocks, Block{Text: "The package is not installed here: its rc.d scripts are unknown."})
	case len(in.Services) == 0:
		sv.Blocks = append(sv.Blocks, Block{Text: in.Name + " installs no rc.d script."})
	default:
		var items []string
		var restart []string
		for _, s := range in.Services {
			state := "not enabled (" + s.Var + " is not set)"
			if s.Value != "" {
				state = fmt.Sprintf("not enabled (%s=%q in %s, line %d)", s.Var, s.Value, s.File, s.Line)
			}
			if s.Enabled {
				state = fmt.Sprintf("enabled (%s=%q in %s, line %d)", s.Var, s.Value, s.File, s.Line)
			}
			where := s.Script
			if in.System == NetBSD {
				if s.Active != "" && s.Active != s.Script {
					where += ", installed as " + s.Active
				} else if s.Active == "" {
					where += ", not copied to /etc/rc.d"
				}
			}
			items = append(items, s.Name+" ("+where+"): "+state)
			if s.Enabled {
				if x, ok := in.cmd(ServiceStart, "service", s.Name); ok {
					restart = append(restart, x)
				}
			}
		}
		sv.Blocks = append(sv.Blocks, Block{Text: in.Name + " installs these rc.d scripts:"}, Block{Items: items})
		if len(restart) > 0 {
			sv.Blocks = append(sv.Blocks, Block{Text: "After the upgrade, restart the enabled ones so that they run the fixed code:"}, Block{Commands: restart})
		}
	}
	g.Sections = append(g.Sections, sv)

	// Verification.
	ver := Section{Title: "Verification"}
	ver.Blocks = append(ver.Blocks, Block{Text: "After the upgrade, the installed version must be outside the affected range, and pkgaudit must exit 0 (nothing vulnerable) for this package:"},
		Block{Commands: in.cmds(Info, AuditHost)})
	g.Sections = append(g.Sections, ver)

	// Rollback plan.
	rb := Section{Title: "Rollback plan"}
	if in.System == FreeBSD {
		rb.Blocks = append(rb.Blocks, Block{Text: "Before upgrading, keep a package of the installed version:"})
		rb.Blocks = append(rb.Blocks, Block{Commands: nonEmpty(in.cmd(Backup, "dir", "/var/tmp"))})
		rb.Blocks = append(rb.Blocks, Block{Text: "If the upgrade breaks something, reinstall it and pin it while you investigate:"})
		restore := nonEmpty(in.cmd(Restore, "file", "/var/tmp/"+in.pkgname()+".pkg"))
		rb.Blocks = append(rb.Blocks, Block{Commands: append(restore, in.cmds(Lock)...)})
	} else {
		if in.Origin != "" {
			rb.Blocks = append(rb.Blocks, Block{Text: "A make replace from the pkgsrc tree saves the installed version first (with pkg_tarup) and undoes itself with:"},
				Block{Commands: in.cmds(UndoSource)})
		}
		rb.Blocks = append(rb.Blocks, Block{Text: "Before a binary upgrade, keep a package of the installed version (pkg_tarup, from pkgtools/pkg_tarup, prints where it writes it); pkg_add -U reinstalls such a file, and the copy in pkgin's cache:"},
			Block{Commands: in.cmds(Backup, RestoreCache)})
	}
	g.Sections = append(g.Sections, rb)

	// Prevention.
	pv := Section{Title: "Prevention"}
	pv.Blocks = append(pv.Blocks, Block{Text: "Keep the database fresh and audit every day:"}, Block{Commands: in.cmds(Fetch, AuditHost)})
	if in.System == FreeBSD {
		pv.Blocks = append(pv.Blocks, Block{Text: "FreeBSD's daily security run audits with pkg audit unless it was turned off; make sure it is on:"}, Block{Commands: in.cmds(PeriodicOn)})
		pv.Blocks = append(pv.Blocks, Block{Text: "and to run pkgaudit in the daily run too (periodic runs /etc/daily.local):"},
			Block{File: "/etc/daily.local", Conf: []string{"pkgaudit fetch && pkgaudit audit"}})
	} else if in.System == NetBSD {
		pv.Blocks = append(pv.Blocks, Block{Text: "NetBSD's daily run can fetch pkg-vulnerabilities and its security run audit with pkg_admin:"},
			Block{File: "/etc/daily.conf", Conf: []string{"fetch_pkg_vulnerabilities=YES"}},
			Block{File: "/etc/security.conf", Conf: []string{"check_pkg_vulnerabilities=YES"}},
			Block{Text: "and to run pkgaudit in the daily run too (/etc/daily runs /etc/daily.local):"},
			Block{File: "/etc/daily.local", Conf: []string{"pkgaudit fetch && pkgaudit audit --pkgsrc-dbdir " + in.PkgDBDir}})
	} else {
		pv.Blocks = append(pv.Blocks, Block{Text: "Run both from cron every day."})
	}
	g.Sections = append(g.Sections, pv)
	return g
}

// baseGuide finishes the guide of the FreeBSD base system (the names
// FreeBSD and FreeBSD-kernel, which pkg audit uses for freebsd-version):
// freebsd-update fixes it, not pkg.
func baseGuide(g *Guide, in *Input, affected, fixed string) {
	fix := Section{Title: "The fix"}
	what := "userland"
	if in.Name == "FreeBSD-kernel" {
		what = "kernel"
	}
	if fixed != "" {
		fix.Blocks = append(fix.Blocks, Block{Text: fmt.Sprintf("The base system's %s %s is affected (%s); update it to %s or later (the _N suffix is the patch level).", what, in.Version, affected, fixed)})
	} else {
		fix.Blocks = append(fix.Blocks, Block{Text: fmt.Sprintf("The base system's %s %s is affected (%s).", what, in.Version, affected)})
	}
	fix.Blocks = append(fix.Blocks, Block{Commands: in.cmds(BaseFetch, BaseInstall)})
	if in.Name == "FreeBSD-kernel" {
		fix.Blocks = append(fix.Blocks, Block{Text: "Reboot afterwards so that the new kernel runs."})
	} else {
		fix.Blocks = append(fix.Blocks, Block{Text: "Restart the services the advisory names, or reboot."})
	}
	g.Sections = append(g.Sections, fix)
	g.Sections = append(g.Sections, Section{Title: "Verification", Blocks: []Block{
		{Text: "After the update, the versions must be outside the affected range:"},
		{Commands: in.cmds(BaseVersion)},
	}})
	g.Sections = append(g.Sections, Section{Title: "Rollback plan", Blocks: []Block{
		{Text: "freebsd-update keeps the previous files; if the update breaks something:"},
		{Commands: in.cmds(BaseRollback)},
	}})
	g.Sections = append(g.Sections, Section{Title: "Prevention", Blocks: []Block{
		{Text: "FreeBSD's daily security run audits the base system (405.pkg-base-audit) when pkg audit's checks are on:"},
		{Commands: in.cmds(PeriodicOn)},
	}})
}

// demoteHeadings moves the headings of a description two levels down, so
// that they sit under the guide's own ("# Impact:" becomes "### Impact:").
func demoteHeadings(md string) string {
	lines := strings.Split(md, "\n")
	fence := ""
	for i, l := range lines {
		body := l
		prefix := ""
		for strings.HasPrefix(body, ">") {
			prefix += ">"
			body = strings.TrimPrefix(body, ">")
			if strings.HasPrefix(body, " ") {
				prefix += " "
				body = body[1:]
			}
		}
		t := strings.TrimLeft(body, " ")
		if strings.HasPrefix(t, "```") || strings.HasPrefix(t, "~~~") {
			if fence == "" {
				fence = t[:3]
			} else if strings.HasPrefix(t, fence) {
				fence = ""
			}
			continue
		}
		if fence != "" {
			continue
		}
		n := 0
		for n < len(t) && t[n] == '#' {
			n++
		}
		if n >= 1 && n <= 6 && (n == len(t) || t[n] == ' ') {
			lines[i] = prefix + strings.Repeat("#", min(6, n+2)) + t[n:]
		}
	}
	return strings.Join(lines, "\n")
}

func nonEmpty(s string, ok bool) []string {
	if !ok {
		return nil
	}
	return []string{s}
}

func (s System) hasRCD() bool { return len(rcdDirs[s]) > 0 }

func topic(adv *advisory.Advisory) string {
	if adv.Topic != "" {
		return adv.Topic
	}
	return adv.ID
}

func originNote(o string) string {
	if o == "" {
		return ""
	}
	return " (" + o + ")"
}

// rangeFacts describes the matching range and the first fixed version.
func (in *Input) rangeFacts() (affected, fixed string) {
	b := in.Block
	if b == nil {
		return "", ""
	}
	if b.Scheme == advisory.Pkgsrc {
		return "pkgsrc pattern " + b.Pattern, pkgsrcFixed(b.Pattern)
	}
	if in.Range >= 0 && in.Range < len(b.Ranges) {
		r := b.Ranges[in.Range]
		return "versions " + strings.TrimSpace(r.String()), r.Fixed()
	}
	var parts []string
	for _, r := range b.Ranges {
		parts = append(parts, strings.TrimSpace(r.String()))
	}
	return "versions " + strings.Join(parts, "; "), ""
}

// pkgsrcFixed is the bound of a pattern's "<" upper bound, when it has
// exactly one alternative ("openssl<1.0.2l" gives 1.0.2l).
func pkgsrcFixed(p string) string {
	if strings.ContainsAny(p, "{*?[") {
		return ""
	}
	i := strings.LastIndexByte(p, '<')
	if i < 0 || strings.HasPrefix(p[i:], "<=") {
		return ""
	}
	return p[i+1:]
}

// Markdown writes guides as CommonMark, separated by thematic breaks.
// Commands are in ```sh blocks, configuration lines in blocks labelled
// with their file. Without guides it writes "No vulnerable packages
// found.".
func Markdown(w io.Writer, guides []*Guide) error {
	if len(guides) == 0 {
		_, err := io.WriteString(w, "No vulnerable packages found.\n")
		return err
	}
	var b bytes.Buffer
	for gi, g := range guides {
		if gi > 0 {
			b.WriteString("\n---\n\n")
		}
		b.WriteString("# " + mdEscape(g.Title) + "\n\n")
		b.WriteString("| | |\n|---|---|\n")
		for _, f := range g.Facts {
			b.WriteString("| " + mdCell(f[0]) + " | " + mdCell(f[1]) + " |\n")
		}
		for _, s := range g.Sections {
			b.WriteString("\n## " + mdEscape(s.Title) + "\n")
			for _, bl := range s.Blocks {
				switch {
				case bl.Markdown != "":
					b.WriteString("\n" + bl.Markdown + "\n")
				case len(bl.Commands) > 0:
					b.WriteString("\n```sh\n" + strings.Join(bl.Commands, "\n") + "\n```\n")
				case len(bl.Conf) > 0:
					b.WriteString("\n```conf\n# " + bl.File + "\n" + strings.Join(bl.Conf, "\n") + "\n```\n")
				case len(bl.Items) > 0:
					b.WriteString("\n")
					for _, it := range bl.Items {
						b.WriteString("- " + mdEscape(it) + "\n")
					}
				case bl.Text != "":
					b.WriteString("\n" + mdEscape(bl.Text) + "\n")
				}
			}
		}
	}
	_, err := w.Write(b.Bytes())
	return err
}

// mdEscape escapes text for a Markdown paragraph.
func mdEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, "#", `\#`, "|", `\|`)
	s = r.Replace(s)
	if s != "" && strings.ContainsRune("-+=>", rune(s[0])) {
		s = `\` + s
	}
	return s
}

func mdCell(s string) string { return mdEscape(s) }

// guideTemplate is the HTML page of the guides: a small stand-alone
// template of remediate's own (the site's templates are built around its
// pages and are not reused).
var guideTemplate = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("guides").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{if eq (len .) 1}}{{(index . 0).Title}}{{else}}Remediation guides{{end}}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.5}
table.facts td{padding:.1rem .8rem .1rem 0;vertical-align:top}
pre{background:#f4f4f4;padding:.6rem;overflow-x:auto}
article+article{border-top:2px solid #999;margin-top:2rem}
.file{color:#555;font-size:.9em}
</style>
</head>
<body>
{{range .}}<article>
<h1>{{.Title}}</h1>
<table class="facts">
{{range .Facts}}<tr><td>{{index . 0}}</td><td>{{index . 1}}</td></tr>
{{end}}</table>
{{range .Sections}}<section>
<h2>{{.Title}}</h2>
{{range .Blocks}}{{if .Markdown}}<div class="description">{{.Markdown}}</div>
{{else if .Commands}}<pre><code class="language-sh">{{range $i, $c := .Commands}}{{if $i}}
{{end}}{{$c}}{{end}}</code></pre>
{{else if .Conf}}<p class="file">{{.File}}:</p>
<pre><code>{{range $i, $c := .Conf}}{{if $i}}
{{end}}{{$c}}{{end}}</code></pre>
{{else if .Items}}<ul>
{{range .Items}}<li>{{.}}</li>
{{end}}</ul>
{{else if .Text}}<p>{{.Text}}</p>
{{end}}{{end}}</section>
{{end}}</article>
{{end}}</body>
</html>
`))
})

type htmlBlock struct {
	Block
	Markdown template.HTML
}

type htmlSection struct {
	Title  string
	Blocks []htmlBlock
}

type htmlGuide struct {
	Title    string
	Facts    [][2]string
	Sections []htmlSection
}

// HTML writes guides as one HTML page. The description's CommonMark is
// rendered with goldmark in its safe mode (raw HTML dropped); everything
// else is escaped by html/template. Without guides it writes a page
// saying that no package is vulnerable.
func HTML(w io.Writer, guides []*Guide) error {
	if len(guides) == 0 {
		_, err := io.WriteString(w, "<!DOCTYPE html>\n<html lang=\"en\">\n<head><meta charset=\"utf-8\"><title>Remediation guides</title></head>\n<body><p>No vulnerable packages found.</p></body>\n</html>\n")
		return err
	}
	md := goldmark.New()
	var hs []htmlGuide
	for _, g := range guides {
		hg := htmlGuide{Title: g.Title, Facts: g.Facts}
		for _, s := range g.Sections {
			hsct := htmlSection{Title: s.Title}
			for _, b := range s.Blocks {
				hb := htmlBlock{Block: b}
				if b.Markdown != "" {
					var out bytes.Buffer
					if err := md.Convert([]byte(b.Markdown), &out); err != nil {
						return err
					}
					hb.Markdown = template.HTML(out.String()) //nolint:gosec // goldmark's safe mode escapes and drops raw HTML
				}
				hsct.Blocks = append(hsct.Blocks, hb)
			}
			hg.Sections = append(hg.Sections, hsct)
		}
		hs = append(hs, hg)
	}
	return guideTemplate().Execute(w, hs)
}
