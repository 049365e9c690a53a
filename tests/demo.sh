#!/bin/sh
# make demo: a jail on the built-in default (path=/), shown with jls and entered with jexec.
set -e
B=build/sbin
run() {
	echo "# $*"
	"$@"
}
[ "$(id -u)" = 0 ] || { echo "make demo must run as root" >&2; exit 1; }
"$B/jls" -j demo >/dev/null 2>&1 && "$B/jail" -q -r demo
run "$B/jail" -c name=demo host.hostname=demo.prison persist
run "$B/jls"
run "$B/jls" -v -j demo
run "$B/jexec" demo /bin/sh -c 'echo "inside: hostname $(hostname), $(id)"; echo "processes: $(ls /proc | grep -c "^[0-9]")"'
# A persistent jail keeps no process while nothing runs in it: its own id map says who its root is on the host.
echo "# on the host, the jail's root is uid $("$B/jexec" demo cat /proc/self/uid_map | awk '{ print $2 }')"
run "$B/jail" -r demo
run "$B/jls"
