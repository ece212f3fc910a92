package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update rewrites golden files instead of comparing against them:
// go test ./internal/cli -run TestX -update, then review the diff by eye.
var update = flag.Bool("update", false, "rewrite the golden files of the CLI tests")

// checkGolden compares got with the golden file testdata/golden/NAME (or
// rewrites it with -update). Every CLI test that checks whole outputs
// goes through it.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file (run with -update and review the diff):\n--- got ---\n%s\n--- want ---\n%s", name, got, want)
	}
}

// runEnv is run with environment variables: env maps names to values.
func runEnv(t *testing.T, env map[string]string, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	e := testEnv(stdin, &out, &errb)
	e.Getenv = func(k string) string { return env[k] }
	code = Main(args, e)
	return out.String(), errb.String(), code
}
