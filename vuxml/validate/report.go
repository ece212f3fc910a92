package validate

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
)

// WriteJSON writes the findings of the files as pkgaudit vuxml validate
// --format json does: {"files", "errors", "warnings", "findings"}.
func WriteJSON(w io.Writer, files []string, fs []Finding) error {
	errs, warns := Count(fs)
	doc := struct {
		Files    []string  `json:"files"`
		Errors   int       `json:"errors"`
		Warnings int       `json:"warnings"`
		Findings []Finding `json:"findings"`
	}{files, errs, warns, fs}
	if doc.Findings == nil {
		doc.Findings = []Finding{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(doc)
}

// Summary is the one-line summary of the findings: "N errors, M
// warnings in FILES" (the files named when at most three).
func Summary(fs []Finding) string {
	errs, warns := Count(fs)
	seen := map[string]bool{}
	var files []string
	for _, f := range fs {
		if !seen[f.File] {
			seen[f.File] = true
			files = append(files, f.File)
		}
	}
	sort.Strings(files)
	where := strings.Join(files, ", ")
	if len(files) > 3 {
		where = fmt.Sprintf("%d files", len(files))
	}
	return plural(errs, "error") + ", " + plural(warns, "warning") + " in " + where
}

func plural(n int, w string) string {
	if n == 1 {
		return "1 " + w
	}
	return fmt.Sprintf("%d %ss", n, w)
}
