# prison-oci update and events: a running container's limits changed, and its statistics.  Uses t_oci.sh's helpers.

test_oci_update_limits_hold_inside() {
	local b=$WORK/ptupd made reached st=0 mem low
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "600"]' \
		'c["linux"]["resources"]["pids"] = {"limit": 200}'
	"$OCI" run -d -b "$b" ptupd </dev/null
	made=$("$JEXEC" ptupd /bin/probe forks 100)
	[ "$made" -ge 90 ] || fail "only $made processes under pids.limit=200"
	# runc's flags: the rules change as rctl -a changes them, and hold inside at once.
	"$OCI" update --memory 48m --pids-limit 20 --cpu-shares 512 --cpu-quota 50000 --cpu-period 100000 --cpuset-cpus 0 ptupd
	assert_eq "$("$RCTL" jail:ptupd | sort | tr '\n' ' ')" \
		"jail:ptupd:maxproc:deny=20 jail:ptupd:memoryuse:deny=50331648 jail:ptupd:pcpu:deny=50 " "the rules after update"
	assert_eq "$("$JLS" -j ptupd cpu.shares cpuset.cpus)" "512 0" "cpu.shares and cpuset.cpus after update"
	made=$("$JEXEC" ptupd /bin/probe forks 100)
	[ "$made" -lt 20 ] || fail "$made processes made after update --pids-limit 20"
	"$JEXEC" ptupd /bin/probe hog 128 >"$WORK/ptupd.hog" 2>/dev/null || st=$?
	reached=$(tail -1 "$WORK/ptupd.hog")
	[ "$st" -ne 0 ] && [ "${reached:-0}" -lt 48 ] || fail "the hog reached ${reached:-?} MB after update --memory 48m"
	assert_eq "$("$OCI" state ptupd | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')" running \
		"the container after its hog was stopped"
	# A resources file (-r -): only what it names changes.
	echo '{"pids": {"limit": 150}}' | "$OCI" update -r - ptupd
	assert_eq "$("$RCTL" jail:ptupd | sort | tr '\n' ' ')" \
		"jail:ptupd:maxproc:deny=150 jail:ptupd:memoryuse:deny=50331648 jail:ptupd:pcpu:deny=50 " "the rules after -r -"
	made=$("$JEXEC" ptupd /bin/probe forks 100)
	[ "$made" -ge 90 ] || fail "only $made processes after the limit was raised to 150"
	echo '{"memory": {"limit": 134217728}}' >"$WORK/ptupd.json"
	"$OCI" update -r "$WORK/ptupd.json" ptupd
	assert_eq "$("$JEXEC" ptupd /bin/probe hog 96 | tail -1)" 96 "the hog under the raised memory limit"
	# memory.reservation: the jail's memory.low, in the kernel at once.
	"$OCI" update --memory-reservation 32m ptupd
	assert_eq "$("$JLS" -j ptupd memory.low)" 33554432 "memory.low after update --memory-reservation"
	mem=$(v1_mount_of memory)
	if [ -n "$mem" ]; then low=$(cat "$mem/$CGPREFIX/$(jid_of ptupd)/memory.soft_limit_in_bytes")
	else low=$(cat "$(cgroup_of ptupd)/memory.low"); fi
	assert_eq "$low" 33554432 "the kernel's floor after update --memory-reservation"
	# Refused, and nothing changed.
	"$OCI" update --cpuset-mems 0 ptupd
	assert_eq "$("$JLS" -j ptupd cpuset.mems)" 0 "cpuset.mems after update --cpuset-mems"
	expect_error 'prison-oci: ptupd: cpuset.mems: "9999" is not a list of memory nodes 0 to '"$(sed 's/.*[-,]//' /sys/devices/system/node/possible)"' such as 0-1,3' \
		"$OCI" update --cpuset-mems 9999 ptupd
	expect_error 'prison-oci: update: memory.limit "lots": not a number' "$OCI" update --memory lots ptupd
	expect_error 'prison-oci: ptupd: linux.resources.memory.swap: must be at least memory.limit' \
		"$OCI" update --memory-swap 1m ptupd
	expect_error 'prison-oci: update: -r "'"$WORK"'/nosuch": No such file or directory' "$OCI" update -r "$WORK/nosuch" ptupd
	echo '[1]' | expect_error 'prison-oci: update: -r "-": not a JSON object' "$OCI" update -r - ptupd
	expect_error 'prison-oci: container "ptnone" does not exist' "$OCI" update --memory 1g ptnone
	assert_eq "$("$RCTL" jail:ptupd | sort | tr '\n' ' ')" \
		"jail:ptupd:maxproc:deny=150 jail:ptupd:memoryuse:deny=134217728 jail:ptupd:pcpu:deny=50 " "the rules after refusals"
	"$OCI" kill ptupd KILL
	wait_until 5 "stopped" status_is ptupd stopped
	expect_error 'prison-oci: ptupd: cannot update a container that is stopped' "$OCI" update --memory 1g ptupd
	"$OCI" delete ptupd
	assert_no_container ptupd
}

