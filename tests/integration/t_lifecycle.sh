# Life cycle: create, persist, modify, remove, and what is left after.

test_persistent_jail_lives_with_no_process() {
	"$JAIL" -q -c name=ptpersist path="$ROOT" persist
	jail_exists ptpersist || fail "persistent jail not listed"
	jid=$(jid_of ptpersist)
	# Nothing is in the jail's cgroup, not even a jailinit: as on FreeBSD, a
	# persistent jail with nothing running is kernel objects only.
	wait_until 5 "the jail's jailinit gone" eval '[ "$(wc -l <"$CGROUP2/$CGPREFIX/$jid/cgroup.procs")" = 0 ]'
	out=$("$JEXEC" ptpersist /bin/echo hello)
	assert_eq "$out" hello "jexec into a persistent jail"
	jail_exists ptpersist || fail "persistent jail went away after jexec"
	wait_until 5 "the jail idle again" eval '[ "$(wc -l <"$CGROUP2/$CGPREFIX/$jid/cgroup.procs")" = 0 ]'
	jail_exists ptpersist || fail "persistent jail went away once idle again"
	assert_eq "$("$JAIL" -r ptpersist)" "ptpersist: removed" "jail -r output"
	jail_exists ptpersist && fail "removed jail still listed"
	[ ! -e "$CGROUP2/$CGPREFIX/$jid" ] || fail "cgroup left after removal"
	[ ! -e "$RUNDIR/jail/$jid.json" ] || fail "record left after removal"
}

test_persistent_jail_does_not_hold_the_creators_output() {
	# A reader of jail -c's output must see EOF although the jail lives on.
	out=$(timeout 10 sh -c "\"$JAIL\" -c name=pthold path=\"$ROOT\" persist | cat") ||
		fail "jail -c's output pipe stayed open (jailinit kept it)"
	assert_eq "$out" "pthold: created" "output of jail -c"
	jail_exists pthold || fail "persistent jail not listed"
}

test_nonpersistent_jail_vanishes() {
	out=$("$JAIL" -c name=ptonce path="$ROOT" command=/bin/echo inside)
	assert_eq "$out" "inside
ptonce: created" "output of a jail with a command"
	jail_exists ptonce && fail "non-persistent jail still listed after its command ended"
	assert_nothing_left
}

test_jail_with_background_process_lives_until_it_ends() {
	"$JAIL" -q -c name=ptbg path="$ROOT" command=/bin/sh -c 'sleep 2 >/dev/null 2>&1 &'
	pid=$(wait_for_process_in "$(cgroup_of ptbg)" sleep)
	jail_exists ptbg || fail "jail with a running process vanished"
	wait_gone "$pid" "the jail's last process"
	wait_until 5 "the jail ending with its last process" jail_gone ptbg
	assert_nothing_left
}

test_modify_hostname_and_persist() {
	"$JAIL" -q -c name=ptmod path="$ROOT" host.hostname=before persist
	assert_eq "$("$JAIL" -m name=ptmod host.hostname=after)" "ptmod: updated" "jail -m output"
	assert_eq "$("$JEXEC" ptmod hostname)" after "hostname inside after jail -m"
	"$JAIL" -q -m ptmod host.domainname=example.org
	assert_eq "$("$JEXEC" ptmod cat /proc/sys/kernel/domainname)" example.org "domain name after jail -m NAME param"
	assert_eq "$("$JLS" -j ptmod host.hostname)" after "jls after jail -m"
	expect_error 'jail: ptmod: path cannot be changed after creation' "$JAIL" -m name=ptmod path=/tmp
	expect_error 'jail: ptmod: allow.mount cannot be changed on a running jail' "$JAIL" -m name=ptmod allow.mount
	# Losing persist with nothing running removes the jail, as on FreeBSD.
	"$JAIL" -q -m name=ptmod nopersist
	jail_exists ptmod && fail "empty jail kept after nopersist"
	assert_nothing_left
}

test_rename_with_jail_m() {
	"$JAIL" -q -c name=ptold path="$ROOT" persist
	jid=$(jid_of ptold)
	"$JAIL" -q -m jid="$jid" name=ptnew
	jail_exists ptnew || fail "renamed jail not found by its new name"
	jail_exists ptold && fail "old name still listed"
	"$JAIL" -q -r ptnew
}

test_remove_sends_term_then_kill() {
	"$JAIL" -q -c name=ptstop path="$ROOT" persist stop.timeout=1
	# One process exits on SIGTERM, one ignores it and must be killed.
	"$JEXEC" ptstop /bin/sh -c 'sleep 300 >/dev/null 2>&1 &'
	"$JEXEC" ptstop /bin/sh -c "trap '' TERM; while :; do sleep 1; done" >/dev/null 2>&1 &
	wait_for_process_in "$(cgroup_of ptstop)" sh SigIgn >/dev/null
	jid=$(jid_of ptstop)
	# jailinit, the first sleep, the shell and its sleep.
	wait_until 10 "four processes in the jail" eval '[ "$(procs_in ptstop)" -eq 4 ]'
	assert_eq "$(wc -l <"$CGROUP2/$CGPREFIX/$jid/cgroup.procs")" 4 "processes before removal"
	start=$(date +%s%N)
	"$JAIL" -q -r ptstop
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$ms" -ge 900 ] || fail "removal took ${ms} ms: stop.timeout was not waited for"
	[ "$ms" -lt 5000 ] || fail "removal took ${ms} ms: SIGKILL came late"
	[ ! -e "$CGROUP2/$CGPREFIX/$jid" ] || fail "cgroup left after removal"
	wait
}

