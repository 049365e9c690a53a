#include "param.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "util.h"

#define B(n, f, d, m) { n, PT_BOOL, f, d, 0, 0, m }
#define I(n, f, d, lo, hi, m) { n, PT_INT, f, d, lo, hi, m }
#define S(n, f, d, m) { n, PT_STRING, f, d, 0, 0, m }
#define J(n, f, d, m) { n, PT_JAILSYS, f, d, 0, 0, m }
#define L(n, m) { n, PT_LIST, PF_NOSTATE, NULL, 0, 0, m }

const struct param_def param_table[P__COUNT] = {
	[P_JID] = I("jid", PF_CREATE, NULL, 1, 999999, "registry number, lowest free taken under a lock"),
	[P_NAME] = S("name", 0, NULL, "registry name, unique"),
	[P_PATH] = S("path", PF_CREATE, NULL, "mount namespace, idmapped bind of path, pivot_root"),
	[P_HOSTNAME] = S("host.hostname", 0, NULL, "UTS namespace host name"),
	[P_DOMAINNAME] = S("host.domainname", 0, "", "UTS namespace NIS domain name"),
	[P_PERSIST] = B("persist", 0, "false", "jailinit keeps the jail with no other process"),
	[P_DYING] = B("dying", PF_RDONLY, "false", "the jail is being removed"),
	[P_PARENT] = I("parent", PF_RDONLY, "0", 0, 999999, "jid of the parent jail, 0 for the host"),
	[P_CHILDREN_MAX] = I("children.max", 0, "0", 0, 999999, "stored; new user namespaces refused while 0"),
	[P_CHILDREN_CUR] = I("children.cur", PF_RDONLY, "0", 0, 999999, "number of child jails"),
	[P_SECURELEVEL] = I("securelevel", 0, "-1", -1, 3, "stored; no Linux counterpart"),
	[P_ENFORCE_STATFS] = I("enforce_statfs", 0, "2", 0, 2, "the jail's mount namespace shows only its own mounts"),
	[P_DEVFS_RULESET] = I("devfs_ruleset", PF_CREATE, "4", 0, 65535, "minimal /dev: null zero full random urandom tty ptmx pts"),
	[P_SYSVMSG] = J("sysvmsg", PF_CREATE, "disable", "IPC namespace; disable refuses the calls by seccomp"),
	[P_SYSVSEM] = J("sysvsem", PF_CREATE, "disable", "IPC namespace; disable refuses the calls by seccomp"),
	[P_SYSVSHM] = J("sysvshm", PF_CREATE, "disable", "IPC namespace; disable refuses the calls by seccomp"),
	[P_ALLOW_SET_HOSTNAME] = B("allow.set_hostname", PF_CREATE, "true", "sethostname and setdomainname allowed"),
	[P_ALLOW_RESERVED_PORTS] = B("allow.reserved_ports", PF_CREATE, "true", "CAP_NET_BIND_SERVICE kept"),
	[P_ALLOW_UNPRIV_DEBUG] = B("allow.unprivileged_proc_debug", PF_CREATE, "true", "ptrace and process_vm_* allowed"),
	[P_ALLOW_SUSER] = B("allow.suser", PF_CREATE, "true", "root in the jail keeps its capabilities"),
	[P_ALLOW_RAW_SOCKETS] = B("allow.raw_sockets", PF_CREATE, "false", "CAP_NET_RAW kept (useful only with a stack of its own)"),
	[P_ALLOW_MOUNT] = B("allow.mount", PF_CREATE, "false", "mount system calls allowed by seccomp"),
	[P_ALLOW_MLOCK] = B("allow.mlock", PF_CREATE, "false", "CAP_IPC_LOCK kept"),
	[P_ALLOW_CHFLAGS] = B("allow.chflags", PF_CREATE, "false", "CAP_LINUX_IMMUTABLE kept"),
	[P_ALLOW_QUOTAS] = B("allow.quotas", PF_CREATE, "false", "quotactl allowed by seccomp"),
	[P_ALLOW_SOCKET_AF] = B("allow.socket_af", PF_CREATE, "false", "stored; every address family is allowed on Linux"),
	[P_ALLOW_READ_MSGBUF] = B("allow.read_msgbuf", PF_CREATE, "false", "syslog(2) allowed by seccomp; the kernel still checks dmesg_restrict"),
	[P_OSRELEASE] = S("osrelease", PF_CREATE, NULL, "stored; uname(2) still reports the host kernel"),
	[P_COMMAND] = { "command", PT_ARGV, PF_NOSTATE | PF_CREATE, NULL, 0, 0, "run inside at creation, as exec.start" },
	[P_EXEC_PREPARE] = L("exec.prepare", "on the host before anything of the jail exists"),
	[P_EXEC_PRESTART] = L("exec.prestart", "on the host before the jail is created"),
	[P_EXEC_CREATED] = L("exec.created", "on the host once the jail exists"),
	[P_EXEC_START] = L("exec.start", "inside the jail at creation, with /bin/sh -c"),
	[P_EXEC_POSTSTART] = L("exec.poststart", "on the host once the jail runs"),
	[P_EXEC_PRESTOP] = L("exec.prestop", "on the host before the jail stops"),
	[P_EXEC_STOP] = L("exec.stop", "inside the jail before its processes get SIGTERM"),
	[P_EXEC_POSTSTOP] = L("exec.poststop", "on the host once the jail's processes are gone"),
	[P_EXEC_RELEASE] = L("exec.release", "on the host once the jail is removed"),
	[P_EXEC_JAIL_USER] = S("exec.jail_user", PF_NOSTATE, NULL, "user in the jail's passwd that commands run as"),
	[P_EXEC_SYSTEM_USER] = S("exec.system_user", PF_NOSTATE, NULL, "user in the host's passwd that host-side commands run as"),
	[P_EXEC_CONSOLELOG] = S("exec.consolelog", PF_NOSTATE, NULL, "host file that takes the output of exec.* commands and jailinit"),
	[P_MOUNT] = { "mount", PT_LIST, PF_NOSTATE | PF_CREATE, NULL, 0, 0, "fstab(5) lines mounted in the jail's own mount namespace" },
	[P_MOUNT_FSTAB] = S("mount.fstab", PF_NOSTATE | PF_CREATE, NULL, "a host file of fstab(5) lines mounted in the jail"),
	[P_MOUNT_DEVFS] = B("mount.devfs", PF_NOSTATE | PF_CREATE, "true", "the minimal /dev, always mounted"),
	[P_MOUNT_PROCFS] = B("mount.procfs", PF_NOSTATE | PF_CREATE, "true", "the jail's /proc, always mounted"),
	[P_MOUNT_FDESCFS] = B("mount.fdescfs", PF_NOSTATE | PF_CREATE, "true", "/dev/fd, always there"),
	[P_MOUNT_HOSTTMP] = B("mount.hosttmp", PF_NOSTATE | PF_CREATE, "false", "path=/: the host's /tmp, /var/tmp and /run instead of the jail's own"),
	[P_EXEC_SYSTEM_JAIL_USER] = B("exec.system_jail_user", PF_NOSTATE, "false", "exec.jail_user is looked up in the host's passwd"),
	[P_EXEC_CLEAN] = B("exec.clean", PF_NOSTATE, "false", "commands in the jail start with a login's clean environment"),
	[P_EXEC_TIMEOUT] = I("exec.timeout", PF_NOSTATE, "0", 0, 86400, "seconds an exec.* command may take, 0 for no limit"),
	[P_STOP_TIMEOUT] = I("stop.timeout", PF_NOSTATE, "10", 0, 86400, "seconds between SIGTERM and SIGKILL at removal"),
	[P_RCTL] = { "rctl", PT_LIST, 0, NULL, 0, 0, "rctl(8) rules resource:action=amount: cgroups, rlimits, IPC sysctls" },
	[P_CPU_WEIGHT] = I("cpu.weight", 0, "100", 1, 10000, "cpu.weight (v2) or cpu.shares (v1): the jail's share against other jails"),
	[P_CPUSET_CPUS] = S("cpuset.cpus", 0, NULL, "cpuset cgroup: the CPUs the jail's processes may run on"),
	[P_IP4] = J("ip4", PF_CREATE, NULL, "new: ip4.addr only, inherit: every host address, disable: no IPv4 (sock_addr BPF)"),
	[P_IP4_ADDR] = S("ip4.addr", PF_CREATE, NULL, "IPv4 addresses; bind, connect and send held to them by cgroup BPF"),
	[P_IP4_SADDRSEL] = B("ip4.saddrsel", PF_CREATE, "true", "source address by prefix; off: always the first address"),
	[P_IP6] = J("ip6", PF_CREATE, NULL, "as ip4, for IPv6"),
	[P_IP6_ADDR] = S("ip6.addr", PF_CREATE, NULL, "IPv6 addresses; as ip4.addr"),
	[P_IP6_SADDRSEL] = B("ip6.saddrsel", PF_CREATE, "true", "as ip4.saddrsel"),
	[P_INTERFACE] = S("interface", PF_CREATE, NULL, "host interface the jail's addresses are added to, and removed from"),
	[P_IP_HOSTNAME] = B("ip_hostname", PF_CREATE | PF_NOSTATE, "false", "addresses from resolving host.hostname, as jail -h"),
	[P_VNET] = J("vnet", PF_CREATE, "inherit", "new: a network namespace owned by the jail's user namespace"),
	[P_VNET_INTERFACE] = S("vnet.interface", PF_CREATE, NULL, "host interfaces moved into a vnet jail, and back at removal"),
	[P_VNET_BRIDGE] = S("vnet.bridge", PF_CREATE, NULL, "a veth pair from the jail to this host bridge (made if missing)"),
	[P_VNET_IFNAME] = S("vnet.ifname", PF_CREATE, "eth0", "name of the jail's end of the vnet.bridge veth pair"),
	[P_VNET_DEFAULTROUTER] = S("vnet.defaultrouter", PF_CREATE, NULL, "IPv4 default route of a vnet.bridge jail"),
	[P_VNET_DEFAULTROUTER6] = S("vnet.defaultrouter6", PF_CREATE, NULL, "IPv6 default route of a vnet.bridge jail"),
};