# The CPU quota the kernel holds for jail $1: v2's cpu.max, or v1's cpu.cfs_quota_us where the cpu controller is there.
cpu_quota_of() {
	local v1
	v1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)cpu(,|$)/ { print $2; exit }' /proc/self/mounts)
	if [ -n "$v1" ] && [ -e "$v1/$CGPREFIX/$(jid_of "$1")/cpu.cfs_quota_us" ]; then
		cat "$v1/$CGPREFIX/$(jid_of "$1")/cpu.cfs_quota_us"
	else
		cut -d' ' -f1 "$(cgroup_of "$1")/cpu.max"
	fi
}

# runc's -1: the limit lifted, in the rules and in the kernel, as rctl -r lifts it.
test_oci_update_minus_one_lifts_limits() {
	local b=$WORK/ptupdm made
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "600"]' \
		'c["linux"]["resources"]["pids"] = {"limit": 20}' \
		'c["linux"]["resources"]["memory"] = {"limit": 33554432, "swap": 67108864}' \
		'c["linux"]["resources"]["cpu"] = {"quota": 50000, "period": 100000}'
	"$OCI" run -d -b "$b" ptupdm </dev/null
	assert_eq "$("$RCTL" jail:ptupdm | sort | tr '\n' ' ')" \
		"jail:ptupdm:maxproc:deny=20 jail:ptupdm:memoryuse:deny=33554432 jail:ptupdm:pcpu:deny=50 jail:ptupdm:swapuse:deny=33554432 " \
		"the rules of create"
	case $(cpu_quota_of ptupdm) in '' | max | -1) fail "no CPU quota in the kernel after create: '$(cpu_quota_of ptupdm)'" ;; esac
	# A -1 lifts only its own limit.
	"$OCI" update --pids-limit -1 ptupdm
	assert_eq "$("$RCTL" jail:ptupdm | sort | tr '\n' ' ')" \
		"jail:ptupdm:memoryuse:deny=33554432 jail:ptupdm:pcpu:deny=50 jail:ptupdm:swapuse:deny=33554432 " \
		"the rules after --pids-limit -1"
	made=$("$JEXEC" ptupdm /bin/probe forks 100)
	[ "$made" -ge 90 ] || fail "only $made processes after --pids-limit -1"
	"$OCI" update --memory-swap -1 ptupdm
	assert_eq "$("$RCTL" jail:ptupdm | sort | tr '\n' ' ')" \
		"jail:ptupdm:memoryuse:deny=33554432 jail:ptupdm:pcpu:deny=50 " "the rules after --memory-swap -1"
	# memory -1 takes swap with it (OCI's swap counts memory too); the hog that 32 MB stopped lives.
	"$JEXEC" ptupdm /bin/probe hog 64 >/dev/null 2>&1 && fail "the hog lived under a 32 MB limit"
	echo '{"memory": {"limit": -1}, "cpu": {"quota": -1}}' | "$OCI" update -r - ptupdm
	assert_eq "$("$RCTL" jail:ptupdm)" "" "the rules after memory.limit and cpu.quota -1"
	assert_eq "$("$JEXEC" ptupdm /bin/probe hog 64 | tail -1)" 64 "the hog after memory.limit -1"
	case $(cpu_quota_of ptupdm) in max | -1) ;; *) fail "the kernel's CPU quota after cpu.quota -1: '$(cpu_quota_of ptupdm)'" ;; esac
	# Limits again after -1, and -1 once more with nothing left to lift.
	"$OCI" update --memory 48m --memory-swap 64m ptupdm
	assert_eq "$("$RCTL" jail:ptupdm | sort | tr '\n' ' ')" \
		"jail:ptupdm:memoryuse:deny=50331648 jail:ptupdm:swapuse:deny=16777216 " "the rules set again after -1"
	"$OCI" update --memory -1 --memory-swap -1 --pids-limit -1 --cpu-quota -1 ptupdm
	"$OCI" update --pids-limit -1 ptupdm
	assert_eq "$("$RCTL" jail:ptupdm)" "" "the rules after -1 everywhere"
	# Below -1 is no amount at all; a swap limit needs a memory limit.
	expect_error 'prison-oci: update: pids.limit "-2": not a number' "$OCI" update --pids-limit -2 ptupdm
	echo '{"cpu": {"quota": -5}}' | expect_error 'prison-oci: ptupdm: linux.resources.cpu.quota: -5: expected -1 (no limit) or a limit' \
		"$OCI" update -r - ptupdm
	expect_error 'prison-oci: ptupdm: linux.resources.memory.swap: must be at least memory.limit' \
		"$OCI" update --memory -1 --memory-swap 64m ptupdm
	"$OCI" delete --force ptupdm
	assert_no_container ptupdm
}

