package cli

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// auditSerial matches a CycloneDX serial number, which is derived from
// the content and so from the temporary paths.
var auditSerial = regexp.MustCompile(`"urn:uuid:[0-9a-f-]{36}"`)

// auditNormalize replaces the temporary directory of the test database in
// an output (and the CycloneDX serial number that depends on it), so that
// golden files do not depend on it.
func auditNormalize(out, db string) string {
	out = strings.ReplaceAll(out, filepath.Dir(db)+string(filepath.Separator), "")
	return auditSerial.ReplaceAllString(out, `"urn:uuid:SERIAL"`)
}

// auditWrite writes a file of the test and returns its path.
func auditWrite(t *testing.T, dir, name, content string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// auditIgnoreFile is an ignore configuration with one active rule (sudo's
// advisory by CVE name, for sudo only), one by vid and one expired rule.
const auditIgnoreFile = `# pkgaudit ignore rules
[[IgnoredVulns]]
id = "CVE-2025-32463"
package = "sudo"
reason = "no chroot option in sudoers on these hosts"
ignoreUntil = 2027-01-31

[[IgnoredVulns]]
id = "533b4470-3f25-11f0-b440-f02f7432cf97"
package = "curl-8.5.*"
reason = "curl is only used for local file: URLs"

[[IgnoredVulns]]
id = "CVE-2024-0001"
reason = "old"
ignoreUntil = 2025-01-01
`

// Golden outputs of every format, each reviewed by eye.
func TestAuditGoldenOperands(t *testing.T) {
	db := auditCombinedVuXML(t)
	ign := auditWrite(t, filepath.Dir(db), "ignore.toml", auditIgnoreFile)
	operands := []string{"sudo-1.9.16p2", "curl-8.5.0", "python311-3.11.12", "nonexistent-1.0", "FreeBSD-kernel-14.2", "vim-9.1.1163"}
	for _, tc := range []struct {
		name string
		args []string
		code int
		ops  []string // instead of operands
	}{
		{"text", nil, ExitFound, nil},
		{"quiet", []string{"-q"}, ExitFound, nil},
		{"versionless", nil, ExitFound, []string{"sudo", "fetchmail"}},
		{"ignored", []string{"--ignore", ign}, ExitFound, nil},
		{"show-ignored", []string{"--ignore", ign, "--show-ignored"}, ExitFound, nil},
		{"pkg-json", []string{"--format", "pkg-json"}, ExitFound, nil},
		{"pkg-json-compact", []string{"-Rjson-compact"}, ExitFound, nil},
		{"json", []string{"--format", "json", "--ignore", ign, "--show-ignored"}, ExitFound, nil},
		{"sarif", []string{"--format", "sarif", "--ignore", ign, "--show-ignored"}, ExitFound, nil},
		{"cyclonedx", []string{"--format", "cyclonedx", "--ignore", ign, "--show-ignored"}, ExitFound, nil},
		{"markdown", []string{"--format", "markdown", "--ignore", ign, "--show-ignored"}, ExitFound, nil},
	} {
		args := append([]string{"audit", "-f", db}, tc.args...)
		if tc.ops != nil {
			args = append(args, tc.ops...)
		} else {
			args = append(args, operands...)
		}
		out, errOut, code := run(t, "", args...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d; stderr %q", tc.name, code, tc.code, errOut)
		}
		if strings.Contains(strings.Join(tc.args, " "), "--ignore") {
			if want := "pkgaudit: " + ign + ":13: ignore entry for CVE-2024-0001 expired on 2025-01-01; it no longer applies\n"; errOut != want {
				t.Errorf("%s: stderr %q, want %q", tc.name, errOut, want)
			}
		} else if errOut != "" {
			t.Errorf("%s: stderr %q", tc.name, errOut)
		}
		ext := map[string]string{"json": ".json", "pkg-json": ".json", "pkg-json-compact": ".json", "sarif": ".sarif", "cyclonedx": ".cdx.json", "markdown": ".md"}[tc.name]
		if ext == "" {
			ext = ".txt"
		}
		checkGolden(t, "audit/"+tc.name+ext, []byte(auditNormalize(out, db)))
	}
}

// The output of a database that lists nothing for the packages, and of no
// packages at all.
func TestAuditClean(t *testing.T) {
	db := auditCombinedVuXML(t)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"nonexistent-1.0"}, "0 problem(s) in 0 package(s) found.\n"},
		{[]string{"-q", "nonexistent-1.0"}, ""},
		{[]string{"-Rjson", "nonexistent-1.0"}, "{\n    \"pkg_count\": 0\n}\n"},
		{[]string{"--format", "pkg-json-compact", "nonexistent-1.0"}, "{\"pkg_count\":0}\n"},
		{[]string{"--from", "-"}, "0 problem(s) in 0 package(s) found.\n"},
	} {
		out, errOut, code := run(t, "", append([]string{"audit", "-f", db}, tc.args...)...)
		if out != tc.want || errOut != "" || code != ExitOK {
			t.Errorf("%q: exit %d, stdout %q, stderr %q; want %q", tc.args, code, out, errOut, tc.want)
		}
	}
}

