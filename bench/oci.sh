#!/bin/bash
# bench/oci.sh - prison-oci against crun and runc, in the same run:
#   1. the bare runtime: `RUNTIME run -b BUNDLE ID` of /bin/true on a busybox root;
#   2. Podman: `podman run --rm IMAGE true` with each of them as its runtime.
#
#   sudo bench/oci.sh                 N=30 runs of each, after WARMUP=3
#   sudo N=10 bench/oci.sh
#   sudo SAVE=1 bench/oci.sh          also write bench/results-oci-latest.txt
#   sudo HYPERFINE=0 bench/oci.sh     time with the shell's loop, not hyperfine
#
# Medians and ratios to crun.  hyperfine times the runs (this script
# installs it, crun, runc and podman with apt-get if missing); if it cannot
# be had, or HYPERFINE=0, a loop of EPOCHREALTIME readings does.  Never part
# of make check.
set -eu
export LC_ALL=C

BIN=${BIN:-$(dirname "$0")/../build/sbin}
. "$(dirname "$0")/pkg.sh"
N=${N:-30}
WARMUP=${WARMUP:-3}
SAVE=${SAVE:-0}
HYPERFINE=${HYPERFINE:-1}

die() { echo "oci.sh: $*" >&2; exit 1; }

case $N in '' | *[!0-9]*) die "N must be a number, not '$N'" ;; esac
case $WARMUP in '' | *[!0-9]*) die "WARMUP must be a number" ;; esac
[ "$N" -ge 1 ] || die "N must be at least 1"
[ "$(id -u)" = 0 ] || die "must run as root: sudo $0"
[ -n "${EPOCHREALTIME:-}" ] || die "needs bash 5 (EPOCHREALTIME)"
BIN=$(cd "$BIN" 2>/dev/null && pwd) || die "no $BIN: run make first"
[ -x "$BIN/prison-oci" ] || die "no $BIN/prison-oci: run make first"
[ -x /bin/busybox ] || die "needs busybox-static (/bin/busybox)"

work=$(mktemp -d /var/tmp/prison-ocibench.XXXXXX)
report=$work/report.txt
: >"$report"
hugetlb_mounted=0
hugetlb_dir_created=0
store_made=0

# ---------------------------------------------------------------- clean-up
# Everything this run makes is undone on any way out but SIGKILL: Podman's
# containers and store, the runtimes' containers, the hugetlb hierarchy.
pod() {
	podman --root "$work/store" --runroot "$work/run" --tmpdir "$work/tmp" --storage-driver vfs "$@"
}

undo_hugetlb() {
	[ "$hugetlb_mounted" = 1 ] || return 0
	# A v1 hierarchy is destroyed at unmount only once no child cgroup is left.
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		[ "$(awk '$1 == "hugetlb" {print $3}' /proc/cgroups)" = 1 ] && break
		sleep 0.5
	done
	umount /sys/fs/cgroup/hugetlb || umount -l /sys/fs/cgroup/hugetlb
	hugetlb_mounted=0
	if [ "$hugetlb_dir_created" = 1 ]; then
		rmdir /sys/fs/cgroup/hugetlb || true
		hugetlb_dir_created=0
	fi
}

cleanup() {
	local rc=$? rt id
	set +e
	trap - EXIT INT TERM
	if [ "$store_made" = 1 ]; then
		pod rm -af -t 0 >/dev/null 2>&1
		pod rmi -af >/dev/null 2>&1
	fi
	for rt in prison crun runc; do
		for id in "$work/state-$rt/ocibench$$-"*; do
			[ -e "$id" ] && runtime_of "$rt" delete -f "${id##*/}" >/dev/null 2>&1
		done
	done
	awk -v d="$work" 'index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null; done
	undo_hugetlb
	rm -rf "$work"
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

say() { printf '%s\n' "$*" | tee -a "$report"; }

# ---------------------------------------------------------------- tools
ensure() { bench_install "$1" "$2" "$work/apt.log"; } # ensure COMMAND PACKAGE
ensure crun crun || die "crun could not be installed"
ensure runc runc || die "runc could not be installed"
ensure podman podman || die "podman could not be installed"
have_hyperfine=0
if [ "$HYPERFINE" = 1 ] && ensure hyperfine hyperfine; then have_hyperfine=1; fi

CRUN=$(command -v crun) RUNC=$(command -v runc) OCI=$BIN/prison-oci

# The runtimes by name, each with a state directory of this run's.
runtime_of() { # runtime_of NAME ARGS...
	local rt=$1
	shift
	case $rt in
	prison) "$OCI" --root "$work/state-prison" "$@" ;;
	crun) "$CRUN" --root "$work/state-crun" "$@" ;;
	runc) "$RUNC" --root "$work/state-runc" "$@" ;;
	esac
}

# Debian's crun refuses a hybrid cgroup layout in which hugetlb is cgroup2's
# only controller; a v1 hugetlb hierarchy for the run's length lets it work.
if [ ! -e /sys/fs/cgroup/cgroup.controllers ] &&
	[ "$(cat /sys/fs/cgroup/unified/cgroup.controllers 2>/dev/null)" = hugetlb ]; then
	if [ ! -d /sys/fs/cgroup/hugetlb ]; then
		mkdir /sys/fs/cgroup/hugetlb || die "cannot make /sys/fs/cgroup/hugetlb for crun"
		hugetlb_dir_created=1
	fi
	mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb || die "cannot mount a hugetlb hierarchy for crun"
	hugetlb_mounted=1
fi

# ---------------------------------------------------------------- the root
root=$work/root
mkdir -p "$root"/bin "$root"/etc "$root"/proc "$root"/dev "$root"/sys "$root"/tmp
chmod 1777 "$root"/tmp
cp /bin/busybox "$root"/bin/busybox
for a in $(/bin/busybox --list); do
	[ -e "$root/bin/$a" ] || ln -s busybox "$root/bin/$a"
