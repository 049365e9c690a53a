# Class "handle": a host handle leaks in.  Neither the admin's terminal nor
# any of jexec's own descriptors is ever a jail process's: it gets a
# terminal that the host made from the jail's devpts, or pipes that jexec
# relays, and only while the command runs.  Each attempt leaves a process in
# the jail that, once jexec has returned, tries to read what the admin types
# next, to inject input into the admin's terminal, or to write to it;
# admin_tty.py plays the admin.

ADMIN_TTY=$TESTDIR/../escape/admin_tty.py

# Left behind: once jexec has returned, a line of the standard input it was
# given goes to /tmp/stolen, "leak" to its standard output, and the status
# of that write to /tmp/why.
# SIGHUP (the terminal's session leader gone) and SIGPIPE are ignored from
# the start, so that the process outlives jexec and sees why its write failed.
LEFT_BEHIND='trap "" PIPE HUP; exec 3<&0 4>&1
	(sleep 1; head -n 1 <&3 >/tmp/stolen; echo leak >&4; echo "write $?" >/tmp/why) >/dev/null 2>&1 &
	echo started'

# What admin_tty.py said about field $2 (rc, before, after, left), from its output $1.
tty_field() {
	printf '%s\n' "$1" | sed -n "s/^$2=//p"
}

# The left-behind process of $1 got none of the admin's input and reached
# nothing of the admin's; $2 is admin_tty.py's report.
assert_nothing_reached() {
	assert_eq "$(tty_field "$2" after)" "" "what reached the admin after jexec returned"
	assert_eq "$(tty_field "$2" left)" "SECRET|" "the line typed after jexec returned, still the admin's"
	assert_eq "$("$JEXEC" "$1" cat /tmp/stolen)" "" "what the process left in the jail read"
	# The reason: its output is a pipe nobody reads any more.
	assert_eq "$("$JEXEC" "$1" cat /tmp/why)" "write 1" "the left-behind process's write"
}

test_escape_handle_terminal_input_after_jexec() {
	"$JAIL" -q -c name=ptesctty path="$ROOT" persist
	# Standard input the admin's terminal, standard output a pipe: no terminal is made, pipes are relayed.
	out=$(python3 "$ADMIN_TTY" pipe SECRET "$JEXEC" ptesctty /bin/sh -c "$LEFT_BEHIND")
	assert_eq "$(tty_field "$out" before)" "started|" "the command's output, relayed"
	wait_until 10 "the left-behind process" test -e "$ROOT/tmp/why"
	assert_nothing_reached ptesctty "$out"
}

test_escape_handle_terminal_when_ptmx_is_gone() {
	"$JAIL" -q -c name=ptescpx path="$ROOT" persist
	# Jail root takes its /dev/ptmx away: the host does not fall back to its own terminal.
	"$JEXEC" ptescpx rm -f /dev/ptmx
	out=$(python3 "$ADMIN_TTY" tty SECRET "$JEXEC" ptescpx /bin/sh -c "tty; $LEFT_BEHIND")
	assert_eq "$(tty_field "$out" before)" "/dev/pts/0|started|" "the command's terminal, the jail's own"
	wait_until 10 "the left-behind process" test -e "$ROOT/tmp/why"
	assert_nothing_reached ptescpx "$out"
	"$JEXEC" ptescpx test ! -e /dev/ptmx || fail "the jail's /dev/ptmx is still there"
}

test_escape_handle_tiocsti_into_the_admin_terminal() {
	"$JAIL" -q -c name=ptescsti path="$ROOT" persist
	# Injected input would be read back by the admin's next read, after the typed line.
	out=$(python3 "$ADMIN_TTY" pipe SECRET "$JEXEC" ptescsti /bin/sh -c 'is_tty() { [ -t 0 ] && echo terminal || echo none; }
		/bin/probe tiocsti; is_tty
		trap "" HUP; exec 3<&0; (sleep 1; { /bin/probe tiocsti; is_tty; } <&3 >/tmp/sti 2>&1) >/dev/null 2>&1 &')
	# The reasons, from the command and from what it left: seccomp, and no terminal to inject into.
	assert_eq "$(tty_field "$out" before)" "EPERM|none|" "TIOCSTI while jexec runs"
	wait_until 10 "the left-behind process" test -s "$ROOT/tmp/sti"
	assert_eq "$("$JEXEC" ptescsti cat /tmp/sti)" "EPERM
none" "TIOCSTI after jexec returned"
	assert_eq "$(tty_field "$out" left)" "SECRET|" "the admin's input, with nothing injected"
	# On a terminal: the jail's own, and TIOCSTI is still refused.
	out=$(python3 "$ADMIN_TTY" tty SECRET "$JEXEC" ptescsti /bin/probe tiocsti)
	assert_eq "$(tty_field "$out" before)" "EPERM|" "TIOCSTI on the jail's terminal"
	assert_eq "$(tty_field "$out" left)" "SECRET|" "the admin's input, with nothing injected"
}
