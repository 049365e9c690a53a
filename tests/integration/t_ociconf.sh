# prison-oci: linux.seccomp, linux.sysctl, root.readonly, devices and hooks
# of config.json, from bundles written here (oci_bundle is t_oci.sh's).

test_oci_seccomp() {
	local b=$WORK/ptsec out
	# The profile's own errno for what it denies, an argument rule, and an allow that cannot undo the jail's filter.
	oci_bundle "$b" \
		'c["process"]["args"] = ["/bin/sh", "-c", "mkdir /tmp/ptsec.d; kill -0 $$ && echo kill0; kill -CONT $$ && echo cont; /bin/probe keyctl; grep ^Seccomp_filters /proc/self/status"]' \
		'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86"], "syscalls": [
			{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18},
			{"names": ["kill"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13, "args": [{"index": 1, "value": 0, "op": "SCMP_CMP_EQ"}]},
			{"names": ["keyctl", "no_such_call_anywhere"], "action": "SCMP_ACT_ALLOW"}]}'
	out=$("$OCI" run -b "$b" ptsec </dev/null 2>&1) || true
	assert_contains "$out" "can't create directory '/tmp/ptsec.d': Invalid cross-device link" "mkdir: the profile's errnoRet"
	assert_contains "$out" "Permission denied" "kill with signal 0: the argument rule's errno"
	assert_not_contains "$out" kill0 "kill -0 denied"
	assert_contains "$out" cont "kill with another signal: the rule's argument does not match"
	assert_contains "$out" EPERM "keyctl: the jail's filter still denies what the profile allows"
	assert_contains "$out" "Seccomp_filters:	2" "the jail's filter and the container's, stacked"
	[ ! -e "$ROOT/tmp/ptsec.d" ] || fail "the denied mkdir made its directory"
	# The default action with defaultErrnoRet: everything not listed fails with it.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "mkdir /tmp/ptsec.d"]' \
		'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO"}]}'
	out=$("$OCI" run -b "$b" ptsec </dev/null 2>&1) || true
	assert_contains "$out" "Operation not permitted" "errnoRet left out: EPERM"
	# exec'd processes get the profile too.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' \
		'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18}]}'
	"$OCI" run -d -b "$b" ptsec </dev/null
	out=$("$OCI" exec ptsec /bin/mkdir /tmp/ptsec.d 2>&1 </dev/null) || true
	assert_contains "$out" "Invalid cross-device link" "exec: the container's profile"
	"$OCI" delete --force ptsec
	assert_no_container ptsec
	# Bad profiles are refused, leaving nothing.
	oci_bundle "$b" 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_NOTIFY"}'
	expect_error "prison-oci: ptsec: linux.seccomp.defaultAction: SCMP_ACT_NOTIFY: not supported (no listenerPath agent is run)" \
		"$OCI" create -b "$b" ptsec
	oci_bundle "$b" 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_NOSUCH"}]}'
	expect_error 'prison-oci: ptsec: linux.seccomp.syscalls: action: "SCMP_ACT_NOSUCH": no such action' \
		"$OCI" create -b "$b" ptsec
	oci_bundle "$b" 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_NOSUCH"]}'
	expect_error 'prison-oci: ptsec: linux.seccomp.architectures: "SCMP_ARCH_NOSUCH": no such architecture' \
		"$OCI" create -b "$b" ptsec
	oci_bundle "$b" 'c["linux"]["seccomp"] = {"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_NOSUCH"]}'
	expect_error 'prison-oci: ptsec: linux.seccomp.flags: "SECCOMP_FILTER_FLAG_NOSUCH": not supported' \
		"$OCI" create -b "$b" ptsec
	assert_no_container ptsec
}

