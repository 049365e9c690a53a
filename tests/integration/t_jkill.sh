# jkill(8): one signal to every process of a jail at once; jls -p: a jail's
# processes seen from the host.

# The third field of jkill -v's lines: the pids in the jail, one per line, sorted.
jail_pids_of() {
	awk '{ print $3 }' | sort -n
}

# Lines of file $1 (0 when there is none).
lines_of() {
	if [ -e "$1" ]; then wc -l <"$1"; else echo 0; fi
}

test_jkill_forking_jail_none_escapes() {
	local got=$ROOT/tmp/ptkf.got out sent
	rm -f "$got"
	# The chain forks on as fast as it can; maxproc keeps it within bounds.
	"$JAIL" -q -c name=ptkf path="$ROOT" persist persist.idle=false rctl=maxproc:deny=300
	"$JEXEC" ptkf /bin/probe chain /tmp/ptkf.got &
	local jexec=$!
	wait_until 10 "a chain of 50 processes in ptkf" eval '[ "$(procs_in ptkf)" -ge 50 ]'
	out=$("$JKILL" -v -s TERM ptkf)
	# Each process it signalled catches SIGTERM, writes its pid and ends; one that
	# escaped (forked after the pids were read) would fork on and never end.
	wait_until 10 "every process of the chain ended" eval '[ "$(procs_in ptkf)" = 1 ]'
	wait "$jexec" || true
	sent=$(jail_pids_of <<<"$out")
	[ "$(wc -l <<<"$sent")" -ge 50 ] || fail "jkill signalled only $(wc -l <<<"$sent") processes"
	assert_eq "$(sort -n "$got")" "$sent" "the processes that caught SIGTERM against those jkill signalled"
	# jailinit was not among them: the jail is still there, with it.
	assert_eq "$(jail_names | grep -cx ptkf)" 1 "the jail after jkill"
	init=$(init_pid_of "$(jid_of ptkf)")
	pid_gone "$init" && fail "jailinit of ptkf ended"
	assert_not_contains "$(awk '{ print $2 }' <<<"$out")" "$init" "jailinit among the signalled"
	# Thawed: the jail runs commands again.
	assert_eq "$("$JEXEC" ptkf echo alive)" alive "a command in the jail after jkill"
	assert_eq "$(cat "$(cgroup_of ptkf)/cgroup.freeze")" 0 "cgroup.freeze after jkill"
	rm -f "$got"
	"$JAIL" -q -r ptkf
}

test_jkill_ignored_signal_keeps_jail() {
	# Not persistent: the jail lives as long as its command does.
	"$JAIL" -q -c name=ptki path="$ROOT" command=/bin/sh -c 'trap "" TERM; exec sleep 60' &
	local jail=$!
	# Made in the background: its cgroup is known once it is listed.
	wait_until 10 "ptki listed" jail_exists ptki
	p=$(wait_for_process_in "$(cgroup_of ptki)" sleep SigIgn)
	"$JKILL" ptki
	"$JKILL" -15 ptki
	sleep 0.3
	pid_gone "$p" && fail "the process that ignores SIGTERM ended"
	jail_exists ptki || fail "the jail went after a signal its process ignores"
	# SIGKILL ends its last process, so the jail goes, as any jail without persist does.
	"$JKILL" -s KILL ptki
	wait_gone "$p" "the process after SIGKILL"
	wait_until 10 "ptki gone after its last process" jail_gone ptki
	wait "$jail" || true
	assert_nothing_left
}

test_jkill_persistent_jail_survives_sigkill() {
	"$JAIL" -q -c name=ptkp path="$ROOT" persist persist.idle=false
	"$JEXEC" ptkp sleep 60 &
	p=$(wait_for_process_in "$(cgroup_of ptkp)" sleep)
	init=$(init_pid_of "$(jid_of ptkp)")
	"$JKILL" -KILL ptkp
	wait_gone "$p" "the sleep after jkill -KILL"
	wait || true
	pid_gone "$init" && fail "jailinit was killed"
	jail_exists ptkp || fail "the persistent jail went"
	assert_eq "$(procs_in ptkp)" 1 "processes left: jailinit alone"
	"$JAIL" -q -r ptkp
}

