//go:build unix

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// runPromptly is run that fails the test when the command has not
// returned within a minute (a read of a FIFO nobody writes to never
// returns; no time is asserted otherwise).
func runPromptly(t *testing.T, args ...string) (stderr string, code int) {
	t.Helper()
	type result struct {
		errOut string
		code   int
	}
	done := make(chan result, 1)
	go func() {
		_, errOut, code := run(t, "", args...)
		done <- result{errOut, code}
	}()
	select {
	case r := <-done:
		return r.errOut, r.code
	case <-time.After(time.Minute):
		t.Fatalf("%v: blocked", args)
		return "", 0
	}
}

// Every input path refuses a FIFO (and devices) at once instead of
// blocking on it: databases, the year files of a vuln.xml wrapper, lists,
// INDEX, package files, ignore and configuration files.
func TestHostileFIFOInputs(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Skipf("mkfifo: %v", err)
	}
	db := auditWrite(t, dir, "db.xml", `<?xml version="1.0"?><vuxml xmlns="http://www.vuxml.org/apps/vuxml-1"></vuxml>`)
	// A wrapper whose year file is a FIFO.
	os.Mkdir(filepath.Join(dir, "vuln"), 0o755)
	if err := syscall.Mkfifo(filepath.Join(dir, "vuln", "2026.xml"), 0o644); err != nil {
		t.Fatal(err)
	}
	wrapper := auditWrite(t, dir, "vuln.xml", `<?xml version="1.0"?>
<!DOCTYPE vuxml [
<!ENTITY vuln-2026 SYSTEM "vuln/2026.xml">
]>
<vuxml xmlns="http://www.vuxml.org/apps/vuxml-1">
&vuln-2026;
</vuxml>
`)
	pkgdir := filepath.Join(dir, "pkgs")
	os.Mkdir(pkgdir, 0o755)
	if err := syscall.Mkfifo(filepath.Join(pkgdir, "curl-8.5.0.pkg"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"audit", "-f", fifo, "curl-8.5.0"},
		{"audit", "-f", wrapper, "curl-8.5.0"},
		{"audit", "-f", db, "--from", fifo},
		{"audit", "-f", db, "--index", fifo},
		{"audit", "-f", db, "--ignore", fifo, "curl-8.5.0"},
		{"audit", "-f", db, "--config", fifo, "curl-8.5.0"},
		{"audit", "-f", db, "-d", pkgdir},
		{"pkgsrc", "check", fifo},
		{"vuxml", "validate", fifo},
		{"vuxml", "validate", wrapper},
		{"config", "check", fifo},
		{"config", "show", "--config", fifo},
	} {
		errOut, code := runPromptly(t, args...)
		if code != ExitError || !strings.Contains(errOut, "named pipe (FIFO)") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
	// Devices too.
	if _, err := os.Stat("/dev/zero"); err == nil {
		errOut, code := runPromptly(t, "audit", "-f", "/dev/zero", "curl-8.5.0")
		if code != ExitError || !strings.Contains(errOut, "character device") {
			t.Errorf("/dev/zero: exit %d, stderr %q", code, errOut)
		}
	}
}
