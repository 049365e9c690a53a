#!/bin/bash
# The network modules' root tests (netlink, plain and under ASan+UBSan; the
# sockaddr BPF programs), each in a private network namespace of its own.
# Usage: run.sh BUILD_DIR.  Ends with "net: N passed, N failed".
set -u
here=$(cd "$(dirname "$0")" && pwd)
b=$1
passed=0 failed=0
for bin in "$b/tests/netlink_test" "$b/tests/asan-netlink_test"; do
	out=$(sh "$here/run_netlink.sh" "$bin" 2>&1)
	echo "$out"
	line=$(echo "$out" | sed -n 's/^nettest: [^:]*: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' | tail -1)
	if [ -z "$line" ]; then
		failed=$((failed + 1))
		continue
	fi
	passed=$((passed + ${line% *}))
	failed=$((failed + ${line#* }))
done
out=$(sh "$here/run_sockaddr.sh" "$b/tests/sockaddr_test" 2>&1)
rc=$?
echo "$out"
ok=$(echo "$out" | grep -c ': ok$' || true)
bad=$(echo "$out" | grep -c 'FAIL' || true)
[ "$rc" -ne 0 ] && [ "$bad" -eq 0 ] && bad=1
passed=$((passed + ok))
failed=$((failed + bad))
echo "net: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
