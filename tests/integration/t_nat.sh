# NAT out and published ports (ip4.nat, ip6.nat, expose).  Every test runs in
# a network namespace of its own, the "host" (in_netns), with an uplink veth
# to an "outside" namespace the test makes; 198.18.0.0/15 and fd00::/8 only.
#
#   outside 198.18.1.2 fd00:1::2  --  198.18.1.1 .3  fd00:1::1 ::3  host
#   host: ptnat0 with the shared-stack jail's 198.19.0.2 fd00:9::2
#         bridge ptbr9 198.19.1.1 fd00:a::1, the vnet jail 198.19.1.2 fd00:a::2
# The outside has no route to 198.19.0.0/16 or fd00:9::/32: only NAT reaches it.

OUT=
out() { nsenter -t "$OUT" -n "$@"; }

# nft's name of this context's table: its cgroup name.
nat_table() {
	echo "$CGPREFIX" | tr -c 'A-Za-z0-9_\n-' _
}

nat_world() {
	unshare -n sleep 600 &
	OUT=$!
	wait_until 5 "the outside namespace" eval '[ "$(readlink /proc/'"$OUT"'/ns/net)" != "$(readlink /proc/self/ns/net)" ]'
	trap 'remove_test_jails; kill $OUT' EXIT
	ip link add ptup0 type veth peer name ptout0 netns "$OUT"
	ip addr add 198.18.1.1/24 dev ptup0
	ip addr add 198.18.1.3/24 dev ptup0
	ip -6 addr add fd00:1::1/64 dev ptup0 nodad
	ip -6 addr add fd00:1::3/64 dev ptup0 nodad
	ip link set ptup0 up
	out ip link set lo up
	out ip addr add 198.18.1.2/24 dev ptout0
	out ip -6 addr add fd00:1::2/64 dev ptout0 nodad
	out ip link set ptout0 up
	sysctl -q -w net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	# An interface of the jails' own for their private addresses, as bastille's
	# bastille0 (a cloned loopback); this kernel may lack dummy, so a veth pair.
	ip link add ptnat0 type veth peer name ptnat1
	ip link set ptnat0 up
	ip link set ptnat1 up
	ip link add ptbr9 type bridge
	ip link set ptbr9 up
	ip addr add 198.19.1.1/24 dev ptbr9
	ip -6 addr add fd00:a::1/64 dev ptbr9 nodad
	# The host's own firewall, which prison must leave as it is and work beside.
	nft add table inet hostfw
	nft add chain inet hostfw in '{ type filter hook input priority 0; policy accept; }'
	nft add rule inet hostfw in tcp dport 9999 drop
	HOSTFW=$(nft list table inet hostfw)
}

# The shared-stack jail ptsh and the vnet jail ptvn, both with private
# addresses, NAT out and the ports given ($1 for ptsh, $2 for ptvn).
# nat_jails PORTS PORTS [PARAM...]: ptsh and ptvn, with PARAMs added to both.
nat_jails() {
	"$JAIL" -q -c name=ptsh path="$ROOT" persist ip4.addr="ptnat0|198.19.0.2/32" ip6.addr="ptnat0|fd00:9::2/128" \
		ip4.nat=auto ip6.nat=ptup0 expose="$1" "${@:3}"
	"$JAIL" -q -c name=ptvn path="$ROOT" persist "${@:3}" vnet vnet.bridge=ptbr9 ip4.addr=198.19.1.2/24 \
		ip6.addr=fd00:a::2/64 vnet.defaultrouter=198.19.1.1 vnet.defaultrouter6=fd00:a::1 \
		ip4.nat=ptup0 ip6.nat=auto expose="$2"
	wait_until 10 "the vnet jail's IPv6 address" eval '! "$JEXEC" ptvn ip -6 addr show dev eth0 | grep -q tentative'
}

# serve JAIL ADDR PORT FILE: one connection to a server in JAIL, its peer in FILE.
serve_in() {
	local j=$1
	"$JEXEC" "$j" /bin/probe serve "$2" "$3" >"$4" &
	if [ "$j" = ptvn ]; then wait_listening -j ptvn "$3"; else wait_listening "$3"; fi
}