test_remove_quick_when_processes_obey_term() {
	"$JAIL" -q -c name=ptquick path="$ROOT" persist stop.timeout=30
	"$JEXEC" ptquick /bin/sh -c 'sleep 300 >/dev/null 2>&1 &'
	start=$(date +%s%N)
	"$JAIL" -q -r ptquick
	ms=$(( ($(date +%s%N) - start) / 1000000 ))
	[ "$ms" -lt 3000 ] || fail "removal waited ${ms} ms although every process had exited"
}

test_remove_all_with_star() {
	"$JAIL" -q -c name=ptstar1 path="$ROOT" persist
	"$JAIL" -q -c name=ptstar2 path="$ROOT" persist
	out=$("$JAIL" -r '*')
	assert_contains "$out" "ptstar1: removed" "jail -r *"
	assert_contains "$out" "ptstar2: removed" "jail -r *"
}

test_path_root_jail() {
	out=$("$JAIL" -c name=ptslash path=/ command=/bin/hostname)
	assert_contains "$out" "ptslash: created" "path=/ jail"
	assert_nothing_left
}

test_old_form() {
	out=$("$JAIL" "$ROOT" ptoldhost "" /bin/hostname)
	assert_eq "$(echo "$out" | head -1)" ptoldhost "hostname in the old form"
	# The address gives the jail IPv4 (and, given alone, no IPv6), as on FreeBSD.
	assert_eq "$("$JAIL" "$ROOT" ptoldhost 198.18.0.1 /bin/probe socket tcp4 | head -1)" ok "IPv4 with an address in the old form"
	expect_error 'jail: ip4.addr: "198.18.0.300" is not an IPv4 address' "$JAIL" "$ROOT" ptoldhost 198.18.0.300 /bin/true
}

test_jid_flags_i_and_J() {
	jid=$("$JAIL" -i -c name=ptjid path="$ROOT" persist)
	assert_eq "$jid" "$(jid_of ptjid)" "jail -i output"
	"$JAIL" -q -r ptjid
	"$JAIL" -q -J "$WORK/jidfile" -c name=ptjid jid=77 path="$ROOT" persist
	assert_eq "$(cut -f1 "$WORK/jidfile")" 77 "jid in the -J file"
	assert_eq "$(cut -f2 "$WORK/jidfile")" "$ROOT" "path in the -J file"
	assert_eq "$(jid_of ptjid)" 77 "explicit jid"
}

test_failing_command_removes_the_jail() {
	expect_error 'jail: ptfail: /bin/false: failed (exit status 1)' "$JAIL" -q -c name=ptfail path="$ROOT" persist command=/bin/false
	jail_exists ptfail && fail "jail kept after its command failed"
	assert_nothing_left
}

test_create_or_modify_with_cm() {
	"$JAIL" -q -cm name=ptcm path="$ROOT" persist host.hostname=one
	"$JAIL" -q -cm name=ptcm host.hostname=two
	assert_eq "$("$JEXEC" ptcm hostname)" two "jail -cm on an existing jail modifies it"
}

test_jails_from_jail_conf() {
	cat >"$WORK/jail.conf" <<CONF
# Two jails sharing globals and a wildcard section.
\$root = "$ROOT";
path = "\$root";
host.hostname = "\$name.jail.example";
persist;
* { securelevel = 1; }
ptcfa { allow.nomount; }
ptcfb {
	exec.jail_user = jdoe;
	command = "id -un > /tmp/ptcfb-user";
	nopersist;
}
CONF
	out=$("$JAIL" -f "$WORK/jail.conf" -c)
	assert_eq "$out" "ptcfa: created
ptcfb: created" "jail -c from jail.conf"
	assert_eq "$("$JEXEC" ptcfa hostname)" ptcfa.jail.example "hostname from jail.conf"
	assert_eq "$("$JLS" -j ptcfa securelevel)" 1 "wildcard parameter"
	assert_eq "$(cat "$ROOT/tmp/ptcfb-user")" jdoe "command of a configured jail, as exec.jail_user"
	jail_exists ptcfb && fail "non-persistent configured jail still there"
	expect_error 'jail: "ptcfa" already exists' "$JAIL" -f "$WORK/jail.conf" -c ptcfa
	assert_eq "$("$JAIL" -f "$WORK/jail.conf" -rc ptcfa)" "ptcfa: removed
ptcfa: created" "jail -rc restarts"
	assert_eq "$("$JAIL" -f "$WORK/jail.conf" -r ptcfa)" "ptcfa: removed" "jail -r from jail.conf"
	rm -f "$ROOT/tmp/ptcfb-user"
}

