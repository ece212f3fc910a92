package report

import (
	"testing"

	"github.com/pkgaudit/pkgaudit/advisory"
)

func TestMarkdownEscaping(t *testing.T) {
	for in, want := range map[string]string{
		"a|b":        `a\|b`,
		"<script>":   `\<script\>`,
		"x\ny":       "x y",
		"*_`[]":      "\\*\\_\\`\\[\\]",
		"plain-1.0":  "plain-1.0",
		"back\\path": `back\\path`,
	} {
		if got := mdEscape(in); got != want {
			t.Errorf("mdEscape(%q) = %q, want %q", in, got, want)
		}
	}
	if got := mdCode("a`b|c"); got != "``a`b\\|c``" {
		t.Errorf("mdCode = %q", got)
	}
	if got := mdLink(&Finding{Advisory: &advisory.Advisory{ID: "x", Source: advisory.SourcePkgsrc, URL: "javascript:alert(1)"}}); got != "x" {
		t.Errorf("unsafe URL linked: %q", got)
	}
}
