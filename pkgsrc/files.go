package pkgsrc

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/ProtonMail/go-crypto/openpgp"

	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// openError is a file that cannot be read, naming it once.
func openError(name string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return &ParseError{File: name, Msg: fmt.Sprintf("Cannot open: %v", err)}
}

// decompressError is pkg_admin's message for content it cannot
// decompress, word for word (the reference vectors' rejections).
func decompressError(name string, err error) error {
	return &ParseError{File: name, Msg: fmt.Sprintf("Cannot open ``%s'': %v", name, err)}
}

// ReadKeyringFile reads the OpenPGP keyring at path (refusing FIFOs and
// devices); data that holds no key is ErrNotKeyring.
func ReadKeyringFile(path string) (openpgp.EntityList, error) {
	fh, err := safeopen.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read keyring: %w", err)
	}
	defer fh.Close()
	kr, err := ReadKeyring(fh)
	if err != nil {
		return nil, fmt.Errorf("keyring %s: %w", path, err)
	}
	return kr, nil
}

// ParseVerifiedFile is ParseVerified on the file at path with the keyring
// at keyringPath (pkg_admin -s): a failed verification matches
// ErrVerification and names the file; parse errors are *ParseError.
func ParseVerifiedFile(path, keyringPath string, opts Options) (*File, error) {
	kr, err := ReadKeyringFile(keyringPath)
	if err != nil {
		return nil, err
	}
	raw, err := safeopen.ReadFile(path)
	if err != nil {
		return nil, openError(path, err)
	}
	f, err := ParseVerified(path, raw, kr, opts)
	if errors.Is(err, ErrVerification) {
		return nil, fmt.Errorf("%s: unable to verify signature: %w", path, err)
	}
	return f, err
}
