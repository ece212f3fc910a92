package cli

import (
	"os"

	"github.com/pkgaudit/pkgaudit/audit"
	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/scan"
)

// cacheDir is scan.CacheDir for this Env's user.
func cacheDir(env *Env, cfg *config.Config, flag string, off bool) string {
	return scan.CacheDir(cfg, flag, off, env.Getenv, env.geteuid())
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
