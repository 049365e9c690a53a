# prison-oci update and events: a running container's limits changed, and its statistics.  Uses t_oci.sh's helpers.

test_oci_update_limits_hold_inside() {
	local b=$WORK/ptupd made reached st=0
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "600"]' \
		'c["linux"]["resources"]["pids"] = {"limit": 200}'
	"$OCI" run -d -b "$b" ptupd </dev/null
	made=$("$JEXEC" ptupd /bin/probe forks 100)
	[ "$made" -ge 90 ] || fail "only $made processes under pids.limit=200"
	# runc's flags: the rules change as rctl -a changes them, and hold inside at once.
	"$OCI" update --memory 48m --pids-limit 20 --cpu-shares 512 --cpu-quota 50000 --cpu-period 100000 --cpuset-cpus 0 ptupd
	assert_eq "$("$RCTL" jail:ptupd | sort | tr '\n' ' ')" \
		"jail:ptupd:maxproc:deny=20 jail:ptupd:memoryuse:deny=50331648 jail:ptupd:pcpu:deny=50 " "the rules after update"
	assert_eq "$("$JLS" -j ptupd cpu.weight cpuset.cpus)" "20 0" "cpu.shares and cpuset.cpus after update"
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
	# Refused, and nothing changed.
	expect_error 'prison-oci: ptupd: linux.resources.cpu.mems: not supported yet' "$OCI" update --cpuset-mems 0 ptupd
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
