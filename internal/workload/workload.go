// Package workload generates the standard synthetic VuXML workloads used
// by the benchmarks: a deterministic (seeded) vuln.xml with a realistic
// structure and a list of name-version operands to audit against it.
//
// The standard workload (Standard) is the one FreeBSD pkg audit was timed
// on: 20,000 entries over 5,000 package names, about 24 MB and 42,800
// <name> elements, and 2,000 operands. Large is the 80,000-entry,
// 20,000-name, about 96 MB variant. Entries look like the real ones: a
// topic, one to three <package> blocks of one or two names (about 2 % of
// them globs such as py3*-foo) and one or two ranges each (lt, ge+lt, and
// rarely le, ge, eq, gt, gt+lt, ge+le, in the proportions of the real
// data), occasional port revisions and epochs, an XHTML description of
// realistic size, CVE names and URLs, dates newest first. The output uses
// only the five predefined entities, so FreeBSD pkg reads it exactly as
// pkgaudit does.
//
// Operands are distinct package names from the pool with a version: most
// fall inside some range of that name, about a third sit on a range
// boundary (the bound itself or its neighbour), the rest are above every
// range or name packages the document does not list.
package workload

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"
	"sync"
)

// Config sizes a workload.
type Config struct {
	Entries  int    // <vuln> entries
	Names    int    // distinct package names in the pool
	Operands int    // name-version operands to generate
	Seed     uint64 // same seed, same output
	// Skew, when positive, is the fraction of the names that start with
	// the letter p (py311-, p5-, php83- and other prefixed flavours), as
	// in FreeBSD's ports where one first letter holds many names: the
	// shape on which a look-up bucketed by first letter is slow. Names
	// are rewritten, chosen at random, until the fraction is reached; 0
	// leaves the workload as it was.
	Skew float64
}

// Standard is the full-scale workload: 20,000 entries over 5,000 names
// (about 24 MB), 2,000 operands.
func Standard() Config { return Config{Entries: 20000, Names: 5000, Operands: 2000, Seed: 1} }

// Large is the 80,000-entry, 20,000-name (about 96 MB) variant.
func Large() Config { return Config{Entries: 80000, Names: 20000, Operands: 2000, Seed: 1} }

var (
	cacheMu sync.Mutex
	cache   = map[Config]*result{}
)

type result struct {
	doc      []byte
	operands []string
}

// Cached is Generate, memoised for the life of the process (for tests and
// benchmarks that need the same workload several times). The returned
// slices are shared: do not modify them.
func Cached(c Config) (doc []byte, operands []string) {
	cacheMu.Lock()
	defer cacheMu.Unlock()
	r, ok := cache[c]
	if !ok {
		d, o := Generate(c)
		r = &result{d, o}
		cache[c] = r
	}
	return r.doc, r.operands
}

// version is a generated package version: numeric components, an
// optional letter or p-level after the last one, a port revision and an
// epoch.
type version struct {
	nums   []int
	suffix string // "", "a".."z" or "p1".."p9" (after the last number)
	rev    int    // _N
	epoch  int    // ,N
}

func (v version) String() string {
	var b strings.Builder
	for i, n := range v.nums {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.Itoa(n))
	}
	b.WriteString(v.suffix)
	if v.rev > 0 {
		b.WriteString("_" + strconv.Itoa(v.rev))
	}
	if v.epoch > 0 {
		b.WriteString("," + strconv.Itoa(v.epoch))
	}
	return b.String()
}

func (v version) clone() version {
	v.nums = append([]int(nil), v.nums...)
	return v
}

// shape is how a package's versions look.
type shape struct {
	parts  int // number of numeric components
	epoch  int
	letter bool // openssl-like 1.1.1w
	plevel bool // openssh-like 9.5p1
	big    bool // chromium-like 138.0.7204.96
}

type pkgName struct {
	name  string
	shape shape
	// upper bounds already used for this name (to make newer entries
	// fix newer versions)
	major int
}

type bound struct {
	op  string
	ver version
}

type rng struct {
	bounds []bound
}

