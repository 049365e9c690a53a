# prison-oci: linux.resources.hugepageLimits and .unified, as the jail's
# hugetlb.limit and cgroup.unified.  Uses t_oci.sh's helpers.

# Where the hugetlb controller is for jail $1: its cgroup2 cgroup, or its v1 hugetlb cgroup; "" for none.
ocihuge_dir() {
	local v1
	if grep -qw hugetlb "$CGROUP2/cgroup.controllers"; then
		cgroup_of "$1"
		return
	fi
	v1=$(v1_mount_of hugetlb)
	[ -z "$v1" ] || echo "$v1/$CGPREFIX/$(jid_of "$1")"
}

# The limit of 2 MB pages the kernel holds for jail $1, and the reservation's (cgroup2's or v1's files).
ocihuge_limit() {
	local d
	d=$(ocihuge_dir "$1")
	if [ -e "$d/hugetlb.2MB.max" ]; then echo "$(cat "$d/hugetlb.2MB.max") $(cat "$d/hugetlb.2MB.rsvd.max")"
	else echo "$(cat "$d/hugetlb.2MB.limit_in_bytes") $(cat "$d/hugetlb.2MB.rsvd.limit_in_bytes")"; fi
}

# Whether this host can give a jail four 2 MB huge pages: the controller, the size, and the pages themselves.
ocihuge_usable() {
	if ! grep -qw hugetlb "$CGROUP2/cgroup.controllers" && [ -z "$(v1_mount_of hugetlb)" ]; then
		echo "this host has no hugetlb cgroup controller: not tested" >&2
		return 1
	fi
	if [ ! -d /sys/kernel/mm/hugepages/hugepages-2048kB ]; then
		echo "this host has no 2 MB huge pages: not tested" >&2
		return 1
	fi
	return 0
}

