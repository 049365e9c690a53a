#!/bin/bash
# bench/thin.sh - N thin jails on one Debian base (issue 9's targets), in one run:
#   * disk per thin jail right after creation (its own layer, du);
#   * nginx in N thin jails and in N thick jails (copies of the base):
#     memory per jail from MemAvailable and the jails' summed PSS, side by side;
#   * creating a thin jail against creating a jail on a plain directory
#     (the same tree), median of interleaved runs, as a ratio.
#
#   sudo bench/thin.sh              N=100
#   sudo N=20 bench/thin.sh
#
# Uses a state directory of its own (a Debian bookworm base built with jbase
# -D and nginx-light installed into it), a runtime context of its own, and a
# private network namespace for the jails' addresses (198.18.0.0/15 on
# loopback); the host's jails, interfaces and state are not touched.  The
# thick jails take N copies of the base: on a file system without reflinks
# that is N x ~180 MB.  Never part of make check.
set -eu
shopt -s inherit_errexit
export LC_ALL=C
N=${N:-100}
BIN=${BIN:-$(cd "$(dirname "$0")/../build/sbin" && pwd)}
case $N in '' | *[!0-9]*) echo "thin.sh: N must be a number" >&2; exit 1 ;; esac
[ "$N" -ge 1 ] && [ "$N" -le 250 ] || { echo "thin.sh: N from 1 to 250" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "thin.sh: must run as root" >&2; exit 1; }
[ -x "$BIN/jail" ] || { echo "thin.sh: build first (make)" >&2; exit 1; }

# The base is built outside the private network namespace (mmdebstrap
# fetches from the host's Debian mirror); the jails live inside it.
if [ -z "${THIN_BENCH_INNER:-}" ]; then
	work=$(mktemp -d /var/tmp/prison-thin-bench.XXXXXX)
	export PRISON_STATEDIR=$work/state PRISON_RUNDIR=$work/run PRISON_LOGDIR=$work/log
	outer_cleanup() {
		"$BIN/jbase" -q -r bench >/dev/null 2>&1 || true
		mountpoint -q "$PRISON_RUNDIR" && umount "$PRISON_RUNDIR"
		rm -rf "$work"
	}
	trap outer_cleanup EXIT
	trap 'exit 130' INT TERM
	echo "thin.sh: building the Debian base (mmdebstrap, with nginx-light)..." >&2
	"$BIN/jbase" -q -c -D bookworm -i nginx-light bench
	rc=0
	env THIN_BENCH_INNER=1 WORK="$work" BIN="$BIN" N="$N" unshare -n "$0" "$@" || rc=$?
	exit "$rc"
fi

