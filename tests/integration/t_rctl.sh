# rctl(8) and the rctl, cpu.weight and cpuset.cpus parameters: limits that hold inside a real jail.

# CPU time of a jail in microseconds, from its cgroup2 cgroup.
cpu_usec_of() {
	awk '$1 == "usage_usec" { print $2 }' "$CGROUP2/$CGPREFIX/$1/cpu.stat"
}

test_rctl_memoryuse_stops_a_hog_and_spares_others() {
	"$JAIL" -q -c name=ptmem path="$ROOT" persist rctl=memoryuse:deny=64M
	"$JAIL" -q -c name=ptfree path="$ROOT" persist
	set +e
	"$JEXEC" ptmem /bin/probe hog 256 >"$WORK/hog.out" 2>/dev/null
	status=$?
	set -e
	reached=$(tail -1 "$WORK/hog.out")
	[ "$status" -ne 0 ] || fail "the hog was not stopped (reached $reached MB)"
	[ "${reached:-0}" -lt 64 ] || fail "the hog reached $reached MB under a 64 MB limit"
	# The other jail and the host are not held to it.
	assert_eq "$("$JEXEC" ptfree /bin/probe hog 128 | tail -1)" 128 "a jail without the limit"
	assert_eq "$("$PROBE" hog 128 | tail -1)" 128 "the host"
	# The jail itself lives on.
	assert_eq "$("$JEXEC" ptmem echo alive)" alive "the limited jail after its hog was stopped"
}

test_rctl_maxproc_contains_a_fork_bomb() {
	"$JAIL" -q -c name=ptbomb path="$ROOT" persist rctl=maxproc:deny=50
	made=$("$JEXEC" ptbomb /bin/probe forks 1000)
	[ "$made" -lt 50 ] || fail "$made processes made under maxproc=50"
	[ "$made" -gt 30 ] || fail "only $made processes made under maxproc=50"
	# Leave a bomb's worth of processes behind: removal must still work.
	"$JEXEC" ptbomb /bin/sh -c 'for i in $(seq 60); do sleep 300 & done' >/dev/null 2>&1 || true
	start=$(date +%s%N)
	"$JAIL" -q -r ptbomb
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$ms" -lt 15000 ] || fail "removal took $ms ms"
}

# serial: measures the CPU share a jail gets against the wall clock
test_rctl_pcpu_caps_a_busy_loop() {
	"$JAIL" -q -c name=ptpcpu path="$ROOT" persist rctl=pcpu:deny=25
	jid=$(jid_of ptpcpu)
	"$JEXEC" ptpcpu /bin/probe spin 4 2 &
	spinner=$!
	wait_for_spinner ptpcpu 2
	# Three seconds of it, measured.
	a=$(cpu_usec_of "$jid"); t0=$(date +%s%N)
	sleep 3
	b=$(cpu_usec_of "$jid"); t1=$(date +%s%N)
	wait $spinner
	pct=$(( (b - a) * 100000 / ((t1 - t0) / 1000) / 1000 ))
	[ "$pct" -ge 20 ] && [ "$pct" -le 30 ] || fail "pcpu=25 measured $pct %"
}

