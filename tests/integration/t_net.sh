# Networking: jails on the shared stack held to their addresses by cgroup BPF,
# and vnet jails with a stack of their own.  Every test runs in a network
# namespace it makes (in_netns), with 198.18.0.0/15 and fd00::/8 only.

# Addresses on loopback of the test's namespace, for jails on the shared stack.
shared_addrs() {
	for a in 198.18.0.1 198.18.0.2 198.18.0.9; do ip addr add "$a/32" dev lo; done
	ip -6 addr add fd00::1/128 dev lo nodad
	ip -6 addr add fd00::9/128 dev lo nodad
}

net_same_port() {
	shared_addrs
	"$JAIL" -q -c name=pta path="$ROOT" persist ip4.addr=198.18.0.1
	"$JAIL" -q -c name=ptb path="$ROOT" persist ip4.addr=198.18.0.2
	"$JEXEC" pta /bin/probe serve 198.18.0.1 7000 >"$WORK/a.out" &
	a=$!
	"$JEXEC" ptb /bin/probe serve 198.18.0.2 7000 >"$WORK/b.out" &
	b=$!
	wait_listening 7000 2
	"$PROBE" connect 198.18.0.1 7000 >/dev/null
	"$PROBE" connect 198.18.0.2 7000 >/dev/null
	wait $a $b
	# Each server saw the host's connection: both held port 7000 at once.
	[ -s "$WORK/a.out" ] && [ -s "$WORK/b.out" ] || fail "a server did not get its connection"
}
test_net_two_jails_bind_the_same_port() { in_netns net_same_port; }

net_bind_limits() {
	shared_addrs
	"$JAIL" -q -c name=pta path="$ROOT" persist ip4.addr=198.18.0.1 ip6.addr=fd00::1
	assert_eq "$("$JEXEC" pta /bin/probe bind 198.18.0.2 7001)" EADDRNOTAVAIL "bind to another jail's address"
	assert_eq "$("$JEXEC" pta /bin/probe bind 198.18.0.9 7001)" EADDRNOTAVAIL "bind to a host address"
	assert_eq "$("$JEXEC" pta /bin/probe bind 0.0.0.0 7001)" 198.18.0.1 "wildcard bind"
	assert_eq "$("$JEXEC" pta /bin/probe bind 127.0.0.1 7001)" 198.18.0.1 "loopback bind"
	assert_eq "$("$JEXEC" pta /bin/probe bind 198.18.0.1 7001)" 198.18.0.1 "bind to its own address"
	assert_eq "$("$JEXEC" pta /bin/probe bind :: 7001)" fd00::1 "IPv6 wildcard bind"
	assert_eq "$("$JEXEC" pta /bin/probe bind fd00::9 7001)" EADDRNOTAVAIL "bind to a host IPv6 address"
	# Jail root may bind a reserved port on its own address.
	assert_eq "$("$JEXEC" pta /bin/probe bind 198.18.0.1 80)" 198.18.0.1 "reserved port as jail root"
}
test_net_bind_is_held_to_the_jail_addresses() { in_netns net_bind_limits; }

net_source_address() {
	shared_addrs
	"$JAIL" -q -c name=pta path="$ROOT" persist ip4.addr=198.18.0.1 ip6.addr=fd00::1
	"$PROBE" serve 198.18.0.9 7002 >"$WORK/peer4" &
	s=$!
	wait_listening 7002
	"$JEXEC" pta /bin/probe connect 198.18.0.9 7002 >/dev/null
	wait $s
	assert_eq "$(cat "$WORK/peer4")" 198.18.0.1 "source address seen by the server"
	"$PROBE" serve fd00::9 7002 >"$WORK/peer6" &
	s=$!
	wait_listening 7002
	"$JEXEC" pta /bin/probe connect fd00::9 7002 >/dev/null
	wait $s
	assert_eq "$(cat "$WORK/peer6")" fd00::1 "IPv6 source address seen by the server"
	assert_eq "$("$JEXEC" pta /bin/probe udp 198.18.0.9 7003)" 198.18.0.1 "UDP source address"
}
test_net_outgoing_connections_carry_the_jail_address() { in_netns net_source_address; }

net_loopback() {
	shared_addrs
	"$JAIL" -q -c name=pta path="$ROOT" persist ip4.addr=198.18.0.1
	"$JEXEC" pta /bin/probe serve 0.0.0.0 7004 >"$WORK/lo.out" &
	s=$!
	wait_listening 7004
	assert_eq "$("$JEXEC" pta /bin/probe connect 127.0.0.1 7004)" 198.18.0.1 "connect to 127.0.0.1 inside"
	wait $s
	assert_eq "$(cat "$WORK/lo.out")" 198.18.0.1 "the jail's own server answered"
}
test_net_localhost_reaches_the_jail_itself() { in_netns net_loopback; }

net_raw_and_modes() {
	shared_addrs
	sysctl -q -w net.ipv4.ping_group_range="0 2147483647"
	"$JAIL" -q -c name=pta path="$ROOT" persist ip4.addr=198.18.0.1 allow.raw_sockets
	assert_eq "$("$JEXEC" pta /bin/probe socket raw)" EPERM "raw socket on the shared stack"
	assert_eq "$("$JEXEC" pta /bin/probe socket icmp)" EPERM "ping socket on the shared stack"
	assert_eq "$("$JEXEC" pta /bin/probe socket packet)" EPERM "packet socket on the shared stack"
	assert_eq "$("$PROBE" socket icmp)" ok "ping socket outside the jail"
	"$JEXEC" pta ping -c1 -W1 198.18.0.9 >/dev/null 2>&1 && fail "ping worked in a classic jail"
	# No address of a family: that family is disabled, and missing (EAFNOSUPPORT), as on FreeBSD.
	assert_eq "$("$JEXEC" pta /bin/probe socket tcp6)" EAFNOSUPPORT "IPv6 in a jail with IPv4 addresses only"
	"$JAIL" -q -c name=ptnone path="$ROOT" persist
	assert_eq "$("$JEXEC" ptnone /bin/probe socket tcp4)" EAFNOSUPPORT "IPv4 in a jail with no address"
	assert_eq "$("$JLS" -j ptnone ip4)" disable "ip4 of a jail with no address"
	"$JAIL" -q -c name=ptall path="$ROOT" persist ip4=inherit
	assert_eq "$("$JEXEC" ptall /bin/probe bind 198.18.0.9 7005)" 198.18.0.9 "ip4=inherit binds any host address"
	"$JAIL" -q -c name=ptboth path="$ROOT" persist ip4=inherit ip6=inherit
	assert_eq "$("$JEXEC" ptboth /bin/probe socket tcp4)" ok "IPv4 with ip4=inherit ip6=inherit"
	assert_eq "$("$JEXEC" ptboth /bin/probe bind fd00::9 7006)" fd00::9 "IPv6 with ip4=inherit ip6=inherit"
	"$JAIL" -q -c name=ptoff path="$ROOT" persist ip4=disable ip6=inherit
	assert_eq "$("$JEXEC" ptoff /bin/probe socket tcp4)" EAFNOSUPPORT "ip4=disable"
	assert_eq "$("$JEXEC" ptoff /bin/probe socket tcp6)" ok "ip6=inherit"
}
test_net_raw_sockets_and_families_on_the_shared_stack() { in_netns net_raw_and_modes; }

