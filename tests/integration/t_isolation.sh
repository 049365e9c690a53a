# What a process inside sees and may do, proven from inside and outside.

test_processes_see_only_their_jail() {
	sleep 60 &
	hostpid=$!
	"$JAIL" -q -c name=ptps path="$ROOT" persist
	pids=$("$JEXEC" ptps ls /proc | grep '^[0-9]' | tr '\n' ' ')
	# jailinit and ls itself, nothing of the host (ls's number depends on
	# whether this jexec started a fresh jailinit, see jail(8) IDLE JAILS).
	assert_eq "$(wc -w <<<"$pids")" 2 "processes seen inside: $pids"
	assert_eq "${pids%% *}" 1 "the first process seen inside: $pids"
	out=$("$JEXEC" ptps /bin/probe kill "$hostpid" || true)
	assert_eq "$out" ESRCH "signal a host process from inside"
	assert_eq "$("$JEXEC" ptps cat /proc/1/cmdline | tr '\0' '\n' | head -1)" jailinit "PID 1 is jailinit"
	kill "$hostpid"
}

test_hostname_isolated_both_ways() {
	host_before=$(hostname)
	"$JAIL" -q -c name=pthost path="$ROOT" host.hostname=jailhost persist
	assert_eq "$("$JEXEC" pthost hostname)" jailhost "hostname inside"
	"$JEXEC" pthost hostname changed-inside
	assert_eq "$("$JEXEC" pthost hostname)" changed-inside "hostname set inside"
	assert_eq "$(hostname)" "$host_before" "host's hostname after the jail set its own"
	hostname "$host_before"
	assert_eq "$("$JEXEC" pthost hostname)" changed-inside "jail's hostname after the host's changed"
}

test_hostname_denied_without_allow() {
	"$JAIL" -q -c name=ptnohost path="$ROOT" allow.noset_hostname persist
	assert_eq "$("$JEXEC" ptnohost /bin/probe sethostname evil)" EPERM "sethostname with allow.noset_hostname"
}

test_default_hostname_is_inherited() {
	"$JAIL" -q -c name=ptinh path="$ROOT" persist
	assert_eq "$("$JEXEC" ptinh hostname)" "$(hostname)" "a new jail's hostname"
}

test_root_inside_is_unprivileged_outside() {
	"$JAIL" -q -c name=ptuid path="$ROOT" persist
	jid=$(jid_of ptuid)
	"$JEXEC" ptuid /bin/sh -c 'sleep 30 >/dev/null 2>&1 &'
	pid=$(wait_for_process_in "$(cgroup_of ptuid)" sleep)
	grep -qx "0::/$CGPREFIX/$jid" "/proc/$pid/cgroup" || fail "the jail's sleep is not in the jail's cgroup"
	uid=$(awk '/^Uid:/ { print $2 }' /proc/$pid/status)
	assert_eq "$uid" "$(uid_base_of "$jid")" "host uid of jail root"
	[ "$uid" -ge 1073741824 ] && [ "$uid" -le $((4294967296 - 2 * 65536)) ] || fail "jail root's host uid $uid is outside the pool"
	assert_eq "$("$JEXEC" ptuid id -u)" 0 "uid inside"
}

test_files_of_jail_root_owned_by_root_on_disk() {
	"$JAIL" -q -c name=ptfile path="$ROOT" persist
	"$JEXEC" ptfile /bin/sh -c 'echo x >/tmp/made-inside; chown 1001:1001 /home/jdoe'
	assert_eq "$(stat -c %u:%g "$ROOT/tmp/made-inside")" 0:0 "owner on disk of a file jail root made"
	assert_eq "$("$JEXEC" ptfile stat -c %u /bin/busybox)" 0 "owner inside of a file root owns on disk"
	"$JEXEC" -U jdoe ptfile /bin/sh -c 'echo y >/home/jdoe/mine'
	assert_eq "$(stat -c %u "$ROOT/home/jdoe/mine")" 1001 "owner on disk of a file jdoe made"
	rm -f "$ROOT/tmp/made-inside" "$ROOT/home/jdoe/mine"
}

test_path_root_host_files_not_writable() {
	"$JAIL" -q -c name=ptro path=/ persist
	out=$("$JEXEC" ptro /bin/sh -c 'echo x > /etc/prison-escape 2>&1; echo $?')
	[ ! -e /etc/prison-escape ] || { rm -f /etc/prison-escape; fail "jail root wrote a host file"; }
	assert_contains "$("$JEXEC" ptro stat -c %U /etc/passwd)" nobody "host files seen from a path=/ jail"
}

