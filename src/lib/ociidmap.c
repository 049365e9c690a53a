/*
 * linux.uidMappings and gidMappings.  Every jail has a range of 65536
 * host IDs of its own, the same for users and groups, mapped to 0..65535
 * (idrange.h).  A mapping is honoured when it is that: one entry of
 * container IDs 0 to 65535, the same for users and groups, onto a range of
 * prison's pool (host IDs from 2^30, a multiple of 65536), which the jail
 * then asks for as idmap.base; creation refuses it when the range is
 * another jail's or meets a user, a group, /etc/subuid or /etc/subgid.
 * Anything else is refused here, naming what is taken.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>

#include "idrange.h"
#include "ociconfig.h"

#define IDMAP_TAKEN "one entry, containerID 0 and size 65536, the same for users and groups, onto hostID a multiple " \
		    "of 65536 from 1073741824 on"

/* The one entry of list, a mapping of 0..65535: its hostID, or -1. */
static long long one_range(struct json_object *list)
{
	struct json_object *m, *c, *h, *s;
	long long host;

	if (!json_object_is_type(list, json_type_array) || json_object_array_length(list) != 1)
		return -1;
	m = json_object_array_get_idx(list, 0);
	c = oci_get(m, "containerID"), h = oci_get(m, "hostID"), s = oci_get(m, "size");
	if (!c || !h || !s || !json_object_is_type(h, json_type_int) || json_object_get_int64(c) != 0 ||
	    json_object_get_int64(s) != (long long)IDRANGE_SIZE)
		return -1;
	host = json_object_get_int64(h);
	if (host < (long long)IDRANGE_POOL_FIRST || host >= (long long)IDRANGE_POOL_END ||
	    host % (long long)IDRANGE_SIZE != 0)
		return -1;
	return host;
}

static bool empty(struct json_object *list)
{
	return !list || (json_object_is_type(list, json_type_array) && json_object_array_length(list) == 0);
}

int oci_map_idmaps(struct json_object *lx, struct oci_config *c, struct perr *e)
{
	struct json_object *u = oci_get(lx, "uidMappings"), *g = oci_get(lx, "gidMappings");
	long long uhost, ghost;
	char num[24];

	if (empty(u) && empty(g))
		return 0;
	if (empty(u) || empty(g))
		return perr_setx(e, EINVAL, "linux.%s: missing (only " IDMAP_TAKEN " is taken)",
				 u ? "gidMappings" : "uidMappings");
	uhost = one_range(u);
	ghost = one_range(g);
	if (uhost < 0)
		return perr_setx(e, EINVAL, "linux.uidMappings: not supported (only " IDMAP_TAKEN " is taken)");
	if (ghost < 0 || ghost != uhost)
		return perr_setx(e, EINVAL, "linux.gidMappings: not supported (only " IDMAP_TAKEN " is taken)");
	snprintf(num, sizeof(num), "%lld", uhost);
	return param_set(&c->params, P_IDMAP_BASE, num, e);
}
