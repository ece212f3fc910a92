package cli

import (
	"errors"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
	"github.com/spf13/cobra"

	"github.com/pkgaudit/pkgaudit/internal/atomicfile"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
)

func newPkgsrcSignCmd(env *Env) *cobra.Command {
	var keyFile, out string
	c := &cobra.Command{
		Use:   "sign [--key SECRETKEY] [-o FILE] SOURCELIST",
		Short: "Make a publishable pkg-vulnerabilities file from a source list",
		Long: `Turn a pkgsrc source list (doc/pkg-vulnerabilities, #FORMAT 1.0.0, or bare
entry lines) into a file that pkg_admin and pkgaudit accept: its $NetBSD id,
#FORMAT 1.1.0, the entries, and #CHECKSUM SHA1 and SHA512 lines; with --key
(an armored, unencrypted OpenPGP secret key) it is clear-signed. The result
is parsed back before it is written. -o writes it atomically to FILE
(default: standard output). Exit 0, or 2 on any error.`,
		Example: `  pkgaudit pkgsrc sign --key security.asc -o pkg-vulnerabilities doc/pkg-vulnerabilities`,
		Args:    cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := safeopen.ReadFile(args[0])
			if err != nil {
				return &codeError{ExitError, err}
			}
			var signer *packet.PrivateKey
			if keyFile != "" {
				if signer, err = readSecretKey(keyFile); err != nil {
					return &codeError{ExitError, err}
				}
			}
			pub, err := pkgsrc.Publish(src, signer)
			if err != nil {
				return &codeError{ExitError, err}
			}
			if out == "" {
				_, err = env.Stdout.Write(pub)
			} else {
				err = atomicfile.Write(out, 0o644, func(w io.Writer) error { _, err := w.Write(pub); return err })
			}
			if err != nil {
				return &codeError{ExitError, err}
			}
			return nil
		},
	}
	c.Flags().StringVar(&keyFile, "key", "", "armored OpenPGP secret key to clear-sign with")
	c.Flags().StringVarP(&out, "output", "o", "", "write to FILE atomically instead of standard output")
	return c
}

func readSecretKey(path string) (*packet.PrivateKey, error) {
	fh, err := safeopen.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	kr, err := openpgp.ReadArmoredKeyRing(fh)
	if err != nil {
		return nil, fmt.Errorf("reading secret key %s: %w", path, err)
	}
	for _, e := range kr {
		if e.PrivateKey != nil {
			if e.PrivateKey.Encrypted {
				return nil, fmt.Errorf("secret key %s is passphrase-protected; export an unprotected copy for signing", path)
			}
			return e.PrivateKey, nil
		}
	}
	return nil, errors.New("no secret key in " + path)
}

// parsePkgsrcVerified is pkgsrc.ParseVerifiedFile with exit codes: 1 when
// the verification fails, 2 for a missing or unusable keyring and an
// unreadable file; a *pkgsrc.ParseError is returned as it is.
func parsePkgsrcVerified(path, keyringPath string, opts pkgsrc.Options) (*pkgsrc.File, error) {
	if keyringPath == "" {
		return nil, usageError("-s needs a keyring: --keyring FILE (or GPG_KEYRING_PKGVULN)")
	}
	f, err := pkgsrc.ParseVerifiedFile(path, keyringPath, opts)
	var pe *pkgsrc.ParseError
	switch {
	case errors.Is(err, pkgsrc.ErrVerification):
		return nil, &codeError{ExitFound, err}
	case err != nil && !errors.As(err, &pe):
		return nil, &codeError{ExitError, err}
	}
	return f, err
}
