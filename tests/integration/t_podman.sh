# Podman (Debian's) with prison-oci as its runtime: its own store under the
# test's directory, never the host's, on an image imported offline from a
# busybox root built here.  Every container is a jail of this shard.

# podman_setup NAME: $PODDIR with a store, a containers.conf and the
# image localhost/ptbusybox; pod runs podman on them.  Podman runs its
# runtime with an environment of its own making (its clean-up process
# too), so the shard's runtime context (runtime.h) comes from a two-line
# script that sets it and runs the built prison-oci.
podman_setup() {
	PODDIR=$WORK/pod-$1
	rm -rf "$PODDIR"
	mkdir -p "$PODDIR"/root
	make_root "$PODDIR"/root
	cat >"$PODDIR"/prison-oci <<EOF
#!/bin/sh
PRISON_RUNDIR=$PRISON_RUNDIR PRISON_CGROUP=$PRISON_CGROUP PRISON_LOGDIR=$PRISON_LOGDIR PRISON_STATEDIR=$PRISON_STATEDIR PRISON_RCTL_CONF=$PRISON_RCTL_CONF exec $OCI "\$@"
EOF
	chmod 755 "$PODDIR"/prison-oci
	# Limits podman asks for must be ones this host lets root set (it may lack CAP_SYS_RESOURCE).
	local nofile nproc
	nofile=$(ulimit -Hn) nproc=$(ulimit -Hu)
	[ "$nofile" != unlimited ] && [ "$nofile" -le 1048576 ] || nofile=1048576
	[ "$nproc" != unlimited ] && [ "$nproc" -le 32768 ] || nproc=32768
	cat >"$PODDIR"/containers.conf <<EOF
[containers]
default_ulimits = ["nofile=$nofile:$nofile", "nproc=$nproc:$nproc"]
[engine]
cgroup_manager = "cgroupfs"
events_logger = "file"
events_logfile_path = "$PODDIR/events.log"
[network]
network_config_dir = "$PODDIR/net"
default_subnet = "198.18.9.0/24"
EOF
	export CONTAINERS_CONF=$PODDIR/containers.conf
	trap podman_cleanup EXIT
	tar -C "$PODDIR"/root -cf "$PODDIR"/root.tar .
	pod import "$PODDIR"/root.tar localhost/ptbusybox >/dev/null
}

pod() {
	podman --root "$PODDIR"/store --runroot "$PODDIR"/run --tmpdir "$PODDIR"/tmp --storage-driver vfs \
		--runtime "$PODDIR"/prison-oci "$@"
}

# Every container and the store go, whatever the test did.
podman_cleanup() {
	[ -n "${PODDIR:-}" ] && [ -d "$PODDIR" ] || return 0
	pod rm -af -t 0 >/dev/null 2>&1 || true
	pod rmi -af >/dev/null 2>&1 || true
	awk -v d="$PODDIR" 'index($5, d "/") == 1 { print $5 }' /proc/self/mountinfo | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	rm -rf "$PODDIR"
}

# A container podman made is gone: no jail, no state of prison-oci, no cgroup.
assert_no_pod() {
	local id=$1
	assert_not_contains "$("$JLS" -N)" " $id " "jls after the container went"
	[ ! -e "$PRISON_RUNDIR-oci/$id" ] || fail "$id: its state is left in $PRISON_RUNDIR-oci"
	[ -z "$(ls "$PRISON_RUNDIR-oci" 2>/dev/null)" ] || fail "state left: $(ls "$PRISON_RUNDIR-oci")"
	[ ! -e "$CGROUP2/$CGPREFIX" ] || [ -z "$(ls -A "$CGROUP2/$CGPREFIX" | grep -v '^cgroup\.\|^[a-z]*\.' || true)" ] ||
		fail "cgroups left: $(ls "$CGROUP2/$CGPREFIX")"
}

test_podman_run_rm_and_detach() {
	local id out rc
	podman_setup run
	# run --rm: the process's output and exit status, and nothing left.
	set +e
	out=$(pod run --rm --network host localhost/ptbusybox sh -c 'echo hello; cat /etc/hostname >/dev/null; exit 7' </dev/null)
	rc=$?
	set -e
	assert_eq "$rc" 7 "podman run --rm: the exit status"
	assert_eq "$out" hello "podman run --rm: the output"
	assert_eq "$(pod ps -aq)" "" "podman ps -a after run --rm"
	assert_no_pod none
	# run -d, exec, stop, rm: the container is a jail named by its id, entered by exec and jexec alike.
	id=$(pod run -d --network host --name ptpod --hostname pod.example localhost/ptbusybox sleep 300 </dev/null)
	assert_eq "$("$JLS" -j "$id" name host.hostname)" "$id pod.example" "jls lists the container"
	assert_eq "$(pod exec ptpod hostname </dev/null)" pod.example "podman exec"
	assert_eq "$("$JEXEC" "$id" hostname)" pod.example "jexec into podman's container"
	assert_contains "$(pod exec ptpod ps </dev/null)" "sleep 300" "podman exec sees the container's process"
	assert_eq "$(pod inspect -f '{{.State.Status}}' ptpod)" running "podman inspect"
	pod stop -t 5 ptpod >/dev/null
	assert_eq "$(pod inspect -f '{{.State.Status}}' ptpod)" exited "podman stop"
	pod rm ptpod >/dev/null
	assert_no_pod "$id"
}

