// Package cli holds pkgaudit's command-line interface: the cobra command
// tree, flag parsing and the mapping of results to exit codes. The work
// itself is done by the library packages; commands here only wire
// operands to them and results to output.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/internal/optarg"
)

// Exit codes. Each means one thing.
const (
	ExitOK    = 0 // success, nothing found
	ExitFound = 1 // vulnerable packages found / comparison false / check failed
	ExitError = 2 // usage or runtime error
)

// Version is the program version, set at build time with
// -ldflags "-X github.com/pkgaudit/pkgaudit/internal/cli.Version=...".
var Version = "0.1.0-dev"

// Env is everything a command may take from its surroundings. Tests build
// one with buffers; main uses OSEnv.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable ("" when unset).
	Getenv func(string) string
	// Now is the wall clock (fixed in tests).
	Now func() time.Time
	// IsTerminal reports whether the given writer is an interactive terminal
	// (used to decide on progress bars).
	IsTerminal func(w io.Writer) bool
	// Paths are where the configuration files and the host's package
	// system are looked for (nil: config.DefaultPaths(), the running
	// system); tests give a host of their own.
	Paths *config.Paths
	// Geteuid is the effective user ID (nil: os.Geteuid); it chooses the
	// default cache directory (config.DefaultCacheDir).
	Geteuid func() int
}

// paths are the Env's Paths, else the running system's.
func (e *Env) paths() config.Paths {
	if e.Paths == nil {
		return config.DefaultPaths()
	}
	return *e.Paths
}

// loadConfig is config.Load on the Env's host.
func (e *Env) loadConfig(explicit string) (*config.Config, error) {
	return config.LoadPaths(explicit, e.Getenv, e.paths())
}

// OSEnv returns the Env of the running process.
func OSEnv() *Env {
	return &Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
		Now:    time.Now,
		IsTerminal: func(w io.Writer) bool {
			// A terminal, not any character device: /dev/null is one too,
			// and output sent there must not take the terminal's path.
			f, ok := w.(*os.File)
			return ok && term.IsTerminal(int(f.Fd()))
		},
	}
}

// codeError carries an exit code out of a command. A nil Err means the
// command already printed whatever it had to say.
type codeError struct {
	Code int
	Err  error
}

// badUsage marks an error in how a command was called: Main prints the
// command's usage line after it.
type badUsage struct{ error }

func (e badUsage) Unwrap() error { return e.error }

func (e *codeError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *codeError) Unwrap() error { return e.Err }

// exitCode returns an error that makes Main exit with code without printing
// anything more.
func exitCode(code int) error {
	if code == ExitOK {
		return nil
	}
	return &codeError{Code: code}
}

// usageError wraps err so that Main prints it and exits with ExitError.
func usageError(format string, args ...any) error {
	return &codeError{Code: ExitError, Err: badUsage{fmt.Errorf(format, args...)}}
}

// usageArgs makes the argument errors of c and its subcommands (cobra's
// Args checks) usage errors.
func usageArgs(c *cobra.Command) {
	if check := c.Args; check != nil {
		c.Args = func(cmd *cobra.Command, args []string) error {
			if err := check(cmd, args); err != nil {
				return &codeError{Code: ExitError, Err: badUsage{err}}
			}
			return nil
		}
	}
	for _, sub := range c.Commands() {
		usageArgs(sub)
	}
}

// A command constructor builds one cobra command bound to env.
type constructor func(env *Env) *cobra.Command

