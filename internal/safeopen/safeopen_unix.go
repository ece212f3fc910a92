//go:build unix

package safeopen

import (
	"os"
	"syscall"
)

// openFlags: do not wait for a writer (FIFO) or a carrier (terminal), do
// not make a terminal the controlling one.
const openFlags = syscall.O_NONBLOCK | syscall.O_NOCTTY

// setBlocking clears O_NONBLOCK on a file Open accepted, so that reads
// behave as usual.
func setBlocking(f *os.File) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var serr error
	if err := rc.Control(func(fd uintptr) { serr = syscall.SetNonblock(int(fd), false) }); err != nil {
		return err
	}
	return serr
}
