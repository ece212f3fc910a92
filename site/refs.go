package site

import (
	"html/template"
	"regexp"
	"strings"
	"sync"

	"github.com/pkgaudit/pkgaudit/site/sanitize"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// link is one hyperlink; Href is empty for plain text. Href is always an
// address this package built or checked (sanitize.URL), so it is a
// template.URL: html/template would otherwise refuse ftp: links.
type link struct {
	Text string
	Href template.URL
}

// refRow is one reference of an advisory page.
type refRow struct {
	Label string
	Main  link
	Extra []link // further links (NVD, the site's CVE index)
	Note  string // e.g. the Message-ID of an mlist posting
}

// refKinds is the order and the label of the reference kinds on a page;
// kinds not listed follow, in document order.
var refKinds = []struct{ kind, label string }{
	{"freebsdsa", "FreeBSD SA"},
	{"cvename", "CVE"},
	{"freebsdpr", "FreeBSD PR"},
	{"certsa", "CERT advisory"},
	{"certvu", "CERT vulnerability note"},
	{"uscertsa", "US-CERT alert"},
	{"uscertta", "US-CERT technical alert"},
	{"bid", "BugTraq ID"},
	{"mlist", "Mailing list"},
	{"url", "URL"},
}

var (
	reCVE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(CVE|CAN)-[0-9]{4}-[0-9]{4,}$`) })
	reSA  = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(FreeBSD-)?(SA|EN)-[0-9]{2}:[0-9]{2}\.[A-Za-z0-9._-]+$`)
	})
	reDigits  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{1,12}$`) })
	rePR      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:[a-z]+/)?([0-9]{1,9})$`) })
	reAlertID = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Z]{2}[0-9]{2}-[0-9]{3}[A-Z]?$`) })
	reCERTSA  = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^CA-[0-9]{4}-[0-9]{2}$`) })
)

// archived wraps the address of a service that no longer exists in a link
// to the Internet Archive's copy.
func archived(u string) template.URL { return template.URL("https://web.archive.org/web/2020/" + u) }

// refRows renders the references of an entry: by kind in refKinds order,
// each kind in document order. cveFile is the page that lists every CVE
// name ("" for none).
func refRows(refs []vuxml.Reference, cveAnchor func(string) string) []refRow {
	var rows []refRow
	known := map[string]bool{}
	for _, k := range refKinds {
		known[k.kind] = true
		for _, r := range refs {
			if r.Kind == k.kind {
				rows = append(rows, refRowOf(k.label, r, cveAnchor))
			}
		}
	}
	for _, r := range refs {
		if !known[r.Kind] {
			rows = append(rows, refRowOf(r.Kind, r, cveAnchor))
		}
	}
	return rows
}

func refRowOf(label string, r vuxml.Reference, cveAnchor func(string) string) refRow {
	v := strings.TrimSpace(r.Value)
	row := refRow{Label: label, Main: link{Text: v}}
	switch r.Kind {
	case "freebsdsa":
		if reSA().MatchString(v) {
			name := v
			if !strings.HasPrefix(name, "FreeBSD-") {
				name = "FreeBSD-" + name
			}
			row.Main = link{name, template.URL("https://security.FreeBSD.org/advisories/" + name + ".asc")}
		}
	case "cvename":
		if reCVE().MatchString(v) {
			// CAN- candidates became CVE- names with the same number.
			id := "CVE" + strings.TrimPrefix(strings.TrimPrefix(v, "CAN"), "CVE")
			row.Main.Href = template.URL("https://www.cve.org/CVERecord?id=" + id)
			row.Extra = append(row.Extra, link{"NVD", template.URL("https://nvd.nist.gov/vuln/detail/" + id)})
			if a := cveAnchor(v); a != "" {
				row.Extra = append(row.Extra, link{"all advisories", template.URL(a)})
			}
		}
	case "freebsdpr":
		if m := rePR().FindStringSubmatch(v); m != nil {
			row.Main.Href = template.URL("https://bugs.freebsd.org/bugzilla/show_bug.cgi?id=" + m[1])
		}
	case "bid":
		if reDigits().MatchString(v) {
			row.Main.Href = archived("http://www.securityfocus.com/bid/" + v)
		}
	case "certsa":
		if reCERTSA().MatchString(v) {
			row.Main.Href = archived("http://www.cert.org/advisories/" + v + ".html")
		}
	case "certvu":
		if reDigits().MatchString(v) {
			row.Main.Href = template.URL("https://www.kb.cert.org/vuls/id/" + v)
		}
	case "uscertsa":
		if reAlertID().MatchString(v) {
			row.Main.Href = archived("http://www.us-cert.gov/cas/alerts/" + v + ".html")
		}
	case "uscertta":
		if reAlertID().MatchString(v) {
			row.Main.Href = archived("http://www.us-cert.gov/cas/techalerts/" + v + ".html")
		}
	case "mlist":
		if u, ok := sanitize.URL(v); ok {
			row.Main.Href = template.URL(u)
		}
		for _, a := range r.Attrs {
			if a.Name == "msgid" && strings.TrimSpace(a.Value) != "" {
				row.Note = "Message-ID: <" + strings.Trim(strings.TrimSpace(a.Value), "<>") + ">"
			}
		}
	default: // url, vendor and unknown kinds: a link when it is a safe URL
		if u, ok := sanitize.URL(v); ok {
			row.Main.Href = template.URL(u)
		}
	}
	return row
}
