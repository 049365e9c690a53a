#!/bin/bash
# bench/run.sh - start-up cost and idle-jail cost of prison, against a
# syscall-only floor and two peers (bubblewrap, crun) measured in the same run.
#
#   sudo bench/run.sh                 N=200 start-ups, M=1000 idle jails
#   sudo N=50 M=100 bench/run.sh      smaller
#   sudo SAVE=1 bench/run.sh          also write bench/results-latest.txt
#   sudo BIN=/usr/local/sbin bench/run.sh
#
# See bench/README.md for what each line means. Never part of `make check`.
set -eu
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
. "$here/pkg.sh"
BIN=${BIN:-$(dirname "$0")/../build/sbin}
N=${N:-200}
M=${M:-1000}
SAVE=${SAVE:-0}
WARMUP=${WARMUP:-5}
DROP_CACHES=${DROP_CACHES:-1}

die() { echo "run.sh: $*" >&2; exit 1; }

case $N in '' | *[!0-9]*) die "N must be a number, not '$N'" ;; esac
case $M in '' | *[!0-9]*) die "M must be a number, not '$M'" ;; esac
case $WARMUP in '' | *[!0-9]*) die "WARMUP must be a number" ;; esac
[ "$N" -ge 1 ] || die "N must be at least 1"
[ "$(id -u)" = 0 ] || die "must run as root: sudo $0"
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 (EPOCHREALTIME)"
if [ -d "$BIN" ]; then BIN=$(cd "$BIN" && pwd); fi

work=$(mktemp -d /tmp/prison-bench.XXXXXX)
report=$work/report.txt
: >"$report"
notes=()

# ---------------------------------------------------------------- clean-up
# Everything this run creates is recorded here and undone on exit, whatever
# the way out (normal end, error under set -e, ^C, TERM).
crun_prefix="prisonbench$$-"
crun_bundle=
crun_rootfs_mounted=0
hugetlb_mounted=0
hugetlb_dir_created=0
jails_created=0      # b1..b$jails_created may exist (created by this run)
bench_jail_ours=0    # "bench" did not exist before this run
benchx_ours=0        # "benchx" (part 1b) was made by this run
have_crun=0

jail_names() {
	# Names of existing jails, one per line; fails if jls can't tell.
	[ -x "$BIN/jls" ] || return 1
	"$BIN/jls" -q name 2>/dev/null
}

remove_our_jails() {
	local i names
	if names=$(jail_names); then
		for ((i = 1; i <= jails_created; i++)); do
			if grep -qx "b$i" <<<"$names"; then
				"$BIN/jail" -q -r "b$i" >/dev/null 2>&1 || true
			fi
		done
		if [ "$bench_jail_ours" = 1 ] && grep -qx bench <<<"$names"; then
			"$BIN/jail" -q -r bench >/dev/null 2>&1 || true
		fi
		if [ "$benchx_ours" = 1 ] && grep -qx benchx <<<"$names"; then
			"$BIN/jail" -q -r benchx >/dev/null 2>&1 || true
		fi
	elif [ -x "$BIN/jail" ]; then
		for ((i = 1; i <= jails_created; i++)); do
			"$BIN/jail" -q -r "b$i" >/dev/null 2>&1 || true
		done
	fi
}

# The kernel hands the controller back to cgroup2 asynchronously after the
# v1 hierarchy is unmounted; if it stays bound (the hierarchy outlived the
# unmount), mounting it again and unmounting it once idle releases it.
hugetlb_back_to_v2() {
	local d=$work/hugetlb-again
	for _ in 1 2 3; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers && return 0
			sleep 0.5
		done
		mkdir -p "$d" && mount -t cgroup -o hugetlb cgroup "$d" || return 1
		sleep 1
		umount "$d" || umount -l "$d"
		rmdir "$d"
	done
	grep -qw hugetlb /sys/fs/cgroup/unified/cgroup.controllers
}

