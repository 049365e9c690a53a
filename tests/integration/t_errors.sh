# Bad input: one clear line, a non-zero exit, and nothing left behind.

test_unknown_and_bad_parameters() {
	expect_error 'jail: pterr: unknown parameter: nosuch' "$JAIL" -c name=pterr path="$ROOT" nosuch=1
	expect_error 'jail: pterr: persist: unknown boolean value "perhaps"' "$JAIL" -c name=pterr path="$ROOT" persist=perhaps
	expect_error 'jail: pterr: enforce_statfs: invalid integer value "9" (expected 0 to 2)' \
		"$JAIL" -c name=pterr path="$ROOT" enforce_statfs=9
	expect_error 'jail: pterr: dying: parameter is read-only' "$JAIL" -c name=pterr path="$ROOT" dying
	expect_error 'jail: pterr: sysvmsg: unknown jailsys value "yes" (expected new, inherit or disable)' \
		"$JAIL" -c name=pterr path="$ROOT" sysvmsg=yes
	expect_error 'jail: pterr: jid: non-integer value "abc"' \
		"$JAIL" -c name=pterr jid=abc path="$ROOT"
	assert_nothing_left
}

test_bad_paths() {
	expect_error 'jail: pterr: path "/nonexistent/x": No such file or directory' \
		"$JAIL" -c name=pterr path=/nonexistent/x persist
	touch "$WORK/plainfile"
	expect_error "jail: pterr: path \"$WORK/plainfile\": Not a directory" \
		"$JAIL" -c name=pterr path="$WORK/plainfile" persist
	ln -s / "$WORK/link-out"
	expect_error "jail: pterr: path \"$WORK/link-out\": contains a symbolic link" \
		"$JAIL" -c name=pterr path="$WORK/link-out" persist
	mkdir -p "$WORK/real/inner"
	ln -s "$WORK/real" "$WORK/link-dir"
	expect_error "jail: pterr: path \"$WORK/link-dir/inner\": contains a symbolic link" \
		"$JAIL" -c name=pterr path="$WORK/link-dir/inner" persist
	expect_error 'jail: pterr: path "relative": not an absolute path' "$JAIL" -c name=pterr path=relative persist
	assert_nothing_left
}

test_symlinks_inside_the_root_are_not_followed() {
	# A jail root whose /proc and /dev point out of it must not get the host's mounted over.
	before=$(mounts_at_or_below /etc /tmp)
	mkdir -p "$WORK/evil/bin"
	cp -a "$ROOT/bin/." "$WORK/evil/bin/"
	ln -s /etc "$WORK/evil/proc"
	expect_error 'jail: ptevil: proc: /proc: is or passes through a symbolic link' \
		"$JAIL" -c name=ptevil path="$WORK/evil" persist
	rm "$WORK/evil/proc"
	mkdir "$WORK/evil/proc"
	ln -s /tmp "$WORK/evil/dev"
	expect_error 'jail: ptevil: /dev: is or passes through a symbolic link' \
		"$JAIL" -c name=ptevil path="$WORK/evil" persist
	assert_nothing_left
	# The host's /etc and /tmp are untouched: no mount on them or below them came or went.
	assert_eq "$(mounts_at_or_below /etc /tmp)" "$before" "mounts of the host on /etc and /tmp"
}

test_duplicate_name_and_jid() {
	"$JAIL" -q -c name=ptdup jid=905 path="$ROOT" persist
	expect_error 'jail: "ptdup" already exists' "$JAIL" -c name=ptdup path="$ROOT" persist
	expect_error 'jail: ptother: jail 905 already exists' "$JAIL" -c name=ptother jid=905 path="$ROOT" persist
	jail_exists ptother && fail "the refused jail was created"
	"$JAIL" -q -r ptdup
	assert_nothing_left
}

