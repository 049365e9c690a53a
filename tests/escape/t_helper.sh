# Class "helper": a privileged helper that trusts its caller.  prison has
# no setuid helper and no daemon; the privileged listeners are each jail's
# jailinit, whose control socket only the host may use, and, for a jail
# that may have children, the server of its /dev/prison.sock, which serves
# only root of that jail itself.

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
	# Asked from its PID namespace: a jail that keeps its jailinit.
	"$JAIL" -q -c name=ptesch path="$ROOT" persist persist.idle=false
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

# The jail socket's server asks the kernel who the peer is: a host root
# process in the jail's PID namespace, or one that names another jail,
# gets nothing made.
test_escape_helper_jail_socket_serves_only_the_jail() {
	# Asked from its PID namespace: a jail that keeps its jailinit.
	"$JAIL" -q -c name=ptesn path="$ROOT" persist persist.idle=false children.max=1
	local jid init sock
	jid=$(jid_of ptesn)
	init=$(init_pid_of "$jid")
	sock=$PRISON_RUNDIR/nest/$jid.sock
	[ -S "$sock" ] || fail "no jail socket"
	assert_eq "$(nsenter -t "$init" -p -- python3 - "$sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b"create\0name=ptx\0path=/\0persist\0")
print("|".join(s.recv(65536).decode() for _ in range(2)))
PY
)" "ejail: not a process of this jail's own user namespace|x1" "a request from the jail's PID namespace"
	# Host root that joined the jail's user namespace is still not in the jail's cgroup.
	assert_eq "$(nsenter -t "$init" -U --preserve-credentials -- python3 - "$sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b"create\0name=ptx\0path=/\0persist\0")
print("|".join(s.recv(65536).decode() for _ in range(2)))
PY
)" "ejail: not a process of this jail's own cgroup|x1" "a request from the jail's user namespace outside its cgroup"
	assert_eq "$("$JLS" -j ptesn children.cur)" 0 "children made"
	# A jail with children.max=0 has no socket at all.
	"$JAIL" -q -c name=ptesz path="$ROOT" persist
	[ -e "$PRISON_RUNDIR/nest/$(jid_of ptesz).sock" ] && fail "a socket for a jail with children.max=0"
	assert_eq "$("$JEXEC" ptesz /bin/sh -c 'test -e /dev/prison.sock && echo there || echo none')" none \
		"/dev/prison.sock in a jail with children.max=0"
	"$JAIL" -q -r ptesn ptesz
}
