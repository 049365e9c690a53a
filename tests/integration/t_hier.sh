# Hierarchical jails: web.php is jail php below jail web, counted against web's
# children.max, removed with web, and bound by web's limits through the
# cgroups it sits in.

test_hier_children_max_refuses_then_allows() {
	"$JAIL" -q -c name=pthflat path="$ROOT" persist persist.idle=false
	expect_error 'jail: pthflat.ptc: prison limit exceeded' "$JAIL" -q -c name=pthflat.ptc path="$ROOT" persist
	# Raised while it runs, as on FreeBSD: its processes move into a leaf, and a child fits beside it.
	flat=$(jid_of pthflat)
	[ -e "$CGROUP2/$CGPREFIX/$flat/self" ] && fail "a jail created with children.max=0 has a leaf"
	"$JAIL" -q -m name=pthflat children.max=1
	assert_contains "$(cat /proc/"$(init_pid_of "$flat")"/cgroup)" "/$CGPREFIX/$flat/self" "jailinit in the new leaf"
	"$JAIL" -q -c name=pthflat.ptc path="$ROOT" persist
	assert_eq "$("$JLS" -j pthflat children.cur)" 1 "children.cur of the raised jail"
	"$JAIL" -q -r pthflat

	"$JAIL" -q -c name=pthp path="$ROOT" persist children.max=1
	"$JAIL" -q -c name=pthp.ptc path="$ROOT" persist
	parent=$(jid_of pthp)
	assert_eq "$("$JLS" -j pthp.ptc parent)" "$parent" "parent of the child"
	assert_eq "$("$JLS" -j pthp children.cur)" 1 "children.cur"
	assert_contains "$(jail_names)" pthp.ptc "jls names the child in full"
	assert_eq "$("$JEXEC" pthp.ptc echo inside)" inside "jexec into the child"
	expect_error 'jail: pthp.ptd: prison limit exceeded' "$JAIL" -q -c name=pthp.ptd path="$ROOT" persist
	assert_eq "$("$JLS" -j pthp children.cur)" 1 "children.cur after a refusal"
	# The child's cgroup is inside the parent's, beside the parent's own leaf.
	child=$(jid_of pthp.ptc)
	[ -d "$CGROUP2/$CGPREFIX/$parent/$child" ] || fail "no cgroup $parent/$child"
	[ -d "$CGROUP2/$CGPREFIX/$parent/self" ] || fail "no leaf for the parent's processes"
	init=$(init_pid_of "$parent")
	assert_contains "$(cat /proc/"$init"/cgroup)" "/$CGPREFIX/$parent/self" "the parent's jailinit in its leaf"
	# Removing the child uncounts it.
	"$JAIL" -q -r pthp.ptc
	assert_eq "$("$JLS" -j pthp children.cur)" 0 "children.cur after removal"
	"$JAIL" -q -r pthp
}

test_hier_missing_parent_is_refused() {
	expect_error 'jail: ptnone.ptc: jail "ptnone" not found' "$JAIL" -q -c name=ptnone.ptc path="$ROOT" persist
	expect_error 'jail: pthp..x: name "pthp..x": an empty part before, after or between dots' \
		"$JAIL" -q -c name=pthp..x path="$ROOT" persist
	assert_nothing_left
}

# jail(8) run by jail root (a path=/ jail sees the host's binaries) makes the
# jail's own children through the host (t_nested.sh has the rest); where
# children.max leaves no room it says so as FreeBSD does, and makes nothing.
test_hier_jail_inside_a_jail_makes_children_within_children_max() {
	# mount.hosttmp: the build may live under /var/tmp, which a path=/ jail has of its own otherwise.
	"$JAIL" -q -c name=pthin path=/ persist children.max=2 mount.hosttmp
	assert_eq "$("$JEXEC" pthin "$JAIL" -c name=ptkid path=/ persist)" "ptkid: created" "jail -c inside"
	assert_eq "$("$JLS" -j pthin.ptkid parent)" "$(jid_of pthin)" "the child's parent"
	assert_eq "$("$JLS" -j pthin children.cur)" 1 "children.cur"
	# It sees the host's files with its own host uids: a child rooted elsewhere would be idmapped and own them.
	expect_error 'jail: ptkie: path "/srv": a jail whose path is / can only make children with path=/' \
		"$JEXEC" pthin "$JAIL" -c name=ptkie path=/srv persist
	# A jail cannot remove itself from inside: it is not among its descendants.
	expect_error 'jail: "pthin" not found' "$JEXEC" pthin "$JAIL" -r pthin
	assert_eq "$("$JEXEC" pthin "$JAIL" -r ptkid)" "ptkid: removed" "jail -r inside"
	"$JAIL" -q -r pthin
	"$JAIL" -q -c name=pthin path=/ persist mount.hosttmp
	expect_error 'jail: ptkid: prison limit exceeded' "$JEXEC" pthin "$JAIL" -c name=ptkid path=/ persist
	expect_error 'jail: "pthin" not found' "$JEXEC" pthin "$JAIL" -r pthin
	assert_eq "$("$JLS" -j pthin children.cur)" 0 "no child made"
	"$JAIL" -q -r pthin
	assert_nothing_left
}

