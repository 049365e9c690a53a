# prison-oci: the global options engines pass, and every state transition's answer.  Uses t_oci.sh's helpers.

# rc COMMAND...: the exit status alone, the output dropped.
oci_rc() {
	local rc=0
	"$@" >/dev/null 2>&1 </dev/null || rc=$?
	echo "$rc"
}

test_oci_global_options() {
	local b=$WORK/ptglob root=$WORK/ptglob.root log=$WORK/ptglob.log
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	# --root moves the state, and only the state: the jail is prison's as any other.
	"$OCI" --root "$root" --log "$log" --log-format json --debug --systemd-cgroup --cgroup-manager systemd \
		create -b "$b" --no-pivot --no-new-keyring ptglob </dev/null
	[ -f "$root/ptglob/state.json" ] || fail "--root: no state in $root"
	[ ! -e "$PRISON_RUNDIR-oci/ptglob" ] || fail "--root: state in the default root as well"
	expect_error 'prison-oci: container "ptglob" does not exist' "$OCI" state ptglob
	assert_eq "$("$OCI" --root "$root" state ptglob | python3 -c 'import json, sys; print(json.load(sys.stdin)["status"])')" \
		created "state under --root"
	assert_eq "$("$JLS" -j ptglob name)" ptglob "the jail of a container under --root"
	# --debug: what was made, in the JSON log, one object a line.
	assert_contains "$(python3 -c 'import json, sys
for l in open(sys.argv[1]):
    r = json.loads(l); print(r["level"], r["msg"].split(":")[0], "time" in r)' "$log")" "debug created ptglob True" "--debug in the JSON log"
	# The text log: time, level and message.
	"$OCI" --root "$root" --log "$log.txt" start nosuch 2>/dev/null && fail "start of a container that does not exist"
	assert_contains "$(cat "$log.txt")" 'error: container "nosuch" does not exist' "the text log"
	"$OCI" --root "$root" delete ptglob
	[ ! -e "$root/ptglob" ] || fail "--root: state left after delete"
	assert_no_container ptglob
	expect_error 'prison-oci: --cgroup-manager "nosuch": cgroupfs, systemd or disabled' "$OCI" --cgroup-manager nosuch state ptglob
	expect_error 'prison-oci: --log-format "xml": json or text' "$OCI" --log-format xml state ptglob
	expect_error 'prison-oci: --rootless true: prison-oci runs as root' "$OCI" --rootless true state ptglob
	assert_contains "$("$OCI" --version)" "spec: 1.2.0" "--version"
	assert_eq "$(oci_rc "$OCI" nosuchcommand)" 1 "an unknown command"
	assert_eq "$(oci_rc "$OCI")" 1 "no command"
}

