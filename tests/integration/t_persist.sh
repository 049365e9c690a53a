# persist.idle: a persistent jail with no process of its own, only its
# namespaces kept (pin.h), woken with a fresh jailinit when entered (wake.h).

# True when jail $1 (a name) has no jailinit: the pid its record names has ended.
idle_now() {
	local p
	p=$(init_pid_of "$(jid_of "$1")")
	[ -n "$p" ] && pid_gone "$p"
}

# wait_idle JAIL: until the jail's jailinit has left.
wait_idle() {
	wait_until 10 "jail $1 idle" idle_now "$1"
}

# The host's view of the pins: one directory per pinned jail.
pins() {
	ls "$RUNDIR/pins" 2>/dev/null | tr '\n' ' '
}

# The ID range file of jail $1 (a jid): the machine-wide allocation.
idrange_file() {
	echo "/run/prison-ids/$(uid_base_of "$1")"
}

test_persist_idle_has_no_process() {
	"$JAIL" -q -c name=ptidle path="$ROOT" persist persist.idle host.hostname=idlehost
	jid=$(jid_of ptidle)
	wait_idle ptidle
	assert_eq "$(procs_in ptidle)" 0 "processes in an idle jail's cgroup"
	assert_eq "$(pins)" "$jid " "the pins"
	[ ! -e "$RUNDIR/ctl/$jid.sock" ] || fail "the control socket's file of an idle jail"
	# Listed from the record and its pin, without a process.
	assert_eq "$("$JLS" -j ptidle name host.hostname)" "ptidle idlehost" "jls of an idle jail"
	assert_contains "$("$JLS" -v)" "ptidle" "jls -v of an idle jail"
	assert_eq "$("$JLS" --libxo json -j ptidle name | python3 -c 'import json,sys; print(json.load(sys.stdin)["jail-information"]["jail"][0]["name"])')" \
		ptidle "jls --libxo json of an idle jail"
	# Entered: a fresh jailinit is PID 1, in the jail's cgroup while it runs.
	assert_eq "$("$JEXEC" ptidle /bin/sh -c 'cat /proc/1/comm; hostname')" "jailinit
idlehost" "jexec into an idle jail"
	wait_idle ptidle
	assert_eq "$(procs_in ptidle)" 0 "processes once the command has ended"
	[ ! -e "$RUNDIR/ctl/$jid.sock" ] || fail "the control socket's file once the command has ended"
	assert_eq "$("$JEXEC" ptidle hostname)" idlehost "jexec into an idle jail again"
	range=$(idrange_file "$jid")
	assert_contains "$(idrange_entry "$range")" " $(realpath "$RUNDIR")" "the idle jail's ID range, held"
	"$JAIL" -q -r ptidle
	jail_gone ptidle || fail "jail -r of an idle jail"
	assert_eq "$(pins)" "" "pins after jail -r"
	# Another shard's jail with the same jid may take the same range at once: only ours must be gone.
	! idrange_entry "$range" | grep -qs " $(realpath "$RUNDIR")\$" || fail "ID range left after jail -r"
	[ ! -d "$(cgroup_of ptidle 2>/dev/null)/x" ] || true
	[ ! -e "$RUNDIR/jail/$jid.json" ] || fail "record left after jail -r"
}

test_persist_idle_one_jailinit_for_two_jexecs() {
	"$JAIL" -q -c name=ptidl2 path="$ROOT" persist persist.idle
	wait_idle ptidl2
	# Two commands at once: one fresh jailinit, so one PID namespace for both.
	"$JEXEC" ptidl2 /bin/sh -c 'sleep 0.5; readlink /proc/self/ns/pid; ls /proc | grep -c "^[0-9]"' >"$WORK/a.out" &
	a=$!
	"$JEXEC" ptidl2 /bin/sh -c 'sleep 0.5; readlink /proc/self/ns/pid' >"$WORK/b.out" &
	b=$!
	wait $a
	wait $b
	assert_eq "$(sed -n 1p "$WORK/a.out")" "$(cat "$WORK/b.out")" "PID namespace of two concurrent jexecs"
	inits=$(for p in $(cat "$(cgroup_of ptidl2)/cgroup.procs"); do cat "/proc/$p/comm"; done | grep -c jailinit || true)
	[ "$inits" -le 1 ] || fail "$inits jailinits in one jail"
	rm -f "$WORK/a.out" "$WORK/b.out"
	"$JAIL" -q -r ptidl2
}

