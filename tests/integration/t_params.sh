# FreeBSD 15's parameters, stored or carried out, and the commands' FreeBSD options (issue 12).

# Every parameter of FreeBSD 15 that prison had refused, in one jail.conf and on one command line.
FREEBSD15_WORDS=(osreldate=1500000 host=new host.hostuuid=8f8e9d0a-0000-4000-8000-000000000001
	host.hostid=305419896 allow.sysvipc allow.mount.devfs allow.mount.fdescfs allow.mount.fusefs
	allow.mount.nullfs allow.mount.procfs allow.mount.tmpfs allow.mount.zfs allow.mount.linprocfs
	allow.mount.linsysfs allow.extattr allow.adjtime allow.settime allow.routing allow.nfsd allow.setaudit
	allow.unprivileged_parent_tampering allow.vmm linux=inherit linux.osname=Linux linux.osrelease=6.1.0
	linux.oss_version=198144 meta=owner=ops env=ROLE=web zfs.mount_snapshot exec.fib=0)

test_params_every_freebsd15_parameter_is_accepted_and_shown() {
	"$JAIL" -q -c name=ptall path="$ROOT" persist "${FREEBSD15_WORDS[@]}"
	out=$("$JLS" -j ptall -n)
	for w in "${FREEBSD15_WORDS[@]}"; do
		case $w in exec.fib=*) continue ;; esac # a parameter of jail(8), as exec.*: not the jail's
		assert_contains " $out " " $w " "jls -n shows $w"
	done
	assert_eq "$("$JLS" -j ptall osreldate host host.hostid linux.osrelease cpuset.id)" \
		"1500000 new 305419896 6.1.0 $(jid_of ptall)" "jls with the new parameters"
	"$JLS" -j ptall --libxo json -n >"$WORK/all.json"
	python3 - "$WORK/all.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))["jail-information"]["jail"][0]
assert j["osreldate"] == 1500000 and j["host.hostid"] == 305419896, j
assert j["allow.mount.tmpfs"] is True and j["allow.vmm"] is True and j["allow.sysvipc"] is True, j
assert j["meta"] == "owner=ops" and j["env"] == "ROLE=web" and j["linux"] == "inherit", j
PY
	assert_contains "$("$JLS" -j ptall -v)" "$(printf '        %s' "$(jid_of ptall)")" "jls -v shows the cpuset id"
	expect_error "jail: ptro: cpuset.id: parameter is read-only" "$JAIL" -c name=ptro path="$ROOT" cpuset.id=3
	{
		echo "ptconf {"
		echo "  path = \"$ROOT\"; persist;"
		for w in "${FREEBSD15_WORDS[@]}"; do echo "  $w;"; done | sed 's/=\(.*\);$/ = "\1";/'
		echo "}"
	} >"$WORK/all.conf"
	out=$("$JAIL" -f "$WORK/all.conf" -e '|')
	for w in "${FREEBSD15_WORDS[@]}"; do
		assert_contains "$out|" "|$w|" "jail -e shows $w"
	done
	"$JAIL" -q -f "$WORK/all.conf" -c ptconf
	assert_eq "$("$JLS" -j ptconf host.hostuuid exec.fib)" "8f8e9d0a-0000-4000-8000-000000000001 0" \
		"a jail.conf with every new parameter"
	expect_error 'jail: ptbadhost: host: unknown jailsys value "disable" (expected new or inherit)' \
		"$JAIL" -c name=ptbadhost path="$ROOT" host=disable
}

test_params_create_only_and_changeable_follow_freebsd() {
	"$JAIL" -q -c name=ptsplit path="$ROOT" persist osreldate=1400000 meta=a=1
	expect_error "jail: ptsplit: osreldate cannot be changed after creation" "$JAIL" -m name=ptsplit osreldate=1500000
	expect_error "jail: ptsplit: host cannot be changed after creation" "$JAIL" -m name=ptsplit host=inherit
	"$JAIL" -q -m name=ptsplit host.hostuuid=00000000-0000-0000-0000-00000000000a host.hostid=7 meta=b=2 \
		allow.settime allow.routing linux.osname=Other zfs.mount_snapshot
	assert_eq "$("$JLS" -j ptsplit host.hostuuid host.hostid meta allow.settime linux.osname zfs.mount_snapshot)" \
		"00000000-0000-0000-0000-00000000000a 7 b=2 true Other true" "changeable parameters changed"
	expect_error "jail: ptsplit: allow.mount.tmpfs cannot be changed on a running jail" \
		"$JAIL" -m name=ptsplit allow.mount.tmpfs
	# jail -m NAME and a boolean alone: a jail and a parameter, not two jails of jail.conf.
	"$JAIL" -q -m ptsplit allow.nosettime
	assert_eq "$("$JLS" -j ptsplit allow.settime)" false "jail -m NAME allow.nosettime"
	# FreeBSD's own create-only ones.
	for w in ip4=inherit ip6=inherit vnet=new path=/; do
		expect_error "jail: ptsplit: ${w%%=*} cannot be changed after creation" "$JAIL" -m name=ptsplit "$w"
	done
	assert_eq "$("$JLS" -j ptsplit ip4 ip6 vnet)" "disable disable inherit" "nothing changed by the refusals"
}

