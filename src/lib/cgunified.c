/*
 * cgroup.unified, apart from any host: which files of its cgroup2 cgroup
 * a jail's parameters may write, and what.  A key names one file of the
 * jail's own cgroup, never a path: the back end opens it beneath the
 * cgroup's directory, and the rule here keeps out what prison itself
 * holds in that directory (cgroup.procs, cgroup.subtree_control,
 * cgroup.freeze, cgroup.kill...), whose change would take a jail out of
 * its cgroup or out of prison's control.
 */
#include "cglimit.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

/* cgroup2's own files that only limit the jail's subtree. */
static const char *const core_allowed[] = { "cgroup.max.depth", "cgroup.max.descendants" };

/* Why key may not be written, NULL when it may. */
static const char *key_refusal(const char *key)
{
	static const char lower[] = "abcdefghijklmnopqrstuvwxyz0123456789_";
	static const char file[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.";
	size_t ctl = strspn(key, lower), len = strlen(key);

	if (len >= CG_UNIFIED_KEY_MAX)
		return "too long";
	if (ctl == 0 || key[ctl] != '.' || key[ctl + 1] == '\0' || strspn(key + ctl + 1, file) != len - ctl - 1 ||
	    strstr(key, "..") || key[len - 1] == '.')
		return "not a file of a controller (controller.file, such as hugetlb.2MB.max)";
	if (ctl == 6 && strncmp(key, "cgroup", 6) == 0) {
		for (size_t i = 0; i < ARRAY_SIZE(core_allowed); i++)
			if (strcmp(key, core_allowed[i]) == 0)
				return NULL;
		return "refused (the jail's cgroup.* files are prison's; only cgroup.max.depth and "
		       "cgroup.max.descendants may be set)";
	}
	return NULL;
}

static bool printable_line(const char *v)
{
	for (; *v; v++)
		if ((unsigned char)*v < 0x20 || (unsigned char)*v > 0x7e)
			return false;
	return true;
}

/* One "KEY=VALUE" into u. */
static int unified_entry(const char *entry, struct cg_unified *u, struct perr *e)
{
	const char *eq = strchr(entry, '='), *why;
	size_t klen = eq ? (size_t)(eq - entry) : 0;

	if (!eq || klen == 0)
		return perr_setx(e, EINVAL, "cgroup.unified: \"%s\": expected KEY=VALUE such as hugetlb.2MB.max=8388608",
				 entry);
	if (klen >= sizeof(u->key))
		return perr_setx(e, EINVAL, "cgroup.unified: \"%.*s\": too long", (int)klen, entry);
	memcpy(u->key, entry, klen);
	u->key[klen] = '\0';
	if ((why = key_refusal(u->key)))
		return perr_setx(e, EINVAL, "cgroup.unified: \"%s\": %s", u->key, why);
	if (eq[1] == '\0' || !printable_line(eq + 1))
		return perr_setx(e, EINVAL, "cgroup.unified: \"%s\": the value is to be one line of printable text, "
				 "not empty", u->key);
	if (snprintf(u->value, sizeof(u->value), "%s", eq + 1) >= (int)sizeof(u->value))
		return perr_setx(e, EINVAL, "cgroup.unified: \"%s\": the value is longer than %d bytes", u->key,
				 CG_UNIFIED_VALUE_MAX - 1);
	return 0;
}

int cg_parse_unified(char *const *entries, struct cg_limits *l, struct perr *e)
{
	l->nunified = 0;
	for (; entries && *entries; entries++) {
		struct cg_unified u;
		/* jls -s writes a list with no entry as one empty word: it is none. */
		if (!**entries)
			continue;
		if (l->nunified == CG_MAX_UNIFIED)
			return perr_setx(e, E2BIG, "cgroup.unified: more than %d entries", CG_MAX_UNIFIED);
		if (unified_entry(*entries, &u, e) < 0)
			return -1;
		for (size_t i = 0; i < l->nunified; i++)
			if (strcmp(l->unified[i].key, u.key) == 0)
				return perr_setx(e, EINVAL, "cgroup.unified: \"%s\": given twice", u.key);
		l->unified[l->nunified++] = u;
	}
	return 0;
}
