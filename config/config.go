// Package config holds pkgaudit's configuration: where the databases and
// the installed-package databases are, where the feeds come from, and how
// fetching and auditing behave.
//
// The effective configuration is built in layers, each overriding the one
// before it key by key:
//
//  1. built-in defaults (those of FreeBSD pkg and pkgsrc pkg_install);
//  2. pkg_install.conf (only its PKG_DBDIR, PKGVULNDIR, PKGVULNURL and
//     GPG_KEYRING_PKGVULN; the first of /usr/pkg/etc/pkg_install.conf and
//     /etc/pkg_install.conf that exists, or pkgsrc.install_conf);
//  3. the system file, the first that exists of /usr/local/etc/pkgaudit.toml
//     (FreeBSD) or /usr/pkg/etc/pkgaudit.toml (elsewhere), then
//     /etc/pkgaudit.toml;
//  4. the user file, $XDG_CONFIG_HOME/pkgaudit/pkgaudit.toml, else
//     ~/.config/pkgaudit/pkgaudit.toml;
//  5. the environment variables of the references, for drop-in use:
//     PKG_DBDIR, VULNXML_SITE, PKGVULNDIR, PKGVULNURL, GPG_KEYRING_PKGVULN,
//     PKGAUDIT_CACHE_DIR and PKGAUDIT_OFFLINE.
//
// An explicit file (--config FILE, or $PKGAUDIT_CONFIG) replaces layers 3
// and 4: only that file is read. Values that derive from others
// (freebsd.vulnxml from freebsd.dbdir, pkgsrc.vulndir from pkgsrc.dbdir)
// are derived after every layer, unless set themselves.
//
// The TOML file:
//
//	[freebsd]
//	dbdir   = "/var/db/pkg"            # PKG_DBDIR
//	vulnxml = "/var/db/pkg/vuln.xml"   # default $dbdir/vuln.xml
//	site    = "https://vuxml.freebsd.org/freebsd/vuln.xml.xz"  # VULNXML_SITE
//
//	[pkgsrc]
//	dbdir   = "/usr/pkg/pkgdb"         # PKG_DBDIR
//	vulndir = "/usr/pkg/pkgdb"         # PKGVULNDIR, default dbdir
//	url     = "https://cdn.NetBSD.org/pub/NetBSD/packages/vulns/pkg-vulnerabilities.gz"
//	keyring = "/usr/pkg/etc/pkgvuln.gpg"   # GPG_KEYRING_PKGVULN
//	install_conf = "/usr/pkg/etc/pkg_install.conf"
//
//	[audit]
//	ignore_file = "/usr/local/etc/pkgaudit-ignore.toml"
//	stale_days  = 7                    # 0: never warn
//	cache_dir   = "/var/cache/pkgaudit"
//
//	[fetch]
//	max_download    = "64MiB"          # or a number of bytes
//	max_unpacked    = "256MiB"
//	timeout         = "5m"             # the whole transfer
//	connect_timeout = "30s"
//	idle_timeout    = "30s"            # no byte for this long: fail
//	max_redirects   = 5
//	offline         = false
//
// Unknown keys and values of the wrong type are errors that name the file
// and line. Relative paths are taken relative to the directory of the file
// that sets them.
package config

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/BurntSushi/toml"

	"github.com/pkgaudit/pkgaudit/internal/bytesize"
	"github.com/pkgaudit/pkgaudit/internal/safeopen"
	"github.com/pkgaudit/pkgaudit/internal/tomlfile"
	"github.com/pkgaudit/pkgaudit/pkgsrc"
)

// Defaults.
const (
	DefaultFreeBSDDBDir   = "/var/db/pkg"
	DefaultSite           = "https://vuxml.freebsd.org/freebsd/vuln.xml.xz"
	DefaultPkgsrcURL      = "https://cdn.NetBSD.org/pub/NetBSD/packages/vulns/pkg-vulnerabilities.gz"
	DefaultStaleDays      = 7
	DefaultMaxDownload    = 64 << 20
	DefaultMaxUnpacked    = 256 << 20
	DefaultTimeout        = 5 * time.Minute
	DefaultConnectTimeout = 30 * time.Second
	DefaultIdleTimeout    = 30 * time.Second
	DefaultMaxRedirects   = 5
	// MaxFileSize caps a configuration file.
	MaxFileSize = 1 << 20
)

