package feed

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ProtonMail/go-crypto/openpgp"
	"github.com/ProtonMail/go-crypto/openpgp/packet"

	"github.com/pkgaudit/pkgaudit/pkgsrc"
)

func testKey(t *testing.T, name string) *openpgp.Entity {
	e, err := openpgp.NewEntity(name, "test", name+"@example.org", &packet.Config{Algorithm: packet.PubKeyAlgoEdDSA})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// With a keyring, a pkg-vulnerabilities file must be signed by one of
// its keys; VuXML is not affected.
func TestKeyring(t *testing.T) {
	signer, other := testKey(t, "signer"), testKey(t, "other")
	pub, err := pkgsrc.Publish([]byte("foo<1.0\tdos\thttp://x/1\nbar-[0-9]*\teol\thttp://x/2\n"), signer.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "pkg-vulnerabilities")
	os.WriteFile(path, gz(t, pub), 0o644)
	db, err := Load(path, Options{Keyring: openpgp.EntityList{signer}})
	if err != nil || !db.Verified || !db.Signed || db.Entries != 2 {
		t.Fatalf("%v %+v", err, db)
	}
	if _, err := Load(path, Options{Keyring: openpgp.EntityList{other}}); !errors.Is(err, pkgsrc.ErrUnknownKey) {
		t.Errorf("other key: %v", err)
	}
	unsigned := filepath.Join(dir, "unsigned")
	os.WriteFile(unsigned, []byte("#FORMAT 1.1.0\nfoo<1.0\tdos\thttp://x/1\n"), 0o644)
	if _, err := Load(unsigned, Options{Keyring: openpgp.EntityList{signer}}); !errors.Is(err, pkgsrc.ErrNoSignature) {
		t.Errorf("unsigned: %v", err)
	}
	if db, err := Load("../testdata/vuxml/vuln-2025.xml", Options{Keyring: openpgp.EntityList{signer}}); err != nil || db.Format != VuXML {
		t.Errorf("VuXML with a keyring: %v", err)
	}
}

// A bare year fragment loads as VuXML.
func TestLoadYearFragment(t *testing.T) {
	db, err := Load("../testdata/vuxml/vuln-2025.xml", Options{})
	if err != nil || db.Format != VuXML || db.Entries == 0 || len(db.Advisories) != db.Entries || len(db.Includes) != 0 {
		t.Fatalf("%v %+v", err, db.DatabaseInfo)
	}
	if a := db.Advisories[0]; a.Origin.File != "../testdata/vuxml/vuln-2025.xml" || a.Origin.Line == 0 {
		t.Errorf("origin %+v", a.Origin)
	}
}
