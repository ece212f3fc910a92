package cli

import (
	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/pkgsrc/pattern"
)

func newPmatchCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "pmatch PATTERN PKGNAME...",
		Short: "Test package names against a pkgsrc pattern, like pkg_admin pmatch",
		Long: `Exit 0 when the pkgsrc pattern PATTERN matches every PKGNAME, 1 when one
does not, 2 (with a message) when the pattern is malformed.

Patterns are pkg_install's: csh-style alternation {a,b}, relational
versions with up to two bounds (foo>=1.0<2.0, dewey order), fnmatch(3)
globs, exact names, and the "PATTERN-[0-9]*" fallback for a bare name.
Put "--" before operands that start with "-".`,
		Example: `  pkgaudit pmatch 'openssl<1.0.2l' openssl-1.0.2k && echo vulnerable
  pkgaudit pmatch '{ap2,ap22}-perl<2.0.4' ap22-perl-2.0.3`,
		Args: cobra.MinimumNArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			for _, name := range args[1:] {
				ok, err := pattern.Match(args[0], name)
				if err != nil {
					return &codeError{ExitError, err}
				}
				if !ok {
					return exitCode(ExitFound)
				}
			}
			return nil
		},
	}
}