// Config is the effective configuration.
type Config struct {
	// File is the most specific configuration file that was read ("" when
	// none was); Files lists every file read, in the order applied.
	File  string
	Files []string

	// Host is the machine's package system, which decides the default
	// databases, inventory and feed (DefaultDatabase, DefaultInventory,
	// DefaultFeed).
	Host Host

	FreeBSD FreeBSD
	Pkgsrc  Pkgsrc
	Audit   Audit
	Fetch   Fetch

	sources map[string]string // key -> where its value came from
}

// FreeBSD is the FreeBSD pkg side.
type FreeBSD struct {
	DBDir   string // PKG_DBDIR: local.sqlite and (by default) vuln.xml
	VulnXML string // the VuXML database file; default $DBDir/vuln.xml
	Site    string // VULNXML_SITE: where `fetch` downloads it from
}

// Pkgsrc is the pkgsrc pkg_install side.
type Pkgsrc struct {
	DBDir       string // PKG_DBDIR: the installed packages
	VulnDir     string // PKGVULNDIR: holds pkg-vulnerabilities; default DBDir
	URL         string // PKGVULNURL: where `fetch` downloads it from
	Keyring     string // GPG_KEYRING_PKGVULN: OpenPGP keyring ("" none)
	InstallConf string // the pkg_install.conf that was read ("" none)
}

// VulnFile is the pkg-vulnerabilities file: $VulnDir/pkg-vulnerabilities.
func (p Pkgsrc) VulnFile() string { return filepath.Join(p.VulnDir, "pkg-vulnerabilities") }

// Audit holds audit settings.
type Audit struct {
	IgnoreFile string // ignore rules (package ignore); "" none
	StaleDays  int    // warn when the database is older (0: never)
	CacheDir   string // pkgaudit's cache (DefaultCacheDir); "" none
}

// Fetch holds download settings.
type Fetch struct {
	MaxDownload    int64         // bytes on the wire
	MaxUnpacked    int64         // bytes after decompression
	Timeout        time.Duration // the whole transfer
	ConnectTimeout time.Duration // TCP connect and TLS handshake
	IdleTimeout    time.Duration // longest wait for the next byte
	MaxRedirects   int
	Offline        bool // never touch the network
}

// Paths says where Load looks for files. DefaultPaths is what Load uses;
// tests pass their own to LoadPaths (HostPaths builds them for a host).
type Paths struct {
	// Host is the machine's package system (zero: HostOther).
	Host        Host
	System      []string // system files, the first that exists is read
	InstallConf []string // pkg_install.conf candidates, the first that exists
	// PkgsrcDBDirs are the default pkgsrc PKG_DBDIR candidates: the first
	// is the default unless only a later one exists as a directory.
	PkgsrcDBDirs []string
}

// Error is an error in a configuration file, with its position.
type Error = tomlfile.Error

// Load builds the effective configuration (see the package comment).
// explicit is --config FILE ("" for the standard search); getenv reads the
// environment ("" for unset).
func Load(explicit string, getenv func(string) string) (*Config, error) {
	return LoadPaths(explicit, getenv, DefaultPaths())
}

// LoadPaths is Load with the standard locations replaced by p.
func LoadPaths(explicit string, getenv func(string) string, p Paths) (*Config, error) {
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	c := defaults(getenv, p)
	c.Host = p.Host
	if explicit == "" {
		explicit = getenv("PKGAUDIT_CONFIG")
	}
	var files []string
	if explicit != "" {
		files = []string{explicit}
	} else {
		if f := firstExisting(p.System); f != "" {
			files = append(files, f)
		}
		if f := userFile(getenv); f != "" && exists(f) {
			files = append(files, f)
		}
	}
	var layers []*fileFormat
	for _, f := range files {
		ff, err := readFile(f)
		if err != nil {
			return nil, err
		}
		layers = append(layers, ff)
	}
	// pkg_install.conf comes below the TOML files, but a TOML file may name it.
	installConf := firstExisting(p.InstallConf)
	for _, ff := range layers {
		if ff.Pkgsrc.InstallConf.set {
			installConf = ff.Pkgsrc.InstallConf.v
		}
	}
	if installConf != "" {
		if err := c.applyInstallConf(installConf); err != nil {
			return nil, err
		}
	}
	for _, ff := range layers {
		if err := c.applyFile(ff); err != nil {
			return nil, err
		}
		c.Files = append(c.Files, ff.path)
		c.File = ff.path
	}
	c.applyEnv(getenv)
	c.derive()
	if err := c.check(); err != nil {
		return nil, err
	}
	return c, nil
}

