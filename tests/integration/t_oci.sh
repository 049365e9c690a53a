# prison-oci(8): an OCI container is a jail.  Bundles written here, on the busybox root.

OCI=${OCI:-$(dirname "$JAIL")/prison-oci}

# oci_bundle DIR [PYTHON...]: a bundle in DIR whose config.json is
# prison-oci spec's default with its root at $ROOT and no terminal; each
# further argument is a python statement run on c, the config, first.
oci_bundle() {
	local dir=$1
	shift
	mkdir -p "$dir"
	rm -f "$dir/config.json"
	"$OCI" spec -b "$dir"
	python3 - "$dir/config.json" "$ROOT" "$@" <<'PY'
import json, sys
path, root = sys.argv[1], sys.argv[2]
c = json.load(open(path))
c["root"]["path"] = root
c["process"]["terminal"] = False
for stmt in sys.argv[3:]:
    exec(stmt)
json.dump(c, open(path, "w"))
PY
}

oci_status() {
	"$OCI" state "$1" | python3 -c 'import json, sys; s = json.load(sys.stdin); print(s["status"], s["pid"])'
}

oci_field() {
	"$OCI" state "$1" | python3 -c "import json, sys; print(json.load(sys.stdin)$2)"
}

status_is() { # id status
	[ "$(oci_status "$1" | cut -d' ' -f1)" = "$2" ]
}

# Everything of a container but its bundle is gone: state, jail, cgroup.
assert_no_container() {
	local id=$1
	[ ! -e "$PRISON_RUNDIR-oci/$id" ] || fail "$id: its state is left in $PRISON_RUNDIR-oci"
	assert_not_contains "$("$JLS" -N)" " $id " "jls after $id went"
	[ ! -e "$CGROUP2/$CGPREFIX" ] || [ -z "$(ls -A "$CGROUP2/$CGPREFIX" | grep -v '^cgroup\.\|^[a-z]*\.' || true)" ] ||
		fail "$id: cgroups left: $(ls "$CGROUP2/$CGPREFIX")"
	expect_error "prison-oci: container \"$id\" does not exist" "$OCI" state "$id"
}

test_oci_lifecycle() {
	local b=$WORK/ptoci pid st
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "echo $$ >/tmp/ptoci.started; exec sleep 60"]' \
		'c["hostname"] = "box.example"' 'c["annotations"] = {"org.example.k": "v"}'
	rm -f "$ROOT/tmp/ptoci.started"
	"$OCI" create -b "$b" --pid-file "$WORK/ptoci.pid" ptoci </dev/null >/dev/null
	# created: the process is there, in the jail, and has not run the user's command yet.
	read -r st pid < <(oci_status ptoci)
	assert_eq "$st" created "status after create"
	assert_eq "$(cat "$WORK/ptoci.pid")" "$pid" "--pid-file"
	[ -d "/proc/$pid" ] || fail "the created container's process $pid is not there"
	assert_contains "$(cat "/proc/$pid/cgroup")" "$CGPREFIX/" "the process in the jail's cgroup"
	[ ! -e "$ROOT/tmp/ptoci.started" ] || fail "the command ran before start"
	assert_eq "$(oci_field ptoci '["bundle"]')" "$b" "state's bundle"
	assert_eq "$(oci_field ptoci '["annotations"]["org.example.k"]')" v "state's annotations"
	assert_eq "$(oci_field ptoci '["ociVersion"]')" 1.2.0 "state's ociVersion"
	# The container is a jail: jls lists it with its bundle, jexec enters it.
	assert_eq "$("$JLS" -j ptoci name oci.bundle host.hostname)" "ptoci $b box.example" "jls"
	assert_eq "$("$JEXEC" ptoci hostname)" box.example "jexec into the container"
	"$OCI" start ptoci
	wait_until 5 "the command after start" test -s "$ROOT/tmp/ptoci.started"
	assert_eq "$(oci_status ptoci)" "running $pid" "status after start"
	expect_error "prison-oci: ptoci: cannot start a container that is running" "$OCI" start ptoci
	expect_error "prison-oci: ptoci: cannot delete a running container (use --force)" "$OCI" delete ptoci
	assert_contains "$("$JEXEC" ptoci ps)" "sleep 60" "the process seen from inside"
	"$OCI" kill ptoci TERM
	wait_until 5 "stopped after kill" status_is ptoci stopped
	assert_eq "$(oci_status ptoci)" "stopped 0" "status after the process ended"
	expect_error "prison-oci: ptoci: cannot start a container that is stopped" "$OCI" start ptoci
	expect_error "prison-oci: ptoci: container not running" "$OCI" kill ptoci
	# Stopped, the jail stays until delete, as runc's container does.
	assert_eq "$("$JLS" -j ptoci name)" ptoci "the jail of a stopped container"
	"$OCI" delete ptoci
	assert_no_container ptoci
	rm -f "$ROOT/tmp/ptoci.started"
}