# jail -m on the shared stack: the sockaddr map entry is rewritten in one
# update, so a process already running in the jail binds a new address at once
# and a dropped one is refused; a child is narrowed as FreeBSD narrows it.
net_modify_addresses() {
	shared_addrs
	"$JAIL" -q -c name=pta path="$ROOT" persist children.max=1 ip4.addr=198.18.0.1,198.18.0.2
	"$JAIL" -q -c name=pta.ptc path="$ROOT" persist ip4.addr=198.18.0.1,198.18.0.2
	assert_eq "$("$JEXEC" pta /bin/probe bind 198.18.0.9 7010)" EADDRNOTAVAIL "bind before the change"
	rm -f "$ROOT/tmp/ptgo"
	"$JEXEC" pta /bin/sh -c 'while [ ! -e /tmp/ptgo ]; do sleep 0.1; done; /bin/probe bind 198.18.0.9 7010' \
		>"$WORK/early.out" &
	early=$!
	"$JAIL" -q -m name=pta ip4.addr=198.18.0.2,198.18.0.9
	touch "$ROOT/tmp/ptgo"
	wait $early
	rm -f "$ROOT/tmp/ptgo"
	assert_eq "$(cat "$WORK/early.out")" 198.18.0.9 "a process started before the change binds the new address"
	assert_eq "$("$JEXEC" pta /bin/probe bind 198.18.0.1 7010)" EADDRNOTAVAIL "the dropped address"
	assert_eq "$("$JEXEC" pta /bin/probe bind 0.0.0.0 7010)" 198.18.0.2 "wildcard takes the new primary"
	assert_eq "$("$JLS" -j pta ip4.addr)" 198.18.0.2,198.18.0.9 "jls ip4.addr after the change"
	# The child keeps what its parent still has, and nothing more.
	assert_eq "$("$JLS" -j pta.ptc ip4.addr)" 198.18.0.2 "the child narrowed"
	assert_eq "$("$JEXEC" pta.ptc /bin/probe bind 198.18.0.1 7011)" EADDRNOTAVAIL "the child's dropped address"
	assert_eq "$("$JEXEC" pta.ptc /bin/probe bind 198.18.0.2 7011)" 198.18.0.2 "the child's kept address"
	expect_error 'jail: pta.ptc: ip4.addr: 198.18.0.1 is not an address of the parent jail "pta"' \
		"$JAIL" -m name=pta.ptc ip4.addr=198.18.0.1
	"$JAIL" -q -m name=pta.ptc ip4.addr=198.18.0.9
	assert_eq "$("$JEXEC" pta.ptc /bin/probe bind 198.18.0.9 7011)" 198.18.0.9 "the child takes a parent's address"
	# Dropping the child's only address leaves it without IPv4.
	"$JAIL" -q -m name=pta ip4.addr=198.18.0.2
	assert_eq "$("$JLS" -j pta.ptc ip4)" disable "the child's ip4 with no address left"
	assert_eq "$("$JEXEC" pta.ptc /bin/probe socket tcp4)" EAFNOSUPPORT "IPv4 in the emptied child"
	# A family the jail had none of becomes usable.
	assert_eq "$("$JEXEC" pta /bin/probe socket tcp6)" EAFNOSUPPORT "IPv6 before ip6.addr"
	"$JAIL" -q -m name=pta ip6.addr=fd00::9
	assert_eq "$("$JEXEC" pta /bin/probe bind :: 7012)" fd00::9 "IPv6 after ip6.addr"
	assert_eq "$("$JLS" -j pta ip6)" new "ip6 after ip6.addr"
	# allow.reserved_ports lives in the same entry; losing it takes it from the child too.
	assert_eq "$("$JEXEC" pta /bin/probe bind 198.18.0.2 80)" 198.18.0.2 "reserved port before"
	"$JAIL" -q -m name=pta allow.reserved_ports=false
	assert_eq "$("$JEXEC" pta /bin/probe bind 198.18.0.2 80)" EACCES "reserved port after allow.noreserved_ports"
	assert_eq "$("$JLS" -j pta.ptc allow.reserved_ports)" false "the child lost allow.reserved_ports"
	expect_error 'jail: pta.ptc: allow.reserved_ports: the parent jail "pta" does not have it' \
		"$JAIL" -m name=pta.ptc allow.reserved_ports=true
	"$JAIL" -q -m name=pta allow.reserved_ports=true
	assert_eq "$("$JEXEC" pta /bin/probe bind 198.18.0.2 80)" 198.18.0.2 "reserved port given back"
	# What the filter holds cannot change; bad input changes nothing.
	expect_error 'jail: pta: allow.mount cannot be changed on a running jail' "$JAIL" -m name=pta allow.mount
	expect_error 'jail: pta: ip4.addr: "198.18.0.300" is not an IPv4 address' \
		"$JAIL" -m name=pta ip4.addr=198.18.0.300
	assert_eq "$("$JLS" -j pta ip4.addr)" 198.18.0.2 "ip4.addr after a refused change"
	assert_eq "$("$JEXEC" pta /bin/probe bind 198.18.0.2 7013)" 198.18.0.2 "the entry after a refused change"
	# An address to put on an interface that holds it already (the admin's own): refused, and it stays.
	expect_error 'jail: pta: add address 198.18.0.2/32 on interface "lo": File exists (kernel: ipv4: Address already assigned)' \
		"$JAIL" -m name=pta ip4.addr=lo\|198.18.0.2
	assert_contains "$(ip -o addr show dev lo)" "198.18.0.2/32" "the admin's address after a refused change"
	assert_eq "$("$JLS" -j pta ip4.addr)" 198.18.0.2 "ip4.addr after a refused interface change"
}
test_net_jail_m_changes_addresses_at_once() { in_netns net_modify_addresses; }