// pkgsrc databases and packages: pkg-like blocks in text, pkg_admin's
// entries.
func TestAuditPkgsrcGolden(t *testing.T) {
	dir := t.TempDir()
	pkgdb := filepath.Join(dir, "pkgdb")
	for _, p := range []string{"openssl-0.9.8q", "asterisk-1.8.3", "xrdb-1.0.9", "mozilla-1.7.13"} {
		auditWrite(t, pkgdb, p+"/+CONTENTS", "@name "+p+"\n")
	}
	auditWrite(t, pkgdb, "openssl-0.9.8q/+REQUIRED_BY", "asterisk-1.8.3\n")
	for _, tc := range []struct {
		name string
		args []string
		env  map[string]string
		code int
	}{
		{"pkgsrc", []string{"-f", auditPkgsrcDB, "--pkgsrc-dbdir", pkgdb, "-r"}, nil, ExitFound},
		{"pkgsrc-no-eol", []string{"-f", auditPkgsrcDB, "--pkgsrc-dbdir", pkgdb}, map[string]string{"CHECK_END_OF_LIFE": "no"}, ExitFound},
		{"pkgsrc-versionless", []string{"-f", auditPkgsrcDB, "--no-eol", "xrdb", "openssl-0.9.8q"}, nil, ExitFound},
	} {
		out, errOut, code := runEnv(t, tc.env, "", append([]string{"audit"}, tc.args...)...)
		if code != tc.code {
			t.Errorf("%s: exit %d, want %d; stderr %q", tc.name, code, tc.code, errOut)
		}
		checkGolden(t, "audit/"+tc.name+".txt", []byte(strings.ReplaceAll(out, dir, "$DIR")))
	}
}

// auditCopy copies a database into dir with the fixed test modification
// time, so that reports naming it are reproducible.
func auditCopy(t *testing.T, src, dir string) string {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	path := auditWrite(t, dir, filepath.Base(src), string(data))
	if err := os.Chtimes(path, auditDBTime, auditDBTime); err != nil {
		t.Fatal(err)
	}
	return path
}

