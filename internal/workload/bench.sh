#!/bin/sh
# bench.sh: the whole-process audit benchmark of BENCHMARKS.md, side by
# side with FreeBSD pkg when a `pkg` binary is on PATH.
#
#   internal/workload/bench.sh [WORKDIR]      (default: a new temporary directory)
#
# Builds pkgaudit (CGO_ENABLED=0, as released), generates the 20k and 80k
# workloads in both shapes (the standard one, and -skew 0.4: 40 % of the
# names start with p) with 2,000 operands each, and runs hyperfine on
#   pkg audit -f DB OPERANDS                  (only with $PKG or pkg on PATH)
#   pkgaudit audit -f DB OPERANDS             (the default path: the compiled
#                                              index, warm after the warm-up runs)
#   pkgaudit audit --no-cache -f DB OPERANDS  (parse and index every run)
# The cache directory is WORKDIR/cache (PKGAUDIT_CACHE_DIR), not the
# user's. Results: WORKDIR/bench-*.md and .json (hyperfine's exports).
# Environment: RUNS (default 20), WARMUP (default 3).
set -eu

cd "$(dirname "$0")/../.."
work=${1:-$(mktemp -d "${TMPDIR:-/tmp}/pkgaudit-bench.XXXXXX")}
mkdir -p "$work"
runs=${RUNS:-20}
warmup=${WARMUP:-3}

command -v hyperfine >/dev/null 2>&1 || { echo "bench.sh: hyperfine is needed (apt-get install hyperfine)" >&2; exit 2; }

echo "== building pkgaudit into $work"
CGO_ENABLED=0 go build -trimpath -o "$work/pkgaudit" ./cmd/pkgaudit
go build -o "$work/genvuxml" ./internal/workload/cmd/genvuxml

PKGAUDIT_CACHE_DIR=$work/cache
export PKGAUDIT_CACHE_DIR

# FreeBSD pkg: $PKG (a pkg built from freebsd/pkg, e.g. on Linux as
# docs/benchmarks-pkg.md says), else `pkg` on PATH. It reads every setting
# from the environment as well: an empty package database, cache and
# repository directory of its own, no configuration file (-C /dev/null).
pkg=${PKG:-$(command -v pkg || true)}
if [ -n "$pkg" ]; then
	mkdir -p "$work/pkgstate/db" "$work/pkgstate/cache" "$work/pkgstate/repos"
	PKG_DBDIR=$work/pkgstate/db PKG_CACHEDIR=$work/pkgstate/cache REPOS_DIR=$work/pkgstate/repos
	export PKG_DBDIR PKG_CACHEDIR REPOS_DIR
fi

for w in 20k 80k 20k-skew 80k-skew; do
	case $w in
	20k*) size="-entries 20000 -names 5000" ;;
	80k*) size="-entries 80000 -names 20000" ;;
	esac
	case $w in
	*-skew) skew="-skew 0.4" ;;
	*) skew="" ;;
	esac
	db=$work/$w.xml
	ops=$work/$w.ops
	if [ ! -s "$db" ] || [ ! -s "$ops" ]; then
		echo "== generating $w: genvuxml $size $skew"
		# shellcheck disable=SC2086
		"$work/genvuxml" $size $skew -o "$db" -operands "$ops"
	fi
	operands=$(tr '\n' ' ' <"$ops")
	set --
	if [ -n "$pkg" ]; then
		set -- "$@" -n "pkg $w" "$pkg -C /dev/null audit -f $db $operands"
	fi
	set -- "$@" -n "pkgaudit $w" "$work/pkgaudit audit -f $db $operands"
	set -- "$@" -n "pkgaudit --no-cache $w" "$work/pkgaudit audit --no-cache -f $db $operands"
	echo "== $w"
	# -i: an audit that finds something exits 1.
	hyperfine -N -i -w "$warmup" -r "$runs" --export-markdown "$work/bench-$w.md" --export-json "$work/bench-$w.json" "$@"
done
echo "== results in $work/bench-*.md"