test_podman_terminal() {
	local out rc
	podman_setup tty
	set +e
	out=$(script -qec "podman --root $PODDIR/store --runroot $PODDIR/run --tmpdir $PODDIR/tmp --storage-driver vfs \
		--runtime $PODDIR/prison-oci run --rm -it --network host localhost/ptbusybox \
		sh -c 'tty; test -t 0 && test -t 1 && echo on-a-terminal; exit 4'" /dev/null </dev/null)
	rc=$?
	set -e
	out=$(echo "$out" | tr -d '\r')
	assert_eq "$rc" 4 "podman run -it: the exit status"
	assert_contains "$out" /dev/pts/0 "podman run -it: a terminal of the container's own devpts"
	assert_contains "$out" on-a-terminal "podman run -it: stdin and stdout on it"
	assert_no_pod none
}

test_podman_limits() {
	local out rc id
	podman_setup lim
	# --memory holds inside: the probe touches a megabyte at a time until it is killed.
	set +e
	out=$(pod run --rm --network host --memory 32m --memory-swap 32m localhost/ptbusybox /bin/probe hog 200 </dev/null)
	rc=$?
	set -e
	[ "$rc" != 0 ] || fail "200 MB touched under --memory 32m"
	[ "$(echo "$out" | tail -1)" -lt 40 ] || fail "--memory 32m: $(echo "$out" | tail -1) MB touched"
	# --pids-limit holds inside, and rctl sees both limits on the jail.
	id=$(pod run -d --network host --memory 48m --pids-limit 8 localhost/ptbusybox sleep 300 </dev/null)
	assert_contains "$("$RCTL" "jail:$id")" "jail:$id:maxproc:deny=8" "rctl: --pids-limit"
	assert_contains "$("$RCTL" "jail:$id")" "jail:$id:memoryuse:deny=50331648" "rctl: --memory"
	out=$(pod exec "$id" sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 5 & done; wait' 2>&1 </dev/null || true)
	assert_contains "$out" "can't fork" "--pids-limit 8 inside"
	pod rm -f -t 0 "$id" >/dev/null
	assert_no_pod "$id"
}

test_podman_network() {
	local out
	podman_setup net
	# --network none: a network namespace of its own with its loopback alone.
	out=$(pod run --rm --network none localhost/ptbusybox sh -c 'tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "' </dev/null)
	assert_eq "$out" lo "--network none"
	# --network host: the host's stack.
	out=$(pod run --rm --network host localhost/ptbusybox cat /proc/net/dev </dev/null | wc -l)
	assert_eq "$out" "$(wc -l </proc/net/dev)" "--network host"
	assert_no_pod none
}

test_podman_create_fails_clean() {
	local err
	podman_setup err
	# A device a jail's /dev does not have: the runtime refuses the create, and nothing is left.
	err=$(pod run --rm --network host --device /dev/kmsg localhost/ptbusybox true 2>&1 </dev/null) &&
		fail "podman run --device /dev/kmsg succeeded"
	assert_contains "$err" "more than a jail's /dev gives" "the runtime's error, through podman"
	assert_eq "$(pod ps -aq)" "" "podman ps -a after the failed run"
	assert_no_pod none
	# A create podman makes itself and starts later fails the same way at start, and leaves nothing either.
	pod create --name pterr --network host --device /dev/kmsg localhost/ptbusybox true >/dev/null
	pod start pterr >/dev/null 2>&1 && fail "podman start of a container the runtime refuses"
	assert_no_pod none
	pod rm pterr >/dev/null
	assert_no_pod none
}

# GET url, its body or the error, from this network namespace.
pod_get() {
	python3 -c 'import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode().strip())
except Exception as e:
    print("error", e)' "$1"
}

# Does a TCP connection to $1 port $2 succeed from this network namespace?
pod_connects() {
	python3 -c 'import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), 1)' "$1" "$2" 2>/dev/null
}

podman_publish_cases() {
	local id ns out
	podman_setup publish
	# -p on podman's bridge network: netavark makes the bridge, the veth and the
	# DNAT rules (in this test's own network namespace), and hands the runtime
	# the container's network namespace by path.
	id=$(pod run -d -p 127.0.0.1:8080:80 --name ptpub localhost/ptbusybox httpd -f -p 80 -h / </dev/null)
	assert_eq "$("$JLS" -j "$id" name)" "$id" "jls: the podman container is a jail"
	ns=$("$JLS" -j "$id" ns.net)
	assert_contains "$ns" "/netns/" "the jail joined podman's network namespace by path"
	out=$("$JEXEC" "$id" cat /proc/net/dev | tail -n +3 | cut -d: -f1 | tr -d ' ' | sort | tr '\n' ' ')
	assert_eq "$out" "eth0 lo " "the container's interfaces: podman's veth end and loopback"
	assert_contains "$("$JEXEC" "$id" cat /proc/net/fib_trie)" "198.18.9." "the container's address on podman's subnet"
	wait_until 10 "the container's httpd on published port 8080" pod_connects 127.0.0.1 8080
	assert_eq "$(pod_get http://127.0.0.1:8080/etc/hostname)" "${id:0:12}" "the published port reaches the container"
	assert_eq "$(pod port ptpub)" "80/tcp -> 127.0.0.1:8080" "podman port"
	pod stop -t 1 ptpub >/dev/null
	pod rm ptpub >/dev/null
	assert_no_pod "$id"
	assert_contains "$(pod_get http://127.0.0.1:8080/etc/hostname)" "error" "the published port after rm"
	[ ! -e "$ns" ] || fail "podman's network namespace $ns is left"
}

# podman run -p, in a network and mount namespace the test made: netavark's
# bridge, veth and firewall rules never touch the host's.
test_podman_publish_port() {
	in_netns_mntns podman_publish_cases
}
