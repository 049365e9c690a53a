# jls's listing index (RUNDIR/index): the table and -v read it instead of
# the records, and they stay what the records say after a command is
# killed, a jail dies, or the index is removed or damaged.

# The jids and hostnames of jls's table (from the index), and the same from the records (a parameter list).
table_of() { "$JLS" | table_cols; }
table_cols() { awk 'NR > 1 { h = substr($0, 25, 29); sub(/ +$/, "", h); print $1, h }'; }
records_of() { "$JLS" jid host.hostname; }

# The table and the records agree, each read twice (the first read may clear a dead jail).
assert_table_is_records() {
	local what=$1 t r
	t=$(table_of)
	r=$(records_of)
	assert_eq "$(table_of)" "$r" "$what: table against records"
	assert_eq "$t" "$r" "$what: table against records, first read"
}

# The index must exist and be made again from the records once damaged.
index_slots() { python3 -c 'import os, sys; print(os.path.getsize(sys.argv[1]) // 512)' "$RUNDIR/index"; }

test_jls_index_is_made_and_kept() {
	"$JAIL" -q -c name=ptia jid=11 path="$ROOT" host.hostname=iahost persist
	"$JAIL" -q -c name=ptib jid=12 path="$ROOT" host.hostname=ibhost ip4.addr=198.18.7.1,198.18.7.2 persist
	"$JLS" >/dev/null
	[ -f "$RUNDIR/index" ] || fail "no index after jls"
	assert_table_is_records "two jails"
	assert_contains "$("$JLS")" "$(printf '%6d  %-15s %-29s %s' 12 198.18.7.1 ibhost "$ROOT")" "first address from the index"
	out=$("$JLS" -v -j ptib)
	assert_contains "$out" "$(printf '%6s  %s' '' 198.18.7.2)" "jls -v: every address"
	# Changes after the index was made reach it: jail -m, a removal, a new jail.
	"$JAIL" -q -m name=ptia host.hostname=iahost2
	"$JAIL" -q -r ptib
	"$JAIL" -q -c name=ptic jid=13 path="$ROOT" host.hostname=ichost persist
	assert_table_is_records "after -m, -r and -c"
	assert_contains "$(table_of)" "11 iahost2" "jail -m in the table"
	assert_not_contains "$(table_of)" "12 " "removed jail not in the table"
	"$JAIL" -q -r ptia ptic
}

test_jls_index_removed_or_damaged_is_rebuilt() {
	"$JAIL" -q -c name=ptid jid=21 path="$ROOT" host.hostname=idhost persist
	"$JAIL" -q -c name=ptie jid=22 path="$ROOT" host.hostname=iehost persist
	"$JLS" >/dev/null
	want=$(records_of)
	rm -f "$RUNDIR/index"
	assert_eq "$(table_of)" "$want" "table with the index removed"
	[ -f "$RUNDIR/index" ] || fail "index not made again"
	# A changed byte in jail 22's slot (its hostname).
	printf 'X' | dd of="$RUNDIR/index" bs=1 seek=$((22 * 512 + 138)) conv=notrunc status=none
	assert_eq "$(table_of)" "$want" "table with a damaged slot"
	# A lost slot: the file cut before jail 22's.
	truncate -s $((22 * 512)) "$RUNDIR/index"
	assert_eq "$(table_of)" "$want" "table with the index cut short"
	[ "$(index_slots)" -ge 23 ] || fail "index not made again after a cut"
	# Garbage, and something that is no file at all.
	head -c 20000 /dev/urandom >"$RUNDIR/index"
	assert_eq "$(table_of)" "$want" "table with an index of garbage"
	rm -f "$RUNDIR/index"
	mkfifo "$RUNDIR/index"
	assert_eq "$(timeout 10 "$JLS" | table_cols)" "$want" "table with a FIFO for an index"
	rm -f "$RUNDIR/index"
	"$JAIL" -q -r ptid ptie
	assert_table_is_records "after removal"
	assert_nothing_left
}

test_jls_index_after_kill_9_of_jail_c() {
	"$JAIL" -q -c name=ptiz path="$ROOT" host.hostname=izhost persist
	"$JLS" >/dev/null
	# Each delay is a moment to kill at, not a wait for anything.
	for delay in 0 0.001 0.002 0.003 0.004 0.006 0.008 0.01 0.015 0.02 0.05; do
		"$JAIL" -q -c name=ptik path="$ROOT" host.hostname=ikhost persist &
		pid=$!
		sleep "$delay"
		kill -9 $pid 2>/dev/null || true
		wait $pid 2>/dev/null || true
		# Listed in the table means alive, with its cgroup; and the table is the records.
		jid=$("$JLS" | awk '$3 == "ikhost" { print $1 }')
		if [ -n "$jid" ]; then
			[ -e "$CGROUP2/$CGPREFIX/$jid" ] || fail "listed jail has no cgroup (delay $delay)"
			init=$(init_pid_of "$jid")
			[ -n "$init" ] && [ -d "/proc/$init" ] || fail "listed jail has no jailinit (delay $delay)"
		fi
		assert_table_is_records "kill -9 of jail -c after $delay s"
		"$JAIL" -q -r ptik 2>/dev/null || true
	done
	assert_contains "$(table_of)" " izhost" "the other jail still listed"
	"$JAIL" -q -r ptiz
	assert_nothing_left
}

test_jls_index_dead_jail_is_torn_down() {
	# A jail that keeps its jailinit, whose death is the jail's (an idle-capable one goes idle).
	"$JAIL" -q -c name=ptiy path="$ROOT" host.hostname=iyhost persist persist.idle=false
	"$JLS" >/dev/null
	jid=$(jid_of ptiy)
	init=$(init_pid_of "$jid")
	kill -9 "$init"
	wait_gone "$init" "jailinit after SIGKILL"
	# The table alone, from an intact index, finds it dead and clears it.
	assert_not_contains "$("$JLS")" "iyhost" "dead jail in the table"
	[ ! -e "$RUNDIR/jail/$jid.json" ] || fail "dead jail's record left by jls"
	[ ! -e "$CGROUP2/$CGPREFIX/$jid" ] || fail "dead jail's cgroup left by jls"
	assert_nothing_left
}

test_jls_index_long_fields_come_from_the_record() {
	# Longer than a slot holds (96 bytes of name, 56 of ip4.addr).
	long=ptil$(printf 'n%.0s' $(seq 100))
	"$JAIL" -q -c name="$long" jid=31 path="$ROOT" host.hostname=ilhost \
		ip4.addr=198.18.7.11,198.18.7.12,198.18.7.13,198.18.7.14,198.18.7.15 persist
	"$JLS" >/dev/null
	assert_contains "$("$JLS")" "$(printf '%6d  %-15s %-29s %s' 31 198.18.7.11 ilhost "$ROOT")" "a long slot in the table"
	assert_contains "$("$JLS" -N)" "$long  198.18.7.11" "a long name with -N"
	out=$("$JLS" -v -j 31)
	assert_contains "$out" "$(printf '%6s  %s' '' 198.18.7.15)" "fifth address with -v"
	assert_contains "$out" "$(printf '%6s  %-29.29s %s' '' "$long" ACTIVE)" "long name with -v"
	"$JLS" --libxo json -v -j 31 >"$WORK/jls.json"
	python3 - "$WORK/jls.json" "$long" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jail-information"]["jail"][0]
assert j["name"] == sys.argv[2] and len(j["ipv4_addrs"]) == 5, j
PY
	"$JAIL" -q -r 31
}
