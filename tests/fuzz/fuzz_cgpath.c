/*
 * Cgroup paths (cgpath.h): a record's stored path and the text of a
 * process's /proc/PID/cgroup, which a jail shapes by the cgroups it makes
 * below its own.  A stored path that parses is a chain of jids whose
 * parent chain parses too; the jids of a process come only from its
 * cgroup2 line ("0::/..."), never from a name that merely contains it.
 */
#include "fuzz.h"

#include "../../src/lib/cgpath.h"

static void check_path(const char *dir)
{
	struct cg_path p, parent, again;

	if (cg_path_parse(dir, true, &p) < 0)
		return;
	FUZZ_ASSERT(p.jid >= 1 && p.jid <= 999999 && strcmp(p.dir, dir) == 0 && !strstr(dir, ".."));
	FUZZ_ASSERT(dir[0] != '/' && dir[strlen(dir) - 1] != '/');
	if (cg_path_parent(&p, &parent)) {
		FUZZ_ASSERT(cg_path_parse(parent.dir, true, &again) == 0 && again.jid == parent.jid);
		FUZZ_ASSERT(strncmp(dir, parent.dir, strlen(parent.dir)) == 0 && dir[strlen(parent.dir)] == '/');
	}
}

/* The cgroup2 line of text: one that starts with "0::". */
static const char *v2_line(const char *text)
{
	for (const char *p = text; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (strncmp(p, "0::/", 4) == 0)
			return p;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), want[32];
	int jids[8];
	int n;

	check_path(text);
	n = cg_path_jids_of(text, "prison", jids, 8);
	FUZZ_ASSERT(n >= 0 && n <= 8);
	if (n > 0) {
		const char *line = v2_line(text);
		FUZZ_ASSERT(line != NULL);
		snprintf(want, sizeof(want), "0::/prison/%d", jids[0]);
		FUZZ_ASSERT(strncmp(line, want, strlen(want)) == 0 && strchr("/\n", line[strlen(want)]));
	}
	for (int i = 0; i < n; i++)
		FUZZ_ASSERT(jids[i] >= 1 && jids[i] <= 999999);
	free(text);
	return 0;
}
