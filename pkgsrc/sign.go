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

// ErrVerification is what every failed verification of a
// pkg-vulnerabilities file matches (errors.Is): a missing, bad or
// unknown-key signature, a text that is not the one signed, or a verified
// file without #CHECKSUM lines. Commands exit 1 on it.
var ErrVerification = errors.New("verification failed")

// verifyError is a kind of failed verification; it matches ErrVerification.
type verifyError string

func (e verifyError) Error() string        { return string(e) }
func (e verifyError) Is(target error) bool { return target == ErrVerification }

// Signature errors; each matches ErrVerification.
var (
	ErrNoSignature  error = verifyError("no OpenPGP clear-signature in pkg-vulnerabilities")
	ErrUnknownKey   error = verifyError("signature made by a key that is not in the keyring")
	ErrBadSignature error = verifyError("bad OpenPGP signature")
	// ErrAltered: the text pkg_install reads is not the text the signature
	// covers (dash-escaped lines, an inexact armor line, lines outside the
	// signed text).
	ErrAltered error = verifyError("the file's text is not the signed text")
	// ErrNoChecksum: a verified file must carry #CHECKSUM lines.
	ErrNoChecksum error = verifyError("no #CHECKSUM line")
)

// ErrNotKeyring is returned by ReadKeyring for data that holds no OpenPGP
// key: a usage error, not a failed verification.
var ErrNotKeyring = errors.New("not an OpenPGP keyring")

// ReadKeyring reads an OpenPGP keyring, armored or binary. Anything that
// holds no OpenPGP key (a text file, an empty file, a VuXML document) is
// an error matching ErrNotKeyring.
func ReadKeyring(r io.Reader) (openpgp.EntityList, error) {
	data, err := io.ReadAll(io.LimitReader(r, 16<<20))
	if err != nil {
		return nil, fmt.Errorf("reading keyring: %w", err)
	}
	if kr, err := openpgp.ReadArmoredKeyRing(bytes.NewReader(data)); err == nil && len(kr) > 0 {
		return kr, nil
	}
	kr, err := openpgp.ReadKeyRing(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrNotKeyring, err)
	}
	if len(kr) == 0 {
		return nil, ErrNotKeyring
	}
	return kr, nil
}

