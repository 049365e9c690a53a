#!/bin/sh
# The sockaddr BPF test, as root, in a network namespace made for it: lo
# carries the test addresses (198.18.0.0/15 and fd00::/8 only), so the
# host's interfaces, routes and firewall are never touched.
set -e
test_bin=$1
[ -x "$test_bin" ] || { echo "usage: run_sockaddr.sh path/to/sockaddr_test" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "sockaddr: skipped (needs root)"; exit 0; }

if [ -z "${SOCKADDR_IN_NETNS:-}" ]; then
	# A runtime context of its own (src/lib/runtime.h): the programs it attaches,
	# detaches and repairs are on its own cgroup, never on the host's jails'.
	ctx=$(mktemp -d /var/tmp/prison-net.XXXXXX)
	rc=0
	SOCKADDR_IN_NETNS=1 PRISON_RUNDIR=$ctx/run PRISON_LOGDIR=$ctx/log PRISON_CGROUP=prison-test-net-${ctx##*.} \
		unshare -n sh "$0" "$@" || rc=$?
	for root in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		d=$root/prison-test-net-${ctx##*.}
		[ -d "$d" ] && ! rmdir "$d" && echo "sockaddr: cannot remove $d" && rc=1
	done
	while mountpoint -q "$ctx/run"; do umount -l "$ctx/run" || break; done
	rm -rf "$ctx"
	exit $rc
fi

ip link set lo up
for a in 198.18.0.1 198.18.0.2 198.18.0.3 198.18.1.1 198.18.1.100 198.18.2.100; do
	ip addr add "$a/32" dev lo
done
for a in fd00::1 fd00::2 fd00::3 fd00:1::1 fd00:1::100 fd00:2::100; do
	ip addr add "$a/128" dev lo nodad
done
# Ping sockets for everybody in this namespace, so that a refusal of them
# in a jail can only come from the BPF program.
sysctl -q -w net.ipv4.ping_group_range="0 2147483647"

name=test-sockaddr-$$
rc=0
"$test_bin" "$name" || rc=$?
# The test removes its cgroups; make sure, in case it was killed.
for root in /sys/fs/cgroup /sys/fs/cgroup/unified; do
	for d in "$root/$PRISON_CGROUP/$name-a/sub" "$root/$PRISON_CGROUP/$name-a" "$root/$PRISON_CGROUP/$name-b"; do
		[ -d "$d" ] && rmdir "$d" 2>/dev/null && echo "removed leftover $d"
	done
done
exit $rc
