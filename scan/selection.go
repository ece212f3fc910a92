package scan

import (
	"io"
	"strings"

	"github.com/pkgaudit/pkgaudit/config"
	"github.com/pkgaudit/pkgaudit/inventory"
)

// Selection is what a command names to audit (pkgaudit audit's and
// report's source flags), before the host's defaults apply.
type Selection struct {
	Operands    []string  // name-version operands
	Lists       []string  // list files (--from); "-" reads Stdin
	Stdin       io.Reader // standard input
	PkgsrcDBDir string    // pkgsrc's installed packages (--pkgsrc-dbdir)
	PackageDir  string    // package files (-d)
	NamesOnly   bool      // -d: names and versions from *.pkg file names only
	Index       string    // a ports INDEX, audited and telling available versions
	Available   string    // a ports INDEX telling available versions only
	Base        bool      // this host's base system
	BaseVersion string    // a base system "USERLAND[,KERNEL]" (freebsd-version strings)
	Installed   bool      // the FreeBSD installed packages (local.sqlite)
	Chroot      string    // the FreeBSD installed packages of the system rooted there
}

// Sources maps the selection to inventory sources, in the order pkg lists
// them, and to the INDEX files that tell which versions exist (Request's
// Available). Without any source the host's installed packages are
// audited (config.DefaultInventory): FreeBSD's local.sqlite, or pkgsrc's
// PKG_DBDIR on a pkgsrc host. databases are the default databases for
// what is audited (config.DefaultDatabases): FreeBSD's for FreeBSD sources
// (installed, jails, INDEX, base), pkgsrc's for a PKG_DBDIR, the host's
// for operands, lists and package files.
func (s Selection) Sources(cfg *config.Config) (sources, available []inventory.Source, databases []string) {
	if len(s.Operands) > 0 {
		sources = append(sources, inventory.Operands(s.Operands))
	}
	for _, name := range s.Lists {
		sources = append(sources, inventory.List(name, s.Stdin))
	}
	if s.PkgsrcDBDir != "" {
		sources = append(sources, inventory.PkgsrcInstalled(s.PkgsrcDBDir))
	}
	if s.PackageDir != "" {
		sources = append(sources, inventory.PackageFiles(s.PackageDir, s.NamesOnly))
	}
	if s.Index != "" {
		index := inventory.PortsIndex(s.Index)
		sources, available = append(sources, index), append(available, index)
	}
	if s.Available != "" {
		available = append(available, inventory.PortsIndex(s.Available))
	}
	switch {
	case s.BaseVersion != "":
		user, kernel, _ := strings.Cut(s.BaseVersion, ",")
		sources = append(sources, inventory.BaseSystem(user, kernel))
	case s.Base:
		sources = append(sources, inventory.HostBaseSystem())
	}
	if s.Chroot != "" {
		sources = append(sources, inventory.InstalledInRoot(s.Chroot))
	}
	freebsd := s.Installed || s.Index != "" || s.Base || s.BaseVersion != "" || s.Chroot != ""
	pkgsrc := s.PkgsrcDBDir != ""
	other := len(s.Operands) > 0 || len(s.Lists) > 0 || s.PackageDir != ""
	switch inv := cfg.DefaultInventory(); {
	case s.Installed:
		sources = append(sources, inventory.Installed(cfg.FreeBSD.DBDir))
	case len(sources) > 0:
	case inv.Pkgsrc:
		sources = append(sources, inventory.PkgsrcHostInstalled(inv.DBDir))
	default:
		sources = append(sources, inventory.Installed(inv.DBDir))
	}
	return sources, available, cfg.DefaultDatabases(freebsd, pkgsrc, other)
}
