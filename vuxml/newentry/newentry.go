// Package newentry writes the template of a new VuXML entry, as the ports
// tree's security/vuxml/files/newentry.sh does, and inserts it at the top
// of a year file or document.
//
// The template has newentry.sh's exact layout (two-space <vuln>, four-space
// children, tab-indented names, ranges and body paragraphs, a blank line
// after the entry) and its deliberate markers — a discovery date of
// YYYY-MM-FIXME, "SO-AND-SO reports:", "INSERT URL HERE", "INSERT SAME URL
// HERE", an empty name and version — so that the entry fails validation
// until it is filled in. Options fill parts of it in.
package newentry

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/google/uuid"
)

// Options fills in the template. Empty fields keep newentry.sh's markers.
type Options struct {
	// Now gives the entry date (its UTC date) and the discovery month.
	Now time.Time
	// VID is the entry's vid; empty: a fresh UUID of UUIDVersion.
	VID string
	// UUIDVersion is 4 (random, the default) or 1 (time-based, what
	// FreeBSD's uuidgen(1) gives).
	UUIDVersion int
	// Topic replaces " -- "; without it, the first package name gives
	// "NAME -- FIXME".
	Topic string
	// Packages are the <name>s of the one <package> block.
	Packages []string
	// LT and GE are the range's upper (<lt>) and lower (<ge>) bounds.
	LT, GE string
	// CVEs become <cvename> references, before the URL.
	CVEs []string
	// URL is the blockquote's cite and the <url> reference.
	URL string
}

// Marker texts of the template.
const (
	TopicTemplate = " -- "
	SourceMarker  = "SO-AND-SO reports:"
	CiteMarker    = "INSERT URL HERE"
	URLMarker     = "INSERT SAME URL HERE"
	DateMarker    = "FIXME"
)

// NewVID returns a fresh lower-case UUID of the given version (1 or 4).
func NewVID(version int) (string, error) {
	var u uuid.UUID
	var err error
	switch version {
	case 0, 4:
		u, err = uuid.NewRandom()
	case 1:
		u, err = uuid.NewUUID()
	default:
		return "", fmt.Errorf("UUID version %d: only 1 and 4 are supported", version)
	}
	if err != nil {
		return "", fmt.Errorf("generating a UUID: %w", err)
	}
	return strings.ToLower(u.String()), nil
}

var reVID = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)
})

// Entry returns the new entry's text: from "  <vuln" to "  </vuln>\n"
// (without the blank line that follows it in a file).
func Entry(o Options) (string, error) {
	vid := o.VID
	if vid == "" {
		var err error
		if vid, err = NewVID(o.UUIDVersion); err != nil {
			return "", err
		}
	}
	vid = strings.ToLower(vid)
	if !reVID().MatchString(vid) {
		return "", fmt.Errorf("vid %q is not a UUID", vid)
	}
	if o.Now.IsZero() {
		return "", errors.New("newentry: no date given")
	}
	now := o.Now.UTC()
	for _, s := range append(append([]string{o.Topic, o.LT, o.GE, o.URL}, o.Packages...), o.CVEs...) {
		if strings.ContainsAny(s, "\n\r") {
			return "", fmt.Errorf("%q: values must be on one line", s)
		}
	}
	topic := TopicTemplate
	switch {
	case o.Topic != "":
		topic = strings.TrimSpace(o.Topic)
	case len(o.Packages) > 0:
		topic = strings.TrimSpace(o.Packages[0]) + " -- " + DateMarker
	}
	cite, url := CiteMarker, URLMarker
	if o.URL != "" {
		cite, url = strings.TrimSpace(o.URL), strings.TrimSpace(o.URL)
	}
	var b strings.Builder
	w := func(s ...string) {
		for _, x := range s {
			b.WriteString(x)
		}
		b.WriteByte('\n')
	}
	w(`  <vuln vid="`, vid, `">`)
	w("    <topic>", text(topic), "</topic>")
	w("    <affects>")
	w("      <package>")
	if len(o.Packages) == 0 {
		w("\t<name></name>")
	}
	for _, p := range o.Packages {
		w("\t<name>", text(strings.TrimSpace(p)), "</name>")
	}
	rng := "<lt>" + text(strings.TrimSpace(o.LT)) + "</lt>"
	if o.GE != "" {
		rng = "<ge>" + text(strings.TrimSpace(o.GE)) + "</ge>" + rng
	}
	w("\t<range>", rng, "</range>")
	w("      </package>")
	w("    </affects>")
	w("    <description>")
	w(`      <body xmlns="http://www.w3.org/1999/xhtml">`)
	w("\t<p>", SourceMarker, "</p>")
	w(`	<blockquote cite="`, attr(cite), `">`)
	w("\t  <p>.</p>")
	w("\t</blockquote>")
	w("      </body>")
	w("    </description>")
	w("    <references>")
	for _, c := range o.CVEs {
		w("      <cvename>", text(strings.TrimSpace(c)), "</cvename>")
	}
	w("      <url>", text(url), "</url>")
	w("    </references>")
	w("    <dates>")
	w("      <discovery>", now.Format("2006-01"), "-", DateMarker, "</discovery>")
	w("      <entry>", now.Format("2006-01-02"), "</entry>")
	w("    </dates>")
	w("  </vuln>")
	return b.String(), nil
}

