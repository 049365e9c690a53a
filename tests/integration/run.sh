#!/bin/bash
# Integration tests: real jails, as root, in parallel shards.
# Usage: run.sh [-j SHARDS] [name-pattern]      (SHARDS: 4, or $PRISON_TEST_SHARDS)
#
# Every shard has a runtime context of its own (PRISON_RUNDIR, PRISON_CGROUP
# and PRISON_LOGDIR, see src/lib/runtime.h) and a work directory of its own:
# shards never see each other's jails, and a run never sees nor touches the
# host's jails in /run/prison.  The shards take their tests from one queue,
# longest first by the durations of the last run (build/tests/integration.times).
# A test marked with a "# serial: why" line just above it measures the machine
# itself (CPU shares, CPU time): those run after the others, one at a time,
# with nothing else running.  Each test's line is printed as it ends; the last
# line is "integration: N passed, N failed".
set -u
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
export JAIL=$TOP/build/sbin/jail JLS=$TOP/build/sbin/jls JEXEC=$TOP/build/sbin/jexec RCTL=$TOP/build/sbin/rctl JKILL=$TOP/build/sbin/jkill JBASE=$TOP/build/sbin/jbase
export PROBE=$TOP/build/tests/probe
export CGROUP2
CGROUP2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)

shards=${PRISON_TEST_SHARDS:-4}
while getopts j: opt; do
	case $opt in
	j) shards=$OPTARG ;;
	*) echo "usage: run.sh [-j SHARDS] [name-pattern]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
pattern=${1:-}
case $shards in '' | *[!0-9]* | 0) echo "integration: -j takes a number of shards, 1 or more" >&2; exit 2 ;; esac

if [ "$(id -u)" != 0 ]; then
	echo "integration: must run as root"
	exit 1
fi
. "$HERE/lib.sh"
work=$(mktemp -d /var/tmp/prison-test.XXXXXX)
chmod 755 "$work"
run_id=${work##*.}
times=$TOP/build/tests/integration.times
pids=()

# Shard $1's context and directories, exported for the commands and the tests.
shard_env() {
	export WORK=$work/s$1
	export ROOT=$WORK/root
	export PRISON_RUNDIR=$WORK/run PRISON_LOGDIR=$WORK/log PRISON_STATEDIR=$WORK/state PRISON_CGROUP=prison-test-$run_id-$1
	# The host's /etc/rctl.conf adds no rule to a test's jails.
	export PRISON_RCTL_CONF=$WORK/.no-rctl.conf
	RUNDIR=$PRISON_RUNDIR CGPREFIX=$PRISON_CGROUP LOGDIR=$PRISON_LOGDIR STATEDIR=$PRISON_STATEDIR
}

# Every shard's jails, cgroups and registry mount, then the work directory;
# says what could not be removed.
cleanup() {
	local i left c
	for i in $(seq 1 "$shards"); do
		(shard_env "$i" && context_cleanup "$PRISON_RUNDIR" "$PRISON_CGROUP" "$PRISON_LOGDIR" "$PRISON_STATEDIR")
	done
	# Controllers the run's jails enabled in the cgroup2 root (hugetlb for the
	# OCI tests) are given back, unless something else uses them by now.
	for c in $(cat "$CGROUP2/cgroup.subtree_control" 2>/dev/null); do
		case " $root_controllers " in *" $c "*) ;; *) echo "-$c" >"$CGROUP2/cgroup.subtree_control" 2>/dev/null ;; esac
	done
	left=$(context_leftovers "prison-test-$run_id-*" "$work")
	rm -rf "$work" 2>/dev/null
	[ -e "$work" ] && left="$left${left:+$'\n'}directory $work"
	if [ -n "$left" ]; then
		echo "integration: the run left behind:"
		echo "$left" | sed 's/^/     | /'
		return 1
	fi
}