// Source tells where the value of key (e.g. "fetch.max_download") came
// from: "default", "derived from freebsd.dbdir", "FILE:LINE",
// "environment PKG_DBDIR", "pkg_install.conf FILE", or what Set was told.
func (c *Config) Source(key string) string {
	if s, ok := c.sources[key]; ok {
		return s
	}
	return "default"
}

// Keys lists every configuration key in the order `config show` prints them.
func Keys() []string {
	out := make([]string, len(keyTable))
	for i, k := range keyTable {
		out[i] = k.name
	}
	return out
}

// Value returns the value of key formatted as in a TOML file, and whether
// the key exists.
func (c *Config) Value(key string) (string, bool) {
	for _, k := range keyTable {
		if k.name == key {
			return k.format(c), true
		}
	}
	return "", false
}

// Set overrides key with value (parsed as in a TOML file, without quotes)
// and records origin as its source, e.g. for a command-line flag.
func (c *Config) Set(key, value, origin string) error {
	for _, k := range keyTable {
		if k.name == key {
			if err := k.parse(c, value); err != nil {
				return fmt.Errorf("%s: %w", key, err)
			}
			c.setSource(key, origin)
			return nil
		}
	}
	return fmt.Errorf("unknown configuration key %q", key)
}

// WriteTOML writes the effective configuration as a TOML file, each value
// followed by a comment that says where it came from.
func (c *Config) WriteTOML(w io.Writer) error {
	bw := bufio.NewWriter(w)
	if len(c.Files) == 0 {
		fmt.Fprintf(bw, "# no configuration file; defaults and environment\n")
	} else {
		fmt.Fprintf(bw, "# files read: %s\n", strings.Join(c.Files, ", "))
	}
	inv := "FreeBSD's local.sqlite in " + c.FreeBSD.DBDir
	if d := c.DefaultInventory(); d.Pkgsrc {
		inv = "pkgsrc's PKG_DBDIR " + d.DBDir
	}
	why := c.Host.Why
	if why == "" {
		why = "not detected"
	}
	fmt.Fprintf(bw, "# host: %s (%s): `pkgaudit fetch` gets the %s feed into %s; `pkgaudit audit` audits %s against it\n",
		c.Host.Kind, why, c.DefaultFeed(), c.DefaultDatabase(), inv)
	table := ""
	for _, k := range keyTable {
		t, name, _ := strings.Cut(k.name, ".")
		if t != table {
			fmt.Fprintf(bw, "\n[%s]\n", t)
			table = t
		}
		fmt.Fprintf(bw, "%s = %s  # %s\n", name, k.format(c), c.Source(k.name))
	}
	return bw.Flush()
}

func (c *Config) setSource(key, src string) {
	if c.sources == nil {
		c.sources = map[string]string{}
	}
	c.sources[key] = src
}

func defaults(getenv func(string) string, p Paths) *Config {
	c := &Config{
		FreeBSD: FreeBSD{DBDir: DefaultFreeBSDDBDir, Site: DefaultSite},
		Pkgsrc:  Pkgsrc{URL: DefaultPkgsrcURL},
		Audit:   Audit{StaleDays: DefaultStaleDays, CacheDir: cacheDir(getenv)},
		Fetch: Fetch{
			MaxDownload:    DefaultMaxDownload,
			MaxUnpacked:    DefaultMaxUnpacked,
			Timeout:        DefaultTimeout,
			ConnectTimeout: DefaultConnectTimeout,
			IdleTimeout:    DefaultIdleTimeout,
			MaxRedirects:   DefaultMaxRedirects,
		},
		sources: map[string]string{},
	}
	if len(p.PkgsrcDBDirs) > 0 {
		c.Pkgsrc.DBDir = p.PkgsrcDBDirs[0]
		if !isDir(p.PkgsrcDBDirs[0]) {
			for _, d := range p.PkgsrcDBDirs[1:] {
				if isDir(d) {
					c.Pkgsrc.DBDir = d
					break
				}
			}
		}
	}
	return c
}