# serial: measures two jails' shares of CPU 0, which other tests would take
test_cpu_fair_share_between_pinned_jails() {
	"$JAIL" -q -c name=ptmany path="$ROOT" persist cpuset.cpus=0
	"$JAIL" -q -c name=ptone path="$ROOT" persist cpuset.cpus=0
	many=$(jid_of ptmany); one=$(jid_of ptone)
	"$JEXEC" ptmany /bin/probe spin 5 8 &
	p1=$!
	"$JEXEC" ptone /bin/probe spin 5 1 &
	p2=$!
	wait_for_spinner ptmany 8
	wait_for_spinner ptone 1
	# Three seconds of both, measured.
	a1=$(cpu_usec_of "$many"); a2=$(cpu_usec_of "$one"); t0=$(date +%s%N)
	sleep 3
	b1=$(cpu_usec_of "$many"); b2=$(cpu_usec_of "$one"); t1=$(date +%s%N)
	wait $p1 $p2
	wall=$(( (t1 - t0) / 1000 ))
	s1=$(( (b1 - a1) * 100 / wall )); s2=$(( (b2 - a2) * 100 / wall ))
	# Both on CPU 0 only: together at most one CPU, and each about half of what the two got.
	# Half of what they got, not of CPU 0: whatever else runs on the machine takes its part from both.
	tot=$((s1 + s2))
	[ "$tot" -le 110 ] || fail "pinned jails used $tot % of one CPU"
	[ "$tot" -ge 20 ] || fail "the pinned jails got only $tot % of CPU 0 between them"
	[ $((s1 * 100 / tot)) -ge 40 ] && [ $((s1 * 100 / tot)) -le 60 ] || fail "8 threads got $s1 %, 1 thread $s2 %"
	# Pinning holds from inside: jail root cannot widen it.
	assert_eq "$("$JEXEC" ptone taskset -p 1 2>&1 | awk '{ print $NF }')" 1 "affinity seen inside"
}

# serial: measures two jails' shares of CPU 0, which other tests would take
test_cpu_weight_changes_the_share() {
	"$JAIL" -q -c name=ptheavy path="$ROOT" persist cpuset.cpus=0 cpu.weight=300
	"$JAIL" -q -c name=ptlight path="$ROOT" persist cpuset.cpus=0
	h=$(jid_of ptheavy); l=$(jid_of ptlight)
	"$JEXEC" ptheavy /bin/probe spin 4 1 &
	p1=$!
	"$JEXEC" ptlight /bin/probe spin 4 1 &
	p2=$!
	wait_for_spinner ptheavy 1
	wait_for_spinner ptlight 1
	# Three seconds of both, measured.
	a1=$(cpu_usec_of "$h"); a2=$(cpu_usec_of "$l")
	sleep 3
	b1=$(cpu_usec_of "$h"); b2=$(cpu_usec_of "$l")
	wait $p1 $p2
	ratio=$(( (b1 - a1) * 10 / (b2 - a2 + 1) ))
	# 300 against 100: about three times the CPU.
	[ "$ratio" -ge 22 ] && [ "$ratio" -le 40 ] || fail "weight 300:100 gave a ratio of $ratio/10"
}

test_rctl_per_process_and_ipc_limits_hold() {
	"$JAIL" -q -c name=ptlim path="$ROOT" persist sysvshm=new \
		rctl=openfiles:deny=40,stacksize:deny=1M,nshm:deny=3,pseudoterminals:deny=2
	out=$("$JEXEC" ptlim /bin/probe openmany)
	assert_eq "$out" "37 EMFILE" "files opened under openfiles=40 (three are open already)"
	assert_eq "$("$JEXEC" ptlim /bin/sh -c 'ulimit -s')" 1024 "stack size limit in KiB"
	# Jail root cannot raise them again.
	"$JEXEC" ptlim /bin/sh -c 'ulimit -n 1000' 2>/dev/null && fail "jail root raised openfiles"
	assert_eq "$("$JEXEC" ptlim /bin/sh -c 'ulimit -n')" 40 "openfiles limit seen inside"
	assert_eq "$("$JEXEC" ptlim /bin/probe shmmany)" "3 ENOSPC" "segments under nshm=3"
	# The IPC limit is the jail's own: the host's namespace keeps its value.
	[ "$(cat /proc/sys/kernel/shmmni)" -gt 3 ] || fail "the host's shmmni changed"
	assert_eq "$("$JEXEC" ptlim cat /proc/sys/kernel/shmmni)" 3 "shmmni inside"
	"$JEXEC" ptlim /bin/sh -c 'echo 100 > /proc/sys/kernel/shmmni' 2>/dev/null && fail "jail root raised shmmni"
	assert_eq "$("$JEXEC" ptlim cat /proc/sys/kernel/shmmni)" 3 "shmmni inside after a write"
	# Two terminals at most from the jail's own devpts.
	out=$("$JEXEC" ptlim /bin/sh -c 'exec 3<>/dev/ptmx 4<>/dev/ptmx; exec 5<>/dev/ptmx' 2>&1 || true)
	assert_contains "$out" "No space left" "a third terminal"
}

