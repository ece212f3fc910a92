package vuxml

import (
	"fmt"
	"strings"
)

// Namespaces of VuXML documents.
const (
	Namespace      = "http://www.vuxml.org/apps/vuxml-1"
	XHTMLNamespace = "http://www.w3.org/1999/xhtml"
)

// elemID names the elements of the VuXML vocabulary.
type elemID uint8

const (
	eUnknown elemID = iota
	eVuxml
	eVuln
	eTopic
	eAffects
	ePackage
	eSystem
	eName
	eRange
	eLt // eLt..eGt in the order of Op
	eLe
	eEq
	eGe
	eGt
	eDescription
	eReferences
	eBid // eBid..eUscertta: the reference kinds
	eCertsa
	eCertvu
	eCvename
	eFreebsdpr
	eFreebsdsa
	eMlist
	eURL
	eUscertsa
	eUscertta
	eDates
	eDiscovery
	eEntry
	eModified
	eCancelled
	numElems
)

var elemNames = [numElems]string{
	"", "vuxml", "vuln", "topic", "affects", "package", "system", "name", "range",
	"lt", "le", "eq", "ge", "gt", "description", "references",
	"bid", "certsa", "certvu", "cvename", "freebsdpr", "freebsdsa", "mlist", "url", "uscertsa", "uscertta",
	"dates", "discovery", "entry", "modified", "cancelled",
}

func (id elemID) String() string { return elemNames[id] }

var vocab = func() map[string]elemID {
	m := make(map[string]elemID, numElems)
	for i := elemID(1); i < numElems; i++ {
		m[elemNames[i]] = i
	}
	return m
}()

// lookupElem classifies an element name: VuXML names are lower case, but
// like FreeBSD pkg we accept them in any ASCII case (folded reports that,
// for an Issue). A prefixed name (vx:vuln) is never a VuXML element.
func lookupElem(qname string) (id elemID, folded bool) {
	if id := vocabID(qname); id != eUnknown {
		return id, false
	}
	if hasUpperASCII(qname) {
		if id := vocabID(lowerASCII(qname)); id != eUnknown {
			return id, true
		}
	}
	return eUnknown, false
}

// vocabID returns the VuXML element of a lower-case name.
func vocabID(s string) elemID {
	switch len(s) {
	case 2:
		switch s {
		case "lt":
			return eLt
		case "le":
			return eLe
		case "eq":
			return eEq
		case "ge":
			return eGe
		case "gt":
			return eGt
		}
	case 3:
		switch s {
		case "url":
			return eURL
		case "bid":
			return eBid
		}
	case 4:
		switch s {
		case "name":
			return eName
		case "vuln":
			return eVuln
		}
	case 5:
		switch s {
		case "range":
			return eRange
		case "topic":
			return eTopic
		case "dates":
			return eDates
		case "entry":
			return eEntry
		case "vuxml":
			return eVuxml
		case "mlist":
			return eMlist
		}
	case 6:
		switch s {
		case "system":
			return eSystem
		case "certsa":
			return eCertsa
		case "certvu":
			return eCertvu
		}
	case 7:
		switch s {
		case "package":
			return ePackage
		case "affects":
			return eAffects
		case "cvename":
			return eCvename
		}
	case 8:
		switch s {
		case "modified":
			return eModified
		case "uscertsa":
			return eUscertsa
		case "uscertta":
			return eUscertta
		}
	case 9:
		switch s {
		case "discovery":
			return eDiscovery
		case "freebsdsa":
			return eFreebsdsa
		case "freebsdpr":
			return eFreebsdpr
		case "cancelled":
			return eCancelled
		}
	case 10:
		if s == "references" {
			return eReferences
		}
	case 11:
		if s == "description" {
			return eDescription
		}
	}
	return eUnknown
}

func isRefKind(id elemID) bool { return id >= eBid && id <= eUscertta }
func isOp(id elemID) bool      { return id >= eLt && id <= eGt }
func opOf(id elemID) Op        { return Op(id-eLt) + Lt }

// textOnly reports whether the element holds character data only.
func textOnly(id elemID) bool {
	return id == eTopic || id == eName || isOp(id) || isRefKind(id) ||
		id == eDiscovery || id == eEntry || id == eModified
}

// allowedIn reports whether child may appear in parent (eUnknown as parent:
// the content of <vuxml>, of a year fragment or of an external entity).
func allowedIn(parent, child elemID) bool {
	switch parent {
	case eVuxml, eUnknown:
		return child == eVuln
	case eVuln:
		switch child {
		case eTopic, eAffects, eDescription, eReferences, eDates, eCancelled:
			return true
		}
	case eAffects:
		return child == ePackage || child == eSystem
	case ePackage, eSystem:
		return child == eName || child == eRange
	case eRange:
		return isOp(child)
	case eReferences:
		return isRefKind(child)
	case eDates:
		return child == eDiscovery || child == eEntry || child == eModified
	}
	return false
}

