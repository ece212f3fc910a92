package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// asUser makes Load go by the effective user ID euid until the returned
// function is called.
func asUser(euid int) func() {
	old := geteuid
	geteuid = func() int { return euid }
	return func() { geteuid = old }
}

func TestDefaultCacheDir(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		euid int
		want string
	}{
		{map[string]string{"XDG_CACHE_HOME": "/x/cache", "HOME": "/home/u"}, 1000, "/x/cache/pkgaudit"},
		{map[string]string{"HOME": "/home/u"}, 1000, "/home/u/.cache/pkgaudit"},
		// A relative XDG_CACHE_HOME is invalid (XDG base directory spec).
		{map[string]string{"XDG_CACHE_HOME": "cache", "HOME": "/home/u"}, 1000, "/home/u/.cache/pkgaudit"},
		{nil, 1000, ""},
		// root: one system cache, whatever the environment says.
		{map[string]string{"XDG_CACHE_HOME": "/x/cache", "HOME": "/root"}, 0, "/var/cache/pkgaudit"},
		{nil, 0, "/var/cache/pkgaudit"},
	} {
		if got := DefaultCacheDir(envOf(c.env), c.euid); got != filepath.FromSlash(c.want) {
			t.Errorf("%v, euid %d: %q, want %q", c.env, c.euid, got, c.want)
		}
	}
}

// Load's audit.cache_dir default follows the user; a configured value
// replaces it, for root too.
func TestLoadCacheDir(t *testing.T) {
	dir := t.TempDir()
	env := envOf(map[string]string{"HOME": "/home/u"})
	for _, c := range []struct {
		euid   int
		config string
		want   string
		source string
	}{
		{1000, "", "/home/u/.cache/pkgaudit", "default"},
		{0, "", "/var/cache/pkgaudit", "default"},
		{0, "[audit]\ncache_dir = \"/srv/cache\"\n", "/srv/cache", "FILE:2"},
		{0, "[audit]\ncache_dir = \"\"\n", "", "FILE:2"},
		// The environment beats the files, as for the other variables.
		{0, "[audit]\ncache_dir = \"/srv/cache\"\n", "/env/cache", "environment PKGAUDIT_CACHE_DIR"},
	} {
		explicit := ""
		if c.config != "" {
			explicit = writeFile(t, dir, "pkgaudit.toml", c.config)
		}
		env := env
		if strings.HasPrefix(c.source, "environment") {
			env = envOf(map[string]string{"HOME": "/home/u", "PKGAUDIT_CACHE_DIR": "/env/cache"})
		}
		restore := asUser(c.euid)
		cfg, err := LoadPaths(explicit, env, Paths{})
		restore()
		if err != nil {
			t.Fatal(err)
		}
		src := cfg.Source("audit.cache_dir")
		if explicit != "" && src == explicit+":2" {
			src = "FILE:2"
		}
		if cfg.Audit.CacheDir != c.want || src != c.source {
			t.Errorf("euid %d, %q: %q (%s), want %q (%s)", c.euid, c.config, cfg.Audit.CacheDir, src, c.want, c.source)
		}
	}
}
