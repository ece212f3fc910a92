// Package match is the porter's check of a new VuXML entry against a ports
// INDEX — what `portaudit -f INDEX -r VID` did: which packages of the tree
// the entry matches, with the range that matches, which matches look
// spurious, and which names of the entry match nothing (likely typos). It
// also lists the variants of a port the Porter's Handbook says to check
// when writing an entry (Related).
//
// Matching is the audit engine's (package audit: names by fnmatch(3) with
// flags 0, ranges by pkg's rule, a block without ranges matching no
// versioned package); this package only interprets the results.
package match

import (
	"fmt"
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
	"github.com/pkgaudit/pkgaudit/audit"
	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/inventory"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

// Match is one INDEX package the entry affects.
type Match struct {
	Package inventory.Package
	// Block, Name and Range index the entry's Affects, that block's Names
	// and its Ranges: the first name and range that match.
	Block, Name, Range int
	// NameValue and RangeText are the matching name and range as written.
	NameValue string
	RangeText string
	// Suspect lists the reasons the match may be spurious (empty when it
	// looks right).
	Suspect []string
}

// NameRef is one <name> of the entry.
type NameRef struct {
	Value string
	Pos   vuxml.Pos
	Block int
}

// Result is the check of one entry against an INDEX.
type Result struct {
	Entry   *vuxml.Entry
	Matches []Match
	// Unmatched are the names of the entry no INDEX package has (whatever
	// its version): likely typos, or ports gone from the tree.
	Unmatched []NameRef
	// Base are the names of the base system (FreeBSD, FreeBSD-kernel,
	// <system> blocks), which a ports INDEX never lists.
	Base []NameRef
	// Packages is the number of INDEX packages checked.
	Packages int
}

// Suspects returns the number of matches with reasons to doubt them.
func (r *Result) Suspects() int {
	n := 0
	for _, m := range r.Matches {
		if len(m.Suspect) > 0 {
			n++
		}
	}
	return n
}

// Attention reports whether the result needs a porter's look: a match
// that may be spurious, or a name that matches nothing.
func (r *Result) Attention() bool { return r.Suspects() > 0 || len(r.Unmatched) > 0 }

// Find returns the entry of docs with the vid (case-insensitive), or nil.
func Find(docs []*vuxml.Document, vid string) *vuxml.Entry {
	for _, d := range docs {
		for _, e := range d.Entries {
			if strings.EqualFold(e.VID, vid) {
				return e
			}
		}
	}
	return nil
}

// Entry checks e against the packages of an INDEX.
func Entry(e *vuxml.Entry, pkgs []inventory.Package) *Result {
	res := &Result{Entry: e, Packages: len(pkgs)}
	advs := feed.FromVuXML(&vuxml.Document{Entries: []*vuxml.Entry{e}})
	ix := audit.NewIndex(advs, audit.Options{ReportWithdrawn: false})

	// nameHits[block][name] counts INDEX packages a name matches by name
	// alone; inRange counts those whose version is in a range too.
	type key struct{ block, name int }
	nameHits := map[key]int{}
	inRange := map[key]int{}
	var buf []audit.Finding
	var matches []Match
	for _, p := range pkgs {
		buf = ix.Lookup(buf[:0], audit.Query{Name: p.Name})
		seen := map[key]bool{}
		for _, f := range buf {
			k := key{f.Affected, f.Name}
			if !seen[k] {
				seen[k] = true
				nameHits[k]++
			}
		}
		buf = ix.Lookup(buf[:0], audit.Query{Name: p.Name, Version: p.Version, HasVersion: true})
		if len(buf) == 0 {
			continue
		}
		done := map[key]bool{}
		for _, f := range buf {
			k := key{f.Affected, f.Name}
			if !done[k] {
				done[k] = true
				inRange[k]++
			}
		}
		// One match per package: the first block, name and range, as pkg
		// reports the first matching range of an entry.
		f := buf[0]
		blk := f.Block()
		m := Match{Package: p, Block: f.Affected, Name: f.Name, Range: f.Range,
			NameValue: blk.Names[f.Name]}
		if f.Range >= 0 {
			m.RangeText = blk.Ranges[f.Range].String()
		}
		matches = append(matches, m)
	}
	exact := map[string]bool{}
	for _, a := range e.Affects {
		for _, n := range a.Names {
			if !fnmatch.HasMeta(n.Value) {
				exact[n.Value] = true
			}
		}
	}
	for i := range matches {
		m := &matches[i]
		blk := advs[0].Affects[m.Block]
		k := key{m.Block, m.Name}
		if fnmatch.HasMeta(m.NameValue) && !exact[m.Package.Name] && !explained(m.Package.Name, exact) {
			m.Suspect = append(m.Suspect, fmt.Sprintf("matched only by the glob %s, which no other name of the entry explains", m.NameValue))
		}
		if m.Range >= 0 {
			r := blk.Ranges[m.Range]
			switch {
			case openAbove(r):
				m.Suspect = append(m.Suspect, fmt.Sprintf("range %s has no upper bound: it matches every later version", strings.TrimSpace(r.String())))
			case nameHits[k] > 1 && inRange[k] == nameHits[k]:
				m.Suspect = append(m.Suspect, fmt.Sprintf("range %s matches all %d INDEX packages %s matches", strings.TrimSpace(r.String()), nameHits[k], m.NameValue))
			}
		}
		if !mentioned(e.Topic, m.Package.Name) {
			m.Suspect = append(m.Suspect, fmt.Sprintf("the topic %q does not mention %s", e.Topic, m.Package.Name))
		}
	}
	res.Matches = matches
	for bi, a := range e.Affects {
		for ni, n := range a.Names {
			if nameHits[key{bi, ni}] > 0 {
				continue
			}
			ref := NameRef{Value: n.Value, Pos: n.Pos, Block: bi}
			if a.Kind == vuxml.System || isBaseName(n.Value) {
				res.Base = append(res.Base, ref)
			} else {
				res.Unmatched = append(res.Unmatched, ref)
			}
		}
	}
	return res
}

// isBaseName tells the package names of the FreeBSD base system.
func isBaseName(n string) bool {
	return n == "FreeBSD" || strings.HasPrefix(n, "FreeBSD-")
}

// openAbove reports whether a range has a lower bound and no upper one.
func openAbove(r advisory.Range) bool {
	hasUpper, hasLower := false, false
	for i, b := range r.Bounds {
		if i == 2 {
			break
		}
		switch b.Op {
		case advisory.LT, advisory.LE, advisory.EQ:
			hasUpper = true
		case advisory.GE, advisory.GT:
			hasLower = true
		}
	}
	return hasLower && !hasUpper
}

// stem reduces a package name to what its variants share: lower case,
// without digits, language and localisation prefixes or flavour suffixes.
func stem(name string) string {
	n := strings.ToLower(name)
	if p := prefixOf(n); p != "" {
		n = n[len(p):]
	}
	for _, s := range flavourSuffixes {
		n = strings.TrimSuffix(n, "-"+s)
	}
	return strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return -1
		}
		return r
	}, n)
}

// explained reports whether a package matched by a glob is a variant of
// one of the entry's exact names.
func explained(pkg string, exact map[string]bool) bool {
	s := stem(pkg)
	for n := range exact {
		if stem(n) == s {
			return true
		}
	}
	return false
}

// mentioned reports whether the topic names the package: the name, its
// stem, a family it belongs to, or a word of the topic's subject that the
// name contains.
func mentioned(topic, pkg string) bool {
	t := strings.ToLower(topic)
	p := strings.ToLower(pkg)
	if strings.Contains(t, p) {
		return true
	}
	if s := stem(p); len(s) >= 3 && strings.Contains(strings.Map(dropDigits, t), s) {
		return true
	}
	subject, _, _ := strings.Cut(t, " -- ")
	for _, w := range strings.FieldsFunc(subject, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '+' || r == '.')
	}) {
		w = strings.Trim(w, ".-_")
		if len(w) >= 3 && strings.Contains(p, w) {
			return true
		}
		for _, f := range families {
			if f.word == w && f.match(p) {
				return true
			}
		}
	}
	return false
}

func dropDigits(r rune) rune {
	if r >= '0' && r <= '9' {
		return -1
	}
	return r
}
