#!/bin/sh
# Install what building and testing prison needs, when it is missing (Debian, as root):
# the libraries' headers, and the package of every program in tests/programs.
set -e
here=$(cd "$(dirname "$0")" && pwd)
need=""
add() { case " $need " in *" $1 "*) ;; *) need="$need $1" ;; esac; }
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
for p in build-essential pkg-config libseccomp-dev libjson-c-dev busybox-static python3 procps util-linux clang \
		libbpf-dev libmnl-dev libarchive-dev libnftables-dev bpftool musl-tools; do
	have "$p" || add "$p"
done
# Programs: present on the PATH is enough, however they got there.
while read -r prog pkg _; do
	case "$prog" in '' | '#'*) continue ;; esac
	command -v "$prog" >/dev/null 2>&1 || have "$pkg" || add "$pkg"
done <"$here/programs"
[ -z "$need" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "missing packages:$need (run as root, or install them)" >&2
	exit 1
fi
echo "installing:$need"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null || true
apt-get install -y -qq $need >/dev/null