test_params_env_is_readable_inside_meta_is_not() {
	"$JAIL" -q -c name=ptenv path="$ROOT" persist meta="SECRET=host-only" env="ROLE=web
TIER=2
not a variable"
	assert_eq "$("$JEXEC" ptenv /bin/sh -c 'echo "$ROLE $TIER ${SECRET:-none}"')" "web 2 none" "env inside, meta not"
	assert_eq "$("$JEXEC" -l ptenv /bin/sh -c 'echo "$ROLE"')" web "env with jexec -l"
	assert_eq "$("$JAIL" -q -c name=ptenv2 path="$ROOT" env=ROLE=db command=/bin/sh -c 'echo $ROLE')" db "env for command="
	"$JAIL" -q -m name=ptenv env=ROLE=cache
	assert_eq "$("$JEXEC" ptenv /bin/sh -c 'echo $ROLE')" cache "env after jail -m"
	assert_eq "$("$JLS" -j ptenv meta)" SECRET=host-only "meta from the host"
	# FreeBSD's bound counts the terminating NUL: 4095 bytes of text fit, 4096 do not.
	long=$(head -c 4095 /dev/zero | tr '\0' x)
	"$JAIL" -q -m name=ptenv meta="$long"
	assert_eq "$("$JLS" -j ptenv meta | wc -c)" 4096 "meta of 4095 bytes"
	expect_error "jail: ptenv: meta: too large (at most 4095 bytes)" "$JAIL" -m name=ptenv meta="${long}x"
}

test_params_allow_sysvipc_is_sysv_inherit() {
	"$JAIL" -q -c name=ptipc path="$ROOT" persist allow.sysvipc
	assert_eq "$("$JLS" -j ptipc sysvmsg sysvsem sysvshm allow.sysvipc)" "inherit inherit inherit true" "allow.sysvipc"
	assert_eq "$("$JEXEC" ptipc readlink /proc/self/ns/ipc)" "$(readlink /proc/self/ns/ipc)" "the host's IPC namespace"
	"$JAIL" -q -c name=ptipc2 path="$ROOT" persist sysvshm=new allow.sysvipc
	assert_eq "$("$JLS" -j ptipc2 sysvmsg sysvshm)" "inherit new" "a sysv* given wins over allow.sysvipc"
	"$JAIL" -q -c name=ptipc3 path="$ROOT" persist allow.nosysvipc
	assert_eq "$("$JEXEC" ptipc3 /bin/probe shmget)" EPERM "allow.nosysvipc leaves SysV IPC off"
}

test_params_host_inherit_shares_the_host_names() {
	"$JAIL" -q -c name=pthost path="$ROOT" persist host=inherit
	assert_eq "$("$JEXEC" pthost hostname)" "$(hostname)" "host=inherit: the host's name"
	assert_eq "$("$JEXEC" pthost readlink /proc/self/ns/uts)" "$(readlink /proc/self/ns/uts)" "the host's UTS namespace"
	before=$(hostname)
	assert_eq "$("$JEXEC" pthost /bin/probe sethostname pt-evil)" EPERM "jail root cannot rename the host"
	expect_error "jail: pthost: host.hostname cannot be set with host=inherit" "$JAIL" -m name=pthost host.hostname=x
	assert_eq "$(hostname)" "$before" "the host's name after the attempts"
	expect_error "jail: pthost2: host.hostname and host.domainname cannot be set with host=inherit" \
		"$JAIL" -c name=pthost2 path="$ROOT" host=inherit host.hostname=x
	"$JAIL" -q -c name=pthost3 path="$ROOT" persist host.hostname=own
	assert_eq "$("$JEXEC" pthost3 hostname)" own "host=new keeps a name of its own"
}

