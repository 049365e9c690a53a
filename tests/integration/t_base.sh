# Bases (jbase) and thin jails (base=NAME): built from a directory, a tarball
# or Debian; shared read-only, written privately; updated at the next start.

JBASE=${JBASE:-${JAIL%/jail}/jbase}

# The tree of generation $2 of base $1.
base_tree() { echo "$STATEDIR/bases/$1/$2"; }

# Everything a test made in the state directory goes: jails' layers, bases.
base_cleanup() {
	local b
	for b in "$@"; do "$JBASE" -r "$b" >/dev/null 2>&1 || true; done
	rm -rf "$STATEDIR/jails"/pt*
}

test_base_from_directory_and_tarball_is_listed() {
	"$JBASE" -c -d "$ROOT" ptbdir
	tar -C "$ROOT" -czf "$WORK/root.tar.gz" .
	"$JBASE" -c -t "$WORK/root.tar.gz" ptbtar
	for b in ptbdir ptbtar; do
		cmp -s "$ROOT/bin/busybox" "$(base_tree $b 1)/bin/busybox" || fail "$b: busybox not copied"
		assert_eq "$(stat -c %U:%a "$(base_tree $b 1)/home/jdoe")" "$(stat -c %U:%a "$ROOT/home/jdoe")" "$b: owner and mode kept"
		assert_eq "$(readlink "$(base_tree $b 1)/bin/ls")" busybox "$b: a symbolic link is copied as one"
		assert_contains "$(cat "$(base_tree $b 1)/etc/prison-base")" "BASE_GENERATION=1" "$b: identity in the tree"
	done
	[ -e "$ROOT/etc/prison-base" ] && fail "the source directory was written"
	out=$("$JBASE")
	assert_eq "$(echo "$out" | head -1 | tr -s ' ')" "NAME GEN JAILS CREATED SOURCE" "listing header"
	assert_contains "$out" "ptbdir               1     0 " "listing of the directory base"
	assert_contains "$out" "directory:$ROOT" "source of the directory base"
	assert_contains "$out" "tarball:$WORK/root.tar.gz" "source of the tarball base"
	"$JBASE" --libxo json ptbtar | $PYTHON3 -c '
import json, sys
b = json.load(sys.stdin)["base-information"]["base"]
assert len(b) == 1 and b[0]["name"] == "ptbtar" and b[0]["generation"] == 1 and b[0]["jails"] == 0, b
assert b[0]["created"].endswith("Z"), b' || fail "jbase --libxo json"
	expect_error 'jbase: base "ptbdir": already exists' "$JBASE" -c -d "$ROOT" ptbdir
	base_cleanup ptbdir ptbtar
	[ -z "$(ls "$STATEDIR/bases")" ] || fail "bases left: $(ls "$STATEDIR/bases")"
}

test_thin_jails_share_the_base_and_write_privately() {
	"$JBASE" -c -d "$ROOT" ptbshare
	"$JAIL" -q -c name=ptthin1 base=ptbshare persist
	"$JAIL" -q -c name=ptthin2 base=ptbshare persist
	for j in ptthin1 ptthin2; do
		assert_contains "$("$JEXEC" $j cat /etc/prison-base)" 'BASE_NAME="ptbshare"' "$j: the base's identity inside"
		assert_eq "$("$JEXEC" $j stat -c %U /bin/busybox)" root "$j: base files are root's inside"
	done
	"$JEXEC" ptthin1 /bin/sh -c 'echo one > /etc/mine; echo changed >> /etc/passwd; rm /bin/vi'
	assert_eq "$("$JEXEC" ptthin1 cat /etc/mine)" one "a file written in a thin jail"
	"$JEXEC" ptthin2 test -e /etc/mine && fail "a file of one thin jail is seen in another"
	"$JEXEC" ptthin2 grep -q changed /etc/passwd && fail "a change of one thin jail is seen in another"
	"$JEXEC" ptthin2 test -L /bin/vi || fail "a removal in one thin jail reached another"
	[ -e "$(base_tree ptbshare 1)/etc/mine" ] && fail "a thin jail wrote into the base"
	grep -q changed "$(base_tree ptbshare 1)/etc/passwd" && fail "a thin jail changed a base file"
	# Writes to base files do not fail with EROFS: they land in the jail's own layer, owned by root on disk.
	up=$STATEDIR/jails/ptthin1/upper
	assert_eq "$(stat -c %u:%g "$up/etc/mine")" 0:0 "jail root's file is root's on disk in its layer"
	grep -q changed "$up/etc/passwd" || fail "the changed base file is not in the jail's layer"
	# Only in the jail's own mount namespace.
	grep -q "$STATEDIR" /proc/self/mountinfo && fail "a thin jail's overlay is in the host's mount table"
	# A thin jail costs little: at most 2 MB of its own plus what it writes (here a few bytes).
	"$JEXEC" ptthin2 /bin/sh -c 'dd if=/dev/zero of=/root/blob bs=1k count=512 2>/dev/null'
	kb=$(du -sk "$STATEDIR/jails/ptthin2" | cut -f1)
	[ "$kb" -le $((2048 + 512)) ] || fail "a thin jail uses $kb KiB of disk"
	expect_error 'jbase: base "ptbshare": in use by 2 jails' "$JBASE" -r ptbshare
	"$JAIL" -q -r ptthin1 ptthin2
	[ -e "$up/etc/mine" ] || fail "the jail's layer went with the jail"
	"$JBASE" -r ptbshare
	[ -e "$STATEDIR/bases/ptbshare" ] && fail "a removed base is still there"
	base_cleanup
}

