package cli

import (
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
)

const realPkgVulns = "../../testdata/pkgsrc/pkg-vulnerabilities-1.3817"

// Every block of pkgsrc-audit.txt, translated to pkgaudit pkgsrc commands.
func TestPkgsrcAuditTxtVectors(t *testing.T) {
	data, err := os.ReadFile("../../testdata/vectors/pkgsrc-audit.txt")
	if err != nil {
		t.Fatal(err)
	}
	blocks := 0
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "$ ") {
			continue
		}
		cmdLine, n := lines[i], i+1
		var want []string
		i++
		for ; !strings.HasPrefix(lines[i], "exit="); i++ {
			want = append(want, lines[i])
		}
		wantCode, _ := strconv.Atoi(strings.TrimPrefix(lines[i], "exit="))
		words := strings.Fields(strings.TrimPrefix(cmdLine, "$ "))
		vars := map[string]string{}
		if words[0] == "env" {
			words = words[1:]
			for strings.Contains(words[0], "=") {
				k, v, _ := strings.Cut(words[0], "=")
				vars[k] = v
				words = words[1:]
			}
		}
		if words[0] != "pkg_admin" || words[2] != "data/pkgsrc/pkg-vulnerabilities-1.3817" {
			t.Fatalf("line %d: unexpected command %q", n, cmdLine)
		}
		sub := map[string]string{"audit": "audit-pkg", "audit-history": "audit-history"}[words[1]]
		args := append([]string{"pkgsrc", sub, "-f", realPkgVulns}, words[3:]...)
		out, errOut, code := runEnv(t, vars, "", args...)
		blocks++
		got := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if out == "" {
			got = nil
		}
		if strings.Join(got, "\n") != strings.Join(want, "\n") || code != wantCode {
			t.Errorf("line %d: %s\n got (exit %d, stderr %q):\n%s\nwant (exit %d):\n%s", n, cmdLine, code, errOut, out, wantCode, strings.Join(want, "\n"))
		}
	}
	if blocks != 14 {
		t.Errorf("checked %d blocks, want 14", blocks)
	}
}

// Every row of pkgsrc-audit-lines.tsv: same multiset of lines.
func TestPkgsrcAuditLinesVectors(t *testing.T) {
	ls := readVectors(t, "pkgsrc-audit-lines.tsv")
	if len(ls) != 2317 {
		t.Fatalf("read %d rows, want 2317", len(ls))
	}
	// One run of audit-batch per EOL setting over all the names (every
	// row through the CLI, whose lines each name their package), and
	// audit-pkg, one run per name, for every 25th row (its own exit
	// status): a run per row costs minutes.
	for _, eol := range []string{"yes", "no"} {
		var names []string
		var rows []int
		for i, l := range ls {
			if l.Fields[1] == eol {
				names = append(names, l.Fields[0])
				rows = append(rows, i)
			}
		}
		env := map[string]string{"CHECK_END_OF_LIFE": eol}
		out, errOut, code := runEnv(t, env, strings.Join(names, "\n")+"\n", "pkgsrc", "audit-batch", "-f", realPkgVulns, "-")
		if code != 1 || errOut != "" {
			t.Fatalf("EOL=%s: audit-batch: exit %d, %q", eol, code, errOut)
		}
		byName := map[string][]string{}
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			name, _, ok := strings.Cut(strings.TrimPrefix(line, "Package "), " ")
			if !ok || !strings.HasPrefix(line, "Package ") {
				t.Fatalf("EOL=%s: audit-batch line %q", eol, line)
			}
			byName[name] = append(byName[name], line)
		}
		for k, name := range names {
			l := ls[rows[k]]
			got := byName[name]
			delete(byName, name)
			sort.Strings(got)
			want := l.Fields[2]
			if strings.Join(got, " ;; ") != want {
				t.Errorf("line %d: %q EOL=%s: audit-batch: got %q, want %q", l.N, name, eol, strings.Join(got, " ;; "), want)
			}
			if k%25 != 0 {
				continue
			}
			out, _, code := runEnv(t, env, "", "pkgsrc", "audit-pkg", "-f", realPkgVulns, "--", name)
			got = nil
			if out != "" {
				got = strings.Split(strings.TrimSuffix(out, "\n"), "\n")
			}
			sort.Strings(got)
			wantCode := 1
			if want == "" {
				wantCode = 0
			}
			if strings.Join(got, " ;; ") != want || code != wantCode {
				t.Errorf("line %d: %q EOL=%s: audit-pkg: got %q (exit %d), want %q", l.N, name, eol, strings.Join(got, " ;; "), code, want)
			}
		}
		if len(byName) != 0 {
			t.Errorf("EOL=%s: audit-batch printed lines of packages it was not asked about: %v", eol, byName)
		}
	}
}

