# persist.idle: a persistent jail with no process of its own (pin.h, wake.h).

# True when jail $1 (a name) has no jailinit: the pid its record names has ended.
idle_now() {
	local p
	p=$(init_pid_of "$(jid_of "$1")")
	[ -z "$p" ] || pid_gone "$p"
}

# wait_idle JAIL: until the jail's jailinit has left.
wait_idle() {
	wait_until 10 "jail $1 idle" idle_now "$1"
}

test_persist_idle_basic() {
	"$JAIL" -q -c name=ptidle path="$ROOT" persist persist.idle host.hostname=idlehost
	wait_idle ptidle
	assert_eq "$(procs_in ptidle)" 0 "processes of an idle jail"
	assert_eq "$("$JLS" -j ptidle name)" ptidle "jls of an idle jail"
	assert_eq "$("$JEXEC" ptidle hostname)" idlehost "jexec into an idle jail"
	wait_idle ptidle
	assert_eq "$("$JEXEC" ptidle hostname)" idlehost "jexec into an idle jail again"
	"$JAIL" -q -r ptidle
	jail_gone ptidle || fail "jail -r of an idle jail"
}