test_persist_idle_keeps_state() {
	mkdir -p "$ROOT/mnt"
	"$JAIL" -q -c name=ptkeep path="$ROOT" persist persist.idle sysvshm=new \
		mount="tmpfs $ROOT/mnt tmpfs rw,size=1m 0 0"
	"$JEXEC" ptkeep /bin/sh -c 'echo kept >/mnt/f; echo dev >/dev/shm/g'
	wait_idle ptkeep
	assert_eq "$("$JEXEC" ptkeep cat /mnt/f /dev/shm/g)" "kept
dev" "tmpfs contents after an idle period"
	wait_idle ptkeep
	# A host name set while idle goes to its pinned UTS namespace.
	"$JAIL" -q -m name=ptkeep host.hostname=renamed
	assert_eq "$("$JEXEC" ptkeep hostname)" renamed "host name set while idle"
	wait_idle ptkeep
	assert_eq "$("$JEXEC" ptkeep hostname)" renamed "host name after another idle period"
	"$JAIL" -q -r ptkeep
}

test_persist_idle_exec_stop_runs() {
	mkdir -p "$ROOT/root"
	rm -f "$ROOT/root/stopped"
	"$JAIL" -q -c name=ptstop path="$ROOT" persist persist.idle exec.stop="echo stopped >/root/stopped"
	wait_idle ptstop
	"$JAIL" -q -r ptstop
	assert_eq "$(cat "$ROOT/root/stopped")" stopped "exec.stop of an idle jail"
	rm -f "$ROOT/root/stopped"
	assert_eq "$(pins)" "" "pins after jail -r"
}

test_persist_idle_not_persistent_goes() {
	"$JAIL" -q -c name=ptnp path="$ROOT" persist.idle command=/bin/true
	jail_gone ptnp || fail "a jail with persist.idle but not persist outlived its command"
	assert_eq "$(pins)" "" "pins of a jail that went"
	# Losing persist while idle: the jail goes, leaving nothing.
	"$JAIL" -q -c name=ptnp2 path="$ROOT" persist persist.idle
	wait_idle ptnp2
	"$JAIL" -q -m name=ptnp2 nopersist
	jail_gone ptnp2 || fail "an idle jail that lost persist"
	assert_eq "$(pins)" "" "pins of an idle jail that lost persist"
}

test_persist_idle_terminal() {
	"$JAIL" -q -c name=ptpty path="$ROOT" persist persist.idle
	wait_idle ptpty
	out=$(printf 'tty\nexit 4\n' | script -qec "$JEXEC ptpty" /dev/null; echo "rc=$?")
	assert_contains "$out" "/dev/pts/" "terminal of a woken jail"
	assert_contains "$out" "rc=4" "exit status of a shell in a woken jail"
	"$JAIL" -q -r ptpty
}

test_persist_idle_watched_rule_wakes() {
	"$JAIL" -q -c name=ptwr path="$ROOT" persist persist.idle
	wait_idle ptwr
	# A rule to watch needs a jailinit: it is started, and stays while the rule does.
	"$RCTL" -a jail:ptwr:memoryuse:log=1G
	p=$(init_pid_of "$(jid_of ptwr)")
	pid_gone "$p" && fail "no jailinit for a watched rule"
	sleep 0.3
	pid_gone "$p" && fail "jailinit left while a rule is watched"
	"$RCTL" -r jail:ptwr:memoryuse
	wait_idle ptwr
	"$JAIL" -q -r ptwr
}

# Class "root": prison's mounts stay locked after an idle period, in the fresh mount namespace.
test_escape_persist_idle_umount_refused() {
	mkdir -p "$ROOT/mnt"
	"$JAIL" -q -c name=ptidlk path="$ROOT" persist persist.idle allow.mount
	wait_idle ptidlk
	umount_all_refused ptidlk /bin/probe
	wait_idle ptidlk
	umount_all_refused ptidlk /bin/probe
	# The fresh /proc is the new PID namespace's, masked as at creation.
	assert_eq "$("$JEXEC" ptidlk cat /proc/1/comm)" jailinit "PID 1 of the fresh /proc"
	assert_eq "$("$JEXEC" ptidlk /bin/sh -c 'wc -c </proc/cmdline')" 0 "/proc/cmdline masked"
	"$JAIL" -q -r ptidlk
}