# ip4.saddrsel changes on a running jail of the host's stack, as on
# FreeBSD: the source of a connection follows at once.
net_saddrsel_changes() {
	ip addr add 198.18.0.1/32 dev lo
	ip addr add 198.18.2.1/24 dev lo
	"$JAIL" -q -c name=pts path="$ROOT" persist ip4.addr=198.18.0.1,198.18.2.1/24 ip6=disable
	assert_eq "$("$JEXEC" pts /bin/probe udp 198.18.2.9 7030)" 198.18.2.1 "the address whose prefix holds the destination"
	"$JAIL" -q -m name=pts ip4.nosaddrsel
	assert_eq "$("$JLS" -j pts ip4.saddrsel)" false "ip4.saddrsel after jail -m"
	assert_eq "$("$JEXEC" pts /bin/probe udp 198.18.2.9 7030)" 198.18.0.1 "the primary address with ip4.nosaddrsel"
	"$JAIL" -q -m name=pts ip4.saddrsel
	assert_eq "$("$JEXEC" pts /bin/probe udp 198.18.2.9 7030)" 198.18.2.1 "the prefix's address again"
	"$JAIL" -q -r pts
	assert_nothing_left
}
test_net_saddrsel_changes_on_a_running_jail() { in_netns net_saddrsel_changes; }

# A child with ip4=inherit follows its parent's addresses as they change, as
# on FreeBSD, where it has none of its own: it gains what the parent gains.
net_inherit_follows_parent() {
	shared_addrs
	"$JAIL" -q -c name=pti path="$ROOT" persist children.max=2 ip4.addr=198.18.0.1 ip6=disable
	"$JAIL" -q -c name=pti.ptk path="$ROOT" persist children.max=1 ip4=inherit ip6=inherit
	"$JAIL" -q -c name=pti.ptk.ptg path="$ROOT" persist ip4=inherit
	assert_eq "$("$JLS" -j pti.ptk ip4)" inherit "a child's ip4=inherit stays"
	assert_eq "$("$JLS" -j pti.ptk ip4.addr)" 198.18.0.1 "its ip4.addr, the parent's"
	assert_eq "$("$JEXEC" pti.ptk /bin/probe bind 198.18.0.9 7020)" EADDRNOTAVAIL "an address the parent lacks"
	assert_eq "$("$JEXEC" pti.ptk /bin/probe socket tcp6)" EAFNOSUPPORT "ip6=inherit under ip6=disable"
	"$JAIL" -q -m name=pti ip4.addr=198.18.0.1,198.18.0.9
	assert_eq "$("$JLS" -j pti.ptk ip4.addr)" 198.18.0.1,198.18.0.9 "the child's list after the parent gained one"
	assert_eq "$("$JEXEC" pti.ptk /bin/probe bind 198.18.0.9 7020)" 198.18.0.9 "the child binds the parent's new address"
	assert_eq "$("$JEXEC" pti.ptk.ptg /bin/probe bind 198.18.0.9 7021)" 198.18.0.9 "and so does the grandchild"
	# The parent's family given later reaches the child that inherits it.
	"$JAIL" -q -m name=pti ip6.addr=fd00::9
	assert_eq "$("$JEXEC" pti.ptk /bin/probe bind :: 7022)" fd00::9 "IPv6 in the child once the parent has it"
	"$JAIL" -q -m name=pti ip4.addr=198.18.0.9
	assert_eq "$("$JEXEC" pti.ptk /bin/probe bind 198.18.0.1 7020)" EADDRNOTAVAIL "the address the parent dropped"
	assert_eq "$("$JEXEC" pti.ptk.ptg /bin/probe bind 198.18.0.1 7021)" EADDRNOTAVAIL "also in the grandchild"
	assert_eq "$("$JLS" -j pti.ptk.ptg ip4)" inherit "the grandchild still inherits"
	"$JAIL" -q -r pti
	assert_nothing_left
}
test_net_inherit_child_follows_the_parent() { in_netns net_inherit_follows_parent; }

net_jls_and_interface() {
	ip link add ptbr0 type bridge
	ip link set ptbr0 up
	"$JAIL" -q -c name=pta path="$ROOT" persist interface=ptbr0 ip4.addr=198.18.3.1/24,198.18.3.2/24 ip6.addr=fd00:3::1/64
	assert_contains "$(ip -o addr show dev ptbr0)" "198.18.3.2/24" "address added to interface"
	assert_contains "$(ip -o addr show dev ptbr0)" "fd00:3::1/64" "IPv6 address added to interface"
	assert_eq "$("$JLS" -j pta ip4.addr)" "198.18.3.1/24,198.18.3.2/24" "jls ip4.addr"
	assert_eq "$("$JLS" | awk '$1 == '"$(jid_of pta)"' { print $2 }')" 198.18.3.1 "the IP Address column"
	assert_eq "$("$JLS" -v | grep -c '^        198.18.3\|^        fd00:3::1')" 3 "addresses in jls -v"
	assert_contains "$("$JLS" --libxo json -v)" '"ipv4_addrs": [ "198.18.3.1", "198.18.3.2" ]' "json"
	assert_contains "$("$JLS" --libxo json -v)" '"ipv6_addrs": [ "fd00:3::1" ]' "json IPv6"
	# jail -m moves the interface's addresses with the list: the new one added, the dropped one removed.
	"$JAIL" -q -m name=pta ip4.addr=198.18.3.2/24,198.18.3.3/24
	assert_contains "$(ip -o addr show dev ptbr0)" "198.18.3.3/24" "the new address on the interface"
	assert_not_contains "$(ip -o addr show dev ptbr0)" "198.18.3.1/" "the dropped address off the interface"
	# .1 was the subnet's primary: the kernel took .2 along when it went, and it is back.
	assert_contains "$(ip -o addr show dev ptbr0)" "198.18.3.2/24" "the kept address after its primary went"
	assert_eq "$("$JEXEC" pta /bin/probe bind 198.18.3.3 7301)" 198.18.3.3 "the jail binds the new address"
	assert_eq "$("$JEXEC" pta /bin/probe bind 198.18.3.1 7301)" EADDRNOTAVAIL "the dropped address"
	# One address of the new list taken already: nothing changes, the admin's address stays.
	ip addr add 198.18.3.9/24 dev ptbr0
	expect_error 'jail: pta: add address 198.18.3.9/24 on interface "ptbr0": File exists (kernel: ipv4: Address already assigned)' \
		"$JAIL" -m name=pta ip4.addr=198.18.3.4/24,198.18.3.9/24
	assert_eq "$(ip -o -4 addr show dev ptbr0 | awk '{ print $4 }' | sort | tr '\n' ' ')" \
		"198.18.3.2/24 198.18.3.3/24 198.18.3.9/24 " "the interface after a refused change"
	assert_eq "$("$JLS" -j pta ip4.addr)" "198.18.3.2/24,198.18.3.3/24" "jls after a refused change"
	"$JAIL" -q -r pta
	assert_not_contains "$(ip -o addr show dev ptbr0)" "198.18.3.2" "addresses after removal"
	assert_contains "$(ip -o addr show dev ptbr0)" "198.18.3.9/24" "the admin's address after removal"
	ip addr del 198.18.3.9/24 dev ptbr0
	# The old form takes both families in one list.
	ip addr add 198.18.0.5/32 dev lo
	ip -6 addr add fd00::5/128 dev lo nodad
	assert_eq "$("$JAIL" -q "$ROOT" oldhost 198.18.0.5,fd00::5 /bin/probe bind 0.0.0.0 7300)" 198.18.0.5 "old form, IPv4"
	assert_eq "$("$JAIL" -q "$ROOT" oldhost 198.18.0.5,fd00::5 /bin/probe bind :: 7300)" fd00::5 "old form, IPv6"
	ip link del ptbr0
}
test_net_interface_addresses_and_jls() { in_netns net_jls_and_interface; }