test_oci_devices() {
	local b=$WORK/ptdev out
	# An engine's deny-all and allow list of the standard nodes: what a jail's /dev has; it works inside.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "echo x >/dev/null && head -c 4 /dev/zero | wc -c; ls /dev"]' \
		'c["linux"]["resources"]["devices"] = [{"allow": False, "access": "rwm"},
			{"allow": True, "type": "c", "major": 1, "minor": 3, "access": "rwm"},
			{"allow": True, "type": "c", "major": 1, "minor": 9, "access": "rw"},
			{"allow": True, "type": "c", "major": 136, "access": "rwm"}]' \
		'c["linux"]["devices"] = [{"path": "/dev/null", "type": "c", "major": 1, "minor": 3, "fileMode": 438}]'
	out=$("$OCI" run -b "$b" ptdev </dev/null)
	assert_eq "$(echo "$out" | head -1 | tr -d ' ')" 4 "/dev/null and /dev/zero inside"
	assert_not_contains "$out" sda "no disk in the container's /dev"
	assert_no_container ptdev
	# The default list containerd and runc give (mknod of anything, console, tun): taken, and no such node appears.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "ls /dev /dev/net 2>&1; true"]' \
		'c["linux"]["resources"]["devices"] = [{"allow": False, "access": "rwm"},
			{"allow": True, "type": "c", "access": "m"}, {"allow": True, "type": "b", "access": "m"},
			{"allow": True, "type": "c", "major": 5, "minor": 1, "access": "rwm"},
			{"allow": True, "type": "c", "major": 10, "minor": 200, "access": "rwm"}]'
	out=$("$OCI" run -b "$b" ptdev </dev/null)
	assert_not_contains "$out" tun "no tun node from the default list"
	assert_contains "$out" null "the jail's own nodes"
	assert_no_container ptdev
	# More than a jail's /dev: refused, nothing left.
	oci_bundle "$b" 'c["linux"]["resources"]["devices"] = [{"allow": False, "access": "rwm"},
			{"allow": True, "type": "b", "major": 8, "minor": 0, "access": "rw"}]'
	expect_error "prison-oci: ptdev: linux.resources.devices: allow b 8:0 rw: more than a jail's /dev gives (null, zero, full, random, urandom, tty, ptmx and its pts)" \
		"$OCI" create -b "$b" ptdev
	oci_bundle "$b" 'c["linux"]["resources"]["devices"] = [{"allow": True, "access": "rwm"}]'
	expect_error "prison-oci: ptdev: linux.resources.devices: allow a *:* rwm: more than a jail's /dev gives (null, zero, full, random, urandom, tty, ptmx and its pts)" \
		"$OCI" create -b "$b" ptdev
	oci_bundle "$b" 'c["linux"]["devices"] = [{"path": "/dev/sda", "type": "b", "major": 8, "minor": 0}]'
	expect_error 'prison-oci: ptdev: linux.devices: "/dev/sda" (b 8:0): not supported (a jail'"'"'s /dev is its own minimal set; no other node is made)' \
		"$OCI" create -b "$b" ptdev
	assert_no_container ptdev
}

# linux.sysctl's IPC values outlive a later rctl: only what a rule names is written.
test_oci_sysctl_survives_rctl() {
	local b=$WORK/ptsysr
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "600"]' \
		'c["linux"]["sysctl"] = {"kernel.shmmni": "1234", "kernel.sem": "250 64000 77 128"}'
	"$OCI" run -d -b "$b" ptsysr </dev/null
	ipc() { "$JEXEC" ptsysr cat /proc/sys/kernel/shmmni /proc/sys/kernel/msgmni /proc/sys/kernel/sem | tr '\t\n' '  '; }
	assert_eq "$(ipc)" "1234 32000 250 64000 77 128 " "linux.sysctl inside"
	"$RCTL" -a jail:ptsysr:nmsgq:deny=7
	assert_eq "$(ipc)" "1234 7 250 64000 77 128 " "after an nmsgq rule: only msgmni changed"
	"$RCTL" -a jail:ptsysr:nsemop:deny=40
	assert_eq "$(ipc)" "1234 7 250 64000 40 128 " "after an nsemop rule: only SEMOPM changed"
	"$RCTL" -r jail:ptsysr:nmsgq
	assert_eq "$(ipc)" "1234 32000 250 64000 40 128 " "the rule removed: msgmni back to its default"
	"$OCI" kill ptsysr KILL
	wait_until 5 "stopped" status_is ptsysr stopped
	"$OCI" delete ptsysr
	assert_no_container ptsysr
}

