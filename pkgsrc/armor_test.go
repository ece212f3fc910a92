package pkgsrc

import (
	"io"

	"github.com/ProtonMail/go-crypto/openpgp/armor"
)

func armorEncode(w io.Writer) (io.WriteCloser, error) {
	return armor.Encode(w, "PGP PUBLIC KEY BLOCK", nil)
}
