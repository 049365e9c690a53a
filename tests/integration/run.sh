#!/bin/bash
# Integration tests: real jails, as root.  Usage: run.sh [name-pattern]
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
export JAIL=$TOP/build/sbin/jail JLS=$TOP/build/sbin/jls JEXEC=$TOP/build/sbin/jexec RCTL=$TOP/build/sbin/rctl
export PROBE=$TOP/build/tests/probe
export CGROUP2
CGROUP2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)
pattern=${1:-}

if [ "$(id -u)" != 0 ]; then
	echo "integration: must run as root"
	exit 1
fi
. "$HERE/lib.sh"
work=$(mktemp -d /var/tmp/prison-test.XXXXXX)
chmod 755 "$work"
export ROOT=$work/root WORK=$work
trap 'remove_test_jails; rm -rf "$work" /var/log/prison/pt*.log' EXIT
make_root "$ROOT"

passed=0 failed=0 failures=""
tests=$(cat "$HERE"/t_*.sh | sed -n 's/^\(test_[A-Za-z0-9_]*\)() *{.*/\1/p')
for t in $tests; do
	case "$t" in *"$pattern"*) ;; *) continue ;; esac
	start=$(date +%s%N)
	if timeout 120 bash -c 'set -eu; . "$1/lib.sh"; for f in "$1"/t_*.sh; do . "$f"; done; "$2"' _ "$HERE" "$t" \
		>"$work/log" 2>&1; then
		result=ok
	else
		result=FAIL
	fi
	remove_test_jails
	# Every test must leave nothing behind, whatever it did.
	if [ $result = ok ] && ! (assert_nothing_left) >>"$work/log" 2>&1; then
		result=FAIL
	fi
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	if [ $result = ok ]; then
		passed=$((passed + 1))
		echo "ok   $t (${ms} ms)"
	else
		failed=$((failed + 1))
		failures="$failures $t"
		echo "FAIL $t (${ms} ms)"
		sed 's/^/     | /' "$work/log" | tail -20
	fi
done
[ -n "$failures" ] && echo "failed:$failures"
echo "integration: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