test_rctl_command_adds_lists_removes() {
	"$JAIL" -q -c name=ptrc path="$ROOT" persist
	jid=$(jid_of ptrc)
	"$RCTL" -a jail:ptrc:memoryuse:deny=32M jail:ptrc:maxproc:deny=20
	assert_eq "$("$RCTL" jail:ptrc | tr '\n' ' ')" "jail:ptrc:memoryuse:deny=33554432 jail:ptrc:maxproc:deny=20 " "rules"
	assert_eq "$("$RCTL" -h jail:ptrc:memoryuse)" "jail:ptrc:memoryuse:deny=32M" "rctl -h"
	pids=$(v1_mount_of pids)
	assert_eq "$(cat "${pids:-$CGROUP2}/$CGPREFIX/$jid/pids.max")" 20 "pids.max"
	# The same resource and action again replaces the rule.
	"$RCTL" -a jail:ptrc:maxproc:deny=30
	assert_eq "$("$RCTL" jail:ptrc::deny | grep -c maxproc)" 1 "maxproc rules after a replacement"
	# Bad rules: one clear line, nothing changed.
	expect_error "rctl: malformed rule 'jail:ptrc:memoryuse:deny=12Q': invalid amount \"12Q\"" "$RCTL" -a jail:ptrc:memoryuse:deny=12Q
	expect_error "rctl: failed to add rule 'jail:ptrc:readbps:deny=1M': readbps:deny is not supported on Linux: I/O cannot be refused, only slowed: use throttle" \
		"$RCTL" -a jail:ptrc:readbps:deny=1M
	expect_error "rctl: malformed rule 'user:root:maxproc:deny=1': subject \"user\" is not supported: prison limits jails only (jail:NAME:...)" \
		"$RCTL" -a user:root:maxproc:deny=1
	expect_error "rctl: failed to add rule 'jail:ptnosuch:maxproc:deny=1': jail \"ptnosuch\" not found" "$RCTL" -a jail:ptnosuch:maxproc:deny=1
	out=$("$RCTL" -a jail:ptrc:msgqqueued:deny=1 2>&1 || true)
	assert_contains "$out" "not supported on Linux" "an unsupported rule"
	assert_eq "$("$RCTL" jail:ptrc | wc -l)" 2 "rules after bad additions"
	# -l shows the rules that bind a process of the jail.
	"$JEXEC" ptrc sleep 5 &
	sleeper=$!
	pid=$(wait_for_process_in "$(cgroup_of ptrc)" sleep)
	assert_eq "$("$RCTL" -l process:"$pid" | wc -l)" 2 "rules that apply to a process in the jail"
	assert_eq "$("$RCTL" -l process:$$ | wc -l)" 0 "rules that apply to a host process"
	"$RCTL" -r jail:ptrc:memoryuse
	assert_eq "$("$RCTL" jail:ptrc)" "jail:ptrc:maxproc:deny=30" "rules after -r"
	kill "$sleeper" 2>/dev/null || true
	wait "$sleeper" 2>/dev/null || true
}

test_rctl_usage_matches_what_runs() {
	"$JAIL" -q -c name=ptuse path="$ROOT" persist rctl=memoryuse:deny=512M
	"$JEXEC" ptuse /bin/sh -c 'sleep 60 >/dev/null 2>&1 & sleep 60 >/dev/null 2>&1 & /bin/probe hog 40 >/dev/null; sleep 60 >/dev/null 2>&1 &'
	# The shell has gone and its three sleeps run.
	wait_until 10 "three sleeps alone in the jail" eval '[ "$(sleeps_and_others ptuse)" = "3 1" ]'
	"$RCTL" -u jail:ptuse >"$WORK/usage"
	# jailinit and three sleeps.
	assert_eq "$(grep '^maxproc=' "$WORK/usage")" "maxproc=4" "maxproc in use"
	assert_eq "$(grep '^nthr=' "$WORK/usage")" "nthr=4" "threads in use"
	mem=$(sed -n 's/^memoryuse=//p' "$WORK/usage")
	[ "$mem" -gt 100000 ] && [ "$mem" -lt 100000000 ] || fail "memoryuse=$mem"
	assert_eq "$("$RCTL" -u jail:ptuse:maxproc)" "maxproc=4" "one resource"
	expect_error "rctl: failed to show resource consumption for 'jail:ptnosuch': jail \"ptnosuch\" not found" "$RCTL" -u jail:ptnosuch
}