# reach WHO ADDR PORT JAIL JADDR PORT: WHO (out or host) connects to ADDR:PORT;
# the jail's server on its JPORT sees peer SEEN.
reach() {
	local who=$1 addr=$2 port=$3 j=$4 jport=$5 seen=$6 cmd=()
	[ "$who" = out ] && cmd=(out)
	case "$addr" in *:*) serve_in "$j" :: "$jport" "$WORK/peer" ;; *) serve_in "$j" 0.0.0.0 "$jport" "$WORK/peer" ;; esac
	s=$!
	"${cmd[@]}" "$PROBE" connect "$addr" "$port" >/dev/null || { kill $s; fail "$who to $addr:$port ($j)"; }
	wait $s
	assert_eq "$(cat "$WORK/peer")" "$seen" "peer seen by $j's server from $who to $addr:$port"
}

# out_sees JAIL ADDR: a server outside on ADDR sees the jail come from the host's uplink address.
out_sees() {
	local j=$1 addr=$2 want=$3
	out "$PROBE" serve "$addr" 9000 >"$WORK/outpeer" &
	s=$!
	wait_until 10 "the outside server" listening 9000 1 nsenter -t "$OUT" -n
	"$JEXEC" "$j" /bin/probe connect "$addr" 9000 >/dev/null || { kill $s; fail "$j to $addr outside"; }
	wait $s
	# Either address of the host's uplink, never the jail's own.
	case " $want " in *" $(cat "$WORK/outpeer") "*) ;; *) fail "source of $j seen outside: $(cat "$WORK/outpeer"), not one of $want" ;; esac
}

nat_out() {
	nat_world
	nat_jails "" ""
	out_sees ptsh 198.18.1.2 198.18.1.1
	out_sees ptvn 198.18.1.2 198.18.1.1
	out_sees ptsh fd00:1::2 "fd00:1::1 fd00:1::3"
	out_sees ptvn fd00:1::2 "fd00:1::1 fd00:1::3"
	assert_eq "$(nft list table inet hostfw)" "$HOSTFW" "the host's own table"
	"$JAIL" -q -r ptsh ptvn
	assert_eq "$(nft list tables)" "table inet hostfw" "tables after removal"
}
test_nat_jails_with_private_addresses_reach_out() { in_netns nat_out; }

nat_published() {
	nat_world
	nat_jails tcp:8080:8000,tcp:198.18.1.3:8081:8001 "tcp:8080-8081:8000-8001"
	# ptsh on the host's addresses, ptvn the same ports: on 198.18.1.3 ptsh's 8081 comes first.
	"$JAIL" -q -m name=ptvn expose=tcp:8090:8000
	reach out 198.18.1.1 8080 ptsh 8000 198.18.1.2
	reach out fd00:1::1 8080 ptsh 8000 fd00:1::2
	reach out 198.18.1.1 8090 ptvn 8000 198.18.1.2
	reach out fd00:1::3 8090 ptvn 8000 fd00:1::2
	# The host itself, through its own address and through localhost.
	reach host 198.18.1.1 8080 ptsh 8000 198.18.1.1
	reach host 127.0.0.1 8080 ptsh 8000 127.0.0.1
	reach host ::1 8080 ptsh 8000 ::1
	reach host 198.18.1.3 8090 ptvn 8000 198.18.1.1
	reach host 127.0.0.1 8090 ptvn 8000 198.19.1.1
	# A port bound to one host address is not published on another.
	reach out 198.18.1.3 8081 ptsh 8001 198.18.1.2
	assert_eq "$(out "$PROBE" connect 198.18.1.1 8081)" ECONNREFUSED "8081 on the other address"
	assert_eq "$(out "$PROBE" connect fd00:1::1 8081)" ECONNREFUSED "8081 over IPv6"
	assert_eq "$(nft list table inet hostfw)" "$HOSTFW" "the host's own table"
	assert_eq "$(timeout 3 "$PROBE" connect 198.18.1.1 9999 || echo blocked)" blocked "the host's own rule"
}
test_nat_published_ports_reach_the_jails() { in_netns nat_published; }