test_oci_sysctl() {
	local b=$WORK/ptsys out host_fwd host_shm
	host_fwd=$(cat /proc/sys/net/ipv4/ip_forward) host_shm=$(cat /proc/sys/kernel/shmmni)
	# Its own network and IPC namespaces (spec's default lists both): their sysctls, and the UTS names.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmni /proc/sys/fs/mqueue/msg_max; hostname; cat /proc/sys/kernel/domainname"]' \
		'c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "'"$((1 - host_fwd))"'", "kernel.shmmni": "1234", "fs.mqueue.msg_max": "17", "kernel.hostname": "sys.example", "kernel.domainname": "dom.example"}'
	out=$("$OCI" run -b "$b" ptsys </dev/null)
	assert_eq "$out" "$((1 - host_fwd))
1234
17
sys.example
dom.example" "linux.sysctl inside"
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward) $(cat /proc/sys/kernel/shmmni)" "$host_fwd $host_shm" "the host's own values untouched"
	assert_no_container ptsys
	# The host's stack or IPC: their sysctls are the host's, and refused, as is anything else.
	oci_bundle "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]' \
		'c["linux"]["sysctl"] = {"net.ipv4.ip_forward": "1"}'
	expect_error "prison-oci: ptsys: linux.sysctl: net.ipv4.ip_forward: not supported (only net.* with a network namespace of the container's, kernel.msg*, kernel.sem, kernel.shm* and fs.mqueue.* with an IPC namespace of its own, kernel.hostname and kernel.domainname)" \
		"$OCI" create -b "$b" ptsys
	oci_bundle "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "ipc"]' \
		'c["linux"]["sysctl"] = {"kernel.shmmni": "1234"}'
	expect_error "prison-oci: ptsys: linux.sysctl: kernel.shmmni: not supported (only net.* with a network namespace of the container's, kernel.msg*, kernel.sem, kernel.shm* and fs.mqueue.* with an IPC namespace of its own, kernel.hostname and kernel.domainname)" \
		"$OCI" create -b "$b" ptsys
	oci_bundle "$b" 'c["linux"]["sysctl"] = {"vm.swappiness": "10"}'
	expect_error "prison-oci: ptsys: linux.sysctl: vm.swappiness: not supported (only net.* with a network namespace of the container's, kernel.msg*, kernel.sem, kernel.shm* and fs.mqueue.* with an IPC namespace of its own, kernel.hostname and kernel.domainname)" \
		"$OCI" create -b "$b" ptsys
	oci_bundle "$b" 'c["linux"]["sysctl"] = {"net.ipv4..conf": "1"}'
	expect_error "prison-oci: ptsys: linux.sysctl: net.ipv4..conf: not supported (only net.* with a network namespace of the container's, kernel.msg*, kernel.sem, kernel.shm* and fs.mqueue.* with an IPC namespace of its own, kernel.hostname and kernel.domainname)" \
		"$OCI" create -b "$b" ptsys
	# A sysctl the kernel refuses fails the create, and leaves nothing.
	oci_bundle "$b" 'c["linux"]["sysctl"] = {"net.ipv4.no_such_knob": "1"}'
	expect_error "prison-oci: ptsys: linux.sysctl: net.ipv4.no_such_knob: No such file or directory" "$OCI" create -b "$b" ptsys
	assert_no_container ptsys
}

test_oci_root_readonly() {
	local b=$WORK/ptro out
	rm -f "$ROOT/ptro.t"
	oci_bundle "$b" 'c["root"]["readonly"] = True' \
		'c["process"]["args"] = ["/bin/sh", "-c", "touch /ptro.t; touch /tmp/ptro.t && echo tmp-writable; echo x >/dev/null && echo dev-ok; exec sleep 60"]' \
		'c["mounts"].append({"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "size=1m"]})'
	"$OCI" create -b "$b" ptro </dev/null >"$WORK/ptro.out" 2>&1
	assert_eq "$("$JLS" -j ptro path.readonly)" true "jls: path.readonly"
	"$OCI" start ptro
	wait_until 5 "the container's output" grep -q dev-ok "$WORK/ptro.out"
	out=$(cat "$WORK/ptro.out")
	assert_contains "$out" "touch: /ptro.t: Read-only file system" "the root is read-only inside"
	assert_contains "$out" tmp-writable "its tmpfs mount stays writable"
	[ ! -e "$ROOT/ptro.t" ] || fail "a file was written to the read-only root"
	# Root of the jail cannot make it writable again.
	out=$("$JEXEC" ptro /bin/sh -c 'mount -o remount,rw / 2>&1; touch /ptro.t 2>&1' || true)
	assert_contains "$out" "Read-only file system" "remount of the root from inside"
	"$OCI" delete --force ptro
	assert_no_container ptro
	[ ! -e "$ROOT/ptro.t" ] || fail "a file was written to the read-only root"
	# The same parameter for jail(8)'s jails.
	out=$("$JAIL" -c name=ptroj path="$ROOT" path.readonly=true command=/bin/sh -c 'touch /ptro.t 2>&1; echo x >/tmp/ptro.t 2>&1' || true)
	assert_contains "$out" "touch: /ptro.t: Read-only file system" "jail -c path.readonly=true"
	[ ! -e "$ROOT/ptro.t" ] || fail "jail -c path.readonly: a file was written to the root"
}

# A hook of kind $1 that writes its kind, the state's status and id, its mount namespace and host name to LOG (a path).
oci_hook() {
	printf '{"path": "/bin/busybox", "args": ["busybox", "sh", "-c", "s=$(cat); echo %s $(echo \\"$s\\" | sed \\"s/.*\\\\\\"status\\\\\\":\\\\\\"\\\\([a-z]*\\\\)\\\\\\".*/\\\\1/\\") $(echo \\"$s\\" | grep -c \\\\\\"id\\\\\\":\\\\\\"pthook\\\\\\") $(readlink /proc/self/ns/mnt) $(hostname) $HOOKENV >>%s"], "env": ["HOOKENV=%s", "PATH=/bin"], "timeout": 10}' "$1" "$2" "$1-env"
}

