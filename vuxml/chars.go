package vuxml

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"strings"
	"unicode/utf8"
)

// isSpace reports whether b is XML white space (S: space, tab, CR, LF).
func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// allSpace reports whether s consists of XML white space only.
func allSpace(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isSpace(s[i]) {
			return false
		}
	}
	return true
}

// validChar reports whether r is an XML 1.0 Char.
func validChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// badASCII[b] is true for the ASCII bytes that are not XML characters
// (C0 controls other than tab, LF, CR).
var badASCII = func() (t [128]bool) {
	for b := 0; b < 0x20; b++ {
		t[b] = b != '\t' && b != '\n' && b != '\r'
	}
	return
}()

// checkChars returns the offset of the first byte of src that does not
// begin a valid UTF-8 encoded XML Char, or -1. Sixteen bytes are tested at
// a time: ASCII words pass when they have no control byte other than tab,
// LF and CR (badControls); only words with other bytes are decoded.
func checkChars(src []byte) int {
	const hi = 0x8080808080808080
	i := 0
	for i+32 <= len(src) {
		b := src[i : i+32 : i+32]
		w1 := binary.LittleEndian.Uint64(b[:8])
		w2 := binary.LittleEndian.Uint64(b[8:16])
		w3 := binary.LittleEndian.Uint64(b[16:24])
		w4 := binary.LittleEndian.Uint64(b[24:])
		if (w1|w2|w3|w4)&hi == 0 && badControls(w1)|badControls(w2)|badControls(w3)|badControls(w4) == 0 {
			i += 32
			continue
		}
		end := i + 32
		for i < end {
			n, ok := checkChar(src, i)
			if !ok {
				return i
			}
			i += n
		}
	}
	for i < len(src) {
		n, ok := checkChar(src, i)
		if !ok {
			return i
		}
		i += n
	}
	return -1
}

// badControls sets the high bit of each byte of w (all < 0x80) that is a
// control character other than tab (9), LF (10) and CR (13). Each test
// adds a constant to every byte (which cannot carry into the next, as no
// byte reaches 0x80) so that the high bit tells the byte is at least some
// value: below 0x20, and outside 9-10 and 13-13.
func badControls(w uint64) uint64 {
	const ones = 0x0101010101010101
	// w + (0x80-v)*ones has the high bit of each byte >= v
	ok := (w+(0x80-9)*ones)&^(w+(0x80-11)*ones) | (w+(0x80-13)*ones)&^(w+(0x80-14)*ones)
	return ^(w + (0x80-0x20)*ones) &^ ok & 0x8080808080808080
}

// checkChar checks the character at src[i] and returns its length.
func checkChar(src []byte, i int) (int, bool) {
	b := src[i]
	if b < utf8.RuneSelf {
		return 1, !badASCII[b]
	}
	r, n := utf8.DecodeRune(src[i:])
	return n, !(r == utf8.RuneError && n == 1 || !validChar(r))
}

// nameByte[b] classifies ASCII bytes in XML names: 1 may start a name,
// 2 may only continue one.
var nameByte = func() (t [256]uint8) {
	for b := 'a'; b <= 'z'; b++ {
		t[b] = 1
	}
	for b := 'A'; b <= 'Z'; b++ {
		t[b] = 1
	}
	t['_'], t[':'] = 1, 1
	for b := '0'; b <= '9'; b++ {
		t[b] = 2
	}
	t['.'], t['-'] = 2, 2
	for b := 0x80; b < 0x100; b++ {
		t[b] = 3 // part of a multi-byte character: checked by isName
	}
	return
}()

// isName reports whether s is an XML Name. ASCII names are checked here;
// names with other characters are checked against the XML 1.0 character
// classes as encoding/xml implements them (so that the fast parser and the
// encoding/xml oracle agree on every name).
func isName(s string) bool {
	if s == "" || nameByte[s[0]] != 1 && nameByte[s[0]] != 3 {
		return false
	}
	ascii := true
	for i := 0; i < len(s); i++ {
		switch nameByte[s[i]] {
		case 0:
			return false
		case 3:
			ascii = false
		}
	}
	if ascii {
		return true
	}
	return stdIsName(s)
}

// stdIsName asks encoding/xml whether s is a name (as a processing
// instruction target, which encoding/xml checks with its name rules only).
func stdIsName(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	d := xml.NewDecoder(strings.NewReader("<?" + s + "?>"))
	tok, err := d.RawToken()
	if err != nil {
		return false
	}
	pi, ok := tok.(xml.ProcInst)
	return ok && pi.Target == s
}

// isQName reports whether s is an acceptable element or attribute name:
// an XML Name with at most one colon (as encoding/xml requires).
func isQName(s string) bool {
	return isName(s) && strings.Count(s, ":") <= 1
}

// hasUpperASCII reports whether s contains an ASCII upper-case letter.
func hasUpperASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// lowerASCII folds ASCII letters only (so that no non-ASCII character,
// such as the Kelvin sign, can turn into a VuXML name).
func lowerASCII(s string) string {
	if !hasUpperASCII(s) {
		return s
	}
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// lineCounter turns byte offsets into 1-based line and byte columns. It
// is fastest for increasing offsets (it counts newlines forward from the
// last answer) and correct for any.
type lineCounter struct {
	src       []byte
	off       int // last offset asked
	line      int // line of off
	lineStart int // offset of the first byte of that line
}

func newLineCounter(src []byte) lineCounter { return lineCounter{src: src, line: 1} }

func (c *lineCounter) pos(off int) (line, col int) {
	if off > len(c.src) {
		off = len(c.src)
	}
	if off < c.off {
		c.off, c.line, c.lineStart = 0, 1, 0
	}
	seg := c.src[c.off:off]
	if n := bytes.Count(seg, nl); n > 0 {
		c.line += n
		c.lineStart = c.off + bytes.LastIndexByte(seg, '\n') + 1
	}
	c.off = off
	return c.line, off - c.lineStart + 1
}

var nl = []byte{'\n'}