int param_lookup(const char *name)
{
	for (int i = 0; i < P__COUNT; i++)
		if (strcmp(param_table[i].name, name) == 0)
			return i;
	return -1;
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
			return perr_set(e, 0, "%s: invalid boolean value \"%s\"", d->name, value);
		canon = b ? "true" : "false";
		break;
	}
	case PT_INT: {
		long n;
		if (!parse_long(value, d->min, d->max, &n))
			return perr_set(e, 0, "%s: invalid integer value \"%s\" (expected %ld to %ld)", d->name,
					value, d->min, d->max);
		snprintf(buf, sizeof(buf), "%ld", n);
		canon = buf;
		break;
	}
	case PT_JAILSYS:
		if (strcmp(value, "new") != 0 && strcmp(value, "inherit") != 0 && strcmp(value, "disable") != 0)
			return perr_set(e, 0, "%s: invalid value \"%s\" (expected new, inherit or disable)",
					d->name, value);
		break;
	case PT_STRING:
		if (strlen(value) > 1023)
			return perr_set(e, 0, "%s: value too long", d->name);
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

int param_parse_word(struct paramset *ps, const char *word, char **rest, int nrest, int *consumed,
		     struct perr *e)
{
	const char *eq = strchr(word, '=');
	char name[256];
	size_t nlen = eq ? (size_t)(eq - word) : strlen(word);
	int id;

