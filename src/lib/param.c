#include "param.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mount.h>

#include "fstab.h"
#include "jailkv.h"
#include "util.h"

/*
 * What each parameter means on Linux is written once, in jail(8)'s
 * PARAMETERS list; test_param checks that list and this table name the
 * same parameters.
 */
#define B(n, f, d) { n, PT_BOOL, f, d, 0, 0, NULL }
#define I(n, f, d, lo, hi) { n, PT_INT, f, d, lo, hi, NULL }
#define S(n, f, d) { n, PT_STRING, f, d, 0, 0, NULL }
#define J(n, f, d) { n, PT_JAILSYS, f, d, 0, 0, NULL }
#define L(n) { n, PT_LIST, PF_NOSTATE, NULL, 0, 0, NULL }

const struct param_def param_table[P__COUNT] = {
	[P_JID] = I("jid", PF_CREATE, NULL, 1, 999999),
	[P_NAME] = S("name", PF_CONFSKIP | PF_INNER, NULL),
	[P_PATH] = S("path", PF_CREATE | PF_INNER, NULL),
	[P_HOSTNAME] = S("host.hostname", PF_INNER, NULL),
	[P_DOMAINNAME] = S("host.domainname", PF_INNER, ""),
	[P_PERSIST] = B("persist", PF_INNER, "false"),
	[P_PERSIST_IDLE] = B("persist.idle", PF_CREATE, "false"),
	[P_DYING] = B("dying", PF_RDONLY, "false"),
	[P_PARENT] = I("parent", PF_RDONLY, "0", 0, 999999),
	[P_CHILDREN_MAX] = I("children.max", PF_INNER, "0", 0, 999999),
	[P_CHILDREN_CUR] = I("children.cur", PF_RDONLY, "0", 0, 999999),
	[P_SECURELEVEL] = I("securelevel", PF_INNER, "-1", -1, 3),
	[P_ENFORCE_STATFS] = I("enforce_statfs", PF_INNER, "2", 0, 2),
	[P_DEVFS_RULESET] = I("devfs_ruleset", PF_CREATE | PF_INNER, "4", 0, 65535),
	[P_SYSVMSG] = J("sysvmsg", PF_CREATE, "disable"),
	[P_SYSVSEM] = J("sysvsem", PF_CREATE, "disable"),
	[P_SYSVSHM] = J("sysvshm", PF_CREATE, "disable"),
	[P_ALLOW_SET_HOSTNAME] = B("allow.set_hostname", PF_CREATE | PF_INNER, "true"),
	[P_ALLOW_RESERVED_PORTS] = B("allow.reserved_ports", PF_INNER, "true"),
	[P_ALLOW_UNPRIV_DEBUG] = B("allow.unprivileged_proc_debug", PF_CREATE | PF_INNER, "true"),
	[P_ALLOW_SUSER] = B("allow.suser", PF_CREATE | PF_INNER, "true"),
	[P_ALLOW_RAW_SOCKETS] = B("allow.raw_sockets", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_MOUNT] = B("allow.mount", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_MLOCK] = B("allow.mlock", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_CHFLAGS] = B("allow.chflags", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_QUOTAS] = B("allow.quotas", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_SOCKET_AF] = B("allow.socket_af", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_READ_MSGBUF] = B("allow.read_msgbuf", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_ABSTRACT_UNIX] = B("allow.abstract_unix", PF_CREATE | PF_INNER, "false"),
	[P_OSRELEASE] = S("osrelease", PF_CREATE | PF_INNER, NULL),
	/* In jail.conf, command is exec.start: a command line for /bin/sh. */
	[P_COMMAND] = { "command", PT_ARGV, PF_NOSTATE | PF_CREATE | PF_INNER, NULL, 0, 0, "exec.start" },
	[P_EXEC_PREPARE] = L("exec.prepare"),
	[P_EXEC_PRESTART] = L("exec.prestart"),
	[P_EXEC_CREATED] = L("exec.created"),
	[P_EXEC_START] = { "exec.start", PT_LIST, PF_NOSTATE | PF_INNER, NULL, 0, 0, NULL },
	[P_EXEC_POSTSTART] = L("exec.poststart"),
	[P_EXEC_PRESTOP] = L("exec.prestop"),
	[P_EXEC_STOP] = { "exec.stop", PT_LIST, PF_NOSTATE | PF_INNER, NULL, 0, 0, NULL },
	[P_EXEC_POSTSTOP] = L("exec.poststop"),
	[P_EXEC_RELEASE] = L("exec.release"),
	[P_EXEC_JAIL_USER] = S("exec.jail_user", PF_NOSTATE | PF_INNER, NULL),
	[P_EXEC_SYSTEM_USER] = S("exec.system_user", PF_NOSTATE, NULL),
	[P_EXEC_CONSOLELOG] = S("exec.consolelog", PF_NOSTATE, NULL),
	[P_MOUNT] = { "mount", PT_LIST, PF_NOSTATE | PF_CREATE, NULL, 0, 0, NULL },
	[P_MOUNT_FSTAB] = S("mount.fstab", PF_NOSTATE | PF_CREATE, NULL),
	[P_MOUNT_DEVFS] = B("mount.devfs", PF_NOSTATE | PF_CREATE | PF_INNER, "true"),
	[P_MOUNT_PROCFS] = B("mount.procfs", PF_NOSTATE | PF_CREATE | PF_INNER, "true"),
	[P_MOUNT_FDESCFS] = B("mount.fdescfs", PF_NOSTATE | PF_CREATE | PF_INNER, "true"),
	[P_MOUNT_HOSTTMP] = B("mount.hosttmp", PF_NOSTATE | PF_CREATE, "false"),
	/* prison's own: the jail's root mounted read-only, what is mounted on it as it is (prison-oci's root.readonly). */
	[P_PATH_READONLY] = B("path.readonly", PF_CREATE | PF_INNER, "false"),
	/* prison's own: whether host mounts below path reach the jail (slave) or not (private); never shared. */
	[P_PATH_PROPAGATION] = S("path.propagation", PF_CREATE, "private"),
	[P_EXEC_SYSTEM_JAIL_USER] = B("exec.system_jail_user", PF_NOSTATE, "false"),
	[P_EXEC_CLEAN] = B("exec.clean", PF_NOSTATE | PF_INNER, "false"),
	[P_EXEC_TIMEOUT] = I("exec.timeout", PF_NOSTATE | PF_INNER, "0", 0, 86400),
	[P_STOP_TIMEOUT] = I("stop.timeout", PF_NOSTATE | PF_INNER, "10", 0, 86400),
	[P_RCTL] = { "rctl", PT_LIST, PF_INNER, NULL, 0, 0, NULL },
	[P_CPU_WEIGHT] = I("cpu.weight", PF_INNER, "100", 1, 10000),
	/* prison's own: the share in cgroup v1's unit (OCI's cpu.shares), written as given where the CPU controller is v1; 0: none. */
	[P_CPU_SHARES] = I("cpu.shares", PF_INNER, "0", 0, 262144),
	[P_CPUSET_CPUS] = S("cpuset.cpus", PF_INNER, NULL),
	[P_CPUSET_MEMS] = S("cpuset.mems", PF_INNER, NULL),
	/* prison's own: I/O limits and weights of single block devices (cglimit.h), changeable with jail -m. */
	[P_IO_DEVICE] = S("io.device", 0, NULL),
	[P_MEMORY_LOW] = S("memory.low", 0, NULL),
	/* prison's own: huge page limits per page size, and files of the jail's cgroup2 cgroup written as given (cglimit.h). */
	[P_HUGETLB_LIMIT] = S("hugetlb.limit", 0, NULL),
	[P_CGROUP_UNIFIED] = { "cgroup.unified", PT_LIST, 0, NULL, 0, 0, NULL },
	[P_IP4] = J("ip4", PF_CREATE | PF_INNER, NULL),
	[P_IP4_ADDR] = S("ip4.addr", PF_INNER, NULL),
	[P_IP4_SADDRSEL] = B("ip4.saddrsel", PF_INNER, "true"),
	[P_IP6] = J("ip6", PF_CREATE | PF_INNER, NULL),
	[P_IP6_ADDR] = S("ip6.addr", PF_INNER, NULL),
	[P_IP6_SADDRSEL] = B("ip6.saddrsel", PF_INNER, "true"),
	[P_INTERFACE] = S("interface", PF_CREATE, NULL),
	[P_IP_HOSTNAME] = B("ip_hostname", PF_CREATE | PF_NOSTATE, "false"),
	[P_VNET] = J("vnet", PF_CREATE, "inherit"),
	[P_VNET_INTERFACE] = S("vnet.interface", PF_CREATE, NULL),
	[P_VNET_BRIDGE] = S("vnet.bridge", PF_CREATE, NULL),
	[P_VNET_IFNAME] = S("vnet.ifname", PF_CREATE, "eth0"),
	[P_VNET_DEFAULTROUTER] = S("vnet.defaultrouter", PF_CREATE, NULL),
	[P_VNET_DEFAULTROUTER6] = S("vnet.defaultrouter6", PF_CREATE, NULL),
	/* prison's own: NAT out and published ports (nftjail.h), changeable with jail -m. */
	[P_IP4_NAT] = S("ip4.nat", 0, NULL),
	[P_IP6_NAT] = S("ip6.nat", 0, NULL),
	[P_EXPOSE] = S("expose", 0, NULL),
	/* prison's own: a thin (or thick) jail on a base (jbase(8)), and the generation it runs on. */
	[P_BASE] = S("base", PF_CREATE, NULL),
	[P_BASE_GENERATION] = I("base.generation", PF_RDONLY, NULL, 1, 999999),
	[P_BASE_TYPE] = S("base.type", PF_CREATE, NULL),
	/* prison's own: the bundle an OCI container (prison-oci(8)) was created from. */
	[P_OCI_BUNDLE] = S("oci.bundle", PF_CREATE, NULL),
	/* prison's own: a network, IPC or UTS namespace joined by path instead of made (nsjoin.h). */
	[P_NS_NET] = S("ns.net", PF_CREATE, NULL),
	[P_NS_IPC] = S("ns.ipc", PF_CREATE, NULL),
	[P_NS_UTS] = S("ns.uts", PF_CREATE, NULL),
	/* prison's own: the first host ID of the jail's range, asked for instead of allocated (idrange.h); 0: allocated. */
	[P_IDMAP_BASE] = I("idmap.base", PF_CREATE, "0", 0, 4294901760L - 65536L),
	[P_DEPEND] = { "depend", PT_LIST, PF_CONFONLY | PF_CONFSKIP | PF_NOSTATE, NULL, 0, 0, NULL },
	/* jail(8)'s: the routing table of the jail's commands (see jail.8). */
	[P_EXEC_FIB] = I("exec.fib", PF_NOSTATE, "0", 0, 65535),
	/* The jail's cpuset is its cpuset cgroup, named by its jid. */
	[P_CPUSET_ID] = I("cpuset.id", PF_RDONLY, NULL, 0, 999999),
	[P_HOST_HOSTUUID] = S("host.hostuuid", PF_INNER, ""),
	[P_HOST_HOSTID] = I("host.hostid", PF_INNER, "0", 0, 4294967295L),
	/*
	 * FreeBSD's create-only (CTLFLAG_RDTUN) parameters are PF_CREATE
	 * here; so is every allow.* prison compiles into the jail's filter
	 * or capabilities once (jail -m says it cannot be changed on a running
	 * jail, and jail.8 says so); allow.reserved_ports is in the sockaddr
	 * map, rewritten with jail -m on the shared stack.
	 */
	[P_OSRELDATE] = I("osreldate", PF_CREATE | PF_INNER, "0", 0, 2147483647L),
	[P_HOST] = J("host", PF_CREATE, "new"),
	/* FreeBSD's older form of sysvmsg, sysvsem and sysvshm = inherit. */
	[P_ALLOW_SYSVIPC] = B("allow.sysvipc", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_MOUNT_DEVFS] = B("allow.mount.devfs", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_MOUNT_FDESCFS] = B("allow.mount.fdescfs", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_MOUNT_FUSEFS] = B("allow.mount.fusefs", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_MOUNT_NULLFS] = B("allow.mount.nullfs", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_MOUNT_PROCFS] = B("allow.mount.procfs", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_MOUNT_TMPFS] = B("allow.mount.tmpfs", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_MOUNT_ZFS] = B("allow.mount.zfs", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_MOUNT_LINPROCFS] = B("allow.mount.linprocfs", PF_CREATE | PF_INNER, "false"),
	[P_ALLOW_MOUNT_LINSYSFS] = B("allow.mount.linsysfs", PF_CREATE | PF_INNER, "false"),
	/* Stored only, so changeable as on FreeBSD: the kernel refuses what they would allow (jail.8). */
	[P_ALLOW_EXTATTR] = B("allow.extattr", PF_INNER, "false"),
	[P_ALLOW_ADJTIME] = B("allow.adjtime", PF_INNER, "false"),
	[P_ALLOW_SETTIME] = B("allow.settime", PF_INNER, "false"),
	[P_ALLOW_ROUTING] = B("allow.routing", PF_INNER, "false"),
	[P_ALLOW_NFSD] = B("allow.nfsd", PF_INNER, "false"),
	[P_ALLOW_SETAUDIT] = B("allow.setaudit", PF_INNER, "false"),
	[P_ALLOW_UNPRIV_PARENT_TAMPERING] = B("allow.unprivileged_parent_tampering", PF_INNER, "false"),
	[P_ALLOW_VMM] = B("allow.vmm", PF_INNER, "false"),
	[P_LINUX] = J("linux", PF_INNER, "new"),
	[P_LINUX_OSNAME] = S("linux.osname", PF_INNER, "Linux"),
	[P_LINUX_OSRELEASE] = S("linux.osrelease", PF_INNER, NULL),
	[P_LINUX_OSS_VERSION] = I("linux.oss_version", PF_INNER, "198144", 0, 2147483647L),
	/* Free text of at most PARAM_META_MAX bytes, changeable; env is readable inside the jail. */
	[P_META] = S("meta", PF_INNER, NULL),
	[P_ENV] = S("env", PF_INNER, NULL),
	[P_ZFS_MOUNT_SNAPSHOT] = B("zfs.mount_snapshot", 0, "false"),
};