test_privileged_calls_refused() {
	"$JAIL" -q -c name=ptpriv path="$ROOT" persist
	for op in finit_module keyctl bpf perf_event_open open_by_handle_at reboot settime swapoff \
		unshare_user tiocsti; do
		out=$("$JEXEC" ptpriv /bin/probe "$op" </dev/null || true)
		assert_eq "$out" EPERM "$op from jail root"
	done
	assert_eq "$("$JEXEC" ptpriv /bin/probe mount /tmp || true)" EPERM "mount from jail root"
	assert_eq "$("$JEXEC" ptpriv /bin/probe shmget || true)" EPERM "SysV shm with sysvshm=disable"
	# The filter is on, and setuid programs still work (no no_new_privs).
	assert_eq "$("$JEXEC" ptpriv grep -E '^(Seccomp|NoNewPrivs):' /proc/self/status | tr -s '\t\n' '  ')" \
		"NoNewPrivs: 0 Seccomp: 2 " "seccomp state of a jail process"
	assert_eq "$("$JEXEC" ptpriv grep '^CapBnd:' /proc/self/status | cut -f2)" "00000000a02405ff" "bounding set of jail root"
}

test_allow_mount_opens_mount() {
	"$JAIL" -q -c name=ptmount path="$ROOT" allow.mount persist
	assert_eq "$("$JEXEC" ptmount /bin/probe mount /tmp)" ok "mount with allow.mount"
	# The mount is the jail's own: the host's tree does not change.
	assert_not_contains "$(grep " $ROOT/tmp " /proc/self/mounts || true)" tmpfs "host mount table"
}

test_sysvipc_new() {
	before=$(wc -l </proc/sysvipc/shm)
	"$JAIL" -q -c name=ptipc path="$ROOT" sysvshm=new persist
	assert_eq "$("$JEXEC" ptipc /bin/probe shmget)" ok "SysV shm with sysvshm=new"
	# A private IPC namespace: the host does not see the segment.
	assert_eq "$(wc -l </proc/sysvipc/shm)" "$before" "host's SysV segments after the jail made one"
	assert_eq "$("$JEXEC" ptipc /bin/sh -c 'wc -l </proc/sysvipc/shm')" 2 "segments seen inside (with the header)"
}

test_proc_masked_and_sys_read_only() {
	"$JAIL" -q -c name=ptproc path="$ROOT" persist
	masked=0
	for f in kcore keys timer_list sysrq-trigger sched_debug; do
		[ -e "/proc/$f" ] || continue
		masked=$((masked + 1))
		assert_eq "$("$JEXEC" ptproc /bin/sh -c "cat /proc/$f | wc -c")" 0 "/proc/$f inside"
	done
	[ "$masked" -ge 2 ] || fail "too few masked /proc files to test"
	out=$("$JEXEC" ptproc /bin/sh -c 'echo 1 >/proc/sys/kernel/hostname 2>&1 && echo wrote || echo refused')
	assert_eq "$out" refused "write to /proc/sys"
	out=$("$JEXEC" ptproc /bin/sh -c 'echo 1 >/sys/kernel/uevent_helper 2>/dev/null && echo wrote || echo refused')
	assert_eq "$out" refused "write to /sys"
	assert_contains "$("$JEXEC" ptproc cat /proc/self/mountinfo)" " /sys ro," "/sys mount inside"
}

test_minimal_dev() {
	"$JAIL" -q -c name=ptdev path="$ROOT" persist
	devs=$("$JEXEC" ptdev ls /dev | tr '\n' ' ')
	assert_eq "$devs" "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " "/dev inside"
	assert_eq "$("$JEXEC" ptdev /bin/sh -c 'head -c 4 /dev/zero | wc -c')" 4 "/dev/zero works"
	# No other device of the host is there by name either: each entry of the
	# host's /dev outside the jail's set is looked for inside, one by one.
	host_only=$(ls -A /dev | grep -vxE 'fd|full|mqueue|null|ptmx|pts|random|shm|stderr|stdin|stdout|tty|urandom|zero')
	[ -n "$host_only" ] || fail "no host device to look for"
	seen=$("$JEXEC" ptdev /bin/sh -c 'for d; do [ -e "/dev/$d" ] || [ -L "/dev/$d" ] && echo "$d"; done; echo end' _ $host_only)
	assert_eq "$seen" end "host devices found by name in the jail"
}

