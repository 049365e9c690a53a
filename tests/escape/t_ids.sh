# Host ID ranges and the kernel's per-user counts (issue 10, items 1 and 5).
# Class "root": jail root must be an unprivileged host uid of the jail's
# own, whatever its jid or name.  Class "kernel": what a jail counts is
# charged to that uid, so a jail that exhausts a count stops only itself.

# The host uid of jail $1's jailinit (a name), from the kernel.
init_uid_of() {
	awk '/^Uid:/ { print $2 }' "/proc/$(init_pid_of "$(jid_of "$1")")/status"
}

# jail $1's range (a name) is one of the pool, and the kernel maps exactly it.
assert_own_range() {
	local jid base
	jid=$(jid_of "$1")
	base=$(uid_base_of "$jid")
	[ "$base" -ge 1073741824 ] && [ "$base" -le $((4294967296 - 2 * 65536)) ] && [ $((base % 65536)) = 0 ] ||
		fail "jail $1: range $base is not one of the pool"
	assert_eq "$(init_uid_of "$1")" "$base" "host uid of jail $1's init"
	assert_eq "$(awk '{ print $1, $2, $3 }' "/proc/$(init_pid_of "$jid")/uid_map")" "0 $base 65536" "uid_map of jail $1"
	assert_eq "$("$JEXEC" "$1" awk '{ print $1, $2, $3 }' /proc/self/gid_map)" "0 $base 65536" \
		"gid_map of jail $1, from inside"
}

test_escape_root_jid_49152_is_not_host_root() {
	# 2^30 + 49152 * 65536 is 2^32: once written to uid_map, jail root was host root.
	"$JAIL" -q -c name=ptid49152 jid=49152 path="$ROOT" persist
	assert_eq "$(jid_of ptid49152)" 49152 "jid"
	[ "$(init_uid_of ptid49152)" != 0 ] || fail "jail root of jid 49152 is host root"
	assert_own_range ptid49152
	"$JAIL" -q -r ptid49152
	# A numeric name becomes the jid: the same hole by another door.
	"$JAIL" -q -c name=49152 path="$ROOT" persist
	assert_eq "$(jid_of 49152)" 49152 "jid of the jail named 49152"
	status=0
	(assert_own_range 49152) || status=1
	"$JAIL" -q -r 49152
	[ $status = 0 ] || fail "the jail named 49152"
}

# Whether the range at base $1 is held by jid $2 of the context whose run directory is $3.
range_held_by() {
	idrange_entry "/run/prison-ids/$1" |
		awk -v j="$2" -v c="$(realpath "$3")" '$6 == j && $7 == c { f = 1 } END { exit !f }'
}

test_escape_root_ranges_never_shared_between_contexts() {
	local dir=$WORK/ctx-ids cg=prison-test-ids$$ a b
	mkdir -p "$dir"
	trap 'context_cleanup "$dir/run" "$cg" "$dir/log"; rm -rf "$dir"' EXIT
	# The same jid in two runtime contexts: the same range was on offer to both.
	"$JAIL" -q -c name=ptida jid=77 path="$ROOT" persist
	PRISON_RUNDIR=$dir/run PRISON_CGROUP=$cg PRISON_LOGDIR=$dir/log "$JAIL" -q -c name=ptidb jid=77 path="$ROOT" persist
	a=$(uid_base_of 77)
	b=$(RUNDIR=$dir/run uid_base_of 77)
	[ -n "$a" ] && [ -n "$b" ] || fail "no range in a record: '$a' '$b'"
	[ $((a > b ? a - b : b - a)) -ge 65536 ] || fail "two jails' ranges overlap: $a and $b"
	assert_own_range ptida
	# The other context's jail root is another host user.
	opid=$(RUNDIR=$dir/run init_pid_of 77)
	assert_eq "$(awk '/^Uid:/ { print $2 }' "/proc/$opid/status")" "$b" "host uid of the other context's jail"
	# Removing one frees only its own range (a jail made meanwhile, anywhere, may take it at once).
	range_held_by "$a" 77 "$RUNDIR" || fail "the range of jail 77 is not recorded as its own"
	"$JAIL" -q -r ptida
	range_held_by "$a" 77 "$RUNDIR" && fail "the range of a removed jail is still allocated"
	range_held_by "$b" 77 "$dir/run" || fail "the other context's range went with this context's jail"
	PRISON_RUNDIR=$dir/run PRISON_CGROUP=$cg PRISON_LOGDIR=$dir/log "$JAIL" -q -r ptidb
	range_held_by "$b" 77 "$dir/run" && fail "the range of the other context's removed jail is still allocated"
	trap - EXIT
	context_cleanup "$dir/run" "$cg" "$dir/log" || fail "clean-up of the other context"
	rm -rf "$dir"
}

# Put /etc/subuid and /etc/subgid back as they were.
restore_subids() {
	local f
	for f in subuid subgid; do
		if [ -e "$WORK/$f.saved" ]; then
			mv "$WORK/$f.saved" "/etc/$f"
		else
			sed -i '/^ptids-escape:/d' "/etc/$f" 2>/dev/null || true
			[ -s "/etc/$f" ] || rm -f "/etc/$f"
		fi
	done
}