test_jkill_signal_names_and_numbers() {
	local f=$ROOT/tmp/ptkn.got n=0 form
	rm -f "$f"
	# jailinit spared by every signal: a jail that keeps it.
	"$JAIL" -q -c name=ptkn path="$ROOT" persist persist.idle=false
	"$JEXEC" ptkn /bin/sh -c 'trap "echo HUP >>/tmp/ptkn.got" HUP; trap "echo USR1 >>/tmp/ptkn.got" USR1
		trap "exit 0" TERM; while :; do sleep 0.05; done' &
	wait_for_process_in "$(cgroup_of ptkn)" sh SigCgt >/dev/null
	for form in "-s HUP" "-s SIGHUP" "-s hup" "-HUP" "-SIGHUP" "-1" "-s 1" "-s USR1" "-USR1" "-$(kill -l USR1)"; do
		n=$((n + 1))
		# shellcheck disable=SC2086
		"$JKILL" $form ptkn
		wait_until 5 "signal $n ($form) caught" eval '[ "$(lines_of "$f")" -ge '$n' ]'
	done
	assert_eq "$(sort "$f" | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" "HUP=7 USR1=3 " "signals caught, by name"
	# Signal 0 sends nothing: it finds the processes.
	"$JKILL" -0 ptkn
	"$JKILL" -s 0 ptkn
	sleep 0.2
	assert_eq "$(lines_of "$f")" 10 "signals caught after signal 0"
	"$JKILL" ptkn
	wait
	assert_eq "$(procs_in ptkn)" 1 "after the default signal, TERM"
	# kill -l's list and names of numbers and exit statuses.
	assert_contains "$("$JKILL" -l)" "HUP INT QUIT ILL TRAP ABRT" "jkill -l"
	assert_eq "$("$JKILL" -l 9)" KILL "jkill -l 9"
	assert_eq "$("$JKILL" -l 143)" TERM "jkill -l of an exit status"
	rm -f "$f"
	"$JAIL" -q -r ptkn
}

test_jkill_errors() {
	"$JAIL" -q -c name=ptke path="$ROOT" persist
	expect_error 'jkill: jail "ptknone" not found' "$JKILL" ptknone
	set +e
	"$JKILL" ptknone 2>/dev/null
	rc_jail=$?
	"$JKILL" -s FOO ptke 2>/dev/null
	rc_sig=$?
	"$JKILL" 2>/dev/null
	rc_usage=$?
	set -e
	assert_eq "$rc_jail" 1 "exit status for an unknown jail"
	assert_eq "$rc_sig" 2 "exit status for a bad signal"
	assert_eq "$rc_usage" 2 "exit status of usage"
	expect_error 'jkill: unknown signal "FOO"; jkill -l lists them' "$JKILL" -s FOO ptke
	expect_error 'jkill: unknown signal "FOO"; jkill -l lists them' "$JKILL" -FOO ptke
	expect_error 'jkill: unknown signal "99"; jkill -l lists them' "$JKILL" -99 ptke
	expect_error 'jkill: unknown signal "300"; jkill -l lists them' "$JKILL" -l 300
	expect_error 'jkill: -i: jailinit takes TERM, USR1 and USR2 (each stops the jail as jail -r does), not HUP' \
		"$JKILL" -i -HUP ptke
	# One jail missing: the others still get the signal, and the status says one failed.
	"$JEXEC" ptke sleep 60 &
	p=$(wait_for_process_in "$(cgroup_of ptke)" sleep)
	expect_error 'jkill: jail "ptknone" not found' "$JKILL" ptknone ptke
	wait_gone "$p" "the sleep of the jail that was found"
	wait || true
	jail_exists ptke || fail "ptke went"
	"$JAIL" -q -r ptke
}

test_jkill_r_reaches_children() {
	local pgot=$ROOT/tmp/ptkr.parent cgot=$ROOT/tmp/ptkr.child
	rm -f "$pgot" "$cgot"
	"$JAIL" -q -c name=ptkr path="$ROOT" persist persist.idle=false children.max=1
	"$JAIL" -q -c name=ptkr.c path="$ROOT" persist persist.idle=false
	"$JEXEC" ptkr /bin/sh -c 'trap "echo got >/tmp/ptkr.parent; exit 0" TERM; while :; do sleep 0.05; done' &
	"$JEXEC" ptkr.c /bin/sh -c 'trap "echo got >/tmp/ptkr.child; exit 0" TERM; while :; do sleep 0.05; done' &
	wait_for_process_in "$(cgroup_of ptkr)/self" sh SigCgt >/dev/null
	wait_for_process_in "$(cgroup_of ptkr.c)" sh SigCgt >/dev/null
	# Without -r: the jail's own processes only.
	"$JKILL" ptkr
	wait_until 5 "the parent's process caught SIGTERM" test -e "$pgot"
	sleep 0.3
	[ -e "$cgot" ] && fail "jkill without -r reached the child jail"
	# With -r: the child's too, and neither jailinit.
	out=$("$JKILL" -v -r ptkr)
	wait_until 5 "the child's process caught SIGTERM" test -e "$cgot"
	assert_contains "$(awk '{ print $1 }' <<<"$out" | sort -u)" "$(jid_of ptkr.c)" "jids signalled with -r"
	wait
	"$JKILL" -r -KILL ptkr
	jail_exists ptkr || fail "the parent went"
	jail_exists ptkr.c || fail "the child went"
	assert_eq "$(procs_in ptkr.c)" 1 "the child's processes: its jailinit"
	rm -f "$pgot" "$cgot"
	"$JAIL" -q -r ptkr
}

