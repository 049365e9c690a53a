# Class "kernel": kernel objects no namespace covers.  Each attempt is made
# as jail root from inside a real jail; the probe on the host shows the
# call itself works there, so a refusal inside is the jail's doing.

test_escape_kernel_io_uring() {
	# The host's answers: a ring is made, a bad descriptor is EBADF/EINVAL.
	assert_eq "$("$PROBE" io_uring_setup)" ok "io_uring_setup on the host"
	assert_eq "$("$PROBE" io_uring_enter)" EBADF "io_uring_enter on the host"
	"$JAIL" -q -c name=ptesciou path="$ROOT" persist
	for op in io_uring_setup io_uring_enter io_uring_register; do
		assert_eq "$("$JEXEC" ptesciou /bin/probe $op)" EPERM "$op from jail root"
	done
	"$JAIL" -q -r ptesciou
}

test_escape_kernel_personality() {
	"$JAIL" -q -c name=ptescper path="$ROOT" persist
	# READ_IMPLIES_EXEC, MMAP_PAGE_ZERO, ADDR_NO_RANDOMIZE, PER_SVR4, and
	# every flag but bit 3 (no query), all on the host's ok.
	for v in 0x0400000 0x0100000 0x0040000 0x4100001 0xfffffff7 0xfffdffff 0x7fffffff 0x1 0x20009; do
		assert_eq "$("$PROBE" personality $v)" ok "personality $v on the host"
		assert_eq "$("$JEXEC" ptescper /bin/probe personality $v)" EPERM "personality $v from jail root"
	done
	for v in 0 0x8 0x20000 0x20008 0xffffffff; do
		assert_eq "$("$JEXEC" ptescper /bin/probe personality $v)" ok "personality $v (allowed) in a jail"
	done
	"$JAIL" -q -r ptescper
}

test_escape_kernel_quotactl_fd() {
	assert_eq "$("$PROBE" quotactl_fd)" EBADF "quotactl_fd on the host"
	"$JAIL" -q -c name=ptescq path="$ROOT" persist
	"$JAIL" -q -c name=ptescq2 path="$ROOT" persist allow.quotas
	assert_eq "$("$JEXEC" ptescq /bin/probe quotactl_fd)" EPERM "quotactl_fd from jail root"
	assert_eq "$("$JEXEC" ptescq2 /bin/probe quotactl_fd)" EBADF "quotactl_fd with allow.quotas"
	"$JAIL" -q -r ptescq
	"$JAIL" -q -r ptescq2
}

# ---- socket families (allow.socket_af) ----

# Every family and netlink protocol here opens on the host: see families_on_host.
families_on_host() {
	for f in unix inet vsock vsock-hi xdp packet netlink-route netlink-diag netlink-netfilter \
		netlink-xfrm netlink-generic netlink-audit netlink-uevent netlink-connector; do
		assert_eq "$("$PROBE" family $f)" ok "family $f on the host"
	done
}

escape_families_shared() {
	families_on_host
	"$JAIL" -q -c name=ptescaf path="$ROOT" persist ip4=inherit
	j() { "$JEXEC" ptescaf /bin/probe "$@"; }
	assert_eq "$(j family unix)" ok "AF_UNIX in a jail"
	assert_eq "$(j family inet)" ok "AF_INET in a jail with ip4=inherit"
	assert_eq "$(j family netlink-route)" ok "NETLINK_ROUTE (FreeBSD's PF_ROUTE) in a jail"
	assert_eq "$(j family vsock)" EAFNOSUPPORT "AF_VSOCK from jail root"
	assert_eq "$(j family vsock-hi)" EAFNOSUPPORT "AF_VSOCK with the upper half of the register set"
	assert_eq "$(j family xdp)" EAFNOSUPPORT "AF_XDP without allow.socket_af"
	assert_eq "$(j family packet)" EPERM "AF_PACKET on the shared stack"
	# The host's sockets, firewall, devices, audit, uevents and process events.
	for f in netlink-diag netlink-netfilter netlink-xfrm netlink-generic netlink-audit netlink-uevent \
		netlink-connector; do
		assert_eq "$(j family $f)" EPROTONOSUPPORT "$f on the shared stack"
	done
	# The 32-bit entry points: the direct call is filtered alike; socketcall(2)
	# hides its arguments from the filter and is refused whatever the family.
	assert_eq "$(j family32 vsock)" "EAFNOSUPPORT EAFNOSUPPORT" "32-bit AF_VSOCK"
	assert_eq "$(j family32 netlink-diag)" "EPROTONOSUPPORT EAFNOSUPPORT" "32-bit NETLINK_SOCK_DIAG"
	assert_eq "$(j family32 unix)" "ok EAFNOSUPPORT" "32-bit AF_UNIX"
	"$JAIL" -q -r ptescaf
}
test_escape_kernel_socket_families_shared_stack() { in_netns escape_families_shared; }

escape_families_socket_af() {
	"$JAIL" -q -c name=ptescaf path="$ROOT" persist allow.socket_af
	# The family reaches the kernel, which wants CAP_NET_RAW over the host's stack.
	assert_eq "$("$JEXEC" ptescaf /bin/probe family xdp)" EPERM "AF_XDP with allow.socket_af"
	assert_eq "$("$JEXEC" ptescaf /bin/probe family vsock)" EAFNOSUPPORT "AF_VSOCK even with allow.socket_af"
	assert_eq "$("$JEXEC" ptescaf /bin/probe family netlink-diag)" EPROTONOSUPPORT \
		"NETLINK_SOCK_DIAG on the shared stack even with allow.socket_af"
	"$JAIL" -q -r ptescaf
}
test_escape_kernel_socket_af_opens_the_rest() { in_netns escape_families_socket_af; }

