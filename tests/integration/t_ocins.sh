# prison-oci: namespaces joined by path (pods) and id mappings.  Uses t_oci.sh's helpers.

# A pause container's network and UTS namespaces, joined by a second container: one stack, one name.
test_oci_pod_shares_netns() {
	local b=$WORK/ptpod pa pb
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "echo from-a | nc -l -p 7001; exec sleep 60"]' \
		'c["hostname"] = "pod.example"'
	"$OCI" run -d -b "$b" ptpodA </dev/null
	read -r _ pa < <(oci_status ptpodA)
	wait_until 5 "the listener in ptpodA" sh -c "cat /proc/$pa/net/tcp /proc/$pa/net/tcp6 | grep -q ':1B59 '"
	oci_bundle "$b.b" 'c["process"]["args"] = ["/bin/sh", "-c", "hostname; tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d \" \"; nc 127.0.0.1 7001"]' \
		'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] not in ("network", "uts")]' \
		"c['linux']['namespaces'] += [{'type': 'network', 'path': '/proc/$pa/ns/net'}, {'type': 'uts', 'path': '/proc/$pa/ns/uts'}]" \
		'c.pop("hostname", None)'
	"$OCI" create -b "$b.b" ptpodB </dev/null >"$WORK/ptpodB.out"
	read -r _ pb < <(oci_status ptpodB)
	assert_eq "$(readlink "/proc/$pb/ns/net")" "$(readlink "/proc/$pa/ns/net")" "one network namespace for both"
	assert_eq "$(readlink "/proc/$pb/ns/uts")" "$(readlink "/proc/$pa/ns/uts")" "one UTS namespace for both"
	[ "$(readlink "/proc/$pb/ns/user")" != "$(readlink "/proc/$pa/ns/user")" ] || fail "the two share a user namespace"
	assert_eq "$("$JLS" -j ptpodB ns.net ip4 vnet)" "/proc/$pa/ns/net inherit inherit" "jls shows the joined namespace"
	# jexec enters the joined namespaces too.
	assert_eq "$("$JEXEC" ptpodB hostname)" pod.example "jexec into a container of the pod"
	"$OCI" start ptpodB
	wait_until 5 "ptpodB ended" status_is ptpodB stopped
	assert_eq "$(cat "$WORK/ptpodB.out")" "pod.example
lo
from-a" "the second container: the pod's host name, its loopback, the first's listener on 127.0.0.1"
	"$OCI" delete ptpodB
	expect_error 'prison-oci: container "ptpodB" does not exist' "$OCI" state ptpodB
	# Jail root of the second has no say over the stack it joined.
	oci_bundle "$b.b" 'c["process"]["args"] = ["/bin/sh", "-c", "ip link set lo down 2>/dev/null || echo refused"]' \
		'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]' \
		"c['linux']['namespaces'].append({'type': 'network', 'path': '/proc/$pa/ns/net'})"
	assert_eq "$("$OCI" run -b "$b.b" ptpodB </dev/null)" refused "ip link in a joined stack"
	"$OCI" delete --force ptpodA
	assert_no_container ptpodA
	assert_no_container ptpodB
}

test_oci_joined_namespace_errors() {
	local b=$WORK/ptnsbad upid
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/true"]' \
		'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]' \
		'c["linux"]["namespaces"].append({"type": "network", "path": "/etc/passwd"})'
	expect_error 'prison-oci: ptnsbad: ns.net "/etc/passwd": not a namespace' "$OCI" create -b "$b" ptnsbad
	assert_no_container ptnsbad
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/true"]' \
		'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]' \
		'c["linux"]["namespaces"].append({"type": "network", "path": "/proc/self/ns/uts"})'
	expect_error 'prison-oci: ptnsbad: ns.net "/proc/self/ns/uts": not a network namespace' "$OCI" create -b "$b" ptnsbad
	assert_no_container ptnsbad
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/true"]' \
		'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]' \
		'c["linux"]["namespaces"].append({"type": "network", "path": "/nonexistent/net"})'
	expect_error 'prison-oci: ptnsbad: ns.net "/nonexistent/net": No such file or directory' "$OCI" create -b "$b" ptnsbad
	assert_no_container ptnsbad
	# A user or mount namespace is never joined.
	oci_bundle "$b" 'c["linux"]["namespaces"].append({"type": "user", "path": "/proc/1/ns/user"})'
	expect_error 'prison-oci: ptnsbad: linux.namespaces: user: path "/proc/1/ns/user": refused (a container'"'"'s user namespace and id range are its own)' \
		"$OCI" create -b "$b" ptnsbad
	oci_bundle "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "mount"]' \
		'c["linux"]["namespaces"].append({"type": "mount", "path": "/proc/1/ns/mnt"})'
	expect_error 'prison-oci: ptnsbad: linux.namespaces: mount: path "/proc/1/ns/mnt": refused (a container'"'"'s mount namespace is its own)' \
		"$OCI" create -b "$b" ptnsbad
	assert_no_container ptnsbad
	# A network namespace some other user namespace owns (neither the host's nor a jail's) is refused.
	unshare -U -n sleep 60 &
	upid=$!
	wait_until 5 "the other user namespace" sh -c "[ \"\$(readlink /proc/$upid/ns/user)\" != \"\$(readlink /proc/self/ns/user)\" ]"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/true"]' \
		'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]' \
		"c['linux']['namespaces'].append({'type': 'network', 'path': '/proc/$upid/ns/net'})"
	expect_error "prison-oci: ptnsbad: ns.net \"/proc/$upid/ns/net\": owned by a user namespace that is neither the host's nor a jail's" \
		"$OCI" create -b "$b" ptnsbad
	kill "$upid"
	wait "$upid" 2>/dev/null || true
	assert_no_container ptnsbad
	# jail(8) takes the same parameters, and the same checks.
	expect_error 'jail: ptnsbad: ns.net: a jail in another'"'"'s network namespace takes no address or interface' \
		"$JAIL" -c name=ptnsbad path="$ROOT" ns.net=/proc/self/ns/net ip4.addr=198.18.7.9 command=/bin/true
	expect_error 'jail: ptnsbad: vnet=new: the jail is in the network namespace ns.net names' \
		"$JAIL" -c name=ptnsbad path="$ROOT" ns.net=/proc/self/ns/net vnet command=/bin/true
	assert_no_container ptnsbad
	# The host name of a joined UTS namespace is not the container's to set.
	oci_bundle "$b" 'c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "uts"]' \
		'c["linux"]["namespaces"].append({"type": "uts", "path": "/proc/self/ns/uts"})'
	expect_error 'prison-oci: ptnsbad: ns.uts: the jail has the names of the UTS namespace it joins (host.hostname and host cannot be set)' \
		"$OCI" create -b "$b" ptnsbad
	assert_no_container ptnsbad
}