test_oci_hooks() {
	local b=$WORK/pthook log=$ROOT/tmp/pthook.log host_mnt cont_mnt out
	host_mnt=$(readlink /proc/self/ns/mnt)
	rm -f "$log"
	oci_bundle "$b" 'c["hostname"] = "hook.example"' \
		'c["process"]["args"] = ["/bin/sh", "-c", "echo process >>/tmp/pthook.log; exec sleep 60"]' \
		"c['hooks'] = {'prestart': [$(oci_hook prestart "$log")], 'createRuntime': [$(oci_hook createRuntime "$log")],
			'createContainer': [$(oci_hook createContainer /tmp/pthook.log)],
			'startContainer': [$(oci_hook startContainer /tmp/pthook.log)],
			'poststart': [$(oci_hook poststart "$log")], 'poststop': [$(oci_hook poststop "$log")]}"
	"$OCI" create -b "$b" pthook </dev/null
	cont_mnt=$(readlink "/proc/$(oci_field pthook '["pid"]')/ns/mnt")
	[ "$cont_mnt" != "$host_mnt" ] || fail "the container's mount namespace is the host's"
	assert_eq "$(cat "$log")" "prestart creating 1 $host_mnt $(hostname) prestart-env
createRuntime creating 1 $host_mnt $(hostname) createRuntime-env
createContainer creating 1 $cont_mnt hook.example createContainer-env" "create: prestart, createRuntime on the host, createContainer in the container"
	"$OCI" start pthook
	wait_until 5 "poststart" grep -q poststart "$log"
	wait_until 5 "the process" grep -q process "$log"
	assert_eq "$(sed -n 4p "$log")" "startContainer created 1 $cont_mnt hook.example startContainer-env" "start: startContainer in the container, before the process"
	assert_eq "$(grep poststart "$log")" "poststart running 1 $host_mnt $(hostname) poststart-env" "poststart on the host"
	assert_eq "$(sed -n 5,6p "$log" | sort | tr '\n' ' ')" "poststart running 1 $host_mnt $(hostname) poststart-env process " "the process after startContainer"
	"$OCI" delete --force pthook
	assert_eq "$(tail -1 "$log")" "poststop stopped 1 $host_mnt $(hostname) poststop-env" "delete: poststop on the host, after the container went"
	assert_no_container pthook
	# A failing createContainer hook fails the create, and it leaves nothing; a timeout is a failure.
	oci_bundle "$b" 'c["hooks"] = {"createContainer": [{"path": "/bin/busybox", "args": ["busybox", "sh", "-c", "exit 3"]}]}'
	expect_error 'prison-oci: pthook: hooks.createContainer[0] "/bin/busybox": exit status 3' "$OCI" create -b "$b" pthook
	assert_no_container pthook
	oci_bundle "$b" 'c["hooks"] = {"createRuntime": [{"path": "/bin/busybox", "args": ["busybox", "sleep", "30"], "timeout": 1}]}'
	expect_error 'prison-oci: pthook: hooks.createRuntime[0] "/bin/busybox": killed after its timeout of 1 s' "$OCI" create -b "$b" pthook
	assert_no_container pthook
	# A failing startContainer hook fails start and stops the container; poststart and poststop failures are warnings.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' \
		'c["hooks"] = {"startContainer": [{"path": "/bin/busybox", "args": ["busybox", "false"]}]}'
	"$OCI" create -b "$b" pthook </dev/null
	expect_error 'prison-oci: pthook: hooks.startContainer[0] "/bin/busybox": exit status 1' "$OCI" start pthook
	wait_until 5 "stopped after a failed startContainer" status_is pthook stopped
	"$OCI" delete pthook
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/true"]' \
		'c["hooks"] = {"poststart": [{"path": "/bin/busybox", "args": ["busybox", "false"]}], "poststop": [{"path": "/bin/false"}]}'
	out=$("$OCI" run -b "$b" pthook 2>&1 </dev/null) || fail "run with failing poststart and poststop hooks: $out"
	assert_contains "$out" 'prison-oci: pthook: warning: hooks.poststart[0] "/bin/busybox": exit status 1' "poststart's warning"
	assert_contains "$out" 'prison-oci: pthook: warning: hooks.poststop[0] "/bin/false": exit status 1' "poststop's warning"
	assert_no_container pthook
	oci_bundle "$b" 'c["hooks"] = {"createRuntime": [{"path": "relative"}]}'
	expect_error 'prison-oci: pthook: hooks.createRuntime: path: not an absolute path' "$OCI" create -b "$b" pthook
	oci_bundle "$b" 'c["hooks"] = {"nosuch": []}'
	expect_error 'prison-oci: pthook: hooks.nosuch: no such hook' "$OCI" create -b "$b" pthook
	assert_no_container pthook
	rm -f "$log"
}

