#!/bin/bash
# bench/density.sh - many idle jails on one machine: C classic jails that
# keep their jailinit (persist.idle=false), I classic jails as made by
# default (persist.idle: no process of their own once idle), then
# V vnet jails spread over bridges of 1,000 ports each (a Linux bridge takes
# at most 1,023); memory per jail, the creation time of the first and
# the last hundred, jls over all of them, jail -r '*', and what is left after.
#
#   sudo bench/density.sh                 C=10000 I=10000 V=2000
#   sudo C=1000 I=1000 V=0 bench/density.sh   smaller; 0 skips a part
#   sudo JPATH=/srv/small C=0 I=1000 V=0 bench/density.sh   jails on another root (path=/ by default)
#
# Runs in a runtime context of its own (PRISON_RUNDIR, PRISON_CGROUP, ...),
# so it never sees nor touches other jails; the vnet part runs inside a
# private network namespace (unshare -n) and uses 198.18.0.0/15 only.
# Never part of make check: it needs root and takes minutes.
set -eu
export LC_ALL=C
C=${C:-10000}
I=${I:-$C}
V=${V:-2000}
JPATH=${JPATH:-/}
BIN=${BIN:-$(cd "$(dirname "$0")/../build/sbin" && pwd)}
PORTS=1000
die() { echo "density.sh: $*" >&2; exit 1; }
case $C$I$V in *[!0-9]*) die "C, I and V must be numbers" ;; esac
[ "$V" -le 60000 ] || die "V at most 60000 (one /16 of addresses)"
[ "$(id -u)" = 0 ] || die "must run as root"
[ -x "$BIN/jail" ] || die "build first (make)"

if [ -z "${DENSITY_INNER:-}" ]; then
	ctx=$(mktemp -d /var/tmp/prison-density.XXXXXX)
	export PRISON_RUNDIR="$ctx/run" PRISON_LOGDIR="$ctx/log" PRISON_STATEDIR="$ctx/state"
	export PRISON_CGROUP="prison-density-${ctx##*.}"
	# Whatever the way out: the context's jails first, then its run
	# directory (a tmpfs prison mounts) and its cgroup.
	outer_cleanup() {
		trap - EXIT INT TERM
		"$BIN/jail" -q -r '*' >/dev/null 2>&1 || true
		# The run directory with what is mounted below it (the pins of idle jails).
		umount -R "$ctx/run" 2>/dev/null || umount -l "$ctx/run" 2>/dev/null || true
		rm -rf "$ctx"
		# Deepest first, empty ones only: what a failed jail -r left (a cgroup with processes stays).
		for d in /sys/fs/cgroup/*/"$PRISON_CGROUP"; do
			[ ! -d "$d" ] || find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
		done
	}
	trap outer_cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	DENSITY_INNER=1 BIN="$BIN" C="$C" I="$I" V="$V" JPATH="$JPATH" unshare -n "$0" "$@" || exit
	exit 0
fi

ip link set lo up
nbridges=0
cleanup() {
	"$BIN/jail" -q -r '*' >/dev/null 2>&1 || true
	for ((b = 0; b < nbridges; b++)); do ip link del "pdbr$b" 2>/dev/null || true; done
}
trap cleanup EXIT

avail_kib() { sync; echo 3 >/proc/sys/vm/drop_caches; sleep 1; awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
# The kernel's own memory (slab, kernel stacks, page tables, per-CPU): what jails cost beyond page cache,
# and far less disturbed than MemAvailable by whatever else the machine runs meanwhile.
kernel_kib() { awk '/^(Slab|KernelStack|PageTables|Percpu):/ { k += $2 } END { print k }' /proc/meminfo; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) printf "%d\n", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2); else print 0 }'; }
us_since() { echo "$1 $EPOCHREALTIME" | awk '{ printf "%d\n", ($2 - $1) * 1000000 }'; }
addr() { echo "198.18.$(($1 / 250)).$(($1 % 250 + 2))/16"; }
cg2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)

# one_part LABEL COUNT MAKE_FUNCTION: creates COUNT jails with MAKE_FUNCTION I, reports, removes them.
one_part() {
	local label=$1 n=$2 make=$3 times=$WORK_T before after kbefore kafter mounts0 t0 jls_med rm_us left k procs
	mounts0=$(wc -l </proc/self/mountinfo)
	before=$(avail_kib)
	kbefore=$(kernel_kib)
	: >"$times"
	for ((i = 1; i <= n; i++)); do
		t0=$EPOCHREALTIME
		"$make" "$i" || die "$label: creation of jail $i failed"
		us_since "$t0" >>"$times"
	done
	# Idle jails: until their jailinits have left and been reaped (no process of the context's is left).
	[ "$make" != make_idle ] || wait_no_init
	procs=$(cat "$cg2/$PRISON_CGROUP"/*/cgroup.procs 2>/dev/null | wc -l)
	after=$(avail_kib)
	kafter=$(kernel_kib)
	k=$((n >= 1000 ? 100 : n >= 10 ? 10 : 1))
	first=$(head -n "$k" "$times" | median); last=$(tail -n "$k" "$times" | median)
	jls_med=$(for _ in 1 2 3 4 5; do t0=$EPOCHREALTIME; "$BIN/jls" >/dev/null; us_since "$t0"; done | median)
	printf '%s: %d jails\n' "$label" "$n"
	printf '  %-40s %8d us\n' "create, median of the first $k:" "$first"
	printf '  %-40s %8d us  (%.2fx the first)\n' "create, median of the last $k:" "$last" \
		"$(awk -v a="$last" -v b="$first" 'BEGIN { print b ? a / b : 0 }')"
	printf '  %-40s %8.1f KiB\n' "memory per jail (MemAvailable):" "$(awk -v d=$((before - after)) -v n="$n" 'BEGIN { print d / n }')"
	printf '  %-40s %8.1f KiB\n' "kernel memory per jail (slab, stacks...):" "$(awk -v d=$((kafter - kbefore)) -v n="$n" 'BEGIN { print d / n }')"
	printf '  %-40s %+8d\n' "host mounts added (the run directory):" $(($(wc -l </proc/self/mountinfo) - mounts0))
	printf '  %-40s %8d\n' "processes in the jails' cgroups:" "$procs"
	printf '  %-40s %8d us\n' "jls over all, median of 5:" "$jls_med"
	t0=$EPOCHREALTIME
	"$BIN/jail" -q -r '*' || die "$label: jail -r '*' failed"
	rm_us=$(us_since "$t0")
	left=$( { ls "$PRISON_RUNDIR/jail" 2>/dev/null; ls "$cg2/$PRISON_CGROUP" 2>/dev/null | grep '^[0-9]'; } | wc -l)
	printf '  %-40s %8.1f s\n' "jail -r '*':" "$(awk -v u="$rm_us" 'BEGIN { print u / 1000000 }')"
	printf '  %-40s %8d records or cgroups, %+d mounts\n' "left after removal:" "$left" \
		$(($(wc -l </proc/self/mountinfo) - mounts0))
}