net_hostname() {
	"$JAIL" -q -h -c name=pthn path="$ROOT" persist host.hostname=localhost
	assert_contains "$("$JLS" -j pthn ip4.addr)" 127.0.0.1 "jail -h resolved host.hostname"
}
test_net_jail_h_resolves_the_hostname() { in_netns net_hostname; }

net_bad_input() {
	expect_error 'jail: ptbad: ip4.addr: "198.18.0.300" is not an IPv4 address' \
		"$JAIL" -c name=ptbad path="$ROOT" ip4.addr=198.18.0.300
	expect_error 'jail: ptbad: ip4.addr: addresses need ip4=new, not inherit' \
		"$JAIL" -c name=ptbad path="$ROOT" ip4=inherit ip4.addr=198.18.0.1
	expect_error 'jail: ptbad: vnet.bridge needs vnet' "$JAIL" -c name=ptbad path="$ROOT" vnet.bridge=ptbr9
	expect_error 'jail: ptbad: interface "ptnosuch0" does not exist' \
		"$JAIL" -c name=ptbad path="$ROOT" interface=ptnosuch0 ip4.addr=198.18.0.1
	expect_error 'jail: ptbad: vnet.interface: no interface "ptnosuch1" on the host' \
		"$JAIL" -c name=ptbad path="$ROOT" vnet vnet.interface=ptnosuch1
	jail_exists ptbad && fail "a jail with bad network parameters exists"
	assert_nothing_left
}
test_net_bad_parameters_create_nothing() { in_netns net_bad_input; }

# ---- vnet ----

# A bridge whose ports are all taken (1023, what a Linux bridge numbers):
# the jail is refused saying so, and leaves no veth behind.
net_vnet_bridge_full() {
	local i
	ip link add ptbrfull type bridge
	for i in $(seq 1 1023); do
		echo "link add ptf$i type veth peer name ptg$i"
		echo "link set ptf$i master ptbrfull"
	done >"$WORK/fill.batch"
	ip -batch "$WORK/fill.batch"
	rm -f "$WORK/fill.batch"
	expect_error 'jail: ptfull: vnet.bridge ptbrfull: its 1023 ports are all taken (a Linux bridge has no more): put further jails on another bridge' \
		"$JAIL" -c name=ptfull path="$ROOT" persist vnet vnet.bridge=ptbrfull ip4.addr=198.18.8.2/24
	jail_exists ptfull && fail "a jail on a full bridge exists"
	assert_eq "$(ip -o link show master ptbrfull | grep -vc ' ptf[0-9]*@')" 0 "ports of the full bridge that the test did not make"
	assert_eq "$(ip -o link show | grep -c ' pj[0-9]*a@')" 0 "host ends of jail veths left"
	# Another bridge takes the jail.
	"$JAIL" -q -c name=ptfull path="$ROOT" persist vnet vnet.bridge=ptbrmore ip4.addr=198.18.8.2/24
	"$JAIL" -q -r ptfull
	assert_nothing_left
}
test_net_vnet_full_bridge_is_refused_clearly() { in_netns net_vnet_bridge_full; }

