# Escape attempts through the network: the host's loopback services seen
# from a jail on the shared stack, and interfaces a vnet jail hands back.
# Every test runs in a network namespace it makes (in_netns).

# A host service on $1 port $2 that only the host may reach: the jail's
# attempts are made while it listens, then the host connects, and the
# server must have seen the host's connection and no other.
host_only_service() {
	"$PROBE" serve "$1" "$2" >"$WORK/svc.out" &
	svc=$!
	wait_listening "$2"
}
host_only_service_end() {
	"$PROBE" connect "$1" "$2" >/dev/null
	wait $svc
	assert_eq "$(cat "$WORK/svc.out")" "$3" "the host service's only peer (the host itself)"
}

escape_loopback() {
	ip addr add 198.18.0.1/32 dev lo
	ip -6 addr add fd00::2/128 dev lo nodad
	ip -6 addr add fd00::1/128 dev lo nodad
	# A jail that owns a 127/8 address of its own, but not 127.0.0.1.
	"$JAIL" -q -c name=ptesclo path="$ROOT" persist ip4.addr=127.0.0.2 ip6.addr=fd00::2
	j() { "$JEXEC" ptesclo /bin/probe "$@"; }
	host_only_service 127.0.0.1 7100
	# 127.0.0.1 is rewritten to the jail's own 127.0.0.2, where nothing listens.
	assert_eq "$(j connect 127.0.0.1 7100)" ECONNREFUSED "127.0.0.1 from a jail owning 127.0.0.2"
	assert_eq "$(j connect ::ffff:127.0.0.1 7100)" ECONNREFUSED "v4-mapped ::ffff:127.0.0.1 from that jail"
	host_only_service_end 127.0.0.1 7100 127.0.0.1
	# The rest of 127/8 is loopback on Linux too: 127.0.0.3 is not the jail's.
	host_only_service 127.0.0.3 7101
	assert_eq "$(j connect 127.0.0.3 7101)" ECONNREFUSED "127.0.0.3 from a jail owning 127.0.0.2"
	assert_eq "$(j connect ::ffff:127.0.0.3 7101)" ECONNREFUSED "v4-mapped ::ffff:127.0.0.3"
	host_only_service_end 127.0.0.3 7101 127.0.0.1
	# Binding a loopback address that is not its own gives the jail its own.
	assert_eq "$(j bind 127.0.0.1 7102)" 127.0.0.2 "bind to 127.0.0.1 in a jail owning 127.0.0.2"
	assert_eq "$(j bind 127.0.0.2 7102)" 127.0.0.2 "bind to its own 127.0.0.2"
	# ::1 is the jail's primary IPv6 address.
	host_only_service ::1 7103
	assert_eq "$(j connect ::1 7103)" ECONNREFUSED "::1 from a jail owning fd00::2"
	host_only_service_end ::1 7103 ::1
	# Its own services on its own loopback address are its to use.
	j serve 127.0.0.2 7104 >"$WORK/own.out" &
	s=$!
	wait_listening 7104
	assert_eq "$(j connect 127.0.0.1 7104)" 127.0.0.2 "the jail's loopback reaches its own server"
	wait $s
	"$JAIL" -q -r ptesclo
	# FreeBSD's rule for a jail given 127.0.0.1 itself: that address is not
	# rewritten (the jail shares it with the host, as on FreeBSD), but every
	# other loopback address is, so a host service elsewhere on 127/8 stays
	# out of reach.
	"$JAIL" -q -c name=ptesclo1 path="$ROOT" persist ip4.addr=127.0.0.1,198.18.0.1
	host_only_service 127.0.0.5 7105
	assert_eq "$("$JEXEC" ptesclo1 /bin/probe connect 127.0.0.5 7105)" ECONNREFUSED \
		"127.0.0.5 from a jail owning 127.0.0.1"
	host_only_service_end 127.0.0.5 7105 127.0.0.1
	"$JAIL" -q -r ptesclo1
}
test_escape_kernel_loopback_host_service() { in_netns escape_loopback; }

# The index and the name of interface $1 here ("" when there is none).
link_of() { ip -o link show "$1" 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2); print $1 " " $2}'; }

