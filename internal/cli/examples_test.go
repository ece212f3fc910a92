package cli

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// The documentation's examples run as written. Every ```console block of
// README.md and docs/*.md is a shell session: a line starting with "$ "
// is a command (a trailing backslash continues it), the lines after it
// are what it prints, standard error included, up to the next command.
// A line "..." ends the expected output early: the rest is not compared.
// Blocks fenced otherwise (```sh, ```text) show commands that need a real
// host (an installed package database, the network, keys) and are not run.
//
// The commands run in sh, one shell per block (so "echo $?" sees the
// command before it), with the pkgaudit built from this tree first on
// PATH, in a scratch directory that links to the repository's top-level
// entries (examples read testdata/ and write beside it), NO_COLOR set and
// HOME, PKG_DBDIR and the configuration pointed at empty directories.
func TestDocExamples(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("the examples are sh sessions")
	}
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	files = append([]string{filepath.Join(root, "README.md")}, files...)
	var blocks []docBlock
	for _, f := range files {
		b, err := docBlocks(f)
		if err != nil {
			t.Fatal(err)
		}
		blocks = append(blocks, b...)
	}
	if len(blocks) == 0 {
		t.Fatal("no console blocks found in the documentation")
	}

	bin := t.TempDir()
	build := exec.Command("go", "build", "-o", filepath.Join(bin, "pkgaudit"), "./cmd/pkgaudit")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, b := range blocks {
		name := fmt.Sprintf("%s:%d", filepath.Base(b.file), b.line)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			entries, err := os.ReadDir(root)
			if err != nil {
				t.Fatal(err)
			}
			for _, e := range entries {
				if strings.HasPrefix(e.Name(), ".") {
					continue
				}
				if err := os.Symlink(filepath.Join(root, e.Name()), filepath.Join(work, e.Name())); err != nil {
					t.Fatal(err)
				}
			}
			home := t.TempDir()
			cmd := exec.Command(sh, "-c", b.script())
			cmd.Dir = work
			cmd.Env = []string{
				"PATH=" + bin + string(os.PathListSeparator) + "/usr/bin:/bin",
				"HOME=" + home,
				"XDG_CONFIG_HOME=" + filepath.Join(home, ".config"),
				"XDG_CACHE_HOME=" + filepath.Join(home, ".cache"),
				"PKG_DBDIR=" + filepath.Join(home, "pkgdb"),
				"NO_COLOR=1",
				"TZ=UTC",
				"LC_ALL=C",
			}
			var out bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &out
			cmd.Run() // the exit status of the block is its last command's; compared through echo $?
			got := splitMarked(out.String(), len(b.cmds))
			for i, c := range b.cmds {
				if !c.matches(got[i]) {
					t.Errorf("%s:%d: $ %s\n--- want\n%s\n--- got\n%s", b.file, c.line, c.text, c.want, got[i])
				}
			}
		})
	}
}

type docBlock struct {
	file string
	line int
	cmds []docCmd
}

type docCmd struct {
	line    int
	text    string
	want    string
	elision bool // the expected output ends in "...": compare a prefix
}

const docMark = "@@pkgaudit-doc-example@@"

// script runs each command with its output followed by a marker line,
// keeping each command's exit status for the next one's $?.
func (b docBlock) script() string {
	var s strings.Builder
	for _, c := range b.cmds {
		fmt.Fprintf(&s, "%s\n__s=$?; printf '\\n%s\\n'; (exit $__s)\n", c.text, docMark)
	}
	return s.String()
}

func splitMarked(out string, n int) []string {
	parts := strings.Split(out, "\n"+docMark+"\n")
	got := make([]string, n)
	for i := range got {
		if i < len(parts) {
			got[i] = strings.TrimRight(parts[i], "\n")
		}
	}
	return got
}

func (c docCmd) matches(got string) bool {
	want := strings.TrimRight(c.want, "\n")
	if c.elision {
		return strings.HasPrefix(got, want)
	}
	return got == want
}

func docBlocks(file string) ([]docBlock, error) {
	fh, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	rel := filepath.Base(file)
	if filepath.Base(filepath.Dir(file)) == "docs" {
		rel = "docs/" + rel
	}
	var blocks []docBlock
	var cur *docBlock
	var cmd *docCmd
	cont := false
	sc := bufio.NewScanner(fh)
	n := 0
	for sc.Scan() {
		n++
		line := sc.Text()
		switch {
		case cur == nil && strings.TrimSpace(line) == "```console":
			cur = &docBlock{file: rel, line: n}
		case cur == nil:
		case strings.TrimSpace(line) == "```":
			if len(cur.cmds) > 0 {
				blocks = append(blocks, *cur)
			}
			cur, cmd, cont = nil, nil, false
		case cont:
			cmd.text += "\n" + line
			cont = strings.HasSuffix(line, `\`)
		case strings.HasPrefix(line, "$ "):
			cur.cmds = append(cur.cmds, docCmd{line: n, text: line[2:]})
			cmd = &cur.cmds[len(cur.cmds)-1]
			cont = strings.HasSuffix(line, `\`)
		case cmd == nil:
			return nil, fmt.Errorf("%s:%d: console block output before any command", file, n)
		case line == "...":
			cmd.elision = true
		case cmd.elision:
		default:
			cmd.want += line + "\n"
		}
	}
	if cur != nil {
		return nil, fmt.Errorf("%s:%d: console block not closed", file, cur.line)
	}
	return blocks, sc.Err()
}
