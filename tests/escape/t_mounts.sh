# Mounts: what a jail may choose of the host's paths its mounts come from,
# and whether jail root, given allow.mount, can take prison's mounts apart.

# The host uid of jail $1's root, from its record.
uid_base_of() {
	sed -n 's/.*"uid_base": *\([0-9]*\).*/\1/p' "$RUNDIR/jail/$(jid_of "$1").json"
}

# Class "path": the host must not follow into a place a jail chose.  A
# symbolic link jail root planted, a directory it can write, or another
# jail's tree as a nullfs source or an overlay layer: each refused by name.
test_escape_path_mount_sources_refused() {
	local owner
	mkdir -p "$WORK/src/share" "$WORK/drop" "$WORK/ww/share" "$ROOT/mnt/x"
	echo secret >"$WORK/src/share/f"
	chmod 0777 "$WORK/ww"
	# A path=/ jail's root is its host uid: a directory it owns is its to write.
	"$JAIL" -q -c name=ptsrca path=/ persist mount="$WORK/drop /mnt nullfs rw 0 0"
	owner=$(uid_base_of ptsrca)
	chown "$owner" "$WORK/drop"
	"$JAIL" -q -c name=ptsrcc path="$ROOT" persist
	# jail root plants a link to the host's /etc where it can write, and in its own tree.
	"$JEXEC" ptsrca ln -s /etc /mnt/etc
	"$JEXEC" ptsrcc ln -s /etc /tmp/etc
	[ -L "$WORK/drop/etc" ] && [ -L "$ROOT/tmp/etc" ] || fail "jail root could not plant its links"
	expect_error "jail: ptsrcb: mount $ROOT/mnt/x: source $WORK/drop/etc: is below $WORK/drop, which a jail can write (owner $owner is a jail's user)" \
		"$JAIL" -c name=ptsrcb path="$ROOT" persist mount="$WORK/drop/etc $ROOT/mnt/x nullfs ro 0 0"
	expect_error "jail: ptsrcb: mount $ROOT/mnt/x: source $ROOT/tmp/etc: is inside the tree of jail ptsrcc" \
		"$JAIL" -c name=ptsrcb path="$ROOT" persist mount="$ROOT/tmp/etc $ROOT/mnt/x nullfs ro 0 0"
	# A link the host's admin did not mean as one, and a directory everyone can write.
	ln -sfn "$WORK/src" "$WORK/link"
	expect_error "jail: ptsrcb: mount $ROOT/mnt/x: source $WORK/link/share: $WORK/link is a symbolic link" \
		"$JAIL" -c name=ptsrcb path="$ROOT" persist mount="$WORK/link/share $ROOT/mnt/x nullfs ro 0 0"
	expect_error "jail: ptsrcb: mount $ROOT/mnt/x: source $WORK/ww/share: is below $WORK/ww, which everyone can write" \
		"$JAIL" -c name=ptsrcb path="$ROOT" persist mount="$WORK/ww/share $ROOT/mnt/x nullfs ro 0 0"
	expect_error "jail: ptsrcb: mount $ROOT/mnt/x: source $WORK/link/share: $WORK/link is a symbolic link" \
		"$JAIL" -c name=ptsrcb path="$ROOT" persist \
		mount="overlay $ROOT/mnt/x overlay lowerdir=$WORK/src:$WORK/link/share 0 0"
	jail_exists ptsrcb && fail "a refused jail exists"
	"$JAIL" -q -r ptsrcc
	# The same source by its real path is fine.
	out=$("$JAIL" -q -c name=ptsrcb path="$ROOT" mount="$WORK/src $ROOT/mnt/x nullfs ro 0 0" command=/bin/cat /mnt/x/share/f)
	assert_eq "$out" secret "a source the host checked, inside"
	"$JAIL" -q -r ptsrca
	rm -rf "$WORK/drop" "$WORK/ww" "$WORK/link" "$ROOT/tmp/etc"
}

# jail root with allow.mount tries to take apart the tree prison made.
umount_all_refused() { # JAIL PROBE
	local m
	for m in /proc /proc/cmdline /proc/sys /dev /dev/pts /dev/null /dev/shm /sys /sys/fs/cgroup /; do
		assert_eq "$("$JEXEC" "$1" "$2" umount "$m")" EINVAL "umount $m from jail root with allow.mount"
		assert_eq "$("$JEXEC" "$1" "$2" umount "$m" detach)" EINVAL "umount -l $m from jail root with allow.mount"
	done
	# Read-only stays read-only: the kernel locked the flag with the mount.
	assert_eq "$("$JEXEC" "$1" "$2" remount_rw /sys)" EPERM "remount of /sys read-write"
	assert_eq "$("$JEXEC" "$1" "$2" remount_rw /proc/sys)" EPERM "remount of /proc/sys read-write"
	# allow.mount still works for the jail's own mounts.
	assert_eq "$("$JEXEC" "$1" /bin/sh -c "$2 mount /tmp && $2 umount /tmp")" "ok
ok" "a mount of the jail's own, and its unmount"
}