func userFile(getenv func(string) string) string {
	if x := getenv("XDG_CONFIG_HOME"); x != "" {
		return filepath.Join(x, "pkgaudit", "pkgaudit.toml")
	}
	if h := getenv("HOME"); h != "" {
		return filepath.Join(h, ".config", "pkgaudit", "pkgaudit.toml")
	}
	return ""
}

func cacheDir(getenv func(string) string) string { return DefaultCacheDir(getenv, geteuid()) }

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func isDir(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.IsDir()
}

func firstExisting(paths []string) string {
	for _, p := range paths {
		if exists(p) {
			return p
		}
	}
	return ""
}

// applyInstallConf takes the pkgsrc locations from pkg_install.conf.
func (c *Config) applyInstallConf(path string) error {
	data, err := safeopen.ReadFile(path)
	if err != nil {
		return fmt.Errorf("reading pkg_install.conf: %w", err)
	}
	vars, err := pkgsrc.ParseConf(bytes.NewReader(data))
	if err != nil {
		return fmt.Errorf("reading %s: %w", path, err)
	}
	c.Pkgsrc.InstallConf = path
	src := "pkg_install.conf " + path
	for _, m := range []struct {
		name, key string
		dst       *string
	}{
		{"PKG_DBDIR", "pkgsrc.dbdir", &c.Pkgsrc.DBDir},
		{"PKGVULNDIR", "pkgsrc.vulndir", &c.Pkgsrc.VulnDir},
		{"PKGVULNURL", "pkgsrc.url", &c.Pkgsrc.URL},
		{"GPG_KEYRING_PKGVULN", "pkgsrc.keyring", &c.Pkgsrc.Keyring},
	} {
		if v, ok := vars[m.name]; ok && v != "" {
			*m.dst = v
			c.setSource(m.key, src)
		}
	}
	c.setSource("pkgsrc.install_conf", src)
	return nil
}

// applyEnv applies the environment variables of the references.
func (c *Config) applyEnv(getenv func(string) string) {
	set := func(name, key string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
			c.setSource(key, "environment "+name)
		}
	}
	// PKG_DBDIR is one variable in both worlds.
	set("PKG_DBDIR", "freebsd.dbdir", &c.FreeBSD.DBDir)
	set("PKG_DBDIR", "pkgsrc.dbdir", &c.Pkgsrc.DBDir)
	set("VULNXML_SITE", "freebsd.site", &c.FreeBSD.Site)
	set("PKGVULNDIR", "pkgsrc.vulndir", &c.Pkgsrc.VulnDir)
	set("PKGVULNURL", "pkgsrc.url", &c.Pkgsrc.URL)
	set("GPG_KEYRING_PKGVULN", "pkgsrc.keyring", &c.Pkgsrc.Keyring)
	set("PKGAUDIT_CACHE_DIR", "audit.cache_dir", &c.Audit.CacheDir)
	if v := getenv("PKGAUDIT_OFFLINE"); v != "" && v != "0" && !strings.EqualFold(v, "no") && !strings.EqualFold(v, "false") {
		c.Fetch.Offline = true
		c.setSource("fetch.offline", "environment PKGAUDIT_OFFLINE")
	}
}

// derive fills the values that default to others.
func (c *Config) derive() {
	if _, ok := c.sources["freebsd.vulnxml"]; !ok {
		c.FreeBSD.VulnXML = filepath.Join(c.FreeBSD.DBDir, "vuln.xml")
		c.setSource("freebsd.vulnxml", "derived from freebsd.dbdir")
	}
	if _, ok := c.sources["pkgsrc.vulndir"]; !ok || c.Pkgsrc.VulnDir == "" {
		c.Pkgsrc.VulnDir = c.Pkgsrc.DBDir
		c.setSource("pkgsrc.vulndir", "derived from pkgsrc.dbdir")
	}
}

