package cli

import (
	"io"

	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
)

// writeOutput runs fill on standard output (path "" or "-") or on the file
// at path, which it replaces atomically (mode 0644) only once fill has
// succeeded: a failed run leaves the previous report as it was.
func writeOutput(env *Env, path string, fill func(io.Writer) error) error {
	if path == "" || path == "-" {
		return fill(env.Stdout)
	}
	return atomicfile.Write(path, 0o644, fill)
}