// generator holds the state of one Generate call.
type generator struct {
	r       *rand.Rand
	cfg     Config
	names   []*pkgName
	byName  map[string]*pkgName
	weights []float64 // cumulative popularity of names
	ranges  map[string][]rng
	out     bytes.Buffer
}

// Generate returns the document and the operands of a workload.
func Generate(c Config) (doc []byte, operands []string) {
	if c.Names <= 0 {
		c.Names = 1
	}
	g := &generator{
		r:      rand.New(rand.NewPCG(c.Seed, c.Seed^0x9e3779b97f4a7c15)),
		cfg:    c,
		byName: map[string]*pkgName{},
		ranges: map[string][]rng{},
	}
	g.makeNames()
	g.out.Grow(c.Entries * 1250)
	g.document()
	return g.out.Bytes(), g.operands()
}

var syllables = strings.Fields(`ba be bi bo bu ca ce ci co cu da de di do du fa fe fi fo fu ga ge gi go gu
ha he hi ho hu ja jo ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu
ra re ri ro ru sa se si so su ta te ti to tu va ve vi vo vu wa we wi wo xa xe xi za ze zi zo
bar cal dar fen gar hal kin lin mar nor pol quin rim sol tor vex wyn zen ssl sql xml http lib`)

var prefixes = []string{"py311-", "py312-", "py39-", "p5-", "rubygem-", "php83-", "php84-", "linux-", "node-", "R-cran-", "hs-", "go-"}
var suffixes = []string{"-devel", "-server", "-client", "-lite", "-nox11", "-utils", "2", "3", "-esr"}

func (g *generator) word(min, max int) string {
	n := min + g.r.IntN(max-min+1)
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteString(syllables[g.r.IntN(len(syllables))])
	}
	return b.String()
}

// skewPrefixes are the prefixes skew gives names.
var skewPrefixes = []string{"py311-", "py312-", "py39-", "p5-", "php83-", "php84-"}

// skew rewrites names until the fraction cfg.Skew of them start with p.
func (g *generator) skew() {
	if g.cfg.Skew <= 0 {
		return
	}
	want := int(g.cfg.Skew*float64(len(g.names)) + 0.5)
	have := 0
	var others []int
	for i, p := range g.names {
		if strings.HasPrefix(p.name, "p") {
			have++
		} else {
			others = append(others, i)
		}
	}
	for have < want && len(others) > 0 {
		k := g.r.IntN(len(others))
		i := others[k]
		others[k] = others[len(others)-1]
		others = others[:len(others)-1]
		p := g.names[i]
		name := skewPrefixes[g.r.IntN(len(skewPrefixes))] + p.name
		if _, dup := g.byName[name]; dup {
			continue
		}
		delete(g.byName, p.name)
		p.name = name
		g.byName[name] = p
		have++
	}
}

func (g *generator) makeNames() {
	stems := []string{}
	for len(g.names) < g.cfg.Names {
		var name string
		switch x := g.r.IntN(100); {
		case x < 20 && len(stems) > 0:
			// a flavour of an existing stem: py311-foo, foo-devel
			s := stems[g.r.IntN(len(stems))]
			if g.r.IntN(2) == 0 {
				name = prefixes[g.r.IntN(len(prefixes))] + s
			} else {
				name = s + suffixes[g.r.IntN(len(suffixes))]
			}
		default:
			name = g.word(2, 4)
			stems = append(stems, name)
		}
		if _, dup := g.byName[name]; dup {
			continue
		}
		p := &pkgName{name: name, shape: g.shape(), major: 1 + g.r.IntN(20)}
		g.names = append(g.names, p)
		g.byName[name] = p
	}
	g.skew()
	// popularity: a few names (browsers, libraries) appear in many entries
	g.weights = make([]float64, len(g.names))
	sum := 0.0
	for i := range g.names {
		sum += 1 / float64(i+10)
		g.weights[i] = sum
	}
	for i := range g.weights {
		g.weights[i] /= sum
	}
}