func (c *Config) check() error {
	for _, u := range []struct{ key, v string }{{"freebsd.site", c.FreeBSD.Site}, {"pkgsrc.url", c.Pkgsrc.URL}} {
		if err := CheckURL(u.v); err != nil {
			return fmt.Errorf("%s (from %s): %w", u.key, c.Source(u.key), err)
		}
	}
	return nil
}

// CheckURL accepts the URLs pkgaudit can fetch: http, https and file.
func CheckURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return fmt.Errorf("URL %q has no host", s)
		}
		return nil
	case "file":
		if u.Path == "" {
			return fmt.Errorf("URL %q has no path", s)
		}
		return nil
	case "":
		return fmt.Errorf("URL %q has no scheme (want http, https or file)", s)
	}
	return fmt.Errorf("URL %q: unsupported scheme %q (want http, https or file)", s, u.Scheme)
}

// ---- the TOML file ----

// opt is a value a file may or may not set.
type opt[T any] struct {
	v   T
	set bool
}

func (o *opt[T]) UnmarshalTOML(v any) error {
	t, ok := v.(T)
	if !ok {
		var zero T
		return fmt.Errorf("want %s, not %s", tomlfile.Kind(zero), tomlfile.Kind(v))
	}
	o.v, o.set = t, true
	return nil
}

// sizeOpt is a byte count: an integer, or a string such as "64MiB".
type sizeOpt struct {
	v   int64
	set bool
}

func (o *sizeOpt) UnmarshalTOML(v any) error {
	switch x := v.(type) {
	case int64:
		if x <= 0 {
			return fmt.Errorf("size must be positive, not %d", x)
		}
		o.v = x
	case string:
		n, err := ParseSize(x)
		if err != nil {
			return err
		}
		o.v = n
	default:
		return fmt.Errorf("want a size (bytes, or a string such as \"64MiB\"), not %s", tomlfile.Kind(v))
	}
	o.set = true
	return nil
}

// durOpt is a duration: a string such as "30s" or "5m".
type durOpt struct {
	v   time.Duration
	set bool
}

func (o *durOpt) UnmarshalTOML(v any) error {
	s, ok := v.(string)
	if !ok {
		return fmt.Errorf("want a duration such as \"30s\", not %s", tomlfile.Kind(v))
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("bad duration %q (want e.g. \"30s\", \"5m\")", s)
	}
	if d <= 0 {
		return fmt.Errorf("duration must be positive, not %q", s)
	}
	o.v, o.set = d, true
	return nil
}

type fileFormat struct {
	FreeBSD struct {
		DBDir   opt[string] `toml:"dbdir"`
		VulnXML opt[string] `toml:"vulnxml"`
		Site    opt[string] `toml:"site"`
	} `toml:"freebsd"`
	Pkgsrc struct {
		DBDir       opt[string] `toml:"dbdir"`
		VulnDir     opt[string] `toml:"vulndir"`
		URL         opt[string] `toml:"url"`
		Keyring     opt[string] `toml:"keyring"`
		InstallConf opt[string] `toml:"install_conf"`
	} `toml:"pkgsrc"`
	Audit struct {
		IgnoreFile opt[string] `toml:"ignore_file"`
		StaleDays  opt[int64]  `toml:"stale_days"`
		CacheDir   opt[string] `toml:"cache_dir"`
	} `toml:"audit"`
	Fetch struct {
		MaxDownload    sizeOpt    `toml:"max_download"`
		MaxUnpacked    sizeOpt    `toml:"max_unpacked"`
		Timeout        durOpt     `toml:"timeout"`
		ConnectTimeout durOpt     `toml:"connect_timeout"`
		IdleTimeout    durOpt     `toml:"idle_timeout"`
		MaxRedirects   opt[int64] `toml:"max_redirects"`
		Offline        opt[bool]  `toml:"offline"`
	} `toml:"fetch"`

	path string
	data []byte
}

