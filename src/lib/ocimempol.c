/*
 * linux.memoryPolicy (runtime-spec 1.3): the NUMA memory policy of the
 * container's process, set with set_mempolicy(2) on the process that
 * spawns it, which the process inherits through clone and execve.  A
 * policy only chooses among the nodes the jail's cpuset allows: it
 * widens nothing, so every mode is given as asked.
 */
#include <errno.h>
#include <json-c/json.h>
#include <linux/mempolicy.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ociconfig.h"
#include "util.h"

/* Linux 6.9's mode; the uapi header of older systems does not name it. */
#ifndef MPOL_WEIGHTED_INTERLEAVE
#define MPOL_WEIGHTED_INTERLEAVE 6
#endif

static const struct {
	const char *name;
	int value;
} mpol_modes[] = {
	{ "MPOL_DEFAULT", MPOL_DEFAULT },
	{ "MPOL_PREFERRED", MPOL_PREFERRED },
	{ "MPOL_BIND", MPOL_BIND },
	{ "MPOL_INTERLEAVE", MPOL_INTERLEAVE },
	{ "MPOL_LOCAL", MPOL_LOCAL },
	{ "MPOL_PREFERRED_MANY", MPOL_PREFERRED_MANY },
	{ "MPOL_WEIGHTED_INTERLEAVE", MPOL_WEIGHTED_INTERLEAVE },
}, mpol_flags[] = {
	{ "MPOL_F_NUMA_BALANCING", MPOL_F_NUMA_BALANCING },
	{ "MPOL_F_RELATIVE_NODES", MPOL_F_RELATIVE_NODES },
	{ "MPOL_F_STATIC_NODES", MPOL_F_STATIC_NODES },
};

static int name_value(const char *name, bool modes)
{
	size_t n = modes ? ARRAY_SIZE(mpol_modes) : ARRAY_SIZE(mpol_flags);

	for (size_t i = 0; name && i < n; i++) {
		if (modes && strcmp(name, mpol_modes[i].name) == 0)
			return mpol_modes[i].value;
		if (!modes && strcmp(name, mpol_flags[i].name) == 0)
			return mpol_flags[i].value;
	}
	return -1;
}

/* "0-3,5": node numbers and ranges, each below OCI_MPOL_MAX_NODES, into the mask. */
static int parse_nodes(const char *text, unsigned long *mask, struct perr *e)
{
	const char *p = text;

	memset(mask, 0, OCI_MPOL_MAX_NODES / 8);
	while (*p) {
		char *end;
		unsigned long lo = strtoul(p, &end, 10), hi = lo;
		if (end == p || *p == '-' || *p == '+')
			return perr_setx(e, EINVAL, "linux.memoryPolicy.nodes: \"%s\": not a list of nodes", text);
		if (*end == '-') {
			p = end + 1;
			hi = strtoul(p, &end, 10);
			if (end == p || *p == '-' || *p == '+' || hi < lo)
				return perr_setx(e, EINVAL, "linux.memoryPolicy.nodes: \"%s\": not a list of nodes", text);
		}
		if (hi >= OCI_MPOL_MAX_NODES)
			return perr_setx(e, EINVAL, "linux.memoryPolicy.nodes: \"%s\": node %lu is not below %d", text, hi,
					 OCI_MPOL_MAX_NODES);
		for (unsigned long n = lo; n <= hi; n++)
			mask[n / (8 * sizeof(long))] |= 1UL << (n % (8 * sizeof(long)));
		if (*end == ',' && end[1])
			end++;
		else if (*end)
			return perr_setx(e, EINVAL, "linux.memoryPolicy.nodes: \"%s\": not a list of nodes", text);
		p = end;
	}
	return 0;
}

int oci_map_mempolicy(struct json_object *mp, struct oci_config *c, struct perr *e)
{
	struct json_object *flags, *nodes;
	int mode;

	if (!mp)
		return 0;
	if (!json_object_is_type(mp, json_type_object))
		return perr_setx(e, EINVAL, "linux.memoryPolicy: not an object");
	if (!oci_get(mp, "mode"))
		return perr_setx(e, EINVAL, "linux.memoryPolicy.mode: missing");
	mode = name_value(json_object_get_string(oci_get(mp, "mode")), true);
	if (mode < 0)
		return perr_setx(e, EINVAL, "linux.memoryPolicy.mode: \"%s\": no such mode",
				 json_object_get_string(oci_get(mp, "mode")));
	if ((flags = oci_get(mp, "flags")) && !json_object_is_type(flags, json_type_array))
		return perr_setx(e, EINVAL, "linux.memoryPolicy.flags: not an array");
	for (size_t i = 0; flags && i < json_object_array_length(flags); i++) {
		const char *name = json_object_get_string(json_object_array_get_idx(flags, i));
		int flag = name_value(name, false);
		if (flag < 0)
			return perr_setx(e, EINVAL, "linux.memoryPolicy.flags: \"%s\": no such flag", name ? name : "");
		mode |= flag;
	}
	nodes = oci_get(mp, "nodes");
	if (nodes && parse_nodes(json_object_get_string(nodes), c->mempolicy_nodes, e) < 0)
		return -1;
	c->mempolicy_set = true;
	c->mempolicy_has_nodes = nodes != NULL;
	c->mempolicy_mode = mode;
	return 0;
}

int oci_mempolicy_apply(const struct oci_config *c, struct perr *e)
{
	if (!c->mempolicy_set)
		return 0;
	/* The kernel judges the combination: a mode that needs nodes, flags a mode cannot take, nodes not allowed. */
	if (syscall(SYS_set_mempolicy, c->mempolicy_mode, c->mempolicy_has_nodes ? c->mempolicy_nodes : NULL,
		    c->mempolicy_has_nodes ? (unsigned long)OCI_MPOL_MAX_NODES + 1 : 0UL) < 0)
		return perr_set(e, errno, "linux.memoryPolicy: set_mempolicy");
	return 0;
}
