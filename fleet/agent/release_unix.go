//go:build unix

package agent

import "golang.org/x/sys/unix"

// release is uname -r.
func release() string {
	var u unix.Utsname
	if unix.Uname(&u) != nil {
		return ""
	}
	return unix.ByteSliceToString(u.Release[:])
}