# exec.fib in a vnet jail: a rule of the jail's own stack sends its lookups
# to table N first; the test's stack and a jail without exec.fib have none.
net_vnet_fib() {
	"$JAIL" -q -c name=ptfib path="$ROOT" persist vnet vnet.bridge=ptbr3 ip4.addr=198.18.7.2/24 \
		vnet.defaultrouter=198.18.7.1 exec.fib=5
	"$JAIL" -q -c name=ptfib0 path="$ROOT" persist vnet vnet.bridge=ptbr3 ip4.addr=198.18.7.3/24 \
		vnet.defaultrouter=198.18.7.1
	ip addr add 198.18.7.1/24 dev ptbr3
	assert_contains "$("$JEXEC" ptfib ip rule)" "lookup 5" "the rule in the jail's stack"
	assert_contains "$("$JEXEC" ptfib ip -6 rule)" "lookup 5" "the IPv6 rule in the jail's stack"
	assert_not_contains "$("$JEXEC" ptfib0 ip rule)" "lookup 5" "a rule without exec.fib"
	assert_not_contains "$(ip rule)" "lookup 5" "a rule on the stack the jails were made from"
	# Table 5 decides before main: its prohibit route refuses what main would send to the router.
	"$JEXEC" ptfib ip route add prohibit 198.18.9.0/24 table 5
	"$JEXEC" ptfib0 ip route add prohibit 198.18.9.0/24 table 5
	assert_eq "$("$JEXEC" ptfib /bin/probe udp 198.18.9.1 7020)" EACCES "the jail with exec.fib=5 uses table 5"
	assert_eq "$("$JEXEC" ptfib0 /bin/probe udp 198.18.9.1 7020)" 198.18.7.3 "the jail without it uses main"
	assert_eq "$("$JEXEC" ptfib /bin/probe udp 198.18.7.1 7020)" 198.18.7.2 "what table 5 lacks falls to main"
	expect_error 'jail: ptfib: exec.fib cannot be changed on a running jail' "$JAIL" -m name=ptfib exec.fib=6
	"$JAIL" -q -m name=ptfib exec.fib=5
	# A vnet jail's addresses and reserved ports are in its own stack, set when it was made.
	expect_error 'jail: ptfib: ip4.addr cannot be changed on a running vnet jail' \
		"$JAIL" -m name=ptfib ip4.addr=198.18.7.9/24
	expect_error 'jail: ptfib: allow.reserved_ports cannot be changed on a running jail' \
		"$JAIL" -m name=ptfib allow.reserved_ports=false
	assert_eq "$("$JLS" -j ptfib ip4.addr allow.reserved_ports)" "198.18.7.2/24 true" "the vnet jail unchanged"
	expect_error 'jail: ptbadfib: exec.fib: 254 is one of the kernel'"'"'s own tables (253 to 255)' \
		"$JAIL" -c name=ptbadfib path="$ROOT" persist vnet exec.fib=254
	! jail_exists ptbadfib || fail "a jail with a bad exec.fib exists"
}
test_net_vnet_exec_fib_is_a_table_of_its_own_stack() { in_netns net_vnet_fib; }

# The exec.fib rules of the host ID range that starts at $1, both families, one per line.
fib_rules_of() {
	{ ip rule; ip -6 rule; } | grep -F "uidrange $1-$(($1 + 65535)) " || true
}

# A veth end of the test's stack with 198.18.20.1/24 and fd00:20::1/64 (this
# kernel may have no dummy interfaces), its peer up beside it:
# 198.18.21.0/24 and fd00:21::/64 are routed only in table 5, 198.18.22.0/24
# in main and prohibited in table 5.
fib_world() {
	ip link add ptfib0 type veth peer name ptfib1
	ip link set ptfib1 up
	ip link set ptfib0 up
	ip addr add 198.18.20.1/24 dev ptfib0
	ip -6 addr add fd00:20::1/64 dev ptfib0 nodad
	ip route add 198.18.21.0/24 dev ptfib0 table 5
	ip -6 route add fd00:21::/64 dev ptfib0 table 5
	ip route add 198.18.22.0/24 dev ptfib0
	ip route add prohibit 198.18.22.0/24 table 5
}

# exec.fib on the shared stack: a rule of the test's stack sends the lookups
# of the sockets of the jail's host uids to table 5 first; host processes and
# a jail without exec.fib use main; the rules go with the jail.
net_shared_fib() {
	fib_world
	"$JAIL" -q -c name=ptfib path="$ROOT" persist ip4=inherit ip6=inherit exec.fib=5
	"$JAIL" -q -c name=ptfib0 path="$ROOT" persist ip4=inherit ip6=inherit
	base=$(uid_base_of "$(jid_of ptfib)")
	base0=$(uid_base_of "$(jid_of ptfib0)")
	assert_eq "$(fib_rules_of "$base" | sed 's/\t/ /')" \
		"1000: from all uidrange $base-$((base + 65535)) lookup 5
1000: from all uidrange $base-$((base + 65535)) lookup 5" "the jail's IPv4 and IPv6 rules"
	assert_eq "$(fib_rules_of "$base0")" "" "rules of a jail without exec.fib"
	assert_eq "$("$JEXEC" ptfib /bin/probe udp 198.18.21.1 7030)" 198.18.20.1 "the jail reaches what only table 5 has"
	assert_eq "$("$JEXEC" -U jdoe ptfib /bin/probe udp 198.18.21.1 7030)" 198.18.20.1 "so does a user of the jail"
	assert_eq "$("$JEXEC" ptfib /bin/probe udp fd00:21::1 7030)" fd00:20::1 "and over IPv6"
	assert_eq "$("$PROBE" udp 198.18.21.1 7030)" ENETUNREACH "a host process uses main"
	assert_eq "$("$PROBE" udp fd00:21::1 7030)" ENETUNREACH "a host process uses main for IPv6"
	assert_eq "$("$JEXEC" ptfib0 /bin/probe udp 198.18.21.1 7030)" ENETUNREACH "a jail without exec.fib uses main"
	# Table 5 decides before main; what it lacks falls through to main.
	assert_eq "$("$JEXEC" ptfib /bin/probe udp 198.18.22.1 7030)" EACCES "table 5's prohibit route"
	assert_eq "$("$PROBE" udp 198.18.22.1 7030)" 198.18.20.1 "main's route, outside"
	assert_eq "$("$JEXEC" ptfib /bin/probe udp 198.18.20.9 7030)" 198.18.20.1 "what table 5 lacks falls to main"
	expect_error 'jail: ptfib: exec.fib cannot be changed on a running jail' "$JAIL" -m name=ptfib exec.fib=6
	expect_error 'jail: ptfib0: exec.fib cannot be changed on a running jail' "$JAIL" -m name=ptfib0 exec.fib=5
	"$JAIL" -q -m name=ptfib exec.fib=5
	expect_error 'jail: ptbadfib: exec.fib: 253 is one of the kernel'"'"'s own tables (253 to 255)' \
		"$JAIL" -c name=ptbadfib path="$ROOT" persist exec.fib=253
	expect_error 'jail: ptbadfib: exec.fib: a jail in another'"'"'s network namespace uses its routing tables' \
		"$JAIL" -c name=ptbadfib path="$ROOT" persist ns.net=/proc/self/ns/net exec.fib=5
	"$JAIL" -q -r ptfib ptfib0
	assert_eq "$(fib_rules_of "$base")" "" "the rules after jail -r"
	assert_eq "$(ip rule | grep -c 'lookup 5' || true)" 0 "IPv4 rules to table 5 after jail -r"
	assert_eq "$(ip -6 rule | grep -c 'lookup 5' || true)" 0 "IPv6 rules to table 5 after jail -r"
	assert_nothing_left
}
test_net_shared_stack_exec_fib_routes_the_jail_uids_by_table() { in_netns net_shared_fib; }

