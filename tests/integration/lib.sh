# Helpers shared by the integration tests.  Every jail a test makes is named pt*.
#
# The runtime context (src/lib/runtime.h) the commands work in: run.sh gives
# every shard one of its own, so the paths below are never the host's
# /run/prison, cgroup "prison" and /var/log/prison (the defaults) in a run.
RUNDIR=${PRISON_RUNDIR:-/run/prison}
CGPREFIX=${PRISON_CGROUP:-prison}
LOGDIR=${PRISON_LOGDIR:-/var/log/prison}
STATEDIR=${PRISON_STATEDIR:-/var/lib/prison}
CGROUP2=${CGROUP2:-$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)}

# Debian's python3 where there is one: a python3 found first on the PATH may be
# a wrapper (pyenv's shims take 0.3 s a start, against 0.03 s).
PYTHON3=${PYTHON3:-$(command -v /usr/bin/python3 || command -v python3)}
python3() {
	"$PYTHON3" "$@"
}

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

# BFQ as loop device $1's I/O scheduler; false where the kernel has no BFQ
# (built without it, or a module it cannot load): then nothing weighs I/O.
bfq_schedules() {
	echo bfq 2>/dev/null >"/sys/block/${1#/dev/}/queue/scheduler"
}

# The mounts of this (the host's) mount namespace on each directory given or
# below it: mount point and file system type, one per line, sorted.
mounts_at_or_below() {
	awk -v dirs="$*" 'BEGIN { n = split(dirs, d, " ") }
		{ for (i = 1; i <= n; i++) if ($5 == d[i] || index($5, d[i] "/") == 1) {
			for (f = 7; $f != "-"; f++) ;
			print $5, $(f + 1) } }' /proc/self/mountinfo | sort
}

# wait_until SECONDS WHAT COMMAND...: until COMMAND succeeds, tried every
# 20 ms; after SECONDS, the test fails saying WHAT did not happen.
wait_until() {
	local secs=$1 what=$2 deadline
	shift 2
	deadline=$(( ${EPOCHREALTIME/./} + secs * 1000000 ))
	until "$@"; do
		[ "${EPOCHREALTIME/./}" -lt "$deadline" ] || fail "$what: not after $secs s"
		sleep 0.02
	done
}

# True once process $1 has ended (a zombie has).
pid_gone() {
	local st
	st=$(sed 's/.*) //' "/proc/$1/stat" 2>/dev/null) || return 0
	case "$st" in '' | Z* | X*) return 0 ;; esac
	return 1
}

# wait_gone PID WHAT: until process PID has ended (ten seconds at most).
wait_gone() {
	wait_until 10 "$2" pid_gone "$1"
}

# True if process $1 has SIGTERM in one of the signal masks named after it
# (SigIgn: ignores it, SigCgt: catches it, SigBlk: blocks it).
handles_term() {
	local pid=$1 f m
	shift
	for f; do
		m=$(awk -v f="$f:" '$1 == f { print $2 }' "/proc/$pid/status" 2>/dev/null)
		[ -n "$m" ] && (( (0x$m >> 14) & 1 )) && return 0
	done
	return 1
}

# wait_for_process_in CGROUP_DIR NAME [SigIgn|SigCgt]: the pid of a process
# named NAME in that cgroup (ignoring or catching SIGTERM, if asked), once
# there is one; ten seconds at most.
wait_for_process_in() {
	local p deadline=$(( ${EPOCHREALTIME/./} + 10000000 ))
	while :; do
		for p in $(cat "$1/cgroup.procs" 2>/dev/null); do
			[ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] || continue
			[ -z "${3:-}" ] || handles_term "$p" "$3" || continue
			echo "$p"
			return 0
		done
		[ "${EPOCHREALTIME/./}" -lt "$deadline" ] || fail "no process $2${3:+ with SIGTERM in $3} in $1 after 10 s"
		sleep 0.02
	done
}

# The cgroup2 directory of jail $1 (a name or jid), from its record: a child
# jail's is below its parent's.
cgroup_of() {
	local jid rel
	jid=$(jid_of "$1")
	rel=$(sed -n 's/.*"cgroup":"\([^"]*\)".*/\1/p' "$RUNDIR/jail/$jid.json" | sed 's|\\/|/|g')
	echo "$CGROUP2/$CGPREFIX/${rel:-$jid}"
}