// commands are every command: parent "" for the root, else the name of a
// group command. Adding a command is one line here.
var commands = []struct {
	parent string
	build  constructor
}{
	{"", newAuditCmd},
	{"", newConfigCmd},
	{"", newFetchCmd},
	{"", newManCmd},
	{"", newPmatchCmd},
	{"", newRemediateCmd},
	{"", newReportCmd},
	{"", newServerCmd},
	{"", newVersionCmd},
	{"export", newExportOSVCmd},
	{"pkgsrc", newPkgsrcAuditCmd},
	{"pkgsrc", newPkgsrcAuditPkgCmd},
	{"pkgsrc", newPkgsrcAuditBatchCmd},
	{"pkgsrc", newPkgsrcAuditHistoryCmd},
	{"pkgsrc", newPkgsrcCheckCmd},
	{"pkgsrc", newFetchPkgsrcCmd},
	{"pkgsrc", newPkgsrcSignCmd},
	{"site", siteBuildCmd},
	{"vuxml", newVuxmlFlattenCmd},
	{"vuxml", newVuxmlMatchCmd},
	{"vuxml", newVuxmlNewCmd},
	{"vuxml", newVuxmlRelatedCmd},
	{"vuxml", newVuxmlTidyCmd},
	{"vuxml", newVuxmlValidateCmd},
}

// groups are the noun commands that only hold subcommands.
var groups = []struct{ name, short string }{
	{"vuxml", "Work with FreeBSD VuXML documents (validate, tidy, new, flatten, match)"},
	{"pkgsrc", "Work with pkgsrc pkg-vulnerabilities files (check, sign, audit)"},
	{"export", "Export vulnerability databases to other formats (osv)"},
	{"site", "Publish the advisories as a static web site (build)"},
}

// NewRoot builds the whole command tree bound to env.
func NewRoot(env *Env) *cobra.Command {
	root := &cobra.Command{
		Use:   "pkgaudit",
		Short: "Audit FreeBSD and pkgsrc packages against known vulnerabilities",
		Long: `pkgaudit audits installed FreeBSD and pkgsrc packages against the VuXML and
pkg-vulnerabilities databases, with the exact version semantics of each world,
and helps the people who write those databases to write them well.

Exit status: 0 success and nothing found, 1 vulnerable packages found (or the
tested condition is false), 2 usage or runtime error.`,
		Version:       Version,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	root.SetVersionTemplate("pkgaudit {{.Version}}\n")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &codeError{Code: ExitError, Err: badUsage{err}}
	})

	parents := map[string]*cobra.Command{"": root}
	for _, g := range groups {
		c := &cobra.Command{Use: g.name, Short: g.short, Args: cobra.NoArgs,
			RunE: func(c *cobra.Command, _ []string) error { return c.Help() }}
		root.AddCommand(c)
		parents[g.name] = c
	}
	for _, r := range commands {
		p, ok := parents[r.parent]
		if !ok {
			panic("cli: unknown command group " + r.parent)
		}
		p.AddCommand(r.build(env))
	}
	registerCompletions(root)
	usageArgs(root)
	return root // cobra lists commands sorted by name
}

// Main runs pkgaudit with args and returns the exit code.
func Main(args []string, env *Env) int {
	root := NewRoot(env)
	if cmd, _, err := root.Find(args); err == nil {
		args = optarg.Attach(cmd.Flags(), args)
	}
	root.SetArgs(args)
	cmd, err := root.ExecuteC()
	if err == nil {
		return ExitOK
	}
	var ee *codeError
	if errors.As(err, &ee) {
		if ee.Err != nil {
			fmt.Fprintf(env.Stderr, "pkgaudit: %v\n", ee.Err)
		}
		if errors.As(ee.Err, new(badUsage)) && cmd != nil {
			usage := cmd.UseLine()
			if cmd.HasSubCommands() {
				usage = cmd.CommandPath() + " COMMAND [flags]"
			}
			fmt.Fprintf(env.Stderr, "usage: %s\n", usage)
		}
		return ee.Code
	}
	// Unknown commands, bad arguments and runtime errors that were not
	// classified: all of them are errors (2).
	fmt.Fprintf(env.Stderr, "pkgaudit: %v\n", err)
	if cmd == root {
		fmt.Fprintf(env.Stderr, "usage: pkgaudit COMMAND [flags] ('pkgaudit --help' lists the commands)\n")
	}
	return ExitError
}