func (g *generator) shape() shape {
	s := shape{parts: 3}
	switch x := g.r.IntN(100); {
	case x < 25:
		s.parts = 2
	case x < 30:
		s.parts = 4
		s.big = true
	case x < 33:
		s.parts = 1
	}
	switch x := g.r.IntN(100); {
	case x < 10:
		s.epoch = 1
	case x < 13:
		s.epoch = 2 + g.r.IntN(3)
	}
	switch x := g.r.IntN(100); {
	case x < 3:
		s.letter = true
	case x < 5:
		s.plevel = true
	}
	return s
}

func (g *generator) pickName() *pkgName {
	u := g.r.Float64()
	i := sort.SearchFloat64s(g.weights, u)
	if i >= len(g.names) {
		i = len(g.names) - 1
	}
	return g.names[i]
}

// fixVersion makes a version of p that fixes something: newer entries
// tend to fix newer versions.
func (g *generator) fixVersion(p *pkgName) version {
	s := p.shape
	v := version{epoch: s.epoch}
	major := p.major + g.r.IntN(4)
	if s.big {
		v.nums = []int{major * 7, 0, 1000 + g.r.IntN(6000), g.r.IntN(200)}
	} else {
		v.nums = []int{major}
		for i := 1; i < s.parts; i++ {
			v.nums = append(v.nums, g.r.IntN(30))
		}
	}
	if s.letter {
		v.suffix = string(rune('b' + g.r.IntN(24)))
	}
	if s.plevel {
		v.suffix = "p" + strconv.Itoa(1+g.r.IntN(9))
	}
	if g.r.IntN(100) < 12 {
		v.rev = 1 + g.r.IntN(5)
	}
	return v
}

// lowerOf returns the start of the branch of v: 2.4.58 -> 2.4 (or 2.0).
func lowerOf(v version) version {
	l := version{epoch: v.epoch}
	if len(v.nums) == 1 {
		l.nums = []int{v.nums[0]}
		return l
	}
	l.nums = append([]int(nil), v.nums[:len(v.nums)-1]...)
	return l
}

func (g *generator) rangeFor(p *pkgName) rng {
	fix := g.fixVersion(p)
	x := g.r.IntN(1000)
	switch {
	case x < 755:
		return rng{[]bound{{"lt", fix}}}
	case x < 955:
		return rng{[]bound{{"ge", lowerOf(fix)}, {"lt", fix}}}
	case x < 970:
		return rng{[]bound{{"ge", fix}}}
	case x < 980:
		return rng{[]bound{{"gt", lowerOf(fix)}, {"lt", fix}}}
	case x < 987:
		return rng{[]bound{{"le", fix}}}
	case x < 992:
		return rng{[]bound{{"eq", fix}}}
	case x < 996:
		return rng{[]bound{{"ge", lowerOf(fix)}, {"le", fix}}}
	default:
		return rng{[]bound{{"gt", fix}}}
	}
}

func (g *generator) uuid() string {
	a, b := g.r.Uint64(), g.r.Uint64()
	s := fmt.Sprintf("%016x%016x", a, b)
	ver := "4"
	if g.r.IntN(100) < 85 {
		ver = "1" // time-based, like most real vids
	}
	return s[0:8] + "-" + s[8:12] + "-" + ver + s[13:16] + "-" + "89ab"[g.r.IntN(4):][:1] + s[17:20] + "-" + s[20:32]
}

var words = strings.Fields(`a an the attacker remote local user could can may might cause trigger execute arbitrary code
denial of service memory corruption buffer overflow heap stack use-after-free out-of-bounds read write
integer underflow null pointer dereference crafted request response packet file image archive certificate
header cookie session token authentication bypass privilege escalation cross-site scripting injection
SQL command path traversal directory server client library parser handler function module component
when processing handling parsing specially with without in on to from via by for and or which that
this issue vulnerability flaw bug problem allows leads results exists affected versions prior fixed
version release update upgrade configuration option default setting input validation insufficient
improper missing incorrect check bounds length size limit resource consumption exhaustion leak
information disclosure sensitive data exposure timing side channel race condition deadlock crash`)

