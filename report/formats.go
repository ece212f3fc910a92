package report

import (
	"fmt"
	"io"
	"strings"
)

// Format describes one output format: adding a format is one entry in
// Formats.
type Format struct {
	// Name is the --format value.
	Name string
	// Help is the one-line description shown by --help.
	Help string
	// Brief tells that the format prints of an advisory only what pkg
	// audit's text and raw reports print (ID, topic, CVE names, ranges):
	// the databases may be loaded without descriptions, dates and other
	// references.
	Brief bool
	// Hash tells that the format prints the databases' SHA-256.
	Hash bool
	// ByName tells that the format keys packages by name (pkg's raw
	// schema): only the first package of each name is audited.
	ByName bool
	// Pkg tells that the format is pkg audit's own (text or raw), which
	// prints nothing at all when pkg finds no package database.
	Pkg bool
	// Raw is the pkg audit -R argument that selects the format ("" for
	// none).
	Raw string
	// Streams tells that the writer renders as it goes instead of
	// building a whole document model in memory.
	Streams bool
	// Write renders in.
	Write func(w io.Writer, in *Input) error
}

// Formats are every output format, in the order --help lists them.
var Formats = []Format{
	{Name: "text", Help: "pkg audit's text report, byte for byte", Brief: true, Pkg: true, Streams: true, Write: WriteText},
	{Name: "pkg-json", Help: "pkg audit -Rjson's raw schema", Raw: "json", Brief: true, ByName: true, Pkg: true, Streams: true,
		Write: func(w io.Writer, in *Input) error { return WritePkgJSON(w, in, false) }},
	{Name: "pkg-json-compact", Help: "pkg audit -Rjson-compact's raw schema", Raw: "json-compact", Brief: true, ByName: true, Pkg: true, Streams: true,
		Write: func(w io.Writer, in *Input) error { return WritePkgJSON(w, in, true) }},
	{Name: "pkg-ucl", Help: "pkg audit -R's default raw format (UCL)", Raw: "ucl", Brief: true, ByName: true, Pkg: true, Streams: true,
		Write: WritePkgUCL},
	{Name: "json", Help: "pkgaudit's own JSON report", Hash: true, Streams: true, Write: WriteJSON},
	{Name: "sarif", Help: "SARIF 2.1.0 for code-scanning tools", Write: WriteSARIF},
	{Name: "cyclonedx", Help: "CycloneDX 1.6 BOM with vulnerabilities", Write: WriteCycloneDX},
	{Name: "markdown", Help: "a markdown table", Write: WriteMarkdown},
}

// LookupFormat returns the format named name.
func LookupFormat(name string) (*Format, bool) {
	for i := range Formats {
		if Formats[i].Name == name {
			return &Formats[i], true
		}
	}
	return nil, false
}

// FormatNames lists the format names, comma separated.
func FormatNames() string {
	names := make([]string, len(Formats))
	for i := range Formats {
		names[i] = Formats[i].Name
	}
	return strings.Join(names, ", ")
}

// RawFormat is the format pkg audit's -R ARG (--raw=ARG) selects, ARG
// compared without regard to case as pkg does; pkg's yaml is not
// supported.
func RawFormat(arg string) (*Format, error) {
	for i := range Formats {
		if Formats[i].Raw != "" && strings.EqualFold(Formats[i].Raw, arg) {
			return &Formats[i], nil
		}
	}
	if strings.EqualFold(arg, "yaml") {
		return nil, fmt.Errorf("--raw=%s is not supported; use -R (UCL), -Rjson or -Rjson-compact", arg)
	}
	return nil, fmt.Errorf("invalid argument %s for --raw option", arg)
}
