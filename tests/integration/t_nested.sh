# Jails made from inside a jail: root in jail ptn runs jail(8), jls and jexec,
# and the host makes, lists, enters and removes ptn's own descendants, never
# more than ptn has, never anyone else's.

# cmd_root DIR: the test root at DIR with jail, jls, jexec, rctl and jkill in /sbin and the
# libraries they load, so that a jail rooted there can run them.
cmd_root() {
	local r=$1 f lib
	mkdir -p "$r"
	cp -a "$ROOT"/. "$r"/
	mkdir -p "$r/sbin" "$r/srv"
	for f in "$JAIL" "$JLS" "$JEXEC" "$RCTL" "$JKILL"; do
		cp "$f" "$r/sbin/"
		for lib in $(ldd "$f" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
			mkdir -p "$r$(dirname "$lib")"
			cp -L "$lib" "$r$lib"
		done
	done
}

# The parent's root, $NR, with a child root in it at /srv/kid (the same
# commands, for a grandchild) and a plain one at /srv/plain.
nested_roots() {
	NR=$WORK/ptnroot
	if [ ! -x "$NR/srv/kid/sbin/jail" ]; then
		cmd_root "$NR"
		cmd_root "$NR/srv/kid"
		mkdir -p "$NR/srv/plain"
		cp -a "$ROOT"/. "$NR/srv/plain"/
		echo kid >"$NR/srv/kid/marker"
	fi
}

# inj JAIL COMMAND...: run a command of the parent's root inside jail JAIL.
inj() {
	local j=$1
	shift
	"$JEXEC" "$j" "$@"
}

# The server of jail $1's socket is running (its command line names its jid and host uid).
server_running() { # jid uid_base
	pgrep -f "^jailnest $1 $2 " >/dev/null
}

server_gone() {
	! server_running "$1" "$2"
}

# Jail $1 has a jailinit: a process runs in it.
awake() {
	[ "$(init_pid_of "$1")" -gt 0 ] 2>/dev/null
}

not_listening() {
	! ss -xl | grep -qF " $1 "
}

test_nested_create_list_and_enter_from_inside() {
	nested_roots
	"$JAIL" -q -c name=ptn path="$NR" persist children.max=2
	assert_eq "$(inj ptn /sbin/jail -c name=ptc path=/srv/kid persist)" "ptc: created" "jail -c inside"
	parent=$(jid_of ptn)
	child=$(jid_of ptn.ptc)
	# The host sees it as ptn.ptc, below ptn, rooted in ptn's tree.
	assert_eq "$("$JLS" -j ptn.ptc parent path)" "$parent $NR/srv/kid" "the child on the host"
	assert_eq "$("$JLS" -j ptn children.cur)" 1 "children.cur"
	[ -d "$CGROUP2/$CGPREFIX/$parent/$child" ] || fail "no cgroup $parent/$child inside the parent's"
	# Inside, jls lists its descendants only, named and rooted as ptn sees them.
	assert_eq "$(inj ptn /sbin/jls name parent path)" "ptc 0 /srv/kid" "jls inside"
	assert_eq "$(inj ptn /sbin/jls -j ptc jid)" "$child" "jls -j inside"
	assert_contains "$(inj ptn /sbin/jls)" "/srv/kid" "jls's table inside"
	# jexec both ways: php from inside, web.php from the host; the child's root is /srv/kid.
	assert_eq "$(inj ptn /sbin/jexec ptc cat /marker)" kid "jexec from inside"
	assert_eq "$(inj ptn /sbin/jexec ptc sh -c 'exit 7'; echo $?)" 7 "the command's status through jexec inside"
	assert_eq "$("$JEXEC" ptn.ptc cat /marker)" kid "jexec from the host"
	# jexec's command gets its caller's environment; what the host's jail -c had never reaches a child.
	assert_eq "$(inj ptn env PTNVAR=x /sbin/jexec ptc sh -c 'echo $PTNVAR')" x "the environment through jexec inside"
	assert_eq "$(PTNHOST=secret inj ptn /sbin/jail -q -c name=pte path=/srv/plain \
		command=/bin/sh -c 'echo ${PTNHOST:-none} ${HOME:-none}')" "none none" "command='s environment"
	expect_error 'jail: "ptc" already exists' inj ptn /sbin/jail -c name=ptc path=/srv/plain persist
	# -i prints the jid, -q nothing.
	assert_eq "$(inj ptn /sbin/jail -i -c name=ptd path=/srv/plain persist)" "$(jid_of ptn.ptd)" "jail -i inside"
	assert_eq "$(inj ptn /sbin/jail -q -m ptd host.hostname=ptd.test)" "" "jail -q -m inside"
	assert_eq "$("$JLS" -j ptn.ptd host.hostname)" ptd.test "host.hostname changed from inside"
	assert_eq "$(inj ptn /sbin/jail -m name=ptd nopersist)" "ptd: updated" "jail -m name= inside"
	"$JAIL" -q -r ptn
	assert_nothing_left
}

test_nested_remove_from_inside_and_with_the_parent() {
	nested_roots
	"$JAIL" -q -c name=ptn path="$NR" persist children.max=3
	inj ptn /sbin/jail -q -c name=ptc path=/srv/kid persist children.max=1
	inj ptn /sbin/jail -q -c name=ptd path=/srv/plain persist
	# A grandchild, made from inside the child: the child has a socket of its own.
	assert_eq "$(inj ptn.ptc /sbin/jail -c name=ptg path=/ persist)" "ptg: created" "jail -c inside the child"
	assert_eq "$(inj ptn /sbin/jls name | tr '\n' ' ')" "ptc ptd ptc.ptg " "the parent lists its grandchild too"
	assert_eq "$(inj ptn.ptc /sbin/jls name)" ptg "the child lists its own only"
	assert_eq "$(inj ptn /sbin/jail -r ptd)" "ptd: removed" "jail -r inside"
	jail_exists ptn.ptd && fail "ptn.ptd still there"
	assert_eq "$("$JLS" -j ptn children.cur)" 1 "children.cur after removal inside"
	# The parent's removal takes its children, and their sockets' servers end.
	p=$(jid_of ptn) pb=$(uid_base_of "$(jid_of ptn)")
	c=$(jid_of ptn.ptc) cb=$(uid_base_of "$(jid_of ptn.ptc)")
	server_running "$p" "$pb" || fail "no server for ptn's socket"
	server_running "$c" "$cb" || fail "no server for ptn.ptc's socket"
	"$JAIL" -q -r ptn
	for n in ptn ptn.ptc ptn.ptc.ptg; do
		jail_exists "$n" && fail "$n still there"
	done
	wait_until 5 "ptn's server gone" server_gone "$p" "$pb"
	wait_until 5 "ptn.ptc's server gone" server_gone "$c" "$cb"
	assert_nothing_left
}

# In a network namespace of the test's own, with 198.18.0.1-3 on its loopback.
nested_no_more() {
	for a in 198.18.0.1 198.18.0.2 198.18.0.3; do ip addr add "$a/32" dev lo; done
	nested_roots
	"$JAIL" -q -c name=ptn path="$NR" persist children.max=2 ip4.addr=198.18.0.1
	expect_error 'jail: ptc: allow.mount: the parent jail "ptn" does not have it' \
		inj ptn /sbin/jail -c name=ptc path=/srv/kid persist allow.mount
	expect_error 'jail: ptc: ip4.addr: 198.18.0.2 is not an address of the parent jail "ptn"' \
		inj ptn /sbin/jail -c name=ptc path=/srv/kid persist ip4.addr=198.18.0.2
	expect_error "jail: ptc: children.max: 2 is not below 2, the parent jail \"ptn\"'s" \
		inj ptn /sbin/jail -c name=ptc path=/srv/kid persist children.max=2
	# What names something of the host's is not the jail's to give.
	expect_error 'jail: ptc: mount.fstab: cannot be set from inside a jail' \
		inj ptn /sbin/jail -c name=ptc path=/srv/kid persist mount.fstab=/etc/fstab
	# A host-side command jail(8) gets inside is the parent's to run, in the parent, as FreeBSD's
	# jail(8) runs it in its own environment; sent to the host as a word, it is refused.
	inj ptn /sbin/jail -q -c name=ptc path=/srv/kid persist exec.prestart="touch /tmp/ptnhost"
	[ -e "$NR/tmp/ptnhost" ] || fail "exec.prestart did not run in the parent"
	[ -e /tmp/ptnhost ] && fail "exec.prestart ran on the host"
	rm -f "$NR/tmp/ptnhost"
	inj ptn /sbin/jail -q -r ptc
	assert_eq "$(inj ptn /bin/probe nest /dev/prison.sock create name=ptd path=/srv/kid persist \
		exec.prestart="touch /tmp/ptnhost")" "ejail: ptd: exec.prestart: cannot be set from inside a jail|x1" \
		"a host command sent to the host"
	expect_error 'jail: ptc: idmap.base: cannot be set from inside a jail' \
		inj ptn /sbin/jail -c name=ptc path=/srv/kid persist idmap.base=1073741824
	expect_error 'jail: ptc: vnet.interface: cannot be set from inside a jail' \
		inj ptn /sbin/jail -c name=ptc path=/srv/kid persist vnet.interface=lo
	# The path is the parent's: beneath its root, no way out, no link, no mount crossed.
	expect_error 'jail: ptc: path "/srv/../..": ".." is not taken inside a jail' \
		inj ptn /sbin/jail -c name=ptc path=/srv/../.. persist
	ln -sfn / "$NR/srv/ptnlink"
	expect_error 'jail: ptc: path "/srv/ptnlink": contains a symbolic link' \
		inj ptn /sbin/jail -c name=ptc path=/srv/ptnlink persist
	rm -f "$NR/srv/ptnlink"
	# A mount the host made in the parent's tree is the host's: not the parent's to hand on.
	mkdir -p "$NR/srv/ptmnt"
	mount -t tmpfs ptnmnt "$NR/srv/ptmnt"
	set +e
	err=$(inj ptn /sbin/jail -c name=ptc path=/srv/ptmnt persist 2>&1 >/dev/null)
	set -e
	umount "$NR/srv/ptmnt"
	assert_eq "$err" 'jail: ptc: path "/srv/ptmnt": crosses a mount point' "a child rooted across a mount"
	expect_error 'jail: ptc: path "/nonexistent": No such file or directory' \
		inj ptn /sbin/jail -c name=ptc path=/nonexistent persist
	# A child it made cannot be given more later, nor more room than its parent's.
	inj ptn /sbin/jail -q -c name=ptc path=/srv/kid persist children.max=1 ip4.addr=198.18.0.1
	expect_error "jail: ptc: children.max: 5 is not below 2, the parent jail \"ptn\"'s" \
		inj ptn /sbin/jail -m ptc children.max=5
	expect_error 'jail: ptc: ip4.addr: 198.18.0.3 is not an address of the parent jail "ptn"' \
		inj ptn /sbin/jail -m ptc ip4.addr=198.18.0.3
	expect_error 'jail: ptc: name: a jail is not renamed from inside a jail' \
		inj ptn /sbin/jail -m ptc name=ptx
	assert_eq "$("$JLS" -j ptn.ptc children.max ip4.addr)" "1 198.18.0.1" "the child after refusals"
	assert_eq "$("$JLS" -j ptn children.cur)" 1 "children.cur after refusals"
	[ -e /tmp/ptnhost ] && fail "a host command ran"
	"$JAIL" -q -r ptn
	assert_nothing_left
}
test_nested_child_gets_no_more_than_its_parent() { in_netns nested_no_more; }

# exec.fib: a child on the host's stack routes by its parent's table, made
# from inside or from the host; it cannot be set from inside, and the host
# cannot give a child another (its rules would be the host's).
nested_fib() {
	nested_roots
	"$JAIL" -q -c name=ptn path="$NR" persist children.max=2 ip4=inherit exec.fib=5
	expect_error 'jail: ptd: exec.fib: cannot be set from inside a jail' \
		inj ptn /sbin/jail -c name=ptd path=/srv/plain persist exec.fib=6
	inj ptn /sbin/jail -q -c name=ptc path=/srv/kid persist ip4=inherit
	base=$(uid_base_of "$(jid_of ptn.ptc)")
	assert_contains "$(ip rule)" "uidrange $base-$((base + 65535)) lookup 5" "the IPv4 rule of the child made inside"
	assert_contains "$(ip -6 rule)" "uidrange $base-$((base + 65535)) lookup 5" "its IPv6 rule"
	expect_error 'jail: ptn.pth: exec.fib: 0 is not the FIB of the parent jail "ptn" on the host'"'"'s stack (5)' \
		"$JAIL" -c name=ptn.pth path="$ROOT" persist ip4=inherit exec.fib=0
	"$JAIL" -q -c name=ptn.pth path="$ROOT" persist ip4=inherit exec.fib=5
	"$JAIL" -q -r ptn
	assert_eq "$({ ip rule; ip -6 rule; } | grep -c 'lookup 5' || true)" 0 "rules to table 5 after the parent went"
	assert_nothing_left
}
test_nested_child_routes_by_its_parent_fib() { in_netns nested_fib; }

test_nested_children_max_is_the_limit() {
	nested_roots
	# No room at all: FreeBSD's words, and nothing made.
	"$JAIL" -q -c name=ptn path="$NR" persist
	expect_error 'jail: ptc: prison limit exceeded' inj ptn /sbin/jail -c name=ptc path=/srv/kid persist
	assert_eq "$(inj ptn /sbin/jls name)" "" "jls inside a jail with no children"
	expect_error 'jexec: jail "ptc" not found' inj ptn /sbin/jexec ptc true
	expect_error 'jail: "ptc" not found' inj ptn /sbin/jail -r ptc
	"$JAIL" -q -r ptn
	# Room for one: the second is refused.
	"$JAIL" -q -c name=ptn path="$NR" persist children.max=1
	inj ptn /sbin/jail -q -c name=ptc path=/srv/kid persist
	expect_error 'jail: ptd: prison limit exceeded' inj ptn /sbin/jail -c name=ptd path=/srv/plain persist
	# The child, made with no children.max, has no room of its own.
	expect_error 'jail: ptg: prison limit exceeded' inj ptn.ptc /sbin/jail -c name=ptg path=/ persist
	assert_eq "$("$JLS" -j ptn children.cur)" 1 "children.cur"
	# -R from inside: removed without its stop commands.
	assert_eq "$(inj ptn /sbin/jail -R ptc)" "ptc: removed" "jail -R inside"
	"$JAIL" -q -r ptn
	assert_nothing_left
}

# A read-only root makes read-only children: a child cannot write what its parent cannot.
test_nested_read_only_parent_makes_read_only_children() {
	nested_roots
	"$JAIL" -q -c name=ptn path="$NR" persist children.max=1 path.readonly
	inj ptn /sbin/jail -q -c name=ptc path=/srv/kid persist
	assert_eq "$("$JLS" -j ptn.ptc path.readonly)" true "the child's path.readonly"
	"$JEXEC" ptn.ptc touch /ptnwrite 2>/dev/null && fail "the child wrote to its read-only root"
	[ -e "$NR/srv/kid/ptnwrite" ] && fail "a file made through the child"
	"$JAIL" -q -r ptn
	assert_nothing_left
}

# A thin parent (base=) makes children in directories of its own layer: the
# child's root is what the parent made there, seen by both; a directory that
# is the base's, or shows the base's files through it, is refused.
test_nested_thin_parent_makes_children_in_its_own_directories() {
	local b=$WORK/ptnbase up
	[ -x "$b/sbin/jail" ] || cmd_root "$b"
	"$JBASE" -c -d "$b" ptbnest
	"$JAIL" -q -c name=ptn base=ptbnest persist children.max=2
	inj ptn sh -c 'mkdir -p /jails/kid && cp -a /bin /etc /jails/kid/ && echo own >/jails/kid/marker'
	assert_eq "$(inj ptn /sbin/jail -c name=ptc path=/jails/kid persist)" "ptc: created" "jail -c inside a thin jail"
	up=$STATEDIR/jails/ptn/upper
	assert_eq "$("$JLS" -j ptn.ptc path)" "$up/jails/kid" "the child's root on the host: in the parent's layer"
	assert_eq "$(inj ptn /sbin/jls -j ptc path)" /jails/kid "the child's root as its parent sees it"
	assert_eq "$(inj ptn /sbin/jexec ptc cat /marker)" own "the child's root is what the parent made"
	assert_eq "$("$JEXEC" ptn.ptc stat -c %U:%G /marker)" root:root "the parent root's files are the child root's"
	"$JEXEC" ptn.ptc sh -c 'echo from-child >/written'
	assert_eq "$(inj ptn cat /jails/kid/written)" from-child "what the child writes, its parent sees"
	assert_eq "$(stat -c %u "$up/jails/kid/written")" 0 "the child root's file on disk, as its parent sees it"
	"$JEXEC" ptn.ptc test -e /sbin/jail && fail "the child sees the base through its root"
	# A base directory the parent removed and made again hides the base's: its own.
	inj ptn sh -c 'rm -rf /srv && mkdir /srv && cp -a /bin /srv/'
	assert_eq "$(inj ptn /sbin/jail -c name=ptd path=/srv persist)" "ptd: created" "a directory made over the base's"
	"$JEXEC" ptn.ptd test -e /bin/busybox || fail "the child's root has what the parent copied"
	"$JEXEC" ptn.ptd test -e /kid && fail "the child sees the base's /srv"
	inj ptn ln -s /jails/kid /jails/link
	expect_error 'jail: ptx: path "/etc": holds files of base ptbnest: a child'"'"'s root must be a directory the jail made itself' \
		inj ptn /sbin/jail -c name=ptx path=/etc persist
	expect_error 'jail: ptx: path "/": holds files of base ptbnest: a child'"'"'s root must be a directory the jail made itself' \
		inj ptn /sbin/jail -c name=ptx path=/ persist
	expect_error 'jail: ptx: path "/jails/none": not a directory the jail made (nothing of its own is there)' \
		inj ptn /sbin/jail -c name=ptx path=/jails/none persist
	expect_error 'jail: ptx: path "/jails/link": contains a symbolic link' \
		inj ptn /sbin/jail -c name=ptx path=/jails/link persist
	"$JLS" -j ptn.ptx >/dev/null 2>&1 && fail "a refused child exists"
	"$JAIL" -q -r ptn
	[ -e "$up/jails/kid/written" ] || fail "the parent's layer went with the jails"
	assert_nothing_left
	"$JBASE" -r ptbnest
	rm -rf "$STATEDIR/jails/ptn"
}

test_nested_cannot_act_on_itself_its_parent_or_a_sibling() {
	nested_roots
	"$JAIL" -q -c name=ptn path="$NR" persist children.max=2
	"$JAIL" -q -c name=pts path="$ROOT" persist children.max=1
	"$JAIL" -q -c name=pts.ptk path="$ROOT" persist
	inj ptn /sbin/jail -q -c name=ptc path=/srv/kid persist children.max=1
	self=$(jid_of ptn) sib=$(jid_of pts) sibkid=$(jid_of pts.ptk)
	# A sibling and its child, by name or jid, are not there for ptn.
	expect_error 'jail: "pts.ptk" not found' inj ptn /sbin/jail -r pts.ptk
	expect_error "jail: \"$sibkid\" not found" inj ptn /sbin/jail -r "$sibkid"
	expect_error "jexec: jail \"$sib\" not found" inj ptn /sbin/jexec "$sib" true
	expect_error "jail: \"$sib\" not found" inj ptn /sbin/jail -m jid="$sib" children.max=0
	# Nor is ptn itself: it cannot raise its own children.max.
	expect_error 'jail: "ptn" not found' inj ptn /sbin/jail -m name=ptn children.max=5
	expect_error "jail: \"$self\" not found" inj ptn /sbin/jail -m jid="$self" children.max=5
	expect_error "jail: \"$self\" not found" inj ptn /sbin/jail -r "$self"
	# From the child, its parent is out of reach as well.
	expect_error "jail: \"$self\" not found" inj ptn.ptc /sbin/jail -r "$self"
	expect_error 'jail: "ptn" not found' inj ptn.ptc /sbin/jail -r ptn
	assert_eq "$(inj ptn.ptc /sbin/jls name)" "" "the child's listing"
	# jail -r '*' inside takes the jail's own descendants and nothing else.
	assert_eq "$(inj ptn /sbin/jail -r '*')" "ptc: removed" "jail -r '*' inside"
	assert_eq "$("$JLS" -j ptn children.max)" 2 "ptn's children.max"
	for n in ptn pts pts.ptk; do
		jail_exists "$n" || fail "$n is gone"
	done
	"$JAIL" -q -r ptn pts
	assert_nothing_left
}

# A request from anyone but root of the jail itself is refused, and makes nothing.
test_nested_forged_requests_are_refused() {
	nested_roots
	"$JAIL" -q -c name=ptn path="$NR" persist children.max=2
	jid=$(jid_of ptn)
	# Another user of the jail.
	expect_error 'jail: Operation not permitted: only root of the jail may do that' \
		"$JEXEC" -U jdoe ptn /sbin/jail -c name=ptc path=/srv/kid persist
	# Root of a user namespace made inside the jail is not jail root.
	expect_error 'jail: not a process of this jail'"'"'s own user namespace' \
		inj ptn /bin/unshare -U -r /sbin/jail -c name=ptc path=/srv/kid persist
	# A host process that speaks the protocol on the jail's socket is no process of the jail.
	reply=$(python3 - "$RUNDIR/nest/$jid.sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b"create\0name=ptc\0path=/srv/kid\0persist\0")
out = []
while True:
    m = s.recv(65536)
    if not m:
        break
    out.append(m.decode())
    if m.startswith(b"x"):
        break
print("|".join(out))
PY
)
	assert_eq "$reply" "ejail: not a process of this jail's own user namespace|x1" "a host process's request"
	# A malformed packet is refused as such.
	reply=$(python3 - "$RUNDIR/nest/$jid.sock" <<'PY'
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
s.connect(sys.argv[1])
s.send(b"create name=ptc")
print("|".join(s.recv(65536).decode() for _ in range(2)))
PY
)
	assert_eq "$reply" "ejail: a malformed request|x1" "a malformed request"
	# Parameters the jail may not set, jid among them, by root of the jail itself.
	expect_error 'jail: ptc: jid: cannot be set from inside a jail' \
		inj ptn /sbin/jail -c name=ptc jid=900 path=/srv/kid persist
	assert_eq "$("$JLS" -j ptn children.cur)" 0 "children.cur after forged requests"
	assert_eq "$(jail_names | grep -c '^ptn\.')" 0 "children made"
	"$JAIL" -q -r ptn
	assert_nothing_left
}

# jail.conf inside a jail: the jail's own /etc/jail.conf (or -f FILE) read
# there, each jail asked of the host in depend order; lists of commands
# arrive whole, and the commands FreeBSD runs in the system environment run
# in the parent, around the host's work.
test_nested_jail_conf_inside() {
	nested_roots
	rm -f "$NR/tmp/ptnlog" "$NR/tmp/ptnjid"
	cat >"$NR/etc/jail.conf" <<'CONF'
persist;
exec.prestart = "echo prestart $name >> /tmp/ptnlog";
exec.poststart = "echo poststart $name \$JID >> /tmp/ptnlog";
exec.poststop = "echo poststop $name >> /tmp/ptnlog";
ptk {
	path = "/srv/kid";
	host.hostname = "kid.test";
	exec.start = "echo one > /tmp/order";
	exec.start += "echo two >> /tmp/order";
	meta.owner = "web";
}
ptp {
	path = /srv/plain;
	depend = ptk;
}
CONF
	"$JAIL" -q -c name=ptn path="$NR" persist children.max=3
	assert_eq "$(inj ptn /sbin/jail -c ptp)" "$(printf 'ptk: created\nptp: created')" "jail -c from the jail's jail.conf"
	assert_eq "$(inj ptn /sbin/jls name host.hostname)" "$(printf 'ptk kid.test\nptp %s' "$(inj ptn hostname)")" "jls of the jails made"
	assert_eq "$("$JEXEC" ptn.ptk cat /tmp/order)" "$(printf 'one\ntwo')" "both of exec.start's commands, in order"
	assert_eq "$("$JLS" -j ptn.ptk meta)" "owner=web" "meta.owner from jail.conf"
	assert_eq "$(cat "$NR/tmp/ptnlog")" "$(printf 'prestart ptk\npoststart ptk %s\nprestart ptp\npoststart ptp %s' \
		"$(jid_of ptn.ptk)" "$(jid_of ptn.ptp)")" "the parent-side commands, run in the parent"
	# jail -m from jail.conf changes what the file now says.
	sed -i 's/kid.test/kid2.test/' "$NR/etc/jail.conf"
	assert_eq "$(inj ptn /sbin/jail -m ptk)" "ptk: updated" "jail -m from jail.conf"
	assert_eq "$("$JLS" -j ptn.ptk host.hostname)" kid2.test "the hostname after jail -m"
	# Removal: dependents first, exec.poststop after each.
	: >"$NR/tmp/ptnlog"
	assert_eq "$(inj ptn /sbin/jail -r)" "$(printf 'ptp: removed\nptk: removed')" "jail -r of every configured jail"
	assert_eq "$(cat "$NR/tmp/ptnlog")" "$(printf 'poststop ptp\npoststop ptk')" "exec.poststop in the parent"
	# -f another file, -J, -rc.
	printf 'ptq { path = /srv/plain; persist; }\n' >"$NR/etc/other.conf"
	inj ptn /sbin/jail -q -f /etc/other.conf -J /tmp/ptnjid -c ptq
	assert_eq "$(cut -f1,2 "$NR/tmp/ptnjid")" "$(printf '%s\t/srv/plain' "$(jid_of ptn.ptq)")" "jail -J inside"
	old=$("$JEXEC" ptn.ptq cut -d' ' -f22 /proc/1/stat)
	assert_eq "$(inj ptn /sbin/jail -f /etc/other.conf -rc ptq)" "$(printf 'ptq: removed\nptq: created')" "jail -rc inside"
	[ "$("$JEXEC" ptn.ptq cut -d' ' -f22 /proc/1/stat)" != "$old" ] || fail "jail -rc left the jail's init as it was"
	# A command that fails before the host is asked leaves no jail; one after removes it again.
	expect_error 'jail: ptf: exec.prestart: false: failed (exit status 1)' \
		inj ptn /sbin/jail -c name=ptf path=/srv/plain persist exec.prestart=false
	expect_error 'jail: ptf: exec.poststart: false: failed (exit status 1)' \
		inj ptn /sbin/jail -c name=ptf path=/srv/plain persist exec.poststart=false
	jail_exists ptn.ptf && fail "ptn.ptf made though its exec.poststart failed"
	"$JAIL" -q -r ptn
	rm -f "$NR/etc/jail.conf" "$NR/etc/other.conf"
	assert_nothing_left
}

# rctl and jkill inside a jail: refused as FreeBSD refuses jail root the
# rctl privileges, in rctl's own words, and nothing changes on the host.
test_nested_rctl_and_jkill_inside_are_refused() {
	nested_roots
	[ -x "$NR/sbin/rctl" ] || cmd_root "$NR"
	"$JAIL" -q -c name=ptn path="$NR" persist children.max=1
	inj ptn /sbin/jail -q -c name=ptc path=/srv/plain persist
	expect_error "rctl: failed to show resource consumption for 'jail:ptc': Operation not permitted" \
		inj ptn /sbin/rctl -u jail:ptc
	expect_error "rctl: failed to add rule 'jail:ptc:maxproc:deny=10': Operation not permitted" \
		inj ptn /sbin/rctl -a jail:ptc:maxproc:deny=10
	expect_error "rctl: failed to show rules for ':': Operation not permitted" inj ptn /sbin/rctl
	assert_eq "$("$RCTL" jail:ptn.ptc)" "" "rules of the child on the host"
	expect_error "jkill: Operation not permitted inside a jail (jail -r stops a child jail)" inj ptn /sbin/jkill ptc
	jail_exists ptn.ptc || fail "jkill inside removed the child"
	"$JAIL" -q -r ptn
	assert_nothing_left
}

# The server of a jail's socket gone (killed, crashed): requests from inside
# say so in one line, rather than that the jail may have no children, and
# the jail is removed cleanly all the same.
test_nested_server_gone_is_said() {
	nested_roots
	"$JAIL" -q -c name=ptn path="$NR" persist children.max=1
	p=$(jid_of ptn) pb=$(uid_base_of "$p")
	server_running "$p" "$pb" || fail "no server for ptn's socket"
	kill "$(pgrep -f "^jailnest $p $pb ")"
	# Its command line goes before its descriptors do: gone once nothing listens on the socket.
	wait_until 5 "ptn's server gone" server_gone "$p" "$pb"
	wait_until 5 "ptn's socket without a listener" not_listening "$RUNDIR/nest/$p.sock"
	expect_error "jail: ptc: the host's server of /dev/prison.sock is not running: the host's administrator starts it again with jail -m and children.max" \
		inj ptn /sbin/jail -c name=ptc path=/srv/plain persist
	expect_error "jls: the host's server of /dev/prison.sock is not running: the host's administrator starts it again with jail -m and children.max" \
		inj ptn /sbin/jls
	# children.max given again on the host starts a new server; the jail makes children as before.
	"$JAIL" -q -m ptn children.max=1
	server_running "$p" "$pb" || fail "no server for ptn's socket after jail -m children.max"
	assert_eq "$(inj ptn /sbin/jail -c name=ptc path=/srv/plain persist)" "ptc: created" "jail -c inside after the restart"
	# A server that runs is left alone: the same one after another jail -m.
	s=$(pgrep -f "^jailnest $p $pb ")
	"$JAIL" -q -m ptn children.max=2
	assert_eq "$(pgrep -f "^jailnest $p $pb ")" "$s" "the running server after jail -m children.max"
	# Again while the jail is awake: the running namespace gets the new socket too.
	"$JEXEC" ptn sleep 61 &
	wait_until 5 "ptn awake" awake "$p"
	kill "$s"
	wait_until 5 "ptn's socket without a listener" not_listening "$RUNDIR/nest/$p.sock"
	"$JAIL" -q -m ptn children.max=2
	assert_eq "$(inj ptn /sbin/jail -c name=ptd path=/srv/plain persist)" "ptd: created" "jail -c inside an awake jail after the restart"
	"$JAIL" -q -r ptn
	wait
	assert_nothing_left
}

# children.max raised on a running jail created with 0, as FreeBSD allows:
# its processes move into a leaf cgroup of their own (frozen meanwhile), and
# it gets the socket and server a jail created with children has.

# True once jail $1's /dev/prison.sock is a socket, seen from inside.
has_socket_inside() {
	"$JEXEC" "$1" test -S /dev/prison.sock
}

test_nested_raise_children_max_on_a_running_jail() {
	nested_roots
	"$JAIL" -q -c name=ptn path="$NR" persist rctl=maxproc:deny=40
	p=$(jid_of ptn)
	"$JEXEC" ptn /bin/sleep 300 >/dev/null 2>&1 &
	sleeper=$!
	pid=$(wait_for_process_in "$CGROUP2/$CGPREFIX/$p" sleep)
	has_socket_inside ptn && fail "a jail created with children.max=0 has a socket"
	expect_error 'jail: ptk: prison limit exceeded' inj ptn /sbin/jail -c name=ptk path=/srv/kid persist
	assert_eq "$("$JAIL" -m name=ptn children.max=2)" "ptn: updated" "children.max raised on the running jail"
	# Its processes are in its leaf now, alive, and nothing is left beside it.
	pid_gone "$pid" && fail "the jail's process died in the move"
	assert_contains "$(cat /proc/"$pid"/cgroup)" "/$CGPREFIX/$p/self" "the running process in the leaf"
	assert_contains "$(cat /proc/"$(init_pid_of "$p")"/cgroup)" "/$CGPREFIX/$p/self" "jailinit in the leaf"
	assert_eq "$(cat "$CGROUP2/$CGPREFIX/$p/cgroup.procs")" "" "processes beside the leaf"
	assert_eq "$(cat "$CGROUP2/$CGPREFIX/$p/cgroup.freeze")" 0 "the jail thawed"
	# The v1 hierarchy of its limit has the same layout as a jail created with children.
	pmnt=$(v1_mount_of pids)
	if [ -n "$pmnt" ]; then
		assert_contains "$(cat "$pmnt/$CGPREFIX/$p/self/cgroup.procs")" "$pid" "the process in the v1 pids leaf"
		assert_eq "$(cat "$pmnt/$CGPREFIX/$p/cgroup.procs")" "" "processes beside the v1 pids leaf"
	fi
	# A child from the host, its cgroup below the parent's, bound by the parent's rule.
	"$JAIL" -q -c name=ptn.ptd path="$ROOT" persist
	c=$(jid_of ptn.ptd)
	[ -d "$CGROUP2/$CGPREFIX/$p/$c" ] || fail "no cgroup $p/$c inside the parent's"
	made=$("$JEXEC" ptn.ptd /bin/probe forks 1000)
	[ "$made" -lt 40 ] || fail "$made processes made in the child under the parent's maxproc=40"
	[ "$made" -gt 10 ] || fail "only $made processes made in the child"
	# Root inside asks for a child over the socket it got, and lists it.
	has_socket_inside ptn || fail "no /dev/prison.sock in the raised jail"
	assert_eq "$(inj ptn /sbin/jail -c name=ptk path=/srv/kid persist)" "ptk: created" "jail -c inside"
	assert_eq "$(inj ptn /sbin/jls name | tr '\n' ' ')" "ptd ptk " "jls inside"
	assert_eq "$("$JEXEC" ptn.ptk cat /marker)" kid "the child made from inside"
	# Lowered to 0: the children and the layout stay, a new child is refused as FreeBSD refuses it.
	"$JAIL" -q -m name=ptn children.max=0
	expect_error 'jail: pte: prison limit exceeded' inj ptn /sbin/jail -c name=pte path=/srv/plain persist
	assert_eq "$(inj ptn /sbin/jls name | tr '\n' ' ')" "ptd ptk " "the children after lowering"
	pb=$(uid_base_of "$p")
	kill "$sleeper" 2>/dev/null || true
	wait "$sleeper" 2>/dev/null || true
	"$JAIL" -q -r ptn
	wait_until 5 "ptn's server gone" server_gone "$p" "$pb"
	assert_nothing_left
}

# An idle persist.idle jail has no process to move and no namespace running:
# the leaf is made, and the socket goes into the pinned tree the next
# jailinit's namespace is made from.
test_nested_raise_children_max_on_an_idle_jail() {
	nested_roots
	"$JAIL" -q -c name=ptn path="$NR" persist persist.idle
	p=$(jid_of ptn)
	wait_idle ptn
	"$JAIL" -q -m name=ptn children.max=1
	idle_now ptn || fail "raising children.max woke the idle jail"
	[ -d "$CGROUP2/$CGPREFIX/$p/self" ] || fail "no leaf for the idle jail's processes"
	assert_eq "$(inj ptn /sbin/jail -c name=ptk path=/srv/kid persist)" "ptk: created" "jail -c inside the woken jail"
	assert_eq "$(inj ptn /sbin/jls name)" ptk "jls inside the woken jail"
	assert_contains "$(cat /proc/"$(init_pid_of "$p")"/cgroup)" "/$CGPREFIX/$p/self" "the fresh jailinit in the leaf"
	[ -d "$CGROUP2/$CGPREFIX/$p/$(jid_of ptn.ptk)" ] || fail "the child's cgroup is not inside the parent's"
	"$JAIL" -q -r ptn
	assert_eq "$(pins)" "" "pins after jail -r"
	assert_nothing_left
}

# A persist.idle jail raised while awake: the socket in its running
# namespace at once, and in its pinned tree for the jailinit after.
test_nested_raise_children_max_on_an_awake_idle_jail() {
	nested_roots
	"$JAIL" -q -c name=ptn path="$NR" persist persist.idle
	p=$(jid_of ptn)
	"$JEXEC" ptn /bin/sleep 300 >/dev/null 2>&1 &
	sleeper=$!
	pid=$(wait_for_process_in "$CGROUP2/$CGPREFIX/$p" sleep)
	"$JAIL" -q -m name=ptn children.max=1
	assert_contains "$(cat /proc/"$pid"/cgroup)" "/$CGPREFIX/$p/self" "the running process in the leaf"
	has_socket_inside ptn || fail "no /dev/prison.sock in the running namespace"
	kill "$sleeper" 2>/dev/null || true
	wait "$sleeper" 2>/dev/null || true
	wait_idle ptn
	assert_eq "$(inj ptn /sbin/jail -c name=ptk path=/srv/kid persist)" "ptk: created" "jail -c after a wake"
	"$JAIL" -q -r ptn
	assert_eq "$(pins)" "" "pins after jail -r"
	assert_nothing_left
}

# Refused (a child's children.max stays below its parent's): nothing moves,
# no socket; raised within the parent's, the child gets a grandchild.
test_nested_raise_refused_leaves_the_layout() {
	"$JAIL" -q -c name=ptn path="$ROOT" persist children.max=1
	"$JAIL" -q -c name=ptn.ptc path="$ROOT" persist
	p=$(jid_of ptn) c=$(jid_of ptn.ptc)
	"$JEXEC" ptn.ptc /bin/sleep 300 >/dev/null 2>&1 &
	sleeper=$!
	pid=$(wait_for_process_in "$CGROUP2/$CGPREFIX/$p/$c" sleep)
	expect_error "jail: ptn.ptc: children.max: 1 is not below 1, the parent jail \"ptn\"'s" \
		"$JAIL" -q -m name=ptn.ptc children.max=1
	[ -e "$CGROUP2/$CGPREFIX/$p/$c/self" ] && fail "a refused raise made a leaf"
	assert_not_contains "$(cat /proc/"$pid"/cgroup)" "/$CGPREFIX/$p/$c/self" "the process where it was"
	[ -e "$RUNDIR/nest/$c.sock" ] && fail "a refused raise made a socket"
	has_socket_inside ptn.ptc && fail "a refused raise gave the jail a socket"
	"$JAIL" -q -m name=ptn children.max=3
	"$JAIL" -q -m name=ptn.ptc children.max=2
	assert_contains "$(cat /proc/"$pid"/cgroup)" "/$CGPREFIX/$p/$c/self" "the process in the child's leaf"
	"$JAIL" -q -c name=ptn.ptc.ptg path="$ROOT" persist
	[ -d "$CGROUP2/$CGPREFIX/$p/$c/$(jid_of ptn.ptc.ptg)" ] || fail "the grandchild's cgroup is not inside the child's"
	kill "$sleeper" 2>/dev/null || true
	wait "$sleeper" 2>/dev/null || true
	"$JAIL" -q -r ptn
	assert_nothing_left
}

# What jail root put at /dev/prison.sock beforehand (a link, here) is never
# followed nor mounted over: the raise is refused, and everything it did is
# undone, the processes back where they were and the jail thawed.
test_nested_raise_refused_over_a_file_of_the_jail() {
	"$JAIL" -q -c name=ptn path="$ROOT" persist rctl=maxproc:deny=40
	p=$(jid_of ptn)
	"$JEXEC" ptn /bin/sleep 300 >/dev/null 2>&1 &
	sleeper=$!
	pid=$(wait_for_process_in "$CGROUP2/$CGPREFIX/$p" sleep)
	"$JEXEC" ptn ln -s /etc/passwd /dev/prison.sock
	expect_error 'jail: ptn: children.max: the jail'"'"'s socket for child jails: /dev/prison.sock: the jail has a file of its own there' \
		"$JAIL" -q -m name=ptn children.max=1
	assert_eq "$("$JLS" -j ptn children.max)" 0 "children.max after the refusal"
	[ -e "$CGROUP2/$CGPREFIX/$p/self" ] && fail "the leaf left after the refusal"
	assert_contains "$(cat "$CGROUP2/$CGPREFIX/$p/cgroup.procs")" "$pid" "the process back in the jail's cgroup"
	assert_eq "$(cat "$CGROUP2/$CGPREFIX/$p/cgroup.freeze")" 0 "the jail thawed"
	pmnt=$(v1_mount_of pids)
	if [ -n "$pmnt" ]; then
		[ -e "$pmnt/$CGPREFIX/$p/self" ] && fail "the v1 pids leaf left after the refusal"
		assert_contains "$(cat "$pmnt/$CGPREFIX/$p/cgroup.procs")" "$pid" "the process back in the v1 pids cgroup"
	fi
	[ -e "$RUNDIR/nest/$p.sock" ] && fail "the socket left after the refusal"
	server_gone "$p" "$(uid_base_of "$p")" || fail "a server left after the refusal"
	assert_eq "$("$JEXEC" ptn readlink /dev/prison.sock)" /etc/passwd "the jail's link as it was"
	"$JEXEC" ptn rm /dev/prison.sock
	"$JAIL" -q -m name=ptn children.max=1
	has_socket_inside ptn || fail "no /dev/prison.sock once the jail's link was gone"
	kill "$sleeper" 2>/dev/null || true
	wait "$sleeper" 2>/dev/null || true
	"$JAIL" -q -r ptn
	assert_nothing_left
}

# Root of a parent raises its child's children.max from inside, as FreeBSD's
# jail root may for its own children: the child gets its leaf and socket,
# and its root makes a grandchild.
test_nested_raise_from_inside() {
	nested_roots
	"$JAIL" -q -c name=ptn path="$NR" persist children.max=2
	inj ptn /sbin/jail -q -c name=ptc path=/srv/kid persist
	expect_error 'jail: ptg: prison limit exceeded' inj ptn.ptc /sbin/jail -c name=ptg path=/ persist
	assert_eq "$(inj ptn /sbin/jail -m ptc children.max=1)" "ptc: updated" "jail -m children.max inside"
	p=$(jid_of ptn) c=$(jid_of ptn.ptc)
	[ -d "$CGROUP2/$CGPREFIX/$p/$c/self" ] || fail "no leaf for the raised child"
	assert_eq "$(inj ptn.ptc /sbin/jail -c name=ptg path=/ persist)" "ptg: created" "jail -c inside the raised child"
	assert_eq "$(inj ptn /sbin/jls name | tr '\n' ' ')" "ptc ptc.ptg " "the parent lists its grandchild"
	"$JAIL" -q -r ptn
	assert_nothing_left
}
