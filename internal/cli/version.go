package cli

import (
	"bufio"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/fnmatch"
	"github.com/pkgaudit/pkgaudit/version/dewey"
	"github.com/pkgaudit/pkgaudit/version/freebsd"
)

func newVersionCmd(env *Env) *cobra.Command {
	var test, glob bool
	var scheme string
	c := &cobra.Command{
		Use:   "version -t [--scheme=freebsd|pkgsrc] A B | version -T NAME GLOB",
		Short: "Compare versions (-t) or match a name against a glob (-T), like pkg version",
		Long: `With -t, compare two versions or package names and print "<", "=" or ">"
and a newline, as "pkg version -t" does. The default scheme is FreeBSD pkg's
order (pkg 2.8 pkg_version_cmp: the name up to the last "-" is ignored,
epoch ",N" first, then the version, then the revision "_N");
--scheme=pkgsrc uses pkg_install's dewey order (nbN compared last).

With -T, exit 0 when NAME matches the shell glob GLOB (fnmatch(3) with no
flags), 1 when it does not. When one operand is "-", each line of standard
input is tested in its place and the matching lines are printed.

Put "--" before operands that start with "-": pkgaudit version -t -- -1 2.`,
		Example: `  pkgaudit version -t 1.1.1w_1,1 1.1.1w,1        # prints >
  pkgaudit version -t --scheme=pkgsrc 1.0nb1 1.0.1   # prints <
  pkgaudit version -T openssl-3.0.12 'openssl-3.*'`,
		Args: cobra.ArbitraryArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			switch {
			case test == glob:
				return usageError("version: exactly one of -t and -T is required")
			case len(args) != 2:
				return usageError("version: need exactly two operands, got %d", len(args))
			case test:
				var r int
				switch scheme {
				case "freebsd":
					r = freebsd.Compare(args[0], args[1])
				case "pkgsrc":
					r = dewey.Compare(args[0], args[1])
				default:
					return usageError("version: unknown scheme %q (want freebsd or pkgsrc)", scheme)
				}
				fmt.Fprintln(env.Stdout, [...]string{"<", "=", ">"}[r+1])
				return nil
			}
			return versionGlob(env, args[0], args[1])
		},
	}
	c.Flags().BoolVarP(&test, "test-version", "t", false, "compare two versions and print <, = or >")
	c.Flags().BoolVarP(&glob, "test-pattern", "T", false, "exit 0 when NAME matches GLOB")
	c.Flags().StringVar(&scheme, "scheme", "freebsd", "version order for -t: freebsd or pkgsrc")
	return c
}

// versionGlob implements version -T.
func versionGlob(env *Env, name, glob string) error {
	if name != "-" && glob != "-" {
		if fnmatch.Match(glob, name, 0) {
			return nil
		}
		return exitCode(ExitFound)
	}
	if name == "-" && glob == "-" {
		return usageError("version: only one operand of -T may be -")
	}
	sc := bufio.NewScanner(env.Stdin)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	found := false
	for sc.Scan() {
		line := sc.Text()
		n, g := name, glob
		if n == "-" {
			n = line
		} else {
			g = line
		}
		if fnmatch.Match(g, n, 0) {
			found = true
			fmt.Fprintln(env.Stdout, line)
		}
	}
	if err := sc.Err(); err != nil {
		return &codeError{ExitError, fmt.Errorf("version: reading standard input: %w", err)}
	}
	if !found {
		return exitCode(ExitFound)
	}
	return nil
}
