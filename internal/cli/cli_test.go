package cli

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/pkgaudit/pkgaudit/config"
)

// run executes pkgaudit in-process with args and returns stdout, stderr and
// the exit code.
func run(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Main(args, testEnv(stdin, &out, &errb))
	return out.String(), errb.String(), code
}

// testEnv is the Env of the CLI tests: empty environment, a fixed clock
// (2026-11-22 12:00 UTC), no terminal, an ordinary user, and a host
// without a package system (config.HostOther: FreeBSD's defaults) whatever
// the test runs on.
func testEnv(stdin string, out, errb io.Writer) *Env {
	paths := config.HostPaths(config.Host{GOOS: "linux", Kind: config.HostOther, Why: "the tests' host"}, "/")
	return &Env{
		Stdin:      strings.NewReader(stdin),
		Stdout:     out,
		Stderr:     errb,
		Getenv:     func(string) string { return "" },
		Now:        func() time.Time { return time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC) },
		IsTerminal: func(io.Writer) bool { return false },
		Paths:      &paths,
		// Not root, and no HOME: no default cache directory.
		Geteuid: func() int { return 1000 },
	}
}

func TestVersionFlag(t *testing.T) {
	out, _, code := run(t, "", "--version")
	if code != 0 || out != "pkgaudit "+Version+"\n" {
		t.Fatalf("--version: code %d, out %q", code, out)
	}
}

func TestUnknownCommandIsUsageError(t *testing.T) {
	_, errOut, code := run(t, "", "no-such-command")
	if code != ExitError || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("code %d, stderr %q", code, errOut)
	}
}

func TestBadFlagIsUsageError(t *testing.T) {
	_, _, code := run(t, "", "--no-such-flag")
	if code != ExitError {
		t.Fatalf("code %d", code)
	}
}