test_params_allow_mount_fs_types() {
	mkdir -p "$ROOT/mnt"
	"$JAIL" -q -c name=pttmpfs path="$ROOT" persist allow.mount allow.mount.tmpfs
	assert_eq "$("$JEXEC" pttmpfs /bin/probe mount /mnt)" ok "allow.mount.tmpfs: tmpfs"
	assert_eq "$("$JEXEC" pttmpfs /bin/probe mountbind /bin /mnt)" EPERM "allow.mount.tmpfs: no nullfs"
	"$JAIL" -q -c name=ptnull path="$ROOT" persist allow.mount allow.mount.nullfs
	assert_eq "$("$JEXEC" ptnull /bin/probe mountbind /bin /mnt)" ok "allow.mount.nullfs: a bind"
	assert_eq "$("$JEXEC" ptnull /bin/probe mount /mnt)" EPERM "allow.mount.nullfs: no tmpfs"
	"$JAIL" -q -c name=ptnomount path="$ROOT" persist allow.mount.tmpfs
	assert_eq "$("$JEXEC" ptnomount /bin/probe mount /mnt)" EPERM "allow.mount.tmpfs without allow.mount"
	# Every other file system's word is a new file system's, as tmpfs's is: no bind.
	for fs in devfs fdescfs fusefs procfs zfs linprocfs linsysfs; do
		"$JAIL" -q -c name=ptfs$fs path="$ROOT" persist allow.mount allow.mount.$fs
		assert_eq "$("$JEXEC" ptfs$fs /bin/probe mount /mnt)" ok "allow.mount.$fs: a new file system"
		assert_eq "$("$JEXEC" ptfs$fs /bin/probe mountbind /bin /mnt)" EPERM "allow.mount.$fs: no nullfs"
		"$JAIL" -q -r ptfs$fs
	done
}

test_params_settime_never_reaches_the_host_clock() {
	"$JAIL" -q -c name=pttime path="$ROOT" persist allow.settime allow.adjtime
	assert_eq "$("$JEXEC" pttime /bin/probe settime)" EPERM "allow.settime: the host's clock stays the host's"
	assert_eq "$("$JEXEC" pttime /bin/probe adjtime)" EPERM "allow.adjtime: so does its adjustment"
}

# The other stored-only allow.* change nothing the kernel checks against
# the host's user namespace: set, they still give jail root none of it.
stored_allows_give_nothing() {
	"$JAIL" -q -c name=ptstored path="$ROOT" persist ip4=inherit allow.extattr allow.routing allow.nfsd \
		allow.setaudit allow.vmm
	"$JEXEC" ptstored touch /tmp/ptx
	assert_eq "$("$JEXEC" ptstored /bin/probe xattr /tmp/ptx trusted.prison)" EPERM "allow.extattr: no trusted attribute"
	assert_eq "$("$JEXEC" ptstored /bin/probe xattr /tmp/ptx user.prison)" ok "a user attribute, as without it"
	assert_contains "$("$JEXEC" ptstored ip route add 198.18.99.0/24 dev lo 2>&1)" "Operation not permitted" \
		"allow.routing: the host's routes stay the host's"
	ip route show | grep -q 198.18.99.0 && fail "a route of the jail's in the host's table"
	"$JAIL" -q -r ptstored
	assert_nothing_left
}
test_params_stored_allows_give_nothing() { in_netns stored_allows_give_nothing; }

test_params_jls_c_and_libxo_anywhere() {
	"$JAIL" -q -c name=ptjc path="$ROOT" persist
	assert_eq "$("$JLS" -c -j ptjc; echo "rc=$?")" "rc=0" "jls -c of a jail that exists"
	assert_eq "$("$JLS" -c -j ptnone 2>&1; echo "rc=$?")" "rc=1" "jls -c of a jail that does not"
	"$JLS" -j ptjc --libxo json name >"$WORK/jc.json"
	python3 -c 'import json, sys; j = json.load(open(sys.argv[1]))["jail-information"]["jail"]; assert j == [{"name": "ptjc"}], j' "$WORK/jc.json"
	"$JLS" -n -j ptjc --libxo=json >"$WORK/jc.json"
	python3 -c 'import json, sys; j = json.load(open(sys.argv[1]))["jail-information"]["jail"][0]; assert j["name"] == "ptjc", j' "$WORK/jc.json"
	assert_contains "$("$JLS" -j ptjc --libxo:xml name)" "<name>ptjc</name>" "--libxo:xml after the flags"
}

