#!/bin/bash
# bench/vnet_jails.sh - time and memory to create N vnet jails, each linked
# to one bridge by a veth pair with an address, and to remove them; beside
# the floor of the same wiring done with `ip netns add` and veth pairs, in
# the same run.
#
#   sudo bench/vnet_jails.sh            N=1000
#   sudo N=200 bench/vnet_jails.sh
#
# Everything happens inside a private network namespace made with unshare -n;
# the host's interfaces are not touched.  Never part of make check.
set -eu
export LC_ALL=C
N=${N:-1000}
BIN=${BIN:-$(cd "$(dirname "$0")/../build/sbin" && pwd)}
case $N in '' | *[!0-9]*) echo "vnet_jails.sh: N must be a number" >&2; exit 1 ;; esac
[ "$N" -ge 1 ] && [ "$N" -le 60000 ] || { echo "vnet_jails.sh: N from 1 to 60000" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "vnet_jails.sh: must run as root" >&2; exit 1; }
[ -x "$BIN/jail" ] || { echo "vnet_jails.sh: build first (make)" >&2; exit 1; }

if [ -z "${VNET_BENCH_INNER:-}" ]; then
	exec env VNET_BENCH_INNER=1 BIN="$BIN" N="$N" unshare -n "$0" "$@"
fi

ip link set lo up
names=()
cleanup() {
	for n in "${names[@]}"; do "$BIN/jail" -q -r "$n" >/dev/null 2>&1 || true; done
	for i in $(seq 1 "$N"); do ip netns del "pbn$i" 2>/dev/null || true; done
	ip link del pbench0 2>/dev/null || true
	ip link del pfloor0 2>/dev/null || true
}
trap cleanup EXIT

avail_kib() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
addr() { echo "198.18.$(( $1 / 250 )).$(( $1 % 250 + 2 ))/16"; }
median() { sort -n | awk '{ a[NR] = $1 } END { if (NR) print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2); else print 0 }'; }
ms_since() { echo "$1 $EPOCHREALTIME" | awk '{ printf "%.3f\n", ($2 - $1) * 1000 }'; }

echo "vnet jails: $N on one bridge, kernel $(uname -r), $(nproc) CPUs"
sync; echo 3 >/proc/sys/vm/drop_caches

# ---- prison: jail -c with vnet.bridge, then jail -r
before=$(avail_kib); t0=$EPOCHREALTIME; : >/tmp/vnet-bench.$$.c
for i in $(seq 1 "$N"); do
	s=$EPOCHREALTIME
	"$BIN/jail" -q -c name="pbj$i" path=/ persist vnet vnet.bridge=pbench0 ip4.addr="$(addr "$i")"
	names+=("pbj$i")
	ms_since "$s" >>/tmp/vnet-bench.$$.c
done
create_total=$(ms_since "$t0"); after=$(avail_kib)
jail_kib=$(( (before - after) / N ))
t0=$EPOCHREALTIME; : >/tmp/vnet-bench.$$.r
for n in "${names[@]}"; do
	s=$EPOCHREALTIME
	"$BIN/jail" -q -r "$n"
	ms_since "$s" >>/tmp/vnet-bench.$$.r
done
names=()
remove_total=$(ms_since "$t0")
jc=$(median </tmp/vnet-bench.$$.c); jr=$(median </tmp/vnet-bench.$$.r)

# ---- floor: ip netns add, a veth pair into it on a bridge, an address; then ip netns del
ip link add pfloor0 type bridge; ip link set pfloor0 up
sync; echo 3 >/proc/sys/vm/drop_caches
before=$(avail_kib); t0=$EPOCHREALTIME; : >/tmp/vnet-bench.$$.c
for i in $(seq 1 "$N"); do
	s=$EPOCHREALTIME
	ip netns add "pbn$i"
	ip link add "pf${i}a" type veth peer name eth0 netns "pbn$i"
	ip link set "pf${i}a" master pfloor0 up
	ip -n "pbn$i" addr add "$(addr "$i")" dev eth0
	ip -n "pbn$i" link set eth0 up
	ip -n "pbn$i" link set lo up
	ms_since "$s" >>/tmp/vnet-bench.$$.c
done
floor_create_total=$(ms_since "$t0"); after=$(avail_kib)
floor_kib=$(( (before - after) / N ))
t0=$EPOCHREALTIME; : >/tmp/vnet-bench.$$.r
for i in $(seq 1 "$N"); do
	s=$EPOCHREALTIME
	ip link del "pf${i}a"
	ip netns del "pbn$i"
	ms_since "$s" >>/tmp/vnet-bench.$$.r
done
floor_remove_total=$(ms_since "$t0")
fc=$(median </tmp/vnet-bench.$$.c); fr=$(median </tmp/vnet-bench.$$.r)
rm -f /tmp/vnet-bench.$$.c /tmp/vnet-bench.$$.r

printf '%-34s %12s %12s %12s %12s %10s\n' "" "create ms" "remove ms" "create tot s" "remove tot s" "KiB each"
printf '%-34s %12s %12s %12.1f %12.1f %10s\n' "prison jail -c vnet vnet.bridge" "$jc" "$jr" \
	"$(echo "$create_total" | awk '{ print $1 / 1000 }')" "$(echo "$remove_total" | awk '{ print $1 / 1000 }')" "$jail_kib"
printf '%-34s %12s %12s %12.1f %12.1f %10s\n' "floor: ip netns + veth + bridge" "$fc" "$fr" \
	"$(echo "$floor_create_total" | awk '{ print $1 / 1000 }')" "$(echo "$floor_remove_total" | awk '{ print $1 / 1000 }')" "$floor_kib"
echo "ratios (prison / floor): create $(echo "$jc $fc" | awk '{ printf "%.2f", $1 / $2 }')x," \
	"remove $(echo "$jr $fr" | awk '{ printf "%.2f", $1 / $2 }')x, memory $(echo "$jail_kib $floor_kib" | awk '{ if ($2 > 0) printf "%.2f", $1 / $2; else print "n/a" }')x"
echo "medians per jail; totals for all $N; KiB each from MemAvailable before and after."