escape_families_vnet() {
	"$JAIL" -q -c name=ptescv path="$ROOT" persist vnet
	"$JAIL" -q -c name=ptescvr path="$ROOT" persist vnet allow.raw_sockets allow.socket_af
	# A stack of its own: the protocols that administer and show it.
	for f in netlink-route netlink-diag netlink-netfilter netlink-xfrm netlink-generic; do
		assert_eq "$("$JEXEC" ptescv /bin/probe family $f)" ok "$f in a vnet jail"
	done
	for f in netlink-audit netlink-uevent netlink-connector; do
		assert_eq "$("$JEXEC" ptescv /bin/probe family $f)" EPROTONOSUPPORT "$f in a vnet jail"
	done
	assert_eq "$("$JEXEC" ptescv /bin/probe family packet)" EPERM "AF_PACKET in a vnet jail without allow.raw_sockets"
	assert_eq "$("$JEXEC" ptescv /bin/probe family xdp)" EAFNOSUPPORT "AF_XDP in a vnet jail without allow.socket_af"
	assert_eq "$("$JEXEC" ptescvr /bin/probe family packet)" ok "AF_PACKET in a vnet jail with allow.raw_sockets"
	assert_eq "$("$JEXEC" ptescvr /bin/probe family xdp)" ok "AF_XDP in a vnet jail with allow.socket_af"
	assert_eq "$("$JEXEC" ptescvr /bin/probe family vsock)" EAFNOSUPPORT "AF_VSOCK in any jail"
	"$JAIL" -q -r ptescv
	"$JAIL" -q -r ptescvr
}
test_escape_kernel_socket_families_vnet() { in_netns escape_families_vnet; }

# ---- abstract unix sockets (Landlock) and signals ----

# A host daemon on @NAME (stream) and @NAME-dg (datagram), in the test's namespace.
abstract_listener() {
	python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind("\0" + sys.argv[1]); s.listen(8)
d = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); d.bind("\0" + sys.argv[1] + "-dg")
time.sleep(60)' "$1" &
	LISTENER=$!
	wait_until 5 "abstract listener @$1" grep -q "@$1-dg" /proc/net/unix
}

escape_abstract_shared() {
	abstract_listener prison-test-xyz
	assert_eq "$("$PROBE" abstract prison-test-xyz)" ok "the host reaches its own abstract socket"
	assert_eq "$("$PROBE" abstract-dgram prison-test-xyz-dg)" ok "the host sends to its own abstract socket"
	"$JAIL" -q -c name=ptescab path="$ROOT" persist
	"$JAIL" -q -c name=ptescab2 path="$ROOT" persist allow.abstract_unix
	"$JAIL" -q -c name=ptescab3 path="$ROOT" persist vnet
	# Landlock's scope: the socket is outside the process's domain.
	assert_eq "$("$JEXEC" ptescab /bin/probe abstract prison-test-xyz)" EPERM "a host abstract socket from a jail"
	assert_eq "$("$JEXEC" ptescab /bin/probe abstract-dgram prison-test-xyz-dg)" EPERM \
		"a datagram to a host abstract socket from a jail"
	assert_eq "$("$JEXEC" -U jdoe ptescab /bin/probe abstract prison-test-xyz)" EPERM \
		"a host abstract socket from a jail user"
	# Its own abstract sockets, within one process tree, still work.
	assert_eq "$("$JEXEC" ptescab /bin/probe abstract-pair prison-jail-own)" ok "a jail's own abstract socket"
	assert_eq "$("$JEXEC" ptescab2 /bin/probe abstract prison-test-xyz)" ok "with allow.abstract_unix"
	# A vnet jail has an abstract namespace of its own, where the name is free.
	assert_eq "$("$JEXEC" ptescab3 /bin/probe abstract prison-test-xyz)" ECONNREFUSED "from a vnet jail"
	kill "$LISTENER"
	wait "$LISTENER" 2>/dev/null || true
	"$JAIL" -q -r ptescab
	"$JAIL" -q -r ptescab2
	"$JAIL" -q -r ptescab3
}
test_escape_kernel_host_abstract_unix_socket() { in_netns escape_abstract_shared; }

# No Landlock signal scope (jail(8) says why): the PID namespace keeps every
# host process out of reach, and jail root still signals all of its jail.
test_escape_kernel_signal_host_process() {
	sleep 60 &
	host=$!
	"$JAIL" -q -c name=ptescsig path="$ROOT" persist exec.start="/bin/sleep 60 &"
	assert_eq "$("$JEXEC" ptescsig /bin/probe kill "$host")" ESRCH "signal a host process by its pid"
	# exec.start's shell may not have exec'd the service yet when jail -c returns.
	wait_until 5 "the exec.start service in the jail" eval '[ -n "$("$JEXEC" ptescsig /bin/pidof sleep)" ]'
	svc=$("$JEXEC" ptescsig /bin/pidof sleep)
	assert_eq "$("$JEXEC" ptescsig /bin/probe kill "$svc")" ok "jexec root signals the jail's service"
	kill "$host"
	"$JAIL" -q -r ptescsig
}