make_classic() { "$BIN/jail" -q -c name="d$1" path="$JPATH" persist persist.idle=false; }
make_idle() { "$BIN/jail" -q -c name="i$1" path="$JPATH" persist; }
# No jailinit of the context's left, living or a zombie not yet reaped by the host's init (a minute at most).
wait_no_init() {
	local i
	for ((i = 0; i < 600; i++)); do
		[ -z "$(cat "$cg2/$PRISON_CGROUP"/*/cgroup.procs 2>/dev/null)" ] &&
			! ps -eo stat=,comm= | grep -q '^Z.* jailinit$' && return 0
		sleep 0.1
	done
	echo "density.sh: jailinits still there after a minute" >&2
}
# Jail I goes on bridge (I-1)/PORTS: each bridge at most PORTS ports.
make_vnet() {
	local b=$((($1 - 1) / PORTS))
	if [ "$b" -ge "$nbridges" ]; then
		ip link add "pdbr$b" type bridge && ip link set "pdbr$b" up
		nbridges=$((b + 1))
	fi
	"$BIN/jail" -q -c name="v$1" path="$JPATH" persist vnet vnet.bridge="pdbr$b" ip4.addr="$(addr "$1")"
}

WORK_T=$(mktemp /tmp/prison-density.XXXXXX)
trap 'cleanup; rm -f "$WORK_T"' EXIT
echo "density: kernel $(uname -r), $(nproc) CPUs, $(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
[ "$C" -eq 0 ] || one_part "classic with jailinit (path=$JPATH persist persist.idle=false)" "$C" make_classic
[ "$I" -eq 0 ] || one_part "idle classic (path=$JPATH persist, persist.idle by default)" "$I" make_idle
[ "$V" -eq 0 ] || one_part "vnet on bridges of at most $PORTS ports" "$V" make_vnet
echo "bridges used: $nbridges"
