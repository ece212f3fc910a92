// Package vectors reads the reference-vector files in testdata/vectors:
// TAB-separated lines, '#' comments, read as bytes with no trimming.
package vectors

import (
	"bytes"
	"fmt"
	"os"
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
