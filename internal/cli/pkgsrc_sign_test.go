package cli

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/armor"
	"github.com/ProtonMail/go-crypto/openpgp/packet"
)

func writeKeys(t *testing.T, dir, name string) (secret, public string) {
	t.Helper()
	e, err := openpgp.NewEntity(name, "", name+"@example.org", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	write := func(file, typ string, ser func(w *bytes.Buffer) error) string {
		var raw, buf bytes.Buffer
		if err := ser(&raw); err != nil {
			t.Fatal(err)
		}
		w, _ := armor.Encode(&buf, typ, nil)
		w.Write(raw.Bytes())
		w.Close()
		p := filepath.Join(dir, file)
		os.WriteFile(p, buf.Bytes(), 0o600)
		return p
	}
	secret = write(name+".sec", "PGP PRIVATE KEY BLOCK", func(w *bytes.Buffer) error { return e.SerializePrivate(w, nil) })
	public = write(name+".pub", "PGP PUBLIC KEY BLOCK", func(w *bytes.Buffer) error { return e.Serialize(w) })
	return secret, public
}

func TestPkgsrcSignCheckAuditRoundTrip(t *testing.T) {
	dir := t.TempDir()
	sec, pub := writeKeys(t, dir, "security")
	_, otherPub := writeKeys(t, dir, "other")
	src, _ := os.ReadFile("../../testdata/pkgsrc/pkgsrc-doc-pkg-vulnerabilities-2024-head.txt")
	src = src[bytes.Index(src, []byte("# $NetBSD")):]
	srcPath := filepath.Join(dir, "source")
	os.WriteFile(srcPath, src, 0o644)
	out := filepath.Join(dir, "pkg-vulnerabilities")

	if _, errOut, code := run(t, "", "pkgsrc", "sign", "--key", sec, "-o", out, srcPath); code != 0 {
		t.Fatalf("sign: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "pkgsrc", "check", "-s", "--keyring", pub, out); code != 0 {
		t.Fatalf("check -s: %d %s", code, errOut)
	}
	if _, errOut, code := run(t, "", "pkgsrc", "check", "-s", "--keyring", otherPub, out); code != 1 || !strings.Contains(errOut, "not in the keyring") {
		t.Errorf("check -s, wrong key: %d %s", code, errOut)
	}
	stdout, _, code := run(t, "", "pkgsrc", "audit-pkg", "-s", "--keyring", pub, "-f", out, "ntop-1.0")
	if code != 1 || !strings.Contains(stdout, "Package ntop-1.0 has a remote-root-shell vulnerability") {
		t.Errorf("audit-pkg -s: %d %q", code, stdout)
	}
	// Unsigned output to stdout: parses, but -s refuses it.
	unsigned, _, code := run(t, "", "pkgsrc", "sign", srcPath)
	if code != 0 || !strings.Contains(unsigned, "#FORMAT 1.1.0\n") || !strings.Contains(unsigned, "#CHECKSUM SHA512 ") {
		t.Fatalf("unsigned sign: %d %q", code, unsigned)
	}
	uPath := filepath.Join(dir, "unsigned")
	os.WriteFile(uPath, []byte(unsigned), 0o644)
	if _, _, code := run(t, "", "pkgsrc", "check", uPath); code != 0 {
		t.Errorf("check unsigned: %d", code)
	}
	if _, errOut, code := run(t, "", "pkgsrc", "check", "-s", "--keyring", pub, uPath); code != 1 || !strings.Contains(errOut, "no OpenPGP clear-signature") {
		t.Errorf("check -s unsigned: %d %s", code, errOut)
	}
}
