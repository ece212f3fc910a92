//go:build unix

package audit

import (
	"os"
	"syscall"
	"testing"
)

func unixLike() bool { return true }

func fileOwner(t *testing.T, path string) int {
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return int(st.Sys().(*syscall.Stat_t).Uid)
}