# After kill -9 at a moment given by $1 (seconds), jail $2 is either whole or gone.
whole_or_gone() {
	if jail_exists "$2"; then
		assert_eq "$("$JEXEC" "$2" echo in)" in "jexec into $2 after kill -9 $1 s in"
		"$JAIL" -q -r "$2"
	fi
	jail_gone "$2" || fail "$2 still listed"
	assert_eq "$(pins)" "" "pins after kill -9 $1 s in"
	assert_registry_consistent
}

test_persist_idle_survives_kill9() {
	local d
	for d in 0.002 0.005 0.01 0.02 0.04; do
		"$JAIL" -q -c name=ptk9 path="$ROOT" persist persist.idle &
		sleep "$d"
		kill -9 $! 2>/dev/null || true
		wait $! 2>/dev/null || true
		whole_or_gone "$d (jail -c)" ptk9
		# During a wake.
		"$JAIL" -q -c name=ptk9 path="$ROOT" persist persist.idle
		wait_idle ptk9
		"$JEXEC" ptk9 /bin/true &
		sleep "$d"
		kill -9 $! 2>/dev/null || true
		wait $! 2>/dev/null || true
		jail_exists ptk9 || fail "jail gone after kill -9 of jexec $d s in"
		assert_eq "$("$JEXEC" ptk9 echo in)" in "jexec after kill -9 of a wake $d s in"
		# During jail -r.
		wait_idle ptk9
		"$JAIL" -q -r ptk9 &
		sleep "$d"
		kill -9 $! 2>/dev/null || true
		wait $! 2>/dev/null || true
		whole_or_gone "$d (jail -r)" ptk9
	done
}

# The pins' two host mounts never go into a jail's tree: a path=/ jail copies the host's whole tree.
test_persist_idle_pins_stay_out_of_jails() {
	"$JAIL" -q -c name=ptidl3 path="$ROOT" persist persist.idle
	"$JAIL" -q -c name=ptslash3 path=/ persist
	assert_eq "$("$JEXEC" ptslash3 /bin/sh -c 'grep -c -e nsfs -e prison-pins /proc/self/mountinfo || true')" 0 \
		"pin mounts in a path=/ jail"
	"$JAIL" -q -r ptslash3
	"$JAIL" -q -r ptidl3
}

test_persist_idle_usage_and_jkill() {
	"$JAIL" -q -c name=ptusg path="$ROOT" persist persist.idle
	wait_idle ptusg
	assert_contains "$("$RCTL" -u jail:ptusg)" "memoryuse=" "rctl -u of an idle jail"
	# jkill of a jail whose every process is gone already: it stays, persistent and idle.
	"$JEXEC" ptusg /bin/sh -c 'sleep 30 &' &
	p=$(wait_for_process_in "$(cgroup_of ptusg)" sleep)
	"$JKILL" ptusg
	wait_gone "$p" "the jail's sleep after jkill"
	wait $! 2>/dev/null || true
	wait_idle ptusg
	jail_exists ptusg || fail "jkill removed a persistent idle jail"
	assert_eq "$("$JEXEC" ptusg echo back)" back "jexec after jkill"
	"$JAIL" -q -r ptusg
}