ociprop_cases() {
	local b=$WORK/ptociprop src=$WORK/ptociprop.src out
	mkdir -p "$src/a/hsub" "$src/b/hsub" "$ROOT/mnt" "$ROOT/var/empty"
	mount -t tmpfs ptociprop "$src"
	mount --make-shared "$src"
	mkdir -p "$src/a/hsub" "$src/b/hsub"
	# runc's rslave, asked for on the root and on one bind mount; the other bind mount private.
	oci_bundle "$b" 'c["linux"]["rootfsPropagation"] = "rslave"' \
		'c["process"]["args"] = ["/bin/sleep", "60"]' \
		'c["mounts"].append({"destination": "/mnt/a", "type": "bind", "source": "'"$src/a"'", "options": ["rbind", "rslave"]})' \
		'c["mounts"].append({"destination": "/mnt/b", "type": "bind", "source": "'"$src/b"'", "options": ["rbind", "rprivate"]})'
	"$OCI" create -b "$b" ptociprop </dev/null
	assert_eq "$("$JLS" -j ptociprop path.propagation)" slave "jls: path.propagation of rootfsPropagation rslave"
	mount -t tmpfs ptocihost "$src/a/hsub"
	mount -t tmpfs ptocihost "$src/b/hsub"
	mount -t tmpfs ptocihost "$ROOT/var/empty"
	out=$("$JEXEC" ptociprop cat /proc/self/mountinfo)
	assert_contains "$out" " /mnt/a/hsub " "the host's new mount in an rslave bind mount"
	assert_not_contains "$out" " /mnt/b/hsub " "the host's new mount in an rprivate bind mount"
	assert_contains "$out" " /var/empty " "the host's new mount below an rslave root"
	assert_not_contains "$out" "shared:" "a mount of the container's shared"
	# A slave follows its master's unmounts too.
	umount "$src/a/hsub" "$src/b/hsub" "$ROOT/var/empty"
	assert_not_contains "$("$JEXEC" ptociprop cat /proc/self/mountinfo)" " /mnt/a/hsub " \
		"the host's mount in an rslave bind mount, after the host unmounted it"
	"$OCI" delete --force ptociprop
	assert_no_container ptociprop
	# shared, on the root or on a mount, is refused by name.
	oci_bundle "$b" 'c["linux"]["rootfsPropagation"] = "rshared"'
	expect_error "prison-oci: ptociprop: linux.rootfsPropagation: \"rshared\": not supported (a jail's mounts are never the host's peers: private, slave or unbindable)" \
		"$OCI" create -b "$b" ptociprop
	oci_bundle "$b" 'c["mounts"].append({"destination": "/mnt/a", "type": "bind", "source": "'"$src/a"'", "options": ["rbind", "shared"]})'
	expect_error "prison-oci: ptociprop: mounts: /mnt/a: option \"shared\": not supported (a jail's mounts are never the host's peers: private, slave or unbindable)" \
		"$OCI" create -b "$b" ptociprop
	assert_no_container ptociprop
	umount "$src"
}

# linux.rootfsPropagation and a mount's propagation options, on a host whose mounts are shared.
test_oci_mount_propagation() {
	in_shared_mntns ociprop_cases
}

# The jail's blkio (v1) or io (cgroup2) file $2 of jail $1: the lines of device $3.
ociblk_knob() {
	local v1 f
	v1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)blkio(,|$)/ { print $2; exit }' /proc/self/mounts)
	if [ -n "$v1" ]; then f=$v1/$CGPREFIX/$(jid_of "$1")/$2; else f=$(cgroup_of "$1")/$3; fi
	grep "^$4 " "$f" 2>/dev/null || true
}

# The weight of every device of jail $1 (blockIO.weight), from v1's blkio or cgroup2's io.
ociblk_default_weight() {
	local v1
	v1=$(awk '$3 == "cgroup" && $4 ~ /(^|,)blkio(,|$)/ { print $2; exit }' /proc/self/mounts)
	if [ -n "$v1" ]; then cat "$v1/$CGPREFIX/$(jid_of "$1")/blkio.bfq.weight"
	else grep "^default " "$(cgroup_of "$1")/io.bfq.weight"; fi
}

# ms to read 3 MiB of device node $2 inside jail $1, past the page cache.
ociblk_read_ms() {
	local start
	start=$(date +%s%N)
	"$JEXEC" "$1" dd if="$2" of=/dev/null bs=64k count=48 iflag=direct 2>/dev/null
	echo $(( ($(date +%s%N) - start) / 1000000 ))
}