test_bad_rctl_parameter_creates_nothing() {
	expect_error 'jail: ptbadrc: rctl: rule "memoryuse:deny=lots": invalid amount "lots"' \
		"$JAIL" -c name=ptbadrc path="$ROOT" persist rctl=memoryuse:deny=lots
	expect_error 'jail: ptbadrc: rctl: cputime:deny is not supported on Linux: CPU time already used cannot be refused; use pcpu to cap the rate' \
		"$JAIL" -c name=ptbadrc path="$ROOT" persist rctl=cputime:deny=10
	expect_error "jail: ptbadrc: rctl: SysV IPC limits need the jail's own IPC namespace, not sysv* = inherit" \
		"$JAIL" -c name=ptbadrc path="$ROOT" persist sysvshm=inherit rctl=nshm:deny=3
	last=$(( $(nproc --all) - 1 ))
	expect_error "jail: ptbadrc: cpuset.cpus: \"99\" is not a list of CPUs 0 to $last such as 0-1,3" \
		"$JAIL" -c name=ptbadrc path="$ROOT" persist cpuset.cpus=99
	expect_error 'jail: ptbadrc: cpu.weight: invalid integer value "0" (expected 1 to 10000)' \
		"$JAIL" -c name=ptbadrc path="$ROOT" persist cpu.weight=0
	jail_exists ptbadrc && fail "a jail with a bad rule was created"
	assert_nothing_left
}

test_removal_takes_rules_and_cgroups() {
	"$JAIL" -q -c name=ptgone path="$ROOT" persist rctl=memoryuse:deny=64M,maxproc:deny=40 cpuset.cpus=0
	jid=$(jid_of ptgone)
	"$JAIL" -q -r ptgone
	for mnt in $(v1_mounts); do
		[ ! -e "$mnt/$CGPREFIX/$jid" ] || fail "v1 cgroup $mnt/$CGPREFIX/$jid left"
	done
	[ ! -e "$CGROUP2/$CGPREFIX/$jid" ] || fail "cgroup2 cgroup left"
	"$JAIL" -q -c name=ptgone path="$ROOT" persist
	assert_eq "$("$RCTL" jail:ptgone)" "" "rules of a new jail with the old name"
}

test_rctl_rules_from_jail_conf_and_modify() {
	cat >"$WORK/rctl.conf" <<CONF
ptconf {
	path = "$ROOT";
	persist;
	rctl = "memoryuse:deny=48M";
	rctl += "maxproc:deny=25";
}
CONF
	"$JAIL" -q -f "$WORK/rctl.conf" -c ptconf
	assert_eq "$("$RCTL" jail:ptconf | wc -l)" 2 "rules from jail.conf"
	"$JAIL" -q -m name=ptconf rctl=maxproc:deny=10
	assert_eq "$("$RCTL" jail:ptconf)" "jail:ptconf:maxproc:deny=10" "rules after jail -m"
	made=$("$JEXEC" ptconf /bin/probe forks 100)
	[ "$made" -lt 10 ] || fail "$made processes under maxproc=10 set by jail -m"
}