test_hier_parent_memory_limit_binds_child() {
	"$JAIL" -q -c name=pthm path="$ROOT" persist children.max=1 rctl=memoryuse:deny=64M
	"$JAIL" -q -c name=pthm.ptc path="$ROOT" persist
	set +e
	"$JEXEC" pthm.ptc /bin/probe hog 256 >"$WORK/hog.out" 2>/dev/null
	status=$?
	set -e
	reached=$(tail -1 "$WORK/hog.out")
	[ "$status" -ne 0 ] || fail "the hog in the child was not stopped (reached $reached MB)"
	[ "${reached:-0}" -lt 64 ] || fail "the hog in the child reached $reached MB under the parent's 64 MB"
	assert_eq "$("$JEXEC" pthm.ptc echo alive)" alive "the child after its hog was stopped"
	# rctl -u of the parent counts what is charged below it: the child's 32 MB of page cache.
	"$JEXEC" pthm.ptc /bin/sh -c 'dd if=/dev/zero of=/tmp/pthfill bs=1M count=32 2>/dev/null; sleep 30' &
	filler=$!
	# The sleep starts once dd has written it all.
	wait_for_process_in "$(cgroup_of pthm.ptc)" sleep >/dev/null
	used=$("$RCTL" -u jail:pthm:memoryuse)
	kill $filler 2>/dev/null || true
	wait $filler 2>/dev/null || true
	rm -f "$ROOT/tmp/pthfill"
	[ "${used#memoryuse=}" -ge $((24 << 20)) ] || fail "the parent's $used leaves out the child's 32 MB"
}

test_hier_parent_maxproc_binds_child() {
	"$JAIL" -q -c name=pthb path="$ROOT" persist children.max=1 rctl=maxproc:deny=50
	"$JAIL" -q -c name=pthb.ptc path="$ROOT" persist
	made=$("$JEXEC" pthb.ptc /bin/probe forks 1000)
	[ "$made" -lt 50 ] || fail "$made processes made in the child under the parent's maxproc=50"
	[ "$made" -gt 20 ] || fail "only $made processes made in the child"
	# rctl -l of a process in the child shows the parent's rule, which binds it.
	"$RCTL" -a jail:pthb.ptc:openfiles:deny=500
	"$JEXEC" pthb.ptc sleep 5 &
	sleeper=$!
	# The sleep, from the child's own cgroup: never another jail's, nor another shard's.
	pid=$(wait_for_process_in "$(cgroup_of pthb.ptc)" sleep)
	assert_eq "$("$RCTL" -l process:"$pid" | tr '\n' ' ')" \
		"jail:pthb:maxproc:deny=50 jail:pthb.ptc:openfiles:deny=500 " "rules that bind a process of the child"
	kill "$sleeper" 2>/dev/null || true
	wait "$sleeper" 2>/dev/null || true
}

