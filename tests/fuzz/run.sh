#!/bin/bash
# Run libFuzzer harnesses, each on a corpus of its own seeded from
# tests/fuzz/corpus/NAME, and close with "fuzz: N passed, M failed".
#
# Usage: tests/fuzz/run.sh DIR SECONDS JOBS HARNESS...
#   DIR      where the corpora (DIR/corpus/NAME), logs (DIR/log/NAME) and
#            findings (DIR/findings/NAME-*) go; a corpus kept there from an
#            earlier run is run again and grown
#   SECONDS  how long each harness runs
#   JOBS     how many run at once
set -eu
dir=$1 seconds=$2 jobs=$3
shift 3
top=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$dir/corpus" "$dir/log" "$dir/findings" "$dir/status"

one() {
	bin=$1 name=$(basename "$1" | sed 's/^fuzz_//')
	corpus=$dir/corpus/$name
	mkdir -p "$corpus"
	[ -d "$top/tests/fuzz/corpus/$name" ] && cp "$top/tests/fuzz/corpus/$name"/* "$corpus"/ 2>/dev/null
	[ "$name" = conf ] && cp "$top"/tests/conf/*.conf "$corpus"/ 2>/dev/null
	if "$bin" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$dir/findings/$name-" "$corpus" >"$dir/log/$name" 2>&1; then
		echo passed >"$dir/status/$name"
	else
		echo failed >"$dir/status/$name"
	fi
	runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$dir/log/$name" | grep -o '[0-9]*$' || echo 0)
	echo "fuzz $name: $(cat "$dir/status/$name"), $runs runs in ${seconds} s"
}

rm -f "$dir/status"/*
for bin in "$@"; do echo "$bin"; done | {
	# At most JOBS at once: a slot is taken by each background run and freed as one ends.
	n=0
	while read -r bin; do
		if [ "$n" -ge "$jobs" ]; then wait -n; n=$((n - 1)); fi
		one "$bin" &
		n=$((n + 1))
	done
	wait
}
passed=$(grep -l passed "$dir/status"/* 2>/dev/null | wc -l)
failed=$(grep -l failed "$dir/status"/* 2>/dev/null | wc -l)
for f in $(grep -l failed "$dir/status"/* 2>/dev/null); do
	name=$(basename "$f")
	echo "--- fuzz $name: the end of $dir/log/$name"
	tail -30 "$dir/log/$name"
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