test_rctl_conf_applies_at_creation() {
	cat >"$WORK/rctl.conf.file" <<CONF
# limits kept across restarts
jail:ptrcf:maxproc:deny=15   # the web jail
jail:ptother:memoryuse:deny=1G
CONF
	PRISON_RCTL_CONF="$WORK/rctl.conf.file" "$JAIL" -q -c name=ptrcf path="$ROOT" persist rctl=memoryuse:deny=64M
	assert_eq "$("$RCTL" jail:ptrcf | tr '\n' ' ')" "jail:ptrcf:maxproc:deny=15 jail:ptrcf:memoryuse:deny=67108864 " "rules from rctl.conf and the parameter"
	made=$("$JEXEC" ptrcf /bin/probe forks 100)
	[ "$made" -lt 15 ] || fail "$made processes under maxproc=15 from rctl.conf"
	echo "jail:ptrcf:maxproc:nonsense=1" >>"$WORK/rctl.conf.file"
	out=$(PRISON_RCTL_CONF="$WORK/rctl.conf.file" "$JAIL" -c name=ptrcf2 path="$ROOT" persist 2>&1 || true)
	assert_contains "$out" "rctl.conf.file:4" "a bad line of rctl.conf is named"
}

test_rctl_readbps_throttles_a_loop_device() {
	truncate -s 16M "$WORK/disk.img"
	loop=$(losetup -f --show "$WORK/disk.img")
	trap 'losetup -d "$loop" 2>/dev/null; rm -f "$ROOT/disk"' EXIT
	dev=$(cat "/sys/block/${loop#/dev/}/dev")
	# A node inside the jail's own tree: the jail's root owns it through the idmapped root.
	mknod -m 0600 "$ROOT/disk" b "${dev%:*}" "${dev#*:}"
	"$JAIL" -q -c name=ptio path="$ROOT" persist rctl=readbps:throttle=1M
	start=$(date +%s%N)
	"$JEXEC" ptio dd if=/disk of=/dev/null bs=64k count=48 iflag=direct 2>/dev/null
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	# 3 MiB at 1 MiB/s: about three seconds, where the host reads it at once.
	[ "$ms" -ge 1800 ] || fail "3 MiB read in $ms ms under readbps=1M"
	start=$(date +%s%N)
	dd if="$loop" of=/dev/null bs=64k count=48 iflag=direct 2>/dev/null
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$ms" -lt 1000 ] || fail "the host's own read took $ms ms"
	"$JAIL" -q -r ptio
}

