/*
 * The rest of config.json: freebsd.jail (runtime-spec config-freebsd.md,
 * with prison's ip4Addr and ip6Addr for the shared stack), mounts,
 * process.capabilities and process.rlimits.
 */
#include <json-c/json.h>
#include <linux/capability.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ociconfig.h"
#include "priv.h"
#include "util.h"

/* ---- freebsd.jail ---- */

static int set_addrs(struct json_object *list, const char *what, int id, struct oci_config *c, struct perr *e)
{
	char joined[4096] = "";
	size_t len = 0;
	char **v = NULL;
	int r = 0;

	if (oci_strv(list, what, &v, e) < 0)
		return -1;
	for (char **p = v; *p && r == 0; p++) {
		int n = snprintf(joined + len, sizeof(joined) - len, "%s%s", p != v ? "," : "", *p);
		if (n < 0 || (size_t)n >= sizeof(joined) - len)
			r = perr_setx(e, E2BIG, "%s: too many addresses", what);
		else
			len += (size_t)n;
	}
	oci_strv_free(v);
	if (r < 0 || !joined[0])
		return r;
	return param_set(&c->params, id, joined, e) < 0 ? perr_prefix(e, "%s", what) : 0;
}

static const struct {
	const char *key;
	int id;
} jail_words[] = {
	{ "ip4", P_IP4 },         { "ip6", P_IP6 },         { "vnet", P_VNET },
	{ "sysvmsg", P_SYSVMSG }, { "sysvsem", P_SYSVSEM }, { "sysvshm", P_SYSVSHM },
};

static const struct {
	const char *key;
	int id;
} allow_words[] = {
	{ "setHostname", P_ALLOW_SET_HOSTNAME }, { "rawSockets", P_ALLOW_RAW_SOCKETS },
	{ "chflags", P_ALLOW_CHFLAGS },          { "quotas", P_ALLOW_QUOTAS },
	{ "socketAf", P_ALLOW_SOCKET_AF },       { "reservedPorts", P_ALLOW_RESERVED_PORTS },
	{ "suser", P_ALLOW_SUSER },
};

static int map_allow(struct json_object *allow, struct oci_config *c, struct perr *e)
{
	struct json_object *v;

	if (!allow)
		return 0;
	if ((v = oci_get(allow, "mount")) && json_object_array_length(v) > 0)
		return perr_setx(e, EINVAL, "freebsd.jail.allow.mount: not supported yet");
	for (size_t i = 0; i < ARRAY_SIZE(allow_words); i++)
		if ((v = oci_get(allow, allow_words[i].key)) &&
		    param_set(&c->params, allow_words[i].id, json_object_get_boolean(v) ? "true" : "false", e) < 0)
			return perr_prefix(e, "freebsd.jail.allow.%s", allow_words[i].key);
	return 0;
}

/* Addresses on the shared stack: the jail's own, as ip4.addr and ip6.addr. */
static int map_addrs(struct json_object *jail, struct oci_config *c, struct perr *e)
{
	static const int fam[2][2] = { { P_IP4, P_IP4_ADDR }, { P_IP6, P_IP6_ADDR } };
	struct json_object *v;

	if ((v = oci_get(jail, "ip4Addr")) && set_addrs(v, "freebsd.jail.ip4Addr", P_IP4_ADDR, c, e) < 0)
		return -1;
	if ((v = oci_get(jail, "ip6Addr")) && set_addrs(v, "freebsd.jail.ip6Addr", P_IP6_ADDR, c, e) < 0)
		return -1;
	if (!c->params.v[P_IP4_ADDR].set && !c->params.v[P_IP6_ADDR].set)
		return 0;
	/*
	 * With addresses, a family not given by ip4/ip6 is its addresses' or
	 * none: never the host's, which the namespaces alone would have given.
	 */
	for (int i = 0; i < 2; i++)
		if (!oci_get(jail, i ? "ip6" : "ip4") &&
		    param_set(&c->params, fam[i][0], c->params.v[fam[i][1]].set ? "new" : "disable", e) < 0)
			return -1;
	return 0;
}