# A vnet jail's stack is pinned with it: addresses and interfaces outlive an idle period.
persist_idle_vnet() {
	"$JAIL" -q -c name=ptiv path="$ROOT" persist persist.idle vnet vnet.bridge=ptbr7 ip4.addr=198.18.7.2/24
	ip addr add 198.18.7.1/24 dev ptbr7
	ip link add ptx6 type veth peer name ptx7
	"$JAIL" -q -c name=ptim path="$ROOT" persist persist.idle vnet vnet.interface=ptx6
	wait_idle ptiv
	wait_idle ptim
	assert_contains "$("$JEXEC" ptiv ip -o addr show dev eth0)" 198.18.7.2/24 "address of an idle vnet jail"
	"$JEXEC" ptiv ip addr add 198.18.7.3/24 dev eth0
	wait_idle ptiv
	assert_contains "$("$JEXEC" ptiv ip -o addr show dev eth0)" 198.18.7.3/24 "address added inside, after an idle period"
	assert_eq "$(ip -6 -o addr show dev "pj$(jid_of ptiv)a")" "" "IPv6 addresses of the host end, after an idle period"
	assert_contains "$("$JEXEC" ptim ip -o link)" ptx6 "interface moved into an idle jail"
	wait_idle ptim
	# Removed while idle: the interface comes back from the pinned stack.
	"$JAIL" -q -r ptim
	assert_contains "$(ip -o link)" "ptx6@" "interface back on the host"
	ip link del ptx6
	"$JAIL" -q -r ptiv
	assert_eq "$(ip -o link | grep -c 'pj[0-9]*a' || true)" 0 "veth pairs after removal"
}
test_persist_idle_vnet() { in_netns persist_idle_vnet; }

# The machine's limit of mounts per mount namespace, lowered for a moment
# and put back.
restore_mount_max() {
	[ -n "${saved_mount_max:-}" ] && sysctl -q fs.mount-max="$saved_mount_max"
	saved_mount_max=
}

# serial: lowers fs.mount-max, the limit of every mount namespace on the machine
test_persist_idle_pins_spread_over_pin_namespaces() {
	local i jid host limit shards
	saved_mount_max=$(sysctl -n fs.mount-max)
	trap restore_mount_max EXIT
	host=$(wc -l </proc/self/mountinfo)
	limit=$((host + 60))
	# A few idle jails fill a pin namespace of that many mounts: the next ones go to new ones.
	sysctl -q fs.mount-max=$limit
	for i in 1 2 3 4 5 6 7 8 9 10; do
		"$JAIL" -q -c name=ptsh$i path="$ROOT" persist persist.idle host.hostname=shard$i ||
			{ restore_mount_max; fail "idle jail $i with fs.mount-max=$limit"; }
	done
	restore_mount_max
	trap - EXIT
	[ -e "$RUNDIR/pins/.ns.1" ] || fail "one pin namespace for ten idle jails at fs.mount-max=$limit"
	shards=$(for i in 1 2 3 4 5 6 7 8 9 10; do readlink "$RUNDIR/pins/$(jid_of ptsh$i)/ns" || echo 0; done | sort -u | wc -l)
	[ "$shards" -ge 2 ] || fail "the pins of ten idle jails in $shards pin namespace"
	for i in 1 2 3 4 5 6 7 8 9 10; do
		wait_idle ptsh$i
		assert_eq "$("$JEXEC" ptsh$i hostname)" "shard$i" "jail ptsh$i, pinned in namespace $(readlink "$RUNDIR/pins/$(jid_of ptsh$i)/ns" || echo 0)"
	done
	for i in 1 2 3 4 5 6 7 8 9 10; do
		jid=$(jid_of ptsh$i)
		"$JAIL" -q -r ptsh$i
		[ ! -e "$RUNDIR/pins/$jid" ] || fail "the pin of ptsh$i after jail -r"
	done
	assert_eq "$(pins)" "" "pins after jail -r"
}

# A jail -c that ended (kill -9, a crash) just after it mounted the pins'
# tmpfs left it bindable: the pin namespace's mount made on it later must
# still stay out of every copy of the host's tree, or no path=/ jail could
# be made again (the kernel refuses a root that holds a mount namespace's
# file for the loop it would make).
test_persist_idle_pins_made_halfway_stay_out_of_copies() {
	HALF=$WORK/ctx-halfway HALF_CG=prison-test-halfway$$
	trap 'context_cleanup "$HALF/run" "$HALF_CG" "$HALF/log"; rm -rf "$HALF"' EXIT
	mkdir -p "$HALF"
	# The context's run directory, as jail -c makes it, then the pins' tmpfs as that jail -c left it.
	in_half "$JAIL" -q -c name=pthalf0 path="$ROOT" command=/bin/true
	mkdir -m 700 "$HALF/run/pins"
	mount -t tmpfs -o mode=0700 prison-pins "$HALF/run/pins"
	in_half "$JAIL" -q -c name=pthalf path="$ROOT" persist persist.idle
	[ -e "$HALF/run/pins/.ns" ] || fail "no pin namespace at pins/.ns"
	assert_eq "$(in_half "$JAIL" -q -c name=pthalfr path=/ command=/bin/sh -c \
		'grep -c -e nsfs -e prison-pins /proc/self/mountinfo || true' 2>&1)" 0 \
		"pin mounts in a path=/ jail made after a half-made pins mount"
	in_half "$JAIL" -q -r pthalf
}
in_half() { PRISON_RUNDIR=$HALF/run PRISON_CGROUP=$HALF_CG PRISON_LOGDIR=$HALF/log "$@"; }