// auditTar builds a tar archive of name/content pairs.
func auditTar(t *testing.T, members ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for i := 0; i+1 < len(members); i += 2 {
		if err := tw.WriteHeader(&tar.Header{Name: members[i], Mode: 0o644, Size: int64(len(members[i+1])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		tw.Write([]byte(members[i+1]))
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// Every inventory source, combined: operands, a list on standard input,
// package files, an INDEX (also telling which fixes exist) and the base
// system given by version.
func TestAuditInventories(t *testing.T) {
	db := auditCombinedVuXML(t)
	dir := t.TempDir()
	pkgs := filepath.Join(dir, "packages")
	auditWrite(t, pkgs, "All/curl-8.5.0.pkg", string(auditTar(t, "+COMPACT_MANIFEST", `{"name":"curl","version":"8.5.0","origin":"ftp/curl"}`)))
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write(auditTar(t, "+CONTENTS", "@name xrdb-1.0.8\n", "+BUILD_INFO", "PKGPATH=x11/xrdb\n"))
	zw.Close()
	auditWrite(t, pkgs, "All/xrdb-1.0.8.tgz", gz.String())
	index := auditWrite(t, dir, "INDEX-14",
		"curl-8.14.1|/usr/ports/ftp/curl|/usr/local|c|d|m|ftp|||https://curl.se/|||\n"+
			"sudo-1.9.16p2|/usr/ports/security/sudo|/usr/local|c|d|m|security|||https://www.sudo.ws/|||\n")
	pkgsrcDB := auditCopy(t, auditPkgsrcDB, filepath.Dir(db))
	out, errOut, code := run(t, "expat-2.6.3\n# comment\n\nvim-9.1.1163\n",
		"audit", "--format", "json", "-f", db, "-f", pkgsrcDB, "--from", "-", "-d", pkgs,
		"--index", index, "--base-version", "14.2-RELEASE-p1,14.2-RELEASE", "python311-3.11.12")
	if code != ExitFound || errOut != "" {
		t.Errorf("exit %d, stderr %q", code, errOut)
	}
	checkGolden(t, "audit/inventories.json", []byte(strings.ReplaceAll(auditNormalize(out, db), dir, "$DIR")))

	// The same as text: xrdb from a pkgsrc package is judged by the pkgsrc
	// entries only; the base-system packages are sorted among the others.
	out, _, _ = run(t, "expat-2.6.3\nvim-9.1.1163\n", "audit", "-q", "-f", db, "-f", auditPkgsrcDB, "--from", "-", "-d", pkgs,
		"--index", index, "--base-version", "14.2-RELEASE-p1,14.2-RELEASE", "python311-3.11.12")
	want := "FreeBSD-14.2_1\nFreeBSD-kernel-14.2\ncurl-8.5.0\nexpat-2.6.3\npython311-3.11.12\nsudo-1.9.16p2\nvim-9.1.1163\nxrdb-1.0.8\n"
	if out != want {
		t.Errorf("-q:\n got %q\nwant %q", out, want)
	}
}

// Exit statuses: 0 clean, 1 vulnerable, 2 errors (1 with --compat-exit).
func TestAuditExitCodes(t *testing.T) {
	db := auditCombinedVuXML(t)
	dir := t.TempDir()
	empty := auditWrite(t, dir, "empty.xml", "")
	badIgnore := auditWrite(t, dir, "bad.toml", "[[IgnoredVulns]]\nid = \"x\"\n")
	ignoreAll := auditWrite(t, dir, "all.toml", "[[IgnoredVulns]]\nid = \"24f4b495-56a1-11f0-9621-93abbef07693\"\nreason = \"r\"\n")
	badPkgs := filepath.Join(dir, "pkgs")
	auditWrite(t, badPkgs, "broken-1.0.pkg", "not an archive at all, nothing to see")
	auditWrite(t, badPkgs, "curl-8.5.0.pkg", string(auditTar(t, "+COMPACT_MANIFEST", `{"name":"curl","version":"8.5.0"}`)))
	nodb := filepath.Join(dir, "nodb")
	for _, tc := range []struct {
		name   string
		env    map[string]string
		args   []string
		code   int
		stderr string // a part of it
		stdout string // exact, when not "*"
	}{
		{"clean", nil, []string{"-f", db, "nonexistent-1.0"}, ExitOK, "", "0 problem(s) in 0 package(s) found.\n"},
		{"vulnerable", nil, []string{"-q", "-f", db, "sudo-1.9.16p2"}, ExitFound, "", "sudo-1.9.16p2\n"},
		{"only ignored", nil, []string{"-f", db, "--ignore", ignoreAll, "sudo-1.9.16p2"}, ExitOK, "", "0 problem(s) in 0 package(s) found.\nIgnore rules silenced 1 finding(s) in 1 package(s) (--show-ignored lists them).\n"},
		{"AUDIT_IGNORE_GLOB", map[string]string{"AUDIT_IGNORE_GLOB": "cu*, su?o"}, []string{"-q", "-f", db, "sudo-1.9.16p2", "curl-8.5.0"}, ExitOK, "", ""},
		{"AUDIT_IGNORE_REGEX", map[string]string{"AUDIT_IGNORE_REGEX": "^s[u]+d"}, []string{"-q", "-f", db, "sudo-1.9.16p2", "curl-8.5.0"}, ExitFound, "", "curl-8.5.0\n"},
		{"bad AUDIT_IGNORE_REGEX", map[string]string{"AUDIT_IGNORE_REGEX": "(["}, []string{"-f", db, "sudo"}, ExitError, "AUDIT_IGNORE_REGEX", ""},
		{"missing database", nil, []string{"-f", filepath.Join(dir, "none.xml"), "sudo"}, ExitError, "none.xml", ""},
		{"missing database, compat", nil, []string{"--compat-exit", "-f", filepath.Join(dir, "none.xml"), "sudo"}, ExitFound, "none.xml", ""},
		{"default database missing", map[string]string{"PKG_DBDIR": nodb}, []string{"sudo"}, ExitError, "vuln.xml", ""},
		{"empty database", nil, []string{"-f", empty, "sudo"}, ExitError, "empty.xml", ""},
		{"bad format", nil, []string{"-f", db, "--format", "yaml", "sudo"}, ExitError, "unknown --format", ""},
		{"bad raw", nil, []string{"-f", db, "-Rxml", "sudo"}, ExitError, "invalid argument xml for --raw option", ""},
		{"raw yaml", nil, []string{"-f", db, "-Ryaml", "sudo"}, ExitError, "not supported", ""},
		{"bad flag", nil, []string{"-x"}, ExitError, "unknown shorthand flag", ""},
		{"bad ignore file", nil, []string{"-f", db, "--ignore", badIgnore, "sudo"}, ExitError, "bad.toml:", ""},
		{"missing list", nil, []string{"-f", db, "--from", filepath.Join(dir, "nolist")}, ExitError, "nolist: no such file or directory (expected a list file of name-version lines)\n", ""},
		{"bad list", nil, []string{"-f", db, "--from", "-"}, ExitError, "-:1:4: blank inside a package name", ""},
		{"unreadable package file", nil, []string{"-q", "-f", db, "-d", badPkgs}, ExitError, "broken-1.0.pkg", "curl-8.5.0\n"},
		// Nothing audited is not clean: exit 2 with a hint; pkg's exit 0
		// without output only under --compat-exit.
		{"no installed database", map[string]string{"PKG_DBDIR": nodb}, []string{"-f", db}, ExitError, "no installed-package database at " + filepath.Join(nodb, "local.sqlite") + ": nothing was audited (give packages as operands, --from FILE or --pkgsrc-dbdir DIR", ""},
		{"no installed database, json", map[string]string{"PKG_DBDIR": nodb}, []string{"-f", db, "--format", "json"}, ExitError, "nothing was audited", ""},
		{"no installed database, --installed", map[string]string{"PKG_DBDIR": nodb}, []string{"-f", db, "--installed", "sudo-1.9.16p2"}, ExitError, "nothing was audited", ""},
		{"no installed database, compat", map[string]string{"PKG_DBDIR": nodb}, []string{"--compat-exit", "-f", db}, ExitOK, "", ""},
		{"no installed database, compat json", map[string]string{"PKG_DBDIR": nodb}, []string{"--compat-exit", "-f", db, "--format", "json"}, ExitOK, "", "*"},
		{"no installed database, compat --installed", map[string]string{"PKG_DBDIR": nodb}, []string{"--compat-exit", "-q", "-f", db, "--installed", "sudo-1.9.16p2"}, ExitFound, "", "sudo-1.9.16p2\n"},
		// A source the user names must exist and be what it claims.
		{"missing pkgsrc dbdir", nil, []string{"-f", db, "--pkgsrc-dbdir", filepath.Join(dir, "nopkgdb")}, ExitError, "nopkgdb: no such file or directory (expected pkgsrc's installed-package database, a PKG_DBDIR directory)\n", ""},
		{"pkgsrc dbdir is a file", nil, []string{"-f", db, "--pkgsrc-dbdir", empty}, ExitError, "empty.xml: not a directory", ""},
		{"missing package dir", nil, []string{"-f", db, "-d", filepath.Join(dir, "nopkgs")}, ExitError, "expected a directory of package files", ""},
		{"package dir is a file", nil, []string{"-f", db, "-d", empty}, ExitError, "empty.xml: not a directory", ""},
		{"package dir is a file, names only", nil, []string{"-f", db, "--names-only", "-d", empty}, ExitError, "not a directory", ""},
		{"missing index", nil, []string{"-f", db, "--index", filepath.Join(dir, "noindex")}, ExitError, "noindex: no such file or directory (expected a ports INDEX file)\n", ""},
		{"index is a directory", nil, []string{"-f", db, "--index", dir}, ExitError, "is a directory (expected a ports INDEX file)", ""},
		{"missing available", nil, []string{"-f", db, "--available", filepath.Join(dir, "noindex"), "sudo"}, ExitError, "expected a ports INDEX file", ""},
		{"list is a directory", nil, []string{"-f", db, "--from", dir}, ExitError, "is a directory (expected a list file", ""},
		// Operands are package names, as list lines are.
		{"operand with a blank", nil, []string{"-f", db, "curl 8.5.0"}, ExitError, `operand "curl 8.5.0": not a package name`, ""},
		{"operand with a control character", nil, []string{"-f", db, "curl-8.5.0\x1b"}, ExitError, "not a package name", ""},
		{"operand with an empty name", nil, []string{"-f", db, "--", "-1.0"}, ExitError, "the name is empty", ""},
		{"empty operand", nil, []string{"-f", db, ""}, ExitError, "the name is empty", ""},
		{"bare name and NAME- kept", nil, []string{"-q", "-f", db, "sudo", "test-"}, ExitFound, "", "sudo\n"},
		{"base version not freebsd-version", nil, []string{"-f", db, "--base-version", "14.3"}, ExitError, "not freebsd-version(1) output", ""},
		{"base kernel version not freebsd-version", nil, []string{"-f", db, "--base-version", "14.3-RELEASE-p2,14.3-p2"}, ExitError, "not freebsd-version(1) output", ""},
		{"no base here", nil, []string{"-f", db, "--base"}, ExitError, "base system", ""},
		{"bad base version", nil, []string{"-f", db, "--base-version", "14.1 RELEASE"}, ExitError, "--base-version", ""},
		{"offline fetch", nil, []string{"-F", "--offline", "-f", filepath.Join(dir, "fetched.xml"), "sudo"}, ExitError, "offline", ""},
	} {
		stdin := ""
		if tc.name == "bad list" {
			stdin = "two words-1\n"
		}
		out, errOut, code := runEnv(t, tc.env, stdin, append([]string{"audit"}, tc.args...)...)
		if code != tc.code || !strings.Contains(errOut, tc.stderr) || (tc.stderr == "" && errOut != "") || (tc.stdout != "*" && out != tc.stdout) {
			t.Errorf("%s: exit %d (want %d), stdout %q (want %q), stderr %q (want ...%s...)", tc.name, code, tc.code, out, tc.stdout, errOut, tc.stderr)
		}
	}
}

// The SARIF, CycloneDX and JSON outputs of the CLI validate against their
// schemas (pkgaudit's own JSON against report/testdata/schema/
// pkgaudit-audit.schema.json, which the README documents).
func TestAuditSchemas(t *testing.T) {
	db := auditCombinedVuXML(t)
	ign := auditWrite(t, t.TempDir(), "ignore.toml", auditIgnoreFile)
	load := func(file string) any {
		f, err := os.Open(filepath.Join("../../report/testdata/schema", file))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		doc, err := jsonschema.UnmarshalJSON(f)
		if err != nil {
			t.Fatal(err)
		}
		return doc
	}
	compile := func(main string, extra map[string]string) *jsonschema.Schema {
		c := jsonschema.NewCompiler()
		c.AssertFormat()
		for url, file := range extra {
			if err := c.AddResource(url, load(file)); err != nil {
				t.Fatal(err)
			}
		}
		if err := c.AddResource("file:///schema/"+main, load(main)); err != nil {
			t.Fatal(err)
		}
		s, err := c.Compile("file:///schema/" + main)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	schemas := map[string]*jsonschema.Schema{
		"json":  compile("pkgaudit-audit.schema.json", nil),
		"sarif": compile("sarif-schema-2.1.0.json", nil),
		"cyclonedx": compile("bom-1.6.schema.json", map[string]string{
			"http://cyclonedx.org/schema/spdx.schema.json":     "spdx.schema.json",
			"http://cyclonedx.org/schema/jsf-0.82.schema.json": "jsf-0.82.schema.json",
		}),
	}
	for format, s := range schemas {
		for _, args := range [][]string{
			{"sudo-1.9.16p2", "curl-8.5.0", "sudo", "FreeBSD-kernel-14.2", "nonexistent-1.0"},
			{"nonexistent-1.0"},
			{"-f", auditPkgsrcDB, "openssl-0.9.8q", "mozilla-1.7.13"},
		} {
			out, errOut, code := run(t, "", append([]string{"audit", "--format", format, "--show-ignored", "--ignore", ign, "-f", db}, args...)...)
			if code == ExitError {
				t.Fatalf("%s %q: %s", format, args, errOut)
			}
			doc, err := jsonschema.UnmarshalJSON(strings.NewReader(out))
			if err != nil {
				t.Fatalf("%s %q: not JSON: %v", format, args, err)
			}
			if err := s.Validate(doc); err != nil {
				t.Errorf("%s %q does not validate:\n%v", format, args, err)
			}
		}
	}
}

// -F downloads the database through the fetch hooks before auditing, and
// an old database draws the stale warning.
func TestAuditFetchAndStale(t *testing.T) {
	db := auditCombinedVuXML(t)
	dir := t.TempDir()
	dest := filepath.Join(dir, "vuln.xml")
	env := map[string]string{"VULNXML_SITE": "file://" + db}
	out, errOut, code := runEnv(t, env, "", "audit", "-F", "-q", "-f", dest, "sudo-1.9.16p2", "nonexistent-1.0")
	if code != ExitFound || out != "sudo-1.9.16p2\n" {
		t.Errorf("-F: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
	if _, err := os.Stat(dest); err != nil {
		t.Errorf("-F did not write the database: %v", err)
	}

	var errb bytes.Buffer
	old := testEnv("", &errb, &errb).Now().AddDate(0, 0, -30)
	if err := os.Chtimes(dest, old, old); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = run(t, "", "audit", "-q", "-f", dest, "sudo-1.9.16p2")
	if code != ExitFound || out != "sudo-1.9.16p2\n" || !strings.Contains(errOut, "30 days") {
		t.Errorf("stale: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}

// --available tells fix_available from an INDEX that is not audited.
func TestAuditFixAvailable(t *testing.T) {
	db := auditCombinedVuXML(t)
	index := auditWrite(t, t.TempDir(), "INDEX-14",
		"curl-8.14.1|/usr/ports/ftp/curl|/usr/local|c|d|m|ftp|||https://curl.se/|||\n"+
			"vim-9.1.1170|/usr/ports/editors/vim|/usr/local|c|d|m|editors|||https://www.vim.org/|||\n")
	out, errOut, code := run(t, "", "audit", "--format", "json", "--available", index, "-f", db, "curl-8.5.0", "vim-9.1.1163", "sudo-1.9.16p2")
	if code != ExitFound || errOut != "" {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	var r struct {
		Results []struct {
			Package         string
			Vulnerabilities []struct {
				ID           string
				FixedIn      *string `json:"fixed_in"`
				FixAvailable *bool   `json:"fix_available"`
			}
		}
		Summary struct{ Packages int }
	}
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, res := range r.Results {
		for _, v := range res.Vulnerabilities {
			s := "null"
			if v.FixAvailable != nil {
				s = strconv.FormatBool(*v.FixAvailable)
			}
			got[res.Package+" "+*v.FixedIn] += s + " "
		}
	}
	want := map[string]string{
		"curl-8.5.0 8.14.0":      "true ",      // 8.14.1 is not affected
		"vim-9.1.1163 9.1.1164":  "true true ", // two advisories fixed in 9.1.1164: 9.1.1170 exists
		"vim-9.1.1163 9.1.1198":  "false ",     // 9.1.1170 is still below 9.1.1198
		"sudo-1.9.16p2 1.9.17p1": "null ",      // the INDEX does not list sudo
	}
	if !reflect.DeepEqual(got, want) || r.Summary.Packages != 3 {
		t.Errorf("got %q, want %q (summary %+v)", got, want, r.Summary)
	}
}

// pkg audit -R: freebsd/pkg's tests/frontend/audit.sh audit_raw_ucl case
// (test-1.5 against its vuln.xml), byte for byte as libucl's
// UCL_EMIT_CONFIG and pkg's trailing newline give it; -R's argument is
// optional and only taken when attached, as getopt's "R::".
func TestAuditRawUCL(t *testing.T) {
	// The vuln.xml of that case (docs/sources.md runs it).
	db := "testdata/pkg-audit-raw.xml"
	ucl := `pkg_count = 1;
packages {
    test {
        version = "1.5";
        issue_count = 1;
        issues [
            {
                "Affected versions" [
                    ">= 1.0 : < 2.0",
                ]
                description = "Test vulnerability in test package";
                cve [
                    "CVE-2024-00001",
                ]
                url = "https://vuxml.FreeBSD.org/freebsd/test-vuln-001.html";
            }
        ]
        "reverse dependencies" [
        ]
    }
}

`
	none := "pkg_count = 0;\n\n"
	compact := `{"pkg_count":1,"packages":{"test":{"version":"1.5","issue_count":1,"issues":[{"Affected versions":[">= 1.0 : < 2.0"],"description":"Test vulnerability in test package","cve":["CVE-2024-00001"],"url":"https://vuxml.FreeBSD.org/freebsd/test-vuln-001.html"}],"reverse dependencies":[]}}}` + "\n"
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"-R", "test-1.5"}, ExitFound, ucl},
		{[]string{"test-1.5", "-R"}, ExitFound, ucl},
		{[]string{"-Rucl", "test-1.5"}, ExitFound, ucl},
		{[]string{"-RUCL", "test-1.5"}, ExitFound, ucl},
		{[]string{"--raw", "test-1.5"}, ExitFound, ucl},
		{[]string{"--raw=ucl", "test-1.5"}, ExitFound, ucl},
		{[]string{"--format", "pkg-ucl", "test-1.5"}, ExitFound, ucl},
		{[]string{"-qR", "test-1.5"}, ExitFound, ucl},
		// A bare -R never takes the next word: "json" is an operand.
		{[]string{"-R", "json"}, ExitOK, none},
		{[]string{"-Rjson-compact", "test-1.5"}, ExitFound, compact},
		{[]string{"-qRjson-compact", "test-1.5"}, ExitFound, compact},
		{[]string{"--raw=json-compact", "test-1.5"}, ExitFound, compact},
	} {
		out, errOut, code := run(t, "", append([]string{"audit", "-f", db}, tc.args...)...)
		if out != tc.want || errOut != "" || code != tc.code {
			t.Errorf("%q: exit %d, stderr %q, stdout\n%s\nwant exit %d, stdout\n%s", tc.args, code, errOut, out, tc.code, tc.want)
		}
	}
	// -f still takes the rest of its word, even an R.
	if _, errOut, code := run(t, "", "audit", "-fR", "test-1.5"); code != ExitError || !strings.Contains(errOut, "R:") {
		t.Errorf("-fR: exit %d, stderr %q", code, errOut)
	}
}
