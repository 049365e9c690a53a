/*
 * config.json's linux object (runtime-spec config-linux.md) onto a jail's
 * parameters: namespaces, resources, the masked and read-only paths.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cglimit.h"
#include "fstab.h"
#include "ifname.h"
#include "ociconfig.h"
#include "util.h"

/* Every namespace a jail has of its own; network and ipc decide how it is networked and what IPC it sees. */
struct ns_seen {
	bool pid, mount, network, ipc, joined_net;
};

/*
 * A namespace joined by path (a pod's): network, IPC and UTS, through the
 * jail's ns.* parameters (nsjoin.h); never a user, mount, PID or cgroup
 * namespace, which a jail always has of its own.
 */
static int map_joined(const char *type, struct json_object *path, struct ns_seen *seen, struct oci_config *c,
		      struct perr *e)
{
	static const struct {
		const char *type;
		int param;
	} joinable[] = { { "network", P_NS_NET }, { "ipc", P_NS_IPC }, { "uts", P_NS_UTS } };

	if (!json_object_is_type(path, json_type_string) || json_object_get_string_len(path) == 0)
		return perr_setx(e, EINVAL, "linux.namespaces: %s: path is not a string", type);
	for (size_t i = 0; i < ARRAY_SIZE(joinable); i++)
		if (strcmp(type, joinable[i].type) == 0) {
			seen->joined_net |= joinable[i].param == P_NS_NET;
			seen->ipc |= joinable[i].param == P_NS_IPC;
			return param_set(&c->params, joinable[i].param, json_object_get_string(path), e);
		}
	if (strcmp(type, "user") == 0)
		return perr_setx(e, EPERM, "linux.namespaces: user: path \"%s\": refused (a container's user namespace "
					   "and id range are its own)", json_object_get_string(path));
	return perr_setx(e, EPERM, "linux.namespaces: %s: path \"%s\": refused (a container's %s namespace is its own)",
			 type, json_object_get_string(path), type);
}

static int map_namespace(struct json_object *ns, struct ns_seen *seen, struct oci_config *c, struct perr *e)
{
	struct json_object *t = oci_get(ns, "type");
	const char *type = t ? json_object_get_string(t) : "";

	if (!t || !json_object_is_type(t, json_type_string))
		return perr_setx(e, EINVAL, "linux.namespaces: an entry without a type");
	if (strcmp(type, "pid") == 0)
		seen->pid = true;
	else if (strcmp(type, "mount") == 0)
		seen->mount = true;
	else if (strcmp(type, "network") == 0)
		seen->network = true;
	else if (strcmp(type, "ipc") == 0)
		seen->ipc = true;
	else if (strcmp(type, "uts") != 0 && strcmp(type, "user") != 0 && strcmp(type, "cgroup") != 0)
		return perr_setx(e, EINVAL, "linux.namespaces: \"%s\": not supported", type);
	return oci_get(ns, "path") ? map_joined(type, oci_get(ns, "path"), seen, c, e) : 0;
}

static int map_namespaces(struct json_object *list, struct oci_config *c, struct perr *e)
{
	struct ns_seen seen = { 0 };
	static const int sysv[] = { P_SYSVMSG, P_SYSVSEM, P_SYSVSHM };

	if (list && !json_object_is_type(list, json_type_array))
		return perr_setx(e, EINVAL, "linux.namespaces: not an array");
	for (size_t i = 0; list && i < json_object_array_length(list); i++)
		if (map_namespace(json_object_array_get_idx(list, i), &seen, c, e) < 0)
			return -1;
	/* A jail always has its own: it cannot share the host's processes or mounts. */
	if (!seen.pid || !seen.mount)
		return perr_setx(e, EINVAL, "linux.namespaces: a container always has its own %s namespace: list it",
				 seen.pid ? "mount" : "pid");
	/* Without a network namespace, the host's stack, as ip4=inherit; with one, a vnet jail; joined, the other's. */
	if (!seen.joined_net && (seen.network ? param_set(&c->params, P_VNET, "new", e) < 0
					      : param_set(&c->params, P_IP4, "inherit", e) < 0 ||
							param_set(&c->params, P_IP6, "inherit", e) < 0))
		return -1;
	c->own_net = seen.network;
	c->own_ipc = seen.ipc;
	for (size_t i = 0; !seen.ipc && i < ARRAY_SIZE(sysv); i++)
		if (param_set(&c->params, sysv[i], "inherit", e) < 0)
			return -1;
	return 0;
}

