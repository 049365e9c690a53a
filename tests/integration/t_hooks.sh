# The exec.* life cycle: order, inside or outside, environment, failures.

test_hooks_run_in_order_inside_and_outside() {
	log="$WORK/hooks.log"
	: >"$log"
	rm -f "$ROOT/tmp/hooks-inside"
	cat >"$WORK/hooks.conf" <<CONF
pthook {
	path = "$ROOT";
	persist;
	exec.prepare = 'echo prepare \$JNAME \${JID:-none} >> $log';
	exec.prestart = 'echo prestart \$JPATH >> $log';
	exec.created = 'echo created \$JID >> $log';
	exec.start = 'echo start \$(hostname) >> /tmp/hooks-inside', 'echo start2 >> /tmp/hooks-inside';
	exec.poststart = 'echo poststart >> $log', 'readlink /proc/self/ns/pid >> $log';
	exec.prestop = 'echo prestop >> $log';
	exec.stop = 'echo stop >> /tmp/hooks-inside';
	exec.poststop = 'echo poststop \$JID >> $log';
	exec.release = 'echo release \${JID:-none} >> $log';
}
CONF
	"$JAIL" -q -f "$WORK/hooks.conf" -c
	jid=$(jid_of pthook)
	assert_eq "$(cat "$log")" "prepare pthook none
prestart $ROOT
created $jid
poststart
$(readlink /proc/self/ns/pid)" "host-side hooks at creation, in the host's PID namespace"
	# exec.start ran inside: in the jail's UTS namespace, writing the jail's /tmp.
	assert_eq "$(cat "$ROOT/tmp/hooks-inside")" "start $(hostname)
start2" "exec.start inside"
	: >"$log"
	"$JAIL" -q -r pthook
	assert_eq "$(cat "$log")" "prestop
poststop $jid
release none" "host-side hooks at removal"
	assert_eq "$(tail -1 "$ROOT/tmp/hooks-inside")" stop "exec.stop inside"
	rm -f "$ROOT/tmp/hooks-inside"
}

test_rc_and_rc_shutdown_of_a_small_root() {
	mkdir -p "$ROOT/etc"
	cat >"$ROOT/etc/rc" <<'RC'
#!/bin/sh
# Start a daemon and say so.
sleep 300 </dev/null >/dev/null 2>&1 &
echo $! >/tmp/daemon.pid
echo started >/tmp/rc.log
RC
	cat >"$ROOT/etc/rc.shutdown" <<'RC'
#!/bin/sh
echo "shutdown, daemon $(cat /tmp/daemon.pid) still running: $(kill -0 $(cat /tmp/daemon.pid) && echo yes)" >>/tmp/rc.log
RC
	"$JAIL" -q -c name=ptrc path="$ROOT" exec.start="/bin/sh /etc/rc" exec.stop="/bin/sh /etc/rc.shutdown"
	# Not persistent, but its daemon keeps it alive.
	jail_exists ptrc || fail "jail with a daemon from /etc/rc went away"
	assert_eq "$(cat "$ROOT/tmp/rc.log")" started "rc ran"
	"$JAIL" -q -r ptrc
	assert_eq "$(tail -1 "$ROOT/tmp/rc.log")" "shutdown, daemon $(cat "$ROOT/tmp/daemon.pid") still running: yes" \
		"rc.shutdown ran before SIGTERM"
	rm -f "$ROOT/etc/rc" "$ROOT/etc/rc.shutdown" "$ROOT/tmp/rc.log" "$ROOT/tmp/daemon.pid"
}

test_failing_hook_undoes_the_jail() {
	log="$WORK/fail.log"
	: >"$log"
	expect_error 'jail: ptfh: exec.created: false: failed (exit status 1)' \
		"$JAIL" -c name=ptfh path="$ROOT" persist exec.created=false \
		exec.poststop="echo poststop \$JID >> $log" exec.release="echo release >> $log"
	jail_exists ptfh && fail "jail kept after a failing exec.created"
	assert_eq "$(cut -d' ' -f1 "$log" | tr '\n' ' ')" "poststop release " "cleanup hooks after the failure"
	assert_nothing_left
	: >"$log"
	expect_error 'jail: ptfh: exec.prestart: exit 3: failed (exit status 3)' \
		"$JAIL" -c name=ptfh path="$ROOT" persist exec.prestart="exit 3" exec.release="echo release >> $log"
	assert_eq "$(cat "$log")" release "exec.release after a failing exec.prestart"
	assert_nothing_left
}