# linux.uidMappings and gidMappings: honoured when they are a free range of prison's pool, refused otherwise.
test_oci_id_mappings() {
	local b=$WORK/ptmap base=3695181824 pid m
	m="[{'containerID': 0, 'hostID': $base, 'size': 65536}]"
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sh", "-c", "cat /proc/self/uid_map /proc/self/gid_map | tr -s \" \"; echo made >/tmp/ptmap.owned; stat -c %u:%g /tmp/ptmap.owned; id -u; exec sleep 60"]' \
		"c['linux']['uidMappings'] = $m" "c['linux']['gidMappings'] = $m"
	rm -f "$ROOT/tmp/ptmap.owned"
	"$OCI" create -b "$b" ptmap </dev/null >"$WORK/ptmap.out"
	read -r _ pid < <(oci_status ptmap)
	assert_eq "$("$JLS" -j ptmap idmap.base)" "$base" "jls: the range asked for"
	assert_eq "$(awk '/^Uid:/ { print $2 }' "/proc/$pid/status")" "$base" "the container's root is host uid $base"
	assert_eq "$(awk '/^Gid:/ { print $2 }' "/proc/$pid/status")" "$base" "and host gid $base"
	"$OCI" start ptmap
	wait_until 5 "the process's report" sh -c "[ \$(wc -l <'$WORK/ptmap.out') -ge 4 ]"
	assert_eq "$(tr -s ' ' <"$WORK/ptmap.out")" " 0 $base 65536
 0 $base 65536
0:0
0" "uid_map and gid_map inside, and a file root made there is root's"
	# The root's files keep their ownership on the host (the idmapped root), whoever the jail's root is.
	assert_eq "$(stat -c %u:%g "$ROOT/tmp/ptmap.owned")" 0:0 "the file on the host"
	# The same range for a second container while the first holds it: refused, nothing left.
	expect_error "prison-oci: ptmap2: idmap.base $base: not free (another jail's, or it meets a user, a group, /etc/subuid or /etc/subgid)" \
		"$OCI" create -b "$b" ptmap2
	assert_no_container_state ptmap2
	"$OCI" delete --force ptmap
	rm -f "$ROOT/tmp/ptmap.owned"
	assert_no_container ptmap
	assert_no_container ptmap2
	local taken="(only one entry, containerID 0 and size 65536, the same for users and groups, onto hostID a multiple of 65536 from 1073741824 on is taken)"
	for m in "[{'containerID': 0, 'hostID': 100000, 'size': 65536}]" "[{'containerID': 0, 'hostID': $base, 'size': 1000}]" \
		"[{'containerID': 1, 'hostID': $base, 'size': 65536}]" "[{'containerID': 0, 'hostID': $((base + 1)), 'size': 65536}]"; do
		oci_bundle "$b" "c['linux']['uidMappings'] = $m" "c['linux']['gidMappings'] = $m"
		expect_error "prison-oci: ptmap: linux.uidMappings: not supported $taken" "$OCI" create -b "$b" ptmap
	done
	oci_bundle "$b" "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': $base, 'size': 65536}]" \
		"c['linux']['gidMappings'] = [{'containerID': 0, 'hostID': $((base + 65536)), 'size': 65536}]"
	expect_error "prison-oci: ptmap: linux.gidMappings: not supported $taken" "$OCI" create -b "$b" ptmap
	oci_bundle "$b" "c['linux']['uidMappings'] = [{'containerID': 0, 'hostID': $base, 'size': 65536}]"
	expect_error "prison-oci: ptmap: linux.gidMappings: missing $taken" "$OCI" create -b "$b" ptmap
	assert_no_container ptmap
}

# The state and the jail of one container are gone; other containers may live.
assert_no_container_state() {
	[ ! -e "$PRISON_RUNDIR-oci/$1" ] || fail "$1: its state is left"
	assert_not_contains "$("$JLS" -N)" " $1 " "jls after $1 was refused"
}
