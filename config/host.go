package config

import (
	"path/filepath"
	"runtime"
	"strings"
)

// HostKind is the package system whose defaults pkgaudit follows.
type HostKind int

// Host kinds.
const (
	// HostOther: neither FreeBSD nor pkgsrc was found; FreeBSD's
	// defaults apply (vuln.xml, local.sqlite), as for `pkg audit`.
	HostOther HostKind = iota
	// HostFreeBSD: FreeBSD or DragonFly, FreeBSD pkg.
	HostFreeBSD
	// HostPkgsrc: NetBSD, or a system with pkgsrc's pkg_install under
	// one of PkgsrcPrefixes.
	HostPkgsrc
)

func (k HostKind) String() string {
	switch k {
	case HostFreeBSD:
		return "freebsd"
	case HostPkgsrc:
		return "pkgsrc"
	}
	return "other"
}

// PkgsrcPrefixes are the pkgsrc installation prefixes (LOCALBASE) looked
// for, in order: NetBSD and most bootstraps; Joyent's macOS packages;
// SmartOS and illumos. A prefix counts when it holds pkg_install
// (sbin/pkg_admin or sbin/pkg_info) or etc/pkg_install.conf: MacPorts also
// uses /opt/local, without either.
var PkgsrcPrefixes = []string{"/usr/pkg", "/opt/pkg", "/opt/local"}

// Host is the machine pkgaudit runs on, as far as its defaults care.
type Host struct {
	GOOS string
	Kind HostKind
	// Prefix is pkgsrc's prefix on a pkgsrc host ("" elsewhere, and on a
	// NetBSD host that has none yet).
	Prefix string
	// Why says how Kind was decided ("NetBSD", "pkgsrc's pkg_install in
	// /opt/pkg", ...), for `config show`.
	Why string
}

// DetectHost decides the host from the operating system goos and the
// files under root ("/" on a real system; tests pass a directory laid out
// like one). FreeBSD and DragonFly are FreeBSD hosts; NetBSD is a pkgsrc
// host; any other system is a pkgsrc host when pkg_install is installed
// under one of PkgsrcPrefixes, else HostOther.
func DetectHost(goos, root string) Host {
	h := Host{GOOS: goos}
	switch goos {
	case "freebsd", "dragonfly":
		h.Kind, h.Why = HostFreeBSD, "FreeBSD pkg on "+goos
		return h
	}
	for _, p := range PkgsrcPrefixes {
		dir := filepath.Join(root, p)
		for _, f := range []string{"sbin/pkg_admin", "sbin/pkg_info", "etc/pkg_install.conf"} {
			if exists(filepath.Join(dir, f)) {
				h.Kind, h.Prefix = HostPkgsrc, dir
				h.Why = "pkgsrc's pkg_install in " + dir + " on " + goos
				return h
			}
		}
	}
	if goos == "netbsd" {
		h.Kind, h.Why = HostPkgsrc, "NetBSD, pkgsrc not installed yet"
		return h
	}
	h.Why = "no package system found on " + goos + "; FreeBSD's defaults"
	return h
}

// HostPaths are the standard locations on host: the system pkgaudit.toml
// (under the FreeBSD or pkgsrc prefix), pkg_install.conf (in the pkgsrc
// prefix, then /etc) and the default pkgsrc PKG_DBDIR candidates (the
// prefix's pkgdb, then its pkg, as Joyent's packages have it, then
// NetBSD's older /var/db/pkg). root is the directory the host's files are
// under ("/" on a real system).
func HostPaths(h Host, root string) Paths {
	prefix := h.Prefix
	if prefix == "" {
		prefix = filepath.Join(root, PkgsrcPrefixes[0])
	}
	etc := filepath.Join(root, "/etc")
	p := Paths{
		Host:         h,
		System:       []string{filepath.Join(prefix, "etc/pkgaudit.toml"), filepath.Join(etc, "pkgaudit.toml")},
		InstallConf:  []string{filepath.Join(prefix, "etc/pkg_install.conf"), filepath.Join(etc, "pkg_install.conf")},
		PkgsrcDBDirs: []string{filepath.Join(prefix, "pkgdb"), filepath.Join(prefix, "pkg"), filepath.Join(root, "/var/db/pkg")},
	}
	if h.Kind == HostFreeBSD {
		p.System[0] = filepath.Join(root, "/usr/local/etc/pkgaudit.toml")
	}
	return p
}