# Undo what crun needed (its containers, its rootfs bind, the hugetlb
# hierarchy): done as soon as the start-up rounds end, and again on exit.
undo_crun() {
	local id
	if [ "$have_crun" = 1 ]; then
		for id in $(crun list -q 2>/dev/null); do
			case $id in "$crun_prefix"*) crun delete -f "$id" >/dev/null 2>&1 ;; esac
		done
	fi
	if [ "$crun_rootfs_mounted" = 1 ]; then
		umount "$crun_bundle/rootfs" || umount -l "$crun_bundle/rootfs"
		crun_rootfs_mounted=0
	fi
	if [ "$hugetlb_mounted" = 1 ]; then
		# A v1 hierarchy is destroyed at unmount only if it has no child
		# cgroup left, even one crun has just removed but the kernel has not
		# yet released: let those go first.
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			[ "$(awk '$1 == "hugetlb" {print $3}' /proc/cgroups)" = 1 ] && break
			sleep 0.5
		done
		sleep 1
		umount /sys/fs/cgroup/hugetlb || umount -l /sys/fs/cgroup/hugetlb
		hugetlb_mounted=0
		if [ "$hugetlb_dir_created" = 1 ]; then
			rmdir /sys/fs/cgroup/hugetlb
			hugetlb_dir_created=0
		fi
		hugetlb_back_to_v2 ||
			echo "run.sh: warning: hugetlb has not returned to cgroup2; 'mount -t cgroup -o hugetlb cgroup DIR; umount DIR' once it has no child cgroup gives it back" >&2
	fi
	return 0
}

cleanup() {
	local rc=$?
	set +e
	trap - EXIT INT TERM
	undo_crun
	if [ "$jails_created" -gt 0 ] || [ "$bench_jail_ours" = 1 ] || [ "$benchx_ours" = 1 ]; then
		remove_our_jails
	fi
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf '%s\n' "$*" | tee -a "$report"; }

# ---------------------------------------------------------------- peers
# Install a Debian package for a missing command; never fatal.
ensure() { # ensure COMMAND PACKAGE
	bench_install "$1" "$2" "$work/apt.log" && return 0
	notes+=("$2: could not be installed with apt-get; skipped")
	return 1
}
have_bwrap=0; ensure bwrap bubblewrap && have_bwrap=1
ensure crun crun && have_crun=1

cc -O2 -Wall -Wextra -Werror -o "$work/floor" "$here/floor.c" ||
	die "could not build floor.c"

# One iteration of each candidate. Output goes to $work/out.NAME so a failure
# can be explained; each is a function so the harness cost is the same.
run_true() { /bin/true; }
run_floor() { "$work/floor" 1 /; }
run_prison() { "$BIN/jail" -q -c name=bench path=/ command=/bin/true; }
run_bwrap() {
	bwrap --unshare-user --unshare-pid --unshare-ipc --unshare-uts \
		--bind / / --proc /proc --dev /dev /bin/true
}
crun_seq=0
run_crun() {
	crun_seq=$((crun_seq + 1))
	crun run --bundle "$crun_bundle" "$crun_prefix$crun_seq" </dev/null
}

setup_crun_bundle() {
	crun_bundle=$work/oci
	mkdir -p "$crun_bundle/rootfs" || return 1
	# The root is a plain (non-recursive) bind of /: crun cannot pivot_root
	# into "/" itself, and a recursive bind would add every host mount to the
	# namespace copy that each candidate pays for.
	mount --bind / "$crun_bundle/rootfs" || return 1
	crun_rootfs_mounted=1
	mount --make-private "$crun_bundle/rootfs" || return 1
	(cd "$crun_bundle" && crun spec) || return 1
	local edit='.root.readonly = true
		| .process.args = ["/bin/true"]
		| .process.terminal = false
		| .linux.namespaces |= map(select(.type != "network"))'
	if command -v jq >/dev/null 2>&1; then
		jq "$edit" "$crun_bundle/config.json" >"$crun_bundle/config.new" || return 1
	else
		python3 - "$crun_bundle/config.json" >"$crun_bundle/config.new" <<-'EOF' || return 1
			import json, sys
			c = json.load(open(sys.argv[1]))
			c["root"]["readonly"] = True
			c["process"]["args"] = ["/bin/true"]
			c["process"]["terminal"] = False
			c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"]
						    if n["type"] != "network"]
			json.dump(c, sys.stdout, indent=1)
		EOF
	fi
	mv "$crun_bundle/config.new" "$crun_bundle/config.json"
}

