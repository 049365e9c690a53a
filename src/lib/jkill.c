#include "jkill.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <time.h>

#include "cgroup.h"
#include "jailps.h"
#include "jailstate.h"
#include "pidpin.h"
#include "registry.h"
#include "util.h"

/* A cgroup frozen for the signal: a jail's own processes, or with JKILL_TREE its whole subtree. */
struct kgroup {
	char rel[160];
	int fd;
	bool was_frozen; /* frozen by someone else before: left frozen */
	bool froze;      /* we wrote 1 to cgroup.freeze */
};

/* A jail whose processes get the signal. */
struct kmember {
	size_t key; /* its entry in the report (the jail asked for, or its ancestor that was) */
	int jid;
	struct cg_path cg;
	char rel[160]; /* the cgroup of its own processes */
	pid_t init_pid;
	unsigned long long init_start;
	int level; /* its PID namespace's depth below ours */
};

struct kplan {
	struct kgroup *g;
	size_t ng;
	struct kmember *m;
	size_t nm, mcap;
	struct jkill_report *r;
	int sig;
};

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int add_member(struct kplan *p, size_t key, const struct jail_record *rec, struct perr *e)
{
	for (size_t i = 0; i < p->nm; i++)
		if (p->m[i].jid == rec->jid)
			return 0;
	if (p->nm == p->mcap) {
		size_t cap = p->mcap ? p->mcap * 2 : 8;
		struct kmember *nm = realloc(p->m, cap * sizeof(*nm));
		if (!nm)
			return perr_set(e, ENOMEM, "jkill");
		p->m = nm;
		p->mcap = cap;
	}
	struct kmember *m = &p->m[p->nm++];
	m->key = key;
	m->jid = rec->jid;
	m->cg = rec->cg;
	cg_path_procs(&rec->cg, m->rel, sizeof(m->rel));
	m->init_pid = rec->init_pid;
	m->init_start = rec->init_start;
	m->level = jail_pidns_level(rec);
	return 0;
}

/* The cgroup to freeze for rec, once: its subtree with JKILL_TREE, else its own processes'. */
static int add_group(struct kplan *p, const struct jail_record *rec, unsigned flags, struct perr *e)
{
	struct kgroup g = { .fd = -1 };

	if (flags & JKILL_TREE)
		snprintf(g.rel, sizeof(g.rel), "%s", rec->cg.dir);
	else
		cg_path_procs(&rec->cg, g.rel, sizeof(g.rel));
	for (size_t i = 0; i < p->ng; i++)
		if (strcmp(p->g[i].rel, g.rel) == 0)
			return 0;
	g.fd = flags & JKILL_TREE ? cgroup_open(&rec->cg, e) : cgroup_open_procs(&rec->cg, e);
	if (g.fd < 0)
		return -1;
	p->g[p->ng++] = g;
	return 0;
}

/* Is rec below the jail whose cgroup is dir? */
static bool below(const struct jail_record *rec, const char *dir)
{
	size_t l = strlen(dir);

	return strncmp(rec->cg.dir, dir, l) == 0 && rec->cg.dir[l] == '/';
}

static int add_descendants(struct kplan *p, size_t key, const struct jail_record *top, const struct jail_record *all,
			   size_t nall, struct perr *e)
{
	for (size_t i = 0; i < nall; i++)
		if (all[i].state == JS_ACTIVE && below(&all[i], top->cg.dir) && add_member(p, key, &all[i], e) < 0)
			return -1;
	return 0;
}

/* Each key's jail, found under the lock; with JKILL_TREE its descendants from the records. */
static int plan(struct kplan *p, struct registry *reg, char *const *keys, unsigned flags, struct perr *e)
{
	struct jail_record *all = NULL;
	size_t nall = 0;
	int r = 0;

	if ((flags & JKILL_TREE) && registry_list(reg, &all, &nall, e) < 0)
		return -1;
	for (size_t i = 0; r == 0 && i < p->r->njails; i++) {
		struct jkill_jail *j = &p->r->jails[i];
		_cleanup_record_ struct jail_record rec = { 0 };
		if (jail_find_locked(reg, keys[i], &rec, &j->err) < 0)
			continue;
		j->jid = rec.jid;
		snprintf(j->name, sizeof(j->name), "%s", rec.name);
		/* A jail that went since it was found is not found. */
		if (add_group(p, &rec, flags, &j->err) < 0) {
			if (j->err.err != ENOENT) {
				*e = j->err;
				r = -1;
			}
			perr_setx(&j->err, j->err.err, "jail \"%s\" not found", keys[i]);
			continue;
		}
		r = add_member(p, i, &rec, e);
		if (r == 0 && (flags & JKILL_TREE))
			r = add_descendants(p, i, &rec, all, nall, e);
	}
	registry_free_list(all, nall);
	return r;
}

static int freeze(struct kgroup *g, struct perr *e)
{
	char cur[8] = "";

	/* Two jkills of one jail take turns: one's thaw must not open the other's window. */
	if (flock(g->fd, LOCK_EX) < 0)
		return perr_set(e, errno, "lock cgroup %s", g->rel);
	if (read_file_at(g->fd, "cgroup.freeze", cur, sizeof(cur)) < 0)
		return perr_set(e, errno, "cgroup.freeze of cgroup %s (Linux 5.2 or newer is needed)", g->rel);
	g->was_frozen = cur[0] == '1';
	if (!g->was_frozen) {
		if (write_file_at(g->fd, "cgroup.freeze", "1") < 0)
			return perr_set(e, errno, "freeze cgroup %s", g->rel);
		g->froze = true;
	}
	return 0;
}