// VerifySignature checks the OpenPGP clear-signature of a (decompressed)
// pkg-vulnerabilities text against keyring, and that the text pkg_install
// reads — everything between the armor headers and the first line that is
// exactly "-----BEGIN PGP SIGNATURE-----" — is byte for byte the text the
// signature covers. pkg_install does not undo dash-escaping, and an armor
// line with a CR before its newline ends the signed text for OpenPGP but
// not for pkg_install: either would let a genuinely signed file say
// something else to the parser, so both are refused (ErrAltered). Every
// error matches ErrVerification.
func VerifySignature(data []byte, keyring openpgp.KeyRing) error {
	block, err := clearSigned(data)
	if err != nil {
		return err
	}
	if _, err := block.VerifySignature(keyring, nil); err != nil {
		if errors.Is(err, pgperrors.ErrUnknownIssuer) {
			return ErrUnknownKey
		}
		return fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return nil
}

// SignedText returns the text of data that its clear-signature covers,
// after checking that it is exactly the text pkg_install reads (see
// VerifySignature); the signature itself is not checked.
func SignedText(data []byte) ([]byte, error) {
	block, err := clearSigned(data)
	if err != nil {
		return nil, err
	}
	return block.Plaintext, nil
}

// ParseVerified verifies raw (compressed or not), the content of the file
// called name, against keyring and parses the text the signature covers.
// Besides a good signature it requires at least one verified #CHECKSUM
// line (ErrNoChecksum); pkg_install accepts a signed file without any.
// Verification errors match ErrVerification and do not name the file;
// parse errors are *ParseError.
func ParseVerified(name string, raw []byte, keyring openpgp.KeyRing, opts Options) (*File, error) {
	data, err := decompressBytes(raw, opts)
	if err != nil {
		return nil, decompressError(name, err)
	}
	if err := VerifySignature(data, keyring); err != nil {
		return nil, err
	}
	p := &parser{name: name, data: data, line: 1, sourceList: opts.SourceList}
	f, err := p.parse()
	if err != nil {
		return nil, err
	}
	if len(f.Checksums) == 0 {
		return nil, fmt.Errorf("%w: a signed pkg-vulnerabilities file must carry #CHECKSUM SHA1 or SHA512 lines", ErrNoChecksum)
	}
	return f, nil
}

const (
	pgpSignedPrefix    = "-----BEGIN PGP SIGNED MESSAGE-----"
	pgpSignaturePrefix = "-----BEGIN PGP SIGNATURE-----"
)

// clearSigned decodes the clear-signed message of data and checks that
// its signed text is exactly what pkg_install parses.
func clearSigned(data []byte) (*clearsign.Block, error) {
	if !bytes.HasPrefix(data, []byte(pgpSignedPrefix)) {
		return nil, ErrNoSignature
	}
	if !bytes.HasPrefix(data, []byte(pgpHeader)) {
		return nil, fmt.Errorf("%w: line 1: the armor line is not exactly %q (pkg_install would read the file as unsigned)", ErrAltered, pgpSignedPrefix)
	}
	block, _ := clearsign.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: malformed clear-signed message", ErrNoSignature)
	}
	// The armor headers: lines up to the first empty one.
	pos, line := len(pgpHeader), 2
	for {
		nl := bytes.IndexByte(data[pos:], '\n')
		if nl < 0 {
			return nil, fmt.Errorf("%w: malformed clear-signed message", ErrNoSignature)
		}
		l := data[pos : pos+nl]
		pos += nl + 1
		line++
		if len(l) == 0 {
			break
		}
		if !bytes.HasPrefix(l, []byte("Hash:")) || bytes.ContainsAny(l, "\r") {
			return nil, fmt.Errorf("%w: line %d: armor header %q is not a plain Hash: line", ErrAltered, line-1, l)
		}
	}
	// The body pkg_install reads ends at the first exact signature line.
	body := data[pos:]
	end := -1
	if bytes.HasPrefix(body, []byte(pgpSignature)) {
		end = 0
	} else if i := bytes.Index(body, []byte("\n"+pgpSignature)); i >= 0 {
		end = i + 1
	}
	if end < 0 {
		return nil, fmt.Errorf("%w: no line is exactly %q", ErrAltered, pgpSignaturePrefix)
	}
	body = body[:end]
	want := block.Plaintext
	if len(body) > 0 {
		want = append(want[:len(want):len(want)], '\n')
	}
	if bytes.Equal(body, want) {
		return block, nil
	}
	// Say where and how they part.
	rl := bytes.SplitAfter(body, []byte("\n"))
	sl := bytes.SplitAfter(want, []byte("\n"))
	for i, r := range rl {
		n := line + i
		switch {
		case i >= len(sl) || len(sl[i]) == 0:
			if bytes.HasPrefix(r, []byte(pgpSignaturePrefix)) {
				return nil, fmt.Errorf("%w: line %d: armor line %q is not exact (%q): the signed text ends there, pkg_install reads on", ErrAltered, n, pgpSignaturePrefix, bytes.TrimSuffix(r, []byte("\n")))
			}
			return nil, fmt.Errorf("%w: line %d is outside the signed text", ErrAltered, n)
		case bytes.Equal(r, sl[i]):
			continue
		case bytes.HasPrefix(r, []byte("- ")):
			return nil, fmt.Errorf("%w: line %d is dash-escaped (%q): the signature covers it without the dash, pkg_install reads it with it", ErrAltered, n, "- ")
		case bytes.HasPrefix(r, []byte("-")):
			return nil, fmt.Errorf("%w: line %d starts with '-' and is not dash-escaped", ErrAltered, n)
		default:
			return nil, fmt.Errorf("%w: line %d differs from the signed text (trailing white space or CR the signature does not cover)", ErrAltered, n)
		}
	}
	return nil, fmt.Errorf("%w: the file ends before the signed text does", ErrAltered)
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
