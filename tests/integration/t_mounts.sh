# mount and mount.fstab: inside the jail only, never through a symlink, gone with the jail.

test_fstab_mounts_appear_inside_only_and_vanish() {
	mkdir -p "$WORK/share" "$ROOT/mnt/ro" "$ROOT/mnt/t" "$ROOT/mnt/p"
	echo shared >"$WORK/share/file"
	cat >"$WORK/fstab" <<FSTAB
# A thin jail's shared tree, read-only, and a scratch tmpfs.
$WORK/share	$ROOT/mnt/ro	nullfs	ro	0 0
tmpfs		$ROOT/mnt/t	tmpfs	rw,size=1m,mode=1777	0 0
FSTAB
	"$JAIL" -q -c name=ptmnt path="$ROOT" persist mount.fstab="$WORK/fstab" mount="proc $ROOT/mnt/p procfs rw 0 0"
	assert_eq "$("$JEXEC" ptmnt cat /mnt/ro/file)" shared "nullfs content inside"
	assert_eq "$("$JEXEC" ptmnt stat -c %U /mnt/ro/file)" root "owner inside of a root-owned file of a nullfs mount"
	out=$("$JEXEC" ptmnt /bin/sh -c 'echo x > /mnt/ro/new 2>/dev/null && echo wrote || echo refused')
	assert_eq "$out" refused "write to a read-only nullfs mount"
	assert_eq "$("$JEXEC" ptmnt /bin/sh -c 'echo t > /mnt/t/f && cat /mnt/t/f')" t "tmpfs inside"
	assert_eq "$("$JEXEC" ptmnt /bin/sh -c 'test -e /mnt/p/self/status && echo proc')" proc "procfs inside"
	grep -q "$ROOT/mnt" /proc/self/mounts && fail "a jail mount is in the host's mount table"
	[ -e "$ROOT/mnt/t/f" ] && fail "the jail's tmpfs wrote through to the host's directory"
	"$JAIL" -q -r ptmnt
	grep -q "$ROOT/mnt" /proc/*/mounts 2>/dev/null && fail "a jail mount outlived the jail"
	true
}

test_mount_point_symlink_is_not_followed() {
	mkdir -p "$WORK/share" "$ROOT/mnt"
	ln -sfn /etc "$ROOT/mnt/evil"
	expect_error 'jail: ptmsym: mount: /mnt/evil: is or passes through a symbolic link' \
		"$JAIL" -c name=ptmsym path="$ROOT" persist mount="$WORK/share $ROOT/mnt/evil nullfs ro 0 0"
	rm "$ROOT/mnt/evil"
	assert_nothing_left
}

test_bad_mount_lines() {
	expect_error 'jail: ptmbad: mount /j/x: file system type "ext4" is not one a jail may mount (nullfs, tmpfs, procfs, overlay)' \
		"$JAIL" -c name=ptmbad path="$ROOT" persist mount="/dev/vda /j/x ext4 rw 0 0"
	expect_error "jail: ptmbad: mount point \"/elsewhere/x\": not under the jail's path $ROOT" \
		"$JAIL" -c name=ptmbad path="$ROOT" persist mount="tmpfs /elsewhere/x tmpfs rw 0 0"
	expect_error "jail: ptmbad: mount.fstab $WORK/none: No such file or directory" \
		"$JAIL" -c name=ptmbad path="$ROOT" persist mount.fstab="$WORK/none"
	expect_error 'jail: ptmbad: mount.nodevfs: a jail always has its own minimal /dev and /proc' \
		"$JAIL" -c name=ptmbad path="$ROOT" persist mount.nodevfs
	assert_nothing_left
}

test_overlay_thin_jail() {
	mkdir -p "$WORK/lower" "$WORK/upper" "$WORK/ovwork" "$ROOT/mnt/ov"
	echo base >"$WORK/lower/base"
	# overlay is mounted inside the jail's user namespace: its writable layers belong to jail root,
	# whose host uid is fixed with idmap.base (the pool gives the next free range, not one per jid).
	local base=$((4294967296 - 200 * 65536))
	chown "$base" "$WORK/upper" "$WORK/ovwork"
	"$JAIL" -q -c name=ptov jid=950 idmap.base="$base" path="$ROOT" persist \
		mount="overlay $ROOT/mnt/ov overlay lowerdir=$WORK/lower,upperdir=$WORK/upper,workdir=$WORK/ovwork 0 0"
	assert_eq "$("$JEXEC" ptov cat /mnt/ov/base)" base "overlay lower layer inside"
	"$JEXEC" ptov /bin/sh -c 'echo mine > /mnt/ov/own'
	assert_eq "$(cat "$WORK/upper/own")" mine "a write lands in the upper layer"
	[ -e "$WORK/lower/own" ] && fail "a write reached the lower layer"
	"$JAIL" -q -r ptov
}

# mount.hosttmp: a path=/ jail that shares the host's /tmp, /var/tmp and /run on purpose.
test_hosttmp_shares_on_purpose() {
	local d
	for d in /tmp /var/tmp /run; do echo host >"$d/.pthosttmp-$$"; done
	"$JAIL" -q -c name=pthtmp path=/ persist mount.hosttmp
	for d in /tmp /var/tmp /run; do
		assert_eq "$("$JEXEC" pthtmp cat "$d/.pthosttmp-$$")" host "the host's $d with mount.hosttmp"
	done
	"$JAIL" -q -r pthtmp
	"$JAIL" -q -c name=pthtmp path=/ persist
	for d in /tmp /var/tmp /run; do
		"$JEXEC" pthtmp test -e "$d/.pthosttmp-$$" && fail "the host's $d without mount.hosttmp"
	done
	"$JAIL" -q -r pthtmp
	for d in /tmp /var/tmp /run; do rm -f "$d/.pthosttmp-$$"; done
}

# A path=/ jail's own /dev, /tmp, /var/tmp and /run: one tmpfs of jail
# root's (scratch.h), each directory of it a mount with flags of its own,
# none reaching another's files; /dev/shm a directory of /dev, no mount.
test_private_dev_tmp_and_run_share_one_tmpfs() {
	local out
	"$JAIL" -q -c name=ptscr path=/ persist mount.hosttmp=false
	out=$("$JEXEC" ptscr awk '$5 ~ /^\/(dev|tmp|var\/tmp|run|dev\/shm)$/ { print $5, $3, $4, $6 }' /proc/self/mountinfo | sort)
	assert_eq "$(echo "$out" | awk '{ print $2 }' | sort -u | wc -l)" 1 "one file system for /dev, /tmp, /var/tmp and /run"
	assert_eq "$(echo "$out" | awk '{ print $1, $3 }' | tr '\n' ' ')" \
		"/dev /dev /run /run /tmp /tmp /var/tmp /vartmp " "the directory each mount shows, and no /dev/shm mount"
	assert_eq "$("$JEXEC" ptscr stat -c '%a %U %d' /dev/shm)" "1777 root $("$JEXEC" ptscr stat -c %d /dev)" \
		"/dev/shm: world-writable, sticky, jail root's, on /dev's file system"
	"$JEXEC" ptscr sh -c 'echo s >/dev/shm/ptscr'
	assert_eq "$("$JEXEC" ptscr cat /dev/shm/ptscr)" s "a file in /dev/shm"
	assert_eq "$("$JEXEC" ptscr sh -c 'cp /bin/true /dev/shm/t; /dev/shm/t && echo ran || echo refused' 2>/dev/null)" refused \
		"/dev/shm keeps /dev's noexec"
	assert_contains "$(echo "$out" | awk '$1 == "/run" { print $4 }')" "noexec" "/run's flags"
	assert_contains "$(echo "$out" | awk '$1 == "/tmp" { print $4 }')" "nodev" "/tmp's flags"
	assert_not_contains "$(echo "$out" | awk '$1 == "/tmp" { print $4 }')" "noexec" "/tmp's flags"
	assert_eq "$("$JEXEC" ptscr stat -c %a /tmp /var/tmp /run /run/lock | tr '\n' ' ')" "1777 1777 755 1777 " "modes"
	"$JEXEC" ptscr sh -c 'echo t >/tmp/ptscr; echo v >/var/tmp/ptscr; echo r >/run/ptscr'
	assert_eq "$("$JEXEC" ptscr cat /tmp/ptscr /var/tmp/ptscr /run/ptscr | tr '\n' ' ')" "t v r " "each its own files"
	"$JEXEC" ptscr sh -c 'ls -a /dev' | grep -qx ptscr && fail "a file of /tmp in /dev"
	"$JEXEC" ptscr ln /tmp/ptscr /var/tmp/ptlink 2>/dev/null && fail "a hard link from /tmp into /var/tmp"
	"$JAIL" -q -r ptscr
	assert_nothing_left
}

# The host's mounts below the directories a path=/ jail has its own of
# (here /var/tmp and /run, each a directory on the host's root file
# system or a mount) are not in its tree, hidden or not; with
# mount.hosttmp, sharing on purpose, they are there.
test_host_mounts_below_covered_directories_stay_out() {
	local d=ptcov.$$
	mkdir -p "/var/tmp/$d" "/run/$d"
	# The run directory set up here first: made in the private namespace, only that one would see it.
	"$JLS" >/dev/null
	unshare -m --propagation private sh -c 'mount -t tmpfs ptcovtmp "/var/tmp/$1" && mount -t tmpfs ptcovrun "/run/$1" &&
		"$2" -q -c name=ptcov path=/ persist persist.idle=false &&
		"$2" -q -c name=ptcovh path=/ persist persist.idle=false mount.hosttmp' _ "$d" "$JAIL"
	assert_not_contains "$("$JEXEC" ptcov cat /proc/self/mountinfo)" "ptcov" "the host's mounts below /var/tmp and /run"
	assert_contains "$("$JEXEC" ptcovh cat /proc/self/mountinfo)" "/var/tmp/$d " "with mount.hosttmp"
	"$JAIL" -q -r ptcov ptcovh
	rmdir "/var/tmp/$d" "/run/$d"
	assert_nothing_left
}
