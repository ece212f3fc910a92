package validate

// CheckInfo describes one check.
type CheckInfo struct {
	ID string
	// Origin names the tool of the ports tree that makes the same check,
	// or "new" for checks no tool makes today.
	Origin string
	Doc    string
}

// Checks lists every check, in the order the documentation presents them.
var Checks = []CheckInfo{
	{"structure", "make validate (DTD)", "the parser's structural diagnostics: unknown elements and attributes, element order, missing required elements"},
	{"xhtml", "make validate (DTD)", "description body content: XHTML Basic elements (text, hypertext, list, basic tables, presentation) and their attributes, block/inline nesting"},
	{"vid-duplicate", "extra-validation.py (non-fatal there)", "a vid used by two entries of the files given"},
	{"references-missing", "extra-validation.py", "an entry without references (missing or empty <references>)"},
	{"dates-missing", "extra-validation.py", "an entry without <dates>, <discovery> or <entry>"},
	{"date-order", "extra-validation.py", "discovery <= entry <= modified does not hold"},
	{"date-format", "extra-validation.py (warning there)", "a date that is not YYYY-MM-DD or not a real calendar date"},
	{"description-long", "extra-validation.py", "a description longer than 5000 bytes as ElementTree serializes it (warning)"},
	{"package-name", "extra-validation.py", "a package name holding one of @!#$%^&*()<>?/\\|}{~:"},
	{"tidy", "make validate (tidy diff)", "a place tidy.xsl would change: whitespace in a text-only element, upper-case hex in a vid, the layout between top-level entries, CDATA sections, extra namespace declarations"},
	{"tidy-loss", "make validate (tidy diff)", "content tidy.xsl would drop (comments or elements inside text-only elements, comments between top-level entries)"},
	{"whitespace-trailing", "make validate (space/tab check)", "trailing blanks on a line"},
	{"whitespace-indent", "make validate (space/tab check)", "leading indentation that unexpand(1) would change: spaces crossing a tab stop of 8"},
	{"vid-syntax", "new", "a vid that is not a lower-case RFC 4122 UUID"},
	{"date-future", "new", "a date later than today anywhere on Earth"},
	{"topic-format", "new", "a topic not in the `name -- summary` form (warning)"},
	{"cvename-syntax", "new", "a <cvename> that is not CVE-YYYY-NNNN... (historic CAN- names: warning)"},
	{"reference-syntax", "new", "a <url> or <mlist> that is not an absolute http, https or ftp URL; a <freebsdsa> not in SA-YY:NN.name form (warning)"},
	{"placeholder", "new", "template and generator leftovers: null, FIXME, INSERT URL HERE, SO-AND-SO reports, an empty topic, name, version or reference"},
	{"range-missing", "new", "a <package> or <system> without names or without ranges"},
	{"range-form", "new", "a range without operators, with operators other than eq alone or (ge|gt)? then (lt|le)?, or with a version holding '-' (pkg compares only what follows the last '-') or blanks"},
	{"range-empty", "new", "a range no version can satisfy: lower bound equal to an excluded upper bound"},
	{"range-inverted", "new", "a range whose lower bound is above its upper bound"},
	{"range-overlap", "new", "two ranges of the same name in one entry that overlap or repeat each other (warning)"},
	{"range-gt", "make validate's reminder", "a <gt> lower bound: usually <ge> is meant (warning)"},
	{"name-glob", "new", "a name pkg treats as an fnmatch(3) glob (*, ?, [); braces are literal to pkg (warning)"},
	{"epoch-inconsistent", "new", "one name with bounds of different epochs in one entry (warning)"},
	{"epoch-missing", "new (cf. check_vuln_portepoch.py)", "a bound without the epoch another entry shows the name already had at that version (warning)"},
	{"year-file", "new", "an entry whose <entry> year differs from the year in its file name (warning)"},
}