# linux.resources.blockIO's per-device lists, on two loop devices the test
# makes: the throttled one is slow inside, the other not; update moves the
# limit; a weight lands in the kernel's file where BFQ schedules the device.
test_oci_blockio_per_device() {
	local b=$WORK/ptblk l1 l2 d1 d2 ms bfq out
	truncate -s 16M "$WORK/ptblk1.img" "$WORK/ptblk2.img"
	l1=$(losetup -f --show "$WORK/ptblk1.img")
	l2=$(losetup -f --show "$WORK/ptblk2.img")
	trap 'losetup -d "'"$l1"'" "'"$l2"'" 2>/dev/null; rm -f "$ROOT/ptblk1" "$ROOT/ptblk2" "$WORK"/ptblk?.img' EXIT
	d1=$(cat "/sys/block/${l1#/dev/}/dev")
	d2=$(cat "/sys/block/${l2#/dev/}/dev")
	# BFQ schedules the first device where the kernel has it: only BFQ weighs a device's I/O.
	bfq=false
	bfq_schedules "$l1" && bfq=true
	# Nodes in the container's own tree: its root owns them through the idmapped root.
	mknod -m 0600 "$ROOT/ptblk1" b "${d1%:*}" "${d1#*:}"
	mknod -m 0600 "$ROOT/ptblk2" b "${d2%:*}" "${d2#*:}"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' \
		'c["linux"]["resources"]["blockIO"] = {"throttleReadBpsDevice": [{"major": '"${d1%:*}"', "minor": '"${d1#*:}"', "rate": 1048576}],
			"weight": 500, "weightDevice": [{"major": '"${d1%:*}"', "minor": '"${d1#*:}"', "weight": 300}]}'
	if $bfq; then
		"$OCI" create -b "$b" ptblk </dev/null
		assert_eq "$("$JLS" -j ptblk io.device)" "default weight=500, $d1 weight=300 rbps=1048576" "jls: io.device of blockIO"
		assert_contains "$(ociblk_default_weight ptblk)" "500" "the kernel's weight of every other device"
		assert_eq "$(ociblk_knob ptblk blkio.bfq.weight_device io.bfq.weight "$d1")" "$d1 300" "the kernel's weight of the device"
	else
		# A kernel without BFQ has no I/O weight to give: refused, and nothing is left.
		out=$("$OCI" create -b "$b" ptblk 2>&1 </dev/null) && fail "a weight was taken by a kernel without BFQ"
		assert_contains "$out" "io.device: default weight: the kernel has no I/O weight here" "a weight without BFQ"
		assert_no_container ptblk
		oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' \
			'c["linux"]["resources"]["blockIO"] = {"throttleReadBpsDevice": [{"major": '"${d1%:*}"', "minor": '"${d1#*:}"', "rate": 1048576}]}'
		"$OCI" create -b "$b" ptblk </dev/null
		assert_eq "$("$JLS" -j ptblk io.device)" "$d1 rbps=1048576" "jls: io.device of blockIO"
	fi
	assert_eq "$(ociblk_knob ptblk blkio.throttle.read_bps_device io.max "$d1")" "$d1 1048576" \
		"the kernel's read limit of the throttled device"
	ms=$(ociblk_read_ms ptblk /ptblk1)
	# 3 MiB at 1 MiB/s: about three seconds.
	[ "$ms" -ge 1800 ] || fail "3 MiB of the throttled device read in $ms ms"
	ms=$(ociblk_read_ms ptblk /ptblk2)
	[ "$ms" -lt 1000 ] || fail "3 MiB of the other device took $ms ms"
	# update: the limit moves to the other device, and the first one's is lifted.
	echo '{"blockIO": {"throttleReadBpsDevice": [{"major": '"${d2%:*}"', "minor": '"${d2#*:}"', "rate": 1048576}]}}' |
		"$OCI" update -r - ptblk
	assert_eq "$("$JLS" -j ptblk io.device)" "$d2 rbps=1048576" "jls: io.device after update"
	ms=$(ociblk_read_ms ptblk /ptblk1)
	[ "$ms" -lt 1000 ] || fail "3 MiB of the device whose limit update lifted took $ms ms"
	ms=$(ociblk_read_ms ptblk /ptblk2)
	[ "$ms" -ge 1800 ] || fail "3 MiB of the device update throttled read in $ms ms"
	"$OCI" delete --force ptblk
	assert_no_container ptblk
	# What a jail cannot do is refused by name, and leaves nothing.
	oci_bundle "$b" 'c["linux"]["resources"]["blockIO"] = {"weight": 5000}'
	expect_error 'prison-oci: ptblk: linux.resources.blockIO: io.device: "weight=5000": a weight is 1 to 1000' "$OCI" create -b "$b" ptblk
	oci_bundle "$b" 'c["linux"]["resources"]["blockIO"] = {"weightDevice": [{"major": 7, "minor": 0, "weight": 300, "leafWeight": 300}]}'
	expect_error "prison-oci: ptblk: linux.resources.blockIO.weightDevice.leafWeight: not supported (cgroup v1's CFQ only)" \
		"$OCI" create -b "$b" ptblk
	oci_bundle "$b" 'c["linux"]["resources"]["blockIO"] = {"throttleWriteIOPSDevice": [{"major": 7, "minor": 0, "rate": -3}]}'
	expect_error 'prison-oci: ptblk: linux.resources.blockIO: io.device: "wiops=-3": expected key=number, the number 1 or more' \
		"$OCI" create -b "$b" ptblk
	# A weight where the device's scheduler has none.
	oci_bundle "$b" 'c["linux"]["resources"]["blockIO"] = {"weightDevice": [{"major": '"${d2%:*}"', "minor": '"${d2#*:}"', "weight": 300}]}'
	echo none >"/sys/block/${l2#/dev/}/queue/scheduler"
	out=$("$OCI" create -b "$b" ptblk 2>&1 </dev/null) && fail "a weight for a device without BFQ was taken"
	assert_contains "$out" "io.device: weight of $d2: the kernel has no per-device I/O weight" "a weight without BFQ"
	assert_no_container ptblk
	# The jail parameter by itself, changed with jail -m.
	"$JAIL" -q -c name=ptblkj path="$ROOT" persist io.device="$d2 rbps=1048576"
	ms=$(ociblk_read_ms ptblkj /ptblk2)
	[ "$ms" -ge 1800 ] || fail "3 MiB of the device io.device throttles read in $ms ms"
	"$JAIL" -q -m name=ptblkj io.device="$d1 rbps=1048576"
	ms=$(ociblk_read_ms ptblkj /ptblk2)
	[ "$ms" -lt 1000 ] || fail "3 MiB of the device jail -m lifted took $ms ms"
	expect_error "jail: ptblkj: io.device: \"7\": expected a device as MAJOR:MINOR" "$JAIL" -m name=ptblkj io.device="7 rbps=1"
	"$JAIL" -q -r ptblkj
}