test_base_update_reaches_a_jail_at_its_next_start() {
	mkdir -p "$WORK/src"
	cp -a "$ROOT/." "$WORK/src/"
	"$JBASE" -c -d "$WORK/src" ptbup
	"$JAIL" -q -c name=ptup base=ptbup persist
	"$JEXEC" ptup /bin/sh -c 'echo kept > /root/note'
	echo two >"$WORK/src/etc/version"
	"$JBASE" -u ptbup
	assert_contains "$("$JBASE" -q ptbup)" "ptbup                2     1 " "the base is at generation 2, one jail on it"
	"$JEXEC" ptup test -e /etc/version && fail "an update reached a running jail"
	assert_contains "$("$JEXEC" ptup cat /etc/prison-base)" "BASE_GENERATION=1" "a running jail keeps its generation"
	assert_eq "$("$JLS" -j ptup base.generation)" 1 "jls: the generation the jail runs"
	[ -d "$(base_tree ptbup 1)" ] || fail "the generation a jail runs on was removed"
	"$JAIL" -q -r ptup
	"$JAIL" -q -c name=ptup base=ptbup persist
	assert_eq "$("$JEXEC" ptup cat /etc/version)" two "the update after the next start"
	assert_contains "$("$JEXEC" ptup cat /etc/prison-base)" "BASE_GENERATION=2" "the identity follows"
	assert_eq "$("$JEXEC" ptup cat /root/note)" kept "the jail's own layer survives the update"
	assert_eq "$("$JLS" -j ptup base.generation)" 2 "jls: the new generation"
	# Generation 1, used by no jail now, goes at the next change of the base.
	echo three >"$WORK/src/etc/version"
	"$JBASE" -u ptbup
	[ -d "$(base_tree ptbup 1)" ] && fail "an unused old generation was kept"
	[ -d "$(base_tree ptbup 2)" ] || fail "the generation a jail runs on was removed"
	"$JAIL" -q -r ptup
	base_cleanup ptbup
}

test_base_hostile_tarballs_are_refused_and_leave_nothing() {
	mkdir -p "$WORK/outside"
	$PYTHON3 - "$WORK" <<'PYEOF'
import io, sys, tarfile
w = sys.argv[1]
def add(t, name, data=b"x", **kw):
    i = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(i, k, v)
    if i.type == tarfile.REGTYPE:
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))
    else:
        t.addfile(i)
with tarfile.open(w + "/dotdot.tar", "w") as t:
    add(t, "etc", type=tarfile.DIRTYPE, mode=0o755)
    add(t, "etc/../../evil")
with tarfile.open(w + "/abs.tar", "w") as t:
    add(t, w + "/outside/abs")
with tarfile.open(w + "/link.tar", "w") as t:
    add(t, "escape", type=tarfile.SYMTYPE, linkname=w + "/outside")
    add(t, "escape/through")
with tarfile.open(w + "/hard.tar", "w") as t:
    add(t, "passwd", type=tarfile.LNKTYPE, linkname="../../../etc/passwd")
with tarfile.open(w + "/dev.tar", "w") as t:
    add(t, "bin", type=tarfile.DIRTYPE, mode=0o755)
    add(t, "bin/su", b"su", mode=0o4755)
    add(t, "disk", type=tarfile.BLKTYPE, devmajor=8, devminor=0)
PYEOF
	expect_error "jbase: base \"ptbbad\": $WORK/dotdot.tar: \"etc/../../evil\": a path outside the base (absolute or with \"..\")" \
		"$JBASE" -c -t "$WORK/dotdot.tar" ptbbad
	expect_error "jbase: base \"ptbbad\": $WORK/abs.tar: \"$WORK/outside/abs\": a path outside the base (absolute or with \"..\")" \
		"$JBASE" -c -t "$WORK/abs.tar" ptbbad
	expect_error "jbase: base \"ptbbad\": $WORK/link.tar: \"escape/through\": Cannot extract through symlink escape/through" \
		"$JBASE" -c -t "$WORK/link.tar" ptbbad
	expect_error "jbase: base \"ptbbad\": $WORK/hard.tar: \"passwd\": a hard link to \"../../../etc/passwd\", outside the base" \
		"$JBASE" -c -t "$WORK/hard.tar" ptbbad
	[ -z "$(ls -A "$WORK/outside")" ] || fail "a hostile archive wrote outside: $(ls -A "$WORK/outside")"
	[ -z "$(ls -A "$STATEDIR/bases" | grep -v '^\.lock$')" ] || fail "a refused archive left: $(ls -A "$STATEDIR/bases")"
	# Device nodes are left out and setuid bits dropped, unless -s keeps them.
	"$JBASE" -c -t "$WORK/dev.tar" ptbdev
	[ -e "$(base_tree ptbdev 1)/disk" ] && fail "a device node was extracted"
	assert_eq "$(stat -c %a "$(base_tree ptbdev 1)/bin/su")" 755 "setuid dropped"
	"$JBASE" -u -s -t "$WORK/dev.tar" ptbdev
	assert_eq "$(stat -c %a "$(base_tree ptbdev 2)/bin/su")" 4755 "setuid kept with -s"
	base_cleanup ptbdev
}