# Each state and what each command does in it: runtime-spec's runtime.md and runc's answers, exit status 1 on refusal.
test_oci_state_transitions() {
	local b=$WORK/pttrans
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	# No container: every command but delete --force fails, and that one succeeds (runc's).
	for cmd in state start "kill" pause resume delete ps; do
		expect_error 'prison-oci: container "pttrans" does not exist' "$OCI" $cmd pttrans
	done
	assert_eq "$(oci_rc "$OCI" delete --force pttrans)" 0 "delete --force of a container that does not exist"
	# created: start once, pause and resume keep it created, delete without --force is allowed.
	"$OCI" create -b "$b" pttrans </dev/null
	status_is pttrans created || fail "created"
	expect_error "prison-oci: pttrans: cannot resume a container that is created" "$OCI" resume pttrans
	"$OCI" pause pttrans
	status_is pttrans paused || fail "a created container paused"
	expect_error "prison-oci: pttrans: cannot start a container that is paused" "$OCI" start pttrans
	"$OCI" resume pttrans
	status_is pttrans created || fail "a created container resumed"
	"$OCI" delete pttrans
	assert_no_container pttrans
	# running: start again, delete without --force refused; stopped: start, kill and exec refused.
	"$OCI" create -b "$b" pttrans </dev/null
	"$OCI" start pttrans
	status_is pttrans running || fail "running"
	expect_error "prison-oci: pttrans: cannot start a container that is running" "$OCI" start pttrans
	expect_error "prison-oci: pttrans: cannot delete a running container (use --force)" "$OCI" delete pttrans
	"$OCI" kill pttrans KILL
	wait_until 5 "stopped" status_is pttrans stopped
	expect_error "prison-oci: pttrans: cannot start a container that is stopped" "$OCI" start pttrans
	expect_error "prison-oci: pttrans: container not running" "$OCI" kill pttrans
	expect_error "prison-oci: pttrans: cannot exec in a stopped container" "$OCI" exec pttrans /bin/true
	expect_error "prison-oci: pttrans: cannot pause a container that is stopped" "$OCI" pause pttrans
	assert_eq "$(oci_field pttrans '["pid"]')" 0 "a stopped container's pid"
	"$OCI" delete pttrans
	assert_no_container pttrans
	# A create that died before its state was written: delete --force clears its jail and directory.
	"$OCI" create -b "$b" pttrans </dev/null
	rm "$PRISON_RUNDIR-oci/pttrans/state.json"
	expect_error 'prison-oci: container "pttrans" does not exist' "$OCI" state pttrans
	"$OCI" delete --force pttrans
	assert_no_container pttrans
}

# --preserve-fds and socket activation: fds 3.. reach the process, nothing else of the host does.
test_oci_preserve_fds() {
	local b=$WORK/ptfds out
	echo three >"$WORK/ptfds.three"
	echo secret >"$WORK/ptfds.secret"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "cat <&3; cat <&4; readlink /proc/self/fd/5 || echo no-fd-5; ls -l /proc/self/fd | grep -c secret; echo LISTEN_FDS=${LISTEN_FDS:-} LISTEN_PID=${LISTEN_PID:-} pid=$$"]'
	# Fd 5, open in the caller but not passed, stays out.
	out=$(echo piped | "$OCI" run -b "$b" --preserve-fds 2 ptfds 3<"$WORK/ptfds.three" 4<&0 5<"$WORK/ptfds.secret" </dev/null)
	assert_eq "$out" "three
piped
no-fd-5
0
LISTEN_FDS= LISTEN_PID= pid=2" "run --preserve-fds 2: fds 3 and 4 read inside, fd 5 not there"
	assert_no_container ptfds
	# create, then start: the fds wait with the process.
	"$OCI" create -b "$b" --preserve-fds 2 ptfds 3<"$WORK/ptfds.three" 4<"$WORK/ptfds.three" </dev/null >"$WORK/ptfds.out"
	"$OCI" start ptfds
	wait_until 5 "ptfds ended" status_is ptfds stopped
	assert_eq "$(head -3 "$WORK/ptfds.out" | tr '\n' ' ')" "three three no-fd-5 " "create --preserve-fds 2, then start"
	"$OCI" delete ptfds
	# Socket activation, as runc: LISTEN_FDS for this process, then --preserve-fds after them; LISTEN_PID the process's own.
	out=$(bash -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$0" run -b "$1" --preserve-fds 1 ptfds' "$OCI" "$b" \
		3<"$WORK/ptfds.three" 4<"$WORK/ptfds.three" </dev/null)
	assert_eq "$(echo "$out" | tr '\n' ' ')" "three three no-fd-5 0 LISTEN_FDS=1 LISTEN_PID=2 pid=2 " "LISTEN_FDS passed on"
	# LISTEN_FDS meant for another process, or for none named, is not this one's: runc passes neither
	# the variables nor the fds then (crun sets LISTEN_PID=1), and --preserve-fds starts at 3.
	for listen in "LISTEN_FDS=1" "LISTEN_FDS=1 LISTEN_PID=1"; do
		out=$(env $listen "$OCI" run -b "$b" --preserve-fds 1 ptfds 3<"$WORK/ptfds.three" 4<"$WORK/ptfds.three" \
			</dev/null 2>/dev/null)
		assert_eq "$(echo "$out" | tr '\n' ' ')" "three no-fd-5 0 LISTEN_FDS= LISTEN_PID= pid=2 " "$listen of no process of ours"
	done
	# exec too.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	"$OCI" run -d -b "$b" ptfds </dev/null
	assert_eq "$("$OCI" exec --preserve-fds 1 ptfds /bin/sh -c 'cat <&3; readlink /proc/self/fd/4 || echo no-fd-4' 3<"$WORK/ptfds.three" 4<"$WORK/ptfds.secret" 2>/dev/null)" \
		"three
no-fd-4" "exec --preserve-fds 1"
	expect_error "prison-oci: ptfds: --preserve-fds: fd 3 is not one the caller passed" "$OCI" exec --preserve-fds 1 ptfds /bin/true
	expect_error 'prison-oci: exec: --preserve-fds "many": not a number of fds (0 to 256)' "$OCI" exec --preserve-fds many ptfds /bin/true
	"$OCI" delete --force ptfds
	expect_error "prison-oci: ptfds: --preserve-fds: fd 3 is not one the caller passed" "$OCI" run -b "$b" --preserve-fds 1 ptfds
	assert_no_container ptfds
}