# Debian's crun 1.8 refuses a hybrid cgroup layout while cgroup2 has any
# controller; here the only one is hugetlb, so bind it to a v1 hierarchy for
# the length of the run (undone in cleanup; the kernel hands it back to
# cgroup2 once the hierarchy is unmounted).
fix_crun_hybrid() {
	[ "$hugetlb_mounted" = 0 ] || return 1
	[ "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ] || return 1
	[ "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" = hugetlb ] || return 1
	if [ ! -d /sys/fs/cgroup/hugetlb ]; then
		mkdir /sys/fs/cgroup/hugetlb || return 1
		hugetlb_dir_created=1
	fi
	if mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb 2>>"$work/out.crun"; then
		hugetlb_mounted=1
		notes+=("crun: cgroup layout was hybrid; hugetlb mounted as a v1 hierarchy at /sys/fs/cgroup/hugetlb for part 1, undone right after it")
		return 0
	fi
	return 1
}

# probe NAME: WARMUP runs; on failure print the reason and return 1.
probe() {
	local name=$1 i
	for ((i = 0; i < WARMUP; i++)); do
		if ! "run_$name" >"$work/out.$name" 2>&1; then
			return 1
		fi
	done
}

reason() { # last non-empty line of a failed candidate's output
	local r
	r=$(grep -v '^[[:space:]]*$' "$work/out.$1" 2>/dev/null | tail -n 1 | cut -c1-100)
	printf '%s' "${r:-exit status non-zero, no message}"
}

# label of each row, in table order
declare -A label=(
	[true]="exec /bin/true, no isolation"
	[floor]="floor: floor.c, one process per run"
	[prison]="prison: jail -c ... command=/bin/true"
	[bwrap]="bwrap: user,pid,ipc,uts + / + proc,dev"
	[crun]="crun run: OCI default spec, no netns"
)
order=(true floor prison bwrap crun)
declare -A unavail=()
active=()

for p in "${order[@]}"; do
	case $p in
	prison)
		if [ ! -x "$BIN/jail" ]; then
			unavail[$p]="$BIN/jail not found (run make first)"
			continue
		fi
		if names=$(jail_names) && grep -qx bench <<<"$names"; then
			unavail[$p]="a jail named 'bench' already exists"
			continue
		fi
		bench_jail_ours=1
		;;
	bwrap)
		[ "$have_bwrap" = 1 ] || { unavail[$p]="bubblewrap not installed"; continue; }
		;;
	crun)
		[ "$have_crun" = 1 ] || { unavail[$p]="crun not installed"; continue; }
		if ! setup_crun_bundle >"$work/out.crun" 2>&1; then
			unavail[$p]="bundle set-up failed: $(reason crun)"
			continue
		fi
		if ! probe crun && grep -q 'hybrid mode' "$work/out.crun" &&
			fix_crun_hybrid; then
			probe crun || true
		fi
		;;
	esac
	if probe "$p"; then
		active+=("$p")
	else
		unavail[$p]=$(reason "$p")
		# don't leave crun's mounts in place for the others' runs
		[ "$p" != crun ] || undo_crun
	fi
done

# ---------------------------------------------------------------- header
cpu=$(grep -m1 '^model name' /proc/cpuinfo | sed 's/^[^:]*: *//' || true)
rev=$(git -C "$here/.." rev-parse --short HEAD 2>/dev/null || echo unknown)
say "prison benchmark  $(date -u +%Y-%m-%dT%H:%M:%SZ)"
say "host: Linux $(uname -r), ${cpu:-unknown cpu}, $(nproc) cpus, $(awk '/^MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
say "prison: $rev ($BIN)"
say "peers: $( [ "$have_bwrap" = 1 ] && bwrap --version 2>/dev/null | head -n1 || echo 'bubblewrap -'), $( [ "$have_crun" = 1 ] && crun --version 2>/dev/null | head -n1 || echo 'crun -')"
say ""

