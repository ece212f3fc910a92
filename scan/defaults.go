package scan

import "github.com/pkgaudit/pkgaudit/config"

// CacheDir is the compiled-index cache directory: flag when given, else
// audit.cache_dir when it was configured (the built-in default is not used
// unasked).
func CacheDir(cfg *config.Config, flag string) string {
	if flag != "" {
		return flag
	}
	if cfg.Source("audit.cache_dir") != "default" {
		return cfg.Audit.CacheDir
	}
	return ""
}