# linux.memoryPolicy: the container's process runs under the NUMA policy
# asked for (numa_maps shows it on every mapping), with its flags; a mode
# or flag that does not exist, a node past Linux's largest and a
# combination the kernel refuses fail create, leaving nothing.
test_oci_memory_policy() {
	local b=$WORK/ptmpol out
	if [ ! -e /proc/self/numa_maps ]; then
		echo "this kernel has no NUMA support (no /proc/self/numa_maps): not tested" >&2
		return 0
	fi
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "sed -n 1p /proc/self/numa_maps"]' \
		'c["linux"]["memoryPolicy"] = {"mode": "MPOL_BIND", "nodes": "0"}'
	out=$("$OCI" run -b "$b" ptmpol </dev/null)
	assert_contains "$out" " bind:0 " "the process's policy, MPOL_BIND on node 0"
	assert_no_container ptmpol
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "sed -n 1p /proc/self/numa_maps"]' \
		'c["linux"]["memoryPolicy"] = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_NUMA_BALANCING"]}'
	assert_contains "$("$OCI" run -b "$b" ptmpol </dev/null)" " bind=balancing:0 " "MPOL_F_NUMA_BALANCING"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "sed -n 1p /proc/self/numa_maps"]' \
		'c["linux"]["memoryPolicy"] = {"mode": "MPOL_LOCAL"}'
	assert_contains "$("$OCI" run -b "$b" ptmpol </dev/null)" " local " "MPOL_LOCAL"
	# Without one, the host's default.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "sed -n 1p /proc/self/numa_maps"]'
	assert_contains "$("$OCI" run -b "$b" ptmpol </dev/null)" " default " "no memoryPolicy"
	assert_no_container ptmpol
	oci_bundle "$b" 'c["linux"]["memoryPolicy"] = {"mode": "MPOL_NOSUCH"}'
	expect_error 'prison-oci: ptmpol: linux.memoryPolicy.mode: "MPOL_NOSUCH": no such mode' "$OCI" create -b "$b" ptmpol
	oci_bundle "$b" 'c["linux"]["memoryPolicy"] = {"mode": "MPOL_BIND", "nodes": "0", "flags": ["MPOL_F_NOSUCH"]}'
	expect_error 'prison-oci: ptmpol: linux.memoryPolicy.flags: "MPOL_F_NOSUCH": no such flag' "$OCI" create -b "$b" ptmpol
	oci_bundle "$b" 'c["linux"]["memoryPolicy"] = {"mode": "MPOL_PREFERRED", "nodes": "10284838"}'
	expect_error 'prison-oci: ptmpol: linux.memoryPolicy.nodes: "10284838": node 10284838 is not below 1024' \
		"$OCI" create -b "$b" ptmpol
	oci_bundle "$b" 'c["linux"]["memoryPolicy"] = {"mode": "MPOL_PREFERRED", "nodes": "0-x"}'
	expect_error 'prison-oci: ptmpol: linux.memoryPolicy.nodes: "0-x": not a list of nodes' "$OCI" create -b "$b" ptmpol
	# Interleaving over no node at all: the kernel's refusal, once the jail exists, undone with it.
	oci_bundle "$b" 'c["linux"]["memoryPolicy"] = {"mode": "MPOL_INTERLEAVE"}'
	expect_error 'prison-oci: ptmpol: linux.memoryPolicy: set_mempolicy: Invalid argument' "$OCI" create -b "$b" ptmpol
	assert_no_container ptmpol
}