# ---------------------------------------------------------------- start-up
# floor in-process: floor.c times its own clone..waitpid, no exec of itself.
"$work/floor" "$WARMUP" / >/dev/null
floor_inproc=$("$work/floor" "$N" / | sed -n 's/.*median_us=\([0-9]*\).*/\1/p')

# All candidates interleaved, one run of each per round, so drift on the
# machine hits them alike. Timing is bash's EPOCHREALTIME (no extra fork).
declare -A samples=()
declare -A failed=()
for ((i = 1; i <= N; i++)); do
	for p in "${active[@]}"; do
		[ -z "${failed[$p]:-}" ] || continue
		t0=$EPOCHREALTIME
		if "run_$p" >"$work/out.$p" 2>&1; then
			t1=$EPOCHREALTIME
			samples[$p]+="$((${t1/./} - ${t0/./})) "
		else
			failed[$p]="failed at run $i: $(reason "$p")"
		fi
	done
done

# stats "v1 v2 ..." -> "median min p90 count"
stats() {
	tr ' ' '\n' <<<"$1" | grep . | sort -n | awk '
		{ v[NR] = $1 }
		END {
			if (NR == 0) { print "- - - 0"; exit }
			med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
			p90 = v[int((NR * 9 + 9) / 10) > NR ? NR : int((NR * 9 + 9) / 10)]
			printf "%d %d %d %d\n", med, v[1], p90, NR
		}'
}

say "1. start-up: run /bin/true in a fresh jail, N=$N runs each, interleaved"
say "   times in microseconds; 'x floor' = median / median of the floor row"
say ""
fmt='%-42s %9s %8s %8s %9s %9s %5s'
say "$(printf "$fmt" "" median "x floor" "x bwrap" min p90 runs)"
say "$(printf "$fmt" "floor: floor.c, in-process clone..wait" "$floor_inproc" "" "" "" "" "$N")"
floor_med=
bwrap_med=
if [ -n "${samples[floor]:-}" ]; then
	read -r floor_med _ <<<"$(stats "${samples[floor]}")"
fi
if [ -n "${samples[bwrap]:-}" ]; then
	read -r bwrap_med _ <<<"$(stats "${samples[bwrap]}")"
fi
ratio_of() { # ratio_of MEDIAN BASE -> "1.23" or "-"
	if [ -n "$2" ] && [ "$2" != - ] && [ "$2" -gt 0 ] && [ "$1" != - ]; then
		awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
	else
		echo -
	fi
}
for p in "${order[@]}"; do
	if [ -n "${unavail[$p]:-}" ]; then
		say "$(printf '%-42s %s' "${label[$p]}" "unavailable: ${unavail[$p]}")"
		continue
	fi
	read -r med mn p90 cnt <<<"$(stats "${samples[$p]:-}")"
	say "$(printf "$fmt" "${label[$p]}" "$med" "$(ratio_of "$med" "$floor_med")" "$(ratio_of "$med" "$bwrap_med")" "$mn" "$p90" "$cnt")"
	if [ -n "${failed[$p]:-}" ]; then
		say "$(printf '%-42s %s' "" "${failed[$p]}")"
	fi
done
say ""

# crun's bind of / and the hugetlb hierarchy must not be there for part 2
undo_crun

# ---------------------------------------------------------------- jexec
# jexec into a running jail against nsenter(1) into the same jail's init
# (one that keeps its jailinit, persist.idle=false: nsenter needs a process),
# all namespaces (-a), interleaved: the least any tool entering it must do.
say "1b. entering a running jail: /bin/true, N=$N runs each, interleaved"
if [ ! -x "$BIN/jexec" ] || ! command -v nsenter >/dev/null 2>&1; then
	say "   unavailable: $BIN/jexec or nsenter not found"
elif names=$(jail_names) && grep -qx benchx <<<"$names"; then
	say "   unavailable: a jail named 'benchx' already exists"
elif ! "$BIN/jail" -q -c name=benchx path=/ persist persist.idle=false >"$work/out.benchx" 2>&1; then
	say "   unavailable: $(reason benchx)"
