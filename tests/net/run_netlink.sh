#!/bin/sh
# The netlink test, as root, inside a private network namespace made here
# with unshare -n: the host's interfaces, routes and firewall are not
# touched, and everything the test made goes with the namespace.  After the
# test, only the loopback interface may be left.
set -u
bin=${1:-build/tests/netlink_test}
if [ "$(id -u)" != 0 ]; then
	echo "nettest: skipped (needs root)"
	exit 0
fi
exec unshare -n sh -c '
	name=$(basename "$1")
	out=$("$1"); rc=$?
	set -- $out
	p=${1:-0} f=${2:-1}
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	left=$(ip -o link show | grep -v "^1: lo:")
	if [ -n "$left" ]; then
		echo "nettest: links left behind:"; echo "$left"
		f=$((f + 1))
	fi
	echo "nettest: $name: $p passed, $f failed"
	[ "$f" -eq 0 ]
' sh "$bin"