test_escape_root_range_never_meets_subuid_subgid_or_users() {
	local f base
	for f in subuid subgid; do
		if [ -e "/etc/$f" ]; then cp -p "/etc/$f" "$WORK/$f.saved"; fi
	done
	trap restore_subids EXIT
	# jid 91's own range is given to a user in /etc/subuid, jid 92's (and half of 93's) in /etc/subgid.
	echo "ptids-escape:$((1073741824 + 91 * 65536)):65536" >>/etc/subuid
	echo "ptids-escape:$((1073741824 + 92 * 65536)):98304" >>/etc/subgid
	"$JAIL" -q -c name=ptsub1 jid=91 path="$ROOT" persist
	"$JAIL" -q -c name=ptsub2 jid=92 path="$ROOT" persist
	"$JAIL" -q -c name=ptsub3 jid=93 path="$ROOT" persist
	for j in 91 92 93; do
		base=$(uid_base_of $j)
		if [ "$base" -lt $((1073741824 + 94 * 65536)) ] && [ $((base + 65536)) -gt $((1073741824 + 91 * 65536)) ]; then
			fail "jail $j got range $base, which meets /etc/subuid or /etc/subgid"
		fi
	done
	assert_own_range ptsub2
	"$JAIL" -q -r ptsub1
	"$JAIL" -q -r ptsub2
	"$JAIL" -q -r ptsub3
	restore_subids
	trap - EXIT
}

# A user and a group in the pool, added after a jail was made (when the
# host's users are already known, and kept): the next jails' ranges avoid them.
test_escape_root_range_never_meets_a_user_added_since() {
	local uid=$((1073741824 + 95 * 65536 + 7)) gid=$((1073741824 + 96 * 65536 + 9)) base
	"$JAIL" -q -c name=ptusr0 path="$ROOT" command=/bin/true
	trap 'userdel ptids-user 2>/dev/null; groupdel ptids-group 2>/dev/null' EXIT
	groupadd -g "$gid" ptids-group
	useradd -u "$uid" -g "$gid" -M -N -s /usr/sbin/nologin ptids-user
	"$JAIL" -q -c name=ptusr1 jid=95 path="$ROOT" persist
	"$JAIL" -q -c name=ptusr2 jid=96 path="$ROOT" persist
	for j in 95 96; do
		base=$(uid_base_of $j)
		if [ "$base" -le "$uid" ] && [ "$uid" -lt $((base + 65536)) ]; then
			fail "jail $j got range $base, which holds user ptids-user ($uid)"
		fi
		if [ "$base" -le "$gid" ] && [ "$gid" -lt $((base + 65536)) ]; then
			fail "jail $j got range $base, which holds group ptids-group ($gid)"
		fi
	done
	"$JAIL" -q -r ptusr1
	"$JAIL" -q -r ptusr2
	userdel ptids-user
	groupdel ptids-group
	trap - EXIT
}

test_escape_kernel_counts_charged_to_the_jails_own_uid() {
	local base out
	"$JAIL" -q -c name=ptcnt1 path="$ROOT" persist
	"$JAIL" -q -c name=ptcnt2 path="$ROOT" persist
	base=$(uid_base_of "$(jid_of ptcnt1)")
	# The kernel charges a user namespace's counts to its owner: the jail's own host root.
	assert_eq "$("$PROBE" nsowner "/proc/$(init_pid_of "$(jid_of ptcnt1)")/ns/user")" "$base" \
		"owner of the jail's user namespace"
	# The jail's own limits, set at creation, and jail root cannot raise them.
	assert_eq "$("$JEXEC" ptcnt1 cat /proc/sys/user/max_uts_namespaces)" 256 "the jail's max_uts_namespaces"
	assert_eq "$("$JEXEC" ptcnt1 cat /proc/sys/user/max_user_namespaces)" 0 "max_user_namespaces with children.max=0"
	out=$("$JEXEC" ptcnt1 /bin/sh -c 'echo 100000 > /proc/sys/user/max_uts_namespaces' 2>&1 || true)
	assert_contains "$out" "Read-only file system" "jail root raising its max_uts_namespaces"
	# Jail 1 takes every UTS namespace and inotify instance it may, and keeps them.
	"$JEXEC" ptcnt1 probe fill uts 1000 30 >"$WORK/fill-uts" &
	wait_until 10 "jail 1 filling its UTS namespaces" grep -q . "$WORK/fill-uts"
	assert_eq "$(cat "$WORK/fill-uts")" "255 ENOSPC" "UTS namespaces jail 1 made beside its own"
	"$JEXEC" ptcnt1 probe fill inotify 100000 30 >"$WORK/fill-inotify" &
	wait_until 10 "jail 1 filling its inotify instances" grep -q . "$WORK/fill-inotify"
	assert_contains "$(cat "$WORK/fill-inotify")" " EMFILE" "inotify instances of jail 1"
	# Another jail and the host are not stopped.
	assert_eq "$("$JEXEC" ptcnt2 probe fill uts 1)" "1 ok" "a UTS namespace in jail 2"
	assert_eq "$("$JEXEC" ptcnt2 probe fill inotify 1)" "1 ok" "an inotify instance in jail 2"
	assert_eq "$("$PROBE" fill uts 1)" "1 ok" "a UTS namespace on the host"
	assert_eq "$("$PROBE" fill inotify 1)" "1 ok" "an inotify instance of host root"
	"$JAIL" -q -c name=ptcnt3 path="$ROOT" persist
	"$JAIL" -q -r ptcnt3
	"$JAIL" -q -r ptcnt1
	"$JAIL" -q -r ptcnt2
	wait
}
