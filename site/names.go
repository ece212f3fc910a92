package site

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pkgaudit/pkgaudit/internal/fsname"
)

// fileNamer hands out the names of generated files. Every name is made of
// characters that need no escaping in a URL path or on any file system
// (letters, digits, '.', '+', '-', '_'; anything else is written ~XX), and
// no two names differ only in case, so that the site can be copied to a
// case-insensitive file system. Names are handed out in a deterministic
// order; a name already taken gets a ~2, ~3... suffix. A name longer than a
// file system accepts (255 bytes) is shortened and given a hash suffix
// (fsname.Short).
type fileNamer struct {
	taken map[string]bool // lower-cased
}

func newFileNamer(reserved ...string) *fileNamer {
	n := &fileNamer{taken: map[string]bool{}}
	for _, r := range reserved {
		n.taken[strings.ToLower(r)] = true
	}
	return n
}

// name returns a new file name prefix+escape(s)+ext.
func (n *fileNamer) name(prefix, s, ext string) string {
	base := prefix + fileEscape(s)
	name := fsname.Short(base, ext)
	for i := 2; n.taken[strings.ToLower(name)]; i++ {
		name = fsname.Short(base+"~"+strconv.Itoa(i), ext)
	}
	n.taken[strings.ToLower(name)] = true
	return name
}

// fileEscape writes s with only file-name- and URL-safe bytes; others, a
// leading '.' and '~' itself become ~XX (hex).
func fileEscape(s string) string {
	if s == "" {
		return "~"
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		safe := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '+' || c == '-' || c == '_' || c == '.' && i > 0
		if safe {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "~%02X", c)
		}
	}
	return b.String()
}

// anchorID returns a fragment identifier for s: s itself when it is made of
// letters, digits and "-_.:" only, else an escaped form.
func anchorID(s string) string {
	ok := s != ""
	for i := 0; i < len(s) && ok; i++ {
		c := s[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '-' || c == '_' || c == '.' || c == ':'
	}
	if ok {
		return s
	}
	return "x" + strings.ReplaceAll(fileEscape(s), "~", "_")
}
