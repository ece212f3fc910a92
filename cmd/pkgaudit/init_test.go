package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
)

// Every start of pkgaudit runs the package initialisers of everything it
// links; ours must not do work there that only some commands need
// (regular expressions, templates, tables: made on first use instead).
// This test runs its own binary, which links what pkgaudit links, with
// GODEBUG=inittrace=1 and bounds what each of our packages' initialisers
// allocates (a deterministic measure, unlike their time).
func TestInitWork(t *testing.T) {
	if os.Getenv("PKGAUDIT_INIT_CHILD") == "1" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestInitWork$")
	cmd.Env = append(os.Environ(), "GODEBUG=inittrace=1", "PKGAUDIT_INIT_CHILD=1")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	const maxBytes, maxAllocs = 16 << 10, 100
	seen, totalBytes := 0, 0
	sc := bufio.NewScanner(&stderr)
	for sc.Scan() {
		// init PKG @T ms, T ms clock, B bytes, A allocs
		f := strings.Fields(sc.Text())
		if len(f) < 10 || f[0] != "init" || !strings.HasPrefix(f[1], "github.com/pkgaudit/pkgaudit/") || f[1] == "github.com/pkgaudit/pkgaudit/cmd/pkgaudit" {
			continue
		}
		b, err1 := strconv.Atoi(f[7])
		a, err2 := strconv.Atoi(f[9])
		if err1 != nil || err2 != nil {
			t.Fatalf("unexpected inittrace line %q", sc.Text())
		}
		seen++
		totalBytes += b
		if b > maxBytes || a > maxAllocs {
			t.Errorf("%s: its initialisers allocate %d bytes in %d allocations at every start (at most %d, %d): make what only some commands need on first use", f[1], b, a, maxBytes, maxAllocs)
		}
	}
	if seen == 0 {
		t.Fatalf("no init trace of our packages:\n%s", stderr.String())
	}
	t.Logf("%d packages of ours with initialisers, %d bytes in all", seen, totalBytes)
}