test_jkill_i_stops_the_jail() {
	local f=$ROOT/tmp/ptks.stop
	rm -f "$f"
	"$JAIL" -q -c name=ptks path="$ROOT" persist exec.stop="echo stopped >/tmp/ptks.stop"
	"$JKILL" -i ptks
	jail_gone ptks || fail "jkill -i did not remove the jail"
	assert_eq "$(cat "$f" 2>/dev/null)" stopped "exec.stop run by jkill -i"
	assert_contains "$(tail -1 "$LOGDIR/ptks.log")" '"event":"remove"' "the audit trail of jkill -i"
	rm -f "$f"
	assert_nothing_left
}

test_jkill_jls_p_shows_the_jail_processes() {
	local pidfile=$ROOT/tmp/ptkl.pid
	rm -f "$pidfile"
	"$JAIL" -q -c name=ptkl path="$ROOT" persist
	"$JAIL" -q -c name=ptkl2 path="$ROOT" persist
	"$JEXEC" ptkl /bin/sh -c 'echo $$ >/tmp/ptkl.pid; exec sleep 60' &
	"$JEXEC" -U jdoe ptkl sleep 61 &
	"$JEXEC" ptkl2 sleep 62 &
	wait_until 10 "three processes in ptkl" eval '[ "$(procs_in ptkl)" = 3 ]'
	wait_for_process_in "$(cgroup_of ptkl2)" sleep >/dev/null
	# jexec -U's child is in the jail before it takes jdoe's ids and execs: wait for the sleep itself.
	wait_until 10 "jdoe's sleep in ptkl" eval '"$JLS" -p -j ptkl | grep -q " jdoe  *sleep 61$"'
	jid=$(jid_of ptkl)
	out=$("$JLS" -p -j ptkl)
	# Exactly the jail's processes, the same ones rctl -u counts.
	assert_eq "$(tail -n +2 <<<"$out" | awk '{ print $2 }' | sort -n)" "$(sort -n "$(cgroup_of ptkl)/cgroup.procs")" \
		"host pids of jls -p"
	assert_eq "$(tail -n +2 <<<"$out" | wc -l)" "$("$RCTL" -u jail:ptkl:maxproc | cut -d= -f2)" "jls -p against rctl -u"
	assert_eq "$(tail -n +2 <<<"$out" | awk '{ print $1 }' | sort -u)" "$jid" "jid column"
	# Each pair is the kernel's: NSpid of the host pid ends with the pid in the jail.
	while read -r j pid jpid user juser cmd; do
		assert_eq "$(awk '$1 == "NSpid:" { print $2, $NF }' "/proc/$pid/status")" "$pid $jpid" "pids of $cmd"
		uid=$(awk '$1 == "Uid:" { print $3 }' "/proc/$pid/status")
		assert_eq "$user" "$uid" "host user of $cmd"
		case "$cmd" in
		"jailinit"*) assert_eq "$jpid $juser" "1 root" "jailinit" ;;
		"sleep 60") assert_eq "$jpid $juser" "$(cat "$pidfile") root" "the sleep that was the shell" ;;
		"sleep 61") assert_eq "$juser" jdoe "the sleep of jdoe"
			assert_eq "$((uid - $(awk '$1 == "Uid:" { print $3 }' "/proc/$(init_pid_of "$jid")/status")))" 1001 \
				"host uid of jdoe: the jail's base + 1001" ;;
		*) fail "unexpected process in ptkl: $cmd" ;;
		esac
	done < <(tail -n +2 <<<"$out")
	# --libxo json: the same processes, nested in their jail.
	"$JLS" --libxo json -p -j ptkl | python3 -c '
import json, sys
doc = json.load(sys.stdin)
jails = doc["jail-information"]["jail"]
assert [j["name"] for j in jails] == ["ptkl"], jails
procs = jails[0]["process"]
assert procs[0]["init"] and procs[0]["jpid"] == 1 and procs[0]["juser"] == "root", procs[0]
print(" ".join(sorted(str(p["pid"]) for p in procs)))
' >"$WORK/ptkl.json" || fail "jls --libxo json -p"
	assert_eq "$(cat "$WORK/ptkl.json")" "$(sort "$(cgroup_of ptkl)/cgroup.procs" | tr '\n' ' ' | sed 's/ $//')" \
		"pids of jls --libxo json -p"
	# Every jail without -j; by name with -N.
	assert_eq "$("$JLS" -p -N | tail -n +2 | awk '$1 ~ /^ptkl2?$/ { print $1 }' | sort | uniq -c | awk '{ print $2 "=" $1 }' | tr '\n' ' ')" \
		"ptkl=3 ptkl2=2 " "jls -p -N of every jail"
	expect_error 'jls: jail "ptknone" not found' "$JLS" -p -j ptknone
	rm -f "$pidfile"
	"$JAIL" -q -r ptkl
	"$JAIL" -q -r ptkl2
	wait || true
}