done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$root"/etc/passwd
printf 'root:x:0:\n' >"$root"/etc/group

# The bundle: crun's default spec, /bin/true, no terminal, no network
# namespace (the host's stack, as a jail with ip4=inherit), no
# /proc/asound among the masked paths: the same config.json for the three.
bundle=$work/bundle
mkdir -p "$bundle"
(cd "$bundle" && "$CRUN" spec)
python3 - "$bundle/config.json" "$root" <<'PY'
import json, sys
path, root = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["root"] = {"path": root, "readonly": True}
c["process"]["args"] = ["/bin/true"]
c["process"]["terminal"] = False
c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]
# Not among the paths prison-oci masks yet: left out for all three.
c["linux"]["maskedPaths"] = [m for m in c["linux"].get("maskedPaths", []) if m != "/proc/asound"]
json.dump(c, open(path, "w"))
PY

# Podman's image, imported offline from a tarball of the same root.
mkdir -p "$work/store" "$work/run" "$work/tmp"
store_made=1
cat >"$work/containers.conf" <<EOF
[containers]
default_ulimits = []
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$work/events.log"
EOF
export CONTAINERS_CONF=$work/containers.conf
tar -C "$root" -cf "$work/root.tar" .
pod import "$work/root.tar" localhost/ocibench >/dev/null 2>"$work/import.err" ||
	{ cat "$work/import.err" >&2; die "podman could not import the image"; }

# ---------------------------------------------------------------- timing
# One run of a candidate is one process of its own, $work/one.sh PART
# RUNTIME, whichever times it: the harness's cost is the same for all.
cat >"$work/one.sh" <<EOF
#!/bin/bash
set -e
export CONTAINERS_CONF=$CONTAINERS_CONF
case \$2 in prison) rt=$OCI ;; crun) rt=$CRUN ;; runc) rt=$RUNC ;; esac
case \$1 in
bare) exec "\$rt" --root "$work/state-\$2" run -b "$bundle" "ocibench$$-\$\$" </dev/null >/dev/null ;;
pod) exec podman --root "$work/store" --runroot "$work/run" --tmpdir "$work/tmp" --storage-driver vfs \\
	--runtime "\$rt" run --rm --network host localhost/ocibench true </dev/null >/dev/null ;;
esac
EOF
chmod 755 "$work/one.sh"

# median_of FILE: the median of the numbers in FILE, one a line.
median_of() {
	sort -n "$1" | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# time_loop PART RUNTIME OUT: N timed runs (ms, one a line) after WARMUP untimed.
time_loop() {
	local i t0 t1
	for ((i = 0; i < WARMUP; i++)); do "$work/one.sh" "$1" "$2"; done
	: >"$3"
	for ((i = 0; i < N; i++)); do
		t0=$EPOCHREALTIME
		"$work/one.sh" "$1" "$2"
		t1=$EPOCHREALTIME
		awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f\n", (b - a) * 1000 }' >>"$3"
	done
}

# time_hyperfine PART RUNTIME OUT: the same, timed by hyperfine (its JSON's times, in ms).
time_hyperfine() {
	hyperfine -N --style none --warmup "$WARMUP" --runs "$N" --export-json "$work/hf.json" \
		"$work/one.sh $1 $2" >/dev/null 2>"$work/hf.err" || { cat "$work/hf.err" >&2; return 1; }
	python3 -c 'import json, sys; [print("%.3f" % (t * 1000)) for t in json.load(open(sys.argv[1]))["results"][0]["times"]]' \
		"$work/hf.json" >"$3"
}

measure() { # measure PART RUNTIME: prints the median in ms
	local out=$work/times.$1.$2
	if [ "$have_hyperfine" = 1 ]; then
		time_hyperfine "$1" "$2" "$out" || return 1
	else
		time_loop "$1" "$2" "$out" || return 1
	fi
	median_of "$out"
}

# ---------------------------------------------------------------- report
say "prison-oci bench, $(date -u '+%Y-%m-%d %H:%M UTC')"
say "kernel $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg)"
say "prison $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?'), BIN=$BIN"
say "crun $("$CRUN" --version | awk 'NR == 1 { print $3 }'), runc $("$RUNC" --version | awk 'NR == 1 { print $3 }'), podman $(podman --version | awk '{ print $3 }')"
say "timer: $([ "$have_hyperfine" = 1 ] && hyperfine --version || echo 'a loop of EPOCHREALTIME'); N=$N after WARMUP=$WARMUP"
say ""
for part in bare pod; do
	case $part in
	bare) say "1. RUNTIME run -b BUNDLE ID (/bin/true, busybox root, crun's default spec, no netns)" ;;
	pod) say "2. podman run --rm --network host IMAGE true (vfs store of this run, cgroupfs)" ;;
	esac
	declare -A med=()
	for rt in crun runc prison; do
		med[$rt]=$(measure "$part" "$rt") || med[$rt]=failed
	done
	for rt in prison crun runc; do
		if [ "${med[$rt]}" = failed ] || [ "${med[crun]}" = failed ]; then
			say "$(printf '  %-8s %10s ms' "$rt" "${med[$rt]}")"
		else
			say "$(printf '  %-8s %10.2f ms   x crun %5.2f' "$rt" "${med[$rt]}" \
				"$(awk -v a="${med[$rt]}" -v b="${med[crun]}" 'BEGIN { print a / b }')")"
		fi
	done
	unset med
	say ""
done
if [ "$SAVE" = 1 ]; then
	cp "$report" "$(dirname "$0")/results-oci-latest.txt"
fi
