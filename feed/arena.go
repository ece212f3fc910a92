package feed

import "unsafe"

// arena copies strings into a few large blocks: one allocation for many
// small strings, and nothing of the source (a parser's whole input) kept
// alive by them. The bytes of a block are never written again once a
// string points into them.
type arena struct{ buf []byte }

const arenaBlock = 64 << 10

// reset makes room for about n bytes: in the arena's current block when
// reuse is set (nothing points into it any more) and it is big enough,
// else in a new block.
func (a *arena) reset(n int, reuse bool) {
	if reuse && cap(a.buf) >= n {
		a.buf = a.buf[:0]
		return
	}
	a.buf = make([]byte, 0, max(n, 64))
}

// room makes space for n more bytes.
func (a *arena) room(n int) {
	if cap(a.buf)-len(a.buf) < n {
		a.buf = make([]byte, 0, max(n, arenaBlock))
	}
}

// str returns a copy of s.
func (a *arena) str(s string) string {
	if s == "" {
		return ""
	}
	a.room(len(s))
	start := len(a.buf)
	a.buf = append(a.buf, s...)
	return unsafe.String(&a.buf[start], len(s))
}

// cat returns the concatenation of parts.
func (a *arena) cat(parts ...string) string {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n == 0 {
		return ""
	}
	a.room(n)
	start := len(a.buf)
	for _, p := range parts {
		a.buf = append(a.buf, p...)
	}
	return unsafe.String(&a.buf[start], n)
}
