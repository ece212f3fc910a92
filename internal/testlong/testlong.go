// Package testlong marks the tests that take long (seconds to minutes:
// differential runs over the big synthetic workloads, soak and stress
// runs, whole fuzz corpora over large inputs). They run only when the
// environment sets PKGAUDIT_LONG=1, as .ci/run does; the README's
// `go test ./...` skips them, saying so in its -v output.
package testlong

import (
	"os"
	"testing"
)

// Env is the variable that turns the long tests on.
const Env = "PKGAUDIT_LONG"

// Enabled reports whether the long tests run (PKGAUDIT_LONG=1).
func Enabled() bool { return os.Getenv(Env) == "1" }

// Skip skips t unless the long tests run; why says what makes it long.
func Skip(t testing.TB, why string) {
	t.Helper()
	if !Enabled() {
		t.Skipf("long test (%s): runs with %s=1", why, Env)
	}
}
