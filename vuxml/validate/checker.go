package validate

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// source is the text of one file with its line starts, for exact
// positions.
type source struct {
	data  []byte
	lines []int // byte offset of the start of each line
}

func newSource(data []byte) *source {
	s := &source{data: data, lines: []int{0}}
	for i, b := range data {
		if b == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// offset returns the byte offset of pos (-1 when out of range).
func (s *source) offset(p vuxml.Pos) int {
	if p.Line < 1 || p.Line > len(s.lines) || p.Col < 1 {
		return -1
	}
	o := s.lines[p.Line-1] + p.Col - 1
	if o > len(s.data) {
		return -1
	}
	return o
}

// pos returns the position of byte offset off in file.
func (s *source) pos(file string, off int) vuxml.Pos {
	i := sort.Search(len(s.lines), func(i int) bool { return s.lines[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return vuxml.Pos{File: file, Line: i + 1, Col: off - s.lines[i] + 1}
}

type checker struct {
	opts     Options
	skip     map[string]bool
	today    string // latest acceptable date, YYYY-MM-DD ("" disables)
	out      []Finding
	order    []string
	seenFile map[string]bool
	src      map[string]*source
	vids     map[string]vuxml.Pos
	// epochs holds, per name, every bound version with a non-zero epoch,
	// for epoch-missing; bounds holds every bound of every name.
	epochs map[string][]boundRef
	bounds []boundRef
}

// boundRef is one bound of a name, for cross-entry epoch comparison.
type boundRef struct {
	name    string
	base    string // version without ",epoch"
	epoch   int
	version string
	vid     string
	pos     vuxml.Pos
}

func newChecker(opts Options) *checker {
	c := &checker{opts: opts, skip: map[string]bool{}, seenFile: map[string]bool{},
		src: map[string]*source{}, vids: map[string]vuxml.Pos{}, epochs: map[string][]boundRef{}}
	for _, s := range opts.Skip {
		c.skip[s] = true
	}
	if !opts.Now.IsZero() {
		// A date is in the future only once it is later than today in the
		// most advanced time zone (UTC+14).
		c.today = opts.Now.UTC().Add(14 * time.Hour).Format("2006-01-02")
	}
	return c
}

func (c *checker) addSource(file string, data []byte) {
	c.src[file] = newSource(data)
	c.noteFile(file)
}

func (c *checker) noteFile(f string) {
	if !c.seenFile[f] {
		c.seenFile[f] = true
		c.order = append(c.order, f)
	}
}

func (c *checker) add(p vuxml.Pos, sev Severity, check, vid, format string, args ...any) {
	if c.skip[check] {
		return
	}
	c.out = append(c.out, Finding{File: p.File, Line: p.Line, Col: p.Col, Severity: sev,
		Check: check, Message: fmt.Sprintf(format, args...), VID: vid})
}

func (c *checker) sorted() []Finding {
	Sort(c.out, c.order)
	return c.out
}

// find returns the position of the first occurrence of needle in the
// source of from.File at or after from (and before limit bytes), or from
// itself when the text is unknown or needle is not there.
func (c *checker) find(from vuxml.Pos, needle string, limit int) vuxml.Pos {
	s := c.src[from.File]
	if s == nil {
		return from
	}
	o := s.offset(from)
	if o < 0 {
		return from
	}
	end := min(len(s.data), o+limit)
	i := bytes.Index(s.data[o:end], []byte(needle))
	if i < 0 {
		return from
	}
	return s.pos(from.File, o+i)
}

var (
	reYear     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?:vuln-)?((?:19|20)[0-9]{2})\.xml$`) })
	reDate     = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[0-9]{4}-[0-9]{2}-[0-9]{2}$`) })
	reDateEV   = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(19|20)[0-9]{2}-[0-9]{2}-[0-9]{2}$`) })
	reSA       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^SA-[0-9]{2}:[0-9]{2}\.[A-Za-z0-9_.-]+$`) })
	reURL      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(?i:https?|ftp)://[^\s/?#]+[^\s]*$`) })
	reCAN      = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^CAN-[0-9]{4}-[0-9]{4,}$`) })
	badNameSet = `@!#$%^&*()<>?/\|}{~:`
)