# Threads of process $1.
threads_of() {
	awk '$1 == "Threads:" { print $2 }' "/proc/$1/status" 2>/dev/null
}

# wait_for_spinner JAIL THREADS: until the jail's probe spins with all its threads.
wait_for_spinner() {
	local p
	p=$(wait_for_process_in "$(cgroup_of "$1")" probe)
	wait_until 10 "$2 spinning threads in $1" eval '[ "$(threads_of '"$p"')" = '"$2"' ]'
}

# "SLEEPS OTHERS": how many processes of jail $1 are sleeps, how many are not.
sleeps_and_others() {
	local p s=0 o=0
	for p in $(cat "$(cgroup_of "$1")/cgroup.procs"); do
		if [ "$(cat "/proc/$p/comm" 2>/dev/null)" = sleep ]; then s=$((s + 1)); else o=$((o + 1)); fi
	done
	echo "$s $o"
}

# Number of processes in jail $1's cgroup.
procs_in() {
	wc -l <"$(cgroup_of "$1")/cgroup.procs"
}

# listening PORT COUNT [COMMAND...]: true once COUNT TCP sockets listen on
# PORT, in this network namespace or in the one COMMAND (nsenter) enters.
listening() {
	local port=$1 count=$2
	shift 2
	[ "$("$@" ss -Htln "sport = :$port" | wc -l)" -ge "$count" ]
}

# wait_listening [-j JAIL] PORT [COUNT]: until COUNT (1) servers listen on
# PORT, here or in vnet jail JAIL's own stack.
wait_listening() {
	if [ "$1" = -j ]; then
		local jail=$2
		shift 2
		wait_until 10 "${2:-1} server(s) listening on port $1 in $jail" listening_in "$jail" "$1" "${2:-1}"
		return
	fi
	wait_until 10 "${2:-1} server(s) listening on port $1" listening "$1" "${2:-1}"
}

# listening_in JAIL PORT COUNT: listening in JAIL's network namespace, through
# its jailinit as it is now (a command may just have woken an idle jail).
listening_in() {
	local pid
	pid=$(init_pid_of "$(jid_of "$1")")
	[ -n "$pid" ] && [ -e "/proc/$pid/ns/net" ] && listening "$2" "$3" nsenter -t "$pid" -n
}

jail_names() {
	"$JLS" name 2>/dev/null
}

jail_exists() {
	jail_names | grep -qx "$1"
}

jail_gone() {
	! jail_exists "$1"
}

# True while jail $1 is being removed (listed by jls -d only).
is_dying() {
	[ "$("$JLS" -d -j "$1" dying 2>/dev/null)" = true ]
}

# The host pid of jailinit of jail $1 (a jid), from the record.
# The entry of a host ID range (/run/prison-ids/BASE): the target of a
# symbolic link (a regular file before entries were links); nothing and a
# non-zero status when there is none.
idrange_entry() {
	if [ -L "$1" ]; then readlink "$1"; else cat "$1" 2>/dev/null; fi
}

init_pid_of() {
	sed -n 's/.*"init_pid":\([0-9]*\).*/\1/p' "$RUNDIR/jail/$1.json"
}

# The first host ID of jail $1's range (a jid), from the record: jail root on the host.
uid_base_of() {
	sed -n 's/.*"uid_base":\([0-9]*\).*/\1/p' "$RUNDIR/jail/$1.json"
}

jid_of() {
	"$JLS" -j "$1" jid
}

# Nothing of the test's jails may remain: no record, no cgroup, no control socket.
# Child jails' cgroups sit inside their parents' ($CGPREFIX/P/C, the leaf $CGPREFIX/P/self
# holding P's own processes): every numbered directory at any depth is one jail's.
assert_nothing_left() {
	local n records cgroups stray sockets
	for n in $(jail_names); do
		case "$n" in pt*) fail "jail $n left behind" ;; esac
	done
	records=$(ls "$RUNDIR/jail" 2>/dev/null | grep -c '\.json$' || true)
	cgroups=$(jail_cgroups "$CGROUP2" | wc -l)
	assert_eq "$cgroups" "$records" "cgroups against registry records"
	# A v1 cgroup mirrors a cgroup2 one of the same path, never more.
	stray=$(v1_cgroups_without_v2)
	assert_eq "$stray" "" "v1 cgroups with no cgroup2 counterpart"
	sockets=$(ls "$RUNDIR/ctl" 2>/dev/null | wc -l)
	assert_eq "$sockets" "$records" "control sockets against registry records"
	# A jail socket for jails made inside a jail (t_nested.sh) is a live jail's, and its server goes with it.
	for n in $(ls "$RUNDIR/nest" 2>/dev/null); do
		[ -e "$RUNDIR/jail/${n%.sock}.json" ] || fail "jail socket $n left behind"
	done
}

