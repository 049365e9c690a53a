# Jails at boot and shutdown: prison.service and prison-rc with /etc/default/prison settings.

RC="$(dirname "$JAIL")/../libexec/prison/prison-rc"

test_boot_unit_verifies() {
	# tests/deps.sh installs it (systemd): a missing one is a failure, not a pass.
	command -v systemd-analyze >/dev/null || fail "systemd-analyze not installed (package systemd; make deps)"
	mkdir -p "$WORK/unit"
	sed -e "s|@LIBEXECDIR@|$(cd "$(dirname "$RC")" && pwd)|g" "$(dirname "$JAIL")/../../etc/prison.service.in" \
		>"$WORK/unit/prison.service"
	systemd-analyze verify --man=no "$WORK/unit/prison.service" || fail "systemd-analyze verify"
}

test_boot_start_and_shutdown_stop() {
	cat >"$WORK/boot.conf" <<CONF
path = "$ROOT";
persist;
ptbweb { depend = ptbdb; }
ptbdb { }
ptbother { }
CONF
	out=$(jail_enable=NO jail_conf="$WORK/boot.conf" JAIL="$JAIL" sh "$RC" start)
	assert_eq "$out" "prison: jail_enable is not YES: no jail started" "start with jail_enable=NO"
	jail_exists ptbdb && fail "a jail started with jail_enable=NO"
	out=$(jail_enable=YES jail_conf="$WORK/boot.conf" JAIL="$JAIL" sh "$RC" start)
	assert_eq "$out" "ptbdb: created
ptbweb: created
ptbother: created" "boot: every configured jail, dependencies first"
	out=$(jail_enable=YES jail_conf="$WORK/boot.conf" JAIL="$JAIL" sh "$RC" stop)
	assert_eq "$out" "ptbother: removed
ptbweb: removed
ptbdb: removed" "shutdown: the reverse"
	assert_nothing_left
}

test_boot_jail_list_parallel_and_reverse() {
	cat >"$WORK/boot.conf" <<CONF
path = "$ROOT";
persist;
ptbl1 { }
ptbl2 { }
ptbl3 { }
CONF
	jail_enable=YES jail_list="ptbl1 ptbl2" jail_parallel_start=YES jail_conf="$WORK/boot.conf" \
		JAIL="$JAIL" sh "$RC" start >/dev/null
	jail_exists ptbl1 && jail_exists ptbl2 || fail "parallel start of jail_list"
	jail_exists ptbl3 && fail "a jail not in jail_list started"
	out=$(jail_enable=YES jail_list="ptbl1 ptbl2" jail_reverse_stop=YES jail_conf="$WORK/boot.conf" \
		JAIL="$JAIL" sh "$RC" stop)
	assert_eq "$out" "ptbl2: removed
ptbl1: removed" "jail_reverse_stop"
}
