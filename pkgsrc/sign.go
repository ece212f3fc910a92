package pkgsrc

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"io"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	pgperrors "github.com/ProtonMail/go-crypto/openpgp/errors"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

// Signature errors.
var (
	ErrNoSignature  = errors.New("no OpenPGP clear-signature in pkg-vulnerabilities")
	ErrUnknownKey   = errors.New("signature made by a key that is not in the keyring")
	ErrBadSignature = errors.New("bad OpenPGP signature")
)

// ReadKeyring reads an OpenPGP keyring, armored or binary.
func ReadKeyring(r io.Reader) (openpgp.EntityList, error) {
	data, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("reading keyring: %w", err)
	}
	if kr, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data)); err == nil {
		return kr, nil
	}
	kr, err := openpgp.ReadKeyRing(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("reading keyring: %w", err)
	}
	return kr, nil
}

// VerifySignature checks the OpenPGP clear-signature of a (decompressed)
// pkg-vulnerabilities text against keyring. Dash-escaped lines are
// unescaped for the signature, as OpenPGP requires.
func VerifySignature(data []byte, keyring openpgp.KeyRing) error {
	block, _ := clearsign.Decode(data)
	if block == nil || !bytes.HasPrefix(data, []byte(pgpHeader)) {
		return ErrNoSignature
	}
	if _, err := block.VerifySignature(keyring, nil); err != nil {
		if errors.Is(err, pgperrors.ErrUnknownIssuer) {
			return ErrUnknownKey
		}
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return nil
}

// Decompressed returns the text of a pkg-vulnerabilities file, undoing its
// compression; for signature checks.
func Decompressed(raw []byte, opts Options) ([]byte, error) {
	return decompressBytes(raw, opts)
}

// Publish turns a source list (pkgsrc's doc/pkg-vulnerabilities, #FORMAT
// 1.0.0, or bare entry lines) into a publishable file: its $NetBSD id,
// #FORMAT 1.1.0, the body, and #CHECKSUM SHA1 and SHA512 lines computed
// by pkg_install's rule; clear-signed with signer when it is not nil. The
// result is parsed back before it is returned, so it is always accepted.
func Publish(source []byte, signer *packet.PrivateKey) ([]byte, error) {
	var id []byte
	body := source
	if i := bytes.Index(source, []byte("#FORMAT ")); i >= 0 && (i == 0 || source[i-1] == '\n') {
		for _, l := range bytes.SplitAfter(source[:i], []byte("\n")) {
			if bytes.HasPrefix(l, []byte("# $NetBSD")) {
				id = l
			}
		}
		nl := bytes.IndexByte(source[i:], '\n')
		if nl < 0 {
			return nil, errors.New("source list: #FORMAT line without newline")
		}
		body = source[i+nl+1:]
	}
	if len(body) > 0 && body[len(body)-1] != '\n' {
		return nil, errors.New("source list: last line without newline")
	}
	if signer != nil {
		// The clear-signature dash-escapes such a line ("- -foo"), and
		// pkg_install, which never unescapes, would read a pattern "-".
		for n, l := range bytes.Split(body, []byte("\n")) {
			if len(l) > 0 && l[0] == '-' {
				return nil, fmt.Errorf("source list: entry %d after #FORMAT starts with '-': once dash-escaped by the signature pkg_install would misread it", n+1)
			}
		}
	}
	var text bytes.Buffer
	text.Write(id)
	text.WriteString("#\n#FORMAT 1.1.0\n")
	text.Write(body)
	h1, h5 := sha1.New(), sha512.New()
	for _, l := range bytes.SplitAfter(text.Bytes(), []byte("\n")) {
		if len(l) == 0 || len(l) == 1 || bytes.HasPrefix(l, []byte("Hash:")) ||
			bytes.HasPrefix(l, []byte("# $NetBSD")) || bytes.HasPrefix(l, []byte("#CHECKSUM")) {
			continue
		}
		h1.Write(l)
		h5.Write(l)
	}
	fmt.Fprintf(&text, "#CHECKSUM SHA1 %s\n#CHECKSUM SHA512 %s\n", hex.EncodeToString(h1.Sum(nil)), hex.EncodeToString(h5.Sum(nil)))
	out := text.Bytes()
	if signer != nil {
		var signed bytes.Buffer
		w, err := clearsign.Encode(&signed, signer, &packet.Config{DefaultHash: 0})
		if err != nil {
			return nil, fmt.Errorf("signing: %w", err)
		}
		if _, err := w.Write(out); err != nil {
			return nil, fmt.Errorf("signing: %w", err)
		}
		if err := w.Close(); err != nil {
			return nil, fmt.Errorf("signing: %w", err)
		}
		out = signed.Bytes()
	}
	if _, err := Parse("published", out, Options{}); err != nil {
		return nil, fmt.Errorf("the published file would not parse: %w", err)
	}
	return out, nil
}
