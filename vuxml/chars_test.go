package vuxml

import (
	"testing"
	"unicode/utf8"

	"github.com/pkgaudit/pkgaudit/internal/workload"
)

// checkCharsSlow is the obvious definition of checkChars.
func checkCharsSlow(src []byte) int {
	for i := 0; i < len(src); {
		r, n := utf8.DecodeRune(src[i:])
		if r == utf8.RuneError && n == 1 || !validChar(r) {
			return i
		}
		i += n
	}
	return -1
}

func TestCheckChars(t *testing.T) {
	base := []byte("abc\tdef\r\nghijklmnopqrstuvwxyz é ü 日本 \U0001F600 0123456789")
	for pos := 0; pos <= len(base); pos++ {
		for _, bad := range []string{"", "\x00", "\x01", "\x08", "\x0b", "\x0c", "\x0e", "\x1f", "\x7f", "\xff", "\xc3", "\xed\xa0\x80", "\xef\xbf\xbe", "\xef\xbf\xbf", "\u0085", "\ufffd"} {
			in := append(append(append([]byte{}, base[:pos]...), bad...), base[pos:]...)
			if got, want := checkChars(in), checkCharsSlow(in); got != want {
				t.Fatalf("%q: got %d, want %d", in, got, want)
			}
		}
	}
}

func FuzzCheckChars(f *testing.F) {
	f.Add([]byte("hello\tworld\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := checkChars(b), checkCharsSlow(b); got != want {
			t.Fatalf("%q: got %d, want %d", b, got, want)
		}
	})
}

// BenchmarkCheckChars: the character check over the 24 MB document.
func BenchmarkCheckChars(b *testing.B) {
	doc, _ := workload.Cached(workload.Standard())
	b.SetBytes(int64(len(doc)))
	for b.Loop() {
		if checkChars(doc) >= 0 {
			b.Fatal("bad character")
		}
	}
}