# --help, global and of each command: the synopsis on stdout, exit status 0,
# nothing run; a command's own arguments after its id are its own.
test_oci_help() {
	local b=$WORK/pthelp out
	out=$("$OCI" --help) || fail "--help failed"
	assert_contains "$out" "usage: prison-oci" "--help"
	assert_contains "$out" "list [-q | --quiet] [--format table | json]" "--help names list"
	assert_eq "$("$OCI" -h | head -1)" "$(echo "$out" | head -1)" "-h"
	assert_eq "$("$OCI" delete --help)" "usage: prison-oci [global options] delete [-f | --force] id" "delete --help"
	assert_contains "$("$OCI" exec -h)" "exec [--process file]" "exec -h"
	# exec's --help after the id is the command's: it runs in the container.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	"$OCI" create -b "$b" pthelp </dev/null
	"$OCI" start pthelp
	assert_eq "$("$OCI" exec pthelp /bin/echo --help </dev/null)" "--help" "--help of the container's command"
	"$OCI" delete --force pthelp
	assert_no_container pthelp
}

# list, as runc's: a table with a header, -q the ids, --format json an array of states.
test_oci_list() {
	local b=$WORK/ptlist root=$WORK/ptlist.root
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	assert_eq "$("$OCI" --root "$root" list --format json)" "[]" "an empty list"
	assert_eq "$("$OCI" --root "$root" list -q)" "" "an empty list, quiet"
	"$OCI" --root "$root" create -b "$b" ptlist1 </dev/null
	"$OCI" --root "$root" create -b "$b" ptlist2 </dev/null
	"$OCI" --root "$root" start ptlist2
	assert_eq "$("$OCI" --root "$root" list -q | sort)" "ptlist1
ptlist2" "list -q"
	assert_eq "$("$OCI" --root "$root" list --format json | python3 -c 'import json, sys
for c in sorted(json.load(sys.stdin), key=lambda c: c["id"]):
    print(c["id"], c["status"], c["bundle"] == sys.argv[1], c["pid"] > 0, c["owner"])' "$b")" "ptlist1 created True True root
ptlist2 running True True root" "list --format json"
	assert_eq "$("$OCI" --root "$root" list | awk '{ print $1, $3 }' | sort)" "ID STATUS
ptlist1 created
ptlist2 running" "the table"
	# A container of another root is not listed.
	assert_not_contains "$("$OCI" list -q)" ptlist "the default root's list"
	expect_error 'prison-oci: list: --format "xml": table or json' "$OCI" --root "$root" list --format xml
	"$OCI" --root "$root" delete --force ptlist1
	"$OCI" --root "$root" delete --force ptlist2
	assert_no_container ptlist1
	assert_no_container ptlist2
}
