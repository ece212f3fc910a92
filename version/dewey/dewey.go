// Package dewey implements pkgsrc pkg_install's dewey version order
// (lib/dewey.c), including its 32-bit wrap-around arithmetic.
//
// A version is read left to right into a vector of int32 components: a
// digit run is one number (accumulated with int32 wrap-around); "alpha",
// "beta", "pre"/"rc", "pl", "_" and "." push -3, -2, -1, 0, 0, 0; "nb"
// followed by digits sets the package revision, compared only when all
// components are equal; any other letter pushes 0 and its ordinal (a=1);
// every other byte is skipped. Keywords are case-insensitive.
package dewey

// Op is a relational operator of a dewey pattern.
type Op int

// Operators.
const (
	LT Op = iota
	LE
	GE
	GT
	EQ
	NE
)

// String returns the operator as written in a pattern.
func (o Op) String() string {
	return [...]string{"<", "<=", ">=", ">", "==", "!="}[o]
}

// Test reports whether "version op bound" holds.
func Test(version string, op Op, bound string) bool {
	c := Compare(version, bound)
	switch op {
	case LT:
		return c < 0
	case LE:
		return c <= 0
	case GE:
		return c >= 0
	case GT:
		return c > 0
	case EQ:
		return c == 0
	case NE:
		return c != 0
	}
	return false
}

// Compare compares two version strings as pkg_install's dewey_cmp does and
// returns -1, 0 or +1.
func Compare(a, b string) int {
	var ta, tb tokenizer
	ta.s, tb.s = a, b
	for {
		va, oka := ta.next()
		vb, okb := tb.next()
		if !oka && !okb {
			break
		}
		if d := va - vb; d != 0 { // int32 wrap-around, as in C
			return sign(d)
		}
	}
	return sign(ta.nb - tb.nb)
}

func sign(d int32) int {
	switch {
	case d < 0:
		return -1
	case d > 0:
		return 1
	}
	return 0
}

// tokenizer yields the components of a version lazily (no allocation).
type tokenizer struct {
	s       string
	p       int
	pending int32 // second element of a letter (0 then ordinal)
	havePen bool
	nb      int32
}

var keywords = [...]struct {
	word string
	val  int32
}{{"alpha", -3}, {"beta", -2}, {"pre", -1}, {"rc", -1}, {"pl", 0}, {"_", 0}, {".", 0}}

// next returns the next component, or 0, false at the end (missing
// components count as 0).
func (t *tokenizer) next() (int32, bool) {
	if t.havePen {
		t.havePen = false
		return t.pending, true
	}
	for t.p < len(t.s) {
		c := t.s[t.p]
		if isDigit(c) {
			var n int32
			for t.p < len(t.s) && isDigit(t.s[t.p]) {
				n = n*10 + int32(t.s[t.p]-'0')
				t.p++
			}
			return n, true
		}
		for _, k := range keywords {
			if hasPrefixFold(t.s[t.p:], k.word) {
				t.p += len(k.word)
				return k.val, true
			}
		}
		if hasPrefixFold(t.s[t.p:], "nb") {
			t.p += 2
			var n int32
			for t.p < len(t.s) && isDigit(t.s[t.p]) {
				n = n*10 + int32(t.s[t.p]-'0')
				t.p++
			}
			t.nb = n
			continue
		}
		if l := c | 0x20; l >= 'a' && l <= 'z' {
			t.p++
			t.pending, t.havePen = int32(l-'a'+1), true
			return 0, true
		}
		t.p++
	}
	return 0, false
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func hasPrefixFold(s, prefix string) bool {
	if len(s) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != prefix[i] {
			return false
		}
	}
	return true
}
