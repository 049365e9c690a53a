/*
 * Which jails are thin and where their layer is: the parameters alone, no
 * file touched, for the code that only asks (hostpath.c, nestserve.c).
 */
#include "thin.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

bool base_jail(const struct paramset *ps)
{
	const char *base = param_str(ps, P_BASE);

	return base && base[0];
}

bool thin_jail(const struct paramset *ps)
{
	const char *type = param_str(ps, P_BASE_TYPE);

	return base_jail(ps) && !(type && strcmp(type, "thick") == 0);
}

int thin_layer_path(const struct paramset *ps, char *buf, size_t len, struct perr *e)
{
	const char *path = param_str(ps, P_PATH), *slash = strrchr(path, '/');

	if (!slash || (size_t)snprintf(buf, len, "%.*s/upper", (int)(slash - path), path) >= len)
		return perr_setx(e, ENAMETOOLONG, "path \"%s\": too long", path);
	return 0;
}
