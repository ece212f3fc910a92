package inventory

import (
	"errors"
	"fmt"
	"strings"

	"github.com/pkgaudit/pkgaudit/advisory"
)

// ErrNoHostBase is returned by HostBase on systems other than FreeBSD:
// pass the versions explicitly to Base instead (--base-version).
var ErrNoHostBase = errors.New("the base system can only be read on FreeBSD (give its version with --base-version)")

// BaseName turns a freebsd-version string into the package name pkg
// audits the base system under, exactly as the 405.pkg-base-audit periodic
// script does with sed: prefix ("FreeBSD" for userland, "FreeBSD-kernel"
// for the kernel) and '-' are put in front, the first "-RELEASE-p" becomes
// '_' and a final "-RELEASE" is dropped. So "14.1-RELEASE-p5" gives
// "FreeBSD-14.1_5", "14.1-RELEASE" gives "FreeBSD-14.1" and
// "15.0-CURRENT" gives "FreeBSD-15.0-CURRENT" (which pkg then splits into
// name "FreeBSD-15.0" and version "CURRENT", matching nothing).
func BaseName(prefix, version string) string {
	s := prefix + "-" + version
	s = strings.Replace(s, "-RELEASE-p", "_", 1)
	return strings.TrimSuffix(s, "-RELEASE")
}

// Base returns the packages standing for the FreeBSD base system: the
// kernel ("FreeBSD-kernel-14.1_5") from kernel, then the userland
// ("FreeBSD-14.1_5") from userland, in the order 405.pkg-base-audit audits
// them; both are freebsd-version -k / -u strings ("14.1-RELEASE-p5"). An
// empty string leaves that part out (the script skips the kernel in jails).
func Base(userland, kernel string) ([]Package, error) {
	var pkgs []Package
	for _, part := range []struct{ prefix, version, flag string }{
		{"FreeBSD-kernel", kernel, "kernel"},
		{"FreeBSD", userland, "userland"},
	} {
		v := strings.TrimSpace(part.version)
		if v == "" {
			continue
		}
		if strings.ContainsAny(v, " \t\n/|") {
			return nil, fmt.Errorf("bad %s version %q: expected a freebsd-version string like 14.1-RELEASE-p5", part.flag, part.version)
		}
		p := pkgFromFullName(BaseName(part.prefix, v))
		p.Base, p.Scheme = true, advisory.FreeBSD
		pkgs = append(pkgs, p)
	}
	if len(pkgs) == 0 {
		return nil, errors.New("no base system version given")
	}
	return pkgs, nil
}