# Class "root": the mounts prison makes are locked.
test_escape_root_umount_prison_mounts() {
	mkdir -p "$ROOT/mnt"
	"$JAIL" -q -c name=ptlock path="$ROOT" persist allow.mount
	umount_all_refused ptlock /bin/probe
	"$JAIL" -q -r ptlock
}

# path=/ shares the host's tree: below /proc and /dev are the host's procfs and devtmpfs.
test_escape_root_umount_host_root_jail() {
	# The probe by a nullfs mount: the host's /var/tmp, where it is, is not the jail's.
	"$JAIL" -q -c name=ptlockh path=/ persist allow.mount mount="$ROOT/bin /mnt nullfs ro 0 0"
	umount_all_refused ptlockh /mnt/probe
	for m in /tmp /var/tmp /run /mnt; do
		assert_eq "$("$JEXEC" ptlockh /mnt/probe umount "$m" detach)" EINVAL "umount -l $m of a path=/ jail"
	done
	# Still the jail's own procfs and /dev: its init is PID 1, no host disk or console.
	assert_eq "$("$JEXEC" ptlockh cat /proc/1/comm)" jailinit "PID 1 of the jail's /proc"
	out=$("$JEXEC" ptlockh ls /dev)
	for d in console kmsg mem vda sda; do
		case " $(echo $out) " in *" $d "*) fail "/dev/$d of the host in a path=/ jail" ;; esac
	done
	"$JAIL" -q -r ptlockh
}

# Class "path": a path=/ jail has its own /tmp, /var/tmp, /run and /dev/shm,
# bounded, so nothing it plants there meets a host process.
test_escape_path_host_root_jail_tmp_is_private() {
	local m opts
	touch /tmp/.pthost-$$ /var/tmp/.pthost-$$
	"$JAIL" -q -c name=pttmp path=/ persist
	for m in /tmp /var/tmp; do
		assert_eq "$("$JEXEC" pttmp /bin/sh -c "ls -A $m; ln -s /etc/shadow $m/.ptlink-$$ && echo planted")" planted \
			"$m of a path=/ jail: empty, and jail root's to write"
		[ -e "$m/.ptlink-$$" ] || [ -L "$m/.ptlink-$$" ] && fail "the jail's link reached the host's $m"
	done
	"$JEXEC" pttmp test -e /run/prison && fail "the host's /run in a path=/ jail"
	assert_eq "$("$JEXEC" pttmp stat -c %a /run/lock)" 1777 "/run/lock of a path=/ jail"
	for m in /tmp /var/tmp /run /dev/shm; do
		opts=$("$JEXEC" pttmp awk -v m="$m" '$2 == m { o = $3 " " $4 } END { print o }' /proc/self/mounts)
		assert_contains "$opts" "tmpfs " "$m of a path=/ jail"
		assert_contains "$opts" ",size=" "the bound of $m"
	done
	"$JAIL" -q -r pttmp
	rm -f /tmp/.pthost-$$ /var/tmp/.pthost-$$
}

# Class "kernel": what a jail sees of the host through /sys and /proc.
test_escape_kernel_own_cgroup_and_masked_proc() {
	"$JAIL" -q -c name=ptleak path="$ROOT" persist
	# Its own cgroup is the root of /sys/fs/cgroup: no other jail's counters, no host tree.
	"$JEXEC" ptleak test -e "/sys/fs/cgroup/$CGPREFIX" && fail "the host's cgroup tree in a jail"
	procs=$("$JEXEC" ptleak cat /sys/fs/cgroup/cgroup.procs)
	for p in $procs; do
		[ "$p" -lt 100 ] || fail "/sys/fs/cgroup/cgroup.procs lists host pid $p"
	done
	[ -n "$procs" ] || fail "the jail's own processes not in its /sys/fs/cgroup"
	for f in cmdline interrupts modules swaps; do
		assert_eq "$("$JEXEC" ptleak cat /proc/$f | wc -c)" 0 "/proc/$f of the host, masked"
	done
	"$JAIL" -q -r ptleak
}
