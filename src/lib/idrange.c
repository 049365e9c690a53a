#include "idrange.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime.h"
#include "jailstate.h"
#include "hostids.h"
#include "pin.h"
#include "util.h"

/* ---- spans of IDs the host uses ---- */

int id_spans_add(struct id_spans *s, unsigned long first, unsigned long count)
{
	struct id_span *v;

	if (count == 0)
		return 0;
	v = array_grow(s->v, s->n, &s->cap, sizeof(*v), 16);
	if (!v)
		return -1;
	s->v = v;
	s->v[s->n].first = first;
	s->v[s->n].count = count;
	s->n++;
	return 0;
}

void id_spans_free(struct id_spans *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

bool id_spans_overlap(const struct id_spans *s, unsigned long base)
{
	for (size_t i = 0; i < s->n; i++) {
		/* Both as [first, last], so that a span reaching 2^32 cannot wrap. */
		unsigned long first = s->v[i].first, last = first + (s->v[i].count - 1);
		if (first <= base + (IDRANGE_SIZE - 1) && base <= last)
			return true;
	}
	return false;
}

int id_spans_add_subid_line(struct id_spans *s, const char *line)
{
	const char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	char first[24], count[24];
	unsigned long long f, n;
	size_t len;

	if (!c2 || line[0] == '#')
		return 0;
	len = (size_t)(c2 - c1 - 1);
	if (len == 0 || len >= sizeof(first))
		return 0;
	memcpy(first, c1 + 1, len);
	first[len] = '\0';
	len = strcspn(c2 + 1, " \t\r\n");
	if (len == 0 || len >= sizeof(count))
		return 0;
	memcpy(count, c2 + 1, len);
	count[len] = '\0';
	if (!parse_ull(first, &f) || !parse_ull(count, &n) || f > UINT_MAX || n == 0)
		return 0;
	/* A span past 2^32 is cut there: no ID lies beyond. */
	if (n > (unsigned long long)UINT_MAX + 1 - f)
		n = (unsigned long long)UINT_MAX + 1 - f;
	return id_spans_add(s, (unsigned long)f, (unsigned long)n);
}

/* ---- choosing a range ---- */

unsigned long idrange_preferred(long jid)
{
	if (jid <= 0 || (unsigned long)jid >= (IDRANGE_POOL_END - IDRANGE_POOL_FIRST) / IDRANGE_SIZE)
		return 0;
	return IDRANGE_POOL_FIRST + (unsigned long)jid * IDRANGE_SIZE;
}

unsigned long idrange_pick(unsigned long preferred, const struct id_spans *taken,
			   bool (*held)(unsigned long base, void *arg), void *arg)
{
	const unsigned long n = (IDRANGE_POOL_END - IDRANGE_POOL_FIRST) / IDRANGE_SIZE;
	unsigned long start = preferred ? (preferred - IDRANGE_POOL_FIRST) / IDRANGE_SIZE : 0;

	/*
	 * From the preferred range on, wrapping round: the ranges below it are
	 * the preferred ones of lower jids, mostly held by live jails (jids are
	 * the lowest free), so a walk from the pool's start would read the
	 * entry of every jail there is.
	 */
	for (unsigned long i = 0; i < n; i++) {
		unsigned long base = IDRANGE_POOL_FIRST + ((start + i) % n) * IDRANGE_SIZE;
		if (!id_spans_overlap(taken, base) && !held(base, arg))
			return base;
	}
	return 0;
}

/* ---- what the host uses: subordinate IDs, users and groups ---- */

static int add_subid_file(struct id_spans *s, const char *path, struct perr *e)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[512];

	if (!f)
		return errno == ENOENT ? 0 : perr_set(e, errno, "%s", path);
	while (fgets(line, sizeof(line), f))
		if (id_spans_add_subid_line(s, line) < 0)
			return perr_set(e, ENOMEM, "%s", path);
	return 0;
}

/* ---- the allocation directory ---- */

struct entry {
	char boot[40];
	int cpid, ipid, jid;
	unsigned long long cstart, istart;
	char context[PATH_MAX];
};

struct ids {
	int dirfd, lockfd;
	char boot[40];
};

