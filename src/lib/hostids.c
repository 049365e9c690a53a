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

static int ids_add(struct hostids *l, unsigned long id)
{
	unsigned long *v = array_grow(l->v, l->n, &l->cap, sizeof(*v), 16);

	if (!v)
		return -1;
	l->v = v;
	l->v[l->n++] = id;
	return 0;
}

void hostids_free(struct hostids *l)
{
	free(l->v);
	l->v = NULL;
	l->n = l->cap = 0;
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

int hostids_parse(const char *text, const char *fingerprint, struct hostids *ret)
{
	const char *nl = strchr(text, '\n'), *p;
	size_t flen = strlen(fingerprint);

	/* "FINGERPRINT\n" then one ID a line; anything else is not the cache. */
	if (!nl || (size_t)(nl - text) != flen || memcmp(text, fingerprint, flen) != 0)
		return -1;
	/* Whole or nothing: a broken cache gives no ID. */
	for (p = nl + 1; *p;) {
		char id[16];
		unsigned long long v;
		size_t n = strcspn(p, "\n");

		if (p[n] != '\n' || n == 0 || n >= sizeof(id)) {
			hostids_free(ret);
			return -1;
		}
		memcpy(id, p, n);
		id[n] = '\0';
		if (!parse_ull(id, &v) || v > UINT32_MAX || ids_add(ret, (unsigned long)v) < 0) {
			hostids_free(ret);
			return -1;
		}
		p += n + 1;
	}
	return 0;
}

/* The users and groups from first on, from the name service (an ID below it can meet no range). */
static int enumerate(unsigned long first, struct hostids *ret)
{
	struct passwd *pw;
	struct group *gr;
	int r = 0;

	setpwent();
	while (r == 0 && (pw = getpwent()))
		if (pw->pw_uid >= first)
			r = ids_add(ret, pw->pw_uid);
	endpwent();
	setgrent();
	while (r == 0 && (gr = getgrent()))
		if (gr->gr_gid >= first)
			r = ids_add(ret, gr->gr_gid);
	endgrent();
	return r;
}

/* The cache, if it is fresh and of these files: 0 with its IDs in ret, else -1 and none. */
static int cache_read(int dirfd, const char *fingerprint, struct hostids *ret)
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
	r = n == st.st_size ? hostids_parse(text, fingerprint, ret) : -1;
	free(text);
	return r;
}

/* Best effort: a cache that cannot be written only costs the next creation an enumeration. */
static void cache_write(int dirfd, const char *fingerprint, const struct hostids *ids)
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

int hostids_get(int dirfd, unsigned long first, struct hostids *ret, struct perr *e)
{
	char fingerprint[512];
	int n;

	n = snprintf(fingerprint, sizeof(fingerprint), "from %lu ", first);
	hostids_fingerprint(fingerprint + n, sizeof(fingerprint) - (size_t)n);
	if (cache_read(dirfd, fingerprint, ret) == 0)
		return 0;
	if (enumerate(first, ret) < 0) {
		hostids_free(ret);
		return perr_set(e, ENOMEM, "users and groups");
	}
	cache_write(dirfd, fingerprint, ret);
	return 0;
}
