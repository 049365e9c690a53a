# The compiled seccomp program kept under RUNDIR/filter: reused while it is
# intact, compiled again when it is corrupt, cut short or not root's own, and
# the jail confined the same either way.

# The one program of the default policy: a test starts with the cache emptied
# (the shard runs one test at a time; the cache is rebuilt on demand).
cached_filter() {
	ls "$RUNDIR"/filter/* 2>/dev/null | head -1
}

fresh_cache() {
	rm -f "$RUNDIR"/filter/*
}

test_seccache_reused_while_intact() {
	fresh_cache
	"$JAIL" -q -c name=ptsc path="$ROOT" persist
	f=$(cached_filter)
	[ -n "$f" ] || fail "no compiled program under $RUNDIR/filter"
	assert_eq "$(head -c 8 "$f")" PRSNSECC "the program's header"
	ino=$(stat -c %i "$f")
	assert_eq "$("$JEXEC" ptsc /bin/probe keyctl)" EPERM "keyctl inside"
	assert_eq "$(stat -c %i "$(cached_filter)")" "$ino" "the same file after a jexec"
}

test_seccache_corrupt_program_is_compiled_again() {
	fresh_cache
	"$JAIL" -q -c name=ptsc path="$ROOT" persist
	f=$(cached_filter)
	size=$(stat -c %s "$f")
	# One instruction changed (past the 32-byte header): the hash no longer matches.
	printf '\377' | dd of="$f" bs=1 seek=40 conv=notrunc 2>/dev/null
	ino=$(stat -c %i "$f")
	assert_eq "$("$JEXEC" ptsc /bin/probe keyctl)" EPERM "keyctl after the program was changed"
	assert_eq "$("$JEXEC" ptsc /bin/probe bpf)" EPERM "bpf after the program was changed"
	f=$(cached_filter)
	[ "$(stat -c %i "$f")" != "$ino" ] || fail "the changed program was loaded, not compiled again"
	assert_eq "$(stat -c %s "$f")" "$size" "size of the program compiled again"
	# Cut short, then a header only.
	truncate -s 20 "$f"
	assert_eq "$("$JEXEC" ptsc /bin/probe keyctl)" EPERM "keyctl after the program was cut short"
	assert_eq "$(stat -c %s "$(cached_filter)")" "$size" "size after a short program"
	head -c 32 "$(cached_filter)" >"$WORK/hdr" && cp "$WORK/hdr" "$(cached_filter)"
	assert_eq "$("$JEXEC" ptsc /bin/probe keyctl)" EPERM "keyctl after a header without a program"
	assert_eq "$(stat -c %s "$(cached_filter)")" "$size" "size after a header only"
}

test_seccache_program_not_roots_is_not_loaded() {
	fresh_cache
	"$JAIL" -q -c name=ptsc path="$ROOT" persist
	f=$(cached_filter)
	chown 1000 "$f"
	assert_eq "$("$JEXEC" ptsc /bin/probe keyctl)" EPERM "keyctl with a program root does not own"
	assert_eq "$(stat -c %u "$(cached_filter)")" 0 "owner of the program compiled again"
}
