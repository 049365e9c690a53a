# Thick jails (base.type=thick): a whole copy of the base of the jail's own,
# a btrfs snapshot where the state directory is on btrfs.

JBASE=${JBASE:-${JAIL%/jail}/jbase}

test_thick_jail_is_a_copy_of_its_own() {
	mkdir -p "$WORK/thicksrc"
	cp -a "$ROOT/." "$WORK/thicksrc/"
	"$JBASE" -c -d "$WORK/thicksrc" ptbthick
	"$JAIL" -q -c name=ptthick base=ptbthick base.type=thick persist
	dir=$STATEDIR/jails/ptthick
	assert_eq "$("$JLS" -j ptthick base.type base.generation)" "thick 1" "jls: a thick jail on generation 1"
	assert_contains "$("$JEXEC" ptthick cat /etc/prison-base)" 'BASE_NAME="ptbthick"' "the base's identity inside"
	cmp -s "$dir/root/bin/busybox" "$ROOT/bin/busybox" || fail "the base is not copied into the jail's root"
	[ -e "$dir/upper" ] && fail "a thick jail has an overlay layer"
	"$JEXEC" ptthick /bin/sh -c 'echo mine > /etc/mine; echo changed >> /etc/passwd'
	assert_eq "$(stat -c %u:%g "$dir/root/etc/mine")" 0:0 "jail root's file is root's on disk in the copy"
	grep -q changed "$STATEDIR/bases/ptbthick/1/etc/passwd" && fail "a thick jail wrote into the base"
	# Its own from now on: it holds no generation, an update does not reach it, the base may go.
	assert_contains "$("$JBASE" -q ptbthick)" "ptbthick             1     0 " "a thick jail is not a jail on the base"
	echo two >"$WORK/thicksrc/etc/version"
	"$JBASE" -u ptbthick
	"$JAIL" -q -r ptthick
	[ -e "$dir/root/etc/mine" ] || fail "the copy went with the jail"
	"$JBASE" -r ptbthick
	"$JAIL" -q -c name=ptthick base=ptbthick base.type=thick persist
	assert_eq "$("$JEXEC" ptthick cat /etc/mine)" mine "the copy is found again at the next start"
	"$JEXEC" ptthick test -e /etc/version && fail "a base update reached a thick jail"
	assert_eq "$("$JLS" -j ptthick base.generation)" 1 "the generation the copy came from"
	"$JAIL" -q -r ptthick
	expect_error 'jail: ptthick2: base.type "fat": thin or thick' "$JAIL" -c name=ptthick2 base=ptbthick base.type=fat persist
	expect_error 'jail: ptthick2: base "ptbthick": no such base' "$JAIL" -c name=ptthick2 base=ptbthick base.type=thick persist
	[ -e "$STATEDIR/jails/ptthick2/root/bin" ] && fail "a failed thick jail left a copy"
	rm -rf "$STATEDIR/jails"/pt* "$WORK/thicksrc"
}

# A btrfs file system on a loop device of the test's own, unmounted and detached at the end.
btrfs_cleanup() {
	local mnt=$WORK/btrfs dev
	dev=$(findmnt -n -o SOURCE "$mnt" 2>/dev/null || true)
	umount "$mnt" 2>/dev/null || true
	[ -n "$dev" ] && losetup -d "$dev" 2>/dev/null
	rm -f "$WORK/btrfs.img"
}

test_thick_jail_is_a_btrfs_snapshot_on_btrfs() {
	local mnt=$WORK/btrfs dev
	truncate -s 256M "$WORK/btrfs.img"
	mkfs.btrfs -q "$WORK/btrfs.img" >/dev/null
	mkdir -p "$mnt"
	dev=$(losetup -f --show "$WORK/btrfs.img")
	trap btrfs_cleanup EXIT
	mount -t btrfs "$dev" "$mnt"
	(
		export PRISON_STATEDIR=$mnt/state
		"$JBASE" -c -d "$ROOT" ptbbtrfs
		assert_eq "$(stat -c %i "$mnt/state/bases/ptbbtrfs/1")" 256 "a base's generation is a btrfs subvolume"
		"$JAIL" -q -c name=ptbtrfs base=ptbbtrfs base.type=thick persist
		root=$mnt/state/jails/ptbtrfs/root
		assert_eq "$(stat -c %i "$root")" 256 "a thick jail's root is a subvolume"
		btrfs subvolume show "$root" | grep -q "Parent UUID:.*-" || fail "the thick root is not a snapshot of the base"
		"$JEXEC" ptbtrfs /bin/sh -c 'echo snap > /etc/mine'
		assert_eq "$(cat "$root/etc/mine")" snap "the jail writes into its snapshot"
		[ -e "$mnt/state/bases/ptbbtrfs/1/etc/mine" ] && fail "a thick jail on btrfs wrote into the base"
		"$JAIL" -q -r ptbtrfs
		"$JBASE" -r ptbbtrfs
		[ -e "$mnt/state/bases/ptbbtrfs" ] && fail "the base's subvolume was not removed"
		rm -rf "$mnt/state/jails/ptbtrfs"
		[ -e "$mnt/state/jails/ptbtrfs" ] && fail "the thick root's subvolume was not removed"
		true
	)
}