int oci_map_freebsd(struct json_object *fb, struct oci_config *c, struct perr *e)
{
	struct json_object *jail = oci_get(fb, "jail"), *v;

	if (oci_get(fb, "devices"))
		return perr_setx(e, EINVAL, "freebsd.devices: not supported (a jail's /dev is its own minimal set)");
	if (!jail)
		return 0;
	if (oci_get(jail, "parent"))
		return perr_setx(e, EINVAL, "freebsd.jail.parent: not supported yet");
	if ((v = oci_get(jail, "host")) && strcmp(json_object_get_string(v), "new") != 0)
		return perr_setx(e, EINVAL, "freebsd.jail.host: \"%s\": not supported (a container's host name is its own)",
				 json_object_get_string(v));
	for (size_t i = 0; i < ARRAY_SIZE(jail_words); i++)
		if ((v = oci_get(jail, jail_words[i].key)) &&
		    param_set(&c->params, jail_words[i].id, json_object_get_string(v), e) < 0)
			return perr_prefix(e, "freebsd.jail.%s", jail_words[i].key);
	if ((v = oci_get(jail, "enforceStatfs")) &&
	    param_set(&c->params, P_ENFORCE_STATFS, json_object_get_string(v), e) < 0)
		return perr_prefix(e, "freebsd.jail.enforceStatfs");
	if (map_addrs(jail, c, e) < 0)
		return -1;
	return map_allow(oci_get(jail, "allow"), c, e);
}

/* ---- mounts ---- */