# A jail ptfibk with exec.fib=5 whose jailinit was killed: its jid and uid base in jid and base.
fib_jail_killed() {
	local pid
	"$JAIL" -q -c name=ptfibk path="$ROOT" persist persist.idle=false ip4=inherit exec.fib=5
	jid=$(jid_of ptfibk)
	base=$(uid_base_of "$jid")
	pid=$(init_pid_of "$jid")
	kill -9 "$pid"
	wait_gone "$pid" "ptfibk's jailinit after kill -9"
}

# A creation that fails after the rules were made leaves none; rules left by
# a jail that went without jail -r are cleared by the next command, and
# rules that are not prison's are left alone.
net_shared_fib_leftovers() {
	fib_world
	# The bind mount's source is opened after the stack is set up (PH_INIT).
	expect_error "jail: ptfibbad: mount $ROOT/tmp: source /nonexistent/ptsrc: /nonexistent: No such file or directory" \
		"$JAIL" -c name=ptfibbad path="$ROOT" persist ip4=inherit exec.fib=5 \
		mount="/nonexistent/ptsrc $ROOT/tmp nullfs ro 0 0"
	jail_exists ptfibbad && fail "a jail whose creation failed exists"
	assert_eq "$(ip rule | grep -c 'lookup 5' || true)" 0 "IPv4 rules after a failed creation"
	assert_eq "$(ip -6 rule | grep -c 'lookup 5' || true)" 0 "IPv6 rules after a failed creation"
	# Not prison's: a uidrange outside its pool, and one at another priority.
	ip rule add pref 1000 uidrange 1000-1999 lookup 7
	ip rule add pref 1001 uidrange 1073741824-1073807359 lookup 7
	# The jailinit killed: the next command that finds the jail dead clears its rules.
	fib_jail_killed
	jail_exists ptfibk && fail "a jail whose jailinit was killed exists"
	assert_eq "$(fib_rules_of "$base")" "" "rules of a jail whose jailinit was killed"
	# Rules with no record at all: the full pass sweeps them.
	fib_jail_killed
	rm "$RUNDIR/jail/$jid.json"
	"$JLS" >/dev/null
	assert_eq "$(fib_rules_of "$base")" "" "rules of a jail with no record, after jls"
	assert_contains "$(ip rule)" "1000:	from all uidrange 1000-1999 lookup 7" "a rule of the host's at prison's priority"
	assert_contains "$(ip rule)" "1001:	from all uidrange 1073741824-1073807359 lookup 7" "a rule at another priority"
	# A leftover of a range is cleared when the range goes to a new jail, exec.fib or not.
	"$JAIL" -q -c name=ptfibn path="$ROOT" persist ip4=inherit
	base=$(uid_base_of "$(jid_of ptfibn)")
	"$JAIL" -q -r ptfibn
	ip rule add pref 1000 uidrange "$base-$((base + 65535))" lookup 9
	"$JAIL" -q -c name=ptfibn path="$ROOT" persist ip4=inherit idmap.base="$base"
	assert_eq "$(fib_rules_of "$base")" "" "a leftover of the range the new jail got"
	"$JAIL" -q -r ptfibn
	ip rule del pref 1000 uidrange 1000-1999 lookup 7
	ip rule del pref 1001 uidrange 1073741824-1073807359 lookup 7
	assert_nothing_left
}
test_net_shared_stack_exec_fib_leaves_no_rule() { in_netns net_shared_fib_leftovers; }


net_vnet_own_stack() {
	"$JAIL" -q -c name=ptv path="$ROOT" persist vnet vnet.bridge=ptbr1 ip4.addr=198.18.4.2/24 \
		ip6.addr=fd00:4::2/64 vnet.defaultrouter=198.18.4.1 allow.raw_sockets
	ip addr add 198.18.4.1/24 dev ptbr1
	ip -6 addr add fd00:4::1/64 dev ptbr1 nodad
	links=$("$JEXEC" ptv ip -o link | awk -F': ' '{ print $2 }' | sed 's/@.*//' | tr '\n' ' ')
	assert_eq "$links" "lo eth0 " "interfaces inside"
	assert_contains "$("$JEXEC" ptv ip -o addr show dev eth0)" 198.18.4.2/24 "address inside"
	assert_contains "$("$JEXEC" ptv ip route)" "default via 198.18.4.1" "default route inside"
	"$JEXEC" ptv ping -c1 -W2 198.18.4.1 >/dev/null || fail "ping from a vnet jail with allow.raw_sockets"
	# The jail's IPv6 address is usable once duplicate address detection is done.
	wait_until 10 "the vnet jail's IPv6 address" eval '! "$JEXEC" ptv ip -6 addr show dev eth0 | grep -q tentative'
	"$JEXEC" ptv ping -c1 -W2 fd00:4::1 >/dev/null || fail "IPv6 ping from a vnet jail"
	# Jail root administers its own stack, and nothing of the host's.
	"$JEXEC" ptv ip addr add 198.18.4.3/24 dev eth0
	assert_not_contains "$(ip -o addr)" 198.18.4.3 "an address added inside, seen outside"
	"$JEXEC" ptv sysctl -w net.ipv4.ip_forward=1 >/dev/null
	assert_eq "$(cat /proc/sys/net/ipv4/ip_forward)" 0 "forwarding of the host's namespace"
	"$JAIL" -q -c name=ptnoraw path="$ROOT" persist vnet vnet.bridge=ptbr1 ip4.addr=198.18.4.4/24
	"$JEXEC" ptnoraw ping -c1 -W1 198.18.4.1 >/dev/null 2>&1 && fail "ping without allow.raw_sockets"
	host_end=$(ip -o link | grep -c 'pj[0-9]*a@' || true)
	assert_eq "$host_end" 2 "host ends of the veth pairs"
	"$JAIL" -q -r ptv ptnoraw
	assert_eq "$(ip -o link | grep -c 'pj[0-9]*a' || true)" 0 "veth pairs after removal"
}
test_net_vnet_jail_has_its_own_stack() { in_netns net_vnet_own_stack; }

