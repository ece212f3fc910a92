package cli

import (
	"os"

	"github.com/pkgaudit/pkgaudit/audit"
	"github.com/pkgaudit/pkgaudit/config"
)

// cacheDir is where audit and fetch keep compiled indexes: none with
// --no-cache, else --cache DIR, else audit.cache_dir when configured ("":
// none), else config.DefaultCacheDir for this user.
func cacheDir(env *Env, cfg *config.Config, flag string, off bool) string {
	switch {
	case off:
		return ""
	case flag != "":
		return flag
	case cfg.Source("audit.cache_dir") != "default":
		return cfg.Audit.CacheDir
	}
	return config.DefaultCacheDir(env.Getenv, env.geteuid())
}

// cacheWarm compiles the index an audit of the databases at paths with
// default options would look for in dir, so that the first audit after a
// fetch is fast. It is best effort: a database that does not load or a
// directory that cannot be written leaves things as they were (the audit
// reports what is wrong).
func cacheWarm(dir string, paths []string) {
	if dir == "" {
		return
	}
	audit.Open(paths, audit.OpenOptions{CacheDir: dir})
}

func (e *Env) geteuid() int {
	if e.Geteuid != nil {
		return e.Geteuid()
	}
	return os.Geteuid()
}
