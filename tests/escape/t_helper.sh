# Class "helper": a privileged helper that trusts its caller.  prison has
# no setuid helper and no daemon; the one privileged listener is each
# jail's jailinit, whose control socket only the host may use.

test_escape_helper_no_setuid_or_file_caps() {
	local f
	for f in "$(dirname "$JAIL")"/* "$(dirname "$JAIL")"/../libexec/prison/*; do
		[ -f "$f" ] || continue
		[ ! -u "$f" ] && [ ! -g "$f" ] || fail "$f is setuid or setgid"
		python3 -c 'import os, sys
try:
    os.getxattr(sys.argv[1], "security.capability")
except OSError:
    sys.exit(0)
sys.exit(1)' "$f" || fail "$f has file capabilities"
	done
}

test_escape_helper_control_socket_refuses_jail_processes() {
	"$JAIL" -q -c name=ptesch path="$ROOT" persist
	local jid init sock
	jid=$(jid_of ptesch)
	init=$(init_pid_of "$jid")
	sock=$PRISON_RUNDIR/ctl/$jid.sock
	# The socket is not in the jail's tree: a jail process cannot name it.
	assert_eq "$("$JEXEC" ptesch /bin/probe ctl "$sock" hold)" ENOENT "the control socket from inside the jail"
	# A process of the jail that got hold of it anyway (here host root that
	# joined the jail's PID namespace, so the peer jailinit sees is one of
	# the jail's): refused, and the jail does not stop.
	assert_eq "$(nsenter -t "$init" -p -- "$PROBE" ctl "$sock" "stop 0")" closed \
		"a stop request from a process in the jail's PID namespace"
	assert_eq "$(nsenter -t "$init" -p -- "$PROBE" ctl "$sock" "persist 0")" closed \
		"a persist request from a process in the jail's PID namespace"
	sleep 0.2
	jail_exists ptesch || fail "the jail stopped on a jail process's request"
	assert_eq "$("$JEXEC" ptesch echo alive)" alive "the jail after the refused requests"
	# The host itself is served.
	assert_eq "$("$PROBE" ctl "$sock" release)" ok "a request from the host"
	"$JAIL" -q -r ptesch
}