/* The file systems every jail has of its own: listed, they are taken as given already. */
static bool jail_has(const char *dest, const char *type)
{
	static const char *const own[][2] = {
		{ "/proc", "proc" },       { "/dev", "tmpfs" },       { "/dev/pts", "devpts" },
		{ "/dev/mqueue", "mqueue" }, { "/sys", "sysfs" },     { "/sys/fs/cgroup", "cgroup" },
		{ "/sys/fs/cgroup", "cgroup2" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(own); i++)
		if (strcmp(dest, own[i][0]) == 0 && strcmp(type, own[i][1]) == 0)
			return true;
	return false;
}

/* One fstab(5) field: blanks as \040, so a path with blanks stays one field. */
static bool put_field(char *buf, size_t len, const char *s)
{
	size_t n = strlen(buf);

	for (; *s; s++) {
		if (n + 5 >= len)
			return false;
		if (*s == ' ' || *s == '\t' || *s == '\\')
			n += (size_t)snprintf(buf + n, len - n, "\\%03o", (unsigned char)*s);
		else
			buf[n++] = *s;
	}
	if (n + 2 >= len)
		return false;
	buf[n++] = ' ';
	buf[n] = '\0';
	return true;
}

/*
 * One option fstab(5) takes from an OCI mount's, added to ret: true if it is
 * one, or one that only tunes atime and is left.  Propagation goes on as
 * fstab's words (fstab_propagation): private and slave as asked.
 */
static bool take_option(const char *o, char *ret, size_t len)
{
	static const char *const kept[] = { "ro", "nosuid", "nodev", "noexec", "private", "rprivate", "slave",
					    "rslave", "unbindable", "runbindable" };
	static const char *const dropped[] = { "rw", "relatime", "noatime", "strictatime", "nodiratime", "norelatime" };

	for (size_t k = 0; k < ARRAY_SIZE(dropped); k++)
		if (strcmp(o, dropped[k]) == 0)
			return true;
	for (size_t k = 0; k < ARRAY_SIZE(kept); k++)
		if (strcmp(o, kept[k]) == 0)
			return csv_add_unique(ret, len, o);
	return (strncmp(o, "size=", 5) == 0 || strncmp(o, "mode=", 5) == 0) && csv_add_unique(ret, len, o);
}

/* The options fstab(5) takes from an OCI mount's; shared is refused, since a jail's mount is never a host's peer. */
static int mount_options(struct json_object *opts, bool *bind, char *ret, size_t len, struct perr *e)
{
	*bind = false;
	ret[0] = '\0';
	for (size_t i = 0; opts && i < json_object_array_length(opts); i++) {
		const char *o = json_object_get_string(json_object_array_get_idx(opts, i));
		if (!o)
			continue;
		if (strcmp(o, "shared") == 0 || strcmp(o, "rshared") == 0)
			return perr_setx(e, EPERM, "option \"%s\": not supported (a jail's mounts are never the host's "
					 "peers: private, slave or unbindable)", o);
		if (strcmp(o, "bind") == 0 || strcmp(o, "rbind") == 0)
			*bind = true;
		else if (!take_option(o, ret, len))
			return perr_setx(e, EINVAL, "option \"%s\": not supported", o);
	}
	if (!ret[0])
		snprintf(ret, len, "rw");
	return 0;
}

static int map_mount(struct json_object *m, const char *root, char *line, size_t len, struct perr *e)
{
	struct json_object *d = oci_get(m, "destination"), *t = oci_get(m, "type"), *s = oci_get(m, "source");
	const char *dest = d ? json_object_get_string(d) : NULL, *type = t ? json_object_get_string(t) : "";
	const char *src = s ? json_object_get_string(s) : "";
	char opts[512], target[4200];
	bool bind;

	line[0] = '\0';
	if (!dest || dest[0] != '/')
		return perr_setx(e, EINVAL, "mounts: \"%s\": the destination must be an absolute path", dest ? dest : "");
	if (jail_has(dest, type))
		return 0;
	if (mount_options(oci_get(m, "options"), &bind, opts, sizeof(opts), e) < 0)
		return perr_prefix(e, "mounts: %s", dest);
	if (bind || strcmp(type, "bind") == 0) {
		if (src[0] != '/')
			return perr_setx(e, EINVAL, "mounts: %s: the source of a bind mount must be an absolute path", dest);
		type = "nullfs";
	} else if (strcmp(type, "tmpfs") == 0) {
		/* Its name only (mountinfo's source): any word without a blank, "tmpfs" if none. */
		if (!src[0] || strpbrk(src, " \t\n\\"))
			src = "tmpfs";
	} else {
		return perr_setx(e, EINVAL, "mounts: %s: type \"%s\" not supported there", dest, type);
	}
	/* fstab(5) names the mount point as the host sees it: below the jail's path. */
	snprintf(target, sizeof(target), "%s%s", strcmp(root, "/") == 0 ? "" : root, dest);
	if (!put_field(line, len, src) || !put_field(line, len, target) || !put_field(line, len, type) ||
	    !put_field(line, len, opts))
		return perr_setx(e, E2BIG, "mounts: %s: too long", dest);
	line[strlen(line) - 1] = '\0';
	return 0;
}

/* One fstab(5) line more in the jail's mount parameter, after those it has. */
int oci_add_mount(struct oci_config *c, const char *line, struct perr *e)
{
	char *const *had = c->params.v[P_MOUNT].argv;
	char **lines;
	size_t n = 0;
	int r;

	for (; had && had[n]; n++)
		;
	if (n >= 256)
		return perr_setx(e, E2BIG, "mounts: more than 256");
	lines = calloc(n + 2, sizeof(*lines));
	if (!lines)
		return perr_set(e, ENOMEM, "mounts");
	if (n)
		memcpy(lines, had, n * sizeof(*lines));
	lines[n] = (char *)line;
	r = param_set_argv(&c->params, P_MOUNT, lines, (int)n + 1, e);
	free(lines);
	return r;
}

int oci_map_mounts(struct json_object *mounts, struct oci_config *c, struct perr *e)
{
	if (!mounts)
		return 0;
	if (!json_object_is_type(mounts, json_type_array))
		return perr_setx(e, EINVAL, "mounts: not an array");
	for (size_t i = 0; i < json_object_array_length(mounts); i++) {
		char line[4200];
		if (map_mount(json_object_array_get_idx(mounts, i), param_str(&c->params, P_PATH), line, sizeof(line),
			      e) < 0)
			return -1;
		if (line[0] && oci_add_mount(c, line, e) < 0)
			return -1;
	}
	return 0;
}

/* ---- process.capabilities and process.rlimits ---- */

static const char *const cap_names[] = {
	"CHOWN", "DAC_OVERRIDE", "DAC_READ_SEARCH", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
	"LINUX_IMMUTABLE", "NET_BIND_SERVICE", "NET_BROADCAST", "NET_ADMIN", "NET_RAW", "IPC_LOCK", "IPC_OWNER",
	"SYS_MODULE", "SYS_RAWIO", "SYS_CHROOT", "SYS_PTRACE", "SYS_PACCT", "SYS_ADMIN", "SYS_BOOT", "SYS_NICE",
	"SYS_RESOURCE", "SYS_TIME", "SYS_TTY_CONFIG", "MKNOD", "LEASE", "AUDIT_WRITE", "AUDIT_CONTROL", "SETFCAP",
	"MAC_OVERRIDE", "MAC_ADMIN", "SYSLOG", "WAKE_ALARM", "BLOCK_SUSPEND", "AUDIT_READ", "PERFMON", "BPF",
	"CHECKPOINT_RESTORE",
};

static int cap_set(struct json_object *list, const char *what, unsigned long long *ret, struct perr *e)
{
	*ret = 0;
	if (!json_object_is_type(list, json_type_array))
		return perr_setx(e, EINVAL, "process.capabilities.%s: not an array", what);
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		const char *n = json_object_get_string(json_object_array_get_idx(list, i));
		size_t k = 0;
		if (n && strncmp(n, "CAP_", 4) == 0)
			for (; k < ARRAY_SIZE(cap_names) && strcmp(n + 4, cap_names[k]) != 0; k++)
				;
		if (!n || strncmp(n, "CAP_", 4) != 0 || k == ARRAY_SIZE(cap_names))
			return perr_setx(e, EINVAL, "process.capabilities.%s: \"%s\": no such capability", what,
					 n ? n : "");
		*ret |= 1ULL << k;
	}
	return 0;
}