# The cgroup v1 hierarchies, one mount point per line.
v1_mounts() {
	awk '$3 == "cgroup" { print $2 }' /proc/self/mounts
}

# The v1 hierarchy of controller $1 (memory, pids...), or nothing.
v1_mount_of() {
	awk -v c="$1" '$3 == "cgroup" { n = split($4, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $2; exit } }' \
		/proc/self/mounts
}

# Paths of the jail cgroups below HIERARCHY/$CGPREFIX (HIERARCHY is $1), one per line.
jail_cgroups() {
	[ -d "$1/$CGPREFIX" ] || return 0
	(cd "$1/$CGPREFIX" && find . -mindepth 1 -type d -regextype posix-extended -regex '\./([0-9]+/)*[0-9]+' | sed 's|^\./||')
}

v1_cgroups_without_v2() {
	local mnt p
	for mnt in $(v1_mounts); do
		for p in $(jail_cgroups "$mnt"); do
			[ -d "$CGROUP2/$CGPREFIX/$p" ] || echo "$mnt/$CGPREFIX/$p"
		done
	done
}

# Every record on disk belongs to a live jail, read straight from the registry
# (jls would repair it first and so prove nothing).
assert_registry_consistent() {
	python3 - "$RUNDIR/jail" "$CGROUP2/$CGPREFIX" <<'PY' || fail "registry inconsistent"
import json, os, sys
d, cg = sys.argv[1], sys.argv[2]
for f in os.listdir(d):
    if f.endswith(".pending"):
        sys.exit("pending marker left: " + f)
    if not f.endswith(".json"):
        continue
    r = json.load(open(os.path.join(d, f)))
    p = r.get("params", {})
    # An idle jail (persist.idle, jail(8) IDLE JAILS) lives on its pins, with no jailinit.
    idle = p.get("persist") == "true" and p.get("persist.idle") == "true" and \
        os.path.isdir("%s/../pins/%d" % (d, r["jid"]))
    try:
        state = open("/proc/%d/stat" % r["init_pid"]).read().rsplit(")", 1)[1].split()[0]
    except OSError:
        state = "gone"
    if idle and state in ("gone", "Z", "X"):
        state = "idle"
    elif state == "gone":
        sys.exit("record %s: jailinit %d is gone" % (f, r["init_pid"]))
    if state in "ZX" or r["state"] != "active":
        sys.exit("record %s: state %s, jailinit %s" % (f, r["state"], state))
    if not os.path.isdir("%s/%s" % (cg, r.get("cgroup", str(r["jid"])))):
        sys.exit("record %s: no cgroup" % f)
PY
}

# Remove cgroup $1: what still runs there (a jail its commands could not
# remove) is killed first; gives up after ten seconds.
remove_cgroup() {
	local c=$1 i
	for i in $(seq 100); do
		rmdir "$c" 2>/dev/null && return 0
		[ -d "$c" ] || return 0
		[ -e "$c/cgroup.kill" ] && echo 1 >"$c/cgroup.kill" 2>/dev/null
		xargs -r kill -9 <"$c/cgroup.procs" 2>/dev/null || true
		sleep 0.1
	done
	echo "cannot remove cgroup $c: $(tr '\n' ' ' <"$c/cgroup.procs" 2>/dev/null)" >&2
	return 1
}