// isUUID reports whether s is a lower-case RFC 4122 UUID (versions 1-5,
// the RFC 4122 variant).
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		ch := s[i]
		switch i {
		case 8, 13, 18, 23:
			if ch != '-' {
				return false
			}
		default:
			if !(ch >= '0' && ch <= '9' || ch >= 'a' && ch <= 'f') {
				return false
			}
		}
	}
	return s[14] >= '1' && s[14] <= '5' && strings.IndexByte("89ab", s[19]) >= 0
}

// placeholderText names the template or generator leftover in s, or "".
func placeholderText(s string) string {
	t := strings.TrimSpace(s)
	switch {
	case strings.EqualFold(t, "null"):
		return "null"
	case strings.Contains(t, "FIXME"):
		return "FIXME"
	case strings.Contains(t, "INSERT SAME URL HERE"):
		return "INSERT SAME URL HERE"
	case strings.Contains(t, "INSERT URL HERE"):
		return "INSERT URL HERE"
	case strings.Contains(t, "SO-AND-SO"):
		return "SO-AND-SO"
	}
	return ""
}

func (c *checker) entry(e *vuxml.Entry) {
	vid := e.VID
	c.vid(e)
	if e.Cancelled != nil {
		// extra-validation.py skips cancelled entries entirely; only the
		// vid and the superseding vid are checked here.
		if s := e.Cancelled.Superseded; s != "" && !isUUID(strings.ToLower(s)) {
			c.add(e.Cancelled.Pos, Error, "vid-syntax", vid, "superseded=%q is not an RFC 4122 UUID", s)
		}
		return
	}
	c.topic(e)
	c.affects(e)
	c.description(e)
	c.references(e)
	c.dates(e)
}

func (c *checker) vid(e *vuxml.Entry) {
	v := e.VID
	switch {
	case v == "":
		c.add(e.Pos, Error, "vid-syntax", "", "entry without a vid")
		return
	case isUUID(v):
	case isUUID(strings.ToLower(v)):
		// Upper-case hex digits: a tidy change, reported by CheckText.
	default:
		c.add(e.Pos, Error, "vid-syntax", v, "vid %q is not an RFC 4122 UUID (8-4-4-4-12 lower-case hex digits, version 1-5, variant 8/9/a/b)", v)
	}
	key := strings.ToLower(v)
	if first, ok := c.vids[key]; ok {
		c.add(e.Pos, Error, "vid-duplicate", v, "duplicate vid: first used at %s", posString(first))
		return
	}
	c.vids[key] = e.Pos
}

