//go:build unix

package inroot

import "syscall"

// nonblock makes open(2) of a FIFO return at once.
const nonblock = syscall.O_NONBLOCK
