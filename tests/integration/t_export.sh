# jexport and jimport: a jail on a base as one archive, and back; hostile archives refused.

JBASE=${JBASE:-${JAIL%/jail}/jbase}
JEXPORT=${JEXPORT:-${JAIL%/jail}/jexport}
JIMPORT=${JIMPORT:-${JAIL%/jail}/jimport}

# What a tree holds, one line per name: type, mode, owner, hard links between its files, data, xattrs
# (overlayfs shares one inode among its whiteouts, so theirs are not compared).
tree_manifest() {
	$PYTHON3 - "$1" <<'PYEOF'
import hashlib, os, stat, sys
top = sys.argv[1]
seen = {}
for d, dirs, files in sorted(os.walk(top)):
    dirs.sort()
    for n in sorted(dirs + files):
        p = os.path.join(d, n)
        st = os.lstat(p)
        rel = os.path.relpath(p, top)
        data = ""
        if stat.S_ISREG(st.st_mode):
            data = hashlib.sha256(open(p, "rb").read()).hexdigest()[:16]
        elif stat.S_ISLNK(st.st_mode):
            data = "-> " + os.readlink(p)
        elif stat.S_ISCHR(st.st_mode):
            data = "dev %d:%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
        link = seen.setdefault(st.st_ino, rel) if st.st_nlink > 1 and stat.S_ISREG(st.st_mode) else ""
        xa = sorted("%s=%s" % (k, os.getxattr(p, k, follow_symlinks=False))
                    for k in os.listxattr(p, follow_symlinks=False) if not k.startswith("trusted.overlay.origin"))
        print(rel, stat.filemode(st.st_mode), "%d:%d" % (st.st_uid, st.st_gid), link, data, " ".join(xa))
PYEOF
}

test_export_then_import_gives_the_same_jail() {
	"$JBASE" -c -d "$ROOT" ptbexp
	"$JAIL" -q -c name=ptexp base=ptbexp host.hostname=exp.example.org persist \
		exec.prestart="touch $WORK/prestart-ran" exec.start="/bin/true"
	"$JEXEC" ptexp /bin/sh -c '
		mkdir -p /srv/d && echo data > /srv/d/f && chown 1000:1001 /srv/d/f && chmod 640 /srv/d/f
		ln /srv/d/f /srv/d/hard && ln -s ../d/f /srv/d/soft && chmod 1777 /srv/d
		rm /bin/vi
		rm -rf /home/jdoe && mkdir /home/jdoe && echo new > /home/jdoe/n'
	expect_error "jexport: ptexp: running: stop it first (jail -r ptexp)" "$JEXPORT" ptexp "$WORK/exp.tgz"
	"$JAIL" -q -r ptexp
	rm -f "$WORK/prestart-ran"
	up=$STATEDIR/jails/ptexp/upper
	$PYTHON3 -c 'import os, sys; os.setxattr(sys.argv[1], "user.note", b"kept")' "$up/srv/d/f"
	[ -c "$up/bin/vi" ] || fail "no whiteout in the layer"
	"$JEXPORT" ptexp "$WORK/exp.tgz"
	expect_error "jexport: ptexp: $WORK/exp.tgz: File exists" "$JEXPORT" ptexp "$WORK/exp.tgz"
	before=$(tree_manifest "$up")
	mv "$STATEDIR/jails/ptexp" "$WORK/orig"
	"$JIMPORT" "$WORK/exp.tgz"
	after=$(tree_manifest "$up")
	assert_eq "$after" "$before" "the imported layer (files, owners, modes, hard links, whiteouts, xattrs)"
	assert_contains "$after" "home/jdoe drwxr-xr-x 0:0   trusted.overlay.opaque=b'y'" "an opaque directory kept"
	conf=$STATEDIR/jails/ptexp/jail.conf
	grep -q '^	# exec.prestart = ' "$conf" || fail "a host-side hook was imported: $(cat "$conf")"
	"$JAIL" -q -f "$conf" -c ptexp
	[ -e "$WORK/prestart-ran" ] && fail "an imported exec.prestart ran on the host"
	assert_eq "$("$JEXEC" ptexp cat /srv/d/f)" data "an imported file inside"
	assert_eq "$("$JEXEC" ptexp hostname)" exp.example.org "imported parameters"
	"$JEXEC" ptexp test -e /bin/vi && fail "a removal was lost on import"
	"$JEXEC" ptexp test -e /home/jdoe/.profile && fail "an opaque directory shows the base's files"
	"$JAIL" -q -r ptexp
	expect_error "jimport: $WORK/exp.tgz: $STATEDIR/jails/ptexp exists already: remove it, or import under another name (-n)" \
		"$JIMPORT" "$WORK/exp.tgz"
	# The base missing, then at another generation: refused, naming the fix, leaving nothing.
	"$JBASE" -r ptbexp
	expect_error "jimport: $WORK/exp.tgz: base \"ptbexp\" is missing: build it first (jbase -c -d $ROOT ptbexp) and import again" \
		"$JIMPORT" -n ptexp2 "$WORK/exp.tgz"
	"$JBASE" -c -d "$ROOT" ptbexp
	"$JBASE" -u ptbexp
	expect_error "jimport: $WORK/exp.tgz: base \"ptbexp\" is at generation 2, the jail was exported on generation 1: import with -u to put it on generation 2" \
		"$JIMPORT" -n ptexp2 "$WORK/exp.tgz"
	assert_eq "$(ls -A "$STATEDIR/jails")" ptexp "a refused import left something"
	"$JIMPORT" -u -n ptexp2 "$WORK/exp.tgz"
	"$JAIL" -q -f "$STATEDIR/jails/ptexp2/jail.conf" -c ptexp2
	assert_eq "$("$JEXEC" ptexp2 cat /home/jdoe/n)" new "imported under another name, on generation 2"
	"$JAIL" -q -r ptexp2
	rm -rf "$STATEDIR/jails"/pt* "$WORK/orig"
	"$JBASE" -r ptbexp
}