func TestPkgsrcAuditBatchAndErrors(t *testing.T) {
	out, _, code := runEnv(t, nil, "asterisk-1.8.3\n\nxrdb-1.0.9\n", "pkgsrc", "audit-batch", "-q", "-f", realPkgVulns, "-")
	if out != "asterisk-1.8.3\n" || code != 1 {
		t.Errorf("audit-batch: %q %d", out, code)
	}
	if _, errOut, code := runEnv(t, nil, "", "pkgsrc", "audit-pkg", "-f", "/nonexistent", "foo-1"); code != 2 || errOut == "" {
		t.Errorf("missing file: %d %q", code, errOut)
	}
	if _, _, code := runEnv(t, nil, "", "pkgsrc", "audit-pkg", "--compat-exit", "-f", "/nonexistent", "foo-1"); code != 1 {
		t.Errorf("missing file with --compat-exit: %d", code)
	}
	if _, errOut, code := runEnv(t, nil, "", "pkgsrc", "audit-pkg", "-s", "-f", realPkgVulns, "foo-1"); code != 2 || !strings.Contains(errOut, "needs a keyring") {
		t.Errorf("-s: %d %q", code, errOut)
	}
	// Settings from pkg_install.conf (-C), overridden by the environment.
	conf := t.TempDir() + "/pkg_install.conf"
	os.WriteFile(conf, []byte("CHECK_END_OF_LIFE=no\nIGNORE_URL=http://secunia.com/advisories/43722/\n"), 0o644)
	if out, _, code := runEnv(t, nil, "", "pkgsrc", "audit-pkg", "-C", conf, "-f", realPkgVulns, "asterisk-1.8.3"); out != "" || code != 0 {
		t.Errorf("IGNORE_URL from conf: %q %d", out, code)
	}
	if out, _, _ := runEnv(t, nil, "", "pkgsrc", "audit-pkg", "-C", conf, "-q", "-f", realPkgVulns, "mozilla-1.7.13"); strings.Count(out, "\n") != 2 {
		t.Errorf("CHECK_END_OF_LIFE=no from conf: %q", out)
	}
	if out, _, _ := runEnv(t, map[string]string{"CHECK_END_OF_LIFE": "yes"}, "", "pkgsrc", "audit-pkg", "-C", conf, "-q", "-f", realPkgVulns, "mozilla-1.7.13"); strings.Count(out, "\n") != 3 {
		t.Errorf("environment over conf: %q", out)
	}
}

func TestPkgsrcAuditInstalled(t *testing.T) {
	db := t.TempDir()
	for _, d := range []string{"asterisk-1.8.3", "xrdb-1.0.9", "mozilla-1.7.13"} {
		os.MkdirAll(db+"/"+d, 0o755)
		os.WriteFile(db+"/"+d+"/+CONTENTS", []byte("@name "+d+"\n"), 0o644)
	}
	os.WriteFile(db+"/pkgdb.byfile.db", nil, 0o644)
	os.WriteFile(db+"/stray-file-1.0", nil, 0o644) // not a directory: skipped
	vars := map[string]string{"PKG_DBDIR": db, "CHECK_END_OF_LIFE": "no"}
	out, errOut, code := runEnv(t, vars, "", "pkgsrc", "audit", "-q", "-f", realPkgVulns)
	if code != 1 || out != "asterisk-1.8.3\nmozilla-1.7.13\nmozilla-1.7.13\n" {
		t.Errorf("audit: %d %q %q", code, out, errOut)
	}
	out, _, code = runEnv(t, vars, "", "pkgsrc", "audit", "-f", realPkgVulns, "-K", db, "xrdb*")
	if code != 0 || out != "" {
		t.Errorf("audit xrdb*: %d %q", code, out)
	}
	// Two patterns matching the same package report it twice, as pkg_admin.
	out, _, _ = runEnv(t, vars, "", "pkgsrc", "audit", "-q", "-f", realPkgVulns, "aster*", "asterisk")
	if out != "asterisk-1.8.3\nasterisk-1.8.3\n" {
		t.Errorf("two patterns: %q", out)
	}
	// A missing PKG_DBDIR means no packages.
	if _, _, code := runEnv(t, map[string]string{"PKG_DBDIR": db + "/nope"}, "", "pkgsrc", "audit", "-f", realPkgVulns); code != 0 {
		t.Errorf("missing dbdir: %d", code)
	}
}

// --config means pkgaudit.toml everywhere (issue 12, C.9): pkg_install.conf
// is -C or --install-conf on the pkgsrc audit commands.
func TestPkgsrcInstallConfFlag(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "pkg_install.conf")
	os.WriteFile(conf, []byte("IGNORE_URL=https://x\n"), 0o644)
	for _, flag := range []string{"-C", "--install-conf"} {
		if _, stderr, code := runEnv(t, nil, "", "pkgsrc", "audit-pkg", flag, conf, "-f", realPkgVulns, "zlib-1.2.3"); code == ExitError {
			t.Errorf("%s: exit %d: %s", flag, code, stderr)
		}
	}
	if _, stderr, code := runEnv(t, nil, "", "pkgsrc", "audit-pkg", "--config", conf, "-f", realPkgVulns, "zlib-1.2.3"); code != ExitError || !strings.Contains(stderr, "unknown flag: --config") {
		t.Errorf("--config: exit %d: %s", code, stderr)
	}
}