static bool nonempty(struct json_object *o)
{
	if (!o)
		return false;
	if (json_object_is_type(o, json_type_array))
		return json_object_array_length(o) > 0;
	if (json_object_is_type(o, json_type_object))
		return json_object_object_length(o) > 0;
	return true;
}

/* One "HOST:INSIDE" entry more of vnet.interface. */
static int add_netdevice(char *list, size_t len, const char *host, struct json_object *dev, struct perr *e)
{
	struct json_object *name = oci_get(dev, "name");
	const char *inside = host;
	size_t used = strlen(list);
	int n;

	if (!json_object_is_type(dev, json_type_object))
		return perr_setx(e, EINVAL, "linux.netDevices: %s: not an object", host);
	if (name && !json_object_is_type(name, json_type_string))
		return perr_setx(e, EINVAL, "linux.netDevices: %s: name is not a string", host);
	if (name && json_object_get_string_len(name) > 0)
		inside = json_object_get_string(name);
	if (ifname_check(host, e) < 0 || ifname_check(inside, e) < 0)
		return perr_prefix(e, "linux.netDevices");
	n = snprintf(list + used, len - used, "%s%s:%s", used ? "," : "", host, inside);
	if (n < 0 || (size_t)n >= len - used)
		return perr_setx(e, E2BIG, "linux.netDevices: too many devices");
	return 0;
}

/*
 * linux.netDevices: host devices moved into the container's own network
 * namespace under the names given, and back under their own when it is
 * deleted: vnet.interface's "HOST:INSIDE" entries (ifmove.h).
 */
static int map_netdevices(struct json_object *devs, struct oci_config *c, struct perr *e)
{
	char list[1024] = "";

	if (!devs || (json_object_is_type(devs, json_type_object) && json_object_object_length(devs) == 0))
		return 0;
	if (!json_object_is_type(devs, json_type_object))
		return perr_setx(e, EINVAL, "linux.netDevices: not an object");
	if (!c->own_net || param_str(&c->params, P_NS_NET))
		return perr_setx(e, EINVAL, "linux.netDevices: refused (devices move only into a network namespace of "
					    "the container's own, not the host's or a joined one)");
	json_object_object_foreach(devs, host, dev)
	{
		if (add_netdevice(list, sizeof(list), host, dev, e) < 0)
			return -1;
	}
	return param_set(&c->params, P_VNET_INTERFACE, list, e) < 0 ? perr_prefix(e, "linux.netDevices") : 0;
}

/* Fields of o that are refused when set: prefix names o in the message. */
static int refuse_set(struct json_object *o, const char *prefix, const char *const *keys, struct perr *e)
{
	for (; *keys; keys++)
		if (nonempty(oci_get(o, *keys)))
			return perr_setx(e, EINVAL, "%s.%s: not supported yet", prefix, *keys);
	return 0;
}

/* One rctl rule "resource:deny=amount" more. */
static int add_rule(char *rules, size_t len, const char *resource, long long v, struct perr *e)
{
	char one[64];

	snprintf(one, sizeof(one), "%s:deny=%lld", resource, v);
	if (!csv_add_unique(rules, len, one))
		return perr_setx(e, E2BIG, "linux.resources: too many limits");
	return 0;
}

/*
 * A limit of linux.resources: 1 with *ret for a limit, 0 for none given
 * (missing, or 0, which runc leaves as it is), 2 for -1, runc's "no limit",
 * whose resource goes on lift for update to remove its rule.
 */