test_oci_kill_signals_and_all() {
	local b=$WORK/ptkill pid
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	"$OCI" create -b "$b" ptkill </dev/null
	# A created container can be killed too: its process waits at the gate.
	"$OCI" kill ptkill 9
	wait_until 5 "a created container killed" status_is ptkill stopped
	"$OCI" delete ptkill
	"$OCI" run -d -b "$b" ptkill </dev/null
	read -r _ pid < <(oci_status ptkill)
	"$JEXEC" ptkill /bin/sh -c 'sleep 60 </dev/null >/dev/null 2>&1 &'
	assert_eq "$("$JEXEC" ptkill ps | grep -c '[s]leep 60')" 2 "two sleeps in the container"
	expect_error 'prison-oci: kill: "NOSUCH": no such signal' "$OCI" kill ptkill NOSUCH
	"$OCI" kill --all ptkill SIGKILL
	wait_until 5 "kill --all" status_is ptkill stopped
	wait_until 5 "every process killed" test "$("$JEXEC" ptkill ps | grep -c '[s]leep 60' || true)" = 0
	"$OCI" delete ptkill
	assert_no_container ptkill
}

test_oci_delete_force_and_run_status() {
	local b=$WORK/ptforce
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	"$OCI" run --detach -b "$b" ptforce </dev/null
	assert_eq "$(oci_status ptforce | cut -d' ' -f1)" running "run -d"
	"$OCI" delete --force ptforce
	assert_no_container ptforce
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "echo out; echo err >&2; exit 7"]'
	set +e
	out=$("$OCI" run -b "$b" ptforce 2>"$WORK/ptforce.err" </dev/null)
	rc=$?
	set -e
	assert_eq "$rc" 7 "run's exit status"
	assert_eq "$out" out "the process's output: the caller's own"
	assert_eq "$(cat "$WORK/ptforce.err")" err "the process's error output"
	assert_no_container ptforce
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "kill -9 $$"]'
	set +e
	"$OCI" run -b "$b" ptforce </dev/null
	rc=$?
	set -e
	assert_eq "$rc" 137 "run of a killed process"
	assert_no_container ptforce
}

test_oci_process_and_limits() {
	local b=$WORK/ptproc out
	oci_bundle "$b" \
		'c["process"]["args"] = ["/bin/sh", "-c", "id; pwd; echo $FOO; grep -E \"^(CapEff|NoNewPrivs)\" /proc/self/status; umask"]' \
		'c["process"]["user"] = {"uid": 1001, "gid": 1001, "additionalGids": [10], "umask": 63}' \
		'c["process"]["cwd"] = "/home/jdoe"' 'c["process"]["env"] = ["FOO=bar", "PATH=/bin"]'
	out=$("$OCI" run -b "$b" ptproc </dev/null)
	assert_eq "$out" "uid=1001(jdoe) gid=1001(jdoe) groups=10(wheel)
/home/jdoe
bar
CapEff:	0000000000000000
NoNewPrivs:	1
0077" "process.user, cwd, env, noNewPrivileges, umask"
	# Root keeps only what both the jail and process.capabilities give it.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/grep", "CapBnd", "/proc/self/status"]'
	assert_eq "$("$OCI" run -b "$b" ptproc </dev/null)" "CapBnd:	0000000020000420" "capabilities (KILL, NET_BIND_SERVICE, AUDIT_WRITE)"
	# linux.resources: pids.limit holds inside, and rctl shows the rules.
	oci_bundle "$b" \
		'c["process"]["args"] = ["/bin/sh", "-c", "for i in 1 2 3 4 5 6 7 8; do sleep 5 & done; wait"]' \
		'c["linux"]["resources"]["pids"] = {"limit": 4}' \
		'c["linux"]["resources"]["memory"] = {"limit": 67108864}'
	"$OCI" create -b "$b" ptproc </dev/null
	assert_eq "$("$RCTL" jail:ptproc | sort | tr '\n' ' ')" \
		"jail:ptproc:maxproc:deny=4 jail:ptproc:memoryuse:deny=67108864 " "rctl sees the container's limits"
	"$OCI" delete ptproc
	set +e
	"$OCI" run -b "$b" ptproc </dev/null 2>"$WORK/ptproc.err"
	rc=$?
	set -e
	[ "$rc" != 0 ] || fail "eight processes under pids.limit=4"
	assert_contains "$(cat "$WORK/ptproc.err")" "can't fork" "pids.limit inside"
	assert_no_container ptproc
}

