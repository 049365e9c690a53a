# prison-oci: linux.netDevices, devices of the test's own network namespace
# (in_netns, veth pairs) moved into a container's and back.  Uses t_oci.sh's helpers.

# The index of link $1 of the namespace we are in (its /sys is the host's).
ocinetdev_index() {
	ip -o link show "$1" | cut -d: -f1
}

# The names of the links of the namespace we are in, one a line, sorted.
ocinetdev_links() {
	ip -o link | cut -d: -f2 | cut -d@ -f1 | tr -d ' ' | sort
}

ocinetdev_moves() {
	local b=$WORK/ptnd idx0 idx1 inside
	ip link add ptnd0 type veth peer name ptnd3
	ip link add ptnd1 type veth peer name ptnd2
	idx0=$(ocinetdev_index ptnd0)
	idx1=$(ocinetdev_index ptnd1)
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' \
		'c["linux"]["netDevices"] = {"ptnd0": {"name": "eth0"}, "ptnd1": {}}'
	"$OCI" create -b "$b" ptnd </dev/null
	inside=$("$JEXEC" ptnd ip -o link)
	assert_contains "$inside" "$idx0: eth0@" "the first veth end inside, renamed, at its index"
	assert_contains "$inside" "$idx1: ptnd1@" "the second veth end inside under its own name"
	assert_not_contains "$inside" "ptnd0" "its host name inside"
	assert_eq "$(ocinetdev_links)" "lo
ptnd2
ptnd3" "the test's namespace while the container runs"
	# Jail root renames what it has; it goes back under its host name all the same.
	"$JEXEC" ptnd ip link set ptnd1 name other1
	"$OCI" delete --force ptnd
	assert_no_container ptnd
	assert_eq "$(ocinetdev_links)" "lo
ptnd0
ptnd1
ptnd2
ptnd3" "the test's namespace after delete"
	assert_eq "$(ocinetdev_index ptnd0) $(ocinetdev_index ptnd1)" "$idx0 $idx1" \
		"the same devices back"
	ip link del ptnd0
	ip link del ptnd1
}
test_oci_netdevices_move_in_renamed_and_back() { in_netns ocinetdev_moves; }

# ocinetdev_refused MESSAGE PYTHON...: creating ptndbad with those changes fails so, leaving nothing.
ocinetdev_refused() {
	local b=$WORK/ptndbad want=$1
	shift
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "60"]' "$@"
	expect_error "prison-oci: ptndbad: $want" "$OCI" create -b "$b" ptndbad
	assert_no_container ptndbad
	assert_eq "$(ocinetdev_links)" "lo
ptnd0
ptnd1
ptnd2
ptnd3" "the test's namespace after a refused netDevices"
}

ocinetdev_bad() {
	local nonet='c["linux"]["namespaces"] = [n for n in c["linux"]["namespaces"] if n["type"] != "network"]'
	ip link add ptnd0 type veth peer name ptnd3
	ip link add ptnd1 type veth peer name ptnd2
	ocinetdev_refused 'vnet.interface: no interface "ptnosuch0" on the host' \
		'c["linux"]["netDevices"] = {"ptnd0": {}, "ptnosuch0": {}}'
	ocinetdev_refused 'vnet.interface: "ptnd0": the jail has an interface "lo" already' \
		'c["linux"]["netDevices"] = {"ptnd0": {"name": "lo"}}'
	ocinetdev_refused 'vnet.interface: "ptnd1": the jail has an interface "x0" already' \
		'c["linux"]["netDevices"] = {"ptnd0": {"name": "x0"}, "ptnd1": {"name": "x0"}}'
	ocinetdev_refused 'linux.netDevices: interface name "a/b": contains '"'/'" \
		'c["linux"]["netDevices"] = {"ptnd0": {"name": "a/b"}}'
	ocinetdev_refused 'linux.netDevices: ptnd0: not an object' 'c["linux"]["netDevices"] = {"ptnd0": "eth0"}'
	ocinetdev_refused "linux.netDevices: refused (devices move only into a network namespace of the container's own, not the host's or a joined one)" \
		"$nonet" 'c["linux"]["netDevices"] = {"ptnd0": {}}'
	ocinetdev_refused "linux.netDevices: refused (devices move only into a network namespace of the container's own, not the host's or a joined one)" \
		"$nonet" 'c["linux"]["namespaces"].append({"type": "network", "path": "/proc/self/ns/net"})' \
		'c["linux"]["netDevices"] = {"ptnd0": {}}'
	assert_nothing_left
	ip link del ptnd0
	ip link del ptnd1
}
test_oci_netdevices_bad_input_leaves_nothing() { in_netns ocinetdev_bad; }