/* Any row, jail.conf's own words included. */
static int lookup_row(const char *name)
{
	for (int i = 0; i < P__COUNT; i++)
		if (strcmp(param_table[i].name, name) == 0)
			return i;
	return -1;
}

int param_lookup(const char *name)
{
	int id = lookup_row(name);

	return id >= 0 && (param_table[id].flags & PF_CONFONLY) ? -1 : id;
}

static int parse_bool(const char *s, bool *ret)
{
	static const char *const yes[] = { "true", "1", "yes", "on" };
	static const char *const no[] = { "false", "0", "no", "off" };

	for (size_t i = 0; i < ARRAY_SIZE(yes); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*ret = true;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*ret = false;
			return 0;
		}
	}
	return -1;
}

static void value_clear(struct param_value *v)
{
	free(v->str);
	v->str = NULL;
	if (v->argv) {
		for (char **a = v->argv; *a; a++)
			free(*a);
		free(v->argv);
		v->argv = NULL;
	}
	v->set = false;
	v->keyed = false;
}

/* path.propagation's canonical word (a jail's trees are always whole: rslave is slave), NULL if none. */
static const char *propagation_word(const char *value)
{
	unsigned long flag;

	if (fstab_propagation(value, &flag) <= 0)
		return NULL;
	return flag == MS_SLAVE ? "slave" : flag == MS_UNBINDABLE ? "unbindable" : "private";
}

