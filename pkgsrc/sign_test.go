package pkgsrc

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/clearsign"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

func newKey(t *testing.T, name string) *openpgp.Entity {
	t.Helper()
	e, err := openpgp.NewEntity(name, "test", name+"@example.org", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// sourceList is the real 2024 source-list excerpt without its provenance
// comment lines.
func sourceList(t *testing.T) []byte {
	data, err := os.ReadFile("../testdata/pkgsrc/pkgsrc-doc-pkg-vulnerabilities-2024-head.txt")
	if err != nil {
		t.Fatal(err)
	}
	i := bytes.Index(data, []byte("# $NetBSD"))
	return data[i:]
}

func TestPublishAndVerifyRoundTrip(t *testing.T) {
	key := newKey(t, "pkgsrc-security")
	other := newKey(t, "mallory")
	pub, err := Publish(sourceList(t), key.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	f, err := Parse("published", pub, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if len(f.Entries) != 10 || len(f.Checksums) != 2 || !f.Signed ||
		!strings.HasPrefix(f.NetBSDID, "# $NetBSD: pkg-vulnerabilities,v 1.113") {
		t.Fatalf("published file: %d entries, %d checksums, signed %v, id %q", len(f.Entries), len(f.Checksums), f.Signed, f.NetBSDID)
	}
	if err := VerifySignature(pub, openpgp.EntityList{key}); err != nil {
		t.Errorf("good signature: %v", err)
	}
	if err := VerifySignature(pub, openpgp.EntityList{other}); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("unknown key: %v", err)
	}
	tampered := bytes.Replace(pub, []byte("remote-root-shell"), []byte("remote-root-shelL"), 1)
	if err := VerifySignature(tampered, openpgp.EntityList{key}); !errors.Is(err, ErrBadSignature) {
		t.Errorf("tampered: %v", err)
	}
	unsigned, err := Publish(sourceList(t), nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := VerifySignature(unsigned, openpgp.EntityList{key}); !errors.Is(err, ErrNoSignature) {
		t.Errorf("unsigned: %v", err)
	}
	if _, err := Parse("unsigned", unsigned, Options{}); err != nil {
		t.Errorf("unsigned publish does not parse: %v", err)
	}
	// The keyring reader takes armored keys.
	var armored bytes.Buffer
	if err := armorPublic(&armored, key); err != nil {
		t.Fatal(err)
	}
	kr, err := ReadKeyring(&armored)
	if err != nil || len(kr) != 1 {
		t.Fatalf("ReadKeyring: %v", err)
	}
	if err := VerifySignature(pub, kr); err != nil {
		t.Errorf("verify with read keyring: %v", err)
	}
}

func TestRealFileSignatureWithoutKey(t *testing.T) {
	raw, err := os.ReadFile("../testdata/pkgsrc/pkg-vulnerabilities-1.3817")
	if err != nil {
		t.Fatal(err)
	}
	// The pkgsrc-security key is not shipped: the signature is found and
	// its issuer reported unknown.
	if err := VerifySignature(raw, openpgp.EntityList{newKey(t, "x")}); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("got %v, want ErrUnknownKey", err)
	}
}

func armorPublic(buf *bytes.Buffer, e *openpgp.Entity) error {
	w, err := armorEncode(buf)
	if err != nil {
		return err
	}
	if err := e.Serialize(w); err != nil {
		return err
	}
	return w.Close()
}

// A line that starts with "-" would be dash-escaped by the signer and then
// misread by pkg_install (pattern "-"): signing refuses it, and so does
// verification, since the text pkg_install reads is not the signed text.
func TestDashEscapedLines(t *testing.T) {
	key := newKey(t, "dash")
	src := []byte("#FORMAT 1.0.0\n-foo<1\tdos\thttp://x\nbar<2\tdos\thttp://y\n")
	if _, err := Publish(src, key.PrivateKey); err == nil || !strings.Contains(err.Error(), "starts with '-'") {
		t.Errorf("signing a '-' line: %v", err)
	}
	var signed bytes.Buffer
	w, err := clearsign.Encode(&signed, key.PrivateKey, nil)
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte("#FORMAT 1.1.0\n-foo<1 dos http://x\n"))
	w.Close()
	if !bytes.Contains(signed.Bytes(), []byte("\n- -foo<1")) {
		t.Fatalf("not dash-escaped:\n%s", signed.Bytes())
	}
	if err := VerifySignature(signed.Bytes(), openpgp.EntityList{key}); !errors.Is(err, ErrAltered) {
		t.Errorf("dash-escaped: %v, want ErrAltered", err)
	}
	// pkg_install's reading of it, kept: pattern "-", class "-foo<1", URL "dos".
	f, err := Parse("dash", signed.Bytes(), Options{})
	if err != nil || len(f.Entries) != 1 || f.Entries[0].Pattern != "-" || f.Entries[0].Class != "-foo<1" {
		t.Errorf("parse: %v %+v", err, f)
	}
}
