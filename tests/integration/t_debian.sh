# Real Debian in thin jails: a bookworm minbase built once per run (with
# jbase -D, from the host's apt sources) and cached in the run's work
# directory; each test makes its own base from that tree.

JBASE=${JBASE:-${JAIL%/jail}/jbase}
JEXPORT=${JEXPORT:-${JAIL%/jail}/jexport}
JIMPORT=${JIMPORT:-${JAIL%/jail}/jimport}

# The tree of the run's Debian base: built by run.sh (debian_cache.sh) before a
# Debian test starts, or else here by the first test that asks (the others wait).
debian_root() {
	local run=${WORK%/*} cache=${WORK%/*}/debian
	if [ ! -e "$cache/ended" ]; then
		(flock 9; [ -e "$cache/ended" ] || "$TESTDIR/debian_cache.sh" "$run") 9>>"$run/debian.lock"
	fi
	[ -e "$cache/done" ] || fail "the run's Debian base: $(tail -1 "$cache/log")"
	echo "$cache/state/bases/deb/1"
}

test_debian_minbase_thin_jail() {
	local root
	root=$(debian_root) || exit 1
	assert_contains "$(PRISON_STATEDIR=${root%/bases/*} "$JBASE" -q deb)" "debian:bookworm" "the Debian base's source"
	"$JBASE" -c -d "$root" ptbdeb
	out=$("$JAIL" -c name=ptdeb base=ptbdeb command=/bin/cat /etc/debian_version)
	assert_contains "$out" "12." "Debian's version inside a thin jail"
	kb=$(du -sk "$STATEDIR/jails/ptdeb" | cut -f1)
	[ "$kb" -le 2048 ] || fail "a thin Debian jail uses $kb KiB of disk"
	"$JBASE" -r ptbdeb
	rm -rf "$STATEDIR/jails"/pt*
}

# nginx, installed with apt-get in the jail before, serving with its stock configuration
# on the jail's addresses in the test's own network namespace.
debian_nginx_serves() {
	ip addr add 198.18.0.20/32 dev lo
	ip -6 addr add fd00::20/128 dev lo nodad
	"$JAIL" -q -c name=ptweb base=ptbweb persist ip4.addr=198.18.0.20 ip6.addr=fd00::20 exec.start=/usr/sbin/nginx
	wait_listening -j ptweb 80 2
	for url in http://198.18.0.20/ 'http://[fd00::20]/'; do
		page=$($PYTHON3 -c 'import sys, urllib.request; print(urllib.request.urlopen(sys.argv[1], timeout=5).read().decode())' "$url")
		assert_contains "$page" "Welcome to nginx" "nginx's page at $url"
	done
	"$JAIL" -q -r ptweb
}

# Names, types, owners, modes, file sizes and link targets below $1.
layer_list() {
	(cd "$1" && find . -type d -printf '%p d %U:%G %m\n' -o -printf '%p %y %U:%G %m %s %l\n' | sort)
}

test_debian_apt_get_and_nginx_in_a_thin_jail() {
	local root
	root=$(debian_root) || exit 1
	"$JBASE" -c -d "$root" ptbweb
	# The host's network (ip4=inherit) and apt sources, which the base has from the host.
	"$JAIL" -q -c name=ptweb base=ptbweb persist ip4=inherit ip6=inherit
	"$JEXEC" ptweb /bin/sh -c 'apt-get -qq -o Acquire::Languages=none update &&
		DEBIAN_FRONTEND=noninteractive apt-get -qq -y install --no-install-recommends nginx-light' \
		>"$WORK/apt.log" 2>&1 || fail "apt-get in a thin jail: $(tail -3 "$WORK/apt.log")"
	"$JEXEC" ptweb test -x /usr/sbin/nginx || fail "nginx not installed"
	[ -e "$STATEDIR/bases/ptbweb/1/usr/sbin/nginx" ] && fail "apt-get in a thin jail wrote into the base"
	[ -x "$STATEDIR/jails/ptweb/upper/usr/sbin/nginx" ] || fail "nginx is not in the jail's own layer"
	"$JAIL" -q -r ptweb
	in_netns debian_nginx_serves
	# Exported and imported on the same machine: the same files, owners and modes.
	up=$STATEDIR/jails/ptweb/upper
	# (a directory's size says how many names it ever held, not what it holds: not compared)
	before=$(layer_list "$up")
	"$JEXPORT" ptweb "$WORK/web.tgz"
	mv "$STATEDIR/jails/ptweb" "$WORK/web.orig"
	"$JIMPORT" "$WORK/web.tgz"
	after=$(layer_list "$up")
	assert_eq "$after" "$before" "the imported layer's names, types, owners, modes and sizes"
	diff -r --no-dereference "$WORK/web.orig/upper" "$up" >/dev/null || fail "the imported layer's contents differ"
	in_netns debian_nginx_serves
	"$JBASE" -r ptbweb
	rm -rf "$STATEDIR/jails"/pt* "$WORK/web.orig"
}

test_debian_bad_input() {
	out=$("$JBASE" -c -D nosuchsuite ptbnosuite 2>&1) && fail "an unknown suite was built"
	assert_eq "$(echo "$out" | wc -l)" 1 "one line for an unknown suite: $out"
	assert_contains "$out" 'jbase: base "ptbnosuite": ' "the base named"
	[ -z "$(ls -A "$STATEDIR/bases" | grep -v '^\.lock$')" ] || fail "an unknown suite left $(ls -A "$STATEDIR/bases")"
	# A tarball cut short.
	tar -C "$ROOT" -czf "$WORK/cut.tar.gz" .
	head -c 20000 "$WORK/cut.tar.gz" >"$WORK/short.tar.gz"
	out=$("$JBASE" -c -t "$WORK/short.tar.gz" ptbshort 2>&1) && fail "a truncated tarball was unpacked"
	assert_eq "$(echo "$out" | wc -l)" 1 "one line for a truncated tarball: $out"
	[ -z "$(ls -A "$STATEDIR/bases" | grep -v '^\.lock$')" ] || fail "a truncated tarball left $(ls -A "$STATEDIR/bases")"
}
