#!/bin/sh
# make check, first step: every program the tests run (tests/programs) is
# there, or one line names all that are missing, with their packages.
here=$(cd "$(dirname "$0")" && pwd)
missing=""
while read -r prog pkg _; do
	case "$prog" in '' | '#'*) continue ;; esac
	command -v "$prog" >/dev/null 2>&1 || missing="$missing${missing:+, }$prog ($pkg)"
done <"$here/programs"
if [ -n "$missing" ]; then
	echo "make check: missing programs: $missing"
	exit 1
fi
