#!/bin/sh
# The Debian bookworm minbase that the t_debian tests share, built once per
# run with jbase -D (from the host's apt sources) in the run's work
# directory $1, while the other tests run; "ended" says it is over, "done"
# that it worked (debian_root in t_debian.sh).
dir=$1/debian
mkdir -p "$dir"
if PRISON_STATEDIR=$dir/state "$JBASE" -c -D bookworm deb >"$dir/log" 2>&1; then
	touch "$dir/done"
fi
touch "$dir/ended"
