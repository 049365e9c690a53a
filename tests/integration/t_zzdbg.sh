test_zz_dbg() {
	for t in test_persist_idle_survives_kill9 test_persist_idle_terminal; do
		echo "before $t"; grep "$RUNDIR" /proc/self/mountinfo; ls -la "$RUNDIR"
		"$t" || fail "$t"
	done
}
