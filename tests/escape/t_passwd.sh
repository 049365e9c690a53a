# Class "path": the jail's user database is the jail root's to make.  jexec
# -U and exec.jail_user read it inside the jail: a FIFO, a device or an
# endless file there must not hang nor exhaust them, and the error says why.

# A jail whose /etc is a tmpfs of its own, for jail root to fill.
own_etc_jail() {
	"$JAIL" -q -c name="$1" path="$ROOT" persist mount="tmpfs $ROOT/etc tmpfs rw,size=1m 0 0"
	"$JEXEC" "$1" /bin/sh -c 'printf "root:x:0:0::/root:/bin/sh\njdoe:x:1001:1001::/:/bin/sh\n" >/etc/passwd
		printf "root:x:0:\njdoe:x:1001:\n" >/etc/group'
}

test_escape_path_fifo_as_the_jails_passwd() {
	own_etc_jail ptescpw
	"$JEXEC" ptescpw /bin/sh -c 'rm /etc/passwd && mkfifo /etc/passwd'
	start=$(date +%s)
	expect_error "jexec: ptescpw: the jail's /etc/passwd is not a regular file" timeout 20 "$JEXEC" -U jdoe ptescpw /bin/true
	[ $(($(date +%s) - start)) -lt 5 ] || fail "jexec -U waited on the FIFO"
	# exec.jail_user for command=, from a tree whose passwd jail root made a FIFO earlier.
	mkdir -m 0755 "$WORK/ptescetc"
	mkfifo "$WORK/ptescetc/passwd"
	expect_error "jail: ptescpw2: the jail's /etc/passwd is not a regular file" \
		timeout 20 "$JAIL" -q -c name=ptescpw2 path="$ROOT" mount="$WORK/ptescetc $ROOT/etc nullfs ro 0 0" \
		exec.jail_user=jdoe command=/bin/true
	rm -r "$WORK/ptescetc"
}

test_escape_path_endless_group_file() {
	own_etc_jail ptescgr
	# Sparse: a gigabyte to read, a page to store.
	"$JEXEC" ptescgr /bin/sh -c 'truncate -s 1G /etc/group'
	start=$(date +%s)
	expect_error "jexec: ptescgr: the jail's /etc/group is larger than 16 MiB" timeout 20 "$JEXEC" -U jdoe ptescgr /bin/true
	[ $(($(date +%s) - start)) -lt 5 ] || fail "jexec -U read the whole file"
	"$JEXEC" ptescgr /bin/sh -c 'rm /etc/group && mkfifo /etc/group'
	expect_error "jexec: ptescgr: the jail's /etc/group is not a regular file" timeout 20 "$JEXEC" -U jdoe ptescgr /bin/true
	# Root needs no entry: jexec as root still works.
	assert_eq "$("$JEXEC" ptescgr /bin/echo fine)" fine "jexec as root"
}