test_params_jexec_d_and_login_environment() {
	"$JAIL" -q -c name=ptjd path="$ROOT" persist
	assert_eq "$("$JEXEC" -d /etc ptjd pwd)" /etc "jexec -d"
	assert_eq "$("$JEXEC" -l -d /tmp -U jdoe ptjd pwd)" /tmp "jexec -d wins over -l's home"
	expect_error "jexec: ptjd: chdir /nonexistent: No such file or directory" "$JEXEC" -d /nonexistent ptjd pwd
	out=$(env -i TERM=vt100 FOO=host PRISON_RUNDIR="$PRISON_RUNDIR" PRISON_CGROUP="$PRISON_CGROUP" \
		PRISON_LOGDIR="$PRISON_LOGDIR" PRISON_STATEDIR="$PRISON_STATEDIR" "$JEXEC" -l -U jdoe ptjd env | sort | tr '\n' ' ')
	assert_eq "$out" "HOME=/home/jdoe LOGNAME=jdoe PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin:/home/jdoe/bin SHELL=/bin/sh TERM=vt100 USER=jdoe " \
		"jexec -l's environment"
}

test_params_jail_rc_from_the_command_line() {
	out=$("$JAIL" -rc name=ptrc path="$ROOT" persist host.hostname=one)
	assert_eq "$out" "ptrc: created" "jail -rc of a jail that does not run"
	init=$(init_pid_of "$(jid_of ptrc)")
	assert_eq "$("$JAIL" -rc name=ptrc path="$ROOT" persist host.hostname=two)" "ptrc: removed
ptrc: created" "jail -rc restarts without jail.conf"
	[ "$(init_pid_of "$(jid_of ptrc)")" != "$init" ] || fail "jail -rc left the old jailinit"
	assert_eq "$("$JLS" -j ptrc host.hostname)" two "the restarted jail has the new parameters"
	expect_error "jail: -rc needs jid= or name= to say which jail" "$JAIL" -rc path="$ROOT" persist
}

test_params_jail_cm_twice_is_idempotent() {
	words=(name=ptcm path="$ROOT" persist host.hostname=cm allow.mount mount.devfs osreldate=1400000 ip4=disable)
	assert_eq "$("$JAIL" -cm "${words[@]}")" "ptcm: created" "jail -cm the first time"
	assert_eq "$("$JAIL" -cm "${words[@]}")" "ptcm: updated" "jail -cm again with the same parameters"
	expect_error "jail: ptcm: path cannot be changed after creation" "$JAIL" -cm name=ptcm path=/ persist
}

# jail -f conf -cm NAME: created from its section when it does not run,
# changed to what the section now says when it does; a dependency that does
# not run is created, one that runs is left alone.
test_params_jail_cm_from_jail_conf() {
	cat >"$WORK/cm.conf" <<EOF
path = "$ROOT";
persist;
ptcmd { host.hostname = dep; }
ptcmc { depend = ptcmd; host.hostname = one; osreldate = 1400000; }
EOF
	assert_eq "$("$JAIL" -f "$WORK/cm.conf" -cm ptcmc)" "$(printf 'ptcmd: created\nptcmc: created')" "jail -f -cm the first time"
	assert_eq "$("$JAIL" -f "$WORK/cm.conf" -cm ptcmc)" "ptcmc: updated" "jail -f -cm again, nothing changed"
	sed -i 's/= one;/= two;/; s/= dep;/= dep2;/' "$WORK/cm.conf"
	assert_eq "$("$JAIL" -f "$WORK/cm.conf" -cm ptcmc)" "ptcmc: updated" "jail -f -cm after the section changed"
	assert_eq "$("$JLS" -j ptcmc host.hostname)" two "the running jail took the section's new value"
	assert_eq "$("$JLS" -j ptcmd host.hostname)" dep "a running dependency is left alone"
	sed -i 's/osreldate = 1400000/osreldate = 1500000/' "$WORK/cm.conf"
	expect_error "jail: ptcmc: osreldate cannot be changed after creation" "$JAIL" -f "$WORK/cm.conf" -cm ptcmc
	"$JAIL" -q -r ptcmc ptcmd
	assert_nothing_left
}

