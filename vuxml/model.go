package vuxml

import "github.com/pkgaudit/pkgaudit/advisory"

// Pos is a position in a source file. Line and Col are 1-based; Col counts
// bytes. File is the path the element was read from (a year file pulled in
// through an external entity has its own File).
type Pos struct {
	File string
	Line int
	Col  int
}

// Document is a parsed VuXML document: its entries in document order.
type Document struct {
	Entries []*Entry
	// Issues are the non-fatal structural problems found while parsing
	// (unknown elements and attributes, elements out of the DTD order,
	// missing required elements, ...), in document order. Parsing never
	// stops on them; "pkgaudit vuxml validate" reports them.
	Issues []Issue
	// Fragment is true when the input had no <vuxml> root: a year file
	// (vuln/YYYY.xml) holding bare <vuln> elements.
	Fragment bool
}

// Issue is one non-fatal structural problem of a document.
type Issue struct {
	Pos  Pos
	VID  string // vid of the entry it was found in ("" outside entries)
	Kind IssueKind
	Msg  string
}

func (i Issue) String() string { return i.Pos.String() + ": " + i.Msg }

// IssueKind classifies an Issue.
type IssueKind string

// Kinds of Issue.
const (
	IssueUnknownElement   IssueKind = "unknown-element"   // an element the VuXML DTD does not have there
	IssueUnknownAttribute IssueKind = "unknown-attribute" // an attribute the VuXML DTD does not have there
	IssueOrder            IssueKind = "order"             // children out of the DTD order
	IssueMissing          IssueKind = "missing"           // a required element or attribute is absent
	IssueDuplicate        IssueKind = "duplicate"         // a single-valued element given twice (the last one is kept)
	IssueCancelled        IssueKind = "cancelled"         // a cancelled entry with other children
	IssueBody             IssueKind = "body"              // <description> with more than one <body>
	IssueText             IssueKind = "text"              // character data where only elements belong
	IssueCase             IssueKind = "case"              // a VuXML element or attribute name not in lower case
	IssueNamespace        IssueKind = "namespace"         // <vuxml> or <body> not in its namespace
	IssueEntity           IssueKind = "entity"            // a named entity reference (FreeBSD pkg cannot read those)
	IssueDeclaration      IssueKind = "declaration"       // a DTD declaration that is ignored (<!ATTLIST ...>)
)

// Entry is one <vuln vid=...> advisory.
type Entry struct {
	VID   string
	Pos   Pos // position of the <vuln start tag
	Topic string
	// TopicPos is the position of the <topic> start tag.
	TopicPos Pos
	// Affects holds the <package> and <system> blocks of <affects>, in order.
	Affects []Affected
	// AffectsPos and ReferencesPos are the positions of the (first)
	// <affects> and <references> start tags.
	AffectsPos, ReferencesPos Pos
	Description               Description
	References                []Reference
	Dates                     Dates
	Cancelled                 *Cancelled // nil unless the entry has <cancelled/>
	// Start and End are the byte offsets of the entry's source text,
	// from '<' of <vuln to just after </vuln>, within Pos.File.
	Start, End int
}

// AffectedKind tells a <package> block from a <system> block.
type AffectedKind int

// Kinds of affected block.
const (
	Package AffectedKind = iota // <package>: ports/packages
	System                      // <system>: the base system (FreeBSD, FreeBSD-kernel)
)

// Affected is one <package> or <system> block: every name it lists is
// affected in every version that falls in any of its ranges.
type Affected struct {
	Kind   AffectedKind
	Pos    Pos
	Names  []Name
	Ranges []Range
}

// Name is one <name> of an Affected block. Its value may be a glob.
type Name struct {
	Value string
	Pos   Pos
}

// Op is a range operator: advisory.Op, the one operator type of
// pkgaudit's databases. String returns the element name ("lt", ...).
type Op = advisory.Op

// Range operators, as the element names <lt>, <le>, <eq>, <ge>, <gt>.
const (
	Lt = advisory.LT
	Le = advisory.LE
	Eq = advisory.EQ
	Ge = advisory.GE
	Gt = advisory.GT
)

// Bound is one operator element of a range, e.g. <lt>1.2</lt>.
type Bound struct {
	Op      Op
	Version string
	Pos     Pos
}

// Range is one <range>: all its bounds, in document order. FreeBSD pkg
// uses the first two and ANDs them.
type Range struct {
	Pos    Pos
	Bounds []Bound
}

// Description is the <description> of an entry.
type Description struct {
	Pos Pos
	// XHTML is the element's content verbatim, as in the source (normally
	// one <body xmlns="http://www.w3.org/1999/xhtml"> element).
	XHTML string
	// the document's entities, for Text
	ents *descEntities
}

// Reference is one child of <references>: Kind is its element name
// (cvename, url, freebsdsa, freebsdpr, mlist, bid, certsa, certvu,
// uscertsa, uscertta, vendor, ...), Value its text, Attrs its attributes
// in order (e.g. mlist's msgid).
type Reference struct {
	Kind  string
	Value string
	Attrs []Attr
	Pos   Pos
}

// Attr is an XML attribute.
type Attr struct {
	Name  string
	Value string
}

// Dates holds the <dates> of an entry as written (YYYY-MM-DD). Empty when
// absent.
type Dates struct {
	Pos       Pos
	Discovery string
	Entry     string
	Modified  string
	// positions of the <discovery>, <entry> and <modified> start tags
	DiscoveryPos, EntryPos, ModifiedPos Pos
}

// Cancelled marks a withdrawn entry; Superseded is the vid of the entry
// that replaces it, when given.
type Cancelled struct {
	Pos        Pos
	Superseded string
}
