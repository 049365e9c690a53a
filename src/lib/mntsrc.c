#include "mntsrc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fstab.h"
#include "hostpath.h"

static int source_fd(const char *path, const struct hostpath_trees *t, const char *target, struct perr *e)
{
	int fd = hostpath_open(path, HOSTPATH_HOST_READS, t, e);

	if (fd < 0)
		return perr_prefix(e, "mount %s: source %s", target, path);
	return fd;
}

/* One layer of an overlay: slot i of x (lower..., upper, work), opened as a source is. */
static int overlay_layer(struct mount_extra *x, int i, const char *dir, const struct hostpath_trees *t, const char *target,
			 struct perr *e)
{
	int *slot = i < MOUNT_MAX_LOWER ? &x->lower[i] : i == MOUNT_MAX_LOWER ? &x->upper : &x->work;

	if (strlen(dir) >= sizeof(x->layer[i]))
		return perr_setx(e, ENAMETOOLONG, "mount %s: overlay layer %s: too long", target, dir);
	snprintf(x->layer[i], sizeof(x->layer[i]), "%s", dir);
	if (i >= MOUNT_MAX_LOWER && *slot >= 0)
		close(*slot);
	*slot = source_fd(dir, t, target, e);
	return *slot < 0 ? -1 : 0;
}

/* lowerdir=a:b (in order), upperdir=c or workdir=d: each directory opened. */
static int overlay_dirs(struct mount_extra *x, char *o, const struct hostpath_trees *t, const char *target, struct perr *e)
{
	bool lower = o[0] == 'l';
	char *v = strchr(o, '=') + 1;

	if (strchr(v, '\\'))
		return perr_setx(e, EINVAL, "mount %s: overlay option %s: escaped characters are not supported", target, o);
	if (!lower)
		return overlay_layer(x, o[0] == 'u' ? MOUNT_MAX_LOWER : MOUNT_MAX_LOWER + 1, v, t, target, e);
	for (char *save = NULL, *d = strtok_r(v, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		if (x->nlower == MOUNT_MAX_LOWER)
			return perr_setx(e, E2BIG, "mount %s: more than %d lower layers", target, MOUNT_MAX_LOWER);
		if (overlay_layer(x, x->nlower, d, t, target, e) < 0)
			return -1;
		x->nlower++;
	}
	return 0;
}

/* lowerdir=a:b,upperdir=c,workdir=d: each directory opened, the other options kept in order. */
static int overlay_layers(struct mount_extra *x, const struct hostpath_trees *t, const char *target, struct perr *e)
{
	char opts[sizeof(x->options)], kept[sizeof(x->options)] = "";
	size_t klen = 0;

	snprintf(opts, sizeof(opts), "%s", x->options);
	for (char *save = NULL, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		if (strncmp(o, "lowerdir=", 9) == 0 || strncmp(o, "upperdir=", 9) == 0 || strncmp(o, "workdir=", 8) == 0) {
			if (overlay_dirs(x, o, t, target, e) < 0)
				return -1;
			continue;
		}
		/* Layers added one by one name paths the kernel would look up itself. */
		if (strstr(o, "dir+="))
			return perr_setx(e, EINVAL, "mount %s: overlay option %s: give the layers in lowerdir", target, o);
		klen += (size_t)snprintf(kept + klen, sizeof(kept) - klen, "%s%s", klen ? "," : "", o);
	}
	if (x->nlower == 0)
		return perr_setx(e, EINVAL, "mount %s: overlay needs lowerdir", target);
	snprintf(x->options, sizeof(x->options), "%s", kept);
	return 0;
}

int mount_sources_open(struct mount_plan *p, struct registry *reg, int own_pathfd, const char *own_name, struct perr *e)
{
	struct hostpath_trees t = { 0 };
	int r = 0;
	bool any = false;

	for (size_t i = 0; i < p->n; i++)
		any |= p->m[i].kind == FS_BIND || p->m[i].kind == FS_OVERLAY;
	if (!any)
		return 0;
	if (hostpath_trees_list(&t, reg, own_pathfd, own_name, e) < 0)
		return perr_prefix(e, "mount");
	for (size_t i = 0; i < p->n && r == 0; i++) {
		struct mount_extra *x = &p->m[i];
		if (x->kind == FS_BIND)
			r = (x->srcfd = source_fd(x->source, &t, p->target[i], e)) < 0 ? -1 : 0;
		else if (x->kind == FS_OVERLAY)
			r = overlay_layers(x, &t, p->target[i], e);
	}
	hostpath_trees_free(&t);
	return r;
}
