// Package vectors reads the reference-vector files in testdata/vectors:
// TAB-separated lines, '#' comments, read as bytes with no trimming.
package vectors

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Line is one non-comment line of a vectors file.
type Line struct {
	N      int      // 1-based line number
	Fields []string // the TAB-separated fields
}

// Read returns every non-comment, non-empty line of the file at path.
func Read(path string) ([]Line, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading vectors: %w", err)
	}
	var out []Line
	for i, l := range bytes.Split(data, []byte("\n")) {
		if len(l) == 0 || l[0] == '#' {
			continue
		}
		out = append(out, Line{N: i + 1, Fields: strings.Split(string(l), "\t")})
	}
	return out, nil
}

// CombinedVuXMLSHA256 is the SHA-256 of vuxml-combined.xml, the document
// freebsd-audit.tsv and freebsd-audit-text.txt were computed against.
const CombinedVuXMLSHA256 = "039fa36c2dc42422325c0c6c66f562f9415ad599b21f4aad685fe25d3da4407f"

// CombinedVuXML assembles vuxml-combined.xml byte for byte as the header
// of freebsd-audit.tsv says: the year files vuln-2026.xml, vuln-2025.xml
// and vuln-2003.xml of dir (the repository's testdata/vuxml) inside one
// <vuxml> root, in that order. It checks the result's SHA-256.
func CombinedVuXML(dir string) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">\n")
	for _, y := range []string{"2026", "2025", "2003"} {
		data, err := os.ReadFile(filepath.Join(dir, "vuln-"+y+".xml"))
		if err != nil {
			return nil, fmt.Errorf("assembling vuxml-combined.xml: %w", err)
		}
		b.Write(data)
	}
	b.WriteString("</vuxml>\n")
	if sum := sha256.Sum256(b.Bytes()); hex.EncodeToString(sum[:]) != CombinedVuXMLSHA256 {
		return nil, fmt.Errorf("assembled vuxml-combined.xml has SHA-256 %x, want %s", sum, CombinedVuXMLSHA256)
	}
	return b.Bytes(), nil
}