# The host end of a bridged veth is a bridge port: no IPv6 address of its own
# (nothing it would send: router solicitations, MLD, DAD) and one queue each way
# on both ends, while the jails' own stacks keep IPv6 and reach each other.
net_vnet_lean_bridge_port() {
	local h pid
	"$JAIL" -q -c name=ptla path="$ROOT" persist vnet vnet.bridge=ptbr5 ip4.addr=198.18.5.2/24 \
		ip6.addr=fd00:5::2/64 allow.raw_sockets
	"$JAIL" -q -c name=ptlb path="$ROOT" persist vnet vnet.bridge=ptbr5 ip4.addr=198.18.5.3/24 \
		ip6.addr=fd00:5::3/64 allow.raw_sockets
	h=pj$(jid_of ptla)a
	# Once the jail's end is past duplicate address detection, the host end would have its own.
	wait_until 10 "the vnet jail's link-local address" eval \
		'"$JEXEC" ptla ip -6 addr show dev eth0 scope link | grep -q "inet6 fe80" &&
		! "$JEXEC" ptla ip -6 addr show dev eth0 | grep -q tentative'
	assert_eq "$(ip -6 -o addr show dev "$h")" "" "IPv6 addresses of the host end"
	assert_contains "$(ip -d link show dev "$h")" "addrgenmode none" "address generation of the host end"
	assert_contains "$(ip -d link show dev "$h")" "numtxqueues 1 numrxqueues 1" "queues of the host end"
	assert_contains "$(ip link show dev "$h")" "qdisc noqueue" "qdisc of the host end"
	assert_contains "$(ip -o link show dev "$h")" "master ptbr5" "bridge of the host end"
	# The jail's end, seen with the host's ip from inside its namespace.
	"$JEXEC" ptla sleep 30 &
	pid=$(wait_for_process_in "$(cgroup_of ptla)" sleep)
	assert_contains "$(nsenter -t "$pid" -n ip -d link show dev eth0)" "numtxqueues 1 numrxqueues 1" \
		"queues of the jail's end"
	assert_contains "$(nsenter -t "$pid" -n ip link show dev eth0)" "qdisc noqueue" "qdisc of the jail's end"
	assert_not_contains "$(nsenter -t "$pid" -n ip -d link show dev eth0)" "addrgenmode none" \
		"address generation of the jail's end"
	kill "$pid"
	wait
	assert_contains "$("$JEXEC" ptla ip -o addr show dev eth0)" 198.18.5.2/24 "address inside"
	wait_until 10 "the second jail's IPv6 address" eval '! "$JEXEC" ptlb ip -6 addr show dev eth0 | grep -q tentative'
	wait_until 10 "the first jail's IPv6 address" eval '! "$JEXEC" ptla ip -6 addr show dev eth0 | grep -q tentative'
	"$JEXEC" ptla ping -c1 -W2 198.18.5.3 >/dev/null || fail "ping between two vnet jails on a bridge"
	"$JEXEC" ptla ping -c1 -W2 fd00:5::3 >/dev/null || fail "IPv6 ping between two vnet jails on a bridge"
	"$JAIL" -q -r ptla ptlb
	assert_eq "$(ip -o link | grep -c 'pj[0-9]*a' || true)" 0 "veth pairs after removal"
}
test_net_vnet_lean_bridge_port() { in_netns net_vnet_lean_bridge_port; }

net_vnet_interface() {
	ip link add ptx0 type veth peer name ptx1
	"$JAIL" -q -c name=ptmv path="$ROOT" persist vnet vnet.interface=ptx0
	assert_contains "$("$JEXEC" ptmv ip -o link)" "ptx0" "interface moved in"
	assert_not_contains "$(ip -o link)" "ptx0@" "interface gone from the host"
	"$JAIL" -q -r ptmv
	assert_contains "$(ip -o link)" "ptx0" "interface back on the host"
	ip link del ptx0
}
test_net_vnet_interface_moves_in_and_back() { in_netns net_vnet_interface; }

# HOST:INSIDE: renamed in the jail, back under the host name; a name the jail has refuses and hands it back.
net_vnet_interface_renamed() {
	ip link add ptx0 type veth peer name ptx1
	"$JAIL" -q -c name=ptmv path="$ROOT" persist vnet vnet.interface=ptx0:ptin0
	assert_contains "$("$JEXEC" ptmv ip -o link)" "ptin0@" "interface moved in under its new name"
	assert_not_contains "$("$JEXEC" ptmv ip -o link)" "ptx0" "its host name in the jail"
	"$JAIL" -q -r ptmv
	assert_contains "$(ip -o link)" "ptx0@" "interface back on the host under its host name"
	expect_error 'jail: ptmv: vnet.interface: "ptx0": the jail has an interface "lo" already' \
		"$JAIL" -c name=ptmv path="$ROOT" persist vnet vnet.interface=ptx0:lo
	expect_error 'jail: ptmv: vnet.interface: interface name "a/b": contains '"'/'" \
		"$JAIL" -c name=ptmv path="$ROOT" persist vnet vnet.interface=ptx0:a/b
	! jail_exists ptmv || fail "a jail with a refused vnet.interface exists"
	assert_contains "$(ip -o link)" "ptx0@" "interface back after the refusals"
	assert_nothing_left
	ip link del ptx0
}
test_net_vnet_interface_renamed_inside() { in_netns net_vnet_interface_renamed; }

# A jailinit on its way out has left its namespaces before it is a zombie:
# PID 1 of a PID namespace waits there, in the kernel, until every process
# of the namespace has been reaped.  jail -r then hands the interface back
# all the same, from the jail's pin.  A zombie in the jail's PID namespace
# whose parent is on the host (and does not reap it) holds jailinit in that
# state for as long as the test needs.
net_vnet_interface_back_from_a_leaving_jailinit() {
	local init bg
	ip link add ptx0 type veth peer name ptx1
	"$JAIL" -q -c name=ptzb path="$ROOT" persist vnet vnet.interface=ptx0
	"$JEXEC" ptzb sleep 1 &
	bg=$!
	wait_until 10 "jail ptzb awake" eval '! idle_now ptzb'
	init=$(init_pid_of "$(jid_of ptzb)")
	python3 - "$init" "$JAIL" <<'PY' || fail "jail -r while jailinit leaves"
import ctypes, os, signal, subprocess, sys, time
init, jail = sys.argv[1], sys.argv[2]
libc = ctypes.CDLL(None, use_errno=True)
r, w = os.pipe()
helper = os.fork()
if helper == 0:
    # Into the jail's PID namespace: the next child is born there, with its parent here.
    fd = os.open("/proc/%s/ns/pid" % init, os.O_RDONLY)
    if libc.setns(fd, 0x20000000) != 0:
        os._exit(2)
    if os.fork() == 0:
        os._exit(0)
    os.write(w, b"z")
    signal.pause()
    os._exit(0)
if os.read(r, 1) != b"z":
    sys.exit("no zombie in the jail's PID namespace")
def leaving():
    try:
        with open("/proc/%s/stat" % init) as f:
            state = f.read().rsplit(")", 1)[1].split()[0]
        os.close(os.open("/proc/%s/ns/net" % init, os.O_RDONLY))
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False
deadline = time.time() + 10
while not leaving():
    if time.time() > deadline:
        sys.exit("jailinit did not leave")
    time.sleep(0.02)
rc = subprocess.run([jail, "-q", "-r", "ptzb"]).returncode
os.kill(helper, signal.SIGKILL)
os.waitpid(helper, 0)
sys.exit(rc)
PY
	wait "$bg" || true
	assert_contains "$(ip -o link)" "ptx0@" "interface back on the host"
	assert_nothing_left
	ip link del ptx0
}
test_net_vnet_interface_back_from_a_leaving_jailinit() { in_netns net_vnet_interface_back_from_a_leaving_jailinit; }