// DefaultPaths are the standard locations for the running system.
func DefaultPaths() Paths {
	return HostPaths(DetectHost(runtime.GOOS, "/"), "/")
}

// Inventory is where the installed packages are audited from when no
// source is named.
type Inventory struct {
	// Pkgsrc: DBDir is pkgsrc's PKG_DBDIR (a directory per package);
	// otherwise FreeBSD's PKG_DBDIR, holding local.sqlite.
	Pkgsrc bool
	DBDir  string
}

// DefaultFeed is the feed `pkgaudit fetch` gets without --feed: "pkgsrc"
// on a pkgsrc host, else "freebsd". It fills DefaultDatabase.
func (c *Config) DefaultFeed() string {
	if c.Host.Kind == HostPkgsrc {
		return "pkgsrc"
	}
	return "freebsd"
}

// DefaultDatabase is the database `pkgaudit audit` reads without -f, the
// one `pkgaudit fetch` writes without --feed: $PKGVULNDIR/
// pkg-vulnerabilities on a pkgsrc host, else freebsd.vulnxml.
func (c *Config) DefaultDatabase() string {
	if c.Host.Kind == HostPkgsrc {
		return c.Pkgsrc.VulnFile()
	}
	return c.FreeBSD.VulnXML
}

// DefaultDatabases are the databases for an audit without -f, by the
// kinds of package sources named: FreeBSD ones (installed, INDEX, base),
// pkgsrc ones (a pkgsrc PKG_DBDIR), and others (operands, lists, package
// files), which count as the host's kind. FreeBSD's vuln.xml for FreeBSD
// packages, pkgsrc's pkg-vulnerabilities for pkgsrc ones, both (in that
// order) for both; the host's (DefaultDatabase) when no source is named.
func (c *Config) DefaultDatabases(freebsdSources, pkgsrcSources, otherSources bool) []string {
	if otherSources || (!freebsdSources && !pkgsrcSources) {
		if c.Host.Kind == HostPkgsrc {
			pkgsrcSources = true
		} else {
			freebsdSources = true
		}
	}
	var dbs []string
	if freebsdSources {
		dbs = append(dbs, c.FreeBSD.VulnXML)
	}
	if pkgsrcSources {
		dbs = append(dbs, c.Pkgsrc.VulnFile())
	}
	return dbs
}

// DefaultInventory is what `pkgaudit audit` audits when no source is
// named: pkgsrc's PKG_DBDIR on a pkgsrc host, else FreeBSD's local.sqlite
// in freebsd.dbdir.
func (c *Config) DefaultInventory() Inventory {
	if c.Host.Kind == HostPkgsrc {
		return Inventory{Pkgsrc: true, DBDir: c.Pkgsrc.DBDir}
	}
	return Inventory{DBDir: c.FreeBSD.DBDir}
}

// FetchCommand is the command that downloads the database file path,
// for hints: `pkgaudit fetch` for the host's database, `pkgaudit fetch
// --feed F` for the other feed's default file, `pkgaudit fetch --feed F
// -o PATH` for any other file (pkgsrc for a name starting with
// "pkg-vulnerabilities", FreeBSD otherwise, as `audit -F` decides), ""
// for OSV records (.json, .zip), which no feed fills.
func (c *Config) FetchCommand(path string) string {
	clean := filepath.Clean(path)
	switch ext := strings.ToLower(filepath.Ext(clean)); {
	case clean == filepath.Clean(c.DefaultDatabase()):
		return "pkgaudit fetch"
	case clean == filepath.Clean(c.Pkgsrc.VulnFile()):
		return "pkgaudit fetch --feed pkgsrc"
	case clean == filepath.Clean(c.FreeBSD.VulnXML):
		return "pkgaudit fetch --feed freebsd"
	case ext == ".json" || ext == ".zip":
		return ""
	case strings.HasPrefix(filepath.Base(clean), "pkg-vulnerabilities"):
		return "pkgaudit fetch --feed pkgsrc -o " + path
	}
	return "pkgaudit fetch --feed freebsd -o " + path
}
