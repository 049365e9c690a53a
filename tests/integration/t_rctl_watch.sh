# rctl actions carried out by jailinit's watcher: log, devctl and signals,
# proved on real jails from inside and outside.

# Timer descriptors jailinit of jail $1 holds.
timerfds_of() {
	ls -l "/proc/$(init_pid_of "$(jid_of "$1")")/fd" | grep -c 'anon_inode:\[timerfd\]' || true
}

# Nanoseconds until the next tick of the watcher's timer in jail $1's jailinit.
watcher_due_ns() {
	local init fd
	init=$(init_pid_of "$(jid_of "$1")")
	for fd in /proc/"$init"/fd/*; do
		[ "$(readlink "$fd")" = "anon_inode:[timerfd]" ] || continue
		sed -n 's/^it_value: *(\([0-9]*\), *\([0-9]*\)).*/\1 \2/p' "/proc/$init/fdinfo/${fd##*/}" |
			awk '{ printf "%d\n", $1 * 1000000000 + $2 }'
		return 0
	done
	fail "jailinit of $1 has no watcher timer"
}

# wait_watcher_ticks JAIL N: until the watcher of JAIL has ticked N times
# from now (the time to its next tick jumps up at each), five seconds a tick at most.
wait_watcher_ticks() {
	local seen=0 prev now deadline=$(( ${EPOCHREALTIME/./} + $2 * 5000000 ))
	prev=$(watcher_due_ns "$1")
	while [ "$seen" -lt "$2" ]; do
		[ "${EPOCHREALTIME/./}" -lt "$deadline" ] || fail "the watcher of $1 ticked $seen times of $2"
		sleep 0.02
		now=$(watcher_due_ns "$1")
		[ "$now" -gt "$prev" ] && seen=$((seen + 1))
		prev=$now
	done
}

rctl_events_of() {
	grep -c '"event":"rctl"' "$LOGDIR/$1.log" || true
}

test_rctl_watch_wallclock_sigterm_ends_processes() {
	"$JAIL" -q -c name=ptwall path="$ROOT" persist rctl=wallclock:sigterm=2
	start=$(date +%s%N)
	set +e
	"$JEXEC" ptwall sleep 60
	status=$?
	set -e
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_eq "$status" 143 "exit status of a sleep under wallclock:sigterm=2"
	[ "$ms" -ge 1000 ] && [ "$ms" -le 3500 ] || fail "sleep 60 ended after $ms ms under wallclock=2"
	# wallclock fires once: a process started afterwards lives, and so does the jail.
	assert_eq "$("$JEXEC" ptwall /bin/sh -c 'sleep 1.5; echo alive')" alive "a process after the action"
	jail_exists ptwall || fail "the jail went"
}

# serial: a busy loop must get a whole CPU second within a wall-clock window
test_rctl_watch_cputime_sigkill_takes_the_busy_process() {
	"$JAIL" -q -c name=ptcpu path="$ROOT" persist rctl=cputime:sigkill=1
	"$JEXEC" ptcpu sleep 30 &
	idle=$!
	wait_for_process_in "$(cgroup_of ptcpu)" sleep >/dev/null
	start=$(date +%s%N)
	set +e
	"$JEXEC" ptcpu /bin/probe spin 20 1
	status=$?
	set -e
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	assert_eq "$status" 137 "exit status of a busy loop under cputime:sigkill=1"
	# Killed once it had its CPU second: not before, in wall time, and not much after, in CPU time
	# (what else runs on the machine stretches the wall time, not the CPU time).
	used=$(awk '$1 == "usage_usec" { print int($2 / 1000) }' "$(cgroup_of ptcpu)/cpu.stat")
	[ "$ms" -ge 900 ] || fail "the busy loop was killed after $ms ms"
	[ "$used" -ge 900 ] && [ "$used" -le 3500 ] || fail "the busy loop was killed after $used ms of CPU ($ms ms)"
	kill -0 "$idle" 2>/dev/null || fail "the idle process of the jail was killed"
	assert_eq "$("$JEXEC" ptcpu /bin/sh -c 'cat /proc/[0-9]*/comm' | grep -cx sleep)" 1 "idle sleeps seen inside"
	kill "$idle" 2>/dev/null || true
	wait "$idle" 2>/dev/null || true
}