# io.device's "default weight=N": every device's I/O weight, in BFQ's file
# (v1's blkio or cgroup2's io); changed and lifted on the running jail.
test_io_default_weight() {
	local l1 v1 f out
	truncate -s 16M "$WORK/ptiow.img"
	l1=$(losetup -f --show "$WORK/ptiow.img")
	trap 'losetup -d "'"$l1"'" 2>/dev/null; rm -f "$WORK/ptiow.img"' EXIT
	# BFQ as a device's scheduler: its cgroup files are there from then on.
	if ! bfq_schedules "$l1"; then
		# Without BFQ the kernel weighs no I/O: the weight is refused and nothing is left.
		out=$("$JAIL" -c name=ptiow path="$ROOT" persist io.device="default weight=250" 2>&1) &&
			fail "a weight was taken by a kernel without BFQ"
		assert_contains "$out" "jail: ptiow: io.device: default weight: the kernel has no I/O weight here" \
			"a weight without BFQ"
		"$JAIL" -q -c name=ptiow path="$ROOT" persist io.device="$(cat "/sys/block/${l1#/dev/}/dev") rbps=1048576"
		expect_error 'jail: ptiow: io.device: default: only weight=N (every device'"'"'s I/O weight)' \
			"$JAIL" -m name=ptiow io.device="default rbps=1"
		"$JAIL" -q -r ptiow
		assert_nothing_left
		return
	fi
	"$JAIL" -q -c name=ptiow path="$ROOT" persist io.device="default weight=250"
	v1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)blkio(,|$)/ { print $2; exit }' /proc/self/mounts)
	weight() {
		if [ -n "$v1" ]; then cat "$v1/$CGPREFIX/$(jid_of ptiow)/blkio.bfq.weight"
		else sed -n 's/^default //p' "$(cgroup_of ptiow)/io.bfq.weight"; fi
	}
	assert_eq "$(weight)" 250 "the jail's weight of every device"
	assert_eq "$("$JLS" -j ptiow io.device)" "default weight=250" "jls io.device"
	"$JAIL" -q -m name=ptiow io.device="default weight=400"
	assert_eq "$(weight)" 400 "after jail -m"
	"$JAIL" -q -m name=ptiow io.device="${l1#/dev/}" 2>/dev/null && fail "a device by its name"
	"$JAIL" -q -m name=ptiow io.device="$(cat "/sys/block/${l1#/dev/}/dev") rbps=1048576"
	assert_eq "$(weight)" 100 "lifted: the kernel's own"
	expect_error 'jail: ptiow: io.device: default: only weight=N (every device'"'"'s I/O weight)' \
		"$JAIL" -m name=ptiow io.device="default rbps=1"
	"$JAIL" -q -r ptiow
	assert_nothing_left
}

# memory.low: the jail's memory kept from the host's reclaim while others
# have more (cgroup2's memory.low, v1's memory.soft_limit_in_bytes);
# changed and lifted on the running jail; a bad amount is refused.
test_memory_low() {
	local mem jid
	"$JAIL" -q -c name=ptlow path="$ROOT" persist memory.low=32M
	jid=$(jid_of ptlow)
	mem=$(v1_mount_of memory)
	low() {
		if [ -n "$mem" ]; then cat "$mem/$CGPREFIX/$jid/memory.soft_limit_in_bytes"
		else cat "$(cgroup_of ptlow)/memory.low"; fi
	}
	assert_eq "$(low)" 33554432 "the kernel's floor of the jail's memory"
	assert_eq "$("$JLS" -j ptlow memory.low)" 32M "jls memory.low"
	"$JAIL" -q -m name=ptlow memory.low=16M
	assert_eq "$(low)" 16777216 "after jail -m"
	"$JAIL" -q -m name=ptlow memory.low=
	case "$(low)" in 0 | 9223372036854771712) ;; *) fail "memory.low lifted: $(low)" ;; esac
	expect_error 'jail: ptlow: memory.low: invalid amount "lots"' "$JAIL" -m name=ptlow memory.low=lots
	"$JAIL" -q -r ptlow
	expect_error 'jail: ptlow: memory.low: invalid amount "lots"' "$JAIL" -c name=ptlow path="$ROOT" persist memory.low=lots
	assert_nothing_left
}

# cpuset.mems: the memory nodes the jail may take memory from, held by its
# cpuset cgroup (seen inside as Mems_allowed_list), changed on the running
# jail; a node the machine cannot have is refused and makes nothing.
test_cpuset_mems() {
	local last
	last=$(sed 's/.*[-,]//' /sys/devices/system/node/possible)
	"$JAIL" -q -c name=ptmems path="$ROOT" persist persist.idle=false cpuset.mems=0
	assert_eq "$("$JEXEC" ptmems awk '$1 == "Mems_allowed_list:" { print $2 }' /proc/self/status)" 0 \
		"the nodes a process of the jail may use"
	assert_eq "$("$JLS" -j ptmems cpuset.mems)" 0 "jls cpuset.mems"
	"$JAIL" -q -m name=ptmems cpuset.mems="0-$last"
	assert_eq "$("$JLS" -j ptmems cpuset.mems)" "0-$last" "after jail -m"
	expect_error "jail: ptmems: cpuset.mems: \"$((last + 1))\" is not a list of memory nodes 0 to $last such as 0-1,3" \
		"$JAIL" -m name=ptmems cpuset.mems=$((last + 1))
	"$JAIL" -q -r ptmems
	expect_error "jail: ptmems: cpuset.mems: \"0,,1\" is not a list of memory nodes 0 to $last such as 0-1,3" \
		"$JAIL" -c name=ptmems path="$ROOT" persist cpuset.mems=0,,1
	assert_nothing_left
}
