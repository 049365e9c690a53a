# prison-oci against runtime-spec where runc and crun agree: hooks after a
# failing one, run --keep, supplementary groups, CPU shares, capability sets
# left out, a process that dies before the container is created, HOME, a
# process.cwd that is not there, kernel memory limits.

# poststart and poststop failures are warnings and the hooks after them run;
# a failing createRuntime or startContainer hook still stops at once.
test_oci_hooks_after_a_failing_post_hook() {
	local b=$WORK/ptposth log=$WORK/ptposth.log out
	rm -f "$log" "$ROOT/tmp/ptposth.log"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/true"]' \
		"c['hooks'] = {'poststart': [{'path': '/bin/false'}, {'path': '/bin/sh', 'args': ['sh', '-c', 'echo post-start called >>$log']}],
			'poststop': [{'path': '/bin/false'}, {'path': '/bin/sh', 'args': ['sh', '-c', 'echo post-stop called >>$log']}]}"
	out=$("$OCI" run -b "$b" ptposth 2>&1 </dev/null) || fail "run with a failing first poststart and poststop hook: $out"
	assert_contains "$out" 'prison-oci: ptposth: warning: hooks.poststart[0] "/bin/false": exit status 1' "poststart's warning"
	assert_contains "$out" 'prison-oci: ptposth: warning: hooks.poststop[0] "/bin/false": exit status 1' "poststop's warning"
	assert_eq "$(cat "$log" 2>/dev/null)" "post-start called
post-stop called" "the hooks after the failing ones"
	assert_no_container ptposth
	# The same with create, start and delete.
	rm -f "$log"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' \
		"c['hooks'] = {'poststart': [{'path': '/bin/false'}, {'path': '/bin/sh', 'args': ['sh', '-c', 'echo post-start called >>$log']}],
			'poststop': [{'path': '/bin/false'}, {'path': '/bin/sh', 'args': ['sh', '-c', 'echo post-stop called >>$log']}]}"
	"$OCI" create -b "$b" ptposth </dev/null
	out=$("$OCI" start ptposth 2>&1) || fail "start with a failing first poststart hook: $out"
	assert_eq "$out" 'prison-oci: ptposth: warning: hooks.poststart[0] "/bin/false": exit status 1' "start's warning"
	assert_eq "$(cat "$log")" "post-start called" "the poststart hook after the failing one"
	out=$("$OCI" delete --force ptposth 2>&1) || fail "delete with a failing first poststop hook: $out"
	assert_eq "$out" 'prison-oci: ptposth: warning: hooks.poststop[0] "/bin/false": exit status 1' "delete's warning"
	assert_eq "$(cat "$log")" "post-start called
post-stop called" "the poststop hook after the failing one"
	assert_no_container ptposth
	# createRuntime and startContainer failures stop the rest, and the container.
	rm -f "$log"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' \
		"c['hooks'] = {'createRuntime': [{'path': '/bin/false'}, {'path': '/bin/sh', 'args': ['sh', '-c', 'echo create-runtime called >>$log']}]}"
	expect_error 'prison-oci: ptposth: hooks.createRuntime[0] "/bin/false": exit status 1' "$OCI" create -b "$b" ptposth
	[ ! -e "$log" ] || fail "a createRuntime hook ran after a failing one: $(cat "$log")"
	assert_no_container ptposth
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' \
		"c['hooks'] = {'startContainer': [{'path': '/bin/busybox', 'args': ['busybox', 'false']},
			{'path': '/bin/busybox', 'args': ['busybox', 'sh', '-c', 'echo start-container called >>/tmp/ptposth.log']}]}"
	"$OCI" create -b "$b" ptposth </dev/null
	expect_error 'prison-oci: ptposth: hooks.startContainer[0] "/bin/busybox": exit status 1' "$OCI" start ptposth
	wait_until 5 "stopped after a failed startContainer" status_is ptposth stopped
	[ ! -e "$ROOT/tmp/ptposth.log" ] || fail "a startContainer hook ran after a failing one"
	"$OCI" delete ptposth
	assert_no_container ptposth
	rm -f "$log"
}