else
	benchx_ours=1
	jx=$("$BIN/jls" -j benchx -q jid)
	init=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["init_pid"])' \
		"${PRISON_RUNDIR:-/run/prison}/jail/$jx.json" 2>/dev/null || true)
	declare -A xs=()
	for ((i = 0; i < WARMUP; i++)); do "$BIN/jexec" benchx /bin/true; nsenter -t "$init" -a /bin/true; done
	for ((i = 1; i <= N; i++)); do
		t0=$EPOCHREALTIME; "$BIN/jexec" benchx /bin/true; t1=$EPOCHREALTIME
		xs[jexec]+="$((${t1/./} - ${t0/./})) "
		t0=$EPOCHREALTIME; nsenter -t "$init" -a /bin/true; t1=$EPOCHREALTIME
		xs[nsenter]+="$((${t1/./} - ${t0/./})) "
	done
	read -r ns_med ns_min ns_p90 _ <<<"$(stats "${xs[nsenter]}")"
	read -r jx_med jx_min jx_p90 _ <<<"$(stats "${xs[jexec]}")"
	xfmt='%-42s %9s %10s %9s %9s'
	say "$(printf "$xfmt" "" median "x nsenter" min p90)"
	say "$(printf "$xfmt" "nsenter -t INIT -a /bin/true" "$ns_med" 1.00 "$ns_min" "$ns_p90")"
	say "$(printf "$xfmt" "prison: jexec benchx /bin/true" "$jx_med" "$(ratio_of "$jx_med" "$ns_med")" "$jx_min" "$jx_p90")"
	"$BIN/jail" -q -r benchx >/dev/null 2>&1 && benchx_ours=0
fi
say ""

# ---------------------------------------------------------------- idle jails
mem_snapshot() { # -> "avail_kib slab_kib sunreclaim_kib used_kib procs mounts"
	if [ "$DROP_CACHES" = 1 ]; then
		sync
		echo 3 >/proc/sys/vm/drop_caches
	fi
	sleep 1
	local avail slab sunr used procs mounts
	avail=$(awk '/^MemAvailable:/ {print $2}' /proc/meminfo)
	slab=$(awk '/^Slab:/ {print $2}' /proc/meminfo)
	sunr=$(awk '/^SUnreclaim:/ {print $2}' /proc/meminfo)
	used=$(free -k | awk '/^Mem:/ {print $3}')
	procs=$(find /proc -maxdepth 1 -name '[0-9]*' | wc -l)
	mounts=$(wc -l </proc/self/mountinfo)
	echo "$avail $slab $sunr $used $procs $mounts"
}

median_of() { read -r m _ <<<"$(stats "$1")"; echo "$m"; }
per_jail() { awk -v d="$1" -v m="$2" 'BEGIN { printf "%.1f", d / m }'; }

say "2. idle persistent jails: M=$M x 'jail -c name=bN path=/ persist'"
if [ "$M" -lt 1 ]; then
	say "   skipped (M=0)"
elif [ ! -x "$BIN/jail" ]; then
	say "   unavailable: $BIN/jail not found (run make first)"