var sources = []string{"The %s project reports:", "%s developers report:", "The %s team reports:", "SO-AND-SO reports:", "Problem Description:"}
var hosts = []string{"github.com", "gitlab.com", "www.openwall.com", "security.example.org", "lists.freebsd.org", "nvd.nist.gov", "bugs.example.net"}

func (g *generator) sentence(min, max int) string {
	n := min + g.r.IntN(max-min+1)
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(' ')
		}
		w := words[g.r.IntN(len(words))]
		if i == 0 {
			w = strings.ToUpper(w[:1]) + w[1:]
		}
		b.WriteString(w)
	}
	b.WriteByte('.')
	return b.String()
}

// paragraph writes sentences wrapped at about 70 columns with the given
// indentation.
func (g *generator) paragraph(indent string, sentences int) {
	w := &g.out
	col := 0
	w.WriteString(indent + "<p>")
	col = len(indent) + 3
	for i := 0; i < sentences; i++ {
		for j, word := range strings.Fields(g.sentence(5, 12)) {
			if col+len(word) > 72 {
				w.WriteString("\n" + indent + "  ")
				col = len(indent) + 2
			} else if i > 0 || j > 0 {
				w.WriteByte(' ')
				col++
			}
			w.WriteString(word)
			col += len(word)
		}
	}
	w.WriteString("</p>\n")
}

type date struct{ y, m, d int }

func (d date) String() string { return fmt.Sprintf("%04d-%02d-%02d", d.y, d.m, d.d) }

func (g *generator) document() {
	w := &g.out
	w.WriteString(`<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE vuxml PUBLIC "-//vuxml.org//DTD VuXML 1.1//EN" "http://www.vuxml.org/dtd/vuxml-1/vuxml-11.dtd">
<!-- Synthetic VuXML workload generated by pkgaudit's internal/workload (seed ` + strconv.FormatUint(g.cfg.Seed, 10) + `): not real advisories. -->
<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">
`)
	// entry dates, newest first, spread over 2003..2026
	days := 24 * 365
	for i := 0; i < g.cfg.Entries; i++ {
		day := days - 1 - (i*days)/max(g.cfg.Entries, 1)
		g.entry(dayToDate(day))
	}
	w.WriteString("</vuxml>\n")
}

func dayToDate(n int) date {
	y := 2003 + n/365
	doy := n % 365
	m := 1 + doy/31
	if m > 12 {
		m = 12
	}
	d := 1 + doy%28
	if y > 2026 {
		y = 2026
	}
	return date{y, m, d}
}

