package cli

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The hostile-input regression tests of the command line (docs/hostile-input.md).

// hostileXZ is a 56-byte xz file whose block header declares a 4 GiB
// LZMA2 dictionary (internal/decompress builds it: xzHostile(40)).
var hostileXZ = []byte{
	0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x01, 0x69, 0x22, 0xde, 0x36,
	0x02, 0x00, 0x21, 0x01, 0x28, 0x00, 0x00, 0x00, 0xe6, 0xa0, 0x11, 0xb3,
	0x01, 0x00, 0x02, 0x68, 0x69, 0x0a, 0x00, 0x00, 0x7a, 0x7a, 0x6f, 0xed,
	0x00, 0x01, 0x17, 0x03, 0x07, 0x60, 0x0c, 0xbc, 0x90, 0x42, 0x99, 0x0d,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x59, 0x5a,
}

// A tiny xz database declaring a 4 GiB dictionary is refused with exit 2
// and a message, before the decoder allocates the dictionary (the runtime
// aborted with a stack dump under a memory limit).
func TestHostileXZDictionary(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vuln.xml.xz")
	if err := os.WriteFile(db, hostileXZ, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"audit", "-f", db, "curl-8.5.0"},
		{"pkgsrc", "check", db},
	} {
		_, errOut, code := run(t, "", args...)
		if code != ExitError || !strings.Contains(errOut, "too much memory") || !strings.Contains(errOut, "xz dictionary") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}

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