test_no_host_fd_leaks_in() {
	"$JAIL" -q -c name=ptfd path="$ROOT" persist
	exec 7</etc/hostname
	fds=$("$JEXEC" ptfd /bin/probe fds </dev/zero)
	exec 7<&-
	# Not even jexec's own 0, 1 and 2: pipes that jexec relays.
	case $fds in "0 1 2 pipe:["*"]") ;; *) fail "descriptors of a process entering the jail: '$fds'" ;; esac
	assert_eq "$("$JEXEC" ptfd /bin/sh -c 'head -c 3 | od -An -tx1' </dev/zero | tr -d ' ')" 000000 \
		"jexec's input relayed to the command"
	# With standard input closed, no host descriptor may take its place.
	fds=$("$JEXEC" ptfd /bin/probe fds <&-)
	case $fds in "0 1 2 pipe:["*"]") ;; *) fail "descriptors when jexec starts with stdin closed: '$fds'" ;; esac
	sid=$("$JEXEC" ptfd /bin/sh -c 'cut -d" " -f6 /proc/$$/stat; echo $$')
	assert_eq "$(echo $sid | cut -d' ' -f1)" "$(echo $sid | cut -d' ' -f2)" "a jail process leads its own session"
}

test_cannot_trace_jailinit() {
	"$JAIL" -q -c name=pttrace path="$ROOT" persist
	assert_eq "$("$JEXEC" pttrace /bin/probe ptrace 1 || true)" EPERM "ptrace of jailinit by jail root"
}

test_allow_nosuser_takes_every_capability() {
	"$JAIL" -q -c name=ptnosu path="$ROOT" allow.nosuser persist
	assert_eq "$("$JEXEC" ptnosu grep '^CapEff:' /proc/self/status | cut -f2)" "0000000000000000" "capabilities of root with allow.nosuser"
	out=$("$JEXEC" ptnosu /bin/sh -c 'chown 1001 /tmp 2>&1 && echo changed || echo refused')
	assert_contains "$out" refused "chown by root with allow.nosuser"
}

test_devfs_rulesets() {
	"$JAIL" -q -c name=ptdr1 path="$ROOT" persist devfs_ruleset=1
	assert_eq "$("$JEXEC" ptdr1 ls /dev | tr '\n' ' ')" "" "/dev with ruleset 1 (hide all)"
	"$JAIL" -q -c name=ptdr2 path="$ROOT" persist devfs_ruleset=2
	assert_eq "$("$JEXEC" ptdr2 ls /dev | tr '\n' ' ')" "full mqueue null random shm urandom zero " "/dev with ruleset 2 (basic)"
	"$JAIL" -q -c name=ptdr0 path="$ROOT" persist devfs_ruleset=0
	assert_eq "$("$JEXEC" ptdr0 ls /dev | tr '\n' ' ')" "fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero " \
		"/dev with ruleset 0: the jail set, never the host's devices"
	# An interactive jexec into a jail with no terminals keeps working.
	out=$(printf 'echo in-jail\nexit 4\n' | script -qec "$JEXEC ptdr2 /bin/sh" /dev/null; echo "rc=$?")
	assert_contains "$out" in-jail "jexec on a terminal into a jail without ptmx"
	assert_contains "$out" "rc=4" "exit status there"
}

# The jail's user namespace caps what it may make (user.max_*): no user
# namespace of its own unless it may have children, a bound on the rest,
# written through the jail's own proc at creation.
test_user_namespace_counts_capped() {
	"$JAIL" -q -c name=ptcap path="$ROOT" persist
	"$JAIL" -q -c name=ptcapn path="$ROOT" persist children.max=1
	assert_eq "$("$JEXEC" ptcap cat /proc/sys/user/max_user_namespaces /proc/sys/user/max_net_namespaces \
		/proc/sys/user/max_inotify_watches | tr '\n' ' ')" "0 256 65536 " "user.max_* in a jail"
	assert_eq "$("$JEXEC" ptcapn cat /proc/sys/user/max_user_namespaces)" 256 \
		"user.max_user_namespaces in a jail that may have children"
	"$JAIL" -q -r ptcap ptcapn
}