/*
 * What the process keeps is what bounding, effective and permitted all
 * name, and never more than the jail's root has: the jail's set is the
 * ceiling, the container's only takes away (an engine's default list names
 * capabilities a jail may not give, such as CAP_NET_RAW without
 * allow.raw_sockets; those are dropped, as runc drops what its bounding set
 * lacks).  Of those, the ones inheritable names stay inheritable.  Ambient
 * capabilities outside that are dropped, as the kernel would refuse to
 * raise them; for any uid, since the permitted set is kept through setuid
 * for them (cred.h).  One the jail does not give is dropped for uid 0 and
 * refused for any other uid by oci_check_caps, once the jail's parameters
 * are known.
 *
 * A set left out keeps nothing, as the sets are what is "kept for the
 * process" (runtime-spec) and crun reads them; so does a process without
 * a capabilities object (caps NULL), which gets no capability at all, as
 * with crun: privilege is given by naming it, never by leaving it out.
 */
int oci_map_caps(struct json_object *caps, struct oci_config *c, struct perr *e)
{
	static const char *const sets[] = { "bounding", "effective", "permitted" };
	struct json_object *v;
	unsigned long long keep = ~0ULL, one;

	if (caps && !json_object_is_type(caps, json_type_object))
		return perr_setx(e, EINVAL, "process.capabilities: not an object");
	for (size_t i = 0; i < ARRAY_SIZE(sets); i++) {
		one = 0;
		if ((v = oci_get(caps, sets[i])) && cap_set(v, sets[i], &one, e) < 0)
			return -1;
		keep &= one;
	}
	c->inheritable = c->ambient = 0;
	if ((v = oci_get(caps, "inheritable")) && cap_set(v, "inheritable", &c->inheritable, e) < 0)
		return -1;
	if ((v = oci_get(caps, "ambient")) && cap_set(v, "ambient", &c->ambient, e) < 0)
		return -1;
	c->inheritable &= keep;
	c->ambient &= keep;
	c->caps_set = true;
	c->caps = keep;
	return 0;
}

/* The jail parameter that gives capability n to a jail's root, or NULL for one no jail is given. */
static const char *cap_param(int n)
{
	switch (n) {
	case CAP_NET_BIND_SERVICE: return "allow.reserved_ports";
	case CAP_NET_RAW: return "allow.raw_sockets";
	case CAP_NET_ADMIN: return "a network namespace of the container's own";
	case CAP_IPC_LOCK: return "allow.mlock";
	case CAP_LINUX_IMMUTABLE: return "allow.chflags";
	default: return NULL;
	}
}