static int wait_frozen(const struct kgroup *g, long deadline, struct perr *e)
{
	if (cgroup_wait_frozen(g->fd, deadline) == 0)
		return 0;
	if (errno == ETIMEDOUT)
		return perr_setx(e, ETIMEDOUT, "the processes of cgroup %s did not freeze in %d ms", g->rel,
				 JKILL_FREEZE_MS);
	return perr_set(e, errno, "cgroup.events of cgroup %s", g->rel);
}

static void thaw(struct kplan *p)
{
	for (size_t i = p->ng; i-- > 0;) {
		struct kgroup *g = &p->g[i];
		if (g->froze)
			(void)write_file_at(g->fd, "cgroup.freeze", "0");
		g->froze = false;
		closep(&g->fd);
		g->fd = -1;
	}
}

static int note_sent(struct jkill_report *r, int jid, pid_t pid, pid_t jpid)
{
	struct jkill_sent *v = array_grow(r->sent, r->nsent, &r->cap, sizeof(*v), 64);

	if (!v)
		return -1;
	r->sent = v;
	r->sent[r->nsent++] = (struct jkill_sent){ .jid = jid, .pid = pid, .jpid = jpid };
	return 0;
}

/*
 * One listed process, pinned (pidpin.h): the pidfd is of the process found
 * in the jail's cgroup, not of one that took its pid, and the signal goes
 * through it.
 */
static int signal_one(struct kplan *p, const struct kmember *m, pid_t pid)
{
	_cleanup_pidpin_ struct pidpin pin = { .pidfd = -1, .procfd = -1 };
	int r = 0;

	if (pid == m->init_pid && proc_start_time(pid) == m->init_start)
		return 0;
	if (pidpin_open(pid, m->rel, &pin) < 0)
		return errno == ESRCH ? 0 : -1;
	pid_t jpid = proc_nspid(pin.procfd, m->level);
	if (p->sig && pidpin_signal(&pin, p->sig) < 0)
		return errno == ESRCH ? 0 : -1;
	r = note_sent(p->r, m->jid, pid, jpid);
	if (r == 0)
		p->r->jails[m->key].nsent++;
	return r;
}

static int signal_all(struct kplan *p, struct perr *e)
{
	for (size_t i = 0; i < p->nm; i++) {
		const struct kmember *m = &p->m[i];
		pid_t *pids = NULL;
		size_t n = 0;
		_cleanup_close_ int fd = cgroup_open_procs(&m->cg, e);
		if (fd < 0 || cgroup_pids(fd, &pids, &n, e) < 0)
			return -1;
		for (size_t k = 0; k < n; k++)
			if (signal_one(p, m, pids[k]) < 0) {
				int err = errno, pid = (int)pids[k];
				free(pids);
				return perr_set(e, err, "signal process %d of jail %d", pid, m->jid);
			}
		free(pids);
	}
	return 0;
}

/* Freeze every group, wait for all, signal, thaw: one instant for all the jails. */
static int deliver(struct kplan *p, struct perr *e)
{
	long deadline = now_ms() + JKILL_FREEZE_MS;
	int r = 0;

	for (size_t i = 0; r == 0 && i < p->ng; i++)
		r = freeze(&p->g[i], e);
	for (size_t i = 0; r == 0 && i < p->ng; i++)
		r = wait_frozen(&p->g[i], deadline, e);
	if (r == 0)
		r = signal_all(p, e);
	thaw(p);
	return r;
}

/* Groups in path order, so that two jkills lock shared cgroups in the same order and never wait on each other in a ring. */
static int by_rel(const void *a, const void *b)
{
	return strcmp(((const struct kgroup *)a)->rel, ((const struct kgroup *)b)->rel);
}

int jail_kill(char *const *keys, size_t nkeys, int sig, unsigned flags, struct jkill_report *ret, struct perr *e)
{
	struct kplan p = { .r = ret, .sig = sig };
	struct registry reg;
	int r;

	memset(ret, 0, sizeof(*ret));
	ret->jails = calloc(nkeys ? nkeys : 1, sizeof(*ret->jails));
	p.g = calloc(nkeys ? nkeys : 1, sizeof(*p.g));
	if (!ret->jails || !p.g) {
		free(p.g);
		return perr_set(e, ENOMEM, "jkill");
	}
	ret->njails = nkeys;
	if (registry_open(&reg, true, e) < 0) {
		free(p.g);
		return -1;
	}
	r = plan(&p, &reg, keys, flags, e);
	qsort(p.g, p.ng, sizeof(*p.g), by_rel);
	if (r == 0)
		r = deliver(&p, e);
	else
		thaw(&p);
	registry_close(&reg);
	free(p.g);
	free(p.m);
	return r;
}

void jkill_report_free(struct jkill_report *r)
{
	free(r->jails);
	free(r->sent);
	memset(r, 0, sizeof(*r));
}
