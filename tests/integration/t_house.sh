# The life cycle's structure seen from outside: a command not found is a
# shell's 127, children removed with their parent are recorded, every
# mount line is checked before anything exists, and jail -m's rules are
# edited under one lock.

logdir() {
	echo "${PRISON_LOGDIR:-/var/log/prison}"
}

test_jexec_command_not_found_is_127() {
	"$JAIL" -q -c name=ptnf path="$ROOT" persist
	# A directory of PATH that jail root cannot search: owned by a uid the jail does not map.
	mkdir -p "$ROOT/tmp/ptnf-closed" "$ROOT/tmp/ptnf-open"
	chown 100000:100000 "$ROOT/tmp/ptnf-closed"
	chmod 700 "$ROOT/tmp/ptnf-closed"
	printf '#!/bin/sh\necho never\n' >"$ROOT/tmp/ptnf-open/notexec"
	chmod 644 "$ROOT/tmp/ptnf-open/notexec"
	set +e
	err=$(PATH=/tmp/ptnf-closed:/bin "$JEXEC" ptnf nosuchcmd 2>&1)
	rc=$?
	set -e
	rm -rf "$ROOT/tmp/ptnf-closed"
	assert_eq "$err" "jexec: ptnf: nosuchcmd: command not found" "a command found nowhere"
	assert_eq "$rc" 127 "exit status of a command not found"
	assert_eq "$(PATH=/tmp/ptnf-nowhere:/bin "$JEXEC" ptnf echo found)" found "the search goes on past a missing directory"
	set +e
	err=$(PATH=/tmp/ptnf-open:/bin "$JEXEC" ptnf notexec 2>&1)
	rc=$?
	set -e
	rm -rf "$ROOT/tmp/ptnf-open"
	assert_eq "$err" "jexec: ptnf: notexec: Permission denied" "a file found that cannot be run"
	assert_eq "$rc" 126 "exit status of a command that cannot be run"
	expect_error 'jexec: ptnf: /bin/nosuch: No such file or directory' "$JEXEC" ptnf /bin/nosuch
	set +e
	"$JEXEC" ptnf /bin/nosuch 2>/dev/null
	rc=$?
	set -e
	assert_eq "$rc" 127 "exit status of a path that does not exist"
	"$JAIL" -q -r ptnf
}

test_children_removed_with_parent_are_audited() {
	local log
	log="$(logdir)/pthaud.pthkid.log"
	rm -f "$log"
	"$JAIL" -q -c name=pthaud path="$ROOT" persist children.max=1
	"$JAIL" -q -c name=pthaud.pthkid path="$ROOT" persist
	"$JAIL" -q -r pthaud
	jail_exists pthaud.pthkid && fail "the child outlived its parent"
	python3 - "$log" <<'PY' || fail "the child's audit trail"
import json, sys
events = [(l["event"], l["result"]) for l in map(json.loads, open(sys.argv[1]))]
assert events == [("create", "ok"), ("remove", "ok")], events
PY
	rm -f "$log" "$(logdir)/pthaud.log"
}

test_bad_mount_line_leaves_nothing() {
	local before after
	before=$(ls "${PRISON_RUNDIR:-/run/prison}/jail" 2>/dev/null | wc -l)
	expect_error 'jail: ptbm: mount /j/x: file system type "ext4" is not one a jail may mount (nullfs, tmpfs, procfs, overlay)' \
		"$JAIL" -c name=ptbm path="$ROOT" persist mount="/dev/sda1 /j/x ext4 rw 0 0"
	after=$(ls "${PRISON_RUNDIR:-/run/prison}/jail" 2>/dev/null | wc -l)
	assert_eq "$after" "$before" "registry entries after a refused mount line"
	jail_exists ptbm && fail "a jail with a bad mount line was made"
	assert_nothing_left
}

test_rctl_concurrent_adds_all_land() {
	local r want
	"$JAIL" -q -c name=ptrcc path="$ROOT" persist
	# One rule for each of these, all added at once: every one must land.
	want="coredumpsize datasize maxproc memorylocked openfiles pseudoterminals stacksize nmsgq nsem nshm"
	for r in $want; do
		"$RCTL" -a "jail:ptrcc:$r:deny=1000" &
	done
	wait
	got=$("$RCTL" -l jail:ptrcc | sed 's/^jail:ptrcc:\([a-z]*\):.*/\1/' | sort | tr '\n' ' ')
	assert_eq "$got" "$(echo $want | tr ' ' '\n' | sort | tr '\n' ' ')" "rules after concurrent rctl -a"
	"$JAIL" -q -r ptrcc
}

test_policy_kept_in_the_record() {
	local jid rec
	"$JAIL" -q -c name=ptpol path="$ROOT" persist allow.mount rctl=openfiles:deny=64
	jid=$(jid_of ptpol)
	rec="$RUNDIR/jail/$jid.json"
	/usr/bin/python3 - "$rec" <<'PY' || fail "the record's policy"
import json, sys
p = json.load(open(sys.argv[1]))["policy"]
assert p["allow"] & (1 << 5), p          # allow.mount
assert p["rlimit"][7] == 64, p            # RLIMIT_NOFILE
PY
	assert_eq "$("$JEXEC" ptpol /bin/probe mount /tmp)" ok "mount with allow.mount"
	# Commands read the policy kept in the record, not the parameters: take the hole away there alone.
	/usr/bin/python3 - "$rec" <<'PY'
import json, os, sys
r = json.load(open(sys.argv[1]))
r["policy"]["allow"] &= ~(1 << 5)
tmp = sys.argv[1] + ".new"
json.dump(r, open(tmp, "w"))
os.rename(tmp, sys.argv[1])
PY
	assert_eq "$("$JEXEC" ptpol /bin/probe mount /tmp || true)" EPERM "mount once the record's policy has no allow.mount"
	# jail -m derives it again from the parameters, with the new rules.
	"$JAIL" -q -m name=ptpol rctl=openfiles:deny=32
	/usr/bin/python3 -c 'import json,sys; p=json.load(open(sys.argv[1]))["policy"]; assert p["rlimit"][7] == 32 and p["allow"] & 32, p' "$rec" ||
		fail "the policy after jail -m"
	"$JAIL" -q -r ptpol
}
