//go:build unix

package audit

import (
	"os"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/pkgaudit/pkgaudit/internal/safeopen"
)

// mapFile maps the file at path read-only. The mapping is not on the Go
// heap and costs no copy; only the pages a run touches are read. Cache
// files are never written in place (they are replaced by rename), so the
// mapping keeps showing the file as it was opened, unless someone
// truncates it in place: accesses then fault, which the index catches
// (guard) and answers by reading the databases again.
//
// A file that another user (root aside) owns, or that its group or others
// may write, is not used: whoever could write it could make the audit
// miss advisories (its checksum detects damage, not forgery).
func mapFile(path string) (data []byte, unmap func(), err error) {
	f, err := safeopen.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !trusted(st) {
		return nil, nil, errUntrusted
	}
	size := st.Size()
	if size <= 0 || size != int64(int(size)) {
		return nil, nil, errCache
	}
	data, err = unix.Mmap(int(f.Fd()), 0, int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		return nil, nil, err
	}
	return data, func() { unix.Munmap(data) }, nil
}

// trusted reports whether the cache file st describes can only have been
// written by this user or root.
func trusted(st os.FileInfo) bool {
	if st.Mode().Perm()&0o022 != 0 {
		return false
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return false
	}
	return int(sys.Uid) == geteuid() || sys.Uid == 0
}