# process.scheduler and process.ioPriority: the container's process has the
# policy, nice value and I/O class asked for (/proc/PID/stat's nice and
# policy fields, ionice); the real-time ones, with which a jail would take
# a CPU or a disk from the host, are refused by name, leaving nothing.
test_oci_scheduler_io_priority() {
	local b=$WORK/ptsched stat='cut -d" " -f19,41 /proc/self/stat'
	oci_bundle "$b" "c['process']['args'] = ['/bin/sh', '-c', '$stat']" \
		'c["process"]["scheduler"] = {"policy": "SCHED_BATCH", "nice": 7}'
	assert_eq "$("$OCI" run -b "$b" ptsched </dev/null)" "7 3" "SCHED_BATCH (3) with nice 7"
	oci_bundle "$b" "c['process']['args'] = ['/bin/sh', '-c', '$stat']" \
		'c["process"]["scheduler"] = {"policy": "SCHED_IDLE"}'
	assert_eq "$("$OCI" run -b "$b" ptsched </dev/null)" "0 5" "SCHED_IDLE (5)"
	oci_bundle "$b" "c['process']['args'] = ['/bin/sh', '-c', '$stat']"
	assert_eq "$("$OCI" run -b "$b" ptsched </dev/null)" "0 0" "no scheduler: SCHED_OTHER, nice 0"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/ionice"]' \
		'c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_BE", "priority": 5}'
	assert_eq "$("$OCI" run -b "$b" ptsched </dev/null)" "best-effort: prio 5" "IOPRIO_CLASS_BE 5"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/ionice"]' \
		'c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_IDLE", "priority": 0}'
	assert_eq "$("$OCI" run -b "$b" ptsched </dev/null)" "idle" "IOPRIO_CLASS_IDLE"
	assert_no_container ptsched
	# exec --process takes them too.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]'
	"$OCI" create -b "$b" ptsched </dev/null
	echo '{"args": ["/bin/ionice"], "cwd": "/", "ioPriority": {"class": "IOPRIO_CLASS_IDLE", "priority": 0}}' \
		>"$WORK/ptsched.json"
	assert_eq "$("$OCI" exec --process "$WORK/ptsched.json" ptsched </dev/null)" idle "exec --process: ioPriority"
	"$OCI" delete --force ptsched
	assert_no_container ptsched
	for p in SCHED_FIFO SCHED_RR SCHED_DEADLINE; do
		oci_bundle "$b" "c['process']['scheduler'] = {'policy': '$p', 'priority': 10}"
		expect_error "prison-oci: ptsched: process.scheduler.policy: \"$p\": refused (a jail gets no real-time scheduling)" \
			"$OCI" create -b "$b" ptsched
	done
	oci_bundle "$b" 'c["process"]["ioPriority"] = {"class": "IOPRIO_CLASS_RT", "priority": 0}'
	expect_error 'prison-oci: ptsched: process.ioPriority.class: "IOPRIO_CLASS_RT": refused (a jail gets no real-time I/O)' \
		"$OCI" create -b "$b" ptsched
	oci_bundle "$b" 'c["process"]["scheduler"] = {"policy": "SCHED_OTHER", "nice": -21}'
	expect_error 'prison-oci: ptsched: process.scheduler.nice: -21 is not from -20 to 19' "$OCI" create -b "$b" ptsched
	oci_bundle "$b" 'c["process"]["scheduler"] = {"policy": "SCHED_NOSUCH"}'
	expect_error 'prison-oci: ptsched: process.scheduler.policy: "SCHED_NOSUCH": no such policy' "$OCI" create -b "$b" ptsched
	assert_no_container ptsched
}
