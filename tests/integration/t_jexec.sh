# jexec(8): exit status, users, environment, terminals.

test_jexec_exit_status() {
	"$JAIL" -q -c name=ptexit path="$ROOT" persist
	set +e
	"$JEXEC" ptexit /bin/sh -c 'exit 7'
	rc=$?
	"$JEXEC" ptexit /bin/sh -c 'kill -9 $$'
	rc9=$?
	set -e
	assert_eq "$rc" 7 "exit status through jexec"
	assert_eq "$rc9" 137 "status of a killed command"
	jid=$(jid_of ptexit)
	assert_eq "$("$JEXEC" "$jid" /bin/echo by-jid)" by-jid "jexec by jid"
}

test_jexec_users() {
	"$JAIL" -q -c name=ptusers path="$ROOT" persist
	assert_eq "$("$JEXEC" -U jdoe ptusers id)" "uid=1001(jdoe) gid=1001(jdoe) groups=10(wheel),1001(jdoe)" "jexec -U"
	assert_eq "$("$JEXEC" -u nobody ptusers id -u)" 65534 "jexec -u (host user database)"
	assert_eq "$("$JEXEC" -U jdoe ptusers grep -E '^Cap(Prm|Eff):' /proc/self/status | cut -f2 | tr '\n' ' ')" \
		"0000000000000000 0000000000000000 " "capabilities of a user other than root"
	assert_eq "$("$JEXEC" ptusers id -u)" 0 "default user"
	assert_eq "$("$JEXEC" -l -U jdoe ptusers /bin/sh -c 'pwd; echo $HOME $USER')" "/home/jdoe
/home/jdoe jdoe" "jexec -l"
	expect_error 'jexec: ptusers: nosuch: no such user' "$JEXEC" -U nosuch ptusers id
}

test_exec_jail_user_parameter() {
	"$JAIL" -q -c name=ptju path="$ROOT" exec.jail_user=jdoe persist
	assert_eq "$("$JEXEC" ptju id -un)" jdoe "exec.jail_user for jexec"
	out=$("$JAIL" -c name=ptju2 path="$ROOT" exec.jail_user=jdoe command=/bin/id -un)
	assert_contains "$out" jdoe "exec.jail_user for command"
}

test_jexec_stdin_and_no_tty() {
	"$JAIL" -q -c name=ptin path="$ROOT" persist
	assert_eq "$(echo piped | "$JEXEC" ptin cat)" piped "stdin through jexec"
	assert_eq "$("$JEXEC" ptin /bin/sh -c 'tty >/dev/null && echo tty || echo notty' </dev/null)" notty "without a terminal"
}

test_jexec_interactive_shell_in_a_tty() {
	"$JAIL" -q -c name=pttty path="$ROOT" host.hostname=ttyhost persist
	out=$(printf 'hostname\ntty\nexit 3\n' | script -qec "$JEXEC pttty" /dev/null; echo "rc=$?")
	assert_contains "$out" ttyhost "shell in a terminal"
	# The terminal is the jail's own, from its devpts, not the host's.
	assert_contains "$out" "/dev/pts/0" "terminal of the jail's shell"
	assert_contains "$out" "rc=3" "exit status of an interactive shell"
	# Ctrl-C reaches the command running in the jail's terminal.
	start=$(date +%s)
	# ^C once the sleep runs in the foreground, the next line once it has ended.
	cg=$(cgroup_of pttty)
	out=$( (printf 'sleep 20\n'; p=$(wait_for_process_in "$cg" sleep); printf '\003'
		wait_gone "$p" "the sleep after Ctrl-C"; printf 'echo after-$?\nexit\n') |
		script -qec "$JEXEC pttty" /dev/null)
	assert_contains "$out" "after-130" "status of a command interrupted with Ctrl-C"
	[ $(($(date +%s) - start)) -lt 10 ] || fail "Ctrl-C did not interrupt the command"
}

test_jexec_missing_jail_and_command() {
	expect_error 'jexec: jail "ptnowhere" not found' "$JEXEC" ptnowhere /bin/true
	"$JAIL" -q -c name=ptcmd path="$ROOT" persist
	expect_error 'jexec: ptcmd: /bin/nosuch: No such file or directory' "$JEXEC" ptcmd /bin/nosuch
}

test_jexec_signal_forwarded() {
	"$JAIL" -q -c name=ptsig path="$ROOT" persist
	"$JEXEC" ptsig /bin/sh -c 'trap "echo got-term; exit 5" TERM; while :; do sleep 0.1; done' >"$WORK/sig.out" &
	pid=$!
	# Once the shell inside catches SIGTERM, and jexec takes it to forward it.
	wait_for_process_in "$(cgroup_of ptsig)" sh SigCgt >/dev/null
	wait_until 10 "jexec handling SIGTERM" handles_term "$pid" SigCgt SigBlk
	kill -TERM $pid
	set +e
	wait $pid
	rc=$?
	set -e
	assert_eq "$rc" 5 "status after SIGTERM forwarded into the jail"
	assert_eq "$(cat "$WORK/sig.out")" got-term "the command saw SIGTERM"
}
