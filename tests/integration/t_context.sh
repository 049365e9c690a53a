# The runtime context (PRISON_RUNDIR, PRISON_CGROUP, PRISON_LOGDIR): jails of
# one context are not seen nor touched from another, as a developer's jails
# in /run/prison are not by a test run; bad settings are one clear line.

# A second context beside the test's, under $WORK: its own registry, cgroup
# and audit trails.  in_other runs a command in it.
other_context() {
	OTHER_DIR=$WORK/ctx-other
	OTHER_CG=prison-test-other$$
	mkdir -p "$OTHER_DIR"
}
in_other() {
	PRISON_RUNDIR=$OTHER_DIR/run PRISON_CGROUP=$OTHER_CG PRISON_LOGDIR=$OTHER_DIR/log "$@"
}

test_context_jails_of_another_context_are_untouched() {
	other_context
	trap 'context_cleanup "$OTHER_DIR/run" "$OTHER_CG" "$OTHER_DIR/log"; rm -rf "$OTHER_DIR"' EXIT
	in_other "$JAIL" -q -c name=ptctx path="$ROOT" host.hostname=other persist
	ojid=$(in_other "$JLS" -j ptctx jid)
	[ -d "$CGROUP2/$OTHER_CG/$ojid" ] || fail "no cgroup $OTHER_CG/$ojid for the other context's jail"
	# This context does not see it, by name or by jid ...
	assert_not_contains " $(jail_names | tr '\n' ' ') " " ptctx " "jls of this context"
	expect_error 'jls: jail "ptctx" not found' "$JLS" -j ptctx
	expect_error "jexec: jail \"$ojid\" not found" "$JEXEC" "$ojid" /bin/true
	# ... nor removes it, one by one or all at once, nor as the runner clears a test's jails.
	expect_error 'jail: "ptctx" not found' "$JAIL" -r ptctx
	"$JAIL" -q -r '*'
	remove_test_jails
	# A jail of the same name here is another jail, and goes alone.
	"$JAIL" -q -c name=ptctx path="$ROOT" host.hostname=here persist
	assert_eq "$("$JEXEC" ptctx hostname)" here "the jail of this context"
	"$JAIL" -q -r ptctx
	# The other context's jail lived through all of it, and its records with it.
	assert_eq "$(in_other "$JLS" -j ptctx jid)" "$ojid" "the other context's jail after this one's removals"
	assert_eq "$(in_other "$JEXEC" ptctx hostname)" other "jexec into the other context's jail"
	[ -e "$OTHER_DIR/run/jail/$ojid.json" ] || fail "the other context's record went"
	assert_eq "$(ls "$OTHER_DIR/log")" "ptctx.log" "audit trails of the other context"
	assert_not_contains "$(cat "$LOGDIR"/*.log 2>/dev/null)" '"host.hostname":"other"' "this context's audit trails"
	# Removed in its own context, it leaves nothing there either.
	in_other "$JAIL" -q -r ptctx
	assert_eq "$(in_other "$JLS" name)" "" "jails of the other context after its own removal"
	trap - EXIT
	context_cleanup "$OTHER_DIR/run" "$OTHER_CG" "$OTHER_DIR/log" || fail "clean-up of the other context"
	assert_eq "$(context_leftovers "$OTHER_CG" "$OTHER_DIR")" "" "what the other context left"
	rm -rf "$OTHER_DIR"
}

# Every command, in a context with one bad setting, says so in one line.
bad_context_lines() { # variable value
	local var=$1 val=$2
	for cmd in "jail: ptbad:|$JAIL -c name=ptbad path=$ROOT persist" "jls:|$JLS" "jexec:|$JEXEC ptbad /bin/true" \
		"rctl:|$RCTL -a jail:ptbad:maxproc:deny=5" "jail: ptbad:|$JAIL -r ptbad"; do
		# shellcheck disable=SC2086 # the command is words on purpose
		expect_error "${cmd%%|*} $var \"$val\": $3" env "$var=$val" ${cmd#*|}
	done
}

test_context_bad_settings_are_one_clear_line_and_leave_nothing() {
	mkdir -p "$WORK/badctx"
	cd "$WORK/badctx"
	cg=pt-bad-cgroup$$
	before=$(mounts_at_or_below "$WORK")
	bad_context_lines PRISON_CGROUP "../$cg" "not a cgroup name (letters, digits, '.', '_', '-')"
	bad_context_lines PRISON_CGROUP "12345" "not a cgroup name (letters, digits, '.', '_', '-')"
	bad_context_lines PRISON_RUNDIR relative "not a plain absolute path"
	bad_context_lines PRISON_RUNDIR "$WORK/badctx/sub/../run" "not a plain absolute path"
	# Nothing made: no cgroup in any hierarchy, nothing where the commands ran
	# (a registry there, say), no mount.
	for mnt in "$CGROUP2" $(v1_mounts); do
		[ ! -e "$mnt/$cg" ] || fail "cgroup $mnt/$cg made for a bad PRISON_CGROUP"
		[ ! -e "$mnt/12345" ] || fail "cgroup $mnt/12345 made for a bad PRISON_CGROUP"
	done
	assert_eq "$(ls -A "$WORK/badctx")" "" "files made where the commands ran"
	assert_eq "$(mounts_at_or_below "$WORK")" "$before" "mounts below the test's directory"
	assert_nothing_left
}

test_context_bad_logdir_writes_no_audit_trail() {
	mkdir -p "$WORK/badlog"
	cd "$WORK/badlog"
	bad_context_lines PRISON_LOGDIR log "not a plain absolute path"
	# A refused context is not used at all: no audit trail below the current directory.
	assert_eq "$(ls -A "$WORK/badlog")" "" "files made where the commands ran"
	assert_nothing_left
}