func text(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(xmlChars(s))
}

func attr(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(xmlChars(s))
}

// xmlChars drops what XML 1.0 cannot hold: invalid UTF-8, control
// characters other than tab and newline, surrogates, U+FFFE and U+FFFF.
func xmlChars(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n':
			return r
		case r < 0x20, r >= 0xD800 && r <= 0xDFFF, r == 0xFFFE, r == 0xFFFF, r == utf8.RuneError:
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
}

// Insert returns doc with entry added before its first entry, and the
// 1-based line number where the entry starts.
//
// As newentry.sh, the entry and a blank line go before the first line that
// starts with blanks and "<vuln "; for a whole document the lines up to
// the <vuxml> start tag stay in front. Unlike newentry.sh, no line is ever
// dropped: the lines between <vuxml> and the first entry are kept, an
// entry that starts in column 1 is found too, and a document without
// entries gets the entry just after its <vuxml> line (a fragment without
// entries: the entry alone, without the trailing blank line).
func Insert(doc []byte, entry string) ([]byte, int) {
	lines := bytes.SplitAfter(doc, []byte("\n"))
	if len(lines) > 0 && len(lines[len(lines)-1]) == 0 {
		lines = lines[:len(lines)-1]
	}
	at := -1
	for i, l := range lines {
		if bytes.HasPrefix(bytes.TrimLeft(l, " \t"), []byte("<vuln ")) || bytes.HasPrefix(bytes.TrimLeft(l, " \t"), []byte("<vuln\t")) {
			at = i
			break
		}
	}
	block := entry + "\n"
	if at < 0 {
		// No entry yet: after the <vuxml line, else at the end.
		at = len(lines)
		for i, l := range lines {
			if bytes.HasPrefix(l, []byte("<vuxml")) {
				at = i + 1
				break
			}
		}
		if at == len(lines) && len(bytes.TrimSpace(doc)) == 0 {
			return []byte(entry), 1
		}
		if at == len(lines) {
			block = entry
		}
	}
	var out bytes.Buffer
	for _, l := range lines[:at] {
		out.Write(l)
	}
	if at > 0 && !bytes.HasSuffix(lines[at-1], []byte("\n")) {
		out.WriteByte('\n')
	}
	out.WriteString(block)
	for _, l := range lines[at:] {
		out.Write(l)
	}
	return out.Bytes(), at + 1
}

// YearFile returns the year file of the security/vuxml port directory dir
// for the UTC year of now: DIR/vuln/YYYY.xml.
func YearFile(dir string, now time.Time) string {
	return filepath.Join(dir, "vuln", now.UTC().Format("2006")+".xml")
}

// IsPortDir reports whether dir looks like the security/vuxml port: it
// holds vuln.xml and a vuln directory.
func IsPortDir(dir string) bool {
	st, err := os.Stat(filepath.Join(dir, "vuln"))
	if err != nil || !st.IsDir() {
		return false
	}
	st, err = os.Stat(filepath.Join(dir, "vuln.xml"))
	return err == nil && st.Mode().IsRegular()
}

// FindPortDir looks for the security/vuxml port directory: cwd or one of
// its parents (so that it works from inside vuln/ too), then
// PORTSDIR/security/vuxml when portsdir is not empty.
func FindPortDir(cwd, portsdir string) (string, error) {
	for d := cwd; ; {
		if IsPortDir(d) {
			return d, nil
		}
		p := filepath.Dir(d)
		if p == d {
			break
		}
		d = p
	}
	if portsdir != "" {
		d := filepath.Join(portsdir, "security", "vuxml")
		if IsPortDir(d) {
			return d, nil
		}
		return "", fmt.Errorf("%s is not the security/vuxml port (no vuln.xml and vuln/)", d)
	}
	return "", errors.New("not inside the security/vuxml port and PORTSDIR is not set: give --dir or a FILE")
}
