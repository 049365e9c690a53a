/* Mounts the jail's own /proc, /dev, /sys, /run, /tmp and /var/tmp cover, detached from the copy of its root (covered.h). */
#include "covered.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util.h"

/* The first three always; the rest only where the jail has its own. */
static const char *const covered[] = { "proc", "dev", "sys", "run", "tmp", "var/tmp" };

/* mountinfo's octal escapes (\040 for a space, \012, \134) undone in place. */
static void unescape(char *s)
{
	char *w = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*w++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*w++ = *s;
		}
	}
	*w = '\0';
}

/* Mount point mp (absolute) relative to the root when it is a covered directory or below one, or NULL. */
static const char *covered_rel(const char *mp, bool private_tmp)
{
	size_t n = private_tmp ? ARRAY_SIZE(covered) : 3;

	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(covered[i]);
		if (mp[0] == '/' && strncmp(mp + 1, covered[i], len) == 0 && (mp[len + 1] == '\0' || mp[len + 1] == '/'))
			return mp + 1;
	}
	return NULL;
}

/* The mount on rel in the new root, if rel is one's root there, detached with all beneath it. */
static void detach_one(int rootfd, const char *rel)
{
	struct open_how how = { .flags = O_PATH | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, rootfd, rel, &how, sizeof(how));
	struct statx stx;
	char self[64];

	if (fd < 0 || statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW, 0, &stx) < 0 ||
	    !(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT) || !(stx.stx_attributes & STATX_ATTR_MOUNT_ROOT))
		return;
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	(void)umount2(self, MNT_DETACH);
}

int covered_detach(int rootfd, bool private_tmp, struct perr *e)
{
	_cleanup_fclose_ FILE *f = NULL;
	char *line = NULL;
	size_t cap = 0;

	if (fchdir(rootfd) < 0)
		return perr_set(e, errno, "chdir to the jail's root");
	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return perr_set(e, errno, "/proc/self/mountinfo");
	/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT ...": the fifth field. */
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *mp = strtok_r(line, " ", &save);
		for (int i = 1; mp && i < 5; i++)
			mp = strtok_r(NULL, " ", &save);
		if (!mp)
			continue;
		unescape(mp);
		const char *rel = covered_rel(mp, private_tmp);
		if (rel)
			detach_one(rootfd, rel);
	}
	free(line);
	return 0;
}
