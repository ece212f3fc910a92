// Package remediate turns audit findings into remediation guides: what
// the vulnerability is, how to confirm it, the exact commands that fix it
// on the host's system (FreeBSD pkg or ports, NetBSD pkgin, pkgsrc built
// from source, pkgsrc on illumos/SmartOS, macOS and Linux), the
// alternatives (pin, roll back, stop the service), how to verify and roll
// back, how to prevent it next time, the reverse dependencies the fix
// touches and the rc.d services the package ships.
//
// Every command a guide prints comes from Commands, one table of real
// commands per system; nothing else is ever printed as a command.
package remediate

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// System is a kind of host.
type System string

// Systems.
const (
	FreeBSD       System = "freebsd"        // FreeBSD with pkg(8) and the ports tree
	NetBSD        System = "netbsd"         // NetBSD: base pkg_install, pkgin and pkgsrc in /usr/pkg
	PkgsrcSmartOS System = "pkgsrc-smartos" // pkgsrc on illumos / SmartOS, prefix /opt/local
	PkgsrcMacOS   System = "pkgsrc-macos"   // pkgsrc on macOS, prefix /opt/pkg
	PkgsrcLinux   System = "pkgsrc-linux"   // pkgsrc on Linux, prefix /usr/pkg
)

// Systems lists every system, in the order --os documents them.
var Systems = []System{FreeBSD, NetBSD, PkgsrcSmartOS, PkgsrcMacOS, PkgsrcLinux}

// IsPkgsrc reports whether s manages packages with pkgsrc.
func (s System) IsPkgsrc() bool { return s != FreeBSD }

// ParseSystem reads an --os value.
func ParseSystem(s string) (System, error) {
	for _, x := range Systems {
		if string(x) == s {
			return x, nil
		}
	}
	names := make([]string, len(Systems))
	for i, x := range Systems {
		names[i] = string(x)
	}
	return "", fmt.Errorf("unknown system %q (one of %s)", s, strings.Join(names, ", "))
}

// Action names one step a guide can tell to run.
type Action string

// Actions.
const (
	Info          Action = "info"           // show the installed package
	RepoUpdate    Action = "repo-update"    // refresh the binary repository catalogue
	UpgradeBinary Action = "upgrade-binary" // upgrade the package from binary packages
	UpgradeSource Action = "upgrade-source" // rebuild and replace it from the ports / pkgsrc tree
	UpgradeTool   Action = "upgrade-tool"   // the same with a ports management tool
	Backup        Action = "backup"         // save the installed version as a package file
	Restore       Action = "restore"        // reinstall a saved package file
	RestoreCache  Action = "restore-cache"  // reinstall the old version from the package cache
	UndoSource    Action = "undo-source"    // undo a source upgrade
	Lock          Action = "lock"           // pin the package at its version
	Unlock        Action = "unlock"         // release the pin
	ServiceStop   Action = "service-stop"   // stop a service
	ServiceStart  Action = "service-restart"
	ServiceOff    Action = "service-disable" // keep it from starting at boot
	Audit         Action = "audit"           // pkgaudit over the operand
	AuditHost     Action = "audit-host"      // pkgaudit over the installed packages
	Fetch         Action = "fetch"           // pkgaudit fetch
	PeriodicOn    Action = "periodic-enable" // enable the system's daily audit
	BaseFetch     Action = "base-fetch"      // download base-system updates
	BaseInstall   Action = "base-install"    // install them
	BaseRollback  Action = "base-rollback"   // undo the last base-system update
	BaseVersion   Action = "base-version"    // show the running base-system versions
)

// Command is one entry of the table: a command line with placeholders
// {name} (package name), {pkgname} (name-version), {origin} (ports
// origin / pkgsrc PKGPATH), {dir} (a directory), {file} (a package file),
// {service} (an rc.d script name), {db} (a database path) and {dbdir}
// (pkgsrc's PKG_DBDIR); and the upstream source its syntax was checked
// against.
type Command struct {
	Line    string
	Checked string
}