static int limit_of(struct json_object *o, const char *key, const char *what, long long *ret, struct perr *e)
{
	struct json_object *v = oci_get(o, key);

	*ret = v ? json_object_get_int64(v) : 0;
	if (!v || *ret == 0)
		return 0;
	if (*ret == -1)
		return 2;
	if (*ret < 0)
		return perr_setx(e, EINVAL, "linux.resources.%s.%s: %lld: expected -1 (no limit) or a limit", what, key,
				 *ret);
	return 1;
}

static int lift(struct oci_config *c, const char *resource, struct perr *e)
{
	if (!csv_add_unique(c->lift, sizeof(c->lift), resource))
		return perr_setx(e, E2BIG, "linux.resources: too many limits lifted");
	return 0;
}

static int map_memory(struct json_object *m, struct oci_config *c, char *rules, size_t len, struct perr *e)
{
	/*
	 * kernel and kernelTCP, deprecated by runtime-spec 1.1 (cgroup2 has no
	 * separate kernel limit; kernel memory counts in memory.limit), are
	 * taken and ignored, as runc does.
	 */
	static const char *const refused[] = { "swappiness", "checkBeforeUpdate", NULL };
	struct json_object *oom = oci_get(m, "disableOOMKiller");
	long long limit, swap, low;
	int rl, rs, rr;
	char num[32];

	if (refuse_set(m, "linux.resources.memory", refused, e) < 0)
		return -1;
	/* false is the kernel's default, as for crun and runc; true only v1's memory.oom_control could hold. */
	if (oom && json_object_get_boolean(oom))
		return perr_setx(e, EINVAL, "linux.resources.memory.disableOOMKiller: not supported yet (cgroup v1's "
					    "memory.oom_control only: cgroup2 has no such switch)");
	/* reservation: the jail's memory.low (a soft floor: kept from reclaim while others have more). */
	if ((rr = limit_of(m, "reservation", "memory", &low, e)) < 0)
		return -1;
	if (rr == 1) {
		snprintf(num, sizeof(num), "%lld", low);
		if (param_set(&c->params, P_MEMORY_LOW, num, e) < 0)
			return -1;
	}
	if (rr == 2 && param_set(&c->params, P_MEMORY_LOW, "", e) < 0)
		return -1;
	if ((rl = limit_of(m, "limit", "memory", &limit, e)) < 0 || (rs = limit_of(m, "swap", "memory", &swap, e)) < 0)
		return -1;
	if (rl == 1 && add_rule(rules, len, "memoryuse", limit, e) < 0)
		return -1;
	/* No memory limit: OCI's swap (memory and swap together) has nothing to be counted above. */
	if (rl == 2 && (lift(c, "memoryuse", e) < 0 || (rs != 1 && lift(c, "swapuse", e) < 0)))
		return -1;
	if (rs == 2 && lift(c, "swapuse", e) < 0)
		return -1;
	/* OCI's swap is memory and swap together; rctl's swapuse is the swap alone. */
	if (rs == 1) {
		if (rl != 1 || swap < limit)
			return perr_setx(e, EINVAL, "linux.resources.memory.swap: must be at least memory.limit");
		if (add_rule(rules, len, "swapuse", swap - limit, e) < 0)
			return -1;
	}
	return 0;
}