# Undo everything of the runtime context RUNDIR CGROUP LOGDIR [STATEDIR]: its jails,
# its cgroups in cgroup2 and in every v1 hierarchy (deepest first), and the
# tmpfs the commands mounted on RUNDIR.  A test context only (its cgroup
# named prison-test-*), never the host's.  The caller removes the directories.
context_cleanup() {
	local rundir=$1 cg=$2 logdir=$3 statedir=${4:-$STATEDIR} n mnt c rc=0
	case "$cg" in prison-test-?*) ;; *) echo "context_cleanup: \"$cg\" is not a test context" >&2; return 1 ;; esac
	if [ -d "$rundir/jail" ]; then
		for n in $(PRISON_RUNDIR=$rundir PRISON_CGROUP=$cg PRISON_LOGDIR=$logdir PRISON_STATEDIR=$statedir \
			"$JLS" name 2>/dev/null); do
			PRISON_RUNDIR=$rundir PRISON_CGROUP=$cg PRISON_LOGDIR=$logdir PRISON_STATEDIR=$statedir \
				"$JAIL" -q -r "$n" >/dev/null 2>&1 || true
		done
	fi
	for mnt in "$CGROUP2" $(v1_mounts); do
		[ -d "$mnt/$cg" ] || continue
		for c in $(find "$mnt/$cg" -depth -type d); do
			remove_cgroup "$c" || rc=1
		done
	done
	while mountpoint -q "$rundir" 2>/dev/null; do
		umount -l "$rundir" || { rc=1; break; }
	done
	return $rc
}

# What contexts left on the host: cgroups whose name matches the pattern $1
# in any hierarchy, mounts at or below directory $2.  One per line.
context_leftovers() {
	local mnt c
	for mnt in "$CGROUP2" $(v1_mounts); do
		for c in "$mnt"/$1; do
			[ -e "$c" ] && echo "cgroup $c"
		done
	done
	awk -v d="$2" '$5 == d || index($5, d "/") == 1 { print "mount " $5 }' /proc/self/mountinfo
}

remove_test_jails() {
	local n
	for n in $(jail_names); do
		case "$n" in pt*) "$JAIL" -q -r "$n" >/dev/null 2>&1 || true ;; esac
	done
}

# Run function $1 in a network namespace (loopback up) and a mount namespace
# of its own: for an engine that changes the firewall and bind-mounts the
# network namespaces it makes (podman's netavark), none of which may touch
# the host's stack or mount table.
in_netns_mntns() {
	unshare -n -m bash -c 'set -eu; . "$1/lib.sh"; for f in $(test_files); do . "$f"; done
		ip link set lo up
		trap remove_test_jails EXIT
		"$2"' _ "$TESTDIR" "$1"
}

# Run function $1 in a mount namespace of its own whose every mount is shared,
# as on a host whose init makes / shared (systemd does): for the tests of
# mount propagation, with this host's own mounts untouched.  The jails
# it makes are removed there too, whatever happens.
in_shared_mntns() {
	unshare -m --propagation shared bash -c 'set -eu; . "$1/lib.sh"; for f in $(test_files); do . "$f"; done
		trap remove_test_jails EXIT
		"$2"' _ "$TESTDIR" "$1"
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

# The files of test functions: the integration tests and the escape attempts
# of tests/escape, which run the same way.
test_files() {
	ls "$TESTDIR"/t_*.sh "$TESTDIR"/../escape/t_*.sh 2>/dev/null
}

# Run function $1 in a network namespace of its own (loopback up), so that a
# test's addresses, bridges and routes never touch the host's stack; the
# jails it makes are removed there too, whatever happens.
in_netns() {
	unshare -n bash -c 'set -eu; . "$1/lib.sh"; for f in $(test_files); do . "$f"; done
		ip link set lo up
		trap remove_test_jails EXIT
		"$2"' _ "$TESTDIR" "$1"
}

# An engine's end of --console-socket: console_reader SOCK OUT starts, in the
# background, a reader that takes the terminal's master from SCM_RIGHTS and
# copies what the terminal says to OUT until it closes; it returns once the
# socket listens (not merely exists) and sets CONSOLE_READER to the pid.
console_reader() {
	local ready=$1.ready
	rm -f "$ready"
	python3 - "$1" "$ready" >"$2" <<'PY' &
import array, os, socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(1)
open(sys.argv[2], "w").close()
c, _ = s.accept()
fds = array.array("i")
msg, anc, _, _ = c.recvmsg(16, socket.CMSG_LEN(fds.itemsize))
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[:fds.itemsize])
out = b""
while True:
    try:
        chunk = os.read(fds[0], 4096)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
print(out.decode().replace("\r", ""), end="")
PY
	CONSOLE_READER=$!
	wait_until 5 "the console socket listening" test -e "$ready"
}