// knownAttr is the one attribute the DTD gives an element ("" for none).
func knownAttr(id elemID) string {
	switch id {
	case eVuln:
		return "vid"
	case eCancelled:
		return "superseded"
	case eMlist:
		return "msgid"
	}
	return ""
}

// attrKV is a decoded attribute.
type attrKV struct {
	name, value string
}

func isXMLNS(name string) bool { return name == "xmlns" || strings.HasPrefix(name, "xmlns:") }

// pstate is what the parsers share while reading one document (and the
// external entities it pulls in).
type pstate struct {
	opts     ParseOptions
	doc      *Document
	ents     entityTable
	total    int64             // bytes of input read, entities included
	files    map[string][]byte // external entity files already read
	active   []string          // external entities being parsed (recursion)
	dedup    map[entKey]bool   // entity Issues already given
	oracle   any               // the encoding/xml oracle's shared state (oracle_test.go)
	descEnts *descEntities     // shared by the document's descriptions
	stdTexts map[*Entry]string // the oracle's plain text of each description (for the tests)
}

type entKey struct {
	pos  Pos
	name string
}

func newState(opts ParseOptions) *pstate {
	return &pstate{
		opts:     opts,
		doc:      &Document{},
		ents:     entityTable{maxBytes: opts.MaxEntityExpansion, maxDepth: opts.MaxEntityDepth},
		descEnts: &descEntities{maxBytes: opts.MaxEntityExpansion, maxNest: opts.MaxEntityDepth, maxDepth: opts.MaxDepth},
	}
}

func (s *pstate) issue(pos Pos, vid string, kind IssueKind, format string, args ...any) {
	if s.opts.Brief {
		return
	}
	s.doc.Issues = append(s.doc.Issues, Issue{Pos: pos, VID: vid, Kind: kind, Msg: fmt.Sprintf(format, args...)})
}

// entityIssue records the use of a named entity (other than the five
// predefined ones and external entities) once per anchor element.
func (s *pstate) entityIssue(anchor Pos, vid, name string, kind refKind) {
	if s.opts.Brief {
		return
	}
	k := entKey{anchor, name}
	if s.dedup == nil {
		s.dedup = map[entKey]bool{}
	}
	if s.dedup[k] {
		return
	}
	s.dedup[k] = true
	what := "internal-subset"
	if kind == refXHTML {
		what = "XHTML"
	}
	s.issue(anchor, vid, IssueEntity, "%s entity &%s;: FreeBSD pkg cannot read documents with named entities", what, name)
}

func (s *pstate) textIssue(pos Pos, vid, where string) {
	s.issue(pos, vid, IssueText, "text in %s, where only elements belong", where)
}

// startVocab records the Issues of a VuXML element's start tag (name case,
// attributes) and returns the value of its known attribute and, for
// references, its attributes.
func (s *pstate) startVocab(id elemID, qname string, pos Pos, vid string, attrs []attrKV) (val string, has bool, refAttrs []Attr) {
	if qname != elemNames[id] {
		s.issue(pos, vid, IssueCase, "element <%s> should be written <%s> (VuXML names are lower case)", qname, elemNames[id])
	}
	known := knownAttr(id)
	for _, a := range attrs {
		if isXMLNS(a.name) {
			if id == eVuxml && a.name == "xmlns" && a.value != Namespace {
				s.issue(pos, vid, IssueNamespace, "<vuxml> is in namespace %q, want %q", a.value, Namespace)
			}
			continue
		}
		if isRefKind(id) {
			refAttrs = append(refAttrs, Attr{Name: a.name, Value: a.value})
		}
		if known != "" && (a.name == known || lowerASCII(a.name) == known) {
			if a.name != known {
				s.issue(pos, vid, IssueCase, "attribute %s of <%s> should be written %s", a.name, elemNames[id], known)
			}
			val, has = a.value, true
			continue
		}
		s.issue(pos, vid, IssueUnknownAttribute, "unknown attribute %s on <%s>", a.name, elemNames[id])
	}
	if id == eVuxml {
		ns := ""
		for _, a := range attrs {
			if a.name == "xmlns" {
				ns = a.value
			}
		}
		if ns == "" {
			s.issue(pos, vid, IssueNamespace, "<vuxml> has no xmlns=%q", Namespace)
		}
	}
	return
}

// checkBody records the namespace Issue of a <body> start tag.
func (s *pstate) checkBody(qname string, pos Pos, vid string, attrs []attrKV) {
	want := "xmlns"
	if i := strings.IndexByte(qname, ':'); i >= 0 {
		want = "xmlns:" + qname[:i]
	}
	for _, a := range attrs {
		if a.name == want && a.value == XHTMLNamespace {
			return
		}
	}
	s.issue(pos, vid, IssueNamespace, "<%s> is not declared in the XHTML namespace (%s=%q)", qname, want, XHTMLNamespace)
}