static int map_cpu(struct json_object *cpu, struct oci_config *c, char *rules, size_t len, struct perr *e)
{
	static const char *const refused[] = { "realtimeRuntime", "realtimePeriod", "idle", "burst", NULL };
	struct json_object *v;
	long long quota = 0, period = 100000;
	char num[32];
	int rq;

	if (refuse_set(cpu, "linux.resources.cpu", refused, e) < 0)
		return -1;
	if ((v = oci_get(cpu, "shares")) && json_object_get_int64(v) > 0) {
		/* In v1's unit, for whichever layout has the CPU controller to take (cg_cpu_shares, cg_cpu_weight). */
		long long s = json_object_get_int64(v);
		s = s < 2 ? 2 : s > 262144 ? 262144 : s;
		snprintf(num, sizeof(num), "%lld", s);
		if (param_set(&c->params, P_CPU_SHARES, num, e) < 0)
			return -1;
	}
	if ((v = oci_get(cpu, "period")) && json_object_get_int64(v) > 0)
		period = json_object_get_int64(v);
	if ((rq = limit_of(cpu, "quota", "cpu", &quota, e)) < 0 || (rq == 2 && lift(c, "pcpu", e) < 0))
		return -1;
	if (rq == 1) {
		long long pct = (quota * 100 + period - 1) / period;
		if (add_rule(rules, len, "pcpu", pct, e) < 0)
			return -1;
	}
	if ((v = oci_get(cpu, "cpus")) && json_object_get_string_len(v) > 0 &&
	    param_set(&c->params, P_CPUSET_CPUS, json_object_get_string(v), e) < 0)
		return -1;
	if ((v = oci_get(cpu, "mems")) && json_object_get_string_len(v) > 0 &&
	    param_set(&c->params, P_CPUSET_MEMS, json_object_get_string(v), e) < 0)
		return -1;
	return 0;
}

/* The entry of device maj:min in io.device's text (cg_parse_iodev), made if missing; NULL when full. */
static char *iodev_entry_of(char (*ent)[160], size_t *n, long long maj, long long min)
{
	char dev[48];

	snprintf(dev, sizeof(dev), "%lld:%lld", maj, min);
	for (size_t i = 0; i < *n; i++)
		if (strncmp(ent[i], dev, strlen(dev)) == 0 && ent[i][strlen(dev)] == ' ')
			return ent[i];
	if (*n == CG_MAX_IODEV)
		return NULL;
	snprintf(ent[*n], sizeof(ent[*n]), "%s", dev);
	return ent[(*n)++];
}

/* One list of blockIO (weightDevice or a throttle*Device) into the entries, as key=value of each device. */
static int iodev_list(struct json_object *list, const char *what, const char *key, const char *field,
		      char (*ent)[160], size_t *n, struct perr *e)
{
	if (!list)
		return 0;
	if (!json_object_is_type(list, json_type_array))
		return perr_setx(e, EINVAL, "linux.resources.blockIO.%s: not an array", what);
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *d = json_object_array_get_idx(list, i), *v = oci_get(d, field);
		struct json_object *ma = oci_get(d, "major"), *mi = oci_get(d, "minor");
		char *entry;
		if (!ma || !mi || !v)
			return perr_setx(e, EINVAL, "linux.resources.blockIO.%s: an entry without major, minor and %s",
					 what, field);
		if (oci_get(d, "leafWeight"))
			return perr_setx(e, EINVAL, "linux.resources.blockIO.%s.leafWeight: not supported (cgroup v1's "
					 "CFQ only)", what);
		entry = iodev_entry_of(ent, n, json_object_get_int64(ma), json_object_get_int64(mi));
		if (!entry)
			return perr_setx(e, E2BIG, "linux.resources.blockIO: more than %d devices", CG_MAX_IODEV);
		size_t len = strlen(entry);
		snprintf(entry + len, 160 - len, " %s=%lld", key, (long long)json_object_get_int64(v));
	}
	return 0;
}

/*
 * linux.resources.blockIO as the jail's io.device (cglimit.h): the weight
 * as its default, weightDevice's weights, and the four throttle lists'
 * rates.  leafWeight (cgroup v1's CFQ, gone from Linux) is refused.
 */
