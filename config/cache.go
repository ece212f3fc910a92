package config

import (
	"os"
	"path/filepath"
)

// RootCacheDir is the default cache directory of root.
const RootCacheDir = "/var/cache/pkgaudit"

// DefaultCacheDir is the directory pkgaudit keeps its compiled indexes in
// when audit.cache_dir is not configured, for a process whose effective
// user ID is euid and whose environment getenv reads:
// /var/cache/pkgaudit for root (euid 0, whatever its environment: cron,
// periodic(8) and sudo runs share one cache), else
// $XDG_CACHE_HOME/pkgaudit, else $HOME/.cache/pkgaudit, else "" (no
// cache).
func DefaultCacheDir(getenv func(string) string, euid int) string {
	if euid == 0 {
		return RootCacheDir
	}
	if x := getenv("XDG_CACHE_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "pkgaudit")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".cache", "pkgaudit")
	}
	return ""
}

// geteuid is the effective user ID Load goes by (tests replace it).
var geteuid = os.Geteuid