test_oci_network() {
	local b=$WORK/ptnet
	# No network namespace listed: the host's stack, as ip4=inherit.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/cat", "/proc/net/dev"]' \
		'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]'
	assert_eq "$("$OCI" run -b "$b" ptnet </dev/null | wc -l)" "$(wc -l </proc/net/dev)" "the host's stack"
	# Listed: a vnet jail, with only its loopback.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d \" \""]'
	assert_eq "$("$OCI" run -b "$b" ptnet </dev/null)" lo "a network namespace of its own"
	# freebsd.jail's addresses: a jail on the shared stack with those addresses.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' \
		'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]' \
		'c["freebsd"] = {"jail": {"ip4Addr": ["198.18.7.1"]}}'
	"$OCI" create -b "$b" ptnet </dev/null
	assert_eq "$("$JLS" -j ptnet ip4.addr ip4 ip6)" "198.18.7.1 new disable" "freebsd.jail.ip4Addr"
	"$OCI" delete ptnet
	assert_no_container ptnet
}

test_oci_console_socket() {
	local b=$WORK/ptcons sock=$WORK/ptcons.sock out
	oci_bundle "$b" 'c["process"]["terminal"] = True' \
		'c["process"]["args"] = ["/bin/sh", "-c", "tty; test -t 0 && echo on-a-terminal"]'
	expect_error "prison-oci: ptcons: process.terminal is true: --console-socket is needed" \
		"$OCI" create -b "$b" ptcons
	# The engine's side: take the master from SCM_RIGHTS and read the terminal until it closes.
	console_reader "$sock" "$WORK/ptcons.out"
	local rpid=$CONSOLE_READER
	"$OCI" run -b "$b" --console-socket "$sock" ptcons
	wait "$rpid"
	out=$(cat "$WORK/ptcons.out")
	assert_eq "$out" "/dev/pts/0
on-a-terminal" "the container's terminal, through the console socket"
	assert_no_container ptcons
}

# Ambient capabilities: raised for the container's root, kept across
# execve; one outside what the process keeps is dropped, a bad name refused.
test_oci_ambient_caps() {
	local b=$WORK/ptamb
	oci_bundle "$b" \
		'c["process"]["args"] = ["/bin/grep", "-E", "^Cap(Inh|Prm|Eff|Amb)", "/proc/self/status"]' \
		'k = ["CAP_KILL", "CAP_NET_BIND_SERVICE"]' \
		'c["process"]["capabilities"] = {s: list(k) for s in ("bounding", "effective", "permitted", "inheritable")}' \
		'c["process"]["capabilities"]["ambient"] = k + ["CAP_SYS_ADMIN"]'
	assert_eq "$("$OCI" run -b "$b" ptamb </dev/null)" "CapInh:	0000000000000420
CapPrm:	0000000000000420
CapEff:	0000000000000420
CapAmb:	0000000000000420" "ambient KILL and NET_BIND_SERVICE, SYS_ADMIN dropped"
	# Without ambient, none are ambient.
	oci_bundle "$b" \
		'c["process"]["args"] = ["/bin/grep", "-E", "^Cap(Eff|Amb)", "/proc/self/status"]' \
		'c["process"]["capabilities"] = {s: ["CAP_KILL"] for s in ("bounding", "effective", "permitted")}'
	assert_eq "$("$OCI" run -b "$b" ptamb </dev/null)" "CapEff:	0000000000000020
CapAmb:	0000000000000000" "no ambient capabilities when none are asked for"
	oci_bundle "$b" 'c["process"]["capabilities"]["ambient"] = ["CAP_NOSUCH"]'
	expect_error 'prison-oci: ptamb: process.capabilities.ambient: "CAP_NOSUCH": no such capability' \
		"$OCI" create -b "$b" ptamb
	assert_no_container ptamb
}