func (g *generator) entry(entry date) {
	w := &g.out
	w.WriteString("  <vuln vid=\"" + g.uuid() + "\">\n")
	blocks := 1
	switch x := g.r.IntN(100); {
	case x < 30:
		blocks = 2
	case x < 40:
		blocks = 3
	}
	type blk struct {
		names  []string
		ranges []rng
	}
	var bs []blk
	var main *pkgName
	for b := 0; b < blocks; b++ {
		var bl blk
		n := 1
		if g.r.IntN(100) < 43 {
			n = 2
		}
		p := g.pickName()
		if main == nil {
			main = p
		}
		for k := 0; k < n; k++ {
			q := p
			if k > 0 {
				q = g.pickName()
			}
			name := q.name
			if g.r.IntN(100) < 2 {
				name = g.glob(q.name)
			}
			bl.names = append(bl.names, name)
		}
		nr := 1
		if g.r.IntN(100) < 25 {
			nr = 2
		}
		for k := 0; k < nr; k++ {
			r := g.rangeFor(p)
			bl.ranges = append(bl.ranges, r)
		}
		for _, name := range bl.names {
			if _, ok := g.byName[name]; ok {
				g.ranges[name] = append(g.ranges[name], bl.ranges...)
			}
		}
		bs = append(bs, bl)
	}
	topic := main.name + " -- " + strings.TrimSuffix(g.sentence(3, 9), ".")
	if g.r.IntN(40) == 0 {
		topic = main.name + " -- Multiple vulnerabilities in " + main.name + "&apos;s " + words[g.r.IntN(len(words))] + " component"
	}
	w.WriteString("    <topic>" + topic + "</topic>\n    <affects>\n")
	for _, bl := range bs {
		w.WriteString("      <package>\n")
		for _, n := range bl.names {
			w.WriteString("\t<name>" + n + "</name>\n")
		}
		for _, r := range bl.ranges {
			w.WriteString("\t<range>")
			for _, b := range r.bounds {
				w.WriteString("<" + b.op + ">" + b.ver.String() + "</" + b.op + ">")
			}
			w.WriteString("</range>\n")
		}
		w.WriteString("      </package>\n")
	}
	w.WriteString("    </affects>\n    <description>\n      <body xmlns=\"http://www.w3.org/1999/xhtml\">\n")
	host := hosts[g.r.IntN(len(hosts))]
	cite := "https://" + host + "/" + main.name + "/security/advisory-" + strconv.Itoa(g.r.IntN(100000))
	src := sources[g.r.IntN(len(sources))]
	if strings.Contains(src, "%s") {
		src = fmt.Sprintf(src, main.name)
	}
	w.WriteString("\t<p>" + src + "</p>\n\t<blockquote cite=\"" + cite + "\">\n")
	paras := 1 + g.r.IntN(3)
	for i := 0; i < paras; i++ {
		g.paragraph("\t  ", 1+g.r.IntN(3))
	}
	if g.r.IntN(8) == 0 {
		w.WriteString("\t  <ul>\n")
		for i := 0; i < 2+g.r.IntN(3); i++ {
			w.WriteString("\t    <li>CVE-" + strconv.Itoa(entry.y) + "-" + strconv.Itoa(10000+g.r.IntN(60000)) + ": " + strings.TrimSuffix(g.sentence(4, 10), ".") + "</li>\n")
		}
		w.WriteString("\t  </ul>\n")
	}
	if g.r.IntN(8) == 0 {
		w.WriteString("\t  <p>Input such as <code>&lt;" + g.word(1, 2) + " a=&quot;1&quot;&gt;</code> &amp; similar triggers the flaw.</p>\n")
	}
	w.WriteString("\t</blockquote>\n      </body>\n    </description>\n    <references>\n")
	ncve := 1 + g.r.IntN(3)
	if g.r.IntN(10) == 0 {
		ncve += g.r.IntN(8)
	}
	for i := 0; i < ncve; i++ {
		w.WriteString("      <cvename>CVE-" + strconv.Itoa(entry.y) + "-" + strconv.Itoa(1000+g.r.IntN(60000)) + "</cvename>\n")
	}
	w.WriteString("      <url>" + cite + "</url>\n")
	if g.r.IntN(3) == 0 {
		w.WriteString("      <url>https://" + hosts[g.r.IntN(len(hosts))] + "/" + g.word(1, 3) + "/" + strconv.Itoa(g.r.IntN(1000000)) + "</url>\n")
	}
	if g.r.IntN(50) == 0 {
		w.WriteString("      <freebsdsa>SA-" + strconv.Itoa(entry.y%100) + ":0" + strconv.Itoa(1+g.r.IntN(9)) + "." + g.word(1, 2) + "</freebsdsa>\n")
	}
	disc := entry
	if g.r.IntN(3) > 0 {
		disc.d = 1 + g.r.IntN(entry.d)
	}
	w.WriteString("    </references>\n    <dates>\n      <discovery>" + disc.String() + "</discovery>\n      <entry>" + entry.String() + "</entry>\n")
	if g.r.IntN(20) == 0 {
		mod := entry
		mod.d = min(28, entry.d+1+g.r.IntN(5))
		w.WriteString("      <modified>" + mod.String() + "</modified>\n")
	}
	w.WriteString("    </dates>\n  </vuln>\n\n")
}

// glob turns a name into a pattern that matches it: py311-foo -> py3*-foo,
// foo-devel -> foo*, foo -> fo?.
func (g *generator) glob(name string) string {
	if i := strings.IndexByte(name, '-'); i > 2 && i < len(name)-1 {
		return name[:i-1] + "*" + name[i:]
	}
	switch g.r.IntN(2) {
	case 0:
		return name[:len(name)-1] + "*"
	default:
		return name[:len(name)-1] + "?"
	}
}

