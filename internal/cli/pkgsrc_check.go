package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/feed"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
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

With -s the OpenPGP clear-signature is verified first, against the keyring
--keyring FILE (armored or binary; default $GPG_KEYRING_PKGVULN), and the
text it covers is what is parsed: a missing, bad or unknown-key signature,
a file whose text is not exactly the signed text (dash-escaped lines, an
inexact armor line), or a signed file without #CHECKSUM lines exits 1. A
keyring file that holds no OpenPGP key is a usage error (exit 2).`,
		Example: `  pkgaudit pkgsrc check /usr/pkg/pkgdb/pkg-vulnerabilities
  pkgaudit pkgsrc check -s --keyring pkgsrc-security.asc pkg-vulnerabilities.gz`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts := pkgsrc.Options{SourceList: sourceList}
			var f *pkgsrc.File
			var err error
			if sign {
				if keyring == "" {
					keyring = env.Getenv("GPG_KEYRING_PKGVULN")
				}
				// The signature first, as pkg_install; what is parsed
				// is the text it covers.
				f, err = parsePkgsrcVerified(args[0], keyring, opts)
			} else {
				f, err = pkgsrc.ParseFile(args[0], opts)
			}
			if err != nil {
				var ce *codeError
				if errors.As(err, &ce) {
					return err
				}
				var pe *pkgsrc.ParseError
				if errors.As(err, &pe) && strings.HasSuffix(pe.Msg, "hash doesn't match") {
					return &codeError{ExitFound, err}
				}
				return &codeError{ExitError, pkgsrcWrongFormat(args[0], err)}
			}
			for _, w := range f.Warnings {
				fmt.Fprintf(env.Stderr, "pkgaudit: %s: %s\n", args[0], w)
			}
			return nil
		},
	}
	c.Flags().BoolVarP(&sign, "sign", "s", false, "also verify the OpenPGP clear-signature")
	c.Flags().BoolVar(&sourceList, "source-list", false, "also accept the unsigned source list (#FORMAT 1.0.0, pkgsrc's doc/pkg-vulnerabilities)")
	c.Flags().StringVar(&keyring, "keyring", "", "OpenPGP keyring for -s (default $GPG_KEYRING_PKGVULN)")
	return c
}

// pkgsrcWrongFormat adds to err, a pkg-vulnerabilities file at path that
// does not parse, what the file is when it is something else (feed.Detect).
func pkgsrcWrongFormat(path string, err error) error {
	data, rerr := safeopen.ReadFile(path)
	if rerr != nil {
		return err
	}
	f, looks := feed.Detect(data)
	switch {
	case f == feed.Pkgsrc || f == "" && looks == "":
		return err
	case f != "":
		looks = f.Describe()
	}
	return fmt.Errorf("%w (this is %s, where a pkg-vulnerabilities file is expected)", err, looks)
}