else
	clash=
	if names=$(jail_names); then
		for ((i = 1; i <= M; i++)); do
			if grep -qx "b$i" <<<"$names"; then clash=b$i; break; fi
		done
	fi
	if [ -n "$clash" ]; then
		say "   unavailable: a jail named '$clash' already exists; remove it first"
	else
		read -r a0 s0 u0 f0 p0 m0 <<<"$(mem_snapshot)"
		create_times=()
		create_err=
		tc0=$EPOCHREALTIME
		for ((i = 1; i <= M; i++)); do
			t0=$EPOCHREALTIME
			if ! "$BIN/jail" -q -c "name=b$i" path=/ persist >"$work/out.create" 2>&1; then
				create_err="creation of b$i failed: $(grep . "$work/out.create" | tail -n 1 | cut -c1-100)"
				# it may exist half-made: let cleanup try it too
				jails_created=$i
				break
			fi
			t1=$EPOCHREALTIME
			jails_created=$i
			create_times+=("$((${t1/./} - ${t0/./}))")
		done
		tc1=$EPOCHREALTIME
		made=${#create_times[@]}
		read -r a1 s1 u1 f1 p1 m1 <<<"$(mem_snapshot)"

		if [ -n "$create_err" ]; then
			say "   $create_err"
		fi
		if [ "$made" -gt 0 ]; then
			# The first and last hundred (ten for fewer than 1,000 jails).
			k=$((made >= 1000 ? 100 : made < 10 ? made : 10))
			first=$(median_of "${create_times[*]:0:k}")
			last=$(median_of "${create_times[*]: -k}")
			total_ms=$(((${tc1/./} - ${tc0/./}) / 1000))
			say "$(printf '   %-36s %s' "jails created:" "$made")"
			say "$(printf '   %-36s %s us' "create, median of first $k:" "$first")"
			say "$(printf '   %-36s %s us' "create, median of last $k:" "$last")"
			say "$(printf '   %-36s %s us' "create, median of all:" "$(median_of "${create_times[*]}")")"
			say "$(printf '   %-36s %s ms' "create, total:" "$total_ms")"
			say "$(printf '   %-36s %s KiB/jail  (%d KiB in all)' "MemAvailable drop:" "$(per_jail $((a0 - a1)) "$made")" $((a0 - a1)))"
			say "$(printf '   %-36s %s KiB/jail  (%d KiB in all)' "free -k 'used' rise:" "$(per_jail $((f1 - f0)) "$made")" $((f1 - f0)))"
			say "$(printf '   %-36s %s KiB/jail  (%d KiB in all)' "Slab rise:" "$(per_jail $((s1 - s0)) "$made")" $((s1 - s0)))"
			say "$(printf '   %-36s %s KiB/jail  (%d KiB in all)' "SUnreclaim rise:" "$(per_jail $((u1 - u0)) "$made")" $((u1 - u0)))"
			say "$(printf '   %-36s %+d processes, %+d mounts' "host processes / mounts:" $((p1 - p0)) $((m1 - m0)))"
			jls_times=()
			for _ in 1 2 3 4 5; do
				t0=$EPOCHREALTIME; "$BIN/jls" >/dev/null 2>&1; t1=$EPOCHREALTIME
				jls_times+=("$((${t1/./} - ${t0/./}))")
			done
			say "$(printf '   %-36s %s us' "jls over all of them, median of 5:" "$(median_of "${jls_times[*]}")")"
		fi

		# remove them all, timed
		rm_fail=0
		tr0=$EPOCHREALTIME
		for ((i = 1; i <= made; i++)); do
			"$BIN/jail" -q -r "b$i" >"$work/out.remove" 2>&1 || rm_fail=$((rm_fail + 1))
		done
		tr1=$EPOCHREALTIME
		if [ "$made" -gt 0 ]; then
			rm_us=$((${tr1/./} - ${tr0/./}))
			say "$(printf '   %-36s %d ms  (%d us/jail)' "remove all, total:" $((rm_us / 1000)) $((rm_us / made)))"
			[ "$rm_fail" = 0 ] || say "   removal failures: $rm_fail (last: $(grep . "$work/out.remove" | tail -n 1 | cut -c1-100))"
			read -r a2 s2 _ f2 p2 m2 <<<"$(mem_snapshot)"
			say "$(printf '   %-36s MemAvailable %+d KiB, used %+d KiB, Slab %+d KiB, %+d processes, %+d mounts' "after removal vs before:" $((a2 - a0)) $((f2 - f0)) $((s2 - s0)) $((p2 - p0)) $((m2 - m0)))"
		fi
		[ "$rm_fail" != 0 ] || [ -n "$create_err" ] || jails_created=0
	fi
fi
say ""

if [ "${#notes[@]}" -gt 0 ]; then
	say "notes:"
	for n in "${notes[@]}"; do say "  - $n"; done
fi

if [ "$SAVE" = 1 ]; then
	cp "$report" "$here/results-latest.txt"
	echo "run.sh: report saved to $here/results-latest.txt" >&2
fi
