package scan

import "github.com/pkgaudit/pkgaudit/config"

// CacheDir is where audits and fetches keep compiled indexes: none when
// off (--no-cache), else flag (--cache DIR), else audit.cache_dir when it
// was configured ("": none), else config.DefaultCacheDir for the user
// euid (PKGAUDIT_CACHE_DIR, the XDG cache, /var/cache/pkgaudit for root).
func CacheDir(cfg *config.Config, flag string, off bool, getenv func(string) string, euid int) string {
	switch {
	case off:
		return ""
	case flag != "":
		return flag
	case cfg.Source("audit.cache_dir") != "default":
		return cfg.Audit.CacheDir
	}
	return config.DefaultCacheDir(getenv, euid)
}