func posString(p vuxml.Pos) string {
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// linePos names p relative to the file of ref: "line N" in the same file,
// FILE:LINE:COL otherwise.
func linePos(p, ref vuxml.Pos) string {
	if p.File == ref.File {
		return fmt.Sprintf("line %d", p.Line)
	}
	return posString(p)
}

func (c *checker) topic(e *vuxml.Entry) {
	p := e.TopicPos
	if p.Line == 0 {
		p = e.Pos
	}
	t := strings.Join(strings.Fields(e.Topic), " ")
	switch {
	case t == "":
		c.add(p, Error, "placeholder", e.VID, "empty <topic>")
	case t == "--":
		c.add(p, Error, "placeholder", e.VID, "<topic> is still newentry's template \" -- \"")
	case placeholderText(t) != "":
		c.add(p, Error, "placeholder", e.VID, "<topic> holds the placeholder %q", placeholderText(t))
	case !strings.Contains(t, " -- ") || strings.HasPrefix(t, "-- ") || strings.HasSuffix(t, " --"):
		c.add(p, Warning, "topic-format", e.VID, "topic %q is not in the form \"name -- summary\"", t)
	}
}

// rangeInfo is one range of a name within an entry.
type rangeInfo struct {
	r      vuxml.Range
	iv     interval
	ok     bool // bounds well formed and versions usable
	epochs string
}

func (c *checker) affects(e *vuxml.Entry) {
	if len(e.Affects) == 0 {
		c.add(e.Pos, Error, "range-missing", e.VID, "entry affects no package")
		return
	}
	type nameRanges struct {
		first  vuxml.Pos
		ranges []rangeInfo
		bounds []vuxml.Bound
	}
	byName := map[string]*nameRanges{}
	var names []string
	for _, a := range e.Affects {
		kind := "package"
		if a.Kind == vuxml.System {
			kind = "system"
		}
		if len(a.Names) == 0 {
			c.add(a.Pos, Error, "range-missing", e.VID, "<%s> without <name>", kind)
		}
		if len(a.Ranges) == 0 {
			c.add(a.Pos, Error, "range-missing", e.VID, "<%s> without <range>: it matches no versioned package (pkg), and vuxml2portaudit emits nothing for it", kind)
		}
		for _, n := range a.Names {
			c.name(e, a.Kind, n)
		}
		var infos []rangeInfo
		for _, r := range a.Ranges {
			infos = append(infos, c.rangeCheck(e, r))
		}
		for _, n := range a.Names {
			nr := byName[n.Value]
			if nr == nil {
				nr = &nameRanges{first: n.Pos}
				byName[n.Value] = nr
				names = append(names, n.Value)
			}
			nr.ranges = append(nr.ranges, infos...)
			for _, r := range a.Ranges {
				nr.bounds = append(nr.bounds, r.Bounds...)
			}
		}
	}
	// One finding per pair of ranges, at the later one, reported for the
	// first name that has both.
	reported := map[[2]vuxml.Pos]bool{}
	for _, name := range names {
		nr := byName[name]
		c.epochsInEntry(e, name, nr.bounds)
		for j := range nr.ranges {
			for i := 0; i < j; i++ {
				a, b := nr.ranges[i], nr.ranges[j]
				if !a.ok || !b.ok || a.epochs != b.epochs || a.r.Pos == b.r.Pos {
					continue
				}
				key := [2]vuxml.Pos{a.r.Pos, b.r.Pos}
				if reported[key] || !a.iv.intersect(b.iv).nonEmpty() {
					continue
				}
				reported[key] = true
				verb := "overlaps"
				if sameBounds(a.r, b.r) {
					verb = "repeats"
				}
				c.add(b.r.Pos, Warning, "range-overlap", e.VID, "%s: range %s %s the range %s at %s",
					name, rangeText(b.r), verb, rangeText(a.r), linePos(a.r.Pos, b.r.Pos))
			}
		}
		for _, b := range nr.bounds {
			base, ep := splitEpoch(b.Version)
			ref := boundRef{name: name, base: base, epoch: ep, version: b.Version, vid: e.VID, pos: b.Pos}
			c.bounds = append(c.bounds, ref)
			if ep > 0 {
				c.epochs[name] = append(c.epochs[name], ref)
			}
		}
	}
}

func sameBounds(a, b vuxml.Range) bool {
	return slices.EqualFunc(a.Bounds, b.Bounds, func(x, y vuxml.Bound) bool {
		return x.Op == y.Op && x.Version == y.Version
	})
}

// rangeText renders a range as "op version op version" with pkg's symbols.
func rangeText(r vuxml.Range) string {
	var parts []string
	for _, b := range r.Bounds {
		parts = append(parts, advisory.Op(b.Op).Symbol()+" "+b.Version)
	}
	if len(parts) == 0 {
		return "(empty)"
	}
	return strings.Join(parts, " ")
}

func (c *checker) name(e *vuxml.Entry, kind vuxml.AffectedKind, n vuxml.Name) {
	v := n.Value
	if strings.TrimSpace(v) == "" {
		c.add(n.Pos, Error, "placeholder", e.VID, "empty <name>")
		return
	}
	if p := placeholderText(v); p != "" {
		c.add(n.Pos, Error, "placeholder", e.VID, "<name> holds the placeholder %q", strings.TrimSpace(v))
		return
	}
	t := strings.TrimSpace(v)
	braces := strings.ContainsAny(t, "{}")
	if kind == vuxml.Package {
		var bad []string
		for _, r := range t {
			if strings.ContainsRune(badNameSet, r) && !slices.Contains(bad, string(r)) {
				bad = append(bad, string(r))
			}
		}
		blank := strings.ContainsAny(t, " \t\r\n")
		if len(bad) > 0 || blank {
			msg := fmt.Sprintf("invalid package name %q", t)
			if len(bad) > 0 {
				msg += " (extra-validation.py refuses " + strings.Join(bad, " ") + ")"
			}
			if blank {
				msg += " (holds a blank)"
			}
			if strings.ContainsAny(t, "*?") {
				msg += "; pkg would match it as an fnmatch(3) glob"
			}
			if braces {
				msg += "; pkg takes braces literally (no alternation): give each name its own <name>"
			}
			c.add(n.Pos, Error, "package-name", e.VID, "%s", msg)
			return
		}
	}
	switch {
	case fnmatch.HasMeta(t):
		c.add(n.Pos, Warning, "name-glob", e.VID, "name %q is an fnmatch(3) glob for pkg (*, ?, [...]): check every package it matches (pkgaudit vuxml match)", t)
	case braces:
		c.add(n.Pos, Warning, "name-glob", e.VID, "name %q holds braces, which pkg matches literally (no alternation): give each name its own <name>", t)
	}
}

// splitEpoch splits "1.2_3,4" into "1.2_3" and 4 (0 without epoch).
func splitEpoch(v string) (string, int) {
	i := strings.LastIndexByte(v, ',')
	if i < 0 {
		return v, 0
	}
	n := 0
	for _, ch := range v[i+1:] {
		if ch < '0' || ch > '9' {
			return v, 0
		}
		n = n*10 + int(ch-'0')
		if n > 1<<20 {
			break
		}
	}
	return v[:i], n
}

func epochText(ep int) string {
	if ep == 0 {
		return "no epoch"
	}
	return fmt.Sprintf("epoch ,%d", ep)
}

// rangeCheck checks one range and returns its interval.
func (c *checker) rangeCheck(e *vuxml.Entry, r vuxml.Range) rangeInfo {
	info := rangeInfo{r: r}
	if len(r.Bounds) == 0 {
		c.add(r.Pos, Error, "range-form", e.VID, "<range> without operators: pkg takes it as every version")
		return info
	}
	versionsOK := true
	var eps []string
	for _, b := range r.Bounds {
		v := strings.TrimSpace(b.Version)
		switch {
		case v == "":
			c.add(b.Pos, Error, "placeholder", e.VID, "empty <%s>", b.Op)
			versionsOK = false
		case placeholderText(v) != "":
			c.add(b.Pos, Error, "placeholder", e.VID, "<%s> holds the placeholder %q", b.Op, v)
			versionsOK = false
		case strings.ContainsAny(v, " \t\r\n"):
			c.add(b.Pos, Error, "range-form", e.VID, "version %q holds a blank", v)
			versionsOK = false
		case strings.Contains(v, "-"):
			_, tail := splitLastDash(v)
			c.add(b.Pos, Error, "range-form", e.VID, "version %q holds '-': pkg_version_cmp ignores everything up to the last '-' and compares %q (write the package version, e.g. with '.')", v, tail)
			versionsOK = false
		}
		_, ep := splitEpoch(v)
		eps = append(eps, fmt.Sprint(ep))
		if b.Op == vuxml.Gt {
			c.add(b.Pos, Warning, "range-gt", e.VID, "<gt>%s</gt> lower bound: <gt> is usually wrong in ranges, use <ge> where adequate", v)
		}
	}
	slices.Sort(eps)
	info.epochs = strings.Join(slices.Compact(eps), ",")
	if msg := rangeFormProblem(r.Bounds); msg != "" {
		c.add(r.Pos, Error, "range-form", e.VID, "%s", msg)
		return info
	}
	if !versionsOK {
		return info
	}
	iv := rangeInterval(r)
	info.iv, info.ok = iv, true
	if iv.hasLo && iv.hasHi {
		switch cmpVersion(iv.lo, iv.hi) {
		case 1:
			hint := ""
			if _, e1 := splitEpoch(iv.lo); true {
				if _, e2 := splitEpoch(iv.hi); e1 != e2 {
					hint = fmt.Sprintf(" (the bounds have different epochs: %s and %s; pkg compares epochs first)", epochText(e1), epochText(e2))
				}
			}
			c.add(r.Pos, Error, "range-inverted", e.VID, "range %s is inverted: its lower bound is above its upper bound, so it matches nothing%s", rangeText(r), hint)
			info.ok = false
		case 0:
			if !iv.loInc || !iv.hiInc {
				c.add(r.Pos, Error, "range-empty", e.VID, "range %s is empty: no version satisfies both bounds", rangeText(r))
				info.ok = false
			}
		}
	}
	return info
}

func splitLastDash(v string) (string, string) {
	i := strings.LastIndexByte(v, '-')
	return v[:i], v[i+1:]
}

// rangeFormProblem describes an operator sequence that is not eq alone or
// an optional lower bound (ge, gt) followed by an optional upper bound
// (lt, le), or "".
func rangeFormProblem(bs []vuxml.Bound) string {
	ops := make([]string, len(bs))
	for i, b := range bs {
		ops[i] = "<" + b.Op.String() + ">"
	}
	seq := strings.Join(ops, "")
	lower := func(o vuxml.Op) bool { return o == vuxml.Ge || o == vuxml.Gt }
	upper := func(o vuxml.Op) bool { return o == vuxml.Lt || o == vuxml.Le }
	switch len(bs) {
	case 1:
		return ""
	case 2:
		if lower(bs[0].Op) && upper(bs[1].Op) {
			return ""
		}
		if upper(bs[0].Op) && lower(bs[1].Op) {
			return "range " + seq + ": the lower bound must come first"
		}
		if bs[0].Op == vuxml.Eq || bs[1].Op == vuxml.Eq {
			return "range " + seq + ": <eq> must stand alone"
		}
		return "range " + seq + ": two bounds on the same side; give one lower and one upper bound (use two <range> elements for two intervals)"
	}
	return "range " + seq + ": more than two operators (pkg uses only the first two); use one <range> per interval"
}

func (c *checker) epochsInEntry(e *vuxml.Entry, name string, bounds []vuxml.Bound) {
	count := map[int]int{}
	for _, b := range bounds {
		_, ep := splitEpoch(strings.TrimSpace(b.Version))
		count[ep]++
	}
	if len(count) < 2 {
		return
	}
	best, bestN := -1, -1
	for ep, n := range count {
		if n > bestN || n == bestN && ep > best {
			best, bestN = ep, n
		}
	}
	var example vuxml.Bound
	for _, b := range bounds {
		if _, ep := splitEpoch(strings.TrimSpace(b.Version)); ep == best {
			example = b
			break
		}
	}
	for _, b := range bounds {
		v := strings.TrimSpace(b.Version)
		if _, ep := splitEpoch(v); ep != best {
			c.add(b.Pos, Warning, "epoch-inconsistent", e.VID, "%s: %s has %s while %s at %s has %s; pkg compares the epoch first",
				name, v, epochText(ep), example.Version, linePos(example.Pos, b.Pos), epochText(best))
		}
	}
}

// crossEntry runs the checks that need every entry: epoch-missing.
func (c *checker) crossEntry() {
	for _, b := range c.bounds {
		var best *boundRef
		for i := range c.epochs[b.name] {
			x := &c.epochs[b.name][i]
			if x.vid == b.vid || x.epoch <= b.epoch || cmpVersion(x.base, b.base) > 0 {
				continue
			}
			if best == nil || x.epoch > best.epoch || x.epoch == best.epoch && cmpVersion(x.base, best.base) > 0 {
				best = x
			}
		}
		if best == nil {
			continue
		}
		c.add(b.pos, Warning, "epoch-missing", b.vid, "%s: %s has %s, but %s (%s at %s) shows %s already had epoch ,%d at this or an earlier version; pkg compares the epoch first, so this bound is below every %s-*,%d",
			b.name, b.version, epochText(b.epoch), best.version, best.vid, linePos(best.pos, b.pos), b.name, best.epoch, b.name, best.epoch)
	}
}

func (c *checker) references(e *vuxml.Entry) {
	if len(e.References) == 0 {
		c.add(e.Pos, Error, "references-missing", e.VID, "entry without references (extra-validation.py: references is None, or a crash on an empty <references>)")
		return
	}
	for _, r := range e.References {
		v := strings.TrimSpace(r.Value)
		if v == "" {
			c.add(r.Pos, Error, "placeholder", e.VID, "empty <%s>", r.Kind)
			continue
		}
		if p := placeholderText(v); p != "" {
			c.add(r.Pos, Error, "placeholder", e.VID, "<%s> holds the placeholder %q", r.Kind, p)
			continue
		}
		switch r.Kind {
		case "cvename":
			switch {
			case advisory.IsCVE(v):
			case reCAN().MatchString(v):
				c.add(r.Pos, Warning, "cvename-syntax", e.VID, "historic candidate name %s: write CVE-%s", v, v[4:])
			default:
				c.add(r.Pos, Error, "cvename-syntax", e.VID, "cvename %q is not a CVE name (CVE-YYYY-NNNN...)", v)
			}
		case "url", "mlist":
			if !reURL().MatchString(v) {
				c.add(r.Pos, Error, "reference-syntax", e.VID, "<%s> %q is not an absolute http, https or ftp URL", r.Kind, v)
			}
		case "freebsdsa":
			if !reSA().MatchString(v) {
				c.add(r.Pos, Warning, "reference-syntax", e.VID, "<freebsdsa> %q is not in the form SA-YY:NN.name", v)
			}
		}
	}
}

func (c *checker) dates(e *vuxml.Entry) {
	d := e.Dates
	if d.Pos.Line == 0 && d.Discovery == "" && d.Entry == "" {
		c.add(e.Pos, Error, "dates-missing", e.VID, "entry without <dates>")
		return
	}
	type date struct {
		name, v string
		ok      bool
		t       time.Time
	}
	list := []*date{{name: "discovery", v: d.Discovery}, {name: "entry", v: d.Entry}}
	if d.Modified != "" {
		list = append(list, &date{name: "modified", v: d.Modified})
	}
	at := func(name string) vuxml.Pos {
		if d.Pos.Line == 0 {
			return e.Pos
		}
		return c.find(d.Pos, "<"+name, 512)
	}
	for _, x := range list {
		v := strings.TrimSpace(x.v)
		p := at(x.name)
		switch {
		case v == "":
			if x.name == "modified" {
				continue
			}
			c.add(p, Error, "dates-missing", e.VID, "no <%s> date", x.name)
		case placeholderText(v) != "":
			c.add(p, Error, "placeholder", e.VID, "<%s> %s still holds newentry's %s", x.name, v, placeholderText(v))
		case !reDate().MatchString(v):
			c.add(p, Error, "date-format", e.VID, "<%s> %q is not a YYYY-MM-DD date", x.name, v)
		default:
			t, err := time.Parse("2006-01-02", v)
			if err != nil {
				c.add(p, Error, "date-format", e.VID, "<%s> %s is not a calendar date", x.name, v)
				continue
			}
			if !reDateEV().MatchString(v) {
				c.add(p, Error, "date-format", e.VID, "<%s> %s: the year must be 19xx or 20xx (extra-validation.py)", x.name, v)
				continue
			}
			x.ok, x.t = true, t
			if c.today != "" && v > c.today {
				c.add(p, Error, "date-future", e.VID, "<%s> %s is in the future (today is %s UTC)", x.name, v, c.opts.Now.UTC().Format("2006-01-02"))
			}
		}
	}
	disc, ent := list[0], list[1]
	mod := ent
	if len(list) == 3 {
		mod = list[2]
	}
	if disc.ok && ent.ok && mod.ok && (disc.t.After(ent.t) || ent.t.After(mod.t)) {
		what := fmt.Sprintf("discovery %s is after entry %s", disc.v, ent.v)
		if !disc.t.After(ent.t) {
			what = fmt.Sprintf("entry %s is after modified %s", ent.v, mod.v)
		}
		c.add(d.Pos, Error, "date-order", e.VID, "dates out of order (discovery <= entry <= modified): %s", what)
	}
	if ent.ok {
		if m := reYear().FindStringSubmatch(filepath.Base(e.Pos.File)); m != nil && m[1] != ent.v[:4] {
			c.add(at("entry"), Warning, "year-file", e.VID, "entry date %s is not in %s, the year of %s", ent.v, m[1], filepath.Base(e.Pos.File))
		}
	}
}