# run --keep leaves the container stopped once its process ends, for state and delete; run alone removes it.
test_oci_run_keep() {
	local b=$WORK/ptkeep rc
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "exit 3"]'
	set +e
	"$OCI" run --keep -b "$b" ptkeep </dev/null
	rc=$?
	set -e
	assert_eq "$rc" 3 "run --keep's exit status"
	assert_eq "$(oci_status ptkeep)" "stopped 0" "state after run --keep"
	assert_eq "$(oci_field ptkeep '["bundle"]')" "$b" "the kept container's bundle"
	expect_error "prison-oci: ptkeep: cannot start a container that is stopped" "$OCI" start ptkeep
	expect_error 'prison-oci: ptkeep: container "ptkeep" exists' "$OCI" run -b "$b" ptkeep
	"$OCI" delete ptkeep
	assert_no_container ptkeep
	set +e
	"$OCI" run -b "$b" ptkeep </dev/null
	rc=$?
	set -e
	assert_eq "$rc" 3 "run's exit status"
	assert_no_container ptkeep
}

# The supplementary groups of the process a line of /proc/self/status shows, spaces squeezed.
oci_groups() {
	sed -n 's/^Groups:[[:space:]]*//p' | tr -s ' ' | sed 's/ $//'
}

# An OCI process's supplementary groups are additionalGids alone (runc and
# crun): the primary gid is not added, in create, exec --process and exec
# --user; jexec -U still gives the jail's user its groups from /etc/group.
test_oci_supplementary_groups() {
	local b=$WORK/ptgrp p=$WORK/ptgrp.process.json
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/cat", "/proc/self/status"]' \
		'c["process"]["user"] = {"uid": 0, "gid": 1000}'
	assert_eq "$("$OCI" run -b "$b" ptgrp </dev/null | oci_groups)" "" "groups without additionalGids"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/cat", "/proc/self/status"]' \
		'c["process"]["user"] = {"uid": 1001, "gid": 1000, "additionalGids": [2000, 3000]}'
	assert_eq "$("$OCI" run -b "$b" ptgrp </dev/null | oci_groups)" "2000 3000" "groups of additionalGids"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' \
		'c["process"]["user"] = {"uid": 0, "gid": 0, "additionalGids": [2000]}'
	"$OCI" run -d -b "$b" ptgrp </dev/null
	echo '{"args": ["/bin/cat", "/proc/self/status"], "cwd": "/", "user": {"uid": 0, "gid": 1000}}' >"$p"
	assert_eq "$("$OCI" exec --process "$p" ptgrp </dev/null | oci_groups)" "" "exec --process: groups without additionalGids"
	echo '{"args": ["/bin/cat", "/proc/self/status"], "cwd": "/", "user": {"uid": 0, "gid": 1000, "additionalGids": [3000, 4000]}}' >"$p"
	assert_eq "$("$OCI" exec --process "$p" ptgrp </dev/null | oci_groups)" "3000 4000" "exec --process: additionalGids"
	assert_eq "$("$OCI" exec --user 1001:1000 ptgrp /bin/cat /proc/self/status </dev/null | oci_groups)" "2000" \
		"exec --user: the process's additionalGids, without the new gid"
	# The classic path: the jail's user with its primary group and /etc/group's.
	assert_eq "$("$JEXEC" -U jdoe ptgrp cat /proc/self/status | oci_groups)" "10 1001" "jexec -U: initgroups' groups"
	"$OCI" delete --force ptgrp
	assert_no_container ptgrp
	rm -f "$p"
}

# The capability sets of /proc/self/status, one line.
oci_capsets() {
	grep -E '^Cap(Bnd|Prm|Eff|Amb):' | tr '\t\n' '  ' | sed 's/ $//'
}