int oci_check_caps(struct oci_config *c, struct perr *e)
{
	struct jail_policy pol;
	unsigned long long held, over;

	if (!c->caps_set || !c->ambient)
		return 0;
	jail_policy_from_params(&pol, &c->params);
	held = priv_jail_caps(&pol);
	/*
	 * A process of uid 0 has the jail root's capabilities after execve
	 * whatever ambient says: what the jail lacks is dropped from ambient as
	 * from the other sets (engines' default lists name CAP_NET_RAW and
	 * CAP_MKNOD).  For another uid its ambient set is all it will hold, and
	 * one the jail lacks would leave it failing later: refused now, by name.
	 */
	if (c->cred.uid == 0) {
		c->ambient &= held;
		return 0;
	}
	over = c->ambient & ~held;
	for (int n = 0; n < (int)ARRAY_SIZE(cap_names); n++) {
		const char *why = cap_param(n);
		if (!(over & (1ULL << n)))
			continue;
		if (!pol.suser)
			return perr_setx(e, EPERM, "process.capabilities.ambient: \"CAP_%s\": the jail gives no "
					 "capability (allow.suser is off)", cap_names[n]);
		if (why)
			return perr_setx(e, EPERM, "process.capabilities.ambient: \"CAP_%s\": the jail does not give it "
					 "(it takes %s)", cap_names[n], why);
		return perr_setx(e, EPERM, "process.capabilities.ambient: \"CAP_%s\": no jail's root has it",
				 cap_names[n]);
	}
	return 0;
}

static const char *const rlimit_names[] = {
	[RLIMIT_CPU] = "CPU",       [RLIMIT_FSIZE] = "FSIZE",         [RLIMIT_DATA] = "DATA",
	[RLIMIT_STACK] = "STACK",   [RLIMIT_CORE] = "CORE",           [RLIMIT_RSS] = "RSS",
	[RLIMIT_NPROC] = "NPROC",   [RLIMIT_NOFILE] = "NOFILE",       [RLIMIT_MEMLOCK] = "MEMLOCK",
	[RLIMIT_AS] = "AS",         [RLIMIT_LOCKS] = "LOCKS",         [RLIMIT_SIGPENDING] = "SIGPENDING",
	[RLIMIT_MSGQUEUE] = "MSGQUEUE", [RLIMIT_NICE] = "NICE",       [RLIMIT_RTPRIO] = "RTPRIO",
	[RLIMIT_RTTIME] = "RTTIME",
};

static int rlimit_of(const char *type)
{
	if (!type || strncmp(type, "RLIMIT_", 7) != 0)
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(rlimit_names); i++)
		if (rlimit_names[i] && strcmp(type + 7, rlimit_names[i]) == 0)
			return (int)i;
	return -1;
}

int oci_map_rlimits(struct json_object *list, struct oci_config *c, struct perr *e)
{
	if (!json_object_is_type(list, json_type_array) || json_object_array_length(list) > OCI_MAX_RLIMITS)
		return perr_setx(e, EINVAL, "process.rlimits: not an array of at most %d limits", OCI_MAX_RLIMITS);
	for (size_t i = 0; i < json_object_array_length(list); i++) {
		struct json_object *r = json_object_array_get_idx(list, i), *t = oci_get(r, "type");
		const char *type = t ? json_object_get_string(t) : NULL;
		struct oci_rlimit *l = &c->rlimits[c->nrlimits];
		l->resource = rlimit_of(type);
		if (l->resource < 0)
			return perr_setx(e, EINVAL, "process.rlimits: \"%s\": no such limit", type ? type : "");
		l->lim.rlim_cur = (rlim_t)json_object_get_uint64(oci_get(r, "soft"));
		l->lim.rlim_max = (rlim_t)json_object_get_uint64(oci_get(r, "hard"));
		if (l->lim.rlim_cur > l->lim.rlim_max)
			return perr_setx(e, EINVAL, "process.rlimits: %s: soft above hard", type);
		c->nrlimits++;
	}
	return 0;
}