func readFile(path string) (*fileFormat, error) {
	f, err := safeopen.Open(path)
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("reading configuration %s: %w", path, err)
	}
	if len(data) > MaxFileSize {
		return nil, &Error{File: path, Err: fmt.Errorf("larger than %d bytes", MaxFileSize)}
	}
	return parse(data, path)
}

// Check checks the content of a configuration file without applying it;
// file names it in errors, which are *Error with the line.
func Check(data []byte, file string) error {
	_, err := parse(data, file)
	return err
}

// CheckAll is Check reporting every error of the file, in line order,
// not only the first: every unknown key and every bad value. A file that
// is not TOML has one error, where its syntax breaks.
func CheckAll(data []byte, file string) []error {
	_, errs := parseAll(data, file)
	return errs
}

func parse(data []byte, file string) (*fileFormat, error) {
	ff, errs := parseAll(data, file)
	if len(errs) > 0 {
		return nil, errs[0]
	}
	return ff, nil
}

func parseAll(data []byte, file string) (*fileFormat, []error) {
	ff := &fileFormat{path: file, data: data}
	md, err := tomlfile.Decode(data, file, ff)
	if err != nil {
		return nil, []error{err}
	}
	var errs []error
	for _, k := range md.Undecoded() {
		errs = append(errs, &Error{File: file, Line: tomlfile.KeyLine(data, k), Err: fmt.Errorf("unknown key %q (known: %s)", k.String(), knownKeys(k))})
	}
	if ff.Audit.StaleDays.set && ff.Audit.StaleDays.v < 0 {
		errs = append(errs, ff.errAt("audit.stale_days", errors.New("must not be negative")))
	}
	if ff.Fetch.MaxRedirects.set && (ff.Fetch.MaxRedirects.v < 0 || ff.Fetch.MaxRedirects.v > 100) {
		errs = append(errs, ff.errAt("fetch.max_redirects", errors.New("must be between 0 and 100")))
	}
	for _, u := range []struct {
		key string
		o   opt[string]
	}{{"freebsd.site", ff.FreeBSD.Site}, {"pkgsrc.url", ff.Pkgsrc.URL}} {
		if u.o.set {
			if err := CheckURL(u.o.v); err != nil {
				errs = append(errs, ff.errAt(u.key, err))
			}
		}
	}
	// In line order (unknown keys come first from the decoder).
	slices.SortStableFunc(errs, func(a, b error) int { return errLine(a) - errLine(b) })
	return ff, errs
}

func errLine(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.Line
	}
	return 0
}

func (ff *fileFormat) errAt(key string, err error) error {
	return &Error{File: ff.path, Line: tomlfile.KeyLine(ff.data, strings.Split(key, ".")), Err: fmt.Errorf("%s: %w", key, err)}
}

// line returns "FILE:LINE" for key, the source of a value.
func (ff *fileFormat) where(key string) string {
	if l := tomlfile.KeyLine(ff.data, strings.Split(key, ".")); l > 0 {
		return ff.path + ":" + strconv.Itoa(l)
	}
	return ff.path
}