# A child jail made while its parent is idle: the parent is woken for it
# (the child's jailinit holds it, as FreeBSD's child holds its parent), the
# child runs inside it, and both go with the parent's removal.
test_persist_idle_parent_gets_a_child() {
	"$JAIL" -q -c name=ptip path="$ROOT" persist persist.idle children.max=1 host.hostname=ptip
	wait_idle ptip
	# A child that keeps its jailinit, which holds its parent's while it runs.
	assert_eq "$("$JAIL" -c name=ptip.ptk path="$ROOT" persist persist.idle=false)" "ptip.ptk: created" "a child of an idle parent"
	idle_now ptip && fail "the parent stayed idle under its child"
	assert_eq "$("$JEXEC" ptip.ptk hostname)" ptip "the child, with its parent's host name"
	assert_eq "$("$JLS" -j ptip children.cur)" 1 "children.cur of the woken parent"
	"$JAIL" -q -r ptip
	jail_exists ptip.ptk && fail "the child outlived its parent's removal"
	assert_eq "$(pins)" "" "pins after jail -r"
	assert_nothing_left
}

# persist.idle's default: a persistent jail keeps no process, unless jail
# root may mount or a procfs line is in its mounts (those need the process).
test_persist_idle_is_the_default_for_persistent_jails() {
	"$JAIL" -q -c name=ptdf path="$ROOT" persist
	"$JAIL" -q -c name=ptdm path="$ROOT" persist allow.mount
	"$JAIL" -q -c name=ptdp path="$ROOT" persist mount="proc $ROOT/mnt procfs rw 0 0"
	"$JAIL" -q -c name=ptdk path="$ROOT" persist persist.idle=false
	"$JAIL" -q -c name=ptdn path="$ROOT" command=/bin/sleep 30 &
	wait_until 5 "ptdn made" jail_exists ptdn
	assert_eq "$("$JLS" -j ptdf persist.idle)" true "persist.idle of a persistent jail"
	assert_eq "$("$JLS" -j ptdm persist.idle)" false "persist.idle with allow.mount"
	assert_eq "$("$JLS" -j ptdp persist.idle)" false "persist.idle with a procfs line"
	assert_eq "$("$JLS" -j ptdk persist.idle)" false "persist.idle=false given"
	assert_eq "$("$JLS" -j ptdn persist.idle)" false "persist.idle of a jail that is not persistent"
	wait_idle ptdf
	assert_eq "$(procs_in ptdf)" 0 "processes of an idle jail"
	for j in ptdm ptdp ptdk; do
		idle_now "$j" && fail "$j went idle"
		assert_eq "$(procs_in "$j")" 1 "$j's processes: its jailinit"
	done
	assert_contains "$(pins)" "$(jid_of ptdf)" "the default jail's pins"
	assert_eq "$("$JEXEC" ptdf echo woken)" woken "jexec into the idle jail"
	wait_idle ptdf
	"$JAIL" -q -r ptdf ptdm ptdp ptdk ptdn
	wait || true
	assert_eq "$(pins)" "" "pins after jail -r"
	assert_nothing_left
}

