// Package fsname makes file names that every file system pkgaudit writes
// to accepts, whatever the length of the vid, id or package name they are
// made from.
package fsname

import (
	"crypto/sha256"
	"encoding/hex"
	"unicode/utf8"
)

// MaxBytes is the longest file name (one path component) accepted by the
// file systems pkgaudit writes to: NAME_MAX, 255 bytes.
const MaxBytes = 255

// Short returns base+ext when it fits in MaxBytes bytes; otherwise the
// longest start of base that fits, cut at a UTF-8 character boundary,
// followed by "~", the first 16 hex digits of SHA-256(base) and ext. Two
// distinct bases keep distinct names (up to a 64-bit hash collision), and
// the same base always gets the same name.
func Short(base, ext string) string {
	if len(base)+len(ext) <= MaxBytes {
		return base + ext
	}
	sum := sha256.Sum256([]byte(base))
	suffix := "~" + hex.EncodeToString(sum[:8]) + ext
	cut := MaxBytes - len(suffix)
	if cut < 0 {
		cut = 0
	}
	for cut > 0 && !utf8.RuneStart(base[cut]) {
		cut--
	}
	return base[:cut] + suffix
}