test_hier_remove_parent_removes_children_deepest_first() {
	order=$WORK/order
	: >"$order"
	"$JAIL" -q -c name=pthr path="$ROOT" persist children.max=2 \
		exec.poststop="echo pthr >>$order"
	"$JAIL" -q -c name=pthr.ptc path="$ROOT" persist children.max=1 \
		exec.prestop="echo prestop-ptc >>$order" exec.poststop="echo ptc >>$order"
	"$JAIL" -q -c name=pthr.ptc.ptg path="$ROOT" persist rctl=memoryuse:deny=32M \
		exec.stop="echo stopping" exec.poststop="echo ptg >>$order"
	"$JAIL" -q -c name=pthr.ptd path="$ROOT" persist
	# The grandchild's limit nests in the v1 hierarchy too.
	p=$(jid_of pthr) c=$(jid_of pthr.ptc) g=$(jid_of pthr.ptc.ptg)
	mem=$(awk '$3 == "cgroup" && $4 ~ /memory/ { print $2 }' /proc/self/mounts)
	if [ -n "$mem" ]; then
		[ -d "$mem/$CGPREFIX/$p/$c/$g" ] || fail "no v1 memory cgroup $p/$c/$g"
		assert_eq "$(cat "$mem/$CGPREFIX/$p/$c/$g/memory.limit_in_bytes")" 33554432 "the grandchild's v1 limit"
	fi
	"$JEXEC" pthr.ptc.ptg /bin/sleep 300 >/dev/null 2>&1 &
	"$JAIL" -q -r pthr
	wait || true
	# Each child goes as jail -r would take it, its own children before its stop commands.
	assert_eq "$(tr '\n' ' ' <"$order")" "ptg prestop-ptc ptc pthr " "stop hooks, deepest first"
	for n in pthr pthr.ptc pthr.ptc.ptg pthr.ptd; do
		jail_exists "$n" && fail "$n still there"
	done
	assert_nothing_left
}

test_hier_bad_child_leaves_nothing() {
	"$JAIL" -q -c name=pthx path="$ROOT" persist children.max=1
	expect_error 'jail: pthx.ptc: path "/nonexistent": No such file or directory' \
		"$JAIL" -q -c name=pthx.ptc path=/nonexistent persist
	"$JAIL" -q -c name=pthx.ptc path="$ROOT" persist rctl=memoryuse:deny=lots 2>/dev/null &&
		fail "a bad rule was taken"
	"$JAIL" -q -c name=pthx.ptc path="$ROOT" persist command=/bin/false 2>/dev/null &&
		fail "a child whose command fails was kept"
	assert_eq "$("$JLS" -j pthx children.cur)" 0 "children.cur after failed children"
	parent=$(jid_of pthx)
	assert_eq "$(ls -d "$CGROUP2/$CGPREFIX/$parent"/[0-9]* 2>/dev/null)" "" "child cgroups left"
	# The room is still there.
	"$JAIL" -q -c name=pthx.ptc path="$ROOT" persist
	"$JAIL" -q -r pthx
	assert_nothing_left
}

test_hier_children_max_changes_on_a_running_jail() {
	"$JAIL" -q -c name=pthcm path="$ROOT" persist children.max=1
	"$JAIL" -q -c name=pthcm.pta path="$ROOT" persist
	expect_error 'jail: pthcm.ptb: prison limit exceeded' "$JAIL" -q -c name=pthcm.ptb path="$ROOT" persist
	# Raised on the running jail: room for a second child at once.
	"$JAIL" -q -m name=pthcm children.max=3
	assert_eq "$("$JLS" -j pthcm children.max)" 3 "children.max after jail -m"
	# A child never gets as much room as its parent, at creation or later (kern_jail.c).
	expect_error "jail: pthcm.ptb: children.max: 3 is not below 3, the parent jail \"pthcm\"'s" \
		"$JAIL" -q -c name=pthcm.ptb path="$ROOT" persist children.max=3
	"$JAIL" -q -c name=pthcm.ptb path="$ROOT" persist children.max=2
	expect_error "jail: pthcm.ptb: children.max: 5 is not below 3, the parent jail \"pthcm\"'s" \
		"$JAIL" -q -m name=pthcm.ptb children.max=5
	assert_eq "$("$JLS" -j pthcm children.cur)" 2 "children.cur with two children"
	# Lowered below children.cur: the children stay, no new one comes, and the
	# grandchildren's room follows it down (max - 1 at the next level).
	"$JAIL" -q -m name=pthcm children.max=1
	assert_eq "$("$JLS" -j pthcm children.cur)" 2 "children kept after lowering"
	assert_eq "$("$JLS" -j pthcm.ptb children.max)" 0 "the child's children.max pulled down"
	expect_error 'jail: pthcm.ptc: prison limit exceeded' "$JAIL" -q -c name=pthcm.ptc path="$ROOT" persist
	# children.cur is recounted, not trusted: a stored count that is off does not refuse a child.
	"$JAIL" -q -r pthcm.ptb
	"$JAIL" -q -m name=pthcm children.max=2
	jid=$(jid_of pthcm)
	sed -i 's/"children.cur":"[0-9]*"/"children.cur":"7"/' "$RUNDIR/jail/$jid.json"
	grep -q '"children.cur":"7"' "$RUNDIR/jail/$jid.json" || fail "the record's count was not changed by the test"
	"$JAIL" -q -c name=pthcm.ptc path="$ROOT" persist
	assert_eq "$("$JLS" -j pthcm children.cur)" 2 "children.cur recounted"
	"$JAIL" -q -r pthcm
	assert_nothing_left
}