# A non-persistent parent kept by an idle child, as FreeBSD's child keeps its
# parent: it stays with no process of its own, and goes with its last child.
test_persist_idle_child_keeps_a_nonpersistent_parent() {
	"$JAIL" -q -c name=ptnk path="$ROOT" persist children.max=2
	"$JAIL" -q -c name=ptnk.a path="$ROOT" persist
	"$JAIL" -q -c name=ptnk.b path="$ROOT" persist
	wait_idle ptnk.a
	wait_idle ptnk.b
	wait_idle ptnk
	"$JAIL" -q -m name=ptnk nopersist
	sleep 0.3
	jail_exists ptnk || fail "the parent went with two idle children"
	assert_eq "$("$JLS" -j ptnk persist)" false "persist of the kept parent"
	assert_eq "$("$JEXEC" ptnk echo parent)" parent "jexec into the kept parent"
	"$JAIL" -q -r ptnk.a
	sleep 0.3
	jail_exists ptnk || fail "the parent went with a child left"
	"$JAIL" -q -r ptnk.b
	wait_until 10 "the parent gone after its last child" jail_gone ptnk
	assert_eq "$(pins)" "" "pins after the last child"
	assert_nothing_left
}

# The first idle jail of a run directory made from a mount namespace just
# made on another CPU: Linux gives namespace ids in batches per CPU, and
# binds a mount namespace's file only into an older one, so the pin
# namespace is made on each CPU in turn until one binds.
test_persist_idle_pins_from_a_new_mount_namespace() {
	local a b d
	[ "$(nproc --all)" -ge 2 ] || return 0
	for a in 0 1; do
		b=$((1 - a))
		d=$WORK/nsrun$a
		mkdir -p "$d"
		taskset -c "$a" unshare -m --propagation private taskset -c "$b" \
			env PRISON_RUNDIR="$d/run" PRISON_CGROUP="$CGPREFIX-ns$a" PRISON_LOGDIR="$d/log" PRISON_STATEDIR="$d/state" \
			sh -c '"$1" -q -c name=ptnsp path="$2" persist && "$3" -j ptnsp persist.idle && "$1" -q -r ptnsp' _ \
			"$JAIL" "$ROOT" "$JLS" >"$WORK/nsout$a" 2>&1 || true
		context_cleanup "$d/run" "$CGPREFIX-ns$a" "$d/log" "$d/state"
		rm -rf "$d"
		assert_eq "$(cat "$WORK/nsout$a")" true "an idle jail made from a new mount namespace, CPUs $a then $b"
	done
}

# A child made just as its idle-capable parent's jailinit leaves (one
# jail(8) makes the parent, whose jailinit goes idle as the command lets it
# go, then the child at once): the parent is woken again once it has gone,
# never "Connection reset by peer".
test_persist_idle_child_made_as_its_parent_goes_idle() {
	local i
	cat >"$WORK/ptrc.conf" <<CONF
path = "$ROOT";
persist;
ptrc { children.max = 1; }
ptrc.k { }
CONF
	for i in $(seq 1 20); do
		assert_eq "$("$JAIL" -f "$WORK/ptrc.conf" -c ptrc ptrc.k 2>&1)" "ptrc: created
ptrc.k: created" "round $i: a parent and its child, made by one command"
		"$JAIL" -q -r ptrc
	done
	assert_eq "$(pins)" "" "pins after jail -r"
	assert_nothing_left
}

# An idle jail keeps its namespaces: each wake's jailinit is in the same
# user, UTS and network namespaces as the first, and its root is still the
# same host ID range (the user namespace comes back from the UTS
# namespace's owner, where it has no pin of its own).
# The cgroup namespace is made anew at each wake (pin_kept), its view the
# same; so is an IPC namespace that held nothing (the test after this one).
test_persist_idle_wakes_into_the_same_namespaces() {
	local ns='for n in user uts net; do readlink /proc/self/ns/$n; done; cat /proc/self/uid_map /proc/self/cgroup'
	"$JAIL" -q -c name=ptsame path="$ROOT" persist
	first=$("$JEXEC" ptsame /bin/sh -c "$ns")
	assert_contains "$first" "0::/" "the jail's cgroup is the root of its cgroup namespace"
	wait_idle ptsame
	assert_eq "$("$JEXEC" ptsame /bin/sh -c "$ns")" "$first" "the namespaces after a wake"
	[ ! -e "$RUNDIR/pins/$(jid_of ptsame)/user" ] || fail "a pin of its own for the user namespace the UTS one holds"
	[ ! -e "$RUNDIR/pins/$(jid_of ptsame)/cgroup" ] || fail "a pin of the cgroup namespace"
	cg=$("$JEXEC" ptsame cat /proc/self/cgroup)
	wait_idle ptsame
	assert_eq "$("$JEXEC" ptsame /bin/sh -c 'cat /proc/1/cgroup; ls /sys/fs/cgroup/cgroup.procs')" "$cg
/sys/fs/cgroup/cgroup.procs" "jailinit's cgroups after a wake, each the root of the jail's view, and its /sys/fs/cgroup"
	"$JAIL" -q -r ptsame
	assert_nothing_left
}