static int map_blockio(struct json_object *bio, struct oci_config *c, struct perr *e)
{
	struct json_object *w = oci_get(bio, "weight");
	static const struct { const char *list, *key; } throttle[] = {
		{ "throttleReadBpsDevice", "rbps" }, { "throttleWriteBpsDevice", "wbps" },
		{ "throttleReadIOPSDevice", "riops" }, { "throttleWriteIOPSDevice", "wiops" },
	};
	char ent[CG_MAX_IODEV][160], text[CG_MAX_IODEV * 162] = "";
	size_t n = 0, len = 0;

	/* crun and runc write it to blkio.leaf_weight, which no kernel since 5.0 has: they fail too. */
	if (nonempty(oci_get(bio, "leafWeight")))
		return perr_setx(e, EINVAL, "linux.resources.blockIO.leafWeight: not supported (cgroup v1's CFQ only)");
	if (iodev_list(oci_get(bio, "weightDevice"), "weightDevice", "weight", "weight", ent, &n, e) < 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(throttle); i++)
		if (iodev_list(oci_get(bio, throttle[i].list), throttle[i].list, throttle[i].key, "rate", ent, &n, e) < 0)
			return -1;
	if (w && json_object_get_int64(w) > 0)
		len += (size_t)snprintf(text, sizeof(text), "default weight=%lld", (long long)json_object_get_int64(w));
	if (n == 0 && len == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, sizeof(text) - len, "%s%s", len ? ", " : "", ent[i]);
	/* Checked here, so that the field is named; the jail checks it again when its limits are made. */
	struct cg_limits l;
	if (cg_parse_iodev(text, &l, e) < 0)
		return perr_prefix(e, "linux.resources.blockIO");
	return param_set(&c->params, P_IO_DEVICE, text, e);
}

int oci_map_resources(struct json_object *res, struct oci_config *c, struct perr *e)
{
	static const char *const refused[] = { "network", "rdma", NULL };
	char rules[512] = "";
	long long pids;
	int rp;

	if (!res)
		return 0;
	if (refuse_set(res, "linux.resources", refused, e) < 0)
		return -1;
	if (oci_get(res, "memory") && map_memory(oci_get(res, "memory"), c, rules, sizeof(rules), e) < 0)
		return -1;
	if (oci_get(res, "cpu") && map_cpu(oci_get(res, "cpu"), c, rules, sizeof(rules), e) < 0)
		return -1;
	if (oci_get(res, "blockIO") && map_blockio(oci_get(res, "blockIO"), c, e) < 0)
		return -1;
	if (oci_map_cgroup_extra(res, c, e) < 0)
		return -1;
	if ((rp = limit_of(oci_get(res, "pids"), "limit", "pids", &pids, e)) < 0 || (rp == 2 && lift(c, "maxproc", e) < 0))
		return -1;
	if (rp == 1 && add_rule(rules, sizeof(rules), "maxproc", pids, e) < 0)
		return -1;
	return rules[0] ? param_set(&c->params, P_RCTL, rules, e) : 0;
}

/*
 * What a jail masks (its /proc files and directories) and keeps read-only
 * anyway: listed paths prison covers are taken; any other is refused, so
 * that nothing is pretended.
 */
static bool covered(const char *path, bool masked)
{
	static const char *const hidden[] = { "/proc/acpi", "/proc/asound", "/proc/scsi", "/proc/irq", "/proc/bus",
					      "/proc/kcore", "/proc/keys", "/proc/timer_list", "/proc/sched_debug",
					      "/proc/latency_stats", "/proc/timer_stats", "/proc/interrupts",
					      "/proc/sysrq-trigger", "/proc/kallsyms", "/proc/modules", NULL };
	/*
	 * /proc/asound's files are host root's, and jail root is not host
	 * root: it cannot write them.
	 */
	static const char *const readonly[] = { "/proc/sys", "/proc/fs", "/proc/asound", "/sys", NULL };

	for (const char *const *p = hidden; *p; p++)
		if (strcmp(path, *p) == 0)
			return true;
	/*
	 * /sys is read-only throughout.  Its firmware tables and the powercap
	 * energy counters are readable by host root alone (mode 0400), and
	 * jail root is not host root: to a jail they are as good as masked.
	 */
	if (masked && strcmp(path, "/sys/firmware") != 0 && strcmp(path, "/sys/devices/virtual/powercap") != 0)
		return false;
	for (const char *const *p = readonly; *p; p++)
		if (strcmp(path, *p) == 0 || (strncmp(path, *p, strlen(*p)) == 0 && path[strlen(*p)] == '/'))
			return true;
	return false;
}

/*
 * A masked directory of /sys that a jail would see (its /sys is the
 * host's, read-only): an empty read-only tmpfs over it.  One the host has
 * not is masked already.  Returns 1 when p was taken.
 */
