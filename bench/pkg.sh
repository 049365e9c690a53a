# shellcheck shell=bash
# Sourced by the bench scripts: bench_install COMMAND PACKAGE LOG installs
# Debian's PACKAGE when COMMAND is missing (apt-get, refreshing the lists
# once if the first try fails), its output appended to LOG; true when
# COMMAND is there afterwards.
bench_install() {
	command -v "$1" >/dev/null 2>&1 && return 0
	echo "$(basename "$0"): installing $2 ..." >&2
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >>"$3" 2>&1; then
		apt-get update >>"$3" 2>&1 || true
		DEBIAN_FRONTEND=noninteractive apt-get install -y "$2" >>"$3" 2>&1 || true
	fi
	command -v "$1" >/dev/null 2>&1
}
