# prison-oci exec, ps, pause and resume, from bundles written here (oci_bundle is t_oci.sh's).

test_oci_exec() {
	local b=$WORK/ptexec pid xpid out rc init
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' 'c["hostname"] = "exec.example"' \
		'c["process"]["env"] = ["PATH=/bin:/sbin", "KEEP=1", "OVER=old"]'
	"$OCI" run -d -b "$b" ptexec </dev/null
	read -r _ pid < <(oci_status ptexec)
	# Inside the container, confined as its process is: its host name, PID namespace, capabilities, no_new_privs.
	out=$("$OCI" exec ptexec /bin/sh -c 'hostname; echo $$; grep -E "^(CapBnd|NoNewPrivs)" /proc/self/status' </dev/null)
	assert_eq "$(echo "$out" | sed 2d)" "exec.example
CapBnd:	0000000020000420
NoNewPrivs:	1" "exec: the container's name and confinement"
	[ "$(echo "$out" | sed -n 2p)" -lt 10 ] || fail "exec: not in the container's PID namespace ($out)"
	# The process's exit status, its output the caller's own.
	set +e
	"$OCI" exec ptexec /bin/sh -c 'echo err >&2; exit 3' </dev/null 2>"$WORK/ptexec.err"
	rc=$?
	set -e
	assert_eq "$rc" 3 "exec's exit status"
	assert_eq "$(cat "$WORK/ptexec.err")" err "exec's error output"
	# --env over the bundle's environment, --cwd, --user uid:gid.
	out=$("$OCI" exec -e OVER=new --env NEW=2 --cwd /tmp --user 1001:10 ptexec \
		/bin/sh -c 'id -u; id -g; pwd; echo $KEEP $OVER $NEW' </dev/null)
	assert_eq "$out" "1001
10
/tmp
1 new 2" "exec --env --cwd --user"
	# --process: a process object in place of the bundle's.
	cat >"$WORK/ptexec.json" <<'EOF'
{"args": ["/bin/sh", "-c", "echo from-file $BAR; id -u; grep NoNewPrivs /proc/self/status"], "env": ["BAR=baz"],
 "cwd": "/", "user": {"uid": 7, "gid": 7}}
EOF
	assert_eq "$("$OCI" exec --process "$WORK/ptexec.json" ptexec </dev/null)" "from-file baz
7
NoNewPrivs:	0" "exec --process"
	# A process file's ambient capabilities, as create's.
	cat >"$WORK/ptexec.json" <<'EOF'
{"args": ["/bin/grep", "-E", "^Cap(Eff|Amb)", "/proc/self/status"], "cwd": "/", "user": {"uid": 0, "gid": 0},
 "capabilities": {"bounding": ["CAP_KILL"], "effective": ["CAP_KILL"], "permitted": ["CAP_KILL"], "ambient": ["CAP_KILL"]}}
EOF
	assert_eq "$("$OCI" exec --process "$WORK/ptexec.json" ptexec </dev/null)" "CapEff:	0000000000000020
CapAmb:	0000000000000020" "exec --process with ambient capabilities"
	echo '{"args": ' >"$WORK/ptexec.json"
	expect_error "prison-oci: ptexec: $WORK/ptexec.json: not valid JSON (unexpected end of the text at byte 10)" \
		"$OCI" exec --process "$WORK/ptexec.json" ptexec
	# --detach --pid-file: the process runs on, in the jail's cgroup, and ps lists it with the container's.
	"$OCI" exec -d --pid-file "$WORK/ptexec.pid" ptexec /bin/sleep 30 </dev/null
	xpid=$(cat "$WORK/ptexec.pid")
	[ -d "/proc/$xpid" ] || fail "exec -d: process $xpid is not there"
	assert_contains "$(cat "/proc/$xpid/cgroup")" "$CGPREFIX/" "exec -d: in the jail's cgroup"
	assert_eq "$(readlink "/proc/$xpid/ns/pid")" "$(readlink "/proc/$pid/ns/pid")" "exec -d: the container's PID namespace"
	init=$(init_pid_of "$(jid_of ptexec)")
	assert_eq "$("$OCI" ps --format json ptexec | python3 -c 'import json, sys; print(sorted(json.load(sys.stdin)))')" \
		"$(python3 -c "print(sorted([$pid, $xpid]))")" "ps --format json: the container's processes, not jailinit $init"
	out=$("$OCI" ps ptexec)
	assert_contains "$out" "sleep 30" "ps's table"
	assert_contains "$(echo "$out" | head -1)" "PID" "ps's header"
	expect_error 'prison-oci: ps: "-ef": ps(1) options are not taken; the table is prison-oci'"'"'s own' \
		"$OCI" ps ptexec -ef
	# A command that is not there fails cleanly, leaving nothing running.
	expect_error "prison-oci: ptexec: nosuchcmd: command not found" "$OCI" exec ptexec nosuchcmd
	expect_error "prison-oci: exec: --cap: not supported (give a --process file)" "$OCI" exec --cap CAP_SYS_ADMIN ptexec true
	# Stopped, the jail is still there but the container takes no process.
	"$OCI" kill --all ptexec KILL
	wait_until 5 "stopped after kill" status_is ptexec stopped
	expect_error "prison-oci: ptexec: cannot exec in a stopped container" "$OCI" exec ptexec /bin/true
	assert_eq "$("$OCI" ps --format json ptexec)" "[]" "ps of a stopped container"
	"$OCI" delete ptexec
	expect_error 'prison-oci: container "ptexec" does not exist' "$OCI" exec ptexec /bin/true
	assert_no_container ptexec
}

