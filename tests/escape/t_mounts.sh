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
	for m in /tmp /var/tmp /run /dev; do
		opts=$("$JEXEC" pttmp awk -v m="$m" '$2 == m { o = $3 " " $4 } END { print o }' /proc/self/mounts)
		assert_contains "$opts" "tmpfs " "$m of a path=/ jail"
		assert_contains "$opts" ",size=" "the bound of $m"
	done
	# /dev/shm: a directory of the jail's own /dev, so bounded with it, and nothing of it on the host's.
	assert_eq "$("$JEXEC" pttmp stat -c %d /dev/shm)" "$("$JEXEC" pttmp stat -c %d /dev)" "/dev/shm on the jail's /dev"
	"$JEXEC" pttmp /bin/sh -c "echo x >/dev/shm/.pthost-$$"
	[ ! -e "/dev/shm/.pthost-$$" ] || fail "a file of the jail's /dev/shm on the host's"
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

# The mounts strictly below directory $1 in this mount namespace, as "point type".
mounts_below_only() {
	mounts_at_or_below "$1" | awk -v d="$1" '$1 != d'
}

propagation_cases() {
	local src=$WORK/prsrc out
	mkdir -p "$src" "$ROOT/mnt" "$ROOT/var/empty"
	mount -t tmpfs prsrc "$src"
	mount --make-shared "$src"
	mkdir -p "$src/jsub" "$src/hsub"
	# A jail's tree is built on a shared root and a shared bind source: none of it reaches the host.
	"$JAIL" -q -c name=ptprop path="$ROOT" persist allow.mount mount="$src $ROOT/mnt nullfs rw 0 0"
	assert_eq "$(mounts_below_only "$ROOT")" "" "the jail's tree seen from the host"
	# jail root's own mounts, on its root and in the bind mount, stay inside.
	assert_eq "$("$JEXEC" ptprop /bin/probe mount /tmp)" ok "a tmpfs of jail root's on /tmp"
	assert_eq "$("$JEXEC" ptprop /bin/probe mount /mnt/jsub)" ok "a tmpfs of jail root's in the bind mount"
	assert_eq "$(mounts_below_only "$ROOT")" "" "jail root's mount on its root, seen from the host"
	assert_eq "$(mounts_below_only "$src")" "" "jail root's mount in the bind mount, seen from the host"
	# The host's mounts below the bind source and below the jail's path stay outside.
	mount -t tmpfs prhost "$src/hsub"
	mount -t tmpfs prhost "$ROOT/var/empty"
	out=$("$JEXEC" ptprop cat /proc/self/mountinfo)
	assert_not_contains "$out" " /mnt/hsub " "the host's mount below the bind source, inside"
	assert_not_contains "$out" " /var/empty " "the host's mount below the jail's path, inside"
	assert_not_contains "$out" "shared:" "a mount of the jail's shared with another namespace"
	umount "$src/hsub" "$ROOT/var/empty"
	"$JAIL" -q -r ptprop
	# A path=/ jail: the host's whole tree under it, shared; the host's /var/tmp too, on purpose.
	"$JAIL" -q -c name=ptpropr path=/ persist allow.mount mount.hosttmp
	assert_eq "$("$JEXEC" ptpropr "$PROBE" mount /mnt)" ok "a tmpfs of jail root's on the host's /mnt"
	assert_eq "$(mounts_at_or_below /mnt | grep -c '^/mnt tmpfs$')" 0 "jail root's mount on /mnt, seen from the host"
	assert_eq "$("$JEXEC" ptpropr "$PROBE" mount "$src/jsub")" ok "a tmpfs of jail root's in the host's /var/tmp"
	assert_eq "$(mounts_below_only "$src")" "" "jail root's mount in the host's /var/tmp, seen from the host"
	mount -t tmpfs prhost "$src/hsub"
	assert_not_contains "$("$JEXEC" ptpropr cat /proc/self/mountinfo)" " $src/hsub " \
		"the host's new mount, inside a path=/ jail"
	umount "$src/hsub"
	"$JAIL" -q -r ptpropr
	# slave, asked for: the host's new mounts reach the jail, the jail's never the host.
	"$JAIL" -q -c name=ptprops path="$ROOT" persist allow.mount path.propagation=slave \
		mount="$src $ROOT/mnt nullfs rw,rslave 0 0"
	assert_eq "$("$JLS" -j ptprops path.propagation)" slave "jls: path.propagation"
	assert_eq "$("$JEXEC" ptprops /bin/probe mount /mnt/jsub)" ok "a tmpfs of jail root's in a slave bind mount"
	assert_eq "$("$JEXEC" ptprops /bin/probe mount /tmp)" ok "a tmpfs of jail root's on a slave root"
	assert_eq "$(mounts_below_only "$src")" "" "jail root's mount in a slave bind mount, seen from the host"
	assert_eq "$(mounts_below_only "$ROOT")" "" "jail root's mount on a slave root, seen from the host"
	mount -t tmpfs prhost "$src/hsub"
	mount -t tmpfs prhost "$ROOT/var/empty"
	out=$("$JEXEC" ptprops cat /proc/self/mountinfo)
	assert_contains "$out" " /mnt/hsub " "the host's new mount in a slave bind mount"
	assert_contains "$out" " /var/empty " "the host's new mount below a slave root"
	assert_not_contains "$out" "shared:" "a mount of a slave jail's shared"
	umount "$src/hsub" "$ROOT/var/empty"
	"$JAIL" -q -r ptprops
	# shared is never given.
	expect_error "jail: ptpropx: mount $ROOT/mnt: option \"rshared\": a jail's mounts are never the host's peers (private, slave or unbindable)" \
		"$JAIL" -c name=ptpropx path="$ROOT" persist mount="$src $ROOT/mnt nullfs rw,rshared 0 0"
	expect_error "jail: ptpropx: path.propagation: \"shared\": expected private, slave or unbindable (a jail's mounts are never the host's peers)" \
		"$JAIL" -c name=ptpropx path="$ROOT" persist path.propagation=shared
	jail_exists ptpropx && fail "a refused jail exists"
	umount "$src"
}

# Class "root": the kernel puts a copy of a shared mount among its source's
# peers.  A jail's tree must be cut from them, so that no mount jail root
# makes with allow.mount reaches the host, and no host mount reaches it.
test_escape_root_mount_propagation() {
	in_shared_mntns propagation_cases
}