# A user other than root with ambient CAP_NET_BIND_SERVICE (what engines
# give a non-root service that listens on port 80) binds port 80 in the
# container's own network namespace; without it, it cannot.  An ambient
# capability the jail does not give is refused by name.
test_oci_ambient_caps_non_root() {
	local b=$WORK/ptambu k='["CAP_NET_BIND_SERVICE"]'
	oci_bundle "$b" 'c["process"]["user"] = {"uid": 1001, "gid": 1001}' \
		'c["process"]["args"] = ["/bin/sh", "-c", "id -u; grep -E \"^Cap(Inh|Prm|Eff|Amb)\" /proc/self/status; exec /bin/probe bind 0.0.0.0 80"]' \
		"c['process']['capabilities'] = {s: c['process']['capabilities']['bounding'] for s in ('bounding', 'effective', 'permitted')}" \
		"c['process']['capabilities']['ambient'] = $k" "c['process']['capabilities']['inheritable'] = $k"
	assert_eq "$("$OCI" run -b "$b" ptambu </dev/null)" "1001
CapInh:	0000000000000400
CapPrm:	0000000000000400
CapEff:	0000000000000400
CapAmb:	0000000000000400
0.0.0.0" "uid 1001 with ambient CAP_NET_BIND_SERVICE binds port 80"
	assert_no_container ptambu
	# The same user without it: nothing at all, and port 80 refused; its bounding set is the container's.
	oci_bundle "$b" 'c["process"]["user"] = {"uid": 1001, "gid": 1001}' \
		'c["process"]["args"] = ["/bin/sh", "-c", "grep -E \"^Cap(Prm|Eff|Bnd|Amb)\" /proc/self/status; exec /bin/probe bind 0.0.0.0 80"]' \
		'c["process"]["capabilities"] = {s: ["CAP_KILL", "CAP_NET_BIND_SERVICE"] for s in ("bounding", "effective", "permitted")}'
	assert_eq "$("$OCI" run -b "$b" ptambu </dev/null)" "CapPrm:	0000000000000000
CapEff:	0000000000000000
CapBnd:	0000000000000420
CapAmb:	0000000000000000
EACCES" "uid 1001 without ambient capabilities binds port 80"
	assert_no_container ptambu
	# exec --process takes them too, as create does.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	"$OCI" create -b "$b" ptambu </dev/null
	echo '{"args": ["/bin/probe", "bind", "0.0.0.0", "80"], "cwd": "/", "user": {"uid": 1001, "gid": 1001},
 "capabilities": {"bounding": ["CAP_NET_BIND_SERVICE"], "effective": ["CAP_NET_BIND_SERVICE"],
  "permitted": ["CAP_NET_BIND_SERVICE"], "ambient": ["CAP_NET_BIND_SERVICE"]}}' >"$WORK/ptambu.json"
	assert_eq "$("$OCI" exec --process "$WORK/ptambu.json" ptambu </dev/null)" 0.0.0.0 "exec --process: uid 1001 binds port 80"
	"$OCI" delete --force ptambu
	assert_no_container ptambu
	# A capability the jail's allow.* does not give: in the bounding set dropped, as ambient refused.
	oci_bundle "$b" 'c["process"]["user"] = {"uid": 1001, "gid": 1001}' 'c["process"]["args"] = ["/bin/true"]' \
		'c["process"]["capabilities"] = {s: ["CAP_NET_RAW", "CAP_KILL"] for s in ("bounding", "effective", "permitted")}'
	"$OCI" run -b "$b" ptambu </dev/null || fail "CAP_NET_RAW in the bounding set of a jail without allow.raw_sockets"
	oci_bundle "$b" 'c["process"]["user"] = {"uid": 1001, "gid": 1001}' \
		'c["process"]["capabilities"] = {s: ["CAP_NET_RAW", "CAP_KILL"] for s in ("bounding", "effective", "permitted", "ambient")}'
	expect_error 'prison-oci: ptambu: process.capabilities.ambient: "CAP_NET_RAW": the jail does not give it (it takes allow.raw_sockets)' \
		"$OCI" create -b "$b" ptambu
	oci_bundle "$b" 'c["process"]["user"] = {"uid": 1001, "gid": 1001}' \
		'c["process"]["capabilities"]["ambient"] = ["CAP_SYS_MODULE"]' \
		'c["process"]["capabilities"]["bounding"].append("CAP_SYS_MODULE")' \
		'c["process"]["capabilities"]["effective"].append("CAP_SYS_MODULE")' \
		'c["process"]["capabilities"]["permitted"].append("CAP_SYS_MODULE")'
	expect_error "prison-oci: ptambu: process.capabilities.ambient: \"CAP_SYS_MODULE\": no jail's root has it" \
		"$OCI" create -b "$b" ptambu
	assert_no_container ptambu
	# For uid 0, whose capabilities are the jail root's whatever ambient says,
	# those the jail lacks are dropped from ambient as from the other sets.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "grep ^CapAmb /proc/self/status"]' \
		'c["process"]["capabilities"] = {s: ["CAP_KILL", "CAP_NET_RAW", "CAP_SYS_MODULE"] for s in ("bounding", "effective", "permitted", "ambient")}'
	assert_eq "$("$OCI" run -b "$b" ptambu </dev/null)" "CapAmb:	0000000000000020" "uid 0: ambient KILL, NET_RAW and SYS_MODULE dropped"
	assert_no_container ptambu
	# With freebsd.jail.allow.rawSockets the jail gives it, and the user holds it.
	oci_bundle "$b" 'c["process"]["user"] = {"uid": 1001, "gid": 1001}' \
		'c["process"]["args"] = ["/bin/probe", "socket", "raw"]' 'c["freebsd"] = {"jail": {"allow": {"rawSockets": True}}}' \
		'c["process"]["capabilities"] = {s: ["CAP_NET_RAW"] for s in ("bounding", "effective", "permitted", "ambient")}'
	assert_eq "$("$OCI" run -b "$b" ptambu </dev/null)" ok "a raw socket of uid 1001 with ambient CAP_NET_RAW and allow.rawSockets"
	assert_no_container ptambu
}