test_oci_events_stats_and_oom() {
	local b=$WORK/ptev out epid
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "600"]' \
		'c["linux"]["resources"]["pids"] = {"limit": 40}' 'c["linux"]["resources"]["memory"] = {"limit": 33554432}'
	"$OCI" run -d -b "$b" ptev </dev/null
	"$JEXEC" ptev /bin/sh -c 'sleep 300 </dev/null >/dev/null 2>&1 &'
	# --stats: one event, runc's shape, the jail's counters and limits.
	out=$("$OCI" events --stats ptev)
	assert_eq "$(echo "$out" | wc -l)" 1 "events --stats prints one line"
	assert_eq "$(echo "$out" | python3 -c 'import json, sys
e = json.load(sys.stdin); d = e["data"]
print(e["type"], e["id"], d["pids"]["current"], d["pids"]["limit"], d["memory"]["usage"]["limit"],
      d["memory"]["usage"]["usage"] > 0, d["cpu"]["usage"]["total"] > 0, "blkio" in d)')" \
		"stats ptev 3 40 33554432 True True True" "events --stats: type, id, pids, memory limit and usage, cpu, blkio"
	# The stream: stats every interval, and an oom event when the memory limit kills a hog.
	"$OCI" events --interval 300ms ptev >"$WORK/ptev.out" &
	epid=$!
	wait_until 5 "the first stats" test -s "$WORK/ptev.out"
	"$JEXEC" ptev /bin/probe hog 128 >/dev/null 2>&1 && fail "the hog lived under a 32 MB limit"
	wait_until 5 "an oom event" grep -q '"type":"oom"' "$WORK/ptev.out"
	assert_eq "$(grep '"type":"oom"' "$WORK/ptev.out" | head -1)" '{"type":"oom","id":"ptev"}' "the oom event"
	wait_until 5 "stats after the oom" sh -c "[ \$(sed -n '/\"oom\"/,\$p' '$WORK/ptev.out' | grep -c '\"stats\"') -ge 1 ]"
	# It ends when the container stops.
	"$OCI" kill ptev KILL
	wait_until 10 "events ended with the container" pid_gone "$epid"
	wait "$epid" || fail "events exited with $?"
	expect_error "prison-oci: ptev: container not running" "$OCI" events --stats ptev
	expect_error 'prison-oci: events: --interval "soon": not a duration (5s, 500ms, 1m)' "$OCI" events --interval soon ptev
	"$OCI" delete ptev
	assert_no_container ptev
	expect_error 'prison-oci: container "ptev" does not exist' "$OCI" events --stats ptev
}