# The IPC namespace of jail $1 as its processes see it.
ipc_ns_of() {
	"$JEXEC" "$1" readlink /proc/self/ns/ipc
}

# An idle jail's IPC namespace is pinned only while it holds something: a
# SysV segment or a POSIX queue keeps it, with its contents, across idle
# periods; once empty, the pin lets it go and the next wake makes a fresh
# one, with the jail's IPC limits.  rctl reaches a kept one while idle.
test_persist_idle_ipc_namespace_kept_only_while_it_holds_something() {
	"$JAIL" -q -c name=ptipcidle path="$ROOT" persist sysvshm=new sysvmsg=new sysvsem=new
	local jid pin first id
	jid=$(jid_of ptipcidle)
	pin="$RUNDIR/pins/$jid/ipc"
	[ ! -e "$pin" ] || fail "an empty IPC namespace pinned after creation"
	"$JEXEC" ptipcidle true
	[ ! -e "$pin" ] || fail "an empty IPC namespace pinned after a wake"

	assert_eq "$("$JEXEC" ptipcidle /bin/probe shmget)" ok "a SysV segment made in the jail"
	id=$("$JEXEC" ptipcidle awk 'NR == 2 { print $2 }' /proc/sysvipc/shm)
	[ -n "$id" ] || fail "no SysV segment made in the jail"
	first=$(ipc_ns_of ptipcidle)
	wait_idle ptipcidle
	[ -e "$pin" ] || fail "an IPC namespace holding a segment not pinned while idle"
	assert_eq "$(ipc_ns_of ptipcidle)" "$first" "the IPC namespace after a wake, with its segment"
	assert_eq "$("$JEXEC" ptipcidle /bin/sh -c 'wc -l </proc/sysvipc/shm')" 2 "the segment after a wake"

	"$RCTL" -a jail:ptipcidle:nmsgq:deny=7
	assert_eq "$("$JEXEC" ptipcidle cat /proc/sys/kernel/msgmni)" 7 "an rctl rule added while idle, in the kept namespace"
	wait_idle ptipcidle
	"$RCTL" -r jail:ptipcidle:nmsgq
	assert_eq "$("$JEXEC" ptipcidle cat /proc/sys/kernel/msgmni)" 32000 "an rctl rule removed while idle"

	assert_eq "$("$JEXEC" ptipcidle /bin/probe shmrm "$id")" ok "the segment removed"
	wait_idle ptipcidle
	wait_until 10 "the empty IPC namespace let go" sh -c "[ ! -e '$pin' ]"

	"$JEXEC" ptipcidle touch /dev/mqueue/ptq
	wait_idle ptipcidle
	[ -e "$pin" ] || fail "an IPC namespace holding a POSIX queue not pinned while idle"
	assert_eq "$("$JEXEC" ptipcidle ls /dev/mqueue)" ptq "the POSIX queue after a wake"
	"$JEXEC" ptipcidle rm /dev/mqueue/ptq
	wait_idle ptipcidle
	wait_until 10 "the empty IPC namespace let go" sh -c "[ ! -e '$pin' ]"

	# Let go with a rule: the next wake's fresh namespace has it.
	"$RCTL" -a jail:ptipcidle:nshm:deny=5
	assert_eq "$("$JEXEC" ptipcidle cat /proc/sys/kernel/shmmni)" 5 "an rctl rule in a fresh IPC namespace"
	wait_idle ptipcidle
	wait_until 10 "the IPC namespace with only its limits let go" sh -c "[ ! -e '$pin' ]"
	assert_eq "$("$JEXEC" ptipcidle cat /proc/sys/kernel/shmmni)" 5 "the rule after another wake"
	"$JAIL" -q -r ptipcidle
	assert_nothing_left
}

