/*
 * The host's users and groups whose IDs lie in the jails' pool, for the
 * choice of a jail's ID range (idrange.c).
 *
 * Only the name service can say which users and groups exist (files, and
 * whatever nsswitch.conf adds: systemd's userdb, LDAP), and only by
 * enumerating them all.  Through nss-systemd that is a dlopen of its
 * libraries and about a hundred system calls, a large part of a jail's
 * creation.  So the answer is kept beside the ranges, in IDRANGE_DIR
 * (root's alone), and used again while /etc/passwd, /etc/group and
 * /etc/nsswitch.conf are the files they were and it is younger than
 * HOSTIDS_MAX_AGE seconds: a user added with useradd is seen at once, one
 * that only a directory service knows within that time.  A user that
 * appears after a jail took its range is a race no enumeration closes.
 */
#include "hostids.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

#define CACHE_NAME "hostids"
#define CACHE_MAX 65536

/* The IDs found, as written to the cache. */
struct id_list {
	unsigned long *v;
	size_t n, cap;
};

static int id_list_add(struct id_list *l, unsigned long id)
{
	unsigned long *v = array_grow(l->v, l->n, &l->cap, sizeof(*v), 16);

	if (!v)
		return -1;
	l->v = v;
	l->v[l->n++] = id;
	return 0;
}

static int count_only(unsigned long id, void *arg)
{
	(void)id;
	(void)arg;
	return 0;
}

static const char *const watched[] = { "/etc/passwd", "/etc/group", "/etc/nsswitch.conf" };

void hostids_fingerprint(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(watched) && off < len; i++) {
		struct stat st;
		int n = stat(watched[i], &st) < 0
				? snprintf(buf + off, len - off, "%s-", i ? " " : "")
				: snprintf(buf + off, len - off, "%s%llx:%llx:%llx:%lld.%09ld", i ? " " : "",
					   (unsigned long long)st.st_dev, (unsigned long long)st.st_ino,
					   (unsigned long long)st.st_size, (long long)st.st_mtim.tv_sec,
					   st.st_mtim.tv_nsec);
		if (n < 0)
			break;
		off += (size_t)n;
	}
}

int hostids_parse(const char *text, const char *fingerprint, hostids_fn add, void *arg)
{
	const char *nl = strchr(text, '\n'), *p;
	size_t flen = strlen(fingerprint);

	/* "FINGERPRINT\n" then one ID a line; anything else is not the cache. */
	if (!nl || (size_t)(nl - text) != flen || memcmp(text, fingerprint, flen) != 0)
		return -1;
	for (p = nl + 1; *p;) {
		char id[16];
		unsigned long long v;
		size_t n = strcspn(p, "\n");

		if (p[n] != '\n' || n == 0 || n >= sizeof(id))
			return -1;
		memcpy(id, p, n);
		id[n] = '\0';
		if (!parse_ull(id, &v) || v > UINT32_MAX || add((unsigned long)v, arg) < 0)
			return -1;
		p += n + 1;
	}
	return 0;
}

/* The users and groups from first on, from the name service: each ID to add and to ids (the cache's copy). */
static int enumerate(unsigned long first, hostids_fn add, void *arg, struct id_list *ids)
{
	struct passwd *pw;
	struct group *gr;
	int r = 0;

	setpwent();
	while (r == 0 && (pw = getpwent()))
		if (pw->pw_uid >= first)
			r = add(pw->pw_uid, arg) < 0 || id_list_add(ids, pw->pw_uid) < 0 ? -1 : 0;
	endpwent();
	setgrent();
	while (r == 0 && (gr = getgrent()))
		if (gr->gr_gid >= first)
			r = add(gr->gr_gid, arg) < 0 || id_list_add(ids, gr->gr_gid) < 0 ? -1 : 0;
	endgrent();
	return r;
}

/* The cache, if it is fresh and of these files: 0 with its IDs given to add, else -1 and none given. */
static int cache_read(int dirfd, const char *fingerprint, hostids_fn add, void *arg)
{
	_cleanup_close_ int fd = openat(dirfd, CACHE_NAME, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	struct stat st;
	struct timespec now;
	char *text;
	ssize_t n;
	int r;

	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != 0 || st.st_size >= CACHE_MAX ||
	    clock_gettime(CLOCK_REALTIME, &now) < 0)
		return -1;
	/* A clock set back makes the age negative: stale, as a cache from the future would be. */
	if (now.tv_sec < st.st_mtim.tv_sec || now.tv_sec - st.st_mtim.tv_sec >= HOSTIDS_MAX_AGE)
		return -1;
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return -1;
	n = read_all(fd, text, (size_t)st.st_size);
	text[n < 0 ? 0 : n] = '\0';
	/* Checked whole before any ID is given, so that a broken cache gives none. */
	r = n == st.st_size ? hostids_parse(text, fingerprint, count_only, NULL) : -1;
	if (r == 0)
		r = hostids_parse(text, fingerprint, add, arg);
	free(text);
	return r;
}

/* Best effort: a cache that cannot be written only costs the next creation an enumeration. */
static void cache_write(int dirfd, const char *fingerprint, const struct id_list *ids)
{
	int fd = openat(dirfd, CACHE_NAME ".new", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	_cleanup_fclose_ FILE *f = NULL;
	bool ok;

	if (fd < 0)
		return;
	f = fdopen(fd, "we");
	if (!f) {
		close(fd);
		(void)unlinkat(dirfd, CACHE_NAME ".new", 0);
		return;
	}
	ok = fprintf(f, "%s\n", fingerprint) > 0;
	for (size_t i = 0; ok && i < ids->n; i++)
		ok = fprintf(f, "%lu\n", ids->v[i]) > 0;
	ok = fflush(f) == 0 && ok;
	if (!ok || renameat(dirfd, CACHE_NAME ".new", dirfd, CACHE_NAME) < 0)
		(void)unlinkat(dirfd, CACHE_NAME ".new", 0);
}

int hostids_add(int dirfd, unsigned long first, hostids_fn add, void *arg, struct perr *e)
{
	struct id_list ids = { 0 };
	char fingerprint[512];
	int n;

	n = snprintf(fingerprint, sizeof(fingerprint), "from %lu ", first);
	hostids_fingerprint(fingerprint + n, sizeof(fingerprint) - (size_t)n);
	if (cache_read(dirfd, fingerprint, add, arg) == 0)
		return 0;
	if (enumerate(first, add, arg, &ids) < 0) {
		free(ids.v);
		return perr_set(e, ENOMEM, "users and groups");
	}
	cache_write(dirfd, fingerprint, &ids);
	free(ids.v);
	return 0;
}
