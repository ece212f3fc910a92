package cli

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/internal/testlong"
	"github.com/pkgaudit/pkgaudit/internal/vectors"
)

const auditPkgsrcDB = "../../testdata/pkgsrc/pkg-vulnerabilities-1.3817"

// auditDBTime is the modification time given to the test databases, so
// that reports naming it are reproducible.
var auditDBTime = time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)

// auditCombinedVuXML writes vuxml-combined.xml (vectors.CombinedVuXML) to
// a temporary directory, with the fixed modification time auditDBTime.
func auditCombinedVuXML(t testing.TB) string {
	t.Helper()
	data, err := vectors.CombinedVuXML("../../testdata/vuxml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "vuxml-combined.xml")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(path, auditDBTime, auditDBTime); err != nil {
		t.Fatal(err)
	}
	return path
}

// auditBlock is one command block of a vectors transcript.
type auditBlock struct {
	line   int
	cmd    string
	stdout string
	exit   int
}

// auditReadBlocks reads the "$ command / stdout / exit=N" blocks of a
// vectors transcript, as bytes.
func auditReadBlocks(t *testing.T, path string) []auditBlock {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []auditBlock
	var cur *auditBlock
	for i, line := range strings.SplitAfter(string(data), "\n") {
		switch {
		case cur == nil && strings.HasPrefix(line, "$ "):
			cur = &auditBlock{line: i + 1, cmd: strings.TrimSuffix(line[2:], "\n")}
		case cur == nil:
			// comments and separators
		case strings.HasPrefix(line, "exit="):
			n, err := strconv.Atoi(strings.TrimSpace(line[5:]))
			if err != nil {
				t.Fatalf("%s:%d: %q", path, i+1, line)
			}
			cur.exit = n
			blocks = append(blocks, *cur)
			cur = nil
		default:
			cur.stdout += line
		}
	}
	if cur != nil {
		t.Fatalf("%s: block at line %d has no exit= line", path, cur.line)
	}
	return blocks
}

// Every block of freebsd-audit-text.txt: pkgaudit audit prints pkg audit's
// stdout byte for byte and exits as it does.
func TestAuditTextVectors(t *testing.T) {
	db := auditCombinedVuXML(t)
	blocks := auditReadBlocks(t, "../../testdata/vectors/freebsd-audit-text.txt")
	if len(blocks) != 38 {
		t.Fatalf("%d blocks, want 38", len(blocks))
	}
	for _, b := range blocks {
		operand, ok := strings.CutPrefix(b.cmd, "pkg audit -f vuxml-combined.xml ")
		if !ok || strings.Contains(operand, " ") {
			t.Fatalf("line %d: unexpected command %q", b.line, b.cmd)
		}
		out, errOut, code := run(t, "", "audit", "-f", db, "--", operand)
		if out != b.stdout || code != b.exit || errOut != "" {
			t.Errorf("line %d: %s: exit %d (want %d), stderr %q\n--- got ---\n%s--- want ---\n%s", b.line, b.cmd, code, b.exit, errOut, out, b.stdout)
		}
	}
}

// auditJSONReport is the part of the --format json report the tests read.
type auditJSONReport struct {
	Databases []struct {
		Path, Format, SHA256 string
		Entries              int
	}
	Results []struct {
		Package         string
		Vulnerabilities []struct {
			ID, Source, Topic string
			URL               *string
			Ignored           *struct{ Rule, Reason string }
		}
	}
	Summary struct {
		Packages           int
		VulnerablePackages int `json:"vulnerable_packages"`
		Vulnerabilities    int
		Problems           int
		Ignored            int
	}
}

func auditParseJSON(t *testing.T, out string) *auditJSONReport {
	t.Helper()
	var r auditJSONReport
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	return &r
}

