/*
 * linux.resources.devices and linux.devices (runtime-spec config-linux.md)
 * against a jail's /dev: its own minimal set (devfs_ruleset 4: null,
 * zero, full, random, urandom, tty, and ptmx with a private devpts), made
 * by the jail whatever the config says, and no node can be made in it.
 * What that set satisfies is taken; what would grant more is refused.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "ociconfig.h"
#include "util.h"

/* The character devices of a jail's /dev; minor -1 for every minor (the devpts slaves). */
static const struct {
	const char *path;
	long long major, minor;
} jail_dev[] = {
	{ "/dev/null", 1, 3 },   { "/dev/zero", 1, 5 }, { "/dev/full", 1, 7 }, { "/dev/random", 1, 8 },
	{ "/dev/urandom", 1, 9 }, { "/dev/tty", 5, 0 },  { "/dev/ptmx", 5, 2 }, { "/dev/pts/*", 136, -1 },
};

static long long number(struct json_object *o, const char *key)
{
	struct json_object *v = oci_get(o, key);

	return v && json_object_is_type(v, json_type_int) ? json_object_get_int64(v) : -1;
}

static bool jail_has_dev(long long major, long long minor)
{
	for (size_t i = 0; i < ARRAY_SIZE(jail_dev); i++)
		if (jail_dev[i].major == major && (jail_dev[i].minor == -1 || jail_dev[i].minor == minor))
			return true;
	return false;
}

/*
 * /dev/console and /dev/net/tun: the two nodes of the default list
 * runtimes give every container (containerd's, runc's) that a jail lacks.
 * Allowing them grants nothing here, as the jail has no such node and can
 * make none; refusing them would refuse every container containerd makes.
 */
static bool default_extra(const char *type, long long major, long long minor)
{
	return strcmp(type, "c") == 0 && ((major == 5 && minor == 1) || (major == 10 && minor == 200));
}

/*
 * One rule of the cgroup device list.  A deny takes nothing a jail needs
 * to be safe (engines deny everything first, and other runtimes add the
 * standard nodes back after the list, as a jail has them).  An allow of
 * 'm' alone (mknod) is harmless, since jail root can make no node whatever
 * the list says; any other allow must name one of the jail's nodes or one
 * of the default list's two extras.
 */
static int device_rule(struct json_object *r, struct perr *e)
{
	struct json_object *allow = oci_get(r, "allow"), *t = oci_get(r, "type"), *a = oci_get(r, "access");
	const char *type = t ? json_object_get_string(t) : "a", *access = a ? json_object_get_string(a) : "rwm";
	long long major = number(r, "major"), minor = number(r, "minor");

	if (!allow || !json_object_is_type(allow, json_type_boolean))
		return perr_setx(e, EINVAL, "linux.resources.devices: a rule without allow");
	if (!access || strspn(access, "rwm") != strlen(access))
		return perr_setx(e, EINVAL, "linux.resources.devices: access \"%s\": not of r, w and m", access ? access : "");
	if (!json_object_get_boolean(allow) || strcmp(access, "m") == 0 || default_extra(type, major, minor))
		return 0;
	if (strcmp(type, "c") != 0 || major < 0 || !jail_has_dev(major, minor)) {
		char num[64];
		if (major < 0)
			snprintf(num, sizeof(num), "*:*");
		else if (minor < 0)
			snprintf(num, sizeof(num), "%lld:*", major);
		else
			snprintf(num, sizeof(num), "%lld:%lld", major, minor);
		return perr_setx(e, EPERM,
				 "linux.resources.devices: allow %s %s %s: more than a jail's /dev gives "
				 "(null, zero, full, random, urandom, tty, ptmx and its pts)",
				 type, num, access);
	}
	return 0;
}

/* A node to make: only one the jail has anyway, at its usual path. */
static int device_node(struct json_object *d, struct perr *e)
{
	struct json_object *p = oci_get(d, "path"), *t = oci_get(d, "type");
	const char *path = p ? json_object_get_string(p) : "", *type = t ? json_object_get_string(t) : "";
	long long major = number(d, "major"), minor = number(d, "minor");

	for (size_t i = 0; i < ARRAY_SIZE(jail_dev); i++)
		if (jail_dev[i].minor >= 0 && strcmp(path, jail_dev[i].path) == 0 && strcmp(type, "c") == 0 &&
		    major == jail_dev[i].major && minor == jail_dev[i].minor)
			return 0;
	return perr_setx(e, EPERM, "linux.devices: \"%s\" (%s %lld:%lld): not supported (a jail's /dev is its own "
			 "minimal set; no other node is made)", path ? path : "", type ? type : "", major, minor);
}

int oci_map_devices(struct json_object *rules, struct json_object *nodes, struct perr *e)
{
	if (rules && !json_object_is_type(rules, json_type_array))
		return perr_setx(e, EINVAL, "linux.resources.devices: not an array");
	if (nodes && !json_object_is_type(nodes, json_type_array))
		return perr_setx(e, EINVAL, "linux.devices: not an array");
	for (size_t i = 0; rules && i < json_object_array_length(rules); i++)
		if (device_rule(json_object_array_get_idx(rules, i), e) < 0)
			return -1;
	for (size_t i = 0; nodes && i < json_object_array_length(nodes); i++)
		if (device_node(json_object_array_get_idx(nodes, i), e) < 0)
			return -1;
	return 0;
}
