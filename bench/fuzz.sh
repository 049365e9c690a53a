#!/bin/sh
# The long run of every parser's libFuzzer harness (make check runs each
# for a few seconds): an hour each by default, as many at once as there
# are cores, at nice 19.  The corpora grow in build/fuzz/long/corpus and
# are kept for the next run; an input that breaks a parser is saved in
# build/fuzz/long/findings, to become a unit test when it is fixed.
# Usage: bench/fuzz.sh [seconds [jobs [harness...]]]   (harness: conf, rctl, ...)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
seconds=${1:-3600}
jobs=${2:-$(nproc)}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
if [ $# -gt 0 ]; then
	bins=$(for n in "$@"; do echo "build/fuzz/fuzz_$n"; done)
else
	bins=$(ls tests/fuzz/fuzz_*.c | sed 's|^tests/fuzz/|build/fuzz/|; s|\.c$||')
fi
# shellcheck disable=SC2086
make --no-print-directory $bins
# shellcheck disable=SC2086
exec nice -n 19 bash tests/fuzz/run.sh build/fuzz/long "$seconds" "$jobs" $bins
