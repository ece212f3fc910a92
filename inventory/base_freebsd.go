//go:build freebsd

package inventory

import (
	"fmt"
	"os/exec"
	"strings"

	"golang.org/x/sys/unix"
)

// HostBase returns Base of the running FreeBSD system: freebsd-version -u
// for the userland and, unless running inside a jail
// (security.jail.jailed), freebsd-version -k for the kernel, as
// 405.pkg-base-audit does.
func HostBase() ([]Package, error) {
	user, err := freebsdVersion("-u")
	if err != nil {
		return nil, err
	}
	kernel := ""
	if jailed, err := unix.SysctlUint32("security.jail.jailed"); err != nil || jailed == 0 {
		if kernel, err = freebsdVersion("-k"); err != nil {
			return nil, err
		}
	}
	return Base(user, kernel)
}

func freebsdVersion(flag string) (string, error) {
	path := "/bin/freebsd-version"
	if _, err := exec.LookPath(path); err != nil {
		path = "freebsd-version"
	}
	out, err := exec.Command(path, flag).Output()
	if err != nil {
		return "", fmt.Errorf("freebsd-version %s: %w", flag, err)
	}
	// -k prints the installed kernel's version; with several kernels only
	// the first line counts.
	line, _, _ := strings.Cut(string(out), "\n")
	return strings.TrimSpace(line), nil
}
