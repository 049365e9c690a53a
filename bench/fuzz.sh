#!/bin/sh
# A long libFuzzer run of the jail.conf parser (make check runs it for 15 s).
# Usage: bench/fuzz.sh [seconds]   (default 600)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
make --no-print-directory build/fuzz/fuzz_conf
corpus=build/fuzz/long-corpus
mkdir -p "$corpus"
cp tests/conf/*.conf "$corpus"/ 2>/dev/null || true
exec build/fuzz/fuzz_conf -max_total_time="${1:-600}" -timeout=5 -rss_limit_mb=2048 -print_final_stats=1 "$corpus"