# A capability set left out keeps nothing; a process without capabilities has none (crun).
test_oci_capabilities_left_out() {
	local b=$WORK/ptcapo zero="CapPrm: 0000000000000000 CapEff: 0000000000000000 CapBnd: 0000000000000000 CapAmb: 0000000000000000"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/cat", "/proc/self/status"]' 'c["process"]["capabilities"] = {}'
	assert_eq "$("$OCI" run -b "$b" ptcapo </dev/null | oci_capsets)" "$zero" "capabilities {}"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/cat", "/proc/self/status"]' \
		'c["process"]["capabilities"] = {s: [] for s in ("bounding", "effective", "permitted")}'
	assert_eq "$("$OCI" run -b "$b" ptcapo </dev/null | oci_capsets)" "$zero" "capabilities of empty lists"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/cat", "/proc/self/status"]' 'del c["process"]["capabilities"]'
	assert_eq "$("$OCI" run -b "$b" ptcapo </dev/null | oci_capsets)" "$zero" "no capabilities object"
	# Effective and permitted left out: nothing is effective, whatever bounding keeps.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/cat", "/proc/self/status"]' \
		'c["process"]["capabilities"] = {"bounding": ["CAP_KILL"]}'
	assert_contains "$("$OCI" run -b "$b" ptcapo </dev/null | oci_capsets)" "CapEff: 0000000000000000" "bounding alone"
	# Named, they are kept (KILL and NET_BIND_SERVICE).
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/cat", "/proc/self/status"]' \
		'c["process"]["capabilities"] = {s: ["CAP_KILL", "CAP_NET_BIND_SERVICE"] for s in ("bounding", "effective", "permitted")}'
	assert_contains "$("$OCI" run -b "$b" ptcapo </dev/null | oci_capsets)" \
		"CapPrm: 0000000000000420 CapEff: 0000000000000420 CapBnd: 0000000000000420" "named capabilities"
	oci_bundle "$b" 'c["process"]["capabilities"] = []'
	expect_error "prison-oci: ptcapo: process.capabilities: not an object" "$OCI" create -b "$b" ptcapo
	assert_no_container ptcapo
	# exec --process without capabilities: none either.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	"$OCI" run -d -b "$b" ptcapo </dev/null
	echo '{"args": ["/bin/cat", "/proc/self/status"], "cwd": "/"}' >"$WORK/ptcapo.json"
	assert_eq "$("$OCI" exec --process "$WORK/ptcapo.json" ptcapo </dev/null | oci_capsets)" "$zero" "exec --process without capabilities"
	"$OCI" delete --force ptcapo
	assert_no_container ptcapo
	rm -f "$WORK/ptcapo.json"
}

# A process killed by its own seccomp profile before the container is
# created fails create at once and leaves nothing; run fails as promptly.
test_oci_process_dead_before_created() {
	local b=$WORK/ptsecdie start elapsed out
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/true"]' \
		'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_KILL", "architectures": ["SCMP_ARCH_X86_64"], "syscalls": [{"action": "SCMP_ACT_ALLOW", "names": ["read", "write", "close", "exit", "exit_group", "rt_sigreturn", "rt_sigaction", "rt_sigprocmask", "brk", "mmap", "munmap", "mprotect", "execve", "arch_prctl", "getpid", "gettid", "futex", "fstat", "newfstatat", "openat", "lseek", "getuid", "geteuid", "getgid", "getegid", "uname", "access"]}]}'
	start=${EPOCHREALTIME/./}
	expect_error "prison-oci: ptsecdie: the process died before it was ready: killed by SIGSYS (a system call its seccomp filter does not allow)" \
		"$OCI" create -b "$b" ptsecdie
	elapsed=$(( (${EPOCHREALTIME/./} - start) / 1000 ))
	[ "$elapsed" -lt 3000 ] || fail "create took $elapsed ms to fail"
	assert_no_container ptsecdie
	start=${EPOCHREALTIME/./}
	out=$("$OCI" run -b "$b" ptsecdie 2>&1 </dev/null) && fail "run of a process its profile kills succeeded: $out"
	elapsed=$(( (${EPOCHREALTIME/./} - start) / 1000 ))
	assert_eq "$out" "prison-oci: ptsecdie: the process died before it was ready: killed by SIGSYS (a system call its seccomp filter does not allow)" "run's error"
	[ "$elapsed" -lt 3000 ] || fail "run took $elapsed ms to fail"
	assert_no_container ptsecdie
}

# The kernel's CPU share file of container $1: v1's cpu.shares where the CPU controller is v1, else cgroup2's cpu.weight.
oci_cpu_share() {
	local cpu
	cpu=$(v1_mount_of cpu)
	if [ -n "$cpu" ]; then cat "$cpu/$CGPREFIX/$(jid_of "$1")/cpu.shares"
	else cat "$(cgroup_of "$1")/cpu.weight"; fi
}