escape_vnet_interface_swap() {
	# A veth end stands for the real device (this kernel has no dummy links).
	ip link add ptescd0 type veth peer name ptescd1
	ip link set ptescd0 address 02:00:00:00:e5:01
	real=$(link_of ptescd0)
	"$JAIL" -q -c name=ptescif path="$ROOT" persist vnet vnet.interface=ptescd0
	assert_eq "$(link_of ptescd0)" "" "the interface left the host"
	# Jail root renames the real one and plants its own under its name and address.
	"$JEXEC" ptescif /bin/sh -c 'ip link set ptescd0 name ptreal0 &&
		ip link add ptescd0 address 02:00:00:00:e5:01 type veth' ||
		fail "jail root could not rename and plant"
	"$JAIL" -q -r ptescif
	# The real one is back, under its own name; the planted one never came.
	assert_eq "$(link_of ptescd0)" "$real" "the interface handed back (index and name)"
	assert_eq "$(link_of ptreal0)" "" "the name jail root gave it"
	assert_eq "$(ip -o link show | grep -c ': ptescd0[@:]\|: ptreal0[@:]')" 1 "links of those names on the host"
	# Jail root deletes the real one and plants a veth that takes its index
	# (the kernel gives a freed index again): same index, name, kind and
	# address, but its peer is not the real one's on the host.  Reported,
	# and nothing comes in its place.
	"$JAIL" -q -c name=ptescif path="$ROOT" persist vnet vnet.interface=ptescd0
	"$JEXEC" ptescif /bin/sh -c 'ip link del ptescd0 && ip link add ptescd0 address 02:00:00:00:e5:01 type veth'
	assert_contains "$("$JEXEC" ptescif ip -o link show ptescd0)" "${real%% *}: ptescd0" "the planted link's index"
	expect_error "jail: ptescif: vnet.interface: interface ${real%% *} of the jail is not the \"ptescd0\" that went in; not handed back" \
		"$JAIL" -r ptescif
	assert_eq "$(link_of ptescd0)" "" "a planted interface brought to the host"
	jail_gone ptescif || fail "the jail was not removed"
}
test_escape_path_vnet_interface_by_name() { in_netns escape_vnet_interface_swap; }

# A child jail is held to its parent's addresses and allow.* (FreeBSD's
# kern_jail.c): asked for, more is refused; inherited, it is the parent's.
escape_child_beyond_parent() {
	for a in 198.18.0.1 198.18.0.2; do ip addr add "$a/32" dev lo; done
	ip -6 addr add fd00::1/128 dev lo nodad
	"$JAIL" -q -c name=ptescp path="$ROOT" persist children.max=4 ip4.addr=198.18.0.1 allow.set_hostname=false
	expect_error 'jail: ptescp.ptk: ip4.addr: 198.18.0.2 is not an address of the parent jail "ptescp"' \
		"$JAIL" -c name=ptescp.ptk path="$ROOT" persist ip4.addr=198.18.0.1,198.18.0.2
	expect_error 'jail: ptescp.ptk: ip6.addr: fd00::1 is not an address of the parent jail "ptescp"' \
		"$JAIL" -c name=ptescp.ptk path="$ROOT" persist ip6.addr=fd00::1
	expect_error 'jail: ptescp.ptk: allow.raw_sockets: the parent jail "ptescp" does not have it' \
		"$JAIL" -c name=ptescp.ptk path="$ROOT" persist allow.raw_sockets
	expect_error 'jail: ptescp.ptk: allow.set_hostname: the parent jail "ptescp" does not have it' \
		"$JAIL" -c name=ptescp.ptk path="$ROOT" persist allow.set_hostname
	jail_gone ptescp.ptk || fail "a refused child was left"
	# ip4=inherit is the parent's addresses; ip6=inherit under ip6=disable is none.
	"$JAIL" -q -c name=ptescp.ptk path="$ROOT" persist ip4=inherit ip6=inherit
	assert_eq "$("$JLS" -j ptescp.ptk ip4.addr)" 198.18.0.1 "ip4.addr of a child with ip4=inherit"
	assert_eq "$("$JLS" -j ptescp.ptk ip6)" inherit "ip6 of a child with ip6=inherit under ip6=disable (its own, as FreeBSD shows it)"
	assert_eq "$("$JLS" -j ptescp.ptk ip6.addr)" "" "ip6.addr of a child with ip6=inherit under ip6=disable"
	k() { "$JEXEC" ptescp.ptk /bin/probe "$@"; }
	assert_eq "$(k bind 198.18.0.2 7200)" EADDRNOTAVAIL "the child binds an address its parent lacks"
	assert_eq "$(k bind 0.0.0.0 7200)" 198.18.0.1 "the child's wildcard bind"
	assert_eq "$(k socket tcp6)" EAFNOSUPPORT "an IPv6 socket in the child (a family it lacks, as on FreeBSD)"
	# allow.* it does not name follow the parent's.
	assert_eq "$("$JLS" -j ptescp.ptk allow.set_hostname)" false "allow.set_hostname of the child"
	assert_eq "$(k sethostname evil)" EPERM "sethostname in the child"
	"$JAIL" -q -r ptescp
}
test_escape_root_child_beyond_parent() { in_netns escape_child_beyond_parent; }