// Every line of freebsd-audit.tsv through --format json: all 2,211
// operands in one run (pkgaudit keeps every version of a name), then one
// run per vulnerable/clean pair of operands to check the exit status.
func TestAuditJSONVectors(t *testing.T) {
	db := auditCombinedVuXML(t)
	ls, err := vectors.Read("../../testdata/vectors/freebsd-audit.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2211 {
		t.Fatalf("%d vector lines, want 2211", len(ls))
	}
	args := []string{"audit", "--format", "json", "-f", db, "--"}
	for _, l := range ls {
		args = append(args, l.Fields[0])
	}
	out, errOut, code := run(t, "", args...)
	if code != ExitFound || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	r := auditParseJSON(t, out)
	got := map[string]string{}
	for _, res := range r.Results {
		var vids []string
		for _, v := range res.Vulnerabilities {
			vids = append(vids, v.ID)
		}
		slices.Sort(vids)
		if _, dup := got[res.Package]; dup {
			t.Errorf("package %s reported twice", res.Package)
		}
		got[res.Package] = strings.Join(slices.Compact(vids), ",")
	}
	vulnerable := 0
	for _, l := range ls {
		op, want := l.Fields[0], l.Fields[1]
		if want != "" {
			vulnerable++
		}
		if got[op] != want {
			t.Errorf("line %d: %s:\n got %s\nwant %s", l.N, op, got[op], want)
		}
	}
	if r.Summary.Packages != len(ls) || r.Summary.VulnerablePackages != vulnerable || vulnerable != 1215 {
		t.Errorf("summary %+v, want %d packages, %d vulnerable", r.Summary, len(ls), vulnerable)
	}
	if len(r.Databases) != 1 || r.Databases[0].Entries != 237 || r.Databases[0].Format != "vuxml" ||
		r.Databases[0].SHA256 != vectors.CombinedVuXMLSHA256 {
		t.Errorf("databases %+v", r.Databases)
	}
	// The exit status of each operand alone, as pkg's: 1 when VIDS is not
	// empty, 0 when it is (through the compiled cache, which must agree);
	// every 20th line, every line with PKGAUDIT_LONG=1 (a run per line).
	cache := t.TempDir()
	for i, l := range ls {
		if i%20 != 0 && !testlong.Enabled() {
			continue
		}
		_, _, code := run(t, "", "audit", "-q", "--cache", cache, "-f", db, "--", l.Fields[0])
		if want := map[bool]int{true: ExitFound, false: ExitOK}[l.Fields[1] != ""]; code != want {
			t.Errorf("line %d: %s: exit %d, want %d", l.N, l.Fields[0], code, want)
		}
	}
}

// pkgadminLine is the line pkg_admin audit-pkg prints for a finding of
// class on name, with the advisory URL.
func auditPkgadminLine(name, class, url string) string {
	if class == "eol" {
		return "Package " + name + " has reached end-of-life (eol), see http://cdn.NetBSD.org/pub/NetBSD/packages/vulns/eol-packages"
	}
	return "Package " + name + " has a " + class + " vulnerability, see " + url
}

