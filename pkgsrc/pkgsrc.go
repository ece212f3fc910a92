// Package pkgsrc reads, verifies and writes pkgsrc pkg-vulnerabilities
// files exactly as pkg_install's vulnerabilities-file.c does: the header
// rules, #FORMAT 1.1.0, three-column entry lines, #CHECKSUM lines and the
// OpenPGP clear-signature, with content-sniffed decompression.
package pkgsrc

// Entry is one vulnerability line: a package pattern, the type of exploit
// (classification) and a URL with details.
type Entry struct {
	Pattern string
	Class   string
	URL     string
	Line    int // 1-based line number in the (decompressed) file
}
