package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// docShell runs the ```console examples of a document as written: each
// "$ pkgaudit ARGS" line runs in-process (fixed clock and vid) in a scratch
// directory, and the lines after it up to the next "$ " are its standard
// output and error; "$ echo $?" prints the previous exit status. An HTML
// comment <!-- test: replace FILE "OLD" "NEW" --> stands for an edit the
// reader makes. With -update the outputs are rewritten.
func docShell(t *testing.T, doc, dir string) {
	t.Helper()
	src, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitAfter(string(src), "\n")
	var out bytes.Buffer
	inBlock, lastCode, ran := false, 0, 0
	reReplace := regexp.MustCompile(`^<!-- test: replace (\S+) "(.*)" "(.*)" -->`)
	for i := 0; i < len(lines); i++ {
		l := lines[i]
		trim := strings.TrimRight(l, "\n")
		switch {
		case !inBlock && trim == "```console":
			inBlock = true
		case inBlock && trim == "```":
			inBlock = false
		case !inBlock:
			if m := reReplace.FindStringSubmatch(trim); m != nil {
				p := filepath.Join(dir, m[1])
				data, err := os.ReadFile(p)
				if err != nil || !strings.Contains(string(data), m[2]) {
					t.Fatalf("%s:%d: cannot replace %q in %s: %v", doc, i+1, m[2], m[1], err)
				}
				os.WriteFile(p, []byte(strings.Replace(string(data), m[2], m[3], 1)), 0o644)
			}
		case strings.HasPrefix(trim, "$ "):
			out.WriteString(l)
			// The expected output: up to the next command or the block end.
			j := i + 1
			for j < len(lines) && !strings.HasPrefix(lines[j], "$ ") && strings.TrimRight(lines[j], "\n") != "```" {
				j++
			}
			want := strings.Join(lines[i+1:j], "")
			var got string
			cmd := strings.TrimPrefix(trim, "$ ")
			switch {
			case cmd == "echo $?":
				got = strconv.Itoa(lastCode) + "\n"
			case strings.HasPrefix(cmd, "pkgaudit "):
				var so, se bytes.Buffer
				t.Chdir(dir)
				lastCode = Main(shellWords(t, strings.TrimPrefix(cmd, "pkgaudit ")), testEnv("", &so, &se))
				got = so.String() + se.String()
				ran++
			default:
				t.Fatalf("%s:%d: only pkgaudit and echo $? run here: %s", doc, i+1, cmd)
			}
			if got != want && !*update {
				t.Errorf("%s:%d: %s\n--- got ---\n%s--- doc ---\n%s", doc, i+1, cmd, got, want)
			}
			out.WriteString(got)
			i = j - 1
			continue
		}
		out.WriteString(l)
	}
	if ran == 0 {
		t.Errorf("%s: no example ran", doc)
	}
	if *update {
		if err := os.WriteFile(doc, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// shellWords splits a command line at blanks, with "double" and 'single'
// quotes.
func shellWords(t *testing.T, s string) []string {
	var words []string
	var cur strings.Builder
	in, quote := false, byte(0)
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quote != 0 && c == quote:
			quote = 0
		case quote != 0:
			cur.WriteByte(c)
		case c == '"' || c == '\'':
			quote, in = c, true
		case c == ' ' || c == '\t':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		case c == '\\' || c == '|' || c == '>' || c == '<' || c == '$' || c == ';' || c == '&':
			t.Fatalf("no shell here: %q", s)
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// docs/porter.md: the porter's workflow, run as written against the
// recorded records in testdata.
func TestDocsPorter(t *testing.T) {
	vuxmlNewFixedVID(t)
	vuxmlNewOffline(t)
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	if err := os.Symlink(filepath.Join(root, "testdata"), filepath.Join(dir, "testdata")); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(dir, "vuln"), 0o755)
	wrapper := "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!DOCTYPE vuxml PUBLIC \"-//vuxml.org//DTD VuXML 1.1//EN\" \"http://www.vuxml.org/dtd/vuxml-1/vuxml-11.dtd\" [\n<!ENTITY vuln-2026 SYSTEM \"vuln/2026.xml\">\n]>\n<vuxml xmlns=\"http://www.vuxml.org/apps/vuxml-1\">\n&vuln-2026;\n</vuxml>\n"
	os.WriteFile(filepath.Join(dir, "vuln.xml"), []byte(wrapper), 0o644)
	os.WriteFile(filepath.Join(dir, "vuln", "2026.xml"), nil, 0o644)
	docShell(t, filepath.Join(root, "docs", "porter.md"), dir)
}