// Commands is the table of every command a guide may print, per system
// and action. A missing entry means the system has no such command (pkgin
// cannot pin a package, for one): the guide then says so instead.
var Commands = map[System]map[Action]Command{
	FreeBSD: {
		Info:          {"pkg info {name}", "freebsd/pkg docs/pkg-info.8"},
		RepoUpdate:    {"pkg update", "freebsd/pkg docs/pkg-update.8"},
		UpgradeBinary: {"pkg upgrade {name}", "freebsd/pkg docs/pkg-upgrade.8: pkg upgrade [-fInFqUy] ... <pkg-origin|pkg-name|pkg-name-version>"},
		UpgradeSource: {"make -C /usr/ports/{origin} deinstall reinstall clean", "freebsd-ports Mk/bsd.port.mk: the deinstall, reinstall (deinstall then install) and clean targets; make(1) -C"},
		UpgradeTool:   {"portmaster {origin}", "ports-mgmt/portmaster portmaster(8): portmaster [options] <full name of port directory in /usr/ports>"},
		Backup:        {"pkg create -o {dir} {name}", "freebsd/pkg docs/pkg-create.8: pkg create [-o outdir] pkg-name ... (from the installed package)"},
		Restore:       {"pkg add -f {file}", "freebsd/pkg docs/pkg-add.8: -f, --force reinstalls a package already installed"},
		RestoreCache:  {"pkg add -f /var/cache/pkg/{pkgname}.pkg", "freebsd/pkg docs/pkg.conf.5: PKG_CACHEDIR defaults to /var/cache/pkg, where fetched packages are kept as name-version.pkg"},
		Lock:          {"pkg lock -y {name}", "freebsd/pkg docs/pkg-lock.8: pkg lock [-lqy] <pkg-name>"},
		Unlock:        {"pkg unlock -y {name}", "freebsd/pkg docs/pkg-lock.8: pkg unlock [-lqy] <pkg-name>"},
		ServiceStop:   {"service {service} stop", "FreeBSD service(8) and rc.subr(8): service name command"},
		ServiceStart:  {"service {service} restart", "FreeBSD service(8) and rc.subr(8): restart"},
		ServiceOff:    {"sysrc {service}_enable=NO", "FreeBSD sysrc(8): sysrc name=value edits /etc/rc.conf; rc.subr(8) reads ${name}_enable"},
		Audit:         {"pkgaudit audit -f {db} {pkgname}", "pkgaudit audit (this program)"},
		AuditHost:     {"pkgaudit audit -f {db}", "pkgaudit audit (this program): the installed packages by default"},
		Fetch:         {"pkgaudit fetch", "pkgaudit fetch (this program)"},
		PeriodicOn:    {"sysrc -f /etc/periodic.conf security_status_pkgaudit_enable=YES", "freebsd/pkg scripts/periodic/410.pkg-audit.in: security_status_pkgaudit_enable; sysrc(8) -f file"},
		BaseFetch:     {"freebsd-update fetch", "FreeBSD freebsd-update(8): fetch downloads the binary updates of the base system"},
		BaseInstall:   {"freebsd-update install", "FreeBSD freebsd-update(8): install installs the fetched updates"},
		BaseRollback:  {"freebsd-update rollback", "FreeBSD freebsd-update(8): rollback uninstalls the most recently installed updates"},
		BaseVersion:   {"freebsd-version -ku", "FreeBSD freebsd-version(1): -k installed kernel, -u userland (what 405.pkg-base-audit audits)"},
	},
	NetBSD:        pkgsrcCommands("/usr/pkg", "/usr/sbin", "make", true),
	PkgsrcSmartOS: pkgsrcCommands("/opt/local", "/opt/local/sbin", "/opt/local/bin/bmake", false),
	PkgsrcMacOS:   pkgsrcCommands("/opt/pkg", "/opt/pkg/sbin", "/opt/pkg/bin/bmake", false),
	PkgsrcLinux:   pkgsrcCommands("/usr/pkg", "/usr/pkg/sbin", "/usr/pkg/bin/bmake", false),
}

