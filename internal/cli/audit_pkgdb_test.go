//go:build (darwin && (amd64 || arm64)) || (freebsd && (386 || amd64 || arm || arm64)) || (linux && (386 || amd64 || arm || arm64 || loong64 || ppc64le || riscv64 || s390x)) || (netbsd && amd64) || (openbsd && (amd64 || arm64)) || (windows && (386 || amd64 || arm64))

package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pkgaudit/pkgaudit/internal/pkgdbtest"
)

// auditInstalled is a FreeBSD installed-package database: git and
// py311-requests depend on curl, git also on expat, gitup on git.
var auditInstalled = []pkgdbtest.Pkg{
	{Origin: "ftp/curl", Name: "curl", Version: "8.5.0"},
	{Origin: "textproc/expat2", Name: "expat", Version: "2.6.3"},
	{Origin: "devel/git", Name: "git", Version: "2.47.1", Deps: []string{"curl", "expat"}},
	{Origin: "net/gitup", Name: "gitup", Version: "0.99", Deps: []string{"git"}},
	{Origin: "www/py-requests@py311", Name: "py311-requests", Version: "2.32.3", Deps: []string{"curl"}},
	{Origin: "security/sudo", Name: "sudo", Version: "1.9.16p2"},
	{Origin: "ports-mgmt/pkg", Name: "pkg", Version: "2.0.6"},
}

// The installed packages of PKG_DBDIR are audited by default, read-only;
// -r prints their dependents as pkg does.
func TestAuditInstalledGolden(t *testing.T) {
	db := auditCombinedVuXML(t)
	dbdir := t.TempDir()
	pkgdbtest.Build(t, dbdir, auditInstalled)
	env := map[string]string{"PKG_DBDIR": dbdir}
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"recursive.txt", []string{"-r"}},
		{"installed.txt", nil},
		{"installed-quiet-recursive.txt", []string{"-q", "-r"}},
		{"installed-pkg-json.json", []string{"-Rjson"}},
		{"installed.sarif", []string{"--format", "sarif"}},
		{"installed.cdx.json", []string{"--format", "cyclonedx"}},
		{"installed.md", []string{"--format", "markdown"}},
		{"installed-base.txt", []string{"--installed", "--base-version", "14.2-RELEASE-p1", "-r"}},
	} {
		out, errOut, code := runEnv(t, env, "", append([]string{"audit", "-f", db}, tc.args...)...)
		if code != ExitFound || errOut != "" {
			t.Errorf("%s: exit %d, stderr %q", tc.name, code, errOut)
		}
		checkGolden(t, "audit/"+tc.name, []byte(auditNormalize(out, db)))
	}

	// The default database is $PKG_DBDIR/vuln.xml.
	auditCopy(t, db, dbdir)
	if err := os.Rename(filepath.Join(dbdir, filepath.Base(db)), filepath.Join(dbdir, "vuln.xml")); err != nil {
		t.Fatal(err)
	}
	out, _, code := runEnv(t, env, "", "audit", "-q")
	if code != ExitFound || out != "curl-8.5.0\nexpat-2.6.3\ngit-2.47.1\nsudo-1.9.16p2\n" {
		t.Errorf("default database: exit %d, %q", code, out)
	}
}

// An installed database without packages: pkg's "0 problem(s)" line.
func TestAuditInstalledEmpty(t *testing.T) {
	db := auditCombinedVuXML(t)
	dbdir := t.TempDir()
	pkgdbtest.Build(t, dbdir, nil)
	out, errOut, code := runEnv(t, map[string]string{"PKG_DBDIR": dbdir}, "", "audit", "-f", db)
	if out != "0 problem(s) in 0 package(s) found.\n" || errOut != "" || code != ExitOK {
		t.Errorf("exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
