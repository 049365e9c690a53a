# Class "path": the host touches a path the jail controls.  exec.consolelog
# is a host file that host root creates and writes the jail's output to: it
# is opened from the host's root without following any link, never inside
# the jail's tree nor below a directory others than root can change, and
# the descriptor is what the commands get.

test_escape_path_consolelog_in_the_jails_tree() {
	mkdir -p "$ROOT/var/log"
	expect_error "jail: ptesclog: exec.consolelog \"$ROOT/var/log/console\": inside the jail's tree" \
		"$JAIL" -q -c name=ptesclog path="$ROOT" persist exec.consolelog="$ROOT/var/log/console"
	[ ! -e "$ROOT/var/log/console" ] || fail "a console log was made in the jail's tree"
	jail_gone ptesclog || fail "the jail was made"
}

test_escape_path_consolelog_through_a_planted_symlink() {
	# Jail root plants a link to the host's /etc in its tree, for another jail's log.
	trap 'rm -f /etc/ptescape.log' EXIT
	"$JAIL" -q -c name=ptescln path="$ROOT" persist
	"$JEXEC" ptescln ln -s /etc /tmp/ptlink
	expect_error "jail: ptesclh: exec.consolelog \"$ROOT/tmp/ptlink/ptescape.log\": $ROOT/tmp/ptlink is a symbolic link" \
		"$JAIL" -q -c name=ptesclh path=/ persist exec.consolelog="$ROOT/tmp/ptlink/ptescape.log"
	[ ! -e /etc/ptescape.log ] || { rm -f /etc/ptescape.log; fail "host root followed the jail's link"; }
	# The last component too: a link in place of the log.
	"$JEXEC" ptescln ln -s /etc/ptescape.log /tmp/ptlog
	expect_error "jail: ptesclh: exec.consolelog \"$ROOT/tmp/ptlog\": $ROOT/tmp/ptlog is a symbolic link" \
		"$JAIL" -q -c name=ptesclh path=/ persist exec.consolelog="$ROOT/tmp/ptlog"
	[ ! -e /etc/ptescape.log ] || { rm -f /etc/ptescape.log; fail "host root followed the jail's link"; }
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
