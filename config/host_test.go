package config

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestDetectHost (issue 11, B.8): the host decides the defaults.
func TestDetectHost(t *testing.T) {
	for _, c := range []struct {
		name, goos string
		files      []string
		kind       HostKind
		prefix     string // under root
	}{
		{"FreeBSD", "freebsd", nil, HostFreeBSD, ""},
		{"FreeBSD with a stray /usr/pkg", "freebsd", []string{"usr/pkg/sbin/pkg_admin"}, HostFreeBSD, ""},
		{"DragonFly", "dragonfly", nil, HostFreeBSD, ""},
		{"NetBSD", "netbsd", []string{"usr/pkg/sbin/pkg_admin"}, HostPkgsrc, "/usr/pkg"},
		{"NetBSD before pkgsrc", "netbsd", nil, HostPkgsrc, ""},
		{"macOS, Joyent's pkgsrc", "darwin", []string{"opt/pkg/sbin/pkg_info"}, HostPkgsrc, "/opt/pkg"},
		{"macOS, MacPorts", "darwin", []string{"opt/local/bin/port"}, HostOther, ""},
		{"SmartOS", "illumos", []string{"opt/local/etc/pkg_install.conf"}, HostPkgsrc, "/opt/local"},
		{"Linux, pkgsrc bootstrap", "linux", []string{"usr/pkg/sbin/pkg_admin", "opt/local/sbin/pkg_admin"}, HostPkgsrc, "/usr/pkg"},
		{"Linux", "linux", nil, HostOther, ""},
	} {
		root := t.TempDir()
		for _, f := range c.files {
			writeFile(t, root, f, "")
		}
		h := DetectHost(c.goos, root)
		want := ""
		if c.prefix != "" {
			want = filepath.Join(root, c.prefix)
		}
		if h.Kind != c.kind || h.Prefix != want || h.GOOS != c.goos || h.Why == "" {
			t.Errorf("%s: %+v, want %v prefix %q", c.name, h, c.kind, want)
		}
	}
}

// TestHostDefaults (B.8): on a pkgsrc host the default database, feed and
// inventory are pkgsrc's, PKG_DBDIR from the prefix's pkg_install.conf or
// the prefix's own directory; elsewhere FreeBSD's.
func TestHostDefaults(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "opt/pkg/sbin/pkg_admin", "")
	writeFile(t, root, "opt/pkg/pkg/.keep", "") // Joyent's PKG_DBDIR
	h := DetectHost("darwin", root)
	c, err := LoadPaths("", envOf(nil), HostPaths(h, root))
	if err != nil {
		t.Fatal(err)
	}
	dbdir := filepath.Join(root, "opt/pkg/pkg")
	if c.Pkgsrc.DBDir != dbdir || c.DefaultFeed() != "pkgsrc" || c.DefaultDatabase() != filepath.Join(dbdir, "pkg-vulnerabilities") ||
		c.DefaultInventory() != (Inventory{Pkgsrc: true, DBDir: dbdir}) {
		t.Errorf("pkgsrc host: dbdir %q feed %q database %q inventory %+v", c.Pkgsrc.DBDir, c.DefaultFeed(), c.DefaultDatabase(), c.DefaultInventory())
	}
	// pkg_install.conf in the prefix names PKG_DBDIR.
	writeFile(t, root, "opt/pkg/etc/pkg_install.conf", "PKG_DBDIR=/var/db/pkgsrc\n")
	c, err = LoadPaths("", envOf(nil), HostPaths(h, root))
	if err != nil {
		t.Fatal(err)
	}
	if c.DefaultInventory().DBDir != "/var/db/pkgsrc" || c.DefaultDatabase() != "/var/db/pkgsrc/pkg-vulnerabilities" {
		t.Errorf("pkg_install.conf: inventory %+v database %q", c.DefaultInventory(), c.DefaultDatabase())
	}
	var show strings.Builder
	c.WriteTOML(&show)
	if !strings.Contains(show.String(), "# host: pkgsrc (pkgsrc's pkg_install in "+filepath.Join(root, "opt/pkg")+" on darwin): `pkgaudit fetch` gets the pkgsrc feed into /var/db/pkgsrc/pkg-vulnerabilities; `pkgaudit audit` audits pkgsrc's PKG_DBDIR /var/db/pkgsrc against it\n") {
		t.Errorf("config show:\n%s", show.String())
	}
	// FreeBSD, and a host without a package system.
	for _, goos := range []string{"freebsd", "linux"} {
		c, err := LoadPaths("", envOf(nil), HostPaths(DetectHost(goos, t.TempDir()), "/nonexistent"))
		if err != nil {
			t.Fatal(err)
		}
		if c.DefaultFeed() != "freebsd" || c.DefaultDatabase() != "/var/db/pkg/vuln.xml" || c.DefaultInventory() != (Inventory{DBDir: "/var/db/pkg"}) {
			t.Errorf("%s: feed %q database %q inventory %+v", goos, c.DefaultFeed(), c.DefaultDatabase(), c.DefaultInventory())
		}
	}
}

// TestFetchCommand (B.8): the hint names the command that fills the
// missing file.
func TestFetchCommand(t *testing.T) {
	c, err := LoadPaths("", envOf(map[string]string{"PKG_DBDIR": "/db"}), Paths{Host: Host{Kind: HostPkgsrc}})
	if err != nil {
		t.Fatal(err)
	}
	for path, want := range map[string]string{
		"/db/pkg-vulnerabilities":     "pkgaudit fetch",
		"/db/vuln.xml":                "pkgaudit fetch --feed freebsd",
		"/srv/pkg-vulnerabilities.gz": "pkgaudit fetch --feed pkgsrc -o /srv/pkg-vulnerabilities.gz",
		"/srv/vuln.xml":               "pkgaudit fetch --feed freebsd -o /srv/vuln.xml",
		"/srv/osv.zip":                "",
		"/srv/GHSA-xxxx.json":         "",
	} {
		if got := c.FetchCommand(path); got != want {
			t.Errorf("%s: %q, want %q", path, got, want)
		}
	}
	c.Host.Kind = HostFreeBSD
	if got := c.FetchCommand("/db/vuln.xml"); got != "pkgaudit fetch" {
		t.Errorf("FreeBSD host: %q", got)
	}
}

// TestDefaultDatabases (B.8): the databases follow the kinds of sources;
// operands and lists count as the host's kind.
func TestDefaultDatabases(t *testing.T) {
	const vx, pv = "/db/vuln.xml", "/db/pkg-vulnerabilities"
	for _, c := range []struct {
		kind                   HostKind
		freebsd, pkgsrc, other bool
		want                   string
	}{
		{HostOther, false, false, false, vx},
		{HostFreeBSD, false, false, true, vx},
		{HostPkgsrc, false, false, false, pv},
		{HostPkgsrc, false, false, true, pv},
		{HostPkgsrc, true, false, false, vx},
		{HostFreeBSD, false, true, false, pv},
		{HostFreeBSD, false, true, true, vx + " " + pv},
		{HostPkgsrc, true, true, false, vx + " " + pv},
		{HostPkgsrc, true, false, true, vx + " " + pv},
	} {
		cfg, err := LoadPaths("", envOf(map[string]string{"PKG_DBDIR": "/db"}), Paths{Host: Host{Kind: c.kind}})
		if err != nil {
			t.Fatal(err)
		}
		if got := strings.Join(cfg.DefaultDatabases(c.freebsd, c.pkgsrc, c.other), " "); got != c.want {
			t.Errorf("%+v: %q", c, got)
		}
	}
}