func (c *Config) applyFile(ff *fileFormat) error {
	dir := filepath.Dir(ff.path)
	path := func(key string, o opt[string], dst *string) {
		if !o.set {
			return
		}
		v := o.v
		if v != "" && !filepath.IsAbs(v) {
			v = filepath.Join(dir, v)
		}
		*dst = v
		c.setSource(key, ff.where(key))
	}
	str := func(key string, o opt[string], dst *string) {
		if o.set {
			*dst = o.v
			c.setSource(key, ff.where(key))
		}
	}
	path("freebsd.dbdir", ff.FreeBSD.DBDir, &c.FreeBSD.DBDir)
	path("freebsd.vulnxml", ff.FreeBSD.VulnXML, &c.FreeBSD.VulnXML)
	str("freebsd.site", ff.FreeBSD.Site, &c.FreeBSD.Site)
	path("pkgsrc.dbdir", ff.Pkgsrc.DBDir, &c.Pkgsrc.DBDir)
	path("pkgsrc.vulndir", ff.Pkgsrc.VulnDir, &c.Pkgsrc.VulnDir)
	str("pkgsrc.url", ff.Pkgsrc.URL, &c.Pkgsrc.URL)
	path("pkgsrc.keyring", ff.Pkgsrc.Keyring, &c.Pkgsrc.Keyring)
	if ff.Pkgsrc.InstallConf.set {
		c.setSource("pkgsrc.install_conf", ff.where("pkgsrc.install_conf"))
	}
	path("audit.ignore_file", ff.Audit.IgnoreFile, &c.Audit.IgnoreFile)
	path("audit.cache_dir", ff.Audit.CacheDir, &c.Audit.CacheDir)
	if o := ff.Audit.StaleDays; o.set {
		c.Audit.StaleDays = int(o.v)
		c.setSource("audit.stale_days", ff.where("audit.stale_days"))
	}
	f := &ff.Fetch
	for _, s := range []struct {
		key string
		o   sizeOpt
		dst *int64
	}{{"fetch.max_download", f.MaxDownload, &c.Fetch.MaxDownload}, {"fetch.max_unpacked", f.MaxUnpacked, &c.Fetch.MaxUnpacked}} {
		if s.o.set {
			*s.dst = s.o.v
			c.setSource(s.key, ff.where(s.key))
		}
	}
	for _, d := range []struct {
		key string
		o   durOpt
		dst *time.Duration
	}{{"fetch.timeout", f.Timeout, &c.Fetch.Timeout}, {"fetch.connect_timeout", f.ConnectTimeout, &c.Fetch.ConnectTimeout}, {"fetch.idle_timeout", f.IdleTimeout, &c.Fetch.IdleTimeout}} {
		if d.o.set {
			*d.dst = d.o.v
			c.setSource(d.key, ff.where(d.key))
		}
	}
	if f.MaxRedirects.set {
		c.Fetch.MaxRedirects = int(f.MaxRedirects.v)
		c.setSource("fetch.max_redirects", ff.where("fetch.max_redirects"))
	}
	if f.Offline.set {
		c.Fetch.Offline = f.Offline.v
		c.setSource("fetch.offline", ff.where("fetch.offline"))
	}
	return nil
}

// ParseSize reads a byte count: digits with an optional unit B, KB, MB,
// GB (powers of 1000), KiB, MiB, GiB (powers of 1024), or K, M, G (1024).
func ParseSize(s string) (int64, error) {
	t := strings.TrimSpace(s)
	i := 0
	for i < len(t) && t[i] >= '0' && t[i] <= '9' {
		i++
	}
	if i == 0 {
		return 0, fmt.Errorf("bad size %q (want e.g. 67108864 or \"64MiB\")", s)
	}
	n, err := strconv.ParseInt(t[:i], 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad size %q: %v", s, err)
	}
	mult := map[string]int64{"": 1, "B": 1, "K": 1 << 10, "KIB": 1 << 10, "KB": 1000, "M": 1 << 20, "MIB": 1 << 20, "MB": 1000 * 1000,
		"G": 1 << 30, "GIB": 1 << 30, "GB": 1000 * 1000 * 1000}[strings.ToUpper(strings.TrimSpace(t[i:]))]
	if mult == 0 {
		return 0, fmt.Errorf("bad size %q: unknown unit %q (want B, KiB, MiB, GiB, KB, MB, GB)", s, strings.TrimSpace(t[i:]))
	}
	if n <= 0 {
		return 0, fmt.Errorf("size must be positive, not %q", s)
	}
	if n > (1<<62)/mult {
		return 0, fmt.Errorf("size %q too large", s)
	}
	return n * mult, nil
}

// ---- key table: formatting, Set, known-key messages ----

type keyDef struct {
	name   string
	format func(*Config) string
	parse  func(*Config, string) error
}

func strKey(name string, field func(*Config) *string) keyDef {
	return keyDef{name,
		func(c *Config) string { return strconv.Quote(*field(c)) },
		func(c *Config, v string) error { *field(c) = v; return nil }}
}