/* A string parameter's bound, and the words of those that take only some; *canon as it is stored. */
static int check_string(int id, const char *value, const char **canon, struct perr *e)
{
	const char *name = param_table[id].name;

	/* FreeBSD's bound for meta and env counts the terminating NUL: 4095 bytes of text. */
	if ((id == P_META || id == P_ENV) && strlen(value) >= PARAM_META_MAX)
		return perr_setx(e, EOVERFLOW, "%s: too large (at most %d bytes)", name, PARAM_META_MAX - 1);
	if (id != P_META && id != P_ENV && strlen(value) > 1023)
		return perr_setx(e, EOVERFLOW, "%s: value too long", name);
	/* FreeBSD's HOSTUUIDLEN, its NUL counted. */
	if (id == P_HOST_HOSTUUID && strlen(value) > 63)
		return perr_setx(e, EOVERFLOW, "%s: value too long (at most 63 bytes)", name);
	if (id == P_PATH_PROPAGATION && (*canon = propagation_word(value)) == NULL)
		return perr_setx(e, EINVAL, "%s: \"%s\": expected private, slave or unbindable (a jail's "
				 "mounts are never the host's peers)", name, value);
	return 0;
}

int param_set(struct paramset *ps, int id, const char *value, struct perr *e)
{
	const struct param_def *d = &param_table[id];
	char buf[32];
	const char *canon = value;
	char *copy;

	switch (d->type) {
	case PT_BOOL: {
		bool b;
		if (parse_bool(value, &b) < 0)
			return perr_setx(e, EINVAL, "%s: unknown boolean value \"%s\"", d->name, value);
		canon = b ? "true" : "false";
		break;
	}
	case PT_INT: {
		long n;
		/* FreeBSD's libjail words for what is no number at all; a range where one is out of it. */
		if (!parse_long(value, LONG_MIN, LONG_MAX, &n))
			return perr_setx(e, EINVAL, "%s: non-integer value \"%s\"", d->name, value);
		if (!parse_long(value, d->min, d->max, &n))
			return perr_setx(e, EINVAL, "%s: invalid integer value \"%s\" (expected %ld to %ld)", d->name,
					value, d->min, d->max);
		snprintf(buf, sizeof(buf), "%ld", n);
		canon = buf;
		break;
	}
	case PT_JAILSYS:
		/* FreeBSD's host has no disable: a jail always has host names, its own or its parent's. */
		if (id == P_HOST && strcmp(value, "disable") == 0)
			return perr_setx(e, EINVAL, "%s: unknown jailsys value \"%s\" (expected new or inherit)", d->name,
					value);
		if (strcmp(value, "new") != 0 && strcmp(value, "inherit") != 0 && strcmp(value, "disable") != 0)
			return perr_setx(e, EINVAL, "%s: unknown jailsys value \"%s\" (expected new, inherit or disable)",
					d->name, value);
		break;
	case PT_STRING:
		if (check_string(id, value, &canon, e) < 0)
			return -1;
		break;
	case PT_ARGV:
	case PT_LIST:
		return param_set_argv(ps, id, (char *const[]){ (char *)value, NULL }, 1, e);
	}
	copy = strdup(canon);
	if (!copy)
		return perr_set(e, ENOMEM, "%s", d->name);
	value_clear(&ps->v[id]);
	ps->v[id].str = copy;
	ps->v[id].set = true;
	return 0;
}

