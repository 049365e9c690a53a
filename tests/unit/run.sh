#!/bin/sh
# Run each unit test binary; each prints "passed failed" for its tests.
passed=0 failed=0
for t in "$@"; do
	out=$("$t") ; rc=$?
	set -- $out
	p=${1:-0} f=${2:-1}
	[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	echo "unit: $(basename "$t"): $p passed, $f failed"
	passed=$((passed + p)) failed=$((failed + f))
done
echo "unit: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
