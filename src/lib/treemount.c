#include "treemount.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "mount.h"
#include "util.h"

/* A tree holds a handful of leftovers at most; more means something keeps mounting. */
#define MAX_LEFTOVERS 256

/* Undo mountinfo's octal escapes (space, tab, newline, backslash) in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++, w++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*w = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 3;
		} else {
			*w = *s;
		}
	}
	*w = '\0';
}

/*
 * The deepest mount strictly below root (a canonical path) in this mount
 * namespace: its path relative to root in rel, its mount id in ret_id.
 * Returns 1 if there is one, 0 if none, -1 on error.
 */
static int deepest_below(const char *root, char *rel, size_t len, unsigned long long *ret_id, struct perr *e)
{
	_cleanup_fclose_ FILE *f = fopen("/proc/self/mountinfo", "re");
	size_t rlen = strlen(root), best = 0, cap = 0;
	char *line = NULL;

	if (!f)
		return perr_set(e, errno, "/proc/self/mountinfo");
	while (getline(&line, &cap, f) > 0) {
		char mp[PATH_MAX], *end;
		unsigned long long id = strtoull(line, &end, 10);
		size_t n;
		if (end == line || *end != ' ' || sscanf(end, " %*s %*s %*s %4095s", mp) != 1)
			continue;
		unescape(mp);
		n = strlen(mp);
		if (n <= rlen + 1 || strncmp(mp, root, rlen) != 0 || mp[rlen] != '/' || n <= best)
			continue;
		best = n;
		*ret_id = id;
		snprintf(rel, len, "%s", mp + rlen + 1);
	}
	free(line);
	return best > 0;
}

/* Detach the mount with id id, whose mount point is rel below dirfd. */
static int detach(int dirfd, const char *rel, unsigned long long id, struct perr *e)
{
	_cleanup_close_ int fd = open_beneath(dirfd, rel, O_PATH, e);
	struct statx st;
	char proc[64];

	if (fd < 0)
		return perr_prefix(e, "a mount left in the built tree");
	/* The descriptor must be that mount's root, not something a link or a rename put there. */
	if (statx(fd, "", AT_EMPTY_PATH, STATX_MNT_ID, &st) < 0)
		return perr_set(e, errno, "a mount left on /%s in the built tree", rel);
	if (!(st.stx_mask & STATX_MNT_ID) || st.stx_mnt_id != id)
		return perr_setx(e, EBUSY, "a mount left on /%s in the built tree changed while it was detached", rel);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	if (umount2(proc, MNT_DETACH) < 0)
		return perr_set(e, errno, "a mount left on /%s in the built tree cannot be unmounted", rel);
	return 0;
}

int tree_unmount_below(int dirfd, struct perr *e)
{
	char self[64], root[PATH_MAX], rel[PATH_MAX];
	unsigned long long id = 0;
	ssize_t n;
	int r;

	snprintf(self, sizeof(self), "/proc/self/fd/%d", dirfd);
	n = readlink(self, root, sizeof(root) - 1);
	if (n < 0)
		return perr_set(e, errno, "the built tree");
	root[n] = '\0';
	for (int i = 0; i < MAX_LEFTOVERS; i++) {
		r = deepest_below(root, rel, sizeof(rel), &id, e);
		if (r <= 0)
			return r;
		if (detach(dirfd, rel, id, e) < 0)
			return -1;
	}
	return perr_setx(e, EBUSY, "mounts keep appearing in the built tree (more than %d)", MAX_LEFTOVERS);
}