// operands picks distinct names (mostly listed in the document) with
// versions in, on and out of their ranges.
func (g *generator) operands() []string {
	var listed []string
	for _, p := range g.names {
		if len(g.ranges[p.name]) > 0 {
			listed = append(listed, p.name)
		}
	}
	want := g.cfg.Operands
	seen := map[string]bool{}
	var ops []string
	add := func(name string, v version) {
		seen[name] = true
		ops = append(ops, name+"-"+v.String())
	}
	// shuffle the listed names deterministically
	g.r.Shuffle(len(listed), func(i, j int) { listed[i], listed[j] = listed[j], listed[i] })
	for _, name := range listed {
		if len(ops) >= want*95/100 {
			break
		}
		rs := g.ranges[name]
		r := rs[g.r.IntN(len(rs))]
		x := g.r.IntN(100)
		switch {
		case x < 34:
			add(name, g.boundary(r))
		case x < 90:
			add(name, g.inside(r))
		default:
			add(name, g.above(rs))
		}
	}
	// names the document does not list
	for _, p := range g.names {
		if len(ops) >= want {
			break
		}
		if !seen[p.name] && len(g.ranges[p.name]) == 0 {
			add(p.name, g.fixVersion(p))
		}
	}
	for i := 0; len(ops) < want && i < len(g.names); i++ {
		if p := g.names[i]; !seen[p.name] {
			add(p.name, g.fixVersion(p))
		}
	}
	return ops
}

// boundary returns a bound of r itself or its neighbour.
func (g *generator) boundary(r rng) version {
	b := r.bounds[g.r.IntN(len(r.bounds))]
	v := b.ver.clone()
	switch g.r.IntN(3) {
	case 0:
		return v
	case 1: // just below: drop the revision or step the last number down
		if v.rev > 0 {
			v.rev--
		} else if v.nums[len(v.nums)-1] > 0 && v.suffix == "" {
			v.nums[len(v.nums)-1]--
		}
		return v
	default: // just above: one more revision
		v.rev++
		return v
	}
}

// inside returns a version strictly inside r (when r has room).
func (g *generator) inside(r rng) version {
	var lo, hi *version
	for i := range r.bounds {
		b := &r.bounds[i]
		switch b.op {
		case "ge", "gt":
			lo = &b.ver
		case "lt", "le":
			hi = &b.ver
		case "eq":
			return b.ver.clone()
		}
	}
	switch {
	case hi != nil:
		v := hi.clone()
		v.rev, v.suffix = 0, ""
		last := len(v.nums) - 1
		if v.nums[last] > 0 {
			v.nums[last] = g.r.IntN(v.nums[last])
		} else if lo != nil {
			v = lo.clone()
			v.rev = 1
		} else {
			v.nums = append(v.nums[:last], 0)
			v.nums[0] = max(0, v.nums[0]-1)
		}
		if lo != nil && len(v.nums) == len(lo.nums) && g.r.IntN(4) == 0 {
			v = lo.clone()
			v.rev = 1 + g.r.IntN(3)
		}
		return v
	case lo != nil:
		v := lo.clone()
		v.nums[0] += g.r.IntN(3)
		v.nums = append(v.nums, 1+g.r.IntN(9))
		return v
	}
	return version{nums: []int{1}}
}

// above returns a version newer than every range of the name.
func (g *generator) above(rs []rng) version {
	var top version
	for _, r := range rs {
		for _, b := range r.bounds {
			if b.ver.epoch > top.epoch || b.ver.epoch == top.epoch && b.ver.nums[0] >= top.nums0() {
				top = b.ver.clone()
			}
		}
	}
	top.nums[0] += 10
	top.rev, top.suffix = 0, ""
	return top
}

func (v version) nums0() int {
	if len(v.nums) == 0 {
		return -1
	}
	return v.nums[0]
}