/* Quote a word for the shell only when it needs it. */
static void append_word(char *buf, size_t len, const char *w)
{
	size_t n = strlen(buf);
	bool plain = *w != '\0' && strspn(w, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%") == strlen(w);

	if (n && n < len - 1)
		buf[n++] = ' ';
	if (plain) {
		snprintf(buf + n, len - n, "%s", w);
		return;
	}
	if (n < len - 1)
		buf[n++] = '\'';
	for (; *w && n < len - 5; w++) {
		if (*w == '\'') {
			memcpy(buf + n, "'\\''", 4);
			n += 4;
		} else {
			buf[n++] = *w;
		}
	}
	if (n < len - 1)
		buf[n++] = '\'';
	buf[n] = '\0';
}

int param_set_argv(struct paramset *ps, int id, char *const *argv, int argc, struct perr *e)
{
	char **copy = calloc((size_t)argc + 1, sizeof(char *));
	char joined[4096] = "";

	if (!copy)
		return perr_set(e, ENOMEM, "%s", param_table[id].name);
	for (int i = 0; i < argc; i++) {
		copy[i] = strdup(argv[i]);
		if (!copy[i]) {
			for (int j = 0; j < i; j++)
				free(copy[j]);
			free(copy);
			return perr_set(e, ENOMEM, "%s", param_table[id].name);
		}
		append_word(joined, sizeof(joined), argv[i]);
	}
	value_clear(&ps->v[id]);
	ps->v[id].argv = copy;
	ps->v[id].str = strdup(joined);
	ps->v[id].set = true;
	return 0;
}

/*
 * FreeBSD spells false as "noname" or, for dotted names, "prefix.noname"
 * (allow.noset_hostname).  Return the id of the boolean meant, or -1.
 */
static int lookup_negated(const char *name)
{
	char buf[256];
	const char *dot = strrchr(name, '.');
	const char *last = dot ? dot + 1 : name;
	size_t prefix = (size_t)(last - name);

	if (strncmp(last, "no", 2) != 0 || strlen(name) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%.*s%s", (int)prefix, name, last + 2);
	int id = param_lookup(buf);
	return id >= 0 && param_table[id].type == PT_BOOL ? id : -1;
}

/* command=prog arg...: everything after it on the command line belongs to the command. */
static int parse_argv_word(struct paramset *ps, int id, const char *value, char **rest, int nrest, int *consumed,
			   struct perr *e)
{
	const char *name = param_table[id].name;
	_cleanup_free_ char **argv = NULL;

	if (!value || !*value)
		return perr_setx(e, EINVAL, "%s: missing command", name);
	argv = calloc((size_t)nrest + 2, sizeof(char *));
	if (!argv)
		return perr_set(e, ENOMEM, "%s", name);
	argv[0] = (char *)value;
	for (int i = 0; i < nrest; i++)
		argv[i + 1] = rest[i];
	if (param_set_argv(ps, id, argv, nrest + 1, e) < 0)
		return -1;
	*consumed = nrest;
	return 0;
}

/* A name with no value: true for a boolean, new for a jailsys ("vnet;" is vnet=new, as jail.conf writes it). */
static int parse_bare(struct paramset *ps, int id, struct perr *e)
{
	if (param_table[id].type == PT_JAILSYS)
		return param_set(ps, id, "new", e);
	if (param_table[id].type != PT_BOOL)
		return perr_setx(e, EINVAL, "%s: missing value", param_table[id].name);
	return param_set(ps, id, "true", e);
}

/*
 * allow.sysvipc is FreeBSD's older form: true gives the sysv* parameters
 * not set yet inherit, as FreeBSD does for those a jail does not name; a
 * later sysvmsg= still wins.
 */
static int set_sysvipc(struct paramset *ps, bool on, struct perr *e)
{
	static const int sysv[] = { P_SYSVMSG, P_SYSVSEM, P_SYSVSHM };

	if (param_set(ps, P_ALLOW_SYSVIPC, on ? "true" : "false", e) < 0)
		return -1;
	for (size_t i = 0; on && i < ARRAY_SIZE(sysv); i++)
		if (!ps->v[sysv[i]].set && param_set(ps, sysv[i], "inherit", e) < 0)
			return -1;
	return 0;
}

/* name=value for a known, settable row. */
static int parse_known(struct paramset *ps, int id, const char *eq, char **rest, int nrest, int *consumed,
		       struct perr *e)
{
	if (param_table[id].type == PT_ARGV)
		return parse_argv_word(ps, id, eq ? eq + 1 : NULL, rest, nrest, consumed, e);
	if (id == P_ALLOW_SYSVIPC) {
		bool on = true;
		if (eq && parse_bool(eq + 1, &on) < 0)
			return perr_setx(e, EINVAL, "%s: unknown boolean value \"%s\"", param_table[id].name, eq + 1);
		return set_sysvipc(ps, on, e);
	}
	if (!eq)
		return parse_bare(ps, id, e);
	return param_set(ps, id, eq + 1, e);
}

/* meta.KEY=value, env.KEY=value: one key of the text, after what the words before it set. */
static int parse_key(struct paramset *ps, const char *name, const char *value, struct perr *e)
{
	const char *key = NULL;
	int id = jail_kv_id(name, &key);
	struct param_value *v = &ps->v[id];
	bool keyed = !v->set || v->keyed;
	char out[PARAM_META_MAX + 1];

	if (jail_kv_put(v->set ? v->str : "", key, value, out, sizeof(out), e) < 0)
		return perr_prefix(e, "%s", param_table[id].name);
	if (param_set(ps, id, out, e) < 0)
		return -1;
	v->keyed = keyed;
	return 0;
}

int param_parse_word(struct paramset *ps, const char *word, char **rest, int nrest, int *consumed,
		     struct perr *e)
{
	const char *eq = strchr(word, '=');
	char name[256];
	size_t nlen = eq ? (size_t)(eq - word) : strlen(word);
	int id;

	*consumed = 0;
	if (nlen == 0 || nlen >= sizeof(name))
		return perr_setx(e, EINVAL, "invalid parameter \"%s\"", word);
	memcpy(name, word, nlen);
	name[nlen] = '\0';

	id = param_lookup(name);
	if (id < 0 && jail_kv_id(name, &(const char *){ NULL }) >= 0)
		return parse_key(ps, name, eq ? eq + 1 : "", e);
	if (id < 0) {
		int neg = eq ? -1 : lookup_negated(name);
		if (neg < 0)
			return perr_setx(e, EINVAL, "unknown parameter: %s", name);
		if (param_table[neg].flags & PF_RDONLY)
			return perr_setx(e, EPERM, "%s: parameter is read-only", param_table[neg].name);
		if (neg == P_ALLOW_SYSVIPC)
			return set_sysvipc(ps, false, e);
		return param_set(ps, neg, "false", e);
	}
	if (param_table[id].flags & PF_RDONLY)
		return perr_setx(e, EPERM, "%s: parameter is read-only", name);
	return parse_known(ps, id, eq, rest, nrest, consumed, e);
}

/* "name=v1,v2": jail.conf's values as the command line would give them. */
static int join_word(const char *name, char *const *values, size_t n, char *buf, size_t len, struct perr *e)
{
	size_t k;

	if (n == 0) {
		snprintf(buf, len, "%s", name);
		return 0;
	}
	k = (size_t)snprintf(buf, len, "%s=", name);
	for (size_t v = 0; v < n && k < len; v++)
		k += (size_t)snprintf(buf + k, len - k, "%s%s", v ? "," : "", values[v]);
	if (k >= len)
		return perr_setx(e, EOVERFLOW, "%s: value too long", name);
	return 0;
}

int param_parse_conf(struct paramset *ps, const char *name, char *const *values, size_t n, struct perr *e)
{
	int id = lookup_row(name), used;
	char word[PARAM_META_MAX + 512];

	if (id >= 0 && (param_table[id].flags & PF_CONFSKIP))
		return 0;
	if (id >= 0 && param_table[id].conf_as) {
		name = param_table[id].conf_as;
		id = lookup_row(name);
	}
	if (id >= 0 && param_table[id].type == PT_LIST) {
		/* Each value is one entry: no joining, commas stay in the commands. */
		if (n == 0)
			return perr_setx(e, EINVAL, "%s: missing value", name);
		return param_set_argv(ps, id, values, (int)n, e);
	}
	if (join_word(name, values, n, word, sizeof(word), e) < 0)
		return -1;
	return param_parse_word(ps, word, NULL, 0, &used, e);
}

void param_fill_defaults(struct paramset *ps)
{
	struct perr e = { 0 };

	for (int i = 0; i < P__COUNT; i++)
		if (!ps->v[i].set && param_table[i].def)
			(void)param_set(ps, i, param_table[i].def, &e);
}

const char *param_str(const struct paramset *ps, int id)
{
	return ps->v[id].set ? ps->v[id].str : NULL;
}

bool param_bool(const struct paramset *ps, int id)
{
	const char *s = param_str(ps, id);
	if (!s)
		s = param_table[id].def;
	return s && strcmp(s, "true") == 0;
}

long param_int(const struct paramset *ps, int id)
{
	const char *s = param_str(ps, id);
	long v = 0;

	if (!s)
		s = param_table[id].def;
	if (s)
		(void)parse_long(s, param_table[id].min, param_table[id].max, &v);
	return v;
}

static bool needs_quotes(const char *s)
{
	return *s == '\0' || strpbrk(s, " \t\"'\\") != NULL;
}

int param_format_value(const struct paramset *ps, int id, bool quote, char *buf, size_t len)
{
	const char *s = param_str(ps, id);

	if (!s)
		s = "";
	if (param_table[id].type == PT_ARGV || param_table[id].type == PT_LIST || !quote || !needs_quotes(s))
		return snprintf(buf, len, "%s", s);
	size_t n = 0;
	buf[n++] = '"';
	for (; *s && n < len - 3; s++) {
		if (*s == '"' || *s == '\\')
			buf[n++] = '\\';
		buf[n++] = *s;
	}
	buf[n++] = '"';
	buf[n] = '\0';
	return (int)n;
}

int param_format(const struct paramset *ps, int id, bool quote, char *buf, size_t len)
{
	const struct param_def *d = &param_table[id];

	if (d->type == PT_BOOL) {
		if (param_bool(ps, id))
			return snprintf(buf, len, "%s", d->name);
		const char *dot = strrchr(d->name, '.');
		if (dot)
			return snprintf(buf, len, "%.*s.no%s", (int)(dot - d->name), d->name, dot + 1);
		return snprintf(buf, len, "no%s", d->name);
	}
	int n = snprintf(buf, len, "%s=", d->name);
	if (n < 0 || (size_t)n >= len)
		return n;
	return n + param_format_value(ps, id, quote, buf + n, len - (size_t)n);
}

void param_unset(struct paramset *ps, int id)
{
	value_clear(&ps->v[id]);
}

void param_free(struct paramset *ps)
{
	for (int i = 0; i < P__COUNT; i++)
		value_clear(&ps->v[i]);
}

int param_copy_one(struct paramset *dst, const struct paramset *src, int id, struct perr *e)
{
	const struct param_value *v = &src->v[id];
	int n = 0;

	if (!v->set)
		return 0;
	if (!v->argv) {
		if (param_set(dst, id, v->str, e) < 0)
			return -1;
		dst->v[id].keyed = v->keyed;
		return 0;
	}
	while (v->argv[n])
		n++;
	return param_set_argv(dst, id, v->argv, n, e);
}

int param_copy(struct paramset *dst, const struct paramset *src)
{
	struct perr e = { 0 };

	for (int i = 0; i < P__COUNT; i++)
		if (param_copy_one(dst, src, i, &e) < 0)
			return -1;
	return 0;
}