# The host's huge page sizes in the kernel's names, smallest first: "2MB, 1GB".
ocihuge_sizes() {
	local d kb out=
	for kb in $(for d in /sys/kernel/mm/hugepages/hugepages-*kB; do d=${d##*-}; echo "${d%kB}"; done | sort -n); do
		if [ "$kb" -ge 1048576 ]; then kb="$((kb / 1048576))GB"; elif [ "$kb" -ge 1024 ]; then kb="$((kb / 1024))MB"; else kb="${kb}KB"; fi
		out="$out${out:+, }$kb"
	done
	echo "$out"
}

test_oci_hugepage_limits() {
	local b=$WORK/pthuge old sizes
	ocihuge_usable || return 0
	old=$(cat /proc/sys/vm/nr_hugepages)
	trap 'echo '"$old"' >/proc/sys/vm/nr_hugepages' EXIT
	# Four pages of the host's, as few as the test needs; the kernel may find fewer when memory is fragmented.
	echo 4 >/proc/sys/vm/nr_hugepages
	if [ "$(cat /sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages)" -lt 4 ]; then
		echo "the kernel could not make four free 2 MB huge pages: not tested" >&2
		return 0
	fi
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "600"]' \
		'c["linux"]["resources"]["hugepageLimits"] = [{"pageSize": "2MB", "limit": 4194304}]'
	"$OCI" run -d -b "$b" pthuge </dev/null
	assert_eq "$("$JLS" -j pthuge hugetlb.limit)" "2MB=4194304" "jls: hugetlb.limit of hugepageLimits"
	assert_eq "$(ocihuge_limit pthuge)" "4194304 4194304" "the kernel's limit and reservation limit of 2 MB pages"
	# Two pages of 2 MB in 4 MB: the third is refused inside, though the host has it.
	assert_eq "$("$OCI" exec pthuge /bin/probe huge 2048 4 </dev/null)" 2 "2 MB pages mapped under a 4 MB limit"
	# update: runc's other spelling of the size, and the limit raised.
	echo '{"hugepageLimits": [{"pageSize": "2048kB", "limit": 6291456}]}' | "$OCI" update -r - pthuge
	assert_eq "$("$JLS" -j pthuge hugetlb.limit)" "2MB=6291456" "jls: hugetlb.limit after update"
	assert_eq "$(ocihuge_limit pthuge)" "6291456 6291456" "the kernel's limit after update"
	assert_eq "$("$OCI" exec pthuge /bin/probe huge 2048 4 </dev/null)" 3 "2 MB pages mapped under a 6 MB limit"
	# An empty list is no limit: update lifts it.
	echo '{"hugepageLimits": []}' | "$OCI" update -r - pthuge
	# "max" is kept in whole pages, and read back as a number then.
	for v in $(ocihuge_limit pthuge); do
		[ "$v" = max ] || [ "${#v}" -ge 19 ] || fail "the limit after update with no hugepageLimits: $(ocihuge_limit pthuge)"
	done
	assert_eq "$("$OCI" exec pthuge /bin/probe huge 2048 4 </dev/null)" 4 "2 MB pages mapped with the limit lifted"
	# Refused on update, and nothing changed.
	echo '{"hugepageLimits": [{"pageSize": "2MB", "limit": "lots"}]}' |
		expect_error 'prison-oci: pthuge: linux.resources.hugepageLimits: 2MB: limit "lots": expected a number of bytes, 0 or more' \
			"$OCI" update -r - pthuge
	assert_eq "$("$JLS" -j pthuge hugetlb.limit)" "" "jls: hugetlb.limit after a refused update"
	"$OCI" delete --force pthuge
	assert_no_container pthuge
	# Bad input, refused by name, leaves nothing.
	sizes=$(ocihuge_sizes)
	oci_bundle "$b" 'c["linux"]["resources"]["hugepageLimits"] = [{"pageSize": "3MB", "limit": 4194304}]'
	expect_error "prison-oci: pthuge: linux.resources.hugepageLimits: hugetlb.limit: 3MB: this host has no huge pages of that size (it has $sizes)" \
		"$OCI" create -b "$b" pthuge
	assert_no_container pthuge
	oci_bundle "$b" 'c["linux"]["resources"]["hugepageLimits"] = [{"pageSize": "huge", "limit": 4194304}]'
	expect_error 'prison-oci: pthuge: linux.resources.hugepageLimits: pageSize "huge": not a huge page size such as 2MB or 1GB' \
		"$OCI" create -b "$b" pthuge
	assert_no_container pthuge
	oci_bundle "$b" 'c["linux"]["resources"]["hugepageLimits"] = [{"pageSize": "2MB", "limit": -1}]'
	expect_error 'prison-oci: pthuge: linux.resources.hugepageLimits: 2MB: limit -1: expected a number of bytes, 0 or more' \
		"$OCI" create -b "$b" pthuge
	assert_no_container pthuge
	oci_bundle "$b" 'c["linux"]["resources"]["hugepageLimits"] = [{"pageSize": "2MB", "limit": 1}, {"pageSize": "2048k", "limit": 2}]'
	expect_error 'prison-oci: pthuge: linux.resources.hugepageLimits: hugetlb.limit: 2MB: given twice' \
		"$OCI" create -b "$b" pthuge
	assert_no_container pthuge
	# The jail parameter by itself: rctl's amounts, changed with jail -m, 0 for no pages at all.
	"$JAIL" -q -c name=pthugej path="$ROOT" persist hugetlb.limit=2MB=2M
	assert_eq "$(ocihuge_limit pthugej)" "2097152 2097152" "the kernel's limit of hugetlb.limit=2MB=2M"
	assert_eq "$("$JEXEC" pthugej /bin/probe huge 2048 4)" 1 "2 MB pages mapped under hugetlb.limit=2MB=2M"
	"$JAIL" -q -m name=pthugej hugetlb.limit=2MB=0
	assert_eq "$("$JEXEC" pthugej /bin/probe huge 2048 4)" 0 "2 MB pages mapped under hugetlb.limit=2MB=0"
	expect_error 'jail: pthugej: hugetlb.limit: 2MB: "lots": not an amount such as 8388608 or 8M' \
		"$JAIL" -m name=pthugej hugetlb.limit=2MB=lots
	assert_eq "$(ocihuge_limit pthugej)" "0 0" "the kernel's limit after a refused jail -m"
	"$JAIL" -q -r pthugej
}

test_oci_unified() {
	local b=$WORK/ptuni v1ctl
	# cgroup2's own limit of the jail's subtree, there whatever the controllers.
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "600"]' \
		'c["linux"]["resources"]["unified"] = {"cgroup.max.descendants": "3", "cgroup.max.depth": "2"}'
	"$OCI" create -b "$b" ptuni </dev/null
	assert_eq "$(cat "$(cgroup_of ptuni)/cgroup.max.descendants") $(cat "$(cgroup_of ptuni)/cgroup.max.depth")" "3 2" \
		"cgroup.max.descendants and cgroup.max.depth of unified"
	assert_eq "$("$JLS" -j ptuni cgroup.unified)" "cgroup.max.descendants=3 cgroup.max.depth=2" "jls: cgroup.unified"
	# update writes the entries given; one the kernel refuses changes nothing.
	echo '{"unified": {"cgroup.max.descendants": "5"}}' | "$OCI" update -r - ptuni
	assert_eq "$(cat "$(cgroup_of ptuni)/cgroup.max.descendants")" 5 "cgroup.max.descendants after update"
	echo '{"unified": {"cgroup.max.descendants": "lots"}}' |
		expect_error 'prison-oci: ptuni: cgroup.unified: "cgroup.max.descendants" = "lots": Invalid argument' \
			"$OCI" update -r - ptuni
	assert_eq "$("$JLS" -j ptuni cgroup.unified)" "cgroup.max.descendants=5" "jls: cgroup.unified after a refused update"
	assert_eq "$(cat "$(cgroup_of ptuni)/cgroup.max.descendants")" 5 "cgroup.max.descendants after a refused update"
	"$OCI" delete --force ptuni
	assert_no_container ptuni
	# Keys that are no file of a controller, or prison's own files, refused before anything is made.
	oci_bundle "$b" 'c["linux"]["resources"]["unified"] = {"../hugetlb.2MB.max": "1"}'
	expect_error 'prison-oci: ptuni: linux.resources.unified: cgroup.unified: "../hugetlb.2MB.max": not a file of a controller (controller.file, such as hugetlb.2MB.max)' \
		"$OCI" create -b "$b" ptuni
	assert_no_container ptuni
	oci_bundle "$b" 'c["linux"]["resources"]["unified"] = {"cgroup.procs": "1"}'
	expect_error "prison-oci: ptuni: linux.resources.unified: cgroup.unified: \"cgroup.procs\": refused (the jail's cgroup.* files are prison's; only cgroup.max.depth and cgroup.max.descendants may be set)" \
		"$OCI" create -b "$b" ptuni
	assert_no_container ptuni
	oci_bundle "$b" 'c["linux"]["resources"]["unified"] = {"hugetlb.2MB.max": "1\n2"}'
	expect_error 'prison-oci: ptuni: linux.resources.unified: cgroup.unified: "hugetlb.2MB.max": the value is to be one line of printable text, not empty' \
		"$OCI" create -b "$b" ptuni
	assert_no_container ptuni
	oci_bundle "$b" 'c["linux"]["resources"]["unified"] = {"hugetlb.2MB.max": 1}'
	expect_error 'prison-oci: ptuni: linux.resources.unified: "hugetlb.2MB.max": the value is not a string' \
		"$OCI" create -b "$b" ptuni
	assert_no_container ptuni
	# Refused when the jail is made, and undone: a value the kernel refuses, a file it does not have.
	oci_bundle "$b" 'c["linux"]["resources"]["unified"] = {"cgroup.max.depth": "lots"}'
	expect_error 'prison-oci: ptuni: cgroup.unified: "cgroup.max.depth" = "lots": Invalid argument' \
		"$OCI" create -b "$b" ptuni
	assert_no_container ptuni
	oci_bundle "$b" 'c["linux"]["resources"]["unified"] = {"cgroup.max.width": "1"}'
	expect_error "prison-oci: ptuni: linux.resources.unified: cgroup.unified: \"cgroup.max.width\": refused (the jail's cgroup.* files are prison's; only cgroup.max.depth and cgroup.max.descendants may be set)" \
		"$OCI" create -b "$b" ptuni
	# A controller that is cgroup v1's here (prison's own limits of it are there): refused by name.
	for v1ctl in pids hugetlb; do
		[ -n "$(v1_mount_of $v1ctl)" ] && ! grep -qw $v1ctl "$CGROUP2/cgroup.controllers" || continue
		oci_bundle "$b" 'c["linux"]["resources"]["unified"] = {"'$v1ctl'.max": "10"}'
		expect_error "prison-oci: ptuni: cgroup.unified: \"$v1ctl.max\": the $v1ctl controller is cgroup v1's on this host, not cgroup2's (prison sets its limits there)" \
			"$OCI" create -b "$b" ptuni
		assert_no_container ptuni
	done
}

