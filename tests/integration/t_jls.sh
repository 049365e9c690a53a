# jls(8) in every format.

test_jls_default_and_verbose() {
	"$JAIL" -q -c name=ptls jid=901 path="$ROOT" host.hostname=lshost persist
	out=$("$JLS")
	assert_eq "$(echo "$out" | head -1)" "   JID  IP Address      Hostname                      Path" "jls header"
	line=$(echo "$out" | grep '^   901 ')
	assert_eq "$line" "$(printf '%6d  %-15s %-29s %s' 901 '' lshost "$ROOT")" "jls line"
	out=$("$JLS" -v -j ptls)
	assert_contains "$out" "        Name                          State" "jls -v header"
	assert_contains "$out" "$(printf '%6d  %-29s %s' 901 lshost "$ROOT")" "jls -v first line"
	assert_contains "$out" "$(printf '        %-29s %s' ptls ACTIVE)" "jls -v second line"
	assert_contains "$("$JLS" -N)" "  ptls  " "jls -N"
}

test_jls_parameters() {
	"$JAIL" -q -c name=ptparm jid=902 path="$ROOT" host.hostname="two words" persist
	assert_eq "$("$JLS" -j ptparm jid name)" "902 ptparm" "jls with a parameter list"
	assert_eq "$("$JLS" -j ptparm -q host.hostname)" '"two words"' "jls -q"
	assert_eq "$("$JLS" -j ptparm -h jid name)" "jid name
902 ptparm" "jls -h"
	out=$("$JLS" -j ptparm -n)
	assert_contains "$out" "jid=902 name=ptparm path=$ROOT host.hostname=two words" "jls -n"
	assert_contains "$out" " persist " "jls -n boolean"
	assert_contains "$out" " nodying " "jls -n read-only boolean"
	assert_contains "$out" " allow.noraw_sockets " "jls -n allow"
	assert_contains "$out" " enforce_statfs=2 " "jls -n default"
	assert_eq "$("$JLS" -j ptparm idmap.base)" "$(uid_base_of 902)" "jls idmap.base: the range the jail was given"
	out=$("$JLS" -j ptparm -s)
	assert_contains "$out" 'host.hostname="two words"' "jls -s quotes"
	assert_not_contains "$out" "dying" "jls -s skips read-only parameters"
	expect_error "jls: unknown parameter: nosuch" "$JLS" nosuch
	expect_error 'jls: jail "ptnone" not found' "$JLS" -j ptnone
}

test_jls_s_output_recreates_the_jail() {
	"$JAIL" -q -c name=ptre path="$ROOT" host.hostname=rehost securelevel=2 persist
	params=$("$JLS" -j ptre -s)
	"$JAIL" -q -r ptre
	eval "set -- $params"
	"$JAIL" -q -c "$@"
	assert_eq "$("$JLS" -j ptre host.hostname securelevel)" "rehost 2" "a jail made from jls -s"
}

test_jls_libxo_json_and_xml() {
	"$JAIL" -q -c name=ptxo jid=903 path="$ROOT" host.hostname=xohost persist
	"$JLS" --libxo json >"$WORK/jls.json"
	python3 - "$WORK/jls.json" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
assert doc["__version"] == "2", doc
jails = [j for j in doc["jail-information"]["jail"] if j["jid"] == 903]
assert jails == [{"jid": 903, "ipv4": "", "hostname": "xohost", "path": jails[0]["path"]}], jails
PY
	"$JLS" --libxo=json -v -j ptxo >"$WORK/jls.json"
	python3 - "$WORK/jls.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jail-information"]["jail"][0]
assert j["name"] == "ptxo" and j["state"] == "ACTIVE" and j["ipv4_addrs"] == [], j
PY
	"$JLS" --libxo json -n -j ptxo >"$WORK/jls.json"
	python3 - "$WORK/jls.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jail-information"]["jail"][0]
assert j["persist"] is True and j["dying"] is False and j["enforce_statfs"] == 2, j
assert j["host.hostname"] == "xohost", j
PY
	out=$("$JLS" --libxo xml -j ptxo)
	assert_contains "$out" "<jail-information __version=\"2\"><jail><jid>903</jid><ipv4></ipv4><hostname>xohost</hostname>" "jls --libxo xml"
	python3 -c 'import sys, xml.dom.minidom; xml.dom.minidom.parseString(sys.argv[1])' "$out"
}

test_jls_d_shows_dying_jails() {
	"$JAIL" -q -c name=ptdying path="$ROOT" persist stop.timeout=3
	"$JEXEC" ptdying /bin/sh -c "trap '' TERM; while :; do sleep 1; done" >/dev/null 2>&1 &
	wait_for_process_in "$(cgroup_of ptdying)" sh SigIgn >/dev/null
	"$JAIL" -q -r ptdying &
	# The removal waits stop.timeout for the shell that ignores SIGTERM: dying meanwhile.
	wait_until 10 "jail dying under jail -r" is_dying ptdying
	assert_not_contains "$("$JLS" name)" ptdying "jls while the jail is dying"
	assert_eq "$("$JLS" -d -j ptdying name dying)" "ptdying true" "jls -d while the jail is dying"
	assert_contains "$("$JLS" -d -v)" "DYING" "jls -d -v state"
	wait
	jail_exists ptdying && fail "jail still listed after removal"
	true
}