# A jail that shares the host's IPC namespace never gets one of its own at a wake.
test_persist_idle_inherited_ipc_namespace_stays_the_hosts() {
	"$JAIL" -q -c name=ptipchost path="$ROOT" persist sysvshm=inherit sysvmsg=inherit sysvsem=inherit
	wait_idle ptipchost
	assert_eq "$(ipc_ns_of ptipchost)" "$(readlink /proc/self/ns/ipc)" "the IPC namespace after a wake"
	wait_idle ptipchost
	assert_eq "$(ipc_ns_of ptipchost)" "$(readlink /proc/self/ns/ipc)" "the IPC namespace after two wakes"
	"$JAIL" -q -r ptipchost
	assert_nothing_left
}

# The mounts of pinned tree $1 (a jid) as the pin namespace holds them: mount point and type, one per line.
pinned_mounts() {
	python3 - "$RUNDIR/pins/.ns" "$1" <<'PY'
import ctypes, os, sys
proc = os.open("/proc/self", os.O_RDONLY | os.O_DIRECTORY)
if ctypes.CDLL(None, use_errno=True).setns(os.open(sys.argv[1], os.O_RDONLY), 0x00020000) != 0:
    sys.exit("setns: %s" % os.strerror(ctypes.get_errno()))
root = "/%s/root" % sys.argv[2]
for line in open(os.open("mountinfo", os.O_RDONLY, dir_fd=proc)):
    f = line.split()
    if f[4] == root or f[4].startswith(root + "/"):
        print(f[4][len(root):] or "/", f[f.index("-") + 1])
PY
}

# An idle jail's tree keeps no file system of its own namespaces (devpts,
# mqueue, cgroup2) nor its /proc: each wake makes them again, and what the
# jail left in them (a message queue) is still there, its namespaces' own.
test_persist_idle_tree_keeps_no_namespace_file_systems() {
	local jid held
	"$JAIL" -q -c name=ptnsfs path="$ROOT" persist sysvmsg=new sysvsem=new sysvshm=new
	jid=$(jid_of ptnsfs)
	wait_idle ptnsfs
	held=$(pinned_mounts "$jid") || fail "the pinned tree's mounts"
	assert_contains "$held" "/dev tmpfs" "the pinned tree holds /dev"
	assert_not_contains "$held" "devpts" "no devpts in an idle jail's tree"
	assert_not_contains "$held" "mqueue" "no mqueue in an idle jail's tree"
	assert_not_contains "$held" "cgroup2" "no cgroup2 in an idle jail's tree"
	assert_not_contains "$held" "/proc" "no /proc in an idle jail's tree"
	"$JEXEC" ptnsfs /bin/sh -c 'touch /dev/mqueue/ptq' || fail "a message queue in the jail"
	wait_idle ptnsfs
	assert_eq "$("$JEXEC" ptnsfs /bin/sh -c 'ls /dev/mqueue; awk '\''$5 ~ /^\/(dev\/pts|dev\/mqueue|sys\/fs\/cgroup)$/ { print $5, $9 }'\'' /proc/self/mountinfo')" \
		"ptq
/dev/pts devpts
/dev/mqueue mqueue
/sys/fs/cgroup cgroup2" "the queue, and the file systems made again at the wake"
	[ ! -e /dev/mqueue/ptq ] || fail "the jail's queue on the host"
	assert_eq "$("$JEXEC" ptnsfs cat /sys/fs/cgroup/cgroup.procs | wc -l)" 2 \
		"/sys/fs/cgroup: the jail's own cgroup (jailinit and the reader)"
	assert_contains "$("$JEXEC" ptnsfs /bin/sh -c 'touch /sys/fs/cgroup/x 2>&1; cat /proc/self/mountinfo' | grep ' /sys/fs/cgroup ')" " ro," \
		"the jail's cgroup2 read-only"
	wait_idle ptnsfs
	assert_not_contains "$(pinned_mounts "$jid")" "devpts" "still none after a wake"
	"$JAIL" -q -r ptnsfs
	assert_nothing_left
}