nat_modify() {
	nat_world
	nat_jails tcp:8080:8000 ""
	assert_eq "$(out "$PROBE" connect 198.18.1.1 8082)" ECONNREFUSED "8082 before jail -m"
	"$JAIL" -q -m name=ptsh expose=tcp:8080:8000,udp:5353-5360:5353-5360,tcp:8082:8002
	assert_eq "$("$JLS" -j ptsh expose)" "tcp:8080:8000,udp:5353-5360:5353-5360,tcp:8082:8002" "jls expose"
	reach out 198.18.1.1 8082 ptsh 8002 198.18.1.2
	reach out 198.18.1.1 8080 ptsh 8000 198.18.1.2
	"$JAIL" -q -m name=ptsh expose=tcp:8080:8000
	assert_eq "$(out "$PROBE" connect 198.18.1.1 8082)" ECONNREFUSED "8082 after jail -m took it away"
	reach out 198.18.1.1 8080 ptsh 8000 198.18.1.2
	"$JAIL" -q -m name=ptvn expose=tcp:8085:8000
	reach out 198.18.1.1 8085 ptvn 8000 198.18.1.2
	"$JAIL" -q -m name=ptvn expose= ip4.nat= ip6.nat=
	assert_eq "$(out "$PROBE" connect 198.18.1.1 8085)" ECONNREFUSED "ptvn's port after it went"
	assert_not_contains "$(nft list table inet "$(nat_table)")" "jail$(jid_of ptvn)_" "ptvn's chains"
	expect_error 'jail: ptsh: expose: "tcp:80:81:82:83": expected tcp|udp:[address:]hostport[-end]:jailport[-end]' \
		"$JAIL" -m name=ptsh expose=tcp:80:81:82:83
	expect_error 'jail: ptbad: expose: "tcp:[fd00::1]:90:90": the jail has no IPv6 address' \
		"$JAIL" -c name=ptbad path="$ROOT" ip4.addr=198.19.0.7 expose="tcp:[fd00::1]:90:90"
	reach out 198.18.1.1 8080 ptsh 8000 198.18.1.2
}
test_nat_jail_m_adds_and_removes_published_ports() { in_netns nat_modify; }

nat_leftovers() {
	nat_world
	# Jails that keep their jailinit: its kill -9 is the crash (an idle-capable jail only goes idle).
	nat_jails tcp:8080:8000 tcp:8090:8000 persist.idle=false
	t=$(nat_table)
	assert_contains "$(nft list tables)" "table inet $t" "prison's table"
	assert_eq "$(cat /proc/sys/net/ipv4/conf/ptbr9/route_localnet)" 1 "route_localnet on the vnet jail's bridge, for 127.0.0.1"
	# kill -9 of both jails' jailinit: the next command clears their chains and the table.
	# kill -9 is asynchronous: the listing comes after both have ended.
	pids=$(for j in ptsh ptvn; do init_pid_of "$(jid_of $j)"; done)
	for p in $pids; do kill -9 "$p"; done
	for p in $pids; do wait_gone "$p" "jailinit $p after kill -9"; done
	"$JLS" >/dev/null
	assert_eq "$(nft list tables)" "table inet hostfw" "tables after kill -9 and jls"
	# Without the table's guard against loopback sources, route_localnet must be off again.
	assert_eq "$(cat /proc/sys/net/ipv4/conf/ptbr9/route_localnet)" 0 "route_localnet after the table went"
	assert_eq "$(nft list table inet hostfw)" "$HOSTFW" "the host's own table"
	assert_eq "$(out "$PROBE" connect 198.18.1.1 8080)" ECONNREFUSED "a published port of a dead jail"
	# A crash that left chains with no record at all: the next listing sweeps them.
	nat_jails tcp:8080:8000 tcp:8090:8000 persist.idle=false
	jid=$(jid_of ptsh)
	pid=$(init_pid_of "$jid")
	kill -9 "$pid"
	wait_gone "$pid" "ptsh's jailinit after kill -9"
	rm "$RUNDIR/jail/$jid.json"
	"$JLS" >/dev/null
	assert_not_contains "$(nft list table inet "$t")" "jail${jid}_" "ptsh's chains without its record"
	"$JAIL" -q -r ptvn
	assert_eq "$(nft list tables)" "table inet hostfw" "tables after the last jail"
	assert_eq "$(cat /proc/sys/net/ipv4/conf/ptbr9/route_localnet)" 0 "route_localnet after the last jail"
}
test_nat_nothing_left_after_removal_or_kill() { in_netns nat_leftovers; }

# The jail's MAC address on eth0, from inside.
mac_of() {
	"$JEXEC" "$1" ip link show eth0 | awk '$1 == "link/ether" { print $2 }'
}

# The SLAAC address of prefix fd00:b::/64 for MAC $1 (EUI-64).
eui64() {
	local IFS=: b
	read -r -a b <<<"$1"
	printf 'fd00:b::%x:%x:%x:%x\n' $(( (0x${b[0]} ^ 2) << 8 | 0x${b[1]} )) $(( 0x${b[2]} << 8 | 0xff )) \
		$(( 0xfe << 8 | 0x${b[3]} )) $(( 0x${b[4]} << 8 | 0x${b[5]} ))
}