test_rctl_watch_memoryuse_devctl_one_event() {
	"$JAIL" -q -c name=ptdev path="$ROOT" persist rctl=memoryuse:devctl=32M
	assert_eq "$(rctl_events_of ptdev)" 0 "events before the hog"
	# Above 32 MB for four seconds: one event, not one per second.
	"$JEXEC" ptdev /bin/probe hold 48 4
	wait_until 10 "the event of a hog above 32 MB" eval '[ "$(rctl_events_of ptdev)" -ge 1 ]'
	assert_eq "$(rctl_events_of ptdev)" 1 "events after a hog stayed above"
	grep '"event":"rctl"' "$LOGDIR/ptdev.log" | python3 -c '
import json, sys
e = json.loads(sys.stdin.read())
assert e["jail"] == "ptdev", e
assert e["rule"] == "jail:ptdev:memoryuse:devctl=33554432", e
assert e["resource"] == "memoryuse", e
assert e["usage"] > 32 << 20, e
assert e["jid"] > 0 and e["jail_pid"] > 1, e
assert e["time"].endswith("Z"), e
' || fail "the rctl event"
	# Below again, the rule re-arms: a second hog is a second event.  Two ticks
	# of the watcher, so that one has seen the jail below the limit.
	wait_watcher_ticks ptdev 2
	"$JEXEC" ptdev /bin/probe hold 48 2
	wait_until 10 "the event of the second hog" eval '[ "$(rctl_events_of ptdev)" -ge 2 ]'
	assert_eq "$(rctl_events_of ptdev)" 2 "events after a second hog"
}

test_rctl_watch_maxproc_log_to_consolelog() {
	"$JAIL" -q -c name=ptlog path="$ROOT" persist exec.consolelog="$WORK/ptlog.console" rctl=maxproc:log=5
	"$JEXEC" ptlog /bin/sh -c 'for i in 1 2 3 4 5 6; do sleep 3 & done; wait'
	lines=$(grep -c 'rctl: rule "jail:ptlog:maxproc:log=5" matched' "$WORK/ptlog.console" || true)
	assert_eq "$lines" 1 "log lines in exec.consolelog"
	assert_contains "$(cat "$WORK/ptlog.console")" "usage 8" "the count (jailinit, sh and six sleeps)"
}

test_rctl_watch_rule_added_then_removed_on_a_running_jail() {
	"$JAIL" -q -c name=ptadd path="$ROOT" persist
	"$JEXEC" ptadd sleep 30 &
	first=$!
	wait_for_process_in "$(cgroup_of ptadd)" sleep >/dev/null
	# jailinit and one sleep: a third process crosses maxproc=2.
	"$RCTL" -a jail:ptadd:maxproc:sigkill=2
	set +e
	"$JEXEC" ptadd sleep 10
	status=$?
	set -e
	assert_eq "$status" 137 "the newest process under an added maxproc:sigkill=2"
	kill -0 "$first" 2>/dev/null || fail "the older process was killed"
	"$RCTL" -r jail:ptadd:maxproc
	assert_eq "$("$JEXEC" ptadd /bin/sh -c 'sleep 1.5; echo alive')" alive "a third process after the rule went"
	kill "$first" 2>/dev/null || true
	wait "$first" 2>/dev/null || true
}

test_rctl_watch_timer_only_with_rules() {
	"$JAIL" -q -c name=ptidle path="$ROOT" persist rctl=maxproc:deny=50
	assert_eq "$(timerfds_of ptidle)" 0 "timers of a jailinit with no watched rule"
	"$RCTL" -a jail:ptidle:memoryuse:log=1G
	assert_eq "$(timerfds_of ptidle)" 1 "timers with a watched rule"
	"$JAIL" -q -m name=ptidle rctl=maxproc:deny=40
	assert_eq "$(timerfds_of ptidle)" 0 "timers after jail -m dropped the watched rule"
	"$JAIL" -q -c name=ptwatched path="$ROOT" persist rctl=pcpu:log=90
	assert_eq "$(timerfds_of ptwatched)" 1 "timers of a jail created with a watched rule"
}

test_rctl_watch_refusals_are_clear() {
	"$JAIL" -q -c name=ptref path="$ROOT" persist
	jid=$(jid_of ptref)
	expect_error "rctl: failed to add rule 'jail:ptref:readbps:log=1M': readbps:log is not supported on Linux: I/O cannot be refused, only slowed: use throttle" \
		"$RCTL" -a jail:ptref:readbps:log=1M
	expect_error "rctl: failed to add rule 'jail:ptref:cputime:deny=10': cputime:deny is not supported on Linux: CPU time already used cannot be refused; use pcpu to cap the rate" \
		"$RCTL" -a jail:ptref:cputime:deny=10
	expect_error "rctl: malformed rule 'jail:ptref:openfiles:log=10/process': per process: log, devctl and signals watch a whole jail" \
		"$RCTL" -a jail:ptref:openfiles:log=10/process
	# A counter the jail does not have: jailinit says so, and nothing changes.
	if [ ! -e "$CGROUP2/$CGPREFIX/$jid/memory.swap.current" ]; then
		expect_error "rctl: failed to add rule 'jail:ptref:swapuse:log=1M': jailinit refused the watched rules: swapuse:log=1048576: swap is not counted for this jail (no memory cgroup with swap accounting)" \
			"$RCTL" -a jail:ptref:swapuse:log=1M
		assert_eq "$("$RCTL" jail:ptref)" "" "rules after a refused one"
		assert_eq "$(timerfds_of ptref)" 0 "timers after a refused rule"
	fi
}