# Where cgroup2 has hugetlb: an entry of unified wins over hugepageLimits'
# limit of the same file (the reservation's stays hugepageLimits'), and a
# size the host lacks has no file.
test_oci_unified_over_hugepage_limits() {
	local b=$WORK/ptunh
	if ! grep -qw hugetlb "$CGROUP2/cgroup.controllers" || [ ! -d /sys/kernel/mm/hugepages/hugepages-2048kB ]; then
		echo "this host's cgroup2 has no hugetlb controller or no 2 MB pages: not tested" >&2
		return 0
	fi
	oci_bundle "$b" 'c["process"]["args"] = ["/bin/sleep", "600"]' \
		'c["linux"]["resources"]["hugepageLimits"] = [{"pageSize": "2MB", "limit": 4194304}]' \
		'c["linux"]["resources"]["unified"] = {"hugetlb.2MB.max": "8388608"}'
	"$OCI" create -b "$b" ptunh </dev/null
	assert_eq "$(ocihuge_limit ptunh)" "8388608 4194304" "hugetlb.2MB.max of unified over hugepageLimits"
	# prison's limits written again (an update of hugepageLimits): the entry still wins.
	echo '{"hugepageLimits": [{"pageSize": "2MB", "limit": 2097152}]}' | "$OCI" update -r - ptunh
	assert_eq "$(ocihuge_limit ptunh)" "8388608 2097152" "hugetlb.2MB.max of unified after update of hugepageLimits"
	echo '{"unified": {"hugetlb.4MB.max": "2097152"}}' |
		expect_error 'prison-oci: ptunh: cgroup.unified: "hugetlb.4MB.max": the jail'"'"'s cgroup has no such file' \
			"$OCI" update -r - ptunh
	"$OCI" delete --force ptunh
	assert_no_container ptunh
}