# linux.resources.cpu.shares: as given in a v1 cpu.shares (runc and crun), by the kernel's map onto cgroup2's cpu.weight.
test_oci_cpu_shares() {
	local b=$WORK/ptshares s want
	for s in 512 1024 2048; do
		oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' \
			"c['linux']['resources']['cpu'] = {'shares': $s}"
		"$OCI" create -b "$b" ptshares </dev/null
		if [ -n "$(v1_mount_of cpu)" ]; then want=$s; else want=$(( 1 + (s - 2) * 9999 / 262142 )); fi
		assert_eq "$(oci_cpu_share ptshares)" "$want" "the kernel's share of cpu.shares $s"
		assert_eq "$("$JLS" -j ptshares cpu.shares)" "$s" "jls cpu.shares of shares $s"
		"$OCI" delete ptshares
		assert_no_container ptshares
	done
	# update --cpu-shares: the same, at once.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	"$OCI" run -d -b "$b" ptshares </dev/null
	"$OCI" update --cpu-shares 768 ptshares
	if [ -n "$(v1_mount_of cpu)" ]; then want=768; else want=$(( 1 + 766 * 9999 / 262142 )); fi
	assert_eq "$(oci_cpu_share ptshares)" "$want" "the kernel's share after update --cpu-shares 768"
	"$OCI" delete --force ptshares
	assert_no_container ptshares
	# The jail parameter behind it, on a classic jail: made, changed by jail -m, refused out of range.
	"$JAIL" -q -c name=ptshares path="$ROOT" persist cpu.shares=300
	if [ -n "$(v1_mount_of cpu)" ]; then want=300; else want=$(( 1 + 298 * 9999 / 262142 )); fi
	assert_eq "$(oci_cpu_share ptshares)" "$want" "the kernel's share of jail -c cpu.shares=300"
	"$JAIL" -m name=ptshares cpu.shares=4096
	if [ -n "$(v1_mount_of cpu)" ]; then want=4096; else want=$(( 1 + 4094 * 9999 / 262142 )); fi
	assert_eq "$(oci_cpu_share ptshares)" "$want" "the kernel's share after jail -m cpu.shares=4096"
	"$JAIL" -r ptshares
	expect_error 'jail: ptshares: cpu.shares: invalid integer value "262145" (expected 0 to 262144)' \
		"$JAIL" -c name=ptshares path="$ROOT" persist cpu.shares=262145
}

