package match

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/inventory"
)

// Kinds of related package, in the order Related lists them.
const (
	KindSelf       = "self"
	KindFlavour    = "flavour"
	KindVersion    = "version"
	KindLanguage   = "language"
	KindLocalized  = "localized"
	KindLinux      = "linux"
	KindDerivative = "derivative"
	KindContains   = "contains"
)

var kindOrder = map[string]int{KindSelf: 0, KindFlavour: 1, KindVersion: 2, KindLanguage: 3,
	KindLocalized: 4, KindLinux: 5, KindDerivative: 6, KindContains: 7}

// Variant is one INDEX package an entry about some port should consider.
type Variant struct {
	Package inventory.Package
	Kind    string
	Reason  string
}

// flavourSuffixes are the suffixes of ports that are flavours, development
// versions or sibling packages of one port (the Handbook's -devel, -lite,
// -nox11 ...).
var flavourSuffixes = []string{"devel", "lite", "nox11", "nox", "x11", "gtk2", "gtk3", "gtk4", "qt5", "qt6",
	"full", "tiny", "mini", "minimal", "static", "esr", "legacy", "lts", "current", "snapshot", "nightly",
	"beta", "server", "client", "libs", "nogtk"}

var (
	reLinux     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^linux-(?:(?:c[0-9]+|rl[0-9]+|f[0-9]+|dist)-)?`) })
	reLocalized = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:ja|jp|zh|ko|ru|uk|de|fr|pt|es|it|hu|pl|vi|he|ar|tr|cs|el|nl)-`)
	})
	reLanguage = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:py[0-9]*|p5|rubygem|ruby[0-9]*|php[0-9]+|r-cran|hs|ocaml|rust|go|node[0-9]*|npm|lua[0-9]*|tcl[0-9]*|erlang|elixir)-`)
	})
)

// prefixOf returns the linux, localisation or language-module prefix of a
// lower-case package name ("py311-", "linux-rl9-", "ja-"), or "".
func prefixOf(n string) string {
	if m := reLinux().FindString(n); m != "" && len(m) < len(n) {
		return m
	}
	if m := reLocalized().FindString(n); m != "" && len(m) < len(n) {
		return m
	}
	if m := reLanguage().FindString(n); m != "" && len(m) < len(n) {
		return m
	}
	return ""
}

// family is a set of ports sharing code: forks, rebrandings, bundled
// copies of an engine.
type family struct {
	label   string
	word    string   // topic word that names the family
	members []string // fnmatch patterns over lower-case names
}

func (f family) match(name string) bool {
	for _, m := range f.members {
		if fnmatch.Match(m, name, 0) {
			return true
		}
	}
	return false
}

var families = []family{
	{"Gecko (Firefox and its derivatives)", "mozilla", []string{"firefox", "firefox-esr", "librewolf", "waterfox", "floorp", "seamonkey", "thunderbird", "thunderbird-esr", "linux-*-firefox"}},
	{"Gecko (Firefox and its derivatives)", "firefox", []string{"firefox", "firefox-esr", "librewolf", "waterfox", "floorp", "seamonkey", "thunderbird", "thunderbird-esr"}},
	{"Gecko (Thunderbird)", "thunderbird", []string{"thunderbird", "thunderbird-esr", "firefox", "firefox-esr", "seamonkey"}},
	{"Chromium (forks and bundled copies)", "chromium", []string{"chromium", "ungoogled-chromium", "iridium", "iridium-browser", "linux-chrome", "qt[0-9]-webengine", "electron[0-9]*"}},
	{"Chromium (forks and bundled copies)", "chrome", []string{"chromium", "ungoogled-chromium", "iridium", "iridium-browser", "linux-chrome", "qt[0-9]-webengine", "electron[0-9]*"}},
	{"OpenSSL (versions and forks)", "openssl", []string{"openssl", "openssl[0-9]*", "openssl-quictls", "libressl", "libressl-devel", "boringssl", "aws-lc"}},
	{"MySQL (versions and forks)", "mysql", []string{"mysql[0-9]*-server", "mysql[0-9]*-client", "mariadb[0-9]*-server", "mariadb[0-9]*-client", "percona[0-9]*-server", "percona[0-9]*-client"}},
	{"MariaDB", "mariadb", []string{"mariadb[0-9]*-server", "mariadb[0-9]*-client", "mysql[0-9]*-server", "mysql[0-9]*-client"}},
	{"Redis (versions and forks)", "redis", []string{"redis", "redis[0-9]*", "redis-devel", "valkey", "keydb"}},
	{"nginx (versions and forks)", "nginx", []string{"nginx", "nginx-*", "freenginx", "freenginx-*", "angie", "tengine"}},
	{"xpdf code (xpdf and poppler)", "xpdf", []string{"xpdf", "poppler", "poppler-*"}},
	{"ImageMagick (versions and GraphicsMagick)", "imagemagick", []string{"imagemagick[0-9]*", "graphicsmagick"}},
	{"Vim (and Neovim)", "vim", []string{"vim", "vim-*", "neovim", "ja-vim"}},
	{"Mutt (and NeoMutt)", "mutt", []string{"mutt", "neomutt"}},
	{"Gitea (and its fork Forgejo)", "gitea", []string{"gitea", "forgejo"}},
	{"WebKit", "webkit", []string{"webkit2-gtk*", "webkit-gtk*"}},
	{"WebKitGTK", "webkitgtk", []string{"webkit2-gtk*", "webkit-gtk*"}},
}

// familyOf returns the families name belongs to.
func familiesOf(name string) []family {
	var fs []family
	for _, f := range families {
		if f.match(name) {
			fs = append(fs, f)
		}
	}
	return fs
}

// parts splits a lower-case name into prefix, core and flavour suffix.
func parts(n string) (prefix, core, suffix string) {
	prefix = prefixOf(n)
	core = n[len(prefix):]
	for _, s := range flavourSuffixes {
		if strings.HasSuffix(core, "-"+s) && len(core) > len(s)+1 {
			return prefix, core[:len(core)-len(s)-1], s
		}
	}
	return prefix, core, ""
}

var reTrailingDigits = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`[0-9]+$`) })

func prefixKind(p string) string {
	switch {
	case p == "":
		return ""
	case reLinux().MatchString(p):
		return KindLinux
	case reLocalized().MatchString(p):
		return KindLocalized
	}
	return KindLanguage
}

// Related lists the INDEX packages a VuXML entry about the port name
// should consider, with the reason: the name itself, its flavours and
// -devel/-lite/-nox11 variants, version-suffixed ports (foo2, foo18,
// php8x-foo), language-module and localized ports of the same software
// (py311-foo, p5-foo, ja-foo), Linux binary ports (linux-foo,
// linux-rl9-foo), derivatives of well-known software (firefox: librewolf,
// waterfox, firefox-esr, ...; chromium: ungoogled-chromium, iridium, ...;
// openssl: openssl3x, libressl, ...), and ports whose name holds the
// port's name as a component. Each package appears once, under its first
// reason.
func Related(name string, pkgs []inventory.Package) []Variant {
	n := strings.ToLower(strings.TrimSpace(name))
	np, ncore, nsuf := parts(n)
	nbare := reTrailingDigits().ReplaceAllString(ncore, "")
	fams := familiesOf(n)
	seen := map[string]bool{}
	var out []Variant
	for _, p := range pkgs {
		pn := strings.ToLower(p.Name)
		if seen[p.Name] {
			continue
		}
		kind, reason := "", ""
		pp, pcore, psuf := parts(pn)
		pfx := strings.TrimSuffix(p.Name[:len(pp)], "-")
		pbare := reTrailingDigits().ReplaceAllString(pcore, "")
		switch {
		case pn == n:
			kind, reason = KindSelf, "the name itself"
		case strings.HasPrefix(pn, n+"-") && suffixIsFlavour(pn[len(n)+1:]):
			kind, reason = KindFlavour, fmt.Sprintf("-%s variant of %s", pn[len(n)+1:], name)
		case pp == np && pcore == ncore && psuf != "":
			kind, reason = KindFlavour, fmt.Sprintf("-%s variant of %s", psuf, strings.TrimSuffix(np+ncore, "-"))
		case pp == np && pcore != ncore && pbare == nbare && nbare != "" && psuf == nsuf:
			kind, reason = KindVersion, fmt.Sprintf("version-suffixed port of %s", nbare)
		case pp != np && pcore == ncore:
			k := prefixKind(pp)
			if k == "" {
				k = prefixKind(np)
			}
			kind = k
			switch {
			case pp == "":
				reason = fmt.Sprintf("%s without the %s prefix", p.Name, name[:len(np)])
			case k == KindLinux:
				reason = fmt.Sprintf("Linux binary port (%s-) of %s", pfx, ncore)
			case k == KindLocalized:
				reason = fmt.Sprintf("localized port (%s-) of %s", pfx, ncore)
			default:
				reason = fmt.Sprintf("%s- module of %s", pfx, ncore)
			}
		case pp != np && pbare == nbare && nbare != "" && prefixKind(pp) == KindLanguage && prefixKind(np) == KindLanguage:
			kind, reason = KindLanguage, fmt.Sprintf("%s- module of %s", pfx, pcore)
		}
		if kind == "" {
			for _, f := range fams {
				if f.match(pn) {
					kind, reason = KindDerivative, fmt.Sprintf("shares code with %s: %s", name, f.label)
					break
				}
			}
		}
		if kind == "" && len(ncore) >= 4 && hasComponent(pn, ncore) {
			kind, reason = KindContains, fmt.Sprintf("name contains %s", ncore)
		}
		if kind == "" {
			continue
		}
		seen[p.Name] = true
		out = append(out, Variant{Package: p, Kind: kind, Reason: reason})
	}
	sort.SliceStable(out, func(i, j int) bool {
		if a, b := kindOrder[out[i].Kind], kindOrder[out[j].Kind]; a != b {
			return a < b
		}
		return out[i].Package.Name < out[j].Package.Name
	})
	return out
}

func suffixIsFlavour(s string) bool {
	for _, f := range flavourSuffixes {
		if s == f {
			return true
		}
	}
	return false
}

// hasComponent reports whether word is one of the '-'-separated
// components of name, or a run of them.
func hasComponent(name, word string) bool {
	for i := 0; ; {
		j := strings.Index(name[i:], word)
		if j < 0 {
			return false
		}
		j += i
		end := j + len(word)
		if (j == 0 || name[j-1] == '-') && (end == len(name) || name[end] == '-') {
			return true
		}
		i = j + 1
	}
}
