#!/bin/sh
# run-pkg.sh - run the FreeBSD pkg built on this Linux machine (see build-pkg.md)
# as a stand-alone, non-installed tool, e.g.
#   run-pkg.sh audit -f vuxml.xml curl-8.5.0 sudo-1.9.16p2
#   run-pkg.sh -v
# Works from any directory: relative paths in the arguments are resolved by pkg
# against the caller's current directory, as usual.
#
# Isolation: pkg runs with a clean environment (pkg reads every configuration key
# from an environment variable of the same name, so stray variables could change its
# behaviour), no configuration file (-C /dev/null), and PKG_DBDIR / PKG_CACHEDIR /
# REPOS_DIR in a fresh empty temporary directory that is removed afterwards.
# `pkg audit -f FILE OPERAND...` never opens the package database; with no operand
# it audits the (empty) local database and reports nothing.
#
# Environment:
#   PKG_BIN      pkg binary to run (default /opt/freebsd-pkg/sbin/pkg)
#   RUN_PKG_DIR  an existing directory to use instead of a temporary one; the
#                script then execs pkg directly (no cleanup step, one process less:
#                the lightest form for benchmarks)
set -eu

PKG_BIN=${PKG_BIN:-/opt/freebsd-pkg/sbin/pkg}
if [ ! -x "$PKG_BIN" ]; then
	echo "run-pkg.sh: $PKG_BIN not found or not executable (build it: see build-pkg.md)" >&2
	exit 2
fi

if [ -n "${RUN_PKG_DIR:-}" ]; then
	[ -d "$RUN_PKG_DIR/repos" ] || mkdir -p "$RUN_PKG_DIR/db" "$RUN_PKG_DIR/cache" "$RUN_PKG_DIR/repos"
	exec env -i PATH=/usr/bin:/bin HOME="${HOME:-/}" \
		PKG_DBDIR="$RUN_PKG_DIR/db" PKG_CACHEDIR="$RUN_PKG_DIR/cache" \
		REPOS_DIR="$RUN_PKG_DIR/repos" \
		"$PKG_BIN" -C /dev/null "$@"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/run-pkg.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir "$tmp/db" "$tmp/cache" "$tmp/repos"
status=0
env -i PATH=/usr/bin:/bin HOME="${HOME:-/}" \
	PKG_DBDIR="$tmp/db" PKG_CACHEDIR="$tmp/cache" REPOS_DIR="$tmp/repos" \
	"$PKG_BIN" -C /dev/null "$@" || status=$?
exit "$status"