	*consumed = 0;
	if (nlen == 0 || nlen >= sizeof(name))
		return perr_set(e, 0, "invalid parameter \"%s\"", word);
	memcpy(name, word, nlen);
	name[nlen] = '\0';

	id = param_lookup(name);
	if (id < 0) {
		int neg = eq ? -1 : lookup_negated(name);
		if (neg < 0)
			return perr_set(e, 0, "unknown parameter: %s", name);
		if (param_table[neg].flags & PF_RDONLY)
			return perr_set(e, 0, "%s: parameter is read-only", param_table[neg].name);
		return param_set(ps, neg, "false", e);
	}
	if (param_table[id].flags & PF_RDONLY)
		return perr_set(e, 0, "%s: parameter is read-only", name);
	if (param_table[id].type == PT_ARGV) {
		/* command=prog arg...: everything after it belongs to the command. */
		char **argv = calloc((size_t)nrest + 2, sizeof(char *));
		int r;
		if (!argv)
			return perr_set(e, ENOMEM, "%s", name);
		if (!eq || !eq[1]) {
			free(argv);
			return perr_set(e, 0, "%s: missing command", name);
		}
		argv[0] = (char *)eq + 1;
		for (int i = 0; i < nrest; i++)
			argv[i + 1] = rest[i];
		r = param_set_argv(ps, id, argv, nrest + 1, e);
		free(argv);
		if (r == 0)
			*consumed = nrest;
		return r;
	}
	if (!eq) {
		/* A bare "vnet" is vnet=new, as jail.conf writes it. */
		if (param_table[id].type == PT_JAILSYS)
			return param_set(ps, id, "new", e);
		if (param_table[id].type != PT_BOOL)
			return perr_set(e, 0, "%s: missing value", name);
		return param_set(ps, id, "true", e);
	}
	return param_set(ps, id, eq + 1, e);
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
	if (!v->argv)
		return param_set(dst, id, v->str, e);
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
