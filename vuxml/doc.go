// Package vuxml reads, checks and writes FreeBSD VuXML documents (vuln.xml
// and the vuln/YYYY.xml year fragments): every entry with its affected
// packages and ranges, description, references, dates and cancellation,
// and the source position of each element.
//
// # Inputs
//
// Parse and ParseFile read
//   - whole documents: an optional XML declaration and DOCTYPE (with an
//     internal subset), then a <vuxml> root;
//   - year fragments without a root (security/vuxml/vuln/YYYY.xml): when
//     the first element is <vuln>, the top level of the input is read as
//     the content of <vuxml> and Document.Fragment is set;
//   - the entity-based wrapper (vuln.xml): <!ENTITY vuln-2025 SYSTEM
//     "vuln/2025.xml"> in the internal subset and &vuln-2025; inside
//     <vuxml>. Each external entity is read from the including file's
//     directory tree only (a relative path without "..", no absolute
//     paths, no URLs, no symbolic links leading out: os.OpenInRoot), and
//     the positions of its elements name that file. External entities are
//     allowed only in the content of <vuxml>. ParseOptions.NoExternalEntities
//     refuses them.
//
// The input must be UTF-8 (a byte-order mark is skipped) and XML 1.0.
//
// # Fatal errors and Issues
//
// Parsing stops with an *Error (FILE:LINE:COL: message; column in bytes)
// on:
//   - input that is not well-formed XML (ErrSyntax): bad characters,
//     mismatched tags, duplicate attributes, undefined entities, text or
//     a second element outside the root, ...;
//   - a VuXML element in a place where it cannot be (ErrStructure): a
//     root other than <vuxml> (or <vuln> for a fragment), <package>
//     outside <affects>, <vuln> inside <vuln>, <name> inside <topic>, a
//     VuXML element inside an unknown element, an external entity outside
//     <vuxml>;
//   - a limit (ErrTooLarge, ErrTooDeep, ErrEntityLimit): ParseOptions.MaxSize,
//     MaxDepth, MaxEntityExpansion, MaxEntityDepth, each with a safe default;
//   - a refused external entity (ErrExternalEntity) or an unsupported
//     feature (ErrUnsupported: markup inside an internal entity,
//     parameter-entity references, processing instructions in the
//     internal subset, encodings other than UTF-8).
//
// Everything else is recorded as an Issue in Document.Issues, in document
// order, and parsing goes on: unknown elements (skipped) and attributes,
// children out of the DTD order (topic, affects, description, references,
// dates; discovery, entry, modified; names before ranges), missing
// required elements and attributes (vid, topic, affects, description,
// references, dates, discovery, entry, <body>, a <package> or <system> in
// <affects>, a name and a range in each), a single-valued element given
// twice (the last one is kept, as in FreeBSD pkg), a cancelled entry with
// other children, more than one <body>, character data where only
// elements belong, VuXML names not in lower case, <vuxml> or <body>
// outside their namespaces, named entities (which FreeBSD pkg cannot
// read), ignored <!ATTLIST> declarations.
//
// # Names
//
// The VuXML vocabulary is lower case. Like FreeBSD pkg, the parser also
// accepts VuXML element and attribute names in upper or mixed ASCII case
// (<VULN VID="...">), with an IssueCase. A prefixed name (<vx:vuln>) is
// never a VuXML element, whatever namespace its prefix is bound to: it is
// an unknown element (FreeBSD pkg does not recognise it either).
// Namespace declarations are not otherwise interpreted.
//
// # Text
//
// Text-only elements (topic, name, the range operators, references,
// dates) keep their text verbatim, entities decoded, without trimming (as
// FreeBSD pkg); text of nested unknown elements is included. Description
// XHTML is kept as the exact source bytes of the <description> content
// (entities unexpanded); the method Description.Text computes its plain
// text on demand: tags, comments and processing instructions dropped,
// entities decoded, CDATA kept as text, white-space runs collapsed to one
// space except inside <pre>, paragraphs (the boundaries of p, div,
// blockquote, pre, ul, ol, li, dl, dt, dd, h1-h6, table, tr, hr, address,
// body) separated by a blank line, <br> a line break, no white space at
// either end. XHTML named entities (&nbsp;, &eacute;, ...
// — the XHTML 1.0 sets) are accepted anywhere and decoded in text values,
// each use recorded as an IssueEntity. Entities of the internal subset may
// hold character data and references only, not markup.
//
// # Tokenizer
//
// Tokenizer is the low-level lexer: start tags with their attributes, end
// tags, text, CDATA, comments, processing instructions, the DOCTYPE and
// entity and character references, each with its byte offsets (and
// line:column through Tokenizer.Pos), checked for lexical
// well-formedness and tag balance. Tools that rewrite files byte by byte
// (tidy) use its offsets of attribute values and element contents.
//
// # Writing
//
// Write (and Document.WriteTo, WriteEntry) writes the model back as VuXML
// in the port's layout; parsing the output gives the same model,
// positions aside. Flatten is "xmllint -noent vuln.xml": the wrapper with
// every external entity reference replaced by its file's text.
//
// # Implementation
//
// Parse and ParseFile are a recursive descent over the Tokenizer that
// slices every string of the model from one immutable copy of the input
// (none with ParseFile or ParseOptions.NoCopy) and carves the model's
// slices out of a few large blocks. A second parser built on encoding/xml,
// compiled into the tests only (oracle_test.go), is the oracle of the differential tests and of the
// FuzzParse target, which require both to accept exactly the same inputs
// and to build equal Documents, Issues included. encoding/xml is more
// lenient than XML 1.0 in places (duplicate attributes, attributes not
// separated by white space, directives, text and several elements outside
// the root, an XML declaration anywhere, control characters in comments,
// surrogate character references, no attribute-value normalisation); the
// oracle adds those checks itself on each token's raw bytes, so the rule
// is XML 1.0 wherever the two could differ. Inputs the oracle cannot judge
// (ones containing U+10FFFF, which it uses internally, or character
// references to white space inside attribute values, which encoding/xml
// decodes before the oracle can normalise) are skipped by the tests.
//
// ParseOptions.Brief runs the same descent and the same checks but
// records only what an audit reads (no Issues, descriptions, dates, other
// references or positions but the entries'), and skips the white space
// between markup of element-only content; a Parser hands the memory of
// one Document out again for the next. The tests (FuzzBrief, and every
// differential test) require a Brief parse to accept and refuse exactly
// what a full one does, with the same errors, and to give what the full
// Document holds of those fields.
package vuxml
