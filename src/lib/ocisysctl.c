/*
 * linux.sysctl (runtime-spec config-linux.md): only what the container's
 * own namespaces own.  net.* of its own network namespace (a vnet jail),
 * the SysV and POSIX IPC knobs of its own IPC namespace, and the host and
 * domain names of its UTS namespace (which are the jail's host.hostname
 * and host.domainname).  Anything else belongs to the host, and is refused.
 *
 * They are written once the container's process stands in the jail's
 * namespaces, by a child that joins only the one namespace the sysctl
 * belongs to, as the jail's root uid (the owner of those namespaces' files),
 * through the host's procfs opened by fd, checked by its magic, and with
 * no link followed: the jail's own /proc/sys is read-only, and nothing the
 * jail controls is on the way.  /proc/sys shows the namespace of the
 * process that opens a file there.
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nsenter.h"
#include "ociconfig.h"
#include "util.h"

#ifndef PROC_SUPER_MAGIC
#define PROC_SUPER_MAGIC 0x9fa0
#endif

static const char *const ipc_keys[] = {
	"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall", "kernel.shmmax",
	"kernel.shmmni", "kernel.shm_rmid_forced",
};

/* The namespace key belongs to (CLONE_NEWNET or CLONE_NEWIPC), 0 for none the container owns. */
static int owner_ns(const char *key, const struct oci_config *c)
{
	if (strncmp(key, "net.", 4) == 0)
		return c->own_net ? CLONE_NEWNET : 0;
	if (strncmp(key, "fs.mqueue.", 10) == 0)
		return c->own_ipc ? CLONE_NEWIPC : 0;
	for (size_t i = 0; i < ARRAY_SIZE(ipc_keys); i++)
		if (strcmp(key, ipc_keys[i]) == 0)
			return c->own_ipc ? CLONE_NEWIPC : 0;
	return 0;
}

/* key as a path below /proc/sys: dots become slashes; nothing that could leave it. */
static bool key_path(const char *key, char *ret, size_t len)
{
	size_t n = strlen(key);

	if (n == 0 || n >= len || key[0] == '.' || key[n - 1] == '.' || strstr(key, "..") || strchr(key, '/'))
		return false;
	for (size_t i = 0; i <= n; i++) {
		ret[i] = key[i];
		if (ret[i] == '.')
			ret[i] = '/';
	}
	return true;
}

static int one_sysctl(const char *key, struct json_object *v, struct oci_config *c, struct perr *e)
{
	const char *value = json_object_get_string(v);
	char line[1024], path[512];
	int ns;

	if (!json_object_is_type(v, json_type_string))
		return perr_setx(e, EINVAL, "linux.sysctl: %s: the value is not a string", key);
	if (strcmp(key, "kernel.hostname") == 0)
		return param_set(&c->params, P_HOSTNAME, value, e) < 0 ? perr_prefix(e, "linux.sysctl: %s", key) : 0;
	if (strcmp(key, "kernel.domainname") == 0)
		return param_set(&c->params, P_DOMAINNAME, value, e) < 0 ? perr_prefix(e, "linux.sysctl: %s", key) : 0;
	ns = owner_ns(key, c);
	if (!ns || !key_path(key, path, sizeof(path)))
		return perr_setx(e, EPERM,
				 "linux.sysctl: %s: not supported (only net.* with a network namespace of the container's, "
				 "kernel.msg*, kernel.sem, kernel.shm* and fs.mqueue.* with an IPC namespace of its own, "
				 "kernel.hostname and kernel.domainname)",
				 key);
	if (strlen(value) + strlen(path) + 4 >= sizeof(line) || strchr(value, '\n'))
		return perr_setx(e, EINVAL, "linux.sysctl: %s: value too long or on more than one line", key);
	if (c->nsysctl == OCI_MAX_SYSCTL)
		return perr_setx(e, E2BIG, "linux.sysctl: more than %d", OCI_MAX_SYSCTL);
	/* The namespace ('n' or 'i'), then path=value as the child writes it. */
	snprintf(line, sizeof(line), "%c%s=%s", ns == CLONE_NEWNET ? 'n' : 'i', path, value);
	c->sysctl[c->nsysctl] = strdup(line);
	if (!c->sysctl[c->nsysctl])
		return perr_set(e, ENOMEM, "linux.sysctl");
	c->nsysctl++;
	return 0;
}

int oci_map_sysctl(struct json_object *sysctl, struct oci_config *c, struct perr *e)
{
	if (!sysctl)
		return 0;
	if (!json_object_is_type(sysctl, json_type_object))
		return perr_setx(e, EINVAL, "linux.sysctl: not an object");
	json_object_object_foreach(sysctl, key, v) {
		if (one_sysctl(key, v, c, e) < 0)
			return -1;
	}
	return 0;
}

/* In the child, in the namespace: "path=value" into /proc/sys/path. */
static int write_in_ns(void *arg, struct ns_reply *out, struct perr *e)
{
	struct open_how how = { .flags = O_WRONLY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	const char *line = arg, *eq = strchr(line, '=');
	_cleanup_close_ int sys = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -1;
	char path[512], key[512];
	struct statfs sfs;
	size_t n;

	(void)out;
	snprintf(path, sizeof(path), "%.*s", (int)(eq - line), line);
	/* The key with its dots again, as the user wrote it, for the messages. */
	for (n = 0; path[n]; n++) {
		key[n] = path[n];
		if (key[n] == '/')
			key[n] = '.';
	}
	key[n] = '\0';
	if (sys < 0 || fstatfs(sys, &sfs) < 0 || sfs.f_type != PROC_SUPER_MAGIC)
		return perr_setx(e, ENOENT, "/proc/sys is not a proc file system");
	fd = (int)syscall(SYS_openat2, sys, path, &how, sizeof(how));
	if (fd < 0)
		return perr_set(e, errno, "linux.sysctl: %s", key);
	n = strlen(eq + 1);
	if (write(fd, eq + 1, n) != (ssize_t)n)
		return perr_set(e, errno, "linux.sysctl: %s \"%s\"", key, eq + 1);
	return 0;
}

int oci_sysctl_apply(const struct oci_config *c, int pidfd, unsigned long root_uid, struct perr *e)
{
	for (size_t i = 0; i < c->nsysctl; i++) {
		struct ns_task t = { .nsfd = pidfd, .nstypes = c->sysctl[i][0] == 'n' ? CLONE_NEWNET : CLONE_NEWIPC,
				     .euid = (uid_t)root_uid, .what = "linux.sysctl: the container's namespace",
				     .fn = write_in_ns, .arg = c->sysctl[i] + 1 };
		if (ns_run(&t, NULL, e) < 0)
			return -1;
	}
	return 0;
}