work=$WORK
export PRISON_CGROUP=prison-thin-bench-$$
ip link set lo up
cleanup() {
	for n in $("$BIN/jls" -N -q name 2>/dev/null); do "$BIN/jail" -q -r "$n" >/dev/null 2>&1 || true; done
	rm -rf "$PRISON_STATEDIR"/jails/t* "$PRISON_STATEDIR"/jails/n* "$PRISON_STATEDIR"/jails/c? "$work/plain"
	# The context's own cgroup, in whichever hierarchies prison made it.
	for d in /sys/fs/cgroup/"$PRISON_CGROUP" /sys/fs/cgroup/*/"$PRISON_CGROUP"; do
		[ ! -d "$d" ] || rmdir "$d" 2>/dev/null || true
	done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

now_ns() { date +%s%N; }
mem_avail_kib() { sync; echo 3 >/proc/sys/vm/drop_caches; sleep 1; awk '/^MemAvailable/ { print $2 }' /proc/meminfo; }
median() { sort -n | awk '{ v[NR] = $1 } END { printf "%.0f\n", (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
# Summed PSS (KiB) of every process of the jails named $@ (seen from the host).
pss_kib() {
	local n jid pid total=0
	for n in "$@"; do
		jid=$("$BIN/jls" -j "$n" jid)
		for pid in $(cat "/sys/fs/cgroup/$PRISON_CGROUP/$jid/cgroup.procs" 2>/dev/null) \
			$(cat /sys/fs/cgroup/unified/"$PRISON_CGROUP/$jid"/cgroup.procs 2>/dev/null); do
			total=$((total + $(awk '/^Pss:/ { print $2 }' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0)))
		done
	done
	echo "$total"
}
addr() { echo "198.18.$(($1 / 250)).$(($1 % 250 + 1))"; }

root=$PRISON_STATEDIR/bases/bench/1
for i in $(seq 1 "$N"); do
	ip addr add "$(addr "$i")/32" dev lo
	ip -6 addr add "fd00::$(printf %x "$i")/128" dev lo nodad
done

# 1. Disk per thin jail right after creation.
for i in $(seq 1 "$N"); do "$BIN/jail" -q -c name=t$i base=bench persist; done
disk=$(for i in $(seq 1 "$N"); do du -sk "$PRISON_STATEDIR/jails/t$i" | cut -f1; done | median)
for i in $(seq 1 "$N"); do "$BIN/jail" -q -r t$i; done
rm -rf "$PRISON_STATEDIR"/jails/t*

# 2. Creation: thin jail against a jail on the same tree as a plain directory, interleaved.
cp -a "$root" "$work/plain"
thin=() plain=()
for i in $(seq 1 30); do
	s=$(now_ns); "$BIN/jail" -q -c name=ct base=bench command=/bin/true; e=$(now_ns)
	thin+=($(( (e - s) / 1000 )))
	s=$(now_ns); "$BIN/jail" -q -c name=cp path="$work/plain" command=/bin/true; e=$(now_ns)
	plain+=($(( (e - s) / 1000 )))
	rm -rf "$PRISON_STATEDIR/jails/ct"
done
thin_us=$(printf '%s\n' "${thin[@]}" | median)
plain_us=$(printf '%s\n' "${plain[@]}" | median)

# 3. nginx in N thin jails, then in N thick jails.
serve() { # type
	local before after i names=()
	before=$(mem_avail_kib)
	for i in $(seq 1 "$N"); do
		"$BIN/jail" -q -c name=n$i base=bench base.type=$1 persist ip4.addr="$(addr "$i")" \
			ip6.addr="fd00::$(printf %x "$i")" exec.start=/usr/sbin/nginx
		names+=(n$i)
	done
	sleep 2
	after=$(mem_avail_kib)
	echo "$(( (before - after) / N )) $(( $(pss_kib "${names[@]}") / N ))"
	for i in $(seq 1 "$N"); do "$BIN/jail" -q -r n$i; done
	rm -rf "$PRISON_STATEDIR"/jails/n*
}
# Not "read < <(serve ...)": a process substitution runs in the background,
# so the thin jails' removal would overlap the thick jails' creation.
out=$(serve thin)
read -r thin_mem thin_pss <<<"$out"
out=$(serve thick)
read -r thick_mem thick_pss <<<"$out"

echo
echo "thin jails on one Debian base, N=$N"
printf '%-44s %s\n' "disk per thin jail after creation (median)" "$disk KiB"
printf '%-44s %s\n' "create + /bin/true, thin jail (median)" "$((thin_us / 1000)).$(( (thin_us % 1000) / 100 )) ms"
printf '%-44s %s\n' "create + /bin/true, plain directory (median)" "$((plain_us / 1000)).$(( (plain_us % 1000) / 100 )) ms"
printf '%-44s %s\n' "ratio thin / plain" "$(awk -v a="$thin_us" -v b="$plain_us" 'BEGIN { printf "%.2f", a / b }')"
printf '%-44s %12s %12s\n' "nginx per jail" "thin" "thick"
printf '%-44s %9s KiB %9s KiB\n' "  MemAvailable drop" "$thin_mem" "$thick_mem"
printf '%-44s %9s KiB %9s KiB\n' "  PSS of the jail's processes" "$thin_pss" "$thick_pss"