test_oci_exec_console_socket() {
	local b=$WORK/ptexty sock=$WORK/ptexty.sock
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	"$OCI" run -d -b "$b" ptexty </dev/null
	expect_error "prison-oci: ptexty: --console-socket given but no terminal asked for" \
		"$OCI" exec --console-socket "$sock" ptexty /bin/true
	expect_error "prison-oci: ptexty: a terminal with --detach needs --console-socket" \
		"$OCI" exec -t -d ptexty /bin/true
	console_reader "$sock" "$WORK/ptexty.out"
	local rpid=$CONSOLE_READER
	"$OCI" exec -t --console-socket "$sock" ptexty /bin/sh -c 'test -t 0 && echo on-a-terminal; tty'
	wait "$rpid"
	assert_eq "$(head -1 "$WORK/ptexty.out")" on-a-terminal "exec -t: a terminal of the jail's, through the console socket"
	assert_contains "$(cat "$WORK/ptexty.out")" "/dev/pts/" "exec -t: the jail's devpts"
	"$OCI" delete --force ptexty
	assert_no_container ptexty
}

# The counter the container's process writes, from inside the jail.
ptpause_count() {
	cat "$ROOT/tmp/ptpause.n" 2>/dev/null || echo 0
}

ptpause_above() {
	[ "$(ptpause_count)" -gt "$1" ]
}

test_oci_pause_resume() {
	local b=$WORK/ptpause pid n1 n2 cg
	rm -f "$ROOT/tmp/ptpause.n"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "i=0; while :; do i=$((i+1)); echo $i >/tmp/ptpause.n; sleep 0.05; done"]'
	"$OCI" create -b "$b" ptpause </dev/null
	expect_error "prison-oci: ptpause: cannot resume a container that is created" "$OCI" resume ptpause
	"$OCI" start ptpause
	read -r _ pid < <(oci_status ptpause)
	wait_until 5 "the counter runs" ptpause_above 2
	cg=$(cgroup_of ptpause)
	"$OCI" pause ptpause
	assert_eq "$(oci_status ptpause)" "paused $pid" "state of a paused container"
	assert_contains "$(cat "$cg/cgroup.events")" "frozen 1" "the jail's cgroup frozen"
	# Inside, nothing runs: the counter stands still.
	n1=$(ptpause_count)
	sleep 0.5
	n2=$(ptpause_count)
	assert_eq "$n2" "$n1" "the counter of a paused container"
	expect_error "prison-oci: ptpause: cannot pause a container that is paused" "$OCI" pause ptpause
	expect_error "prison-oci: ptpause: cannot exec in a paused container" "$OCI" exec ptpause /bin/true
	expect_error "prison-oci: ptpause: cannot delete a paused container (use --force)" "$OCI" delete ptpause
	"$OCI" resume ptpause
	assert_eq "$(oci_status ptpause)" "running $pid" "state after resume"
	wait_until 5 "the counter runs again" ptpause_above "$((n2 + 2))"
	assert_contains "$(cat "$cg/cgroup.events")" "frozen 0" "the jail's cgroup thawed"
	expect_error "prison-oci: ptpause: cannot resume a container that is running" "$OCI" resume ptpause
	# A paused container goes with delete --force, its jail thawed on the way.
	"$OCI" pause ptpause
	"$OCI" delete --force ptpause
	assert_no_container ptpause
	expect_error 'prison-oci: container "ptpause" does not exist' "$OCI" pause ptpause
	rm -f "$ROOT/tmp/ptpause.n"
}