test_bad_names() {
	expect_error 'jail: pt/a: name "pt/a": must not contain '"'"'/'"'"', '"'"'*'"'"' or white space' \
		"$JAIL" -c name=pt/a path="$ROOT" persist
	# A dot names a child jail (t_hier.sh): its parent must exist.
	expect_error 'jail: pt.a: jail "pt" not found' "$JAIL" -c name=pt.a path="$ROOT" persist
	expect_error 'jail: 12345: name cannot be numeric (unless it is the jid)' \
		"$JAIL" -c name=12345 jid=906 path="$ROOT" persist
	assert_nothing_left
}

test_remove_and_modify_unknown_jail() {
	expect_error 'jail: "ptghost" not found' "$JAIL" -r ptghost
	expect_error 'jail: "ptghost" not found' "$JAIL" -m name=ptghost persist
	expect_error 'jail: "999998" not found' "$JAIL" -r 999998
}

test_usage_errors() {
	out=$("$JAIL" 2>&1) && fail "jail with no arguments succeeded"
	assert_contains "$out" "usage: jail" "usage"
	out=$("$JEXEC" 2>&1) && fail "jexec with no arguments succeeded"
	assert_contains "$out" "usage: jexec [-l] [-d working-directory] [-u username | -U username] jail [command ...]" "jexec usage"
	expect_error 'jail: /nonexistent/jail.conf: No such file or directory' "$JAIL" -f /nonexistent/jail.conf -c
}

# Without a cgroup2 file system (as under ip netns exec, which mounts a sysfs
# of its own), every jid is refused for that one reason: jail says it.
test_no_cgroup_file_system_is_said() {
	local out
	out=$(unshare -m sh -c 'for m in $(awk '"'"'$3 == "cgroup2" { print $2 }'"'"' /proc/self/mounts); do
		umount -l "$m"; done; "$1" -c name=ptnocg path="$2" persist' _ "$JAIL" "$ROOT" 2>&1) &&
		fail "jail -c succeeded without a cgroup2 file system"
	assert_contains "$out" "jail: ptnocg: no free jid: no cgroup2 hierarchy is mounted" "the error"
	assert_nothing_left
}

test_commands_need_root() {
	expect_error 'jls: jails need root on the host: Operation not permitted' setpriv --reuid=65534 --regid=65534 --clear-groups "$JLS"
	expect_error 'jail: ptuser: jails need root on the host: Operation not permitted' \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$JAIL" -c name=ptuser persist
	expect_error 'jexec: jails need root on the host: Operation not permitted' \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$JEXEC" ptuser id
}

test_messages_read_as_freebsds() {
	# The lines FreeBSD's jail, jls, jexec and rctl print for the same mistakes.
	expect_error 'jls: jail "ptnone" not found' "$JLS" -j ptnone
	expect_error 'jls: unknown parameter: nosuch' "$JLS" -j 1 nosuch
	expect_error 'jexec: jail "ptnone" not found' "$JEXEC" ptnone /bin/true
	expect_error "rctl: at most one of -a, -l, -r, or -u may be specified" "$RCTL" -a -r jail:ptnone
	expect_error "rctl: malformed rule 'jail:ptnone:maxproc:deny=lots': invalid amount \"lots\"" \
		"$RCTL" -a jail:ptnone:maxproc:deny=lots
	expect_error "rctl: failed to remove rule 'jail:ptnone': jail \"ptnone\" not found" "$RCTL" -r jail:ptnone
	"$JAIL" -q -c name=ptmsg path="$ROOT" persist
	expect_error 'jail: "ptmsg" already exists' "$JAIL" -c name=ptmsg path="$ROOT" persist
	expect_error 'jail: ptmsg: path cannot be changed after creation' "$JAIL" -m name=ptmsg path=/tmp
	expect_error 'jail: ptmsg: children.cur: parameter is read-only' "$JAIL" -m name=ptmsg children.cur=3
	expect_error 'jexec: ptmsg: nosuch: no such user' "$JEXEC" -U nosuch ptmsg id
	"$JAIL" -q -r ptmsg
	expect_error 'jail: "ptmsg" not found' "$JAIL" -r ptmsg
	assert_nothing_left
}