// pkgsrcCommands is the table of a pkgsrc system: prefix is LOCALBASE
// (pkgin lives in prefix/bin), sbin the directory of pkg_install's tools
// (NetBSD ships them in /usr/sbin), make the make program of the pkgsrc
// tree (NetBSD's make, bmake from the bootstrap elsewhere), rcd whether
// the system runs rc.d scripts (NetBSD) — SmartOS, macOS and Linux manage
// services with SMF, launchd and systemd, which guides do not cover.
func pkgsrcCommands(prefix, sbin, mk string, rcd bool) map[Action]Command {
	pkgin := prefix + "/bin/pkgin"
	m := map[Action]Command{
		Info:          {sbin + "/pkg_info {name}", "pkgsrc pkgtools/pkg_install pkg_info(1): pkg_info pkg-name"},
		RepoUpdate:    {pkgin + " update", "NetBSDfr/pkgin pkgin.1.in: update refreshes the remote pkg_summary(5) list"},
		UpgradeBinary: {pkgin + " install {name}", "NetBSDfr/pkgin pkgin.1.in: install \"performs installation or upgrade of package\" (upgrade takes no package: it upgrades all)"},
		UpgradeSource: {"cd /usr/pkgsrc/{origin} && " + mk + " replace", "NetBSD/pkgsrc mk/flavor/pkg/replace.mk: replace saves the installed package (pkg_tarup), deinstalls it and installs the new one, keeping +REQUIRED_BY"},
		UndoSource:    {"cd /usr/pkgsrc/{origin} && " + mk + " undo-replace", "NetBSD/pkgsrc mk/flavor/pkg/replace.mk: undo-replace re-adds the package saved by replace"},
		Backup:        {prefix + "/sbin/pkg_tarup -d {dir} {name}", "pkgsrc pkgtools/pkg_tarup pkg_tarup(1): -d directory for the package made from the installed files"},
		Restore:       {sbin + "/pkg_add -U {file}", "pkgsrc pkgtools/pkg_install pkg_add(1): -U replaces an installed version of the package"},
		RestoreCache:  {sbin + "/pkg_add -U /var/db/pkgin/cache/{pkgname}.tgz", "NetBSDfr/pkgin pkgin.1.in FILES: /var/db/pkgin/cache holds the packages pkgin downloaded"},
		Audit:         {"pkgaudit audit -f {db} {pkgname}", "pkgaudit audit (this program)"},
		AuditHost:     {"pkgaudit audit -f {db} --pkgsrc-dbdir {dbdir}", "pkgaudit audit (this program): --pkgsrc-dbdir audits pkgsrc's installed packages"},
		Fetch:         {"pkgaudit fetch", "pkgaudit fetch (this program)"},
	}
	if rcd {
		m[ServiceStop] = Command{"service {service} stop", "NetBSD service(8) (since NetBSD 7) and rc.subr(8): service name command"}
		m[ServiceStart] = Command{"service {service} restart", "NetBSD service(8) and rc.subr(8): restart"}
	}
	return m
}

// placeholder matches one placeholder of a command line.
var placeholder = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\{[a-z]+\}`) })

// Expand fills the placeholders of the command for system s and action a;
// ok is false when the system has no such command or a value is missing.
func Expand(s System, a Action, vals map[string]string) (string, bool) {
	c, ok := Commands[s][a]
	if !ok {
		return "", false
	}
	missing := false
	line := placeholder().ReplaceAllStringFunc(c.Line, func(p string) string {
		v, ok := vals[p[1:len(p)-1]]
		if !ok || v == "" {
			missing = true
		}
		return v
	})
	return line, !missing
}

// Matches reports whether line is an expansion of some command of the
// table (any system, any action): the test that guides print nothing
// else.
func Matches(line string) bool {
	for _, re := range commandPatterns() {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}

// commandPatterns compiles every table entry into an anchored pattern in
// which a placeholder stands for one word.
func commandPatterns() []*regexp.Regexp {
	seen := map[string]bool{}
	var lines []string
	for _, acts := range Commands {
		for _, c := range acts {
			if !seen[c.Line] {
				seen[c.Line] = true
				lines = append(lines, c.Line)
			}
		}
	}
	sort.Strings(lines)
	out := make([]*regexp.Regexp, 0, len(lines))
	for _, l := range lines {
		parts := placeholder().Split(l, -1)
		for i := range parts {
			parts[i] = regexp.QuoteMeta(parts[i])
		}
		out = append(out, regexp.MustCompile("^"+strings.Join(parts, `[^\s;&|<>`+"`"+`$]+`)+"$"))
	}
	return out
}
