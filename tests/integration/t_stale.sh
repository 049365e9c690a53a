# Cgroups that outlive their jail's record: what is in them is never killed,
# and a removal that cannot empty a jail fails and keeps it.

# The jid the next jail gets: one made and removed.
next_jid() {
	"$JAIL" -q -c name=ptstnext path="$ROOT" persist
	jid_of ptstnext
	"$JAIL" -q -r ptstnext
}

# A sleep of this test's own, in cgroup $1 (made here), pid in $sleeper.
sleeper_in() {
	mkdir -p "$1"
	sleep 300 &
	sleeper=$!
	echo "$sleeper" >"$1/cgroup.procs"
}

# The sleep ends and its cgroups go, whatever the test found.
sleeper_done() {
	kill -9 "$sleeper" 2>/dev/null || true
	wait "$sleeper" 2>/dev/null || true
	for c in "$@"; do
		rmdir "$c" 2>/dev/null || true
	done
}

test_an_occupied_leftover_cgroup_is_passed_over_and_left_alone() {
	local j v2 v1 pids
	j=$(next_jid)
	v2=$CGROUP2/$CGPREFIX/$j
	sleeper_in "$v2"
	trap 'sleeper_done "$v2"' EXIT
	"$JAIL" -q -c name=ptst1 path="$ROOT" persist
	[ "$(jid_of ptst1)" != "$j" ] || fail "jail got jid $j, whose cgroup holds a process"
	expect_error "jail: ptst2: jid $j is not free: cgroup $v2 holds processes of no jail" \
		"$JAIL" -q -c name=ptst2 jid="$j" path="$ROOT" persist
	jail_gone ptst2 || fail "refused jail ptst2 exists"
	# The full consistency pass (jail -r '*') leaves it alone too.
	"$JAIL" -q -r '*'
	kill -0 "$sleeper" 2>/dev/null || fail "the process in the leftover cgroup was killed"
	assert_eq "$(cat "$v2/cgroup.procs")" "$sleeper" "processes of the leftover cgroup"
	sleeper_done "$v2"
	# A v1 controller's cgroup of the jid counts as well.
	pids=$(v1_mount_of pids)
	if [ -n "$pids" ]; then
		v1=$pids/$CGPREFIX/$j
		sleeper_in "$v1"
		trap 'sleeper_done "$v1" "$pids/$CGPREFIX"' EXIT
		"$JAIL" -q -c name=ptst3 path="$ROOT" persist
		[ "$(jid_of ptst3)" != "$j" ] || fail "jail got jid $j, whose v1 pids cgroup holds a process"
		"$JAIL" -q -r ptst3
		kill -0 "$sleeper" 2>/dev/null || fail "the process in the leftover v1 cgroup was killed"
		sleeper_done "$v1" "$pids/$CGPREFIX"
	fi
	trap - EXIT
	assert_nothing_left
}

test_an_empty_leftover_cgroup_is_reused() {
	local j mem
	j=$(next_jid)
	mkdir -p "$CGROUP2/$CGPREFIX/$j/self"
	mem=$(v1_mount_of memory)
	[ -z "$mem" ] || mkdir -p "$mem/$CGPREFIX/$j"
	"$JAIL" -q -c name=ptst4 path="$ROOT" persist
	assert_eq "$(jid_of ptst4)" "$j" "jid of a jail after an empty leftover cgroup"
	# Its own cgroup, made afresh: children.max=0 keeps no leaf.
	[ ! -e "$CGROUP2/$CGPREFIX/$j/self" ] || fail "the leftover leaf is still there"
	[ -z "$mem" ] || [ ! -e "$mem/$CGPREFIX/$j" ] || fail "the leftover v1 memory cgroup is still there"
	"$JAIL" -q -r ptst4
	assert_nothing_left
}

test_remove_of_a_jail_it_cannot_empty_fails_and_keeps_it() {
	local fz c jid cg p
	fz=$(v1_mount_of freezer)
	if [ -z "$fz" ]; then
		echo "this host has no v1 freezer hierarchy: not tested" >&2
		return 0
	fi
	c=$fz/$CGPREFIX-frozen
	"$JAIL" -q -c name=ptst5 path="$ROOT" persist stop.timeout=1
	jid=$(jid_of ptst5)
	cg=$(cgroup_of ptst5)
	"$JEXEC" ptst5 /bin/sleep 300 >/dev/null 2>&1 &
	p=$(wait_for_process_in "$cg" sleep)
	mkdir "$c"
	trap 'echo THAWED >"$c/freezer.state"; sleep 0.2; rmdir "$c"' EXIT
	echo "$p" >"$c/cgroup.procs"
	echo FROZEN >"$c/freezer.state"
	wait_until 10 "process frozen" eval '[ "$(cat "$c/freezer.state")" = FROZEN ]'
	expect_error "jail: ptst5: jail $jid not removed: cgroup $cg still holds processes that did not die; it is kept" \
		"$JAIL" -q -r ptst5
	[ -e "/proc/$p" ] || fail "the frozen process is gone"
	is_dying ptst5 || fail "the jail is not kept, dying"
	# Listings keep it too, and do not try to remove it.
	"$JLS" >/dev/null
	is_dying ptst5 || fail "jls dropped the jail"
	echo THAWED >"$c/freezer.state"
	"$JAIL" -q -r ptst5
	jail_gone ptst5 || fail "jail ptst5 still listed"
	is_dying ptst5 && fail "jail ptst5 still listed dying"
	wait_until 10 "frozen process gone" eval '[ ! -e /proc/'"$p"' ]'
	wait
	rmdir "$c"
	trap - EXIT
	assert_nothing_left
}

test_oci_delete_force_of_a_container_it_cannot_empty_fails_and_keeps_it() {
	local fz c b=$WORK/ptstoci p err
	fz=$(v1_mount_of freezer)
	if [ -z "$fz" ]; then
		echo "this host has no v1 freezer hierarchy: not tested" >&2
		return 0
	fi
	c=$fz/$CGPREFIX-frozenoci
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "300"]'
	"$OCI" run --detach -b "$b" ptstoci </dev/null
	p=$(oci_status ptstoci | cut -d' ' -f2)
	mkdir "$c"
	trap 'echo THAWED >"$c/freezer.state"; sleep 0.2; rmdir "$c"' EXIT
	echo "$p" >"$c/cgroup.procs"
	echo FROZEN >"$c/freezer.state"
	wait_until 10 "process frozen" eval '[ "$(cat "$c/freezer.state")" = FROZEN ]'
	err=$("$OCI" delete --force ptstoci 2>&1) && fail "delete --force of a container with a frozen process succeeded"
	assert_contains "$err" "still holds processes that did not die; it is kept" "error of delete --force"
	[ -e "/proc/$p" ] || fail "the frozen process is gone"
	"$OCI" state ptstoci >/dev/null || fail "the container's state is gone"
	is_dying ptstoci || fail "the container's jail is not kept, dying"
	echo THAWED >"$c/freezer.state"
	"$OCI" delete --force ptstoci
	wait_until 10 "frozen process gone" eval '[ ! -e /proc/'"$p"' ]'
	rmdir "$c"
	trap - EXIT
	assert_no_container ptstoci
}