# The file systems a container gets are named as its config.json names
# them (source proc, tmpfs, devpts, shm, mqueue), not "none".
test_oci_mount_sources() {
	local b=$WORK/ptsrc out
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/cat", "/proc/self/mountinfo"]'
	out=$("$OCI" run -b "$b" ptsrc </dev/null | awk '{ for (i = 7; $i != "-"; i++); print $5, $(i + 1), $(i + 2) }')
	assert_contains "$out" "/proc proc proc" "mountinfo of /proc"
	assert_contains "$out" "/dev tmpfs tmpfs" "mountinfo of /dev"
	assert_contains "$out" "/dev/pts devpts devpts" "mountinfo of /dev/pts"
	assert_contains "$out" "/dev/shm tmpfs shm" "mountinfo of /dev/shm"
	assert_not_contains "$out" " none" "no file system of source none"
	assert_no_container ptsrc
}

test_oci_errors_leave_nothing() {
	local b=$WORK/pterr
	expect_error "prison-oci: pterr: bundle \"$WORK/nosuch\": No such file or directory" \
		"$OCI" create -b "$WORK/nosuch" pterr
	mkdir -p "$b"
	echo '{"ociVersion": "1.2.0", "root": ' >"$b/config.json"
	expect_error "prison-oci: pterr: config.json: not valid JSON (unexpected end of the text at byte 33)" \
		"$OCI" create -b "$b" pterr
	assert_no_container pterr
	oci_bundle "$b" 'c["linux"]["uidMappings"] = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
	expect_error "prison-oci: pterr: linux.gidMappings: missing (only one entry, containerID 0 and size 65536, the same for users and groups, onto hostID a multiple of 65536 from 1073741824 on is taken)" \
		"$OCI" create -b "$b" pterr
	oci_bundle "$b" 'c["linux"]["namespaces"].append({"type": "time"})'
	expect_error 'prison-oci: pterr: linux.namespaces: "time": not supported' "$OCI" create -b "$b" pterr
	oci_bundle "$b" 'c["linux"]["maskedPaths"].append("/etc/secret")'
	expect_error 'prison-oci: pterr: linux.maskedPaths: "/etc/secret": not supported (only the paths a jail masks anyway)' \
		"$OCI" create -b "$b" pterr
	oci_bundle "$b" 'del c["process"]["args"]'
	expect_error "prison-oci: pterr: process.args: missing" "$OCI" create -b "$b" pterr
	# ociVersion must be a version of runtime-spec 1 (SemVer); engines' pre-releases are versions.
	for v in invalid 2.0.0 1.2 1.02.0 1.2.0-; do
		oci_bundle "$b" "c['ociVersion'] = '$v'"
		expect_error "prison-oci: pterr: ociVersion \"$v\": not a version of runtime-spec 1 (1.MINOR.PATCH, as SemVer)" \
			"$OCI" create -b "$b" pterr
	done
	oci_bundle "$b" 'c["ociVersion"] = "1.0.2-dev+podman"' 'c["process"]["args"] = ["/bin/true"]'
	"$OCI" run -b "$b" pterr </dev/null || fail "ociVersion 1.0.2-dev+podman refused"
	oci_bundle "$b" 'c["linux"]["intelRdt"] = {"closID": "pterr"}'
	expect_error "prison-oci: pterr: linux.intelRdt: not supported yet" "$OCI" create -b "$b" pterr
	oci_bundle "$b" 'c["process"]["capabilities"]["bounding"].append("CAP_NOSUCH")'
	expect_error 'prison-oci: pterr: process.capabilities.bounding: "CAP_NOSUCH": no such capability' \
		"$OCI" create -b "$b" pterr
	oci_bundle "$b" 'c["root"]["path"] = "/nonexistent/root"'
	expect_error 'prison-oci: pterr: path "/nonexistent/root": No such file or directory' "$OCI" create -b "$b" pterr
	expect_error 'prison-oci: a.b: container id "a.b": only letters, digits, '"'_', '-' and '+'" "$OCI" create -b "$b" a.b
	assert_no_container pterr
	# A second container of the same id is refused and leaves the first alone.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	"$OCI" create -b "$b" pterr </dev/null
	expect_error 'prison-oci: pterr: container "pterr" exists' "$OCI" create -b "$b" pterr
	assert_eq "$(oci_status pterr | cut -d' ' -f1)" created "the first container, after a second was refused"
	"$OCI" delete pterr
	assert_no_container pterr
}

test_oci_jail_r_and_log() {
	local b=$WORK/ptjr
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	"$OCI" run -d -b "$b" ptjr </dev/null
	# The admin's jail -r removes the container's jail; the container is stopped then.
	"$JAIL" -r ptjr >/dev/null
	wait_until 5 "stopped after jail -r" status_is ptjr stopped
	"$OCI" delete ptjr
	assert_no_container ptjr
	# --log-format json: what engines read when a command fails.
	"$OCI" --log "$WORK/ptjr.log" --log-format json state ptjr 2>/dev/null && fail "state of a deleted container"
	assert_eq "$(python3 -c 'import json, sys; r = json.loads(open(sys.argv[1]).readline()); print(r["level"], r["msg"])' \
		"$WORK/ptjr.log")" 'error container "ptjr" does not exist' "the JSON log"
	# spec refuses to overwrite; features is JSON.
	expect_error "prison-oci: $b/config.json: File exists" "$OCI" spec -b "$b"
	assert_eq "$("$OCI" features | python3 -c 'import json, sys; print(json.load(sys.stdin)["ociVersionMax"])')" 1.2.0 "features"
}
