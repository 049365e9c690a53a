/*
 * linux.resources.hugepageLimits and .unified onto the jail's parameters
 * hugetlb.limit and cgroup.unified (cglimit.h), checked here so that the
 * field is named; the jail checks them again when its limits are made,
 * and its cgroup machinery writes them, as it does every other limit.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cglimit.h"
#include "ociconfig.h"
#include "util.h"

/* One {pageSize, limit} more of hugetlb.limit's text. */
static int huge_entry(struct json_object *h, char *text, size_t len, struct perr *e)
{
	struct json_object *size = oci_get(h, "pageSize"), *limit = oci_get(h, "limit");
	const char *s = size && json_object_is_type(size, json_type_string) ? json_object_get_string(size) : NULL;
	uint64_t kb;
	char name[32];
	size_t used = strlen(text);

	if (!s)
		return perr_setx(e, EINVAL, "linux.resources.hugepageLimits: an entry without a pageSize string");
	if (!cg_parse_hugesize(s, &kb))
		return perr_setx(e, EINVAL, "linux.resources.hugepageLimits: pageSize \"%s\": not a huge page size "
				 "such as 2MB or 1GB", s);
	if (!limit || !json_object_is_type(limit, json_type_int) || json_object_get_int64(limit) < 0)
		return perr_setx(e, EINVAL, "linux.resources.hugepageLimits: %s: limit %s: expected a number of bytes, "
				 "0 or more", s, limit ? json_object_to_json_string(limit) : "missing");
	cg_huge_name(kb, name, sizeof(name));
	if ((size_t)snprintf(text + used, len - used, "%s%s=%lld", used ? ", " : "", name,
			     (long long)json_object_get_int64(limit)) >= len - used)
		return perr_setx(e, E2BIG, "linux.resources.hugepageLimits: too many entries");
	return 0;
}

/*
 * The limits of each page size, as hugetlb.limit "2MB=N, 1GB=M": sizes in
 * the kernel's names, whatever form runc's ("2048kB") they came in.  A
 * list given, even empty, is the whole of it, so update lifts the sizes it
 * does not name.
 */
static int map_hugepages(struct json_object *list, struct oci_config *c, struct perr *e)
{
	char text[512] = "";
	struct cg_limits l;

	if (!json_object_is_type(list, json_type_array))
		return perr_setx(e, EINVAL, "linux.resources.hugepageLimits: not an array");
	for (size_t i = 0; i < json_object_array_length(list); i++)
		if (huge_entry(json_object_array_get_idx(list, i), text, sizeof(text), e) < 0)
			return -1;
	if (cg_parse_hugetlb(text, &l, e) < 0 || cg_check_hugetlb(&l, e) < 0)
		return perr_prefix(e, "linux.resources.hugepageLimits");
	return param_set(&c->params, P_HUGETLB_LIMIT, text, e);
}

static void entries_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* The map as cgroup.unified's "KEY=VALUE" entries; the values must be strings, as runc's are. */
static int map_unified(struct json_object *map, struct oci_config *c, struct perr *e)
{
	size_t n = 0, cap;
	char **v;
	struct cg_limits *l;
	int r;

	if (!json_object_is_type(map, json_type_object))
		return perr_setx(e, EINVAL, "linux.resources.unified: not an object");
	cap = (size_t)json_object_object_length(map);
	if (cap == 0)
		return 0;
	v = calloc(cap + 1, sizeof(*v));
	if (!v)
		return perr_set(e, ENOMEM, "linux.resources.unified");
	json_object_object_foreach(map, key, val)
	{
		if (strchr(key, '=')) {
			entries_free(v, n);
			return perr_setx(e, EINVAL, "linux.resources.unified: \"%s\": not a file of a controller", key);
		}
		if (!json_object_is_type(val, json_type_string)) {
			entries_free(v, n);
			return perr_setx(e, EINVAL, "linux.resources.unified: \"%s\": the value is not a string", key);
		}
		if (asprintf(&v[n], "%s=%s", key, json_object_get_string(val)) < 0) {
			entries_free(v, n);
			return perr_set(e, ENOMEM, "linux.resources.unified");
		}
		n++;
	}
	/* A scratch set of limits, for the check alone: it is large. */
	l = calloc(1, sizeof(*l));
	r = l ? cg_parse_unified(v, l, e) : perr_set(e, ENOMEM, "linux.resources.unified");
	if (r < 0)
		r = perr_prefix(e, "linux.resources.unified");
	else
		r = param_set_argv(&c->params, P_CGROUP_UNIFIED, v, (int)n, e);
	free(l);
	entries_free(v, n);
	return r;
}

int oci_map_cgroup_extra(struct json_object *res, struct oci_config *c, struct perr *e)
{
	if (oci_get(res, "hugepageLimits") && map_hugepages(oci_get(res, "hugepageLimits"), c, e) < 0)
		return -1;
	if (oci_get(res, "unified") && map_unified(oci_get(res, "unified"), c, e) < 0)
		return -1;
	return 0;
}
