package scan

import "github.com/pkgaudit/pkgaudit/config"

// DefaultDatabases are the databases audited when none is named: pkgsrc's
// pkg-vulnerabilities when only pkgsrc's installed packages are audited
// (pkgsrcOnly), else FreeBSD's vuln.xml, as configured.
func DefaultDatabases(cfg *config.Config, pkgsrcOnly bool) []string {
	if pkgsrcOnly {
		return []string{cfg.Pkgsrc.VulnFile()}
	}
	return []string{cfg.FreeBSD.VulnXML}
}

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