func urlKey(name string, field func(*Config) *string) keyDef {
	k := strKey(name, field)
	k.parse = func(c *Config, v string) error {
		if err := CheckURL(v); err != nil {
			return err
		}
		*field(c) = v
		return nil
	}
	return k
}

func sizeKey(name string, field func(*Config) *int64) keyDef {
	return keyDef{name,
		func(c *Config) string { return strconv.Quote(bytesize.Compact(*field(c))) },
		func(c *Config, v string) error {
			n, err := ParseSize(v)
			if err == nil {
				*field(c) = n
			}
			return err
		}}
}

func durKey(name string, field func(*Config) *time.Duration) keyDef {
	return keyDef{name,
		func(c *Config) string { return strconv.Quote(field(c).String()) },
		func(c *Config, v string) error {
			var o durOpt
			if err := o.UnmarshalTOML(v); err != nil {
				return err
			}
			*field(c) = o.v
			return nil
		}}
}

func intKey(name string, min, max int, field func(*Config) *int) keyDef {
	return keyDef{name,
		func(c *Config) string { return strconv.Itoa(*field(c)) },
		func(c *Config, v string) error {
			n, err := strconv.Atoi(v)
			if err != nil || n < min || n > max {
				return fmt.Errorf("want an integer from %d to %d, not %q", min, max, v)
			}
			*field(c) = n
			return nil
		}}
}

var keyTable = []keyDef{
	strKey("freebsd.dbdir", func(c *Config) *string { return &c.FreeBSD.DBDir }),
	strKey("freebsd.vulnxml", func(c *Config) *string { return &c.FreeBSD.VulnXML }),
	urlKey("freebsd.site", func(c *Config) *string { return &c.FreeBSD.Site }),
	strKey("pkgsrc.dbdir", func(c *Config) *string { return &c.Pkgsrc.DBDir }),
	strKey("pkgsrc.vulndir", func(c *Config) *string { return &c.Pkgsrc.VulnDir }),
	urlKey("pkgsrc.url", func(c *Config) *string { return &c.Pkgsrc.URL }),
	strKey("pkgsrc.keyring", func(c *Config) *string { return &c.Pkgsrc.Keyring }),
	strKey("pkgsrc.install_conf", func(c *Config) *string { return &c.Pkgsrc.InstallConf }),
	strKey("audit.ignore_file", func(c *Config) *string { return &c.Audit.IgnoreFile }),
	intKey("audit.stale_days", 0, 1<<20, func(c *Config) *int { return &c.Audit.StaleDays }),
	strKey("audit.cache_dir", func(c *Config) *string { return &c.Audit.CacheDir }),
	sizeKey("fetch.max_download", func(c *Config) *int64 { return &c.Fetch.MaxDownload }),
	sizeKey("fetch.max_unpacked", func(c *Config) *int64 { return &c.Fetch.MaxUnpacked }),
	durKey("fetch.timeout", func(c *Config) *time.Duration { return &c.Fetch.Timeout }),
	durKey("fetch.connect_timeout", func(c *Config) *time.Duration { return &c.Fetch.ConnectTimeout }),
	durKey("fetch.idle_timeout", func(c *Config) *time.Duration { return &c.Fetch.IdleTimeout }),
	intKey("fetch.max_redirects", 0, 100, func(c *Config) *int { return &c.Fetch.MaxRedirects }),
	{"fetch.offline",
		func(c *Config) string { return strconv.FormatBool(c.Fetch.Offline) },
		func(c *Config, v string) error {
			b, err := strconv.ParseBool(v)
			if err != nil {
				return fmt.Errorf("want true or false, not %q", v)
			}
			c.Fetch.Offline = b
			return nil
		}},
}

// knownKeys lists the keys allowed where k was found.
func knownKeys(k toml.Key) string {
	var tables, names []string
	seen := map[string]bool{}
	for _, d := range keyTable {
		t, n, _ := strings.Cut(d.name, ".")
		if !seen[t] {
			seen[t] = true
			tables = append(tables, "["+t+"]")
		}
		if len(k) >= 2 && t == k[0] {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "tables " + strings.Join(tables, ", ")
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