// kid is a direct child element of a structural element.
type kid struct {
	id  elemID
	pos Pos
}

// DTD order of the children of <vuln> and <dates>.
// The ranks of the children whose order is checked (0: not checked),
// tables rather than maps: they are consulted for every entry.
var vulnRank = [numElems]int8{eTopic: 1, eAffects: 2, eDescription: 3, eReferences: 4, eDates: 5}
var datesRank = [numElems]int8{eDiscovery: 1, eEntry: 2, eModified: 3}

// checkOrder records order and duplicate Issues for kids ranked by rank;
// dupOK lists the ranks that may repeat.
func (s *pstate) checkOrder(kids []kid, rank *[numElems]int8, vid, parent, order string) {
	var max int8
	var maxID elemID
	var seen [numElems]bool
	for _, k := range kids {
		if k.id >= numElems || rank[k.id] == 0 {
			continue
		}
		r := rank[k.id]
		if seen[k.id] {
			s.issue(k.pos, vid, IssueDuplicate, "more than one <%s> in <%s> (the last one is kept)", k.id, parent)
		}
		seen[k.id] = true
		if r < max {
			s.issue(k.pos, vid, IssueOrder, "<%s> after <%s> in <%s> (order: %s)", k.id, maxID, parent, order)
		} else {
			max, maxID = r, k.id
		}
	}
}

func has(kids []kid, id elemID) bool {
	for _, k := range kids {
		if k.id == id {
			return true
		}
	}
	return false
}

// checkEntry records the entry-level Issues at </vuln>.
func (s *pstate) checkEntry(e *Entry, hasVID bool, kids []kid) {
	if !hasVID {
		s.issue(e.Pos, "", IssueMissing, "<vuln> without vid attribute")
	}
	if has(kids, eCancelled) {
		var others []string
		n := 0
		for _, k := range kids {
			if k.id == eCancelled {
				n++
				if n == 2 {
					s.issue(k.pos, e.VID, IssueDuplicate, "more than one <cancelled> in <vuln> (the last one is kept)")
				}
				continue
			}
			name := elemNames[k.id]
			if k.id == eUnknown {
				name = "unknown element"
			}
			others = append(others, name)
		}
		if len(others) > 0 {
			s.issue(e.Pos, e.VID, IssueCancelled, "cancelled entry also has %s", strings.Join(others, ", "))
		}
		return
	}
	for _, id := range []elemID{eTopic, eAffects, eDescription, eReferences, eDates} {
		if !has(kids, id) {
			s.issue(e.Pos, e.VID, IssueMissing, "<vuln> without <%s>", id)
		}
	}
	s.checkOrder(kids, &vulnRank, e.VID, "vuln", "topic, affects, description, references, dates")
}

// checkAffects records the Issues of an <affects> at its end.
func (s *pstate) checkAffects(pos Pos, vid string, kids []kid) {
	if !has(kids, ePackage) && !has(kids, eSystem) {
		s.issue(pos, vid, IssueMissing, "<affects> without <package> or <system>")
	}
}

// checkPackage records the Issues of a <package> or <system> at its end.
func (s *pstate) checkPackage(a *Affected, vid string, kids []kid) {
	name := "package"
	if a.Kind == System {
		name = "system"
	}
	if !has(kids, eName) {
		s.issue(a.Pos, vid, IssueMissing, "<%s> without <name>", name)
	}
	if !has(kids, eRange) {
		s.issue(a.Pos, vid, IssueMissing, "<%s> without <range>", name)
	}
	ranged := false
	for _, k := range kids {
		switch k.id {
		case eRange:
			ranged = true
		case eName:
			if ranged {
				s.issue(k.pos, vid, IssueOrder, "<name> after <range> in <%s> (names come first)", name)
			}
		}
	}
}

// checkDates records the Issues of a <dates> at its end.
func (s *pstate) checkDates(pos Pos, vid string, kids []kid) {
	if !has(kids, eDiscovery) {
		s.issue(pos, vid, IssueMissing, "<dates> without <discovery>")
	}
	if !has(kids, eEntry) {
		s.issue(pos, vid, IssueMissing, "<dates> without <entry>")
	}
	s.checkOrder(kids, &datesRank, vid, "dates", "discovery, entry, modified")
}

// Fatal structural errors.
func notAllowed(child, parent string) string {
	if parent == "the document" {
		return fmt.Sprintf("<%s> is not allowed at the top of the document", child)
	}
	return fmt.Sprintf("<%s> is not allowed in <%s>", child, parent)
}

func parentName(id elemID) string {
	if id == eUnknown {
		return "the document"
	}
	return elemNames[id]
}
