package agent

import (
	"context"
	"os"
	"os/exec"
	"runtime"
	"strings"

	"github.com/pkgaudit/pkgaudit/fleet/wire"
)

// osNames are uname's names of the systems.
var osNames = map[string]string{"freebsd": "FreeBSD", "netbsd": "NetBSD", "openbsd": "OpenBSD", "linux": "Linux",
	"darwin": "Darwin", "illumos": "SunOS", "solaris": "SunOS", "dragonfly": "DragonFly", "windows": "Windows"}

// Facts gathers this host's facts: name, system, release, architecture,
// and on FreeBSD the kernel and userland versions (freebsd-version -k,
// -u). What cannot be read is left empty.
func Facts(ctx context.Context) wire.Host {
	h := wire.Host{OS: osNames[runtime.GOOS], Arch: runtime.GOARCH}
	if h.OS == "" {
		h.OS = runtime.GOOS
	}
	h.Name, _ = os.Hostname()
	h.Release = release()
	if runtime.GOOS == "freebsd" {
		h.KernelVersion = command(ctx, "freebsd-version", "-k")
		h.UserlandVersion = command(ctx, "freebsd-version", "-u")
	}
	return h
}

func command(ctx context.Context, name string, args ...string) string {
	out, err := exec.CommandContext(ctx, name, args...).Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}