test_export_thick_jail_whole() {
	"$JBASE" -c -d "$ROOT" ptbexpk
	"$JAIL" -q -c name=ptexpk base=ptbexpk base.type=thick persist
	"$JEXEC" ptexpk /bin/sh -c 'echo thick > /etc/mine'
	"$JAIL" -q -r ptexpk
	"$JEXPORT" ptexpk "$WORK/thick.tgz"
	root=$STATEDIR/jails/ptexpk/root
	before=$(tree_manifest "$root")
	rm -rf "$STATEDIR/jails/ptexpk"
	# A thick jail needs no base.
	"$JBASE" -r ptbexpk
	"$JIMPORT" "$WORK/thick.tgz"
	assert_eq "$(tree_manifest "$root")" "$before" "the imported thick root"
	"$JAIL" -q -f "$STATEDIR/jails/ptexpk/jail.conf" -c ptexpk
	assert_eq "$("$JEXEC" ptexpk cat /etc/mine)" thick "a thick jail imported whole"
	"$JAIL" -q -r ptexpk
	rm -rf "$STATEDIR/jails"/pt*
}

# Archives in jexport's form around hostile entries, made with python3's tarfile.
make_hostile() {
	$PYTHON3 - "$WORK" <<'PYEOF'
import io, json, sys, tarfile
w = sys.argv[1]
def meta(type="thin", params=None):
    return json.dumps({"format": 1, "name": "pthost", "base": "ptbhost", "type": type, "generation": 1,
                       "params": params or {"persist": ["true"]}}).encode()
base = json.dumps({"name": "ptbhost", "generation": 1, "source": "directory:/x"}).encode()
def add(t, name, data=b"x", **kw):
    i = tarfile.TarInfo(name)
    for k, v in kw.items():
        setattr(i, k, v)
    if i.type == tarfile.REGTYPE:
        i.size = len(data)
        t.addfile(i, io.BytesIO(data))
    else:
        t.addfile(i)
def archive(name, entries, m=None, first=None):
    with tarfile.open(w + "/" + name, "w:gz", format=tarfile.PAX_FORMAT) as t:
        if first:
            first(t)
        else:
            add(t, "jail.json", m or meta())
            add(t, "base.json", base)
        add(t, "layer/", type=tarfile.DIRTYPE, mode=0o755)
        for e in entries:
            e(t)
archive("abs.tgz", [lambda t: add(t, w + "/outside/abs")])
archive("dotdot.tgz", [lambda t: add(t, "layer/../../outside/evil")])
archive("symlink.tgz", [lambda t: add(t, "layer/esc", type=tarfile.SYMTYPE, linkname=w + "/outside"),
                        lambda t: add(t, "layer/esc/through")])
archive("hardout.tgz", [lambda t: add(t, "layer/pw", type=tarfile.LNKTYPE, linkname="layer/../../../etc/passwd")])
archive("hardlink.tgz", [lambda t: add(t, "layer/l", type=tarfile.SYMTYPE, linkname="/etc/shadow"),
                         lambda t: add(t, "layer/h", type=tarfile.LNKTYPE, linkname="layer/l")])
archive("device.tgz", [lambda t: add(t, "layer/disk", type=tarfile.BLKTYPE, devmajor=8, devminor=0)])
archive("chardev.tgz", [lambda t: add(t, "layer/mem", type=tarfile.CHRTYPE, devmajor=1, devminor=1)])
archive("thickwhiteout.tgz", [lambda t: add(t, "layer/wh", type=tarfile.CHRTYPE, devmajor=0, devminor=0)],
        m=meta("thick"))
archive("bigmeta.tgz", [], m=b" " * 70000 + meta())
archive("fifofirst.tgz", [], first=lambda t: add(t, "jail.json", type=tarfile.FIFOTYPE))
archive("badparam.tgz", [], m=meta(params={"no.such": ["1"]}))
archive("neutral.tgz", [lambda t: add(t, "layer/bin", type=tarfile.DIRTYPE, mode=0o755),
                        lambda t: add(t, "layer/bin/su", b"su", mode=0o4755),
                        lambda t: add(t, "layer/bin/sg", b"sg", mode=0o2755),
                        lambda t: add(t, "layer/fifo", type=tarfile.FIFOTYPE),
                        lambda t: add(t, "layer/wh", type=tarfile.CHRTYPE, devmajor=0, devminor=0)],
        m=meta(params={"persist": ["true"], "exec.poststart": ["touch " + w + "/outside/ran"],
                       "mount": [w + " /mnt nullfs ro 0 0"]}))
archive("big.tgz", [lambda t: add(t, "layer/big", b"\0" * (3 << 20))], m=meta("thick"))
PYEOF
}