# FreeBSD's child jail holds a reference on its parent (kern_jail.c counts it
# in the parent's pr_uref): a non-persistent parent whose last process ends
# while a child lives stays, listed by jls and jls -d, until its last child
# goes; then it goes too, leaving nothing.
parent_gone() { ! jail_exists pthk; }

# What holds a child to its parent at creation holds after it too, as
# kern_jail.c holds it: no allow.* the parent lacks, no securelevel or
# enforce_statfs below the parent's; what the parent loses or raises, its
# descendants follow, and nothing changes when a change is refused.
test_hier_child_stays_within_its_parent_after_creation() {
	"$JAIL" -q -c name=pth path="$ROOT" persist children.max=2 securelevel=1 enforce_statfs=1 allow.extattr
	"$JAIL" -q -c name=pth.k path="$ROOT" persist children.max=1 enforce_statfs=1
	assert_eq "$("$JLS" -j pth.k securelevel allow.extattr)" "1 false" "a child starts at its parent's securelevel"
	expect_error 'jail: pth.k2: securelevel: 0 is below the parent jail "pth"'"'"'s 1' \
		"$JAIL" -c name=pth.k2 path="$ROOT" persist securelevel=0
	expect_error 'jail: pth.k: securelevel: 0 is below the parent jail "pth"'"'"'s 1' "$JAIL" -m pth.k securelevel=0
	expect_error 'jail: pth.k: enforce_statfs: 0 is below the parent jail "pth"'"'"'s 1' "$JAIL" -m pth.k enforce_statfs=0
	expect_error 'jail: pth.k: allow.settime: the parent jail "pth" does not have it' "$JAIL" -m name=pth.k allow.settime
	assert_eq "$("$JLS" -j pth.k securelevel enforce_statfs allow.settime)" "1 1 false" "nothing changed by a refusal"
	"$JAIL" -q -m name=pth.k allow.extattr securelevel=2
	"$JAIL" -q -c name=pth.k.g path="$ROOT" persist allow.extattr enforce_statfs=1
	assert_eq "$("$JLS" -j pth.k.g securelevel allow.extattr)" "2 true" "a grandchild within its parent's"
	# The parent drops an allow.* and raises its levels: every descendant follows.
	"$JAIL" -q -m name=pth allow.noextattr securelevel=3 enforce_statfs=2
	for j in pth.k pth.k.g; do
		assert_eq "$("$JLS" -j $j allow.extattr securelevel enforce_statfs)" "false 3 2" "$j after its parent's change"
	done
	# Lowered again, the parent leaves them where they are.
	"$JAIL" -q -m pth securelevel=1
	assert_eq "$("$JLS" -j pth.k securelevel)" 3 "a child after its parent's securelevel went down"
	"$JAIL" -q -r pth
	assert_nothing_left
}