// auditPkgsrcLines audits names against the real pkg-vulnerabilities file
// with --format json and returns pkg_admin's lines per package (one per
// entry: the JSON report lists each advisory once, and every pkgsrc entry
// line is an advisory of its own), the report and the exit status.
func auditPkgsrcLines(t *testing.T, env map[string]string, extra []string, names []string) (map[string][]string, *auditJSONReport, int) {
	t.Helper()
	args := append([]string{"audit", "--format", "json", "-f", auditPkgsrcDB}, extra...)
	args = append(append(args, "--"), names...)
	out, errOut, code := runEnv(t, env, "", args...)
	if code != ExitOK && code != ExitFound {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	r := auditParseJSON(t, out)
	lines := map[string][]string{}
	for _, res := range r.Results {
		for _, v := range res.Vulnerabilities {
			if v.Source != "pkgsrc" {
				t.Errorf("%s: source %q", res.Package, v.Source)
			}
			l := auditPkgadminLine(res.Package, v.Topic, v.ID)
			if v.Ignored != nil {
				l = strings.Replace(l, " has a ", " has an ignored ", 1)
			}
			lines[res.Package] = append(lines[res.Package], l)
		}
	}
	return lines, r, code
}

// Every row of pkgsrc-audit-lines.tsv through pkgaudit audit -f
// pkg-vulnerabilities: the same entries as pkg_admin audit-pkg (the same
// multiset of lines per package: a repeated entry line is a repeated
// finding), and the same number of problems in all.
func TestAuditPkgsrcLinesVectors(t *testing.T) {
	ls, err := vectors.Read("../../testdata/vectors/pkgsrc-audit-lines.tsv")
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 2317 {
		t.Fatalf("%d vector lines, want 2317", len(ls))
	}
	for _, eol := range []string{"yes", "no"} {
		var names []string
		var rows []vectors.Line
		want := 0
		for _, l := range ls {
			if l.Fields[1] != eol {
				continue
			}
			names = append(names, l.Fields[0])
			rows = append(rows, l)
			if l.Fields[2] != "" {
				want += len(strings.Split(l.Fields[2], " ;; "))
			}
		}
		got, r, _ := auditPkgsrcLines(t, map[string]string{"CHECK_END_OF_LIFE": eol}, nil, names)
		for _, l := range rows {
			var wantSet []string
			if l.Fields[2] != "" {
				wantSet = strings.Split(l.Fields[2], " ;; ")
			}
			gotSet := got[l.Fields[0]]
			slices.Sort(gotSet)
			if !slices.Equal(gotSet, wantSet) {
				t.Errorf("line %d: %s (EOL=%s):\n got %q\nwant %q", l.N, l.Fields[0], eol, gotSet, wantSet)
			}
		}
		if r.Summary.Problems != want {
			t.Errorf("EOL=%s: %d problems, want %d lines", eol, r.Summary.Problems, want)
		}
	}
}

// Every audit-pkg block of pkgsrc-audit.txt through pkgaudit audit:
// CHECK_END_OF_LIFE as given, IGNORE_URL as an ignore file (-i:
// --show-ignored), -q as -q; -t TYPE has no audit flag and is applied to
// the findings by the test. audit-history blocks are the pkgsrc commands'.
func TestAuditPkgsrcTxtVectors(t *testing.T) {
	checked := 0
	for _, b := range auditReadBlocks(t, "../../testdata/vectors/pkgsrc-audit.txt") {
		words := strings.Fields(b.cmd)
		env := map[string]string{}
		if words[0] == "env" {
			words = words[1:]
			for len(words) > 0 && strings.Contains(words[0], "=") {
				k, v, _ := strings.Cut(words[0], "=")
				env[k] = v
				words = words[1:]
			}
		}
		if len(words) < 3 || words[0] != "pkg_admin" || words[1] != "audit" {
			continue // audit-history
		}
		var extra, names []string
		quiet, typ := false, ""
		for i := 3; i < len(words); i++ {
			switch w := words[i]; w {
			case "-e":
				extra = append(extra, "--eol") // placeholder, replaced below
			case "-i":
				extra = append(extra, "--show-ignored")
			case "-q":
				quiet = true
			case "-t":
				i++
				typ = words[i]
			default:
				names = append(names, w)
			}
		}
		// -e reports eol entries whatever CHECK_END_OF_LIFE says: drop the
		// setting, as pkgaudit audit reports them by default.
		if i := slices.Index(extra, "--eol"); i >= 0 {
			extra = slices.Delete(extra, i, i+1)
			delete(env, "CHECK_END_OF_LIFE")
		}
		if u := env["IGNORE_URL"]; u != "" {
			ign := filepath.Join(t.TempDir(), "ignore.toml")
			rule := fmt.Sprintf("[[IgnoredVulns]]\nid = %q\nreason = \"IGNORE_URL\"\n", u)
			if err := os.WriteFile(ign, []byte(rule), 0o644); err != nil {
				t.Fatal(err)
			}
			extra = append(extra, "--ignore", ign)
			delete(env, "IGNORE_URL")
		}
		got, _, code := auditPkgsrcLines(t, env, extra, names)
		var gotLines []string
		found, active := false, false
		for _, ls := range got {
			for _, l := range ls {
				active = active || !strings.Contains(l, " has an ignored ")
			}
		}
		// pkgaudit exits 1 for findings no rule ignores (pkg_admin -i also
		// for ignored ones).
		if wantCode := map[bool]int{true: ExitFound, false: ExitOK}[active]; code != wantCode {
			t.Errorf("line %d: exit %d, want %d", b.line, code, wantCode)
		}
		for _, n := range names {
			for _, l := range got[n] {
				if typ != "" && !strings.Contains(l, " has a "+typ+" vulnerability") && !strings.Contains(l, " has an ignored "+typ+" ") {
					continue
				}
				found = true
				if quiet {
					if strings.Contains(l, " has an ignored ") {
						l = n + " (ignored)"
					} else {
						l = n
					}
				}
				gotLines = append(gotLines, l)
			}
		}
		var wantLines []string
		if b.stdout != "" {
			wantLines = strings.Split(strings.TrimSuffix(b.stdout, "\n"), "\n")
		}
		slices.Sort(gotLines)
		slices.Sort(wantLines)
		if quiet {
			gotLines, wantLines = slices.Compact(gotLines), slices.Compact(wantLines)
		}
		if !slices.Equal(gotLines, wantLines) {
			t.Errorf("line %d: %s:\n got %q\nwant %q", b.line, b.cmd, gotLines, wantLines)
		}
		if wantExit := map[bool]int{true: 1, false: 0}[found]; wantExit != b.exit {
			t.Errorf("line %d: found=%v, but pkg_admin exited %d", b.line, found, b.exit)
		}
		checked++
	}
	if checked != 13 {
		t.Errorf("checked %d audit blocks, want 13", checked)
	}
}

// Issue 11, E.17: within one package pkg lists the advisories in the order
// of its sorted items — names matched through a glob with a shorter literal
// prefix before exact names — and pkgaudit follows. The expected outputs of
// testdata/audit-glob-order.txt were derived from pkg's algorithm, not from
// pkgaudit (see its header); the database puts exact names first.
func TestAuditTextGlobOrder(t *testing.T) {
	blocks := auditReadBlocks(t, "testdata/audit-glob-order.txt")
	if len(blocks) != 9 {
		t.Fatalf("%d blocks, want 9", len(blocks))
	}
	db := "testdata/audit-glob-order.xml"
	for _, b := range blocks {
		operand, ok := strings.CutPrefix(b.cmd, "pkg audit -f audit-glob-order.xml ")
		if !ok || strings.Contains(operand, " ") {
			t.Fatalf("line %d: unexpected command %q", b.line, b.cmd)
		}
		out, errOut, code := run(t, "", "audit", "-f", db, "--", operand)
		if out != b.stdout || code != b.exit || errOut != "" {
			t.Errorf("line %d: %s: exit %d (want %d), stderr %q\n--- got ---\n%s--- want ---\n%s", b.line, b.cmd, code, b.exit, errOut, out, b.stdout)
		}
	}
}
