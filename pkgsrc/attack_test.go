package pkgsrc

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
)

// clearSign signs text as a clear-signed message with a key made here.
func clearSign(t *testing.T, key *openpgp.Entity, text string) []byte {
	t.Helper()
	var signed bytes.Buffer
	w, err := clearsign.Encode(&signed, key.PrivateKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte(text)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return signed.Bytes()
}

// dashEscapeAttack takes a genuinely signed file and prefixes its
// #CHECKSUM lines and the entry of victim with "- ": the signature still
// verifies (OpenPGP undoes dash-escaping), but pkg_install's reading sees
// no checksum and a pattern "-" instead of the entry.
func dashEscapeAttack(signed []byte, victim string) []byte {
	var out bytes.Buffer
	for _, l := range bytes.SplitAfter(signed, []byte("\n")) {
		if bytes.HasPrefix(l, []byte("#CHECKSUM")) || bytes.HasPrefix(l, []byte(victim)) {
			out.WriteString("- ")
		}
		out.Write(l)
	}
	return out.Bytes()
}

// crArmorAttack ends the signed text with a signature armor line that has
// CR LF, puts extra lines after it, and then the real armor line: OpenPGP
// stops the signed text at the first, pkg_install reads on to the second.
func crArmorAttack(signed []byte, extra string) []byte {
	marker := []byte("\n" + pgpSignature)
	i := bytes.Index(signed, marker)
	var out bytes.Buffer
	out.Write(signed[:i+1])
	out.WriteString(pgpSignaturePrefix + "\r\n")
	out.WriteString(extra)
	out.Write(signed[i+1:])
	return out.Bytes()
}

const attackSource = "#FORMAT 1.0.0\nopenssl<0.9.8q\tdenial-of-service\thttp://www.openssl.org/news/secadv_20110208.txt\nasterisk<1.8.3.1\tdenial-of-service\thttp://secunia.com/advisories/43722/\n"

// TestAttackDashEscaped (issue 11, A.1a): a genuinely signed file whose
// #CHECKSUM lines and one entry were dash-escaped is refused.
func TestAttackDashEscaped(t *testing.T) {
	key := newKey(t, "pkgsrc-security")
	pub, err := Publish([]byte(attackSource), key.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	attack := dashEscapeAttack(pub, "openssl<")
	kr := openpgp.EntityList{key}
	// What pkg_install would read: the openssl entry is gone, no checksum.
	if f, err := Parse("attack", attack, Options{}); err != nil || len(f.Checksums) != 0 || f.Entries[0].Pattern != "-" {
		t.Fatalf("the attack file is not what it should be: %v %+v", err, f)
	}
	err = VerifySignature(attack, kr)
	if !errors.Is(err, ErrAltered) || !errors.Is(err, ErrVerification) || !strings.Contains(err.Error(), "dash-escaped") {
		t.Errorf("VerifySignature: %v, want ErrAltered (dash-escaped)", err)
	}
	if _, err := ParseVerified("attack", attack, kr, Options{}); !errors.Is(err, ErrAltered) {
		t.Errorf("ParseVerified: %v, want ErrAltered", err)
	}
	// The genuine file passes.
	if f, err := ParseVerified("genuine", pub, kr, Options{}); err != nil || len(f.Entries) != 2 || len(f.Checksums) != 2 {
		t.Errorf("genuine: %v %+v", err, f)
	}
}

// TestAttackCRArmorLine (issue 11, A.1b): a signature armor line ending
// in CR LF, entries after it, then the real armor line: refused.
func TestAttackCRArmorLine(t *testing.T) {
	key := newKey(t, "pkgsrc-security")
	kr := openpgp.EntityList{key}
	pub, err := Publish([]byte(attackSource), key.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	// Combined with dash-escaped checksums, so that pkg_install's reading
	// parses: the lines after the CR armor line are read as entries. (They
	// hold no colon, so that the armor decoder skips them as garbage.)
	attack := crArmorAttack(dashEscapeAttack(pub, "#CHECKSUM"), "evil-[0-9]*\tremote-root-shell\twww.evil.example/CVE-2099-0001\n")
	if f, err := Parse("attack", attack, Options{}); err != nil || f.Entries[len(f.Entries)-1].Pattern != "evil-[0-9]*" {
		t.Fatalf("the attack file is not what it should be: %v %+v", err, f)
	}
	// Without checksums at all: a signed file with none is accepted by
	// pkg_install, so only the armor line gives it away.
	bare := clearSign(t, key, "#FORMAT 1.1.0\nopenssl<0.9.8q\tdenial-of-service\thttp://x/1\n")
	bareAttack := crArmorAttack(bare, "evil-[0-9]*\tremote-root-shell\twww.evil.example/CVE-2099-0001\n")
	if f, err := Parse("attack", bareAttack, Options{}); err != nil || f.Entries[len(f.Entries)-1].Pattern != "evil-[0-9]*" {
		t.Fatalf("the bare attack file is not what it should be: %v %+v", err, f)
	}
	for name, data := range map[string][]byte{"with escaped checksums": attack, "bare": bareAttack} {
		err := VerifySignature(data, kr)
		if !errors.Is(err, ErrAltered) || (name == "bare" && !strings.Contains(err.Error(), "line 7: armor line")) {
			t.Errorf("%s: VerifySignature: %v, want ErrAltered (armor line)", name, err)
		}
		if _, err := ParseVerified(name, data, kr, Options{}); !errors.Is(err, ErrVerification) {
			t.Errorf("%s: ParseVerified: %v", name, err)
		}
	}
}

// TestSignedTextOfRealFiles: the real, genuinely signed files pass the
// check that the text pkg_install reads is the signed text.
func TestSignedTextOfRealFiles(t *testing.T) {
	for _, name := range []string{"pkg-vulnerabilities-1.3817", "pkg-vulnerabilities-1.3823"} {
		raw, err := os.ReadFile("../testdata/pkgsrc/" + name)
		if err != nil {
			t.Fatal(err)
		}
		text, err := SignedText(raw)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if !bytes.Contains(raw, text) || len(text) < len(raw)/2 {
			t.Errorf("%s: signed text of %d bytes", name, len(text))
		}
	}
}

// TestVerifiedNeedsChecksum (issue 11, A.2): a genuinely signed file
// without #CHECKSUM lines is refused when verifying; pkg_install's reading
// without verification still accepts it.
func TestVerifiedNeedsChecksum(t *testing.T) {
	key := newKey(t, "pkgsrc-security")
	kr := openpgp.EntityList{key}
	for name, text := range map[string]string{
		"none":        "#FORMAT 1.1.0\nopenssl<0.9.8q\tdenial-of-service\thttp://x/1\n",
		"only an MD5": "#FORMAT 1.1.0\nopenssl<0.9.8q\tdenial-of-service\thttp://x/1\n#CHECKSUM MD5 0123\n",
	} {
		signed := clearSign(t, key, text)
		if _, err := Parse(name, signed, Options{}); err != nil {
			t.Errorf("%s: Parse: %v", name, err)
		}
		if err := VerifySignature(signed, kr); err != nil {
			t.Errorf("%s: the signature itself is good: %v", name, err)
		}
		_, err := ParseVerified(name, signed, kr, Options{})
		if !errors.Is(err, ErrNoChecksum) || !errors.Is(err, ErrVerification) {
			t.Errorf("%s: ParseVerified: %v, want ErrNoChecksum", name, err)
		}
	}
}

// TestSignedTextDiffers: every way the text pkg_install reads can differ
// from the signed text is refused, with the line.
func TestSignedTextDiffers(t *testing.T) {
	key := newKey(t, "k")
	kr := openpgp.EntityList{key}
	pub, err := Publish([]byte(attackSource), key.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]struct {
		data []byte
		msg  string
	}{
		"CR LF on the first armor line":  {bytes.Replace(pub, []byte(pgpHeader), []byte(pgpSignedPrefix+"\r\n"), 1), "line 1: the armor line is not exactly"},
		"trailing blank on an entry":     {bytes.Replace(pub, []byte("43722/\n"), []byte("43722/ \n"), 1), "line 7 differs"},
		"CR LF on an entry":              {bytes.Replace(pub, []byte("43722/\n"), []byte("43722/\r\n"), 1), "line 7 differs"},
		"armor header with CR":           {bytes.Replace(pub, []byte("Hash: SHA256\n"), []byte("Hash: SHA256\r\n"), 1), "armor header"},
		"blank after the signature line": {bytes.Replace(pub, []byte("\n"+pgpSignature), []byte("\n"+pgpSignaturePrefix+" \n"), 1), "malformed clear-signed message"},
	}
	if !bytes.Contains(pub, []byte("Hash: SHA256\n")) {
		t.Fatalf("the signed file has no Hash: SHA256 header:\n%s", pub)
	}
	for name, c := range cases {
		err := VerifySignature(c.data, kr)
		if !errors.Is(err, ErrVerification) || !strings.Contains(err.Error(), c.msg) {
			t.Errorf("%s: %v, want %q", name, err, c.msg)
		}
	}
}

// TestReadKeyringNotAKeyring (issue 11, A.4): data holding no OpenPGP key
// is ErrNotKeyring, not an empty keyring that every signature fails.
func TestReadKeyringNotAKeyring(t *testing.T) {
	for name, data := range map[string]string{
		"empty":   "",
		"text":    "this is not a key\n",
		"pkgsrc":  "#FORMAT 1.1.0\n",
		"armored": "-----BEGIN PGP MESSAGE-----\n\nAAAA\n-----END PGP MESSAGE-----\n",
	} {
		if kr, err := ReadKeyring(strings.NewReader(data)); !errors.Is(err, ErrNotKeyring) {
			t.Errorf("%s: %d keys, %v; want ErrNotKeyring", name, len(kr), err)
		}
	}
}

// FuzzSignedText: the check of the signed text never panics, and what it
// accepts is a text that starts with the exact armor line and holds the
// returned signed text.
func FuzzSignedText(f *testing.F) {
	raw, err := os.ReadFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw[:4096])
	f.Add([]byte(pgpHeader + "Hash: SHA256\n\n- #x\n" + pgpSignaturePrefix + "\r\nfoo\n" + pgpSignature + "\nAAAA\n-----END PGP SIGNATURE-----\n"))
	f.Add([]byte(pgpHeader + "\n" + pgpSignature))
	f.Fuzz(func(t *testing.T, data []byte) {
		text, err := SignedText(data)
		if err != nil {
			if !errors.Is(err, ErrVerification) {
				t.Fatalf("error %v does not match ErrVerification", err)
			}
			return
		}
		if !bytes.HasPrefix(data, []byte(pgpHeader)) || !bytes.Contains(data, text) {
			t.Fatalf("accepted %q with signed text %q", data, text)
		}
	})
}