# HOME, when the process's env has none: the jail's passwd entry of its uid,
# else "/" (runc and crun); create and exec alike.  An env's own is kept.
test_oci_home_from_passwd() {
	local b=$WORK/pthome root=$WORK/pthome-root out
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "echo $HOME"]' 'c["process"]["env"] = ["PATH=/bin"]' \
		'c["process"]["user"] = {"uid": 1001, "gid": 1001}'
	assert_eq "$("$OCI" run -b "$b" pthome </dev/null)" /home/jdoe "HOME of uid 1001"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "echo $HOME"]' 'c["process"]["env"] = ["PATH=/bin"]'
	assert_eq "$("$OCI" run -b "$b" pthome </dev/null)" /root "HOME of uid 0"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "echo $HOME"]' 'c["process"]["env"] = ["PATH=/bin"]' \
		'c["process"]["user"] = {"uid": 4242, "gid": 4242}'
	assert_eq "$("$OCI" run -b "$b" pthome </dev/null)" / "HOME of a uid the passwd does not list"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "echo $HOME"]' 'c["process"]["env"] = ["PATH=/bin", "HOME=/tmp"]' \
		'c["process"]["user"] = {"uid": 1001, "gid": 1001}'
	assert_eq "$("$OCI" run -b "$b" pthome </dev/null)" /tmp "the env's own HOME"
	# exec: the user it runs as decides, and a process file's env is looked at, not the container's.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' 'c["process"]["env"] = ["PATH=/bin"]'
	"$OCI" run -d -b "$b" pthome </dev/null
	assert_eq "$("$OCI" exec --user 1001 pthome /bin/sh -c 'echo $HOME' </dev/null)" /home/jdoe "exec --user 1001's HOME"
	assert_eq "$("$OCI" exec pthome /bin/sh -c 'echo $HOME' </dev/null)" /root "exec's HOME"
	echo '{"args": ["/bin/sh", "-c", "echo $HOME"], "env": ["PATH=/bin"], "cwd": "/", "user": {"uid": 65534, "gid": 65534}}' \
		>"$WORK/pthome.json"
	assert_eq "$("$OCI" exec --process "$WORK/pthome.json" pthome </dev/null)" /nonexistent "exec --process's HOME"
	"$OCI" delete --force pthome
	assert_no_container pthome
	# A link, as some images make /etc/passwd, is followed inside the root, never to the host's file it names.
	rm -rf "$root"
	cp -a "$ROOT" "$root"
	mkdir -p "$root/usr/share"
	echo 'jdoe:x:1001:1001::/var/empty:/bin/sh' >"$root/usr/share/passwd"
	ln -sf ../usr/share/passwd "$root/etc/passwd"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "echo $HOME"]' 'c["process"]["env"] = ["PATH=/bin"]' \
		'c["process"]["user"] = {"uid": 1001, "gid": 1001}' "c['root']['path'] = '$root'"
	assert_eq "$("$OCI" run -b "$b" pthome </dev/null)" /var/empty "HOME from a passwd that is a link"
	echo 'jdoe:x:1001:1001::/host-home:/bin/sh' >"$WORK/pthome.passwd"
	ln -sf "$WORK/pthome.passwd" "$root/etc/passwd"
	assert_eq "$("$OCI" run -b "$b" pthome </dev/null)" / "HOME from a link to a file of the host's"
	# The jail's passwd is data: a FIFO there is refused at once, never opened to hang on.
	rm "$root/etc/passwd"
	mkfifo "$root/etc/passwd"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/true"]' 'c["process"]["env"] = ["PATH=/bin"]' "c['root']['path'] = '$root'"
	expect_error "prison-oci: pthome: HOME: the jail's /etc/passwd is not a regular file" timeout 10 "$OCI" create -b "$b" pthome
	assert_no_container pthome
	rm -rf "$root" "$WORK/pthome.json" "$WORK/pthome.passwd"
}

# A process.cwd that is not there is made (0755, the container's root's,
# as runc and crun make it): in the root before it is mounted, read-only
# or not, and again in the jail for one on the container's mounts.  A link
# on the way resolves inside the root, never to a path of the host, and a
# failed create takes back what it made.
test_oci_cwd_made() {
	local b=$WORK/ptcwd root=$WORK/ptcwd-root out
	rm -rf "$root" "$WORK/ptcwd-host"
	cp -a "$ROOT" "$root"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "pwd; stat -c \"%u %a\" /ptcwd /ptcwd/a/b; touch x 2>&1 || true"]' \
		'c["process"]["cwd"] = "/ptcwd/./a//b/"' 'c["process"]["user"] = {"uid": 1001, "gid": 1001}' "c['root']['path'] = '$root'"
	out=$(umask 077 && "$OCI" run -b "$b" ptcwd </dev/null)
	assert_eq "$(echo "$out" | sed 4d)" "/ptcwd/a/b
0 755
0 755" "a missing cwd made, the root's, 0755 whatever the umask"
	assert_contains "$out" "Permission denied" "uid 1001 cannot write in the root's new directory"
	assert_no_container ptcwd
	# An existing one is left as it is.
	chmod 700 "$root/ptcwd/a/b"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/pwd"]' 'c["process"]["cwd"] = "/ptcwd/a/b"' "c['root']['path'] = '$root'"
	assert_eq "$("$OCI" run -b "$b" ptcwd </dev/null)" /ptcwd/a/b "an existing cwd"
	assert_eq "$(stat -c %a "$root/ptcwd/a/b")" 700 "an existing cwd's mode"
	# A read-only root: made before the root is mounted read-only.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/pwd"]' 'c["process"]["cwd"] = "/ptro/x"' 'c["root"]["readonly"] = True' \
		"c['root']['path'] = '$root'"
	assert_eq "$("$OCI" run -b "$b" ptcwd </dev/null)" /ptro/x "a cwd in a read-only root"
	assert_no_container ptcwd
	# On a tmpfs of the container's mounts: made there, in the jail.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "pwd; stat -f -c %T ."]' 'c["process"]["cwd"] = "/ptmnt/sub"' \
		'c["mounts"].append({"destination": "/ptmnt", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid"]})' \
		"c['root']['path'] = '$root'"
	assert_eq "$("$OCI" run -b "$b" ptcwd </dev/null)" "/ptmnt/sub