# An early exit or a signal: the shards stop, and everything is cleaned up.
stop() {
	trap - EXIT INT TERM
	[ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null
	[ -n "${debian_pid:-}" ] && kill -TERM -- "-$debian_pid" 2>/dev/null
	wait
	cleanup
	[ "$1" = 1 ] || echo "integration: interrupted"
	exit "$1"
}
root_controllers=$(cat "$CGROUP2/cgroup.subtree_control" 2>/dev/null)
trap 'stop 1' EXIT
trap 'stop 130' INT
trap 'stop 143' TERM

# The tests, in the order of the files, each as "P name" or "S name" (serial).
all_tests() {
	awk '/^# serial:/ { serial = 1; next }
		/^test_[A-Za-z0-9_]*\(\) *\{/ { sub(/\(.*/, ""); print (serial ? "S " : "P ") $0 }
		{ serial = 0 }' $(test_files)
}

# Names on standard input, longest first by the last run's durations (new tests
# count as long: they go early), the file order among equals.
longest_first() {
	awk -v tf="$times" 'BEGIN { while ((getline l < tf) > 0) { split(l, a, " "); ms[a[1]] = a[2] } }
		{ printf "%d %d %s\n", ($0 in ms) ? ms[$0] : 2000, NR, $0 }' | sort -k1,1nr -k2,2n | cut -d' ' -f3
}

all_tests | while read -r kind t; do
	case "$t" in *"$pattern"*) echo "$t" >>"$work/list.$kind" ;; esac
done
for kind in P S; do
	touch "$work/list.$kind"
	longest_first <"$work/list.$kind" >"$work/queue.$kind"
	echo 1 >"$work/next.$kind"
done

# The next test of queue $1, or nothing when it is empty.
next_test() {
	local n t
	exec 9>>"$work/queue.lock"
	flock 9
	n=$(cat "$work/next.$1")
	t=$(sed -n "${n}p" "$work/queue.$1")
	echo $((n + 1)) >"$work/next.$1"
	exec 9>&-
	[ -n "$t" ] && echo "$t"
}

# Test $1 in the current shard, with what it left removed and checked after.
run_test() {
	local t=$1 start result ms log=$WORK/test.log block
	# A Debian test waits for the run's Debian base outside its time limit.
	# and has longer to run (apt-get from Debian's mirror).
	local limit=120
	case $t in test_debian_*)
		limit=300
		while [ -n "${debian_pid:-}" ] && [ ! -e "$work/debian/ended" ]; do sleep 0.5; done ;;
	esac
	start=$(date +%s%N)
	timeout "$limit" bash -c 'set -eu; . "$1/lib.sh"; for f in $(test_files); do . "$f"; done; "$2"' _ "$HERE" "$t" \
		>"$log" 2>&1 &
	child=$!
	if wait "$child"; then result=ok; else result=FAIL; fi
	child=
	remove_test_jails
	# Every test must leave nothing behind, whatever it did.
	if [ $result = ok ] && ! (assert_nothing_left) >>"$log" 2>&1; then
		result=FAIL
	fi
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	if [ $result = ok ]; then
		block="ok   $t (${ms} ms)"
	else
		block="FAIL $t (${ms} ms)"$'\n'"$(sed 's/^/     | /' "$log" | tail -20)"
	fi
	echo "$result $t $ms" >>"$WORK/results"
	{
		flock 8
		printf '%s\n' "$block"
	} 8>>"$work/output.lock"
}

# Shard $1 runs the tests of queue $2 until it is empty.
run_shard() {
	local t
	child=
	trap '[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; exit 143' TERM
	shard_env "$1"
	while t=$(next_test "$2"); do
		run_test "$t"
	done
}

# The Debian base of the t_debian tests, built in the background while the rest runs.
debian_pid=
if grep -q '^test_debian_' "$work/list.P" "$work/list.S"; then
	setsid "$HERE/debian_cache.sh" "$work" &
	debian_pid=$!
fi

# Every shard's directories and jail root, made at once.
for i in $(seq 1 "$shards"); do
	(shard_env "$i" && mkdir -p "$WORK" && chmod 755 "$WORK" && make_root "$ROOT") &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || { echo "integration: could not make the shards' jail roots in $work"; exit 1; }
done
pids=()

for i in $(seq 1 "$shards"); do
	run_shard "$i" P &
	pids+=($!)
done
wait "${pids[@]}"
pids=()
run_shard 1 S &
pids+=($!)
wait "${pids[@]}"
pids=()

passed=0 failed=0 failures=""
while read -r result t ms; do
	if [ "$result" = ok ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
		failures="$failures $t"
	fi
done < <(cat "$work"/s*/results 2>/dev/null)
# The durations for the next run's order: this run's, over the last one's.
if mkdir -p "$(dirname "$times")" 2>/dev/null; then
	cat "$work"/s*/results 2>/dev/null | awk '{ print $2, $3 }' | cat - "$times" 2>/dev/null |
		awk '!seen[$1]++' >"$times.new" && mv "$times.new" "$times"
fi
trap - EXIT
if ! cleanup; then
	failed=$((failed + 1))
	failures="$failures (clean-up)"
fi
trap - INT TERM
[ -n "$failures" ] && echo "failed:$failures"
echo "integration: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