test_exec_timeout_and_failing_start() {
	start=$(date +%s)
	expect_error 'jail: ptto: exec.start: sleep 30: timed out after 1 s' \
		"$JAIL" -c name=ptto path="$ROOT" persist exec.timeout=1 exec.start="sleep 30"
	[ $(($(date +%s) - start)) -lt 10 ] || fail "exec.timeout did not stop the command"
	expect_error 'jail: ptto: exec.start: exit 4: failed (exit status 4)' \
		"$JAIL" -c name=ptto path="$ROOT" persist exec.start="exit 4"
	assert_nothing_left
}

test_remove_with_R_skips_stop_commands() {
	log="$WORK/R.log"
	: >"$log"
	"$JAIL" -q -c name=ptR path="$ROOT" persist exec.prestop="echo prestop >> $log" exec.poststop="echo poststop >> $log"
	"$JAIL" -q -R ptR
	assert_eq "$(cat "$log")" "" "stop commands with jail -R"
	# The same from jail.conf, with no name: every configured jail, no stop commands.
	printf 'ptR2 { path = "%s"; persist; exec.prestop = "echo prestop >> %s"; }\n' "$ROOT" "$log" >"$WORK/R.conf"
	"$JAIL" -q -f "$WORK/R.conf" -c
	"$JAIL" -q -f "$WORK/R.conf" -R
	assert_eq "$(cat "$log")" "" "stop commands with jail -f -R"
	jail_exists ptR2 && fail "jail -f -R left the jail"
	true
}

test_failing_stop_command_still_removes() {
	"$JAIL" -q -c name=ptfs path="$ROOT" persist exec.stop="exit 5"
	out=$("$JAIL" -r ptfs 2>&1) && fail "jail -r succeeded although exec.stop failed"
	assert_eq "$out" "ptfs: removed
jail: ptfs: exec.stop: exit 5: failed (exit status 5)" "output of a removal whose exec.stop failed"
	jail_exists ptfs && fail "jail kept after a failing exec.stop"
	true
}

test_consolelog_takes_the_output_of_commands_and_jailinit() {
	log="$WORK/console.log"
	rm -f "$log"
	# jailinit's own lines of a stop: a jail that keeps its jailinit (see the idle case below).
	out=$("$JAIL" -c name=ptcons path="$ROOT" persist persist.idle=false exec.consolelog="$log" \
		exec.prestart="echo from prestart" exec.start="echo from start inside; hostname" \
		exec.poststop="echo from poststop \$JID")
	assert_eq "$out" "ptcons: created" "jail -c output with exec.consolelog"
	jid=$(jid_of ptcons)
	"$JAIL" -q -r ptcons
	assert_eq "$(cat "$log")" "from prestart
from start inside
$(hostname)
jailinit: stop: SIGTERM to every process, SIGKILL after 10 s
jailinit: every process has ended
from poststop $jid" "exec.consolelog"
	assert_eq "$(stat -c %a "$log")" 640 "mode of the console log"
}

test_exec_clean_and_system_jail_user() {
	out=$(FOO=leak "$JAIL" -c name=ptclean path="$ROOT" exec.clean exec.jail_user=jdoe \
		exec.start='echo "${FOO:-clean} $USER $HOME $(pwd)"')
	assert_eq "$out" "clean jdoe /home/jdoe /home/jdoe
ptclean: created" "exec.clean and exec.jail_user for exec.start"
	# exec.system_jail_user: the host's passwd says who exec.jail_user is.
	out=$("$JAIL" -c name=ptsys path="$ROOT" exec.system_jail_user exec.jail_user=nobody exec.start='id -u')
	assert_eq "$out" "65534
ptsys: created" "exec.system_jail_user"
}

test_modify_changes_stop_commands() {
	log="$WORK/m.log"
	: >"$log"
	"$JAIL" -q -c name=ptmodhook path="$ROOT" persist
	"$JAIL" -q -m name=ptmodhook exec.poststop="echo 'after stop' >> $log"
	"$JAIL" -q -r ptmodhook
	assert_eq "$(cat "$log")" "after stop" "exec.poststop set with jail -m"
}

test_exec_timeout_on_a_terminal() {
	out=$(script -qec "$JAIL -c name=pttty2 path=$ROOT persist exec.timeout=1 exec.start='sleep 30'" /dev/null </dev/null; echo "rc=$?")
	assert_contains "$out" "exec.start: sleep 30: timed out after 1 s" "exec.timeout when jail -c runs on a terminal"
	assert_nothing_left
}
