package cli

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
	"github.com/pkgaudit/pkgaudit/vuxml"
)

func newVuxmlFlattenCmd(env *Env) *cobra.Command {
	var out string
	c := &cobra.Command{
		Use:   "flatten [-o FILE] vuln.xml",
		Short: "Write vuln.xml with its year files pulled in, as xmllint -noent does",
		Long: `Read the port's vuln.xml, whose DOCTYPE declares an external entity per year
file (<!ENTITY vuln-2025 SYSTEM "vuln/2025.xml">) and whose <vuxml> holds the
references (&vuln-2025;), and write one self-contained document: each
reference replaced by the text of its file, like "xmllint -noent vuln.xml >
vuln-flat.xml" in security/vuxml. Everything else is kept byte for byte,
including the XML declaration and the DOCTYPE with its internal subset (as
xmllint keeps them). Year files are read only from vuln.xml's own directory
tree.

The input is fully parsed first: malformed XML, a misplaced element or an
unreadable year file is an error, and nothing is written. The result goes to
standard output, or with -o replaces FILE atomically.

Exit status: 0 written, 2 the input cannot be read or parsed.`,
		Example: `  pkgaudit vuxml flatten /usr/ports/security/vuxml/vuln.xml -o vuln-flat.xml
  pkgaudit vuxml flatten vuln.xml | pkgaudit audit -f /dev/stdin curl-8.4.0`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			flat, err := vuxml.Flatten(args[0], vuxml.ParseOptions{})
			if err != nil {
				return &codeError{ExitError, err}
			}
			if out == "" || out == "-" {
				if _, err := env.Stdout.Write(flat); err != nil {
					return &codeError{ExitError, err}
				}
				return nil
			}
			if err := atomicfile.Write(out, 0o644, func(w io.Writer) error {
				_, err := w.Write(flat)
				return err
			}); err != nil {
				return &codeError{ExitError, err}
			}
			return nil
		},
	}
	c.Flags().StringVarP(&out, "output", "o", "", "write to FILE (atomically) instead of standard output")
	return c
}