static void ids_close(struct ids *d)
{
	closep(&d->lockfd);
	closep(&d->dirfd);
}

/* One list for users and groups alike: a jail's range is the same numbers in both. */
static int host_taken(const struct ids *d, struct id_spans *s, struct perr *e)
{
	struct hostids ids = { 0 };
	int r = 0;

	if (add_subid_file(s, "/etc/subuid", e) < 0 || add_subid_file(s, "/etc/subgid", e) < 0 ||
	    hostids_get(d->dirfd, IDRANGE_POOL_FIRST, &ids, e) < 0) {
		id_spans_free(s);
		return -1;
	}
	for (size_t i = 0; r == 0 && i < ids.n; i++)
		r = id_spans_add(s, ids.v[i], 1);
	hostids_free(&ids);
	if (r < 0) {
		id_spans_free(s);
		return perr_set(e, ENOMEM, "users and groups");
	}
	return 0;
}

/* This boot's id: an entry from an earlier boot names processes that are long gone. */
static void boot_id(char *buf, size_t len)
{
	if (read_file_at(AT_FDCWD, "/proc/sys/kernel/random/boot_id", buf, len) <= 0)
		buf[0] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
}

/* The directory, root's alone, and its lock, held until ids_close. */
static int ids_open(struct ids *d, struct perr *e)
{
	struct stat st;

	d->dirfd = d->lockfd = -1;
	if (mkdir(IDRANGE_DIR, 0700) < 0 && errno != EEXIST)
		return perr_set(e, errno, "mkdir %s", IDRANGE_DIR);
	d->dirfd = open(IDRANGE_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (d->dirfd < 0)
		return perr_set(e, errno, "%s", IDRANGE_DIR);
	if (fstat(d->dirfd, &st) < 0 || st.st_uid != 0 || (st.st_mode & 0077)) {
		ids_close(d);
		return perr_setx(e, EPERM, "%s: not a private directory owned by root", IDRANGE_DIR);
	}
	d->lockfd = openat(d->dirfd, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (d->lockfd < 0 || flock(d->lockfd, LOCK_EX) < 0) {
		perr_set(e, errno, "lock %s/lock", IDRANGE_DIR);
		ids_close(d);
		return -1;
	}
	boot_id(d->boot, sizeof(d->boot));
	return 0;
}

/* This runtime context, by its real path, so that two spellings of one directory are one context. */
static void context_name(char *buf)
{
	if (!realpath(runtime_rundir(), buf))
		snprintf(buf, PATH_MAX, "%s", runtime_rundir());
}

/* "BOOT CPID CSTART IPID ISTART JID CONTEXT", the context last since a path may hold spaces. */
static bool parse_entry(char *text, struct entry *ret)
{
	unsigned long long v[5];
	char *save = NULL, *t = strtok_r(text, " ", &save);

	if (!t || strlen(t) >= sizeof(ret->boot))
		return false;
	snprintf(ret->boot, sizeof(ret->boot), "%s", t);
	for (int i = 0; i < 5; i++)
		if (!(t = strtok_r(NULL, " ", &save)) || !parse_ull(t, &v[i]))
			return false;
	if (!save || !*save || v[0] > INT_MAX || v[2] > INT_MAX || v[4] > INT_MAX)
		return false;
	ret->cpid = (int)v[0];
	ret->cstart = v[1];
	ret->ipid = (int)v[2];
	ret->istart = v[3];
	ret->jid = (int)v[4];
	snprintf(ret->context, sizeof(ret->context), "%s", save);
	return true;
}

/* 1 and the entry of the range at base, 0 if there is none, -1 if it cannot be read. */
static int entry_read(const struct ids *d, unsigned long base, struct entry *ret)
{
	char name[24], text[PATH_MAX + 160];
	ssize_t n;

	snprintf(name, sizeof(name), "%lu", base);
	n = readlinkat(d->dirfd, name, text, sizeof(text) - 1);
	/* A regular file: an entry written before entries were links. */
	if (n < 0 && errno == EINVAL)
		n = read_file_at(d->dirfd, name, text, sizeof(text));
	else if (n >= 0)
		text[n] = '\0';
	if (n <= 0)
		return n < 0 && errno == ENOENT ? 0 : -1;
	text[strcspn(text, "\n")] = '\0';
	return parse_entry(text, ret) ? 1 : -1;
}

/*
 * Replaced whole (a temporary link, then rename), so a crash never leaves
 * half an entry.  The entry is the target of a symbolic link: tmpfs keeps
 * one of up to 128 bytes in its inode, where a file takes a page (4 KiB
 * per jail, idle ones included).
 */
static int entry_write(const struct ids *d, unsigned long base, const struct entry *en, struct perr *e)
{
	char name[24], tmp[32], text[PATH_MAX + 160];

	snprintf(name, sizeof(name), "%lu", base);
	snprintf(tmp, sizeof(tmp), "%lu.new", base);
	snprintf(text, sizeof(text), "%s %d %llu %d %llu %d %s", en->boot, en->cpid, en->cstart, en->ipid, en->istart,
		 en->jid, en->context);
	(void)unlinkat(d->dirfd, tmp, 0);
	if (symlinkat(text, d->dirfd, tmp) < 0 || renameat(d->dirfd, tmp, d->dirfd, name) < 0) {
		perr_set(e, errno, "%s/%s", IDRANGE_DIR, name);
		(void)unlinkat(d->dirfd, tmp, 0);
		return -1;
	}
	return 0;
}

static bool alive(int pid, unsigned long long start)
{
	return pid > 0 && start != 0 && proc_start_time(pid) == start;
}

/*
 * Held while the command that made it or the jail's init lives, or the
 * jail is pinned (an idle jail, pin.h: its user namespace, and so the
 * mapping of the range, outlives both), in this boot; an unreadable entry
 * is held.
 */
static bool entry_held(unsigned long base, void *arg)
{
	const struct ids *d = arg;
	struct entry en;
	int r = entry_read(d, base, &en);

	if (r <= 0)
		return r < 0;
	return strcmp(en.boot, d->boot) == 0 &&
	       (alive(en.cpid, en.cstart) || alive(en.ipid, en.istart) || pin_exists_in(en.context, en.jid));
}

int idrange_alloc(struct jail_record *rec, struct perr *e)
{
	struct id_spans taken = { 0 };
	struct ids d;
	struct entry en = { .cpid = getpid(), .jid = rec->jid };
	unsigned long base;
	int r;

	if (ids_open(&d, e) < 0)
		return -1;
	if (host_taken(&d, &taken, e) < 0) {
		ids_close(&d);
		return -1;
	}
	if (param_str(&rec->params, P_IDMAP_BASE) && param_int(&rec->params, P_IDMAP_BASE) > 0) {
		base = (unsigned long)param_int(&rec->params, P_IDMAP_BASE);
		/* Asked for, the range is that one or none: never another the caller did not name. */
		if (base < IDRANGE_POOL_FIRST || base % IDRANGE_SIZE || idrange_pick(base, &taken, entry_held, &d) != base) {
			id_spans_free(&taken);
			ids_close(&d);
			return perr_setx(e, EBUSY, "idmap.base %lu: %s", base,
					 base < IDRANGE_POOL_FIRST || base % IDRANGE_SIZE
						 ? "not a multiple of 65536 from 1073741824 on"
						 : "not free (another jail's, or it meets a user, a group, /etc/subuid or /etc/subgid)");
		}
	} else {
		base = idrange_pick(idrange_preferred(rec->jid), &taken, entry_held, &d);
	}
	id_spans_free(&taken);
	if (!base) {
		ids_close(&d);
		return perr_setx(e, ENOSPC,
				 "no free range of %lu host user and group IDs: every one is another jail's or meets a "
				 "user, a group, /etc/subuid or /etc/subgid",
				 IDRANGE_SIZE);
	}
	snprintf(en.boot, sizeof(en.boot), "%s", d.boot);
	en.cstart = proc_start_time(en.cpid);
	context_name(en.context);
	r = entry_write(&d, base, &en, e);
	ids_close(&d);
	if (r == 0)
		rec->uid_base = base;
	return r;
}

/* The entry of rec's range, if it is this context's jail rec->jid's: 1, else 0. */
static int own_entry(const struct ids *d, const struct jail_record *rec, struct entry *ret)
{
	char context[PATH_MAX];

	if (rec->uid_base == 0 || entry_read(d, rec->uid_base, ret) <= 0)
		return 0;
	context_name(context);
	if (ret->jid != rec->jid || strcmp(ret->context, context) != 0)
		return 0;
	/*
	 * Taken over after this jail was gone, by a jail of the same number
	 * here: not ours.  An idle jail's jailinit changes while the jail
	 * lives, and a waker killed before it noted the new one leaves the
	 * old one named: its range is known by its base, context and jid.
	 */
	if (ret->ipid && rec->init_start && (ret->ipid != rec->init_pid || ret->istart != rec->init_start) &&
	    !jail_may_idle(&rec->params))
		return 0;
	return 1;
}

int idrange_note_init(const struct jail_record *rec, struct perr *e)
{
	struct ids d;
	struct entry en;
	int r = 0;

	if (ids_open(&d, e) < 0)
		return -1;
	if (!own_entry(&d, rec, &en)) {
		r = perr_setx(e, ESTALE, "%s/%lu: the jail's ID range is no longer its own", IDRANGE_DIR,
			      rec->uid_base);
	} else {
		en.ipid = rec->init_pid;
		en.istart = rec->init_start;
		r = entry_write(&d, rec->uid_base, &en, e);
	}
	ids_close(&d);
	return r;
}

int idrange_note_wake(const struct jail_record *rec, pid_t old_pid, unsigned long long old_start)
{
	struct jail_record was = *rec;
	struct perr ignore = { 0 };
	struct ids d;
	struct entry en;
	int r = -1;

	/* Its own while it names the jailinit that went idle (or none). */
	was.init_pid = old_pid;
	was.init_start = old_start;
	if (ids_open(&d, &ignore) < 0)
		return -1;
	if (own_entry(&d, &was, &en)) {
		en.ipid = rec->init_pid;
		en.istart = rec->init_start;
		r = entry_write(&d, rec->uid_base, &en, &ignore);
	}
	ids_close(&d);
	return r;
}

void idrange_release(const struct jail_record *rec)
{
	struct perr ignore = { 0 };
	struct entry en;
	struct ids d;
	char name[24];

	if (rec->uid_base == 0 || ids_open(&d, &ignore) < 0)
		return;
	snprintf(name, sizeof(name), "%lu", rec->uid_base);
	if (own_entry(&d, rec, &en))
		(void)unlinkat(d.dirfd, name, 0);
	ids_close(&d);
}

/* ---- what a jail leaves keyed by its range ---- */

unsigned long idrange_base_of(unsigned long first, unsigned long last)
{
	if (first < IDRANGE_POOL_FIRST || first >= IDRANGE_POOL_END || (first - IDRANGE_POOL_FIRST) % IDRANGE_SIZE ||
	    last != first + (IDRANGE_SIZE - 1))
		return 0;
	return first;
}

int idrange_each_unheld(const unsigned long *base, size_t n, const struct jail_record *rec,
			void (*fn)(size_t i, void *arg), void *arg, struct perr *e)
{
	struct ids d;

	if (n == 0)
		return 0;
	if (ids_open(&d, e) < 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		struct entry en;
		if ((rec && base[i] == rec->uid_base && own_entry(&d, rec, &en)) || !entry_held(base[i], &d))
			fn(i, arg);
	}
	ids_close(&d);
	return 0;
}

#define RULES_MARK IDRANGE_DIR "/fibrules"

int idrange_mark_rules(struct perr *e)
{
	struct ids d;
	int fd;

	if (idrange_rules_marked())
		return 0;
	/* Through ids_open: the directory is made and checked as the ranges' own. */
	if (ids_open(&d, e) < 0)
		return -1;
	fd = openat(d.dirfd, "fibrules", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		perr_set(e, errno, "%s", RULES_MARK);
	else
		close(fd);
	ids_close(&d);
	return fd < 0 ? -1 : 0;
}

bool idrange_rules_marked(void)
{
	return access(RULES_MARK, F_OK) == 0;
}