test_hier_parent_without_processes_stays_for_its_child() {
	rm -f "$ROOT/tmp/pthkgo"
	"$JAIL" -q -c name=pthk path="$ROOT" children.max=2 \
		command=/bin/sh -c 'while [ ! -e /tmp/pthkgo ]; do sleep 0.1; done' &
	starter=$!
	wait_until 10 "jail pthk" jail_exists pthk
	"$JAIL" -q -c name=pthk.ptc path="$ROOT" persist
	"$JAIL" -q -c name=pthk.ptd path="$ROOT" persist
	touch "$ROOT/tmp/pthkgo"
	wait $starter
	rm -f "$ROOT/tmp/pthkgo"
	# Its command has ended, and it is not persistent: its children keep it.
	assert_eq "$("$JLS" -j pthk name)" pthk "jls lists the parent kept by its children"
	assert_eq "$("$JLS" -d -j pthk dying)" false "jls -d: kept, not dying"
	assert_eq "$("$JEXEC" pthk.ptc echo child)" child "the child runs on"
	assert_eq "$("$JLS" -j pthk children.cur)" 2 "children.cur of the kept parent"
	"$JAIL" -q -r pthk.ptc
	sleep 0.3
	jail_exists pthk || fail "the parent went while a child was left"
	# The last child goes: so does the parent, with nothing left behind.
	"$JAIL" -q -r pthk.ptd
	wait_until 10 "the parent gone after its last child" parent_gone
	assert_nothing_left
}

# A persistent parent made non-persistent keeps living while its child does.
test_hier_nopersist_parent_waits_for_its_child() {
	"$JAIL" -q -c name=pthk path="$ROOT" persist children.max=1
	"$JAIL" -q -c name=pthk.ptc path="$ROOT" persist
	"$JAIL" -q -m name=pthk nopersist
	sleep 0.3
	assert_eq "$("$JLS" -j pthk persist)" false "persist of the kept parent"
	jail_exists pthk || fail "the parent went with its child alive"
	assert_eq "$("$JEXEC" pthk echo parent)" parent "jexec into the kept parent"
	"$JAIL" -q -r pthk.ptc
	wait_until 10 "the parent gone after its child" parent_gone
	assert_nothing_left
}

# A path=/ jail created with children.max=0, given children while it runs:
# root inside makes one with path=/ over the socket it got, as FreeBSD's
# jail root does once the host raises children.max.
test_hier_raised_jail_makes_children_inside() {
	"$JAIL" -q -c name=pthin path=/ persist mount.hosttmp
	expect_error 'jail: ptkid: prison limit exceeded' "$JEXEC" pthin "$JAIL" -c name=ptkid path=/ persist
	"$JAIL" -q -m name=pthin children.max=1
	assert_eq "$("$JEXEC" pthin "$JAIL" -c name=ptkid path=/ persist)" "ptkid: created" "jail -c inside"
	assert_eq "$("$JEXEC" pthin "$JLS" name)" ptkid "jls inside"
	assert_eq "$("$JLS" -j pthin.ptkid parent)" "$(jid_of pthin)" "the child's parent"
	"$JAIL" -q -r pthin
	assert_nothing_left
}

# A process whose main thread has exited while another thread lives is
# listed by its pid but never moves as a whole (the kernel moves no leaving
# task): a new v1 limit and a children.max raised from 0 take its thread
# and go on, instead of waiting for it to arrive.
test_a_process_whose_leader_exited_moves_by_its_threads() {
	local pid tid mem
	"$JAIL" -q -c name=pthlx path="$ROOT" persist persist.idle=false
	"$JEXEC" pthlx /bin/probe leaderexit >/dev/null &
	pid=$(wait_for_process_in "$(cgroup_of pthlx)" probe)
	wait_until 10 "the probe's main thread gone" grep -q "^State:.*Z" "/proc/$pid/task/$pid/status"
	tid=$(ls "/proc/$pid/task" | grep -vx "$pid" | head -1)
	[ -n "$tid" ] || fail "no thread of the probe outlives its leader"
	"$RCTL" -a jail:pthlx:memoryuse:deny=64M
	mem=$(awk '$3 == "cgroup" && $4 ~ /memory/ { print $2 }' /proc/self/mounts)
	if [ -n "$mem" ]; then
		cat $(find "$mem/$CGPREFIX/$(jid_of pthlx)" -name tasks) | grep -qx "$tid" ||
			fail "the thread is not in the jail's v1 memory cgroup"
	fi
	"$JAIL" -q -m name=pthlx children.max=1
	assert_contains "$(cat "/proc/$tid/cgroup")" "/$(jid_of pthlx)/self" "the thread's cgroup2 after the raise"
	"$JAIL" -q -r pthlx
	wait || true
	assert_nothing_left
}
