package pkgsrc

import (
	"bufio"
	"errors"
	"fmt"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// Settings are pkg_install's effective settings: the environment over
// pkg_install.conf over the built-in defaults.
type Settings struct {
	conf   map[string]string
	getenv func(string) string
	dbDirs []string
}

// Defaults are the host's pkgsrc locations (config.Paths has them for the
// running system): the pkg_install.conf files read when none is named,
// the first that exists, and the PKG_DBDIR candidates, the first unless
// only a later one exists. Empty lists mean /usr/pkg's.
type Defaults struct {
	ConfFiles []string
	DBDirs    []string
}

// DefaultConfFiles are the pkg_install.conf files of a /usr/pkg host.
var DefaultConfFiles = []string{"/usr/pkg/etc/pkg_install.conf", "/etc/pkg_install.conf"}

// DefaultDBDirs are the PKG_DBDIR candidates of a /usr/pkg host (older
// NetBSD keeps /var/db/pkg).
var DefaultDBDirs = []string{"/usr/pkg/pkgdb", "/var/db/pkg"}

// LoadSettings reads the pkg_install.conf at path (ParseConf), or the
// first of the host's that exists when path is "" (none is fine); getenv
// reads the environment.
func LoadSettings(path string, getenv func(string) string, host Defaults) (*Settings, error) {
	if len(host.ConfFiles) == 0 {
		host.ConfFiles = DefaultConfFiles
	}
	if len(host.DBDirs) == 0 {
		host.DBDirs = DefaultDBDirs
	}
	s := &Settings{conf: map[string]string{}, getenv: getenv, dbDirs: host.DBDirs}
	candidates := []string{path}
	if path == "" {
		candidates = host.ConfFiles
	}
	for _, c := range candidates {
		fh, err := safeopen.Open(c)
		if err != nil {
			if path == "" && errors.Is(err, os.ErrNotExist) {
				continue
			}
			return nil, fmt.Errorf("reading configuration: %w", err)
		}
		defer fh.Close()
		if s.conf, err = ParseConf(fh); err != nil {
			return nil, fmt.Errorf("reading %s: %w", c, err)
		}
		break
	}
	return s, nil
}

// Get returns a setting: the environment overrides the file (pkgaudit
// extends this to every variable; pkg_install only to PKG_DBDIR and a
// few).
func (s *Settings) Get(name, def string) string {
	if v := s.getenv(name); v != "" {
		return v
	}
	if v, ok := s.conf[name]; ok {
		return v
	}
	return def
}

// DBDir is PKG_DBDIR: flag (-K), else the environment, else
// pkg_install.conf, else the host's first candidate (PREFIX/pkgdb), or the
// first later one (PREFIX/pkg of Joyent's packages, /var/db/pkg of older
// NetBSD) when only that exists.
func (s *Settings) DBDir(flag string) string {
	if flag != "" {
		return flag
	}
	def := s.dbDirs[0]
	if st, err := os.Stat(def); err != nil || !st.IsDir() {
		for _, c := range s.dbDirs[1:] {
			if st, err := os.Stat(c); err == nil && st.IsDir() {
				def = c
				break
			}
		}
	}
	return s.Get("PKG_DBDIR", def)
}

// VulnFile is $PKGVULNDIR/pkg-vulnerabilities (PKGVULNDIR defaults to
// PKG_DBDIR).
func (s *Settings) VulnFile() string {
	return filepath.Join(s.Get("PKGVULNDIR", s.DBDir("")), "pkg-vulnerabilities")
}

// AuditOptions are pkg_admin audit's options from its flags (-e, -i, -t,
// -q) and the settings CHECK_END_OF_LIFE (default yes) and IGNORE_URL
// (one URL a line).
func (s *Settings) AuditOptions(eol, showIgnored bool, typ string, quiet bool) AuditOptions {
	o := AuditOptions{
		EOL:         eol || strings.EqualFold(s.Get("CHECK_END_OF_LIFE", "yes"), "yes"),
		ShowIgnored: showIgnored,
		Type:        typ,
		Quiet:       quiet,
		IgnoreURL:   map[string]bool{},
	}
	if v := s.Get("IGNORE_URL", ""); v != "" {
		for _, u := range strings.Split(v, "\n") {
			o.IgnoreURL[u] = true
		}
	}
	return o
}

// BatchNames yields the names of an audit-batch file as pkg_admin's fgets
// loop with a 4096-byte buffer does: empty lines are skipped, nothing else
// is trimmed, and lines longer than 4095 bytes are split. It returns false
// when yield stopped it.
func BatchNames(r io.Reader, yield func(string) bool) bool {
	br := bufio.NewReader(r)
	for {
		var b []byte
		for len(b) < 4095 {
			c, err := br.ReadByte()
			if err != nil {
				break
			}
			b = append(b, c)
			if c == '\n' {
				break
			}
		}
		if len(b) == 0 {
			return true
		}
		name := strings.TrimSuffix(string(b), "\n")
		if name != "" && !yield(name) {
			return false
		}
	}
}