tmpfs" "a cwd on a tmpfs mount"
	assert_no_container ptcwd
	# A link to a host directory resolves inside the root: nothing is made on the host.
	mkdir "$WORK/ptcwd-host"
	ln -s "$WORK/ptcwd-host" "$root/ptlink"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/pwd"]' 'c["process"]["cwd"] = "/ptlink/made"' "c['root']['path'] = '$root'"
	expect_error 'prison-oci: ptcwd: process.cwd "/ptlink/made": /ptlink: No such file or directory' "$OCI" create -b "$b" ptcwd
	assert_eq "$(ls -A "$WORK/ptcwd-host")" "" "the host directory a link names"
	assert_no_container ptcwd
	# A file in the way: the error says where.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/pwd"]' 'c["process"]["cwd"] = "/etc/passwd/x"' "c['root']['path'] = '$root'"
	expect_error 'prison-oci: ptcwd: process.cwd "/etc/passwd/x": /etc/passwd: Not a directory' "$OCI" create -b "$b" ptcwd
	assert_no_container ptcwd
	# A create that fails later takes back the directories it made, and only those.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/pwd"]' 'c["process"]["cwd"] = "/ptcwd/undo/a"' "c['root']['path'] = '$root'" \
		"c['hooks'] = {'createRuntime': [{'path': '/bin/false'}]}"
	expect_error 'prison-oci: ptcwd: hooks.createRuntime[0] "/bin/false": exit status 1' "$OCI" create -b "$b" ptcwd
	[ ! -e "$root/ptcwd/undo" ] || fail "a failed create left the cwd it made"
	[ -d "$root/ptcwd/a/b" ] || fail "a failed create removed a directory it did not make"
	assert_no_container ptcwd
	# exec --cwd is not made (runc and crun make only the container's).
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' "c['root']['path'] = '$root'"
	"$OCI" run -d -b "$b" ptcwd </dev/null
	expect_error 'prison-oci: ptcwd: cwd "/ptnone": No such file or directory' "$OCI" exec --cwd /ptnone ptcwd /bin/true
	[ ! -e "$root/ptnone" ] || fail "exec --cwd made its directory"
	"$OCI" delete --force ptcwd
	assert_no_container ptcwd
	rm -rf "$root" "$WORK/ptcwd-host"
}

# memory.kernel and memory.kernelTCP, deprecated by runtime-spec, are taken
# and ignored, as runc does; leafWeight and a true disableOOMKiller are
# refused by name, saying why.
test_oci_kernel_memory_ignored() {
	local b=$WORK/ptkmem
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' \
		"c['linux']['resources']['memory'] = {'limit': 67108864, 'kernel': 33554432, 'kernelTCP': 16777216, 'disableOOMKiller': False}"
	"$OCI" create -b "$b" ptkmem </dev/null
	assert_eq "$("$RCTL" jail:ptkmem | sort | tr '\n' ' ')" "jail:ptkmem:memoryuse:deny=67108864 " \
		"the memory limit, and no other"
	"$OCI" delete ptkmem
	assert_no_container ptkmem
	oci_bundle "$b" "c['linux']['resources']['memory'] = {'limit': 67108864, 'disableOOMKiller': True}"
	expect_error "prison-oci: ptkmem: linux.resources.memory.disableOOMKiller: not supported yet (cgroup v1's memory.oom_control only: cgroup2 has no such switch)" \
		"$OCI" create -b "$b" ptkmem
	oci_bundle "$b" "c['linux']['resources']['blockIO'] = {'weight': 300, 'leafWeight': 300}"
	expect_error "prison-oci: ptkmem: linux.resources.blockIO.leafWeight: not supported (cgroup v1's CFQ only)" \
		"$OCI" create -b "$b" ptkmem
	assert_no_container ptkmem
}