test_bad_jail_conf_creates_nothing() {
	printf 'ptbad1 { path = "%s"; persist; }\nptbad2 {\n  path = /x\n}\n' "$ROOT" >"$WORK/bad.conf"
	expect_error "jail: $WORK/bad.conf:4:1: expected ';' or ',', found '}'" "$JAIL" -f "$WORK/bad.conf" -c
	jail_exists ptbad1 && fail "a jail was created from a configuration with an error"
	printf 'ptbad3 { path = "%s"; host = disable; persist; }\n' "$ROOT" >"$WORK/later.conf"
	expect_error 'jail: ptbad3: host: unknown jailsys value "disable" (expected new or inherit)' "$JAIL" -f "$WORK/later.conf" -c
	assert_nothing_left
}

test_depend_orders_creation_and_removal() {
	cat >"$WORK/depend.conf" <<CONF
path = "$ROOT";
persist;
ptdweb { depend = ptdapp; }
ptdapp { depend = ptddb, ptdcache; }
ptddb { }
ptdcache { }
ptdlone { }
CONF
	# Creating the web jail starts what it depends on first.
	out=$("$JAIL" -f "$WORK/depend.conf" -c ptdweb)
	assert_eq "$out" "ptddb: created
ptdcache: created
ptdapp: created
ptdweb: created" "creation order with depend"
	jail_exists ptdlone && fail "a jail nobody depends on was created"
	# Removing the database takes down what depends on it first, and nothing else.
	out=$("$JAIL" -f "$WORK/depend.conf" -r ptddb)
	assert_eq "$out" "ptdweb: removed
ptdapp: removed
ptddb: removed" "removal order with depend"
	jail_exists ptdcache || fail "a jail the database does not need was removed"
	"$JAIL" -q -r ptdcache
	printf 'path = "%s"; persist;\nptla { depend = ptlb; }\nptlb { depend = ptla; }\n' "$ROOT" >"$WORK/loop.conf"
	expect_error 'jail: ptla: depends on itself through depend' "$JAIL" -f "$WORK/loop.conf" -c
	printf 'path = "%s"; persist;\nptlc { depend = ptnowhere; }\n' "$ROOT" >"$WORK/missing.conf"
	expect_error 'jail: ptlc: depends on "ptnowhere", which is not configured' "$JAIL" -f "$WORK/missing.conf" -c
	assert_nothing_left
}

test_audit_trail() {
	log=$LOGDIR/ptaudit.log
	rm -f "$log"
	"$JAIL" -q -c name=ptaudit path="$ROOT" host.hostname=audited persist
	"$JEXEC" ptaudit /bin/true
	"$JAIL" -q -m name=ptaudit host.hostname=changed
	"$JAIL" -q -r ptaudit
	"$JEXEC" ptaudit /bin/true 2>/dev/null && fail "jexec into a removed jail worked"
	python3 - "$log" <<'PY' || fail "audit trail"
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
events = [(l["event"], l["result"]) for l in lines]
assert events == [("create", "ok"), ("jexec", "ok"), ("modify", "ok"), ("remove", "ok"), ("jexec", "error")], events
create = lines[0]
assert create["uid"] == 0 and create["jail"] == "ptaudit" and create["jid"] > 0, create
assert create["params"]["host.hostname"] == "audited", create
assert "jail -q -c name=ptaudit" in create["command"], create
assert lines[1]["run"] == ["/bin/true"], lines[1]
assert lines[2]["params"] == {"name": "ptaudit", "host.hostname": "changed"}, lines[2]
assert lines[4]["error"] == 'jail "ptaudit" not found', lines[4]
assert all(l["time"].endswith("Z") for l in lines)
PY
	rm -f "$log"
}

test_modify_from_jail_conf() {
	printf 'path = "%s"; persist;\nptcm1 { host.hostname = one; }\nptcm2 { host.hostname = two; }\n' "$ROOT" >"$WORK/m.conf"
	"$JAIL" -q -f "$WORK/m.conf" -c
	printf 'path = "%s"; persist;\nptcm1 { host.hostname = uno; securelevel = 2; }\nptcm2 { host.hostname = two; }\n' \
		"$ROOT" >"$WORK/m.conf"
	assert_eq "$("$JAIL" -f "$WORK/m.conf" -m ptcm1)" "ptcm1: updated" "jail -m from jail.conf"
	assert_eq "$("$JEXEC" ptcm1 hostname) $("$JLS" -j ptcm1 securelevel)" "uno 2" "values after jail -m from jail.conf"
	printf 'path = "/"; persist;\nptcm1 { }\nptcm2 { }\n' >"$WORK/m.conf"
	expect_error 'jail: ptcm1: path cannot be changed after creation' "$JAIL" -f "$WORK/m.conf" -m ptcm1
}