ports_reserved_on_inherit() {
	"$JAIL" -q -c name=ptport path="$ROOT" persist ip4=inherit ip6=inherit
	assert_eq "$("$JEXEC" ptport /bin/probe bind 127.0.0.1 80)" 127.0.0.1 "jail root binds port 80 on the host stack"
	assert_eq "$("$JEXEC" ptport /bin/probe bind ::1 80)" ::1 "and on IPv6"
	assert_eq "$("$JEXEC" -U jdoe ptport /bin/probe bind 127.0.0.1 80)" EACCES "a jail user does not"
	"$JAIL" -q -c name=ptport2 path="$ROOT" persist ip4=inherit ip6=inherit allow.noreserved_ports
	assert_eq "$("$JEXEC" ptport2 /bin/probe bind 127.0.0.1 80)" EACCES "allow.noreserved_ports"
}
test_params_inherit_lets_root_bind_reserved_ports() { in_netns ports_reserved_on_inherit; }

family_missing_is_eafnosupport() {
	"$JAIL" -q -c name=ptaf path="$ROOT" persist ip4=inherit
	assert_eq "$("$JEXEC" ptaf /bin/probe socket tcp6)" EAFNOSUPPORT "IPv6 socket of a jail without IPv6"
	assert_eq "$("$JEXEC" ptaf /bin/probe socket tcp4)" ok "IPv4 socket of the same jail"
	"$JAIL" -q -c name=ptaf6 path="$ROOT" persist ip6.addr=::1
	assert_eq "$("$JEXEC" ptaf6 /bin/probe socket tcp4)" EAFNOSUPPORT "IPv4 socket of an IPv6-only jail"
}
test_params_a_missing_family_is_eafnosupport() { in_netns family_missing_is_eafnosupport; }

test_params_meta_and_env_keys_as_freebsd15() {
	# The keys of FreeBSD 15's own jailmeta tests: a new key leads, a key set again
	# moves to the front, a bare key is empty, only the first '=' is syntax, and
	# words apply in order against the jail's text.
	"$JAIL" -q -c name=ptkv path="$ROOT" persist meta=a=1 env.ROLE=web
	assert_eq "$("$JLS" -j ptkv meta.a meta.nosuch env.ROLE)" '1 "" web' "keys read at creation"
	"$JAIL" -q -m name=ptkv meta.c=3 meta.b=2
	assert_eq "$("$JLS" -j ptkv meta)" "$(printf 'b=2\nc=3\na=1')" "new keys first"
	"$JAIL" -q -m name=ptkv meta.a=A meta.c=C
	assert_eq "$("$JLS" -j ptkv meta)" "$(printf 'c=C\na=A\nb=2')" "keys set again"
	"$JAIL" -q -m name=ptkv meta.b meta.a=
	assert_eq "$("$JLS" -j ptkv meta.a meta.b)" '"" ""' "empty keys"
	"$JAIL" -q -m name=ptkv meta.a=1 meta=ttt meta.b==
	assert_eq "$("$JLS" -j ptkv meta)" "$(printf 'b==\nttt')" "the whole text and keys, in order"
	assert_eq "$("$JLS" -j ptkv meta.b)" "=" "only the first = is syntax"
	assert_eq "$("$JLS" --libxo json -j ptkv meta.b meta.c)" \
		'{ "__version": "2", "jail-information": { "jail": [ { "meta.b": "=", "meta.c": "" } ] } }' "libxo"
	# env keys reach the jail's commands; meta keys never do.
	"$JAIL" -q -m name=ptkv env.TIER=2 meta.SECRET=host
	assert_eq "$("$JEXEC" ptkv /bin/sh -c 'echo "$ROLE $TIER ${SECRET:-none}"')" "web 2 none" "env keys inside"
	# The bound is FreeBSD's 4096 bytes with the terminating NUL, for the whole text.
	long=$(head -c 4090 /dev/zero | tr '\0' x)
	"$JAIL" -q -m name=ptkv env="X=$long"
	expect_error 'jail: ptkv: env: too large (at most 4095 bytes)' "$JAIL" -m name=ptkv env.Y=12345
	assert_eq "$("$JLS" -j ptkv env | wc -c)" 4093 "env unchanged after a refusal"
	"$JAIL" -q -r ptkv
	# jail.conf takes the same keys.
	cat >"$WORK/kv.conf" <<CONF
ptkvc { path = "$ROOT"; persist; meta.owner = ops; env.ROLE = "db"; }
CONF
	"$JAIL" -q -f "$WORK/kv.conf" -c ptkvc
	assert_eq "$("$JLS" -j ptkvc meta.owner env.ROLE)" "ops db" "keys from jail.conf"
	"$JAIL" -q -r ptkvc
	assert_nothing_left
}
