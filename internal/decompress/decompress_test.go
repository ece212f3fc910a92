package decompress

import (
	"bytes"
	"compress/gzip"
	"errors"
	"testing"

	"github.com/ulikunitz/xz"
)

func gz(b []byte) []byte {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func xzb(t *testing.T, b []byte) []byte {
	var buf bytes.Buffer
	w, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	w.Close()
	return buf.Bytes()
}

func TestBytes(t *testing.T) {
	plain := []byte("#FORMAT 1.1.0\n")
	for name, in := range map[string][]byte{
		"plain": plain, "gzip": gz(plain), "gzip twice": gz(gz(plain)), "xz": xzb(t, plain), "gzip of xz": gz(xzb(t, plain)),
	} {
		out, err := Bytes(in, 0)
		if err != nil || !bytes.Equal(out, plain) {
			t.Errorf("%s: %q %v", name, out, err)
		}
	}
	if _, err := Bytes(nil, 0); !errors.Is(err, ErrEmpty) {
		t.Errorf("empty: %v", err)
	}
	if _, err := Bytes(gz(bytes.Repeat([]byte("a"), 1<<20)), 1<<10); !errors.Is(err, ErrTooLarge) {
		t.Errorf("bomb: %v", err)
	}
	deep := plain
	for i := 0; i < maxLayers+1; i++ {
		deep = gz(deep)
	}
	if _, err := Bytes(deep, 0); err == nil {
		t.Error("too many layers accepted")
	}
	full := gz(bytes.Repeat([]byte("x"), 4096))
	if _, err := Bytes(full[:len(full)/2], 0); err == nil || err.Error() != "truncated gzip input" {
		t.Errorf("truncated: %v", err)
	}
	if Sniff([]byte("BZh9")) != Bzip2 || Sniff([]byte("<?xml")) != Plain {
		t.Error("Sniff")
	}
}
