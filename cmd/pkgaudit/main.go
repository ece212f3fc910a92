// Command pkgaudit audits FreeBSD and pkgsrc packages against VuXML and
// pkg-vulnerabilities databases, and helps the people who write them.
//
// The command itself is thin: everything lives in internal/cli and the
// library packages it calls.
package main

import (
	"os"

	"github.com/pkgaudit/pkgaudit/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.OSEnv()))
}
