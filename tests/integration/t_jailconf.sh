# jail.conf as FreeBSD reads it, proved on real jails: a numeric section is
# the jid, a dotted section a child made after its parent, "-f -" reads
# standard input, later statements override earlier ones.

# FreeBSD's jid_name_set test: "N { name = x; }" makes jail x with jid N.
test_jailconf_numeric_section_is_the_jid() {
	jid=5309
	while "$JLS" -j "$jid" jid >/dev/null 2>&1; do jid=$((jid + 1)); done
	printf '%s { name = ptjidname; path = "%s"; persist; }\n' "$jid" "$ROOT" >"$WORK/jid.conf"
	"$JAIL" -q -f "$WORK/jid.conf" -c "$jid"
	assert_eq "$("$JLS" -j "$jid" name)" ptjidname "the name set inside the numeric section"
	assert_eq "$("$JLS" -j ptjidname jid)" "$jid" "the jid given by the section's name"
	"$JAIL" -q -f "$WORK/jid.conf" -r "$jid"
	jail_gone ptjidname || fail "ptjidname is still there after jail -r $jid"

	# Without a name parameter, ${name} is the jid.
	printf '%s { path = "%s"; host.hostname = "pt${name}"; persist; }\n' "$jid" "$ROOT" >"$WORK/jid.conf"
	"$JAIL" -q -f "$WORK/jid.conf" -c "$jid"
	assert_eq "$("$JEXEC" "$jid" hostname)" "pt$jid" "the jid-implied name, from inside"
	"$JAIL" -q -f "$WORK/jid.conf" -r "$jid"
	assert_nothing_left
}

# jail -c web.php creates web first when the file has it; removing web removes web.php first.
test_jailconf_dotted_section_makes_the_parent_first() {
	cat >"$WORK/dotted.conf" <<CONF
path = "$ROOT";
persist;
ptweb.ptphp {
	host.hostname = php.example;
}
ptweb {
	children.max = 1;
}
CONF
	"$JAIL" -f "$WORK/dotted.conf" -c ptweb.ptphp >"$WORK/dotted.out"
	assert_eq "$(cat "$WORK/dotted.out")" "ptweb: created
ptweb.ptphp: created" "the parent created before its child"
	assert_eq "$("$JLS" -j ptweb.ptphp parent)" "$(jid_of ptweb)" "the child's parent"
	assert_eq "$("$JEXEC" ptweb.ptphp hostname)" php.example "the child's own section, from inside"
	"$JAIL" -f "$WORK/dotted.conf" -r ptweb >"$WORK/dotted.out"
	assert_eq "$(cat "$WORK/dotted.out")" "ptweb.ptphp: removed
ptweb: removed" "the child removed before its parent"
	assert_nothing_left
}

# pot pipes its configuration into jail -f-: the file is standard input.
test_jailconf_reads_standard_input() {
	printf 'ptstdin { path = "%s"; persist; host.hostname = "from.stdin"; }\n' "$ROOT" |
		"$JAIL" -q -f- -c ptstdin
	assert_eq "$("$JEXEC" ptstdin hostname)" from.stdin "the configuration read from a pipe"
	printf 'ptstdin { }\n' | "$JAIL" -q -f - -r ptstdin
	expect_error "jail: STDIN:1:9: expected ';' or '=', found '}'" sh -c "printf 'ptx { a }' | '$JAIL' -f - -c ptx"
	assert_nothing_left
}

# Later statements win, as in FreeBSD: the global allow.nomount after the
# section leaves mounting denied, and a later "*" section sets the hostname.
test_jailconf_later_statements_override() {
	cat >"$WORK/order.conf" <<CONF
ptorder {
	path = "$ROOT";
	persist;
	allow.mount;
	host.hostname = early.example;
}
* { host.hostname = late.example; }
allow.nomount;
CONF
	"$JAIL" -q -f "$WORK/order.conf" -c ptorder
	assert_eq "$("$JLS" -j ptorder allow.mount)" false "allow.mount after allow.nomount"
	assert_eq "$("$JEXEC" ptorder hostname)" late.example "the later wildcard section's hostname"
	"$JAIL" -q -r ptorder
	assert_nothing_left
}

# .include in a section, relative to the including file; /etc-style
# jail.conf including jail.conf.d/*.conf reads each file once.
test_jailconf_include_in_section_and_once() {
	mkdir -p "$WORK/cfg/conf.d"
	printf 'persist;\nhost.hostname = "$name.inc";\n' >"$WORK/cfg/conf.d/common.inc"
	printf 'exec.poststart += "echo poststart >> %s/once.log";\n' "$WORK" >"$WORK/cfg/conf.d/10-hooks.conf"
	cat >"$WORK/cfg/jail.conf" <<CONF
path = "$ROOT";
.include "conf.d/*.conf";
.include "conf.d/*.conf";
ptinc { .include "conf.d/common.inc"; }
CONF
	: >"$WORK/once.log"
	(cd / && "$JAIL" -q -f "$WORK/cfg/jail.conf" -c ptinc)
	assert_eq "$("$JEXEC" ptinc hostname)" ptinc.inc "the statements of the file included in the section"
	assert_eq "$(cat "$WORK/once.log")" poststart "the hook of a file included twice runs once"
	expect_error "jail: $WORK/cfg/conf.d/absent.conf: No such file or directory" \
		sh -c "printf '.include \"conf.d/absent.conf\";\n' > '$WORK/cfg/bad.conf' && '$JAIL' -f '$WORK/cfg/bad.conf' -e ,"
	"$JAIL" -q -r ptinc
	rm -rf "$WORK/cfg"
	assert_nothing_left
}

# With no -f: /etc/jail.conf and every /etc/jail.conf.d/*.conf, each read
# once, also when jail.conf includes the directory itself (as FreeBSD's
# rc.d setups write it).  Shown with jail -e in a mount namespace of its
# own where /etc is an overlay, so the host's /etc is never written.
test_jailconf_default_files_are_read_once() {
	local u=$WORK/etcup w=$WORK/etcwork
	rm -rf "$u" "$w"
	mkdir -p "$u/jail.conf.d" "$w"
	printf 'path = "/";\n.include "/etc/jail.conf.d/*.conf";\nptmain { persist; }\n' >"$u/jail.conf"
	printf 'ptdir { host.hostname = d; }\n' >"$u/jail.conf.d/ptdir.conf"
	out=$(unshare -m sh -c 'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$1,workdir=$2" /etc && "$3" -e "|"' \
		_ "$u" "$w" "$JAIL")
	assert_eq "$(echo "$out" | cut -d'|' -f1 | sort | tr '\n' ' ')" "name=ptdir name=ptmain " "each configured jail once"
	rm -rf "$u" "$w"
}
