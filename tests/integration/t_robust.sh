# Concurrency and crashes: the registry stays consistent whatever happens.

test_concurrent_same_name_one_wins() {
	for i in 1 2; do
		"$JAIL" -c name=ptrace path="$ROOT" persist >"$WORK/out$i" 2>&1 &
	done
	wait || true
	ok=$(cat "$WORK"/out1 "$WORK"/out2 | grep -c '^ptrace: created$' || true)
	err=$(cat "$WORK"/out1 "$WORK"/out2 | grep -c '^jail: "ptrace" already exists$' || true)
	assert_eq "$ok/$err" "1/1" "two creates of one name"
	assert_eq "$(jail_names | grep -c '^ptrace$')" 1 "jails named ptrace"
}

test_twenty_concurrent_creates_get_distinct_jids() {
	for i in $(seq 1 20); do
		"$JAIL" -q -c name=ptmany$i path="$ROOT" persist &
	done
	wait
	jids=$("$JLS" name jid | awk '$1 ~ /^ptmany/ { print $2 }' | sort -n)
	assert_eq "$(echo "$jids" | wc -l)" 20 "jails created"
	assert_eq "$(echo "$jids" | uniq | wc -l)" 20 "distinct jids"
}

test_lowest_free_jid_is_reused() {
	"$JAIL" -q -c name=ptlow1 path="$ROOT" persist
	"$JAIL" -q -c name=ptlow2 path="$ROOT" persist
	j1=$(jid_of ptlow1)
	"$JAIL" -q -r ptlow1
	"$JAIL" -q -c name=ptlow3 path="$ROOT" persist
	assert_eq "$(jid_of ptlow3)" "$j1" "jid after a removal"
}

test_kill_9_at_any_moment_leaves_a_consistent_registry() {
	# Each delay is a moment to kill at, not a wait for anything.
	for delay in 0 0.001 0.003 0.006 0.01 0.02 0.05; do
		"$JAIL" -q -c name=ptkill path="$ROOT" command=/bin/sleep 30 &
		pid=$!
		sleep "$delay"
		kill -9 $pid 2>/dev/null || true
		wait $pid 2>/dev/null || true
		# The next command makes the registry consistent: listed means alive.
		# One jls call only: a jail whose creator died before its command
		# started has no process and ends on its own at any moment.
		jid=$("$JLS" -j ptkill jid 2>/dev/null || true)
		if [ -n "$jid" ]; then
			# Only a prison command removes a cgroup, so it must still be there.
			[ -e "$CGROUP2/$CGPREFIX/$jid" ] || fail "listed jail has no cgroup (delay $delay)"
			# The orphaned command is not jailinit's child, yet the stop must not wait for stop.timeout.
			start=$(date +%s%N)
			if ! "$JAIL" -q -r ptkill 2>"$WORK/kill.err"; then
				grep -q 'not found' "$WORK/kill.err" || fail "jail -r: $(cat "$WORK/kill.err")"
			fi
			ms=$(( ($(date +%s%N) - start) / 1000000 ))
			[ "$ms" -lt 5000 ] || fail "removal of a jail with an orphaned command took ${ms} ms"
		fi
		assert_nothing_left
	done
}

test_kill_9_during_creation_is_cleared_by_the_next_create() {
	# Each delay is a moment to kill at, not a wait for anything.
	for delay in 0.002 0.004 0.006 0.008 0.012; do
		"$JAIL" -q -c name=ptcut path="$ROOT" persist &
		pid=$!
		sleep "$delay"
		kill -9 $pid 2>/dev/null || true
		wait $pid 2>/dev/null || true
		# Not jls: a create of another jail must find and finish the abandoned one.
		"$JAIL" -q -c name=ptnext path="$ROOT" persist
		assert_registry_consistent
		"$JAIL" -q -r ptnext
		"$JAIL" -q -r ptcut 2>/dev/null || true
	done
}

test_kill_9_of_jailinit_is_cleaned_up() {
	# A jail that keeps its jailinit: its death is the jail's (for an idle-capable one, see below).
	"$JAIL" -q -c name=ptinit path="$ROOT" persist persist.idle=false
	jid=$(jid_of ptinit)
	init=$(init_pid_of "$jid")
	kill -9 "$init"
	wait_gone "$init" "jailinit after SIGKILL"
	jail_exists ptinit && fail "a jail whose jailinit died is still listed"
	assert_nothing_left
}

test_kill_9_of_jail_r_is_finished_by_the_next_command() {
	"$JAIL" -q -c name=ptrm path="$ROOT" persist stop.timeout=20
	"$JEXEC" ptrm /bin/sh -c "trap '' TERM; while :; do sleep 1; done" >/dev/null 2>&1 &
	wait_for_process_in "$(cgroup_of ptrm)" sh SigIgn >/dev/null
	"$JAIL" -q -r ptrm &
	rm_pid=$!
	# Killed while it waits stop.timeout for the shell that ignores SIGTERM.
	wait_until 10 "jail dying under jail -r" is_dying ptrm
	kill -9 $rm_pid
	wait $rm_pid 2>/dev/null || true
	# The removal was under way: the next command finishes it.
	jail_exists ptrm && fail "half-removed jail still listed"
	wait || true
	assert_nothing_left
}

# A persistent jail that may be idle outlives a kill -9 of its jailinit, as a
# FreeBSD jail outlives its processes: they all end, the jail stays, idle.
test_kill_9_of_jailinit_of_an_idle_capable_jail_leaves_it_idle() {
	"$JAIL" -q -c name=ptinid path="$ROOT" persist host.hostname=inid
	"$JEXEC" ptinid sleep 60 &
	local sleeper=$!
	p=$(wait_for_process_in "$(cgroup_of ptinid)" sleep)
	init=$(init_pid_of "$(jid_of ptinid)")
	kill -9 "$init"
	wait_gone "$p" "the jail's sleep after its jailinit's kill -9"
	wait "$sleeper" || true
	jail_exists ptinid || fail "the persistent jail went with its jailinit"
	assert_registry_consistent
	assert_eq "$(procs_in ptinid)" 0 "processes left"
	assert_eq "$("$JEXEC" ptinid hostname)" inid "jexec after the kill"
	"$JAIL" -q -r ptinid
	assert_nothing_left
}
