package cli

import (
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit"
	"github.com/pkgaudit/pkgaudit/remediate"
	"github.com/pkgaudit/pkgaudit/report"
)

func newManCmd(env *Env) *cobra.Command {
	return &cobra.Command{
		Use:   "man",
		Short: "Print the manual page pkgaudit(8) (mdoc source, for man -l or to install)",
		Long: `Print the manual page pkgaudit(8), in mdoc(7), to standard output. Read it
with 'pkgaudit man | man -l -' (mandoc: 'pkgaudit man | mandoc -a'), or install
it:

  pkgaudit man > /usr/local/share/man/man8/pkgaudit.8`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			_, err := io.WriteString(env.Stdout, pkgaudit.ManPage)
			return err
		},
	}
}

// flagValues are the values the shell completion offers for flags of
// these names, on every command that has them (--format's by command).
var flagValues = map[string]func(c *cobra.Command) []string{
	"format": func(c *cobra.Command) []string {
		switch c.Name() {
		case "audit":
			var v []string
			for _, f := range report.Formats {
				v = append(v, f.Name+"\t"+f.Help)
			}
			return v
		case "remediate":
			return []string{"markdown", "html"}
		}
		return []string{"text", "json"}
	},
	"os": func(*cobra.Command) []string {
		var v []string
		for _, s := range remediate.Systems {
			v = append(v, string(s))
		}
		return v
	},
	"feed": func(*cobra.Command) []string {
		return []string{"freebsd\tFreeBSD's vuln.xml", "pkgsrc\tpkgsrc's pkg-vulnerabilities", "https://", "file://"}
	},
}

// registerCompletions gives every flag of flagValues its values, in the
// whole tree under c.
func registerCompletions(c *cobra.Command) {
	for name, values := range flagValues {
		if c.Flags().Lookup(name) != nil {
			cmd, values := c, values
			c.RegisterFlagCompletionFunc(name, func(_ *cobra.Command, _ []string, prefix string) ([]cobra.Completion, cobra.ShellCompDirective) {
				var out []cobra.Completion
				for _, v := range values(cmd) {
					if strings.HasPrefix(v, prefix) {
						out = append(out, v)
					}
				}
				return out, cobra.ShellCompDirectiveNoFileComp
			})
		}
	}
	for _, sub := range c.Commands() {
		registerCompletions(sub)
	}
}