test_import_refuses_hostile_archives_and_leaves_nothing() {
	mkdir -p "$WORK/outside"
	make_hostile
	"$JBASE" -c -d "$ROOT" ptbhost
	local a
	for a in "abs.tgz:\"$WORK/outside/abs\": a path outside the jail's layer" \
		'dotdot.tgz:"layer/../../outside/evil": a path outside the jail'"'"'s layer' \
		'symlink.tgz:"layer/esc/through": Cannot extract through symlink esc/through' \
		'hardout.tgz:"layer/pw": a hard link to "layer/../../../etc/passwd", outside the jail'"'"'s layer' \
		'hardlink.tgz:"layer/h": a hard link to "layer/l", not a file of the archive' \
		'device.tgz:"layer/disk": a device node' \
		'chardev.tgz:"layer/mem": a device node' \
		'thickwhiteout.tgz:"layer/wh": a device node' \
		'bigmeta.tgz:jail.json: larger than 65535 bytes' \
		'fifofirst.tgz:not an archive of jexport (no jail.json first)' \
		'badparam.tgz:jail.json: parameter "no.such": not a parameter a jail keeps'; do
		expect_error "jimport: $WORK/${a%%:*}: ${a#*:}" "$JIMPORT" "$WORK/${a%%:*}"
		[ -z "$(ls -A "$STATEDIR/jails")" ] || fail "${a%%:*}: a refused import left $(ls -A "$STATEDIR/jails")"
	done
	[ -z "$(ls -A "$WORK/outside")" ] || fail "a hostile archive wrote outside: $(ls -A "$WORK/outside")"
	# Neutralised: setuid and setgid bits dropped (kept with -s), FIFOs left out, host-side parameters not taken.
	"$JIMPORT" "$WORK/neutral.tgz"
	up=$STATEDIR/jails/pthost/upper
	assert_eq "$(stat -c %a "$up/bin/su") $(stat -c %a "$up/bin/sg")" "755 755" "setuid and setgid dropped"
	[ -e "$up/fifo" ] && fail "a FIFO was imported"
	[ -c "$up/wh" ] || fail "a thin layer's whiteout was not imported"
	grep -q '^	exec.poststart\|^	mount' "$STATEDIR/jails/pthost/jail.conf" && fail "host-side parameters imported"
	"$JAIL" -q -f "$STATEDIR/jails/pthost/jail.conf" -c pthost
	[ -e "$WORK/outside/ran" ] && fail "an imported exec.poststart ran on the host"
	"$JAIL" -q -r pthost
	rm -rf "$STATEDIR/jails/pthost"
	"$JIMPORT" -s "$WORK/neutral.tgz"
	assert_eq "$(stat -c %a "$up/bin/su")" 4755 "setuid kept with -s"
	rm -rf "$STATEDIR/jails/pthost"
	"$JBASE" -r ptbhost
}

# A small tmpfs as the state directory: a full disk is one line, and leaves nothing.
test_import_and_base_on_a_full_disk() {
	make_hostile
	mkdir -p "$WORK/small"
	mount -t tmpfs -o size=1m tmpfs "$WORK/small"
	trap 'umount "$WORK/small"' EXIT
	(
		export PRISON_STATEDIR=$WORK/small/state
		expect_error "jimport: $WORK/big.tgz: \"layer/big\": 3145728 bytes, more than the 1048576 bytes left in $WORK/small/state" \
			"$JIMPORT" "$WORK/big.tgz"
		[ -z "$(ls -A "$WORK/small/state/jails")" ] || fail "a refused import left $(ls -A "$WORK/small/state/jails")"
		out=$("$JBASE" -c -d "$ROOT" ptbfull 2>&1) && fail "a base larger than the disk was built"
		assert_eq "$(echo "$out" | wc -l)" 1 "one line: $out"
		assert_contains "$out" "No space left on device" "the reason"
		[ -z "$(ls -A "$WORK/small/state/bases" | grep -v '^\.lock$')" ] || fail "a failed base left $(ls -A "$WORK/small/state/bases")"
		true
	)
}
