#!/usr/bin/env bash
# Run the jail.conf parser corpus.  Run from the repository root:
#   tests/conf/run.sh            (or JAIL=/path/to/jail tests/conf/run.sh)
# Good files (NN-*.conf): stdout of `jail -f FILE -e '|'` must equal
# NN-*.expected and the exit status must be 0.
# Bad files (bad-*.conf): stderr must equal bad-*.expected, stdout must be
# empty and the exit status must be 1.
set -u

JAIL=${JAIL:-build/sbin/jail}
dir=tests/conf

if [ ! -x "$JAIL" ]; then
	echo "conf: $JAIL: not an executable (build it or set \$JAIL)" >&2
	exit 2
fi

pass=0
fail=0
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

for conf in "$dir"/*.conf; do
	[ -e "$conf" ] || continue
	name=$(basename "$conf" .conf)
	expected="$dir/$name.expected"
	"$JAIL" -f "$conf" -e '|' >"$tmp/out" 2>"$tmp/err"
	rc=$?
	ok=1
	msg=""
	if [ ! -f "$expected" ]; then
		ok=0
		msg="missing $expected"
	elif [[ $name == bad-* ]]; then
		if [ "$rc" -ne 1 ]; then
			ok=0
			msg="exit status $rc, expected 1"
		fi
		if [ -s "$tmp/out" ]; then
			ok=0
			msg="$msg${msg:+; }unexpected output on stdout:"$'\n'"$(cat "$tmp/out")"
		fi
		if ! diff -u "$expected" "$tmp/err" >"$tmp/diff"; then
			ok=0
			msg="$msg${msg:+$'\n'}$(cat "$tmp/diff")"
		fi
	else
		if [ "$rc" -ne 0 ]; then
			ok=0
			msg="exit status $rc, expected 0; stderr: $(cat "$tmp/err")"
		fi
		if ! diff -u "$expected" "$tmp/out" >"$tmp/diff"; then
			ok=0
			msg="$msg${msg:+$'\n'}$(cat "$tmp/diff")"
		fi
	fi
	if [ "$ok" -eq 1 ]; then
		echo "ok   $name"
		pass=$((pass + 1))
	else
		echo "FAIL $name"
		printf '%s\n' "$msg" | sed 's/^/     /'
		fail=$((fail + 1))
	fi
done

echo "conf: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
