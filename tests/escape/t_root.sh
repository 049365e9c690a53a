# Class "root": root in the jail is real root, held back only by a blocklist.
# Each attempt is one the kernel refuses to an unprivileged host uid; the
# reason is checked, so a broken test cannot pass by failing otherwise.

test_escape_root_core_pattern_and_sysrq() {
	"$JAIL" -q -c name=ptesc path="$ROOT" persist
	# /proc/sys belongs to the host's user namespace: read-only for jail root.
	out=$("$JEXEC" ptesc /bin/sh -c 'echo "|/tmp/x" > /proc/sys/kernel/core_pattern' 2>&1 || true)
	assert_contains "$out" "Read-only file system" "core_pattern from jail root"
	out=$("$JEXEC" ptesc /bin/sh -c 'echo b > /proc/sysrq-trigger' 2>&1 || true)
	case "$out" in
	*"Read-only file system"* | *"Permission denied"* | *"nonexistent directory"*) ;;
	*) fail "sysrq-trigger from jail root: '$out'" ;;
	esac
	"$JAIL" -q -r ptesc
}

test_escape_root_no_device_nodes() {
	"$JAIL" -q -c name=ptescm path="$ROOT" persist
	out=$("$JEXEC" ptescm /bin/sh -c 'mknod /tmp/sda b 8 0 2>&1; echo rc=$?' || true)
	assert_contains "$out" "rc=1" "mknod of a block device from jail root"
	assert_contains "$out" "Operation not permitted" "the reason mknod failed"
	[ ! -e "$ROOT/tmp/sda" ] || { rm -f "$ROOT/tmp/sda"; fail "jail root made a device node"; }
	"$JAIL" -q -r ptescm
}
