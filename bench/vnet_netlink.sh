#!/bin/sh
# bench/vnet_netlink.sh - vnet set-up cost: N veth pairs, each into its own
# network namespace, on one bridge, created and deleted through prison's
# netlink module and through the ip command in the same run.
#
#   sudo bench/vnet_netlink.sh            N=1000
#   sudo N=100 bench/vnet_netlink.sh
#
# Everything happens inside a private network namespace made here with
# unshare -n; the host's interfaces are not touched.  Never part of make check.
set -eu
bin=${1:-$(dirname "$0")/../build/tests/netlink_bench}
N=${N:-1000}
case $N in '' | *[!0-9]*) echo "vnet_netlink.sh: N must be a number" >&2; exit 1 ;; esac
[ "$(id -u)" = 0 ] || { echo "vnet_netlink.sh: must run as root" >&2; exit 1; }
[ -x "$bin" ] || { echo "vnet_netlink.sh: build it first: make build/tests/netlink_bench" >&2; exit 1; }
echo "vnet set-up, $N veth pairs on one bridge, kernel $(uname -r), $(nproc) CPUs"
exec unshare -n "$bin" "$N"