static int mask_sys(const char *p, struct oci_config *c, struct perr *e)
{
	const char *root = param_str(&c->params, P_PATH);
	char line[4200];
	struct stat st;

	if (strncmp(p, "/sys/", 5) != 0 || strstr(p, "/.") || strchr(p, ' ') || strchr(p, '\\'))
		return 0;
	if (lstat(p, &st) < 0)
		return errno == ENOENT ? 1 : 0;
	if (!S_ISDIR(st.st_mode))
		return 0;
	snprintf(line, sizeof(line), "tmpfs %s%s tmpfs ro,mode=0555,size=4k", strcmp(root, "/") == 0 ? "" : root, p);
	return oci_add_mount(c, line, e) < 0 ? -1 : 1;
}

static int map_paths(struct json_object *list, const char *what, bool masked, struct oci_config *c, struct perr *e)
{
	if (!list)
		return 0;
	if (!json_object_is_type(list, json_type_array))
		return perr_setx(e, EINVAL, "linux.%s: not an array", what);
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		const char *p = json_object_get_string(json_object_array_get_idx(list, i));
		int r = p && masked && !covered(p, masked) ? mask_sys(p, c, e) : 0;
		if (r < 0)
			return -1;
		if (r == 0 && (!p || !covered(p, masked)))
			return perr_setx(e, EINVAL, "linux.%s: \"%s\": not supported (only the paths a jail %s anyway)",
					 what, p ? p : "", masked ? "masks" : "has read-only");
	}
	return 0;
}

/*
 * linux.rootfsPropagation onto path.propagation: private (the default) or
 * slave, as runc makes them; shared is refused, since the root's peers
 * would be the host's and every mount of the jail's would reach them.
 */
static int map_root_propagation(struct json_object *v, struct oci_config *c, struct perr *e)
{
	const char *p = v ? json_object_get_string(v) : NULL;
	unsigned long flag;

	if (!p)
		return 0;
	if (fstab_propagation(p, &flag) <= 0)
		return perr_setx(e, EINVAL, "linux.rootfsPropagation: \"%s\": not supported (a jail's mounts are never "
				 "the host's peers: private, slave or unbindable)", p);
	return param_set(&c->params, P_PATH_PROPAGATION, p, e) < 0 ? perr_prefix(e, "linux.rootfsPropagation") : 0;
}

int oci_map_linux(struct json_object *lx, struct oci_config *c, struct perr *e)
{
	static const char *const refused[] = { "intelRdt", "personality", "timeOffsets", "mountLabel", NULL };

	if (lx && !json_object_is_type(lx, json_type_object))
		return perr_setx(e, EINVAL, "linux: not an object");
	if (refuse_set(lx, "linux", refused, e) < 0)
		return -1;
	if (map_root_propagation(oci_get(lx, "rootfsPropagation"), c, e) < 0)
		return -1;
	/* linux.cgroupsPath is left aside: a jail's cgroup is prison's (PRISON_CGROUP/JID). */
	if (oci_map_idmaps(lx, c, e) < 0)
		return -1;
	if (map_namespaces(oci_get(lx, "namespaces"), c, e) < 0 || map_netdevices(oci_get(lx, "netDevices"), c, e) < 0 ||
	    oci_map_resources(oci_get(lx, "resources"), c, e) < 0 ||
	    oci_map_seccomp(oci_get(lx, "seccomp"), c, e) < 0 || oci_map_sysctl(oci_get(lx, "sysctl"), c, e) < 0 ||
	    oci_map_devices(oci_get(oci_get(lx, "resources"), "devices"), oci_get(lx, "devices"), e) < 0 ||
	    oci_map_mempolicy(oci_get(lx, "memoryPolicy"), c, e) < 0)
		return -1;
	return map_paths(oci_get(lx, "maskedPaths"), "maskedPaths", true, c, e) < 0 ||
			       map_paths(oci_get(lx, "readonlyPaths"), "readonlyPaths", false, c, e) < 0
		       ? -1
		       : 0;
}
