# Helpers shared by the integration tests.  Every jail a test makes is named pt*.

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

assert_eq() { # actual expected what
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
}

assert_contains() { # haystack needle what
	case "$1" in *"$2"*) ;; *) fail "$3: '$2' not in '$1'" ;; esac
}

assert_not_contains() {
	case "$1" in *"$2"*) fail "$3: '$2' unexpectedly in '$1'" ;; esac
}

# expect_error "exact stderr line" command...: must fail with exactly that message.
expect_error() {
	local want=$1 err rc
	shift
	err=$("$@" 2>&1 >/dev/null) && fail "'$*' succeeded, expected: $want"
	assert_eq "$err" "$want" "error of '$*'"
}

# The mounts of this (the host's) mount namespace on each directory given or
# below it: mount point and file system type, one per line, sorted.
mounts_at_or_below() {
	awk -v dirs="$*" 'BEGIN { n = split(dirs, d, " ") }
		{ for (i = 1; i <= n; i++) if ($5 == d[i] || index($5, d[i] "/") == 1) {
			for (f = 7; $f != "-"; f++) ;
			print $5, $(f + 1) } }' /proc/self/mountinfo | sort
}

jail_names() {
	"$JLS" name 2>/dev/null
}

jail_exists() {
	jail_names | grep -qx "$1"
}

# Host uid of a jail's root, from the record.
init_pid_of() {
	python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["init_pid"])' "/run/prison/jail/$1.json"
}

jid_of() {
	"$JLS" -j "$1" jid
}

# Nothing of the test's jails may remain: no record, no cgroup, no control socket.
# Child jails' cgroups sit inside their parents' (prison/P/C, the leaf prison/P/self
# holding P's own processes): every numbered directory at any depth is one jail's.
assert_nothing_left() {
	local n records cgroups stray
	for n in $(jail_names); do
		case "$n" in pt*) fail "jail $n left behind" ;; esac
	done
	records=$(ls /run/prison/jail 2>/dev/null | grep -c '\.json$' || true)
	cgroups=$(jail_cgroups "$CGROUP2" | wc -l)
	assert_eq "$cgroups" "$records" "cgroups against registry records"
	# A v1 cgroup mirrors a cgroup2 one of the same path, never more.
	stray=$(v1_cgroups_without_v2)
	assert_eq "$stray" "" "v1 cgroups with no cgroup2 counterpart"
	sockets=$(ls /run/prison/ctl 2>/dev/null | wc -l)
	assert_eq "$sockets" "$records" "control sockets against registry records"
}

# Paths of the jail cgroups below ROOT/prison (ROOT is $1), one per line.
jail_cgroups() {
	[ -d "$1/prison" ] || return 0
	(cd "$1/prison" && find . -mindepth 1 -type d -regextype posix-extended -regex '\./([0-9]+/)*[0-9]+' | sed 's|^\./||')
}

v1_cgroups_without_v2() {
	local mnt p
	for mnt in $(awk '$3 == "cgroup" { print $2 }' /proc/self/mounts); do
		for p in $(jail_cgroups "$mnt"); do
			[ -d "$CGROUP2/prison/$p" ] || echo "$mnt/prison/$p"
		done
	done
}

# Every record on disk belongs to a live jail, read straight from the registry
# (jls would repair it first and so prove nothing).
assert_registry_consistent() {
	python3 - "$CGROUP2" <<'PY' || fail "registry inconsistent"
import json, os, sys
cg = sys.argv[1]
d = "/run/prison/jail"
for f in os.listdir(d):
    if f.endswith(".pending"):
        sys.exit("pending marker left: " + f)
    if not f.endswith(".json"):
        continue
    r = json.load(open(os.path.join(d, f)))
    try:
        state = open("/proc/%d/stat" % r["init_pid"]).read().rsplit(")", 1)[1].split()[0]
    except OSError:
        sys.exit("record %s: jailinit %d is gone" % (f, r["init_pid"]))
    if state in "ZX" or r["state"] != "active":
        sys.exit("record %s: state %s, jailinit %s" % (f, r["state"], state))
    if not os.path.isdir("%s/prison/%s" % (cg, r.get("cgroup", str(r["jid"])))):
        sys.exit("record %s: no cgroup" % f)
PY
}

remove_test_jails() {
	local n
	for n in $(jail_names); do
		case "$n" in pt*) "$JAIL" -q -r "$n" >/dev/null 2>&1 || true ;; esac
	done
}

# A small root from Debian's busybox-static, with the probe and a few users.
make_root() {
	local root=$1 a
	mkdir -p "$root"/bin "$root"/etc "$root"/proc "$root"/dev "$root"/sys "$root"/tmp "$root"/root \
		"$root"/home/jdoe "$root"/var/empty
	chmod 755 "$root"
	chmod 1777 "$root"/tmp
	cp /bin/busybox "$root"/bin/busybox
	for a in $(/bin/busybox --list); do
		[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
	done
	cp "$PROBE" "$root"/bin/probe
	cat >"$root"/etc/passwd <<'PW'
root:x:0:0:root:/root:/bin/sh
jdoe:x:1001:1001:J Doe:/home/jdoe:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
	cat >"$root"/etc/group <<'GR'
root:x:0:
wheel:x:10:jdoe
jdoe:x:1001:
nogroup:x:65534:
GR
	chown 1001:1001 "$root"/home/jdoe
}

TESTDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# Run function $1 in a network namespace of its own (loopback up), so that a
# test's addresses, bridges and routes never touch the host's stack; the
# jails it makes are removed there too, whatever happens.
in_netns() {
	unshare -n bash -c 'set -eu; . "$1/lib.sh"; for f in "$1"/t_*.sh; do . "$f"; done
		ip link set lo up
		trap remove_test_jails EXIT
		"$2"' _ "$TESTDIR" "$1"
}
