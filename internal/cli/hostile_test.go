package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The hostile-input regression tests of the command line (docs/hostile-input.md).

// hostileXZ is a 56-byte xz file whose block header declares a 4 GiB
// LZMA2 dictionary (internal/decompress builds it: xzHostile(40)).
var hostileXZ = []byte{
	0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 0x00, 0x01, 0x69, 0x22, 0xde, 0x36,
	0x02, 0x00, 0x21, 0x01, 0x28, 0x00, 0x00, 0x00, 0xe6, 0xa0, 0x11, 0xb3,
	0x01, 0x00, 0x02, 0x68, 0x69, 0x0a, 0x00, 0x00, 0x7a, 0x7a, 0x6f, 0xed,
	0x00, 0x01, 0x17, 0x03, 0x07, 0x60, 0x0c, 0xbc, 0x90, 0x42, 0x99, 0x0d,
	0x01, 0x00, 0x00, 0x00, 0x00, 0x01, 0x59, 0x5a,
}

// A tiny xz database declaring a 4 GiB dictionary is refused with exit 2
// and a message, before the decoder allocates the dictionary (the runtime
// aborted with a stack dump under a memory limit).
func TestHostileXZDictionary(t *testing.T) {
	db := filepath.Join(t.TempDir(), "vuln.xml.xz")
	if err := os.WriteFile(db, hostileXZ, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"audit", "-f", db, "curl-8.5.0"},
		{"pkgsrc", "check", db},
	} {
		_, errOut, code := run(t, "", args...)
		if code != ExitError || !strings.Contains(errOut, "too much memory") || !strings.Contains(errOut, "xz dictionary") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errOut)
		}
	}
}
