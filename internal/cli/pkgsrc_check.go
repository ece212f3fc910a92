package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/pkgsrc"
)

func newPkgsrcCheckCmd(env *Env) *cobra.Command {
	var sign, sourceList bool
	var keyring string
	c := &cobra.Command{
		Use:   "check [-s] [--keyring FILE] FILE",
		Short: "Parse a pkg-vulnerabilities file and verify its #CHECKSUM lines",
		Long: `Read FILE as pkg_admin check-pkg-vulnerabilities does: decompress it by
content (gzip, also stacked, bzip2, xz), check the header up to #FORMAT 1.1.0,
every entry line, and every #CHECKSUM SHA1/SHA512 line against the text.
Silent on success.

Exit status: 0 verified, 1 a checksum does not match, 2 unreadable or
malformed input. (pkg_admin exits 1 for all failures.) Warnings, such as an
unsupported hash algorithm, go to standard error and do not change the status.

With -s the OpenPGP clear-signature is verified too, against the keyring
--keyring FILE (armored or binary; default $GPG_KEYRING_PKGVULN); a missing,
bad or unknown-key signature exits 1.`,
		Example: `  pkgaudit pkgsrc check /usr/pkg/pkgdb/pkg-vulnerabilities
  pkgaudit pkgsrc check -s --keyring pkgsrc-security.asc pkg-vulnerabilities.gz`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			f, err := pkgsrc.ParseFile(args[0], pkgsrc.Options{SourceList: sourceList})
			if err != nil {
				var pe *pkgsrc.ParseError
				if errors.As(err, &pe) && strings.HasSuffix(pe.Msg, "hash doesn't match") {
					return &codeError{ExitFound, err}
				}
				return &codeError{ExitError, err}
			}
			for _, w := range f.Warnings {
				fmt.Fprintf(env.Stderr, "pkgaudit: %s: %s\n", args[0], w)
			}
			if sign {
				if keyring == "" {
					keyring = env.Getenv("GPG_KEYRING_PKGVULN")
				}
				if err := verifyPkgsrcSignature(args[0], keyring); err != nil {
					if errors.Is(err, pkgsrc.ErrBadSignature) || errors.Is(err, pkgsrc.ErrUnknownKey) || errors.Is(err, pkgsrc.ErrNoSignature) {
						return &codeError{ExitFound, err}
					}
					return &codeError{ExitError, err}
				}
			}
			return nil
		},
	}
	c.Flags().BoolVarP(&sign, "sign", "s", false, "also verify the OpenPGP clear-signature")
	c.Flags().BoolVar(&sourceList, "source-list", false, "also accept the unsigned source list (#FORMAT 1.0.0, pkgsrc's doc/pkg-vulnerabilities)")
	c.Flags().StringVar(&keyring, "keyring", "", "OpenPGP keyring for -s (default $GPG_KEYRING_PKGVULN)")
	return c
}
