# Class "path": the host touches a path the jail controls.  exec.consolelog
# is a host file that host root creates and writes the jail's output to: it
# is opened from the host's root without following any link, never inside
# the jail's tree nor below a directory others than root can change, and
# the descriptor is what the commands get.  Every jail's tree is off limits,
# not only the jail's own: another jail's root writes there as the files'
# on-disk owner (through its idmapped root), so it could have made the file
# root's with one link and read this jail's console.

test_escape_path_consolelog_in_the_jails_tree() {
	mkdir -p "$ROOT/var/log"
	expect_error "jail: ptesclog: exec.consolelog \"$ROOT/var/log/console\": is inside the tree of jail ptesclog" \
		"$JAIL" -q -c name=ptesclog path="$ROOT" persist exec.consolelog="$ROOT/var/log/console"
	[ ! -e "$ROOT/var/log/console" ] || fail "a console log was made in the jail's tree"
	jail_gone ptesclog || fail "the jail was made"
}

test_escape_path_consolelog_through_a_planted_symlink() {
	# Jail root plants a link to the host's /etc in its tree, for another jail's log.
	trap 'rm -f /etc/ptescape.log' EXIT
	"$JAIL" -q -c name=ptescln path="$ROOT" persist
	"$JEXEC" ptescln ln -s /etc /tmp/ptlink
	expect_error "jail: ptesclh: exec.consolelog \"$ROOT/tmp/ptlink/ptescape.log\": is inside the tree of jail ptescln" \
		"$JAIL" -q -c name=ptesclh path=/ persist exec.consolelog="$ROOT/tmp/ptlink/ptescape.log"
	[ ! -e /etc/ptescape.log ] || { rm -f /etc/ptescape.log; fail "host root followed the jail's link"; }
	# Outside every jail's tree, a link is refused as one, in the middle and as the last component.
	mkdir -m 0755 "$WORK/ptlinks"
	ln -s /etc "$WORK/ptlinks/etc"
	expect_error "jail: ptesclh: exec.consolelog \"$WORK/ptlinks/etc/ptescape.log\": $WORK/ptlinks/etc is a symbolic link" \
		"$JAIL" -q -c name=ptesclh path=/ persist exec.consolelog="$WORK/ptlinks/etc/ptescape.log"
	[ ! -e /etc/ptescape.log ] || { rm -f /etc/ptescape.log; fail "host root followed a link"; }
	ln -s /etc/ptescape.log "$WORK/ptlinks/log"
	expect_error "jail: ptesclh: exec.consolelog \"$WORK/ptlinks/log\": $WORK/ptlinks/log is a symbolic link" \
		"$JAIL" -q -c name=ptesclh path=/ persist exec.consolelog="$WORK/ptlinks/log"
	[ ! -e /etc/ptescape.log ] || { rm -f /etc/ptescape.log; fail "host root followed a link"; }
	rm -r "$WORK/ptlinks"
	"$JAIL" -q -r ptescln
}

test_escape_path_consolelog_in_another_jail() {
	mkdir -p "$ROOT/var/log"
	"$JAIL" -q -c name=ptesclb path="$ROOT" persist
	# Jail root makes the file: on disk it is root's, with one link, as a log of host root's would be.
	"$JEXEC" ptesclb /bin/sh -c ': >/var/log/ptother.log'
	assert_eq "$(stat -c %u:%h "$ROOT/var/log/ptother.log")" 0:1 "the file jail root made, on disk"
	expect_error "jail: ptescla: exec.consolelog \"$ROOT/var/log/ptother.log\": is inside the tree of jail ptesclb" \
		"$JAIL" -q -c name=ptescla path=/ persist exec.consolelog="$ROOT/var/log/ptother.log" \
		exec.start="echo ptsecret"
	jail_gone ptescla || fail "the jail was made"
	assert_eq "$("$JEXEC" ptesclb cat /var/log/ptother.log)" "" "what the other jail reads of this one's console"
	# Nor through a second jail with the same root: each jail's tree, by identity.
	expect_error "jail: ptescla: exec.consolelog \"$ROOT/var/log/ptother.log\": is inside the tree of jail ptesclb" \
		"$JAIL" -q -c name=ptescla path="$ROOT" persist exec.consolelog="$ROOT/var/log/ptother.log"
	rm -f "$ROOT/var/log/ptother.log"
	"$JAIL" -q -r ptesclb
}

test_escape_path_consolelog_below_a_directory_others_can_change() {
	mkdir -m 0777 "$WORK/ptopen"
	expect_error "jail: ptesclo: exec.consolelog \"$WORK/ptopen/x.log\": $WORK/ptopen can be changed by users other than root" \
		"$JAIL" -q -c name=ptesclo path=/ persist exec.consolelog="$WORK/ptopen/x.log"
	[ ! -e "$WORK/ptopen/x.log" ] || fail "a console log was made in a directory anyone can change"
	rmdir "$WORK/ptopen"
	# A FIFO in place of the log: refused at once, not waited on.
	mkdir -m 0755 "$WORK/ptlogs"
	mkfifo "$WORK/ptlogs/fifo"
	expect_error "jail: ptesclo: exec.consolelog \"$WORK/ptlogs/fifo\": not a regular file" \
		timeout 10 "$JAIL" -q -c name=ptesclo path=/ persist exec.consolelog="$WORK/ptlogs/fifo"
	# A hard link to a file of the host's, as a jail could make where it can write.
	touch "$WORK/ptlogs/file"
	ln "$WORK/ptlogs/file" "$WORK/ptlogs/link"
	expect_error "jail: ptesclo: exec.consolelog \"$WORK/ptlogs/link\": has other hard links" \
		"$JAIL" -q -c name=ptesclo path=/ persist exec.consolelog="$WORK/ptlogs/link"
	rm -r "$WORK/ptlogs"
}

# A thin jail's root writes its layer (STATEDIR/jails/NAME/upper) as the
# files' on-disk owner, as any jail writes its tree: another jail's console
# log there is refused, and the thin jail reads nothing of it.
test_escape_path_consolelog_in_a_thin_jails_layer() {
	"$JBASE" -c -d "$ROOT" ptbesc
	"$JAIL" -q -c name=ptescthin base=ptbesc persist
	"$JEXEC" ptescthin /bin/sh -c 'mkdir -p /var/log; : >/var/log/ptother.log'
	f=$STATEDIR/jails/ptescthin/upper/var/log/ptother.log
	assert_eq "$(stat -c %u:%h "$f")" 0:1 "the file the thin jail's root made, on disk"
	expect_error "jail: ptescta: exec.consolelog \"$f\": is inside the tree of jail ptescthin" \
		"$JAIL" -q -c name=ptescta path=/ persist exec.consolelog="$f" exec.start="echo ptsecret"
	jail_gone ptescta || fail "the jail was made"
	assert_eq "$("$JEXEC" ptescthin cat /var/log/ptother.log)" "" "what the thin jail reads of the other's console"
	"$JAIL" -q -r ptescthin
	"$JBASE" -r ptbesc
	rm -rf "$STATEDIR/jails/ptescthin"
}