test_base_bad_input() {
	expect_error "jbase: base \"ptbx\": directory \"$WORK/none\": No such file or directory" \
		"$JBASE" -c -d "$WORK/none" ptbx
	mkfifo "$WORK/fifo"
	expect_error "jbase: base \"ptbx\": $WORK/fifo: not a regular file" "$JBASE" -c -t "$WORK/fifo" ptbx
	echo "not an archive" >"$WORK/junk.tar"
	expect_error "jbase: base \"ptbx\": $WORK/junk.tar: Unrecognized archive format" "$JBASE" -c -t "$WORK/junk.tar" ptbx
	expect_error 'jbase: base "../x": not a base name (letters, digits, '"'.', '_', '-')" "$JBASE" -c -d "$ROOT" ../x
	expect_error 'jbase: base "ptnone": no such base' "$JBASE" -r ptnone
	expect_error 'jbase: base "ptnone": no such base' "$JBASE" -u ptnone
	expect_error 'jail: ptbj: base "ptnone": no such base' "$JAIL" -c name=ptbj base=ptnone persist
	"$JBASE" -c -d "$ROOT" ptbro
	expect_error 'jail: ptbj: base.generation: parameter is read-only' "$JAIL" -c name=ptbj base=ptbro base.generation=1 persist
	[ -z "$(ls -A "$STATEDIR/bases" | grep -v -e '^\.lock$' -e '^ptbro$')" ] || fail "bad input left: $(ls -A "$STATEDIR/bases")"
	base_cleanup ptbro
}

test_base_thin_jail_from_jail_conf() {
	"$JBASE" -c -d "$ROOT" ptbconf
	printf 'ptconf {\n\tbase = ptbconf;\n\tpersist;\n}\n' >"$WORK/base.conf"
	"$JAIL" -q -f "$WORK/base.conf" -c ptconf
	assert_contains "$("$JEXEC" ptconf cat /etc/prison-base)" 'BASE_NAME="ptbconf"' "a thin jail from jail.conf"
	assert_eq "$("$JLS" -j ptconf path)" "$STATEDIR/jails/ptconf/root" "path's default"
	"$JAIL" -q -f "$WORK/base.conf" -r ptconf
	base_cleanup ptbconf
}

# A builder that leaves mounts in the tree it made, as mmdebstrap once left
# a read-only /proc: they are detached before the tree goes into place, and
# a failed build leaves neither mounts nor tree.
test_base_build_leaves_no_mount_in_the_base() {
	mkdir -p "$WORK/fakebin"
	cat >"$WORK/fakebin/mmdebstrap" <<FAKE
#!/bin/sh
for a; do [ -d "\$a" ] && dir=\$a; done
cp -a "$ROOT"/. "\$dir"/ && mkdir -p "\$dir/proc" "\$dir/run" || exit 1
mount -t proc -o ro proc "\$dir/proc" && mount -t tmpfs tmpfs "\$dir/run" || exit 1
mkdir "\$dir/run/sub" && mount -t tmpfs tmpfs "\$dir/run/sub" || exit 1
[ -z "\$FAKE_FAIL" ] || { echo "E: a step failed" >&2; exit 1; }
FAKE
	chmod 755 "$WORK/fakebin/mmdebstrap"
	PATH="$WORK/fakebin:$PATH" "$JBASE" -c -D bookworm ptbmnt
	left=$(mounts_at_or_below "$STATEDIR/bases")
	[ -z "$left" ] || { echo "$left" | awk '{ print $1 }' | sort -r | xargs -r -n1 umount -l; fail "mounts left in the base: $left"; }
	[ -z "$(ls -A "$(base_tree ptbmnt 1)/proc")" ] || fail "the base's /proc is not an empty directory"
	"$JAIL" -q -c name=ptbmnt base=ptbmnt command=/bin/true || fail "a thin jail on the base"
	base_cleanup ptbmnt
	FAKE_FAIL=1 PATH="$WORK/fakebin:$PATH" expect_error 'jbase: base "ptbmnt": mmdebstrap failed: E: a step failed' \
		"$JBASE" -c -D bookworm ptbmnt
	left=$(mounts_at_or_below "$STATEDIR/bases")
	[ -z "$left" ] || { echo "$left" | awk '{ print $1 }' | sort -r | xargs -r -n1 umount -l; fail "a failed build left mounts: $left"; }
	[ -z "$(ls -A "$STATEDIR/bases" | grep -v -e '^\.lock$')" ] || fail "a failed build left: $(ls -A "$STATEDIR/bases")"
	base_cleanup ptbmnt
}
