#include "cgpath.h"

#include <stdio.h>
#include <string.h>

#include "util.h"

int cg_path_make(struct cg_path *ret, const struct cg_path *parent, int jid, bool leaf, struct perr *e)
{
	int n;

	memset(ret, 0, sizeof(*ret));
	ret->jid = jid;
	ret->leaf = leaf;
	if (parent)
		n = snprintf(ret->dir, sizeof(ret->dir), "%s/%d", parent->dir, jid);
	else
		n = snprintf(ret->dir, sizeof(ret->dir), "%d", jid);
	if (n < 0 || (size_t)n >= sizeof(ret->dir))
		return perr_setx(e, E2BIG, "jail %d: jails nested too deeply", jid);
	return 0;
}

int cg_path_parse(const char *dir, bool leaf, struct cg_path *ret)
{
	char buf[sizeof(ret->dir)];
	long jid = 0;

	memset(ret, 0, sizeof(*ret));
	if (strlen(dir) >= sizeof(buf))
		return -1;
	snprintf(buf, sizeof(buf), "%s", dir);
	/* Every component a jid: no "", ".", "..", CG_LEAF or leading zero slips through. */
	for (char *save = NULL, *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save))
		if (t[0] == '0' || !parse_long(t, 1, 999999, &jid))
			return -1;
	if (!jid || dir[0] == '/' || dir[strlen(dir) - 1] == '/' || strstr(dir, "//"))
		return -1;
	ret->jid = (int)jid;
	ret->leaf = leaf;
	snprintf(ret->dir, sizeof(ret->dir), "%s", dir);
	return 0;
}

void cg_path_procs(const struct cg_path *p, char *buf, size_t len)
{
	if (p->leaf)
		snprintf(buf, len, "%s/" CG_LEAF, p->dir);
	else
		snprintf(buf, len, "%s", p->dir);
}

bool cg_path_parent(const struct cg_path *p, struct cg_path *ret)
{
	const char *slash = strrchr(p->dir, '/');

	memset(ret, 0, sizeof(*ret));
	if (!slash)
		return false;
	snprintf(ret->dir, sizeof(ret->dir), "%.*s", (int)(slash - p->dir), p->dir);
	const char *last = strrchr(ret->dir, '/');
	long jid = 0;
	(void)parse_long(last ? last + 1 : ret->dir, 1, 999999, &jid);
	ret->jid = (int)jid;
	ret->leaf = true;
	return true;
}

int cg_path_jids_of(const char *proc_cgroup, const char *prefix, int *jids, int max)
{
	const char *p = proc_cgroup;
	size_t plen = strlen(prefix);
	int n = 0;

	/*
	 * The cgroup2 line names the jail's processes' cgroup: 0::/PREFIX/P/C[/self].
	 * It is the line that starts so: a v1 line's path, which names cgroups a
	 * jail may have made, can hold the same text.
	 */
	while (p && strncmp(p, "0::/", 4) != 0)
		p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL;
	if (!p || strncmp(p + 4, prefix, plen) != 0 || p[4 + plen] != '/')
		return 0;
	p += 4 + plen + 1;
	/* Numbers are jids, written as the kernel's cgroups for them are: digits, no sign, no leading zero. */
	while (*p >= '1' && *p <= '9' && n < max) {
		size_t len = strspn(p, "0123456789");
		long v = 0;
		if (len > 6 || (p[len] != '/' && p[len] != '\n' && p[len] != '\0'))
			break;
		for (size_t i = 0; i < len; i++)
			v = v * 10 + (p[i] - '0');
		jids[n++] = (int)v;
		p += len + (p[len] == '/');
	}
	return n;
}