net_vnet_firewall() {
	# path=/ for the host's nft; the firewall is the jail's own all the same.
	# mount.hosttmp: the probe is run from the build tree, which may lie
	# below the host's /tmp or /var/tmp (a CI checkout, say).
	"$JAIL" -q -c name=ptfw path=/ persist mount.hosttmp vnet vnet.bridge=ptbr2 ip4.addr=198.18.6.2/24
	"$JAIL" -q -c name=ptfw2 path=/ persist mount.hosttmp vnet vnet.bridge=ptbr2 ip4.addr=198.18.6.3/24
	ip addr add 198.18.6.1/24 dev ptbr2
	"$JEXEC" ptfw nft add table inet f
	"$JEXEC" ptfw nft add chain inet f in '{ type filter hook input priority 0; policy accept; }'
	"$JEXEC" ptfw nft add rule inet f in tcp dport 7100 drop
	for j in ptfw ptfw2; do
		for port in 7100 7101; do
			"$JEXEC" "$j" "$PROBE" serve 0.0.0.0 "$port" >/dev/null 2>&1 &
		done
	done
	for j in ptfw ptfw2; do
		wait_listening -j "$j" 7100
		wait_listening -j "$j" 7101
	done
	assert_eq "$(timeout 3 "$PROBE" connect 198.18.6.2 7100 || echo blocked)" blocked "the blocked port"
	assert_eq "$("$PROBE" connect 198.18.6.2 7101)" 198.18.6.1 "another port of the same jail"
	assert_eq "$("$PROBE" connect 198.18.6.3 7100)" 198.18.6.1 "the same port of another jail"
	assert_eq "$(nft list ruleset)" "" "the host's ruleset"
	"$JAIL" -q -r ptfw ptfw2
}
test_net_vnet_firewall_is_the_jail_own() { in_netns net_vnet_firewall; }

net_topology() {
	# A - R - B: two bridges, R routing between them over two interfaces moved in.
	ip link add ptbra type bridge && ip link set ptbra up
	ip link add ptbrb type bridge && ip link set ptbrb up
	cat >"$WORK/topo.conf" <<CONF
path = "$ROOT";
persist;
vnet;
allow.raw_sockets;
pta { vnet.bridge = ptbra; ip4.addr = 198.18.1.2/24; ip6.addr = fd00:1::2/64;
	vnet.defaultrouter = 198.18.1.1; vnet.defaultrouter6 = fd00:1::1; }
ptb { vnet.bridge = ptbrb; ip4.addr = 198.18.2.2/24; ip6.addr = fd00:2::2/64;
	vnet.defaultrouter = 198.18.2.1; vnet.defaultrouter6 = fd00:2::1; }
ptr {
	# FreeBSD's way: the pairs made by exec.prestart, one end moved in.
	exec.prestart = "ip link add pra type veth peer name prah && ip link set prah master ptbra up";
	exec.prestart += "ip link add prb type veth peer name prbh && ip link set prbh master ptbrb up";
	exec.poststop = "ip link del pra && ip link del prb";
	vnet.interface = pra, prb;
	exec.start = "sysctl -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1 net.ipv6.conf.pra.accept_dad=0 net.ipv6.conf.prb.accept_dad=0";
	exec.start += "ip link set pra up && ip link set prb up";
	exec.start += "ip addr add 198.18.1.1/24 dev pra && ip addr add 198.18.2.1/24 dev prb";
	exec.start += "ip -6 addr add fd00:1::1/64 dev pra && ip -6 addr add fd00:2::1/64 dev prb";
}
CONF
	"$JAIL" -q -f "$WORK/topo.conf" -c pta ptb ptr
	"$JEXEC" pta ping -c1 -W2 198.18.2.2 >/dev/null || fail "IPv4 ping from A to B through R"
	"$JEXEC" pta ping -c1 -W2 fd00:2::2 >/dev/null || fail "IPv6 ping from A to B through R"
	"$JEXEC" ptb /bin/probe serve 0.0.0.0 7200 >"$WORK/topo4" &
	s=$!
	wait_listening -j ptb 7200
	"$JEXEC" pta /bin/probe connect 198.18.2.2 7200 >/dev/null
	wait $s
	assert_eq "$(cat "$WORK/topo4")" 198.18.1.2 "TCP from A seen at B"
	"$JEXEC" ptb /bin/probe serve :: 7201 >"$WORK/topo6" &
	s=$!
	wait_listening -j ptb 7201
	"$JEXEC" pta /bin/probe connect fd00:2::2 7201 >/dev/null
	wait $s
	assert_eq "$(cat "$WORK/topo6")" fd00:1::2 "TCP over IPv6 from A seen at B"
	"$JAIL" -q -f "$WORK/topo.conf" -r pta ptb ptr
	# R's interfaces came back before its stack went, so exec.poststop could delete them.
	assert_not_contains "$(ip -o link)" "pra" "R's pair after exec.poststop"
	assert_eq "$(ip -o link | grep -c 'pj[0-9]*a' || true)" 0 "veth pairs of A and B after removal"
	ip link del ptbra; ip link del ptbrb
}
test_net_topology_a_router_b() { in_netns net_topology; }
