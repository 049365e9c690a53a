# containerd (Debian 12's 1.6) with prison-oci as the runc v2 shim's binary, on an image imported offline.
# The containerd is the test's own: its root, state, sockets and runc root under the test's directory.

# ctr_image_archive ROOTFS OUT NAME: an OCI image archive of ROOTFS's tree, one uncompressed layer.
ctr_image_archive() {
	python3 - "$1" "$2" "$3" <<'PY'
import hashlib, io, json, os, sys, tarfile
rootfs, out, name = sys.argv[1:]
blobs = {}
def blob(data):
    d = hashlib.sha256(data).hexdigest()
    blobs[d] = data
    return {"digest": "sha256:" + d, "size": len(data)}
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode="w", format=tarfile.PAX_FORMAT) as t:
    for entry in sorted(os.listdir(rootfs)):
        t.add(os.path.join(rootfs, entry), arcname=entry)
    # The mount points containerd's default spec names and the busybox root has not.
    for d in ("run",):
        if not os.path.exists(os.path.join(rootfs, d)):
            i = tarfile.TarInfo(d); i.type = tarfile.DIRTYPE; i.mode = 0o755
            t.addfile(i)
layer = layer.getvalue()
ldesc = dict(blob(layer), mediaType="application/vnd.oci.image.layer.v1.tar")
config = json.dumps({"architecture": "amd64", "os": "linux",
                     "config": {"Cmd": ["/bin/sh"], "Env": ["PATH=/bin"]},
                     "rootfs": {"type": "layers", "diff_ids": [ldesc["digest"]]}}).encode()
cdesc = dict(blob(config), mediaType="application/vnd.oci.image.config.v1+json")
manifest = json.dumps({"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
                       "config": cdesc, "layers": [ldesc]}).encode()
mdesc = dict(blob(manifest), mediaType="application/vnd.oci.image.manifest.v1+json",
             annotations={"io.containerd.image.name": name, "org.opencontainers.image.ref.name": name.split(":")[-1]})
index = json.dumps({"schemaVersion": 2, "manifests": [mdesc]}).encode()
with tarfile.open(out, "w") as t:
    def put(path, data):
        i = tarfile.TarInfo(path); i.size = len(data); i.mode = 0o644
        t.addfile(i, io.BytesIO(data))
    put("oci-layout", b'{"imageLayoutVersion": "1.0.0"}')
    put("index.json", index)
    for d, data in blobs.items():
        put("blobs/sha256/" + d, data)
PY
}

# The test's containerd: config, start, wait for its socket; CTR_PID and CTR_DIR set.
ctr_start() {
	CTR_DIR=$WORK/ctr
	mkdir -p "$CTR_DIR"
	cat >"$CTR_DIR/config.toml" <<EOF
version = 2
root = "$CTR_DIR/root"
state = "$CTR_DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs",
	"io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs", "io.containerd.internal.v1.opt",
	"io.containerd.snapshotter.v1.overlayfs"]
[grpc]
  address = "$CTR_DIR/containerd.sock"
[ttrpc]
  address = "$CTR_DIR/containerd.sock.ttrpc"
[debug]
  address = "$CTR_DIR/debug.sock"
[metrics]
  address = ""
EOF
	containerd --config "$CTR_DIR/config.toml" >"$CTR_DIR/containerd.log" 2>&1 &
	CTR_PID=$!
	wait_until 20 "containerd's socket" ctr_up
}

# Every task and container of the test's namespace, then containerd by its pid, then its directories.
ctr_stop() {
	local c
	for c in $(ctrx containers list -q 2>/dev/null); do
		ctrx task kill -s KILL "$c" >/dev/null 2>&1 || true
		ctrx task delete -f "$c" >/dev/null 2>&1 || true
		ctrx containers delete "$c" >/dev/null 2>&1 || true
	done
	kill "$CTR_PID" 2>/dev/null || true
	wait "$CTR_PID" 2>/dev/null || true
	# The shims of tasks that could not be deleted end with their tasks; a shim left is the test's failure.
	umount -R "$CTR_DIR/state" 2>/dev/null || true
	rm -rf "$CTR_DIR"
}

ctr_up() {
	ctr --address "$CTR_DIR/containerd.sock" version >/dev/null 2>&1
}

ctrx() {
	ctr --address "$CTR_DIR/containerd.sock" --namespace prison-test "$@"
}

ctr_run_args() {
	echo --snapshotter native --runc-binary "$OCI" --runc-root "$CTR_DIR/runc"
}

test_ctr_runc_v2_shim_runs_prison_oci() {
	local rc=0 out
	ctr_start
	trap ctr_stop EXIT
	ctr_image_archive "$ROOT" "$WORK/ctr-image.tar" docker.io/library/prison-test:1
	ctrx image import --snapshotter native "$WORK/ctr-image.tar" >/dev/null
	assert_contains "$(ctrx image list -q)" docker.io/library/prison-test:1 "the imported image"
	# run --rm: the process's output and exit status, in a jail prison's jls lists while it runs.
	ctrx run --rm $(ctr_run_args) docker.io/library/prison-test:1 ptctr1 /bin/sh -c 'echo hello; exit 3' \
		>"$WORK/ctr1.out" 2>&1 </dev/null || rc=$?
	assert_eq "$rc" 3 "ctr run --rm: the exit status (output: $(head -c 600 "$WORK/ctr1.out"))"
	assert_eq "$(tr -d '\r' <"$WORK/ctr1.out")" hello "ctr run --rm: the output"
	assert_not_contains "$("$JLS" -N)" " ptctr1 " "the jail after run --rm"
	# -d, then exec, kill, delete.
	ctrx run -d --null-io $(ctr_run_args) docker.io/library/prison-test:1 ptctr2 /bin/sleep 600 </dev/null >/dev/null
	wait_until 10 "the task running" sh -c "ctr --address '$CTR_DIR/containerd.sock' -n prison-test task ls | grep -q 'ptctr2.*RUNNING'"
	assert_eq "$("$JLS" -j ptctr2 name)" ptctr2 "the container is a jail"
	assert_contains "$("$JLS" -j ptctr2 oci.bundle)" "ptctr2" "its bundle"
	out=$(ctrx task exec --exec-id e1 ptctr2 /bin/sh -c 'echo in; hostname; cat /proc/1/cmdline | tr "\0" " "' </dev/null)
	assert_eq "$(echo "$out" | head -1 | tr -d '\r')" in "ctr task exec"
	assert_contains "$("$JEXEC" ptctr2 ps)" "sleep 600" "jexec sees the task's process"
	rc=0
	ctrx task exec --exec-id e2 ptctr2 /bin/sh -c 'exit 5' </dev/null || rc=$?
	assert_eq "$rc" 5 "ctr task exec: the exit status"
	ctrx task kill -s TERM ptctr2
	wait_until 10 "the task stopped" sh -c "ctr --address '$CTR_DIR/containerd.sock' -n prison-test task ls | grep -q 'ptctr2.*STOPPED'"
	ctrx task delete ptctr2 >/dev/null
	ctrx containers delete ptctr2
	assert_not_contains "$("$JLS" -N)" " ptctr2 " "the jail after task delete"
	[ -z "$(ls -A "$CTR_DIR/runc/prison-test" 2>/dev/null)" ] || fail "state left in the runc root: $(ls "$CTR_DIR/runc/prison-test")"
	ctr_stop
	trap - EXIT
	pid_gone "$CTR_PID" || fail "containerd $CTR_PID still running"
	[ ! -e "$CTR_DIR" ] || fail "containerd's directories left"
}
