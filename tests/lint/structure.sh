#!/bin/sh
# The house rules that no compiler checks.  Usage: structure.sh BUILD_DIR
# Prints one line per breach and exits 1 if there is any.
b=${1:-build}
cd "$(dirname "$0")/../.." || exit 1
bad=0
say() { echo "$*"; bad=1; }

# Small files: none over 800 lines.
for f in src/lib/*.[ch] src/cmd/*.[ch] src/bpf/*.[ch]; do
	n=$(wc -l <"$f")
	[ "$n" -le 800 ] || say "$f: $n lines (at most 800)"
done
# No two library files call each other in a circle.
python3 tests/lint/calls.py "$b"/obj/lib/*.o || bad=1
# Errors carry an errno that says what kind of failure it was.
grep -n 'perr_set[x]*([^,]*, 0,' src/lib/*.c src/cmd/*.c | sed 's/$/: an error with no errno (perr_setx with a code)/' | grep . && bad=1
# The library returns; only the front ends print or end the process.
grep -nE '\b(perror|abort|exit)\(' src/lib/*.c | grep -v '_exit(' | sed 's/$/: the library must return an error, not end or print/' | grep . && bad=1
# The front ends use the library's interface alone: every library symbol
# they call is one it exports (PRISON_API, default visibility).
exported=$(for o in "$b"/obj/lib/*.o; do readelf -sW "$o" | awk '$5 == "GLOBAL" && $6 == "DEFAULT" && $7 != "UND" { print $8 }'; done | sort -u)
hidden=$(for o in "$b"/obj/lib/*.o; do readelf -sW "$o" | awk '$5 == "GLOBAL" && $6 == "HIDDEN" && $7 != "UND" { print $8 }'; done | sort -u)
for c in jail jls jexec rctl jbase; do
	for s in $(nm -u "$b/obj/cmd/$c.o" | awk '{ print $2 }'); do
		if echo "$hidden" | grep -qx "$s" && ! echo "$exported" | grep -qx "$s"; then
			say "src/cmd/$c.c: uses $s, which the library does not export (src/include/prison.h)"
		fi
	done
done
exit $bad