dhcp_start() {
	"$JAIL" -q -c name=ptdh path="$WORK/droot" persist vnet vnet.bridge=ptbr8 allow.raw_sockets
	# The jail's own client: busybox udhcpc, the lease applied by its script.
	"$JEXEC" ptdh udhcpc -q -n -t 10 -T 1 -s /bin/dhcp.sh -i eth0 >"$WORK/udhcpc.out" 2>&1 ||
		fail "udhcpc in the jail: $(cat "$WORK/udhcpc.out")"
	lease=$(sed -n 's/.*lease of \([0-9.]*\) obtained.*/\1/p' "$WORK/udhcpc.out")
	assert_contains "$lease" 198.19.2. "the jail's lease"
	assert_contains "$("$JEXEC" ptdh ip -4 addr show dev eth0)" "$lease/24" "the lease on eth0"
	mac=$(mac_of ptdh)
	slaac=$(eui64 "$mac")
	wait_until 15 "SLAAC address $slaac in the jail" eval '"$JEXEC" ptdh ip -6 addr show dev eth0 | grep -q "$slaac/64"'
}

nat_dhcp_slaac() {
	ip link add ptbr8 type bridge
	ip link set ptbr8 up
	ip addr add 198.19.2.1/24 dev ptbr8
	ip -6 addr add fd00:b::1/64 dev ptbr8 nodad
	make_root "$WORK/droot"
	printf '#!/bin/sh\n[ "$1" = bound ] && ip addr add "$ip/$mask" dev "$interface"\nexit 0\n' >"$WORK/droot/bin/dhcp.sh"
	chmod 755 "$WORK/droot/bin/dhcp.sh"
	dnsmasq -k -u root --conf-file=/dev/null --port=0 --interface=ptbr8 --bind-interfaces \
		--dhcp-range=198.19.2.50,198.19.2.99,255.255.255.0,1h --dhcp-range=::,constructor:ptbr8,ra-only \
		--enable-ra --ra-param=ptbr8,3 --dhcp-leasefile="$WORK/leases" --pid-file= 2>"$WORK/dnsmasq.log" &
	dns=$!
	trap 'remove_test_jails; kill $dns' EXIT
	dhcp_start
	first_mac=$mac first_lease=$lease first_slaac=$slaac
	case "$mac" in ?[26ae]:*) ;; *) fail "MAC $mac: not locally administered and unicast" ;; esac
	"$JAIL" -q -r ptdh
	dhcp_start
	assert_eq "$mac" "$first_mac" "the MAC after a restart"
	assert_eq "$lease" "$first_lease" "the lease after a restart"
	assert_eq "$slaac" "$first_slaac" "the SLAAC address after a restart"
	"$JAIL" -q -r ptdh
}
test_nat_vnet_jail_gets_lease_slaac_and_keeps_its_mac() { in_netns nat_dhcp_slaac; }

nat_boot() {
	nat_world
	cat >"$WORK/natboot.conf" <<CONF
path = "$ROOT";
persist;
ptsh {
	ip4.addr = "ptnat0|198.19.0.2/32";
	ip4.nat = auto;
	expose = "tcp:8080:8000", "tcp:[fd00:1::1]:8083:8000";
	ip6.addr = "ptnat0|fd00:9::2/128";
}
CONF
	rc="$(dirname "$JAIL")/../libexec/prison/prison-rc"
	out=$(jail_enable=YES jail_conf="$WORK/natboot.conf" JAIL="$JAIL" sh "$rc" start)
	assert_eq "$out" "ptsh: created" "prison-rc start"
	assert_eq "$("$JLS" -j ptsh expose)" "tcp:8080:8000,tcp:[fd00:1::1]:8083:8000" "expose from jail.conf"
	reach out 198.18.1.1 8080 ptsh 8000 198.18.1.2
	reach out fd00:1::1 8083 ptsh 8000 fd00:1::2
	out_sees ptsh 198.18.1.2 198.18.1.1
	out=$(jail_enable=YES jail_conf="$WORK/natboot.conf" JAIL="$JAIL" sh "$rc" stop)
	assert_eq "$out" "ptsh: removed" "prison-rc stop"
	assert_eq "$(nft list tables)" "table inet hostfw" "tables after shutdown"
}
test_nat_jails_started_at_boot_bring_their_rules() { in_netns nat_boot; }
