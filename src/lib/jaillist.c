#include "jaillist.h"

#include <stdlib.h>
#include <string.h>

#include "jailstate.h"
#include "nestcli.h"
#include "regindex.h"
#include "util.h"

enum { F_NAME, F_HOSTNAME, F_PATH, F_IP4, F_IP6, F__COUNT };

/* The brief of one jail, its strings copied into one allocation. */
static int brief_fill(struct jail_brief *b, int jid, enum jail_state state, const char *const f[F__COUNT])
{
	size_t len[F__COUNT], total = 0;
	const char **dst[F__COUNT] = { &b->name, &b->hostname, &b->path, &b->ip4, &b->ip6 };
	char *p;

	for (int i = 0; i < F__COUNT; i++)
		total += (len[i] = f[i] ? strlen(f[i]) : 0) + 1;
	p = b->buf = malloc(total);
	if (!p)
		return -1;
	for (int i = 0; i < F__COUNT; i++) {
		memcpy(p, f[i] ? f[i] : "", len[i]);
		p[len[i]] = '\0';
		*dst[i] = p;
		p += len[i] + 1;
	}
	b->jid = jid;
	b->state = state;
	return 0;
}

static int brief_of_record(const struct jail_record *r, struct jail_brief *b)
{
	const char *f[F__COUNT] = {
		r->name,
		param_str(&r->params, P_HOSTNAME),
		param_str(&r->params, P_PATH),
		param_str(&r->params, P_IP4_ADDR),
		param_str(&r->params, P_IP6_ADDR),
	};

	return brief_fill(b, r->jid, r->state, f);
}

static int brief_of_slot(const struct regindex_slot *s, struct jail_brief *b)
{
	const char *f[F__COUNT] = { s->name, s->hostname, s->path, s->ip4, s->ip6 };

	return brief_fill(b, s->jid, (enum jail_state)s->state, f);
}

void jail_brief_free(struct jail_brief *list, size_t n)
{
	for (size_t i = 0; list && i < n; i++)
		free(list[i].buf);
	free(list);
}

/*
 * One slot: 1 with *b filled for a live jail, 0 for a dead one (now torn
 * down), -1 when the index and the records disagree (or memory ran out).
 */
static int take_slot(struct registry *reg, const struct regindex_slot *s, struct jail_brief *b)
{
	struct jail_pids p = { .state = (enum jail_state)s->state, .init_pid = s->init_pid,
			       .init_start = s->init_start, .creator_pid = s->creator_pid,
			       .creator_start = s->creator_start, .jid = s->jid,
			       .idle = (s->flags & RI_IDLE) != 0 };
	bool dead = jail_seems_dead(&p);
	_cleanup_record_ struct jail_record rec = { 0 };

	if (!dead && !(s->flags & RI_LONG))
		return brief_of_slot(s, b) < 0 ? -1 : 1;
	/* A jail to tear down, or one whose fields did not fit: its record says the rest. */
	if (!registry_read(reg, s->jid, &rec))
		return -1;
	if (dead) {
		if (rec.state != p.state || rec.init_pid != p.init_pid || rec.creator_pid != p.creator_pid)
			return -1;
		/* One that could not be emptied stays: the full pass lists it. */
		return jail_teardown(reg, &rec) == 0 ? 0 : -1;
	}
	return brief_of_record(&rec, b) < 0 ? -1 : 1;
}

/* The listing from the index's slots; -1 when it cannot be trusted after all. */
static int list_from_index(struct registry *reg, const struct regindex_slot *slots, size_t n,
			   struct jail_brief **ret, size_t *ret_n)
{
	struct jail_brief *list = calloc(n ? n : 1, sizeof(*list));
	size_t live = 0;

	if (!list)
		return -1;
	for (size_t i = 0; i < n; i++) {
		int r = take_slot(reg, &slots[i], &list[live]);
		if (r < 0) {
			jail_brief_free(list, live);
			return -1;
		}
		live += (size_t)r;
	}
	*ret = list;
	*ret_n = live;
	return 0;
}

/* The full pass, which makes the index again, and its records as briefs. */
static int list_from_records(struct registry *reg, struct jail_brief **ret, size_t *ret_n, struct perr *e)
{
	struct jail_record *recs;
	struct jail_brief *list;
	size_t n;

	if (jail_sweep(reg, &recs, &n, e) < 0)
		return -1;
	list = calloc(n ? n : 1, sizeof(*list));
	for (size_t i = 0; list && i < n; i++)
		if (brief_of_record(&recs[i], &list[i]) < 0) {
			jail_brief_free(list, i);
			list = NULL;
		}
	registry_free_list(recs, n);
	if (!list)
		return perr_set(e, ENOMEM, "registry");
	*ret = list;
	*ret_n = n;
	return 0;
}

/* Inside a jail: the briefs of its descendants, from the records the host sends (nested.h). */
static int briefs_from_host(struct jail_brief **ret, size_t *ret_n, struct perr *e)
{
	struct jail_record *recs;
	size_t n;

	if (nest_list(&recs, &n, e) < 0)
		return -1;
	*ret = calloc(n ? n : 1, sizeof(**ret));
	for (size_t i = 0; *ret && i < n; i++)
		if (brief_of_record(&recs[i], &(*ret)[i]) < 0) {
			jail_brief_free(*ret, i);
			*ret = NULL;
		}
	registry_free_list(recs, n);
	if (!*ret)
		return perr_set(e, ENOMEM, "jls");
	*ret_n = n;
	return 0;
}

int jail_list_brief(struct jail_brief **ret, size_t *ret_n, struct perr *e)
{
	struct registry reg;
	struct regindex_slot *slots = NULL;
	size_t n;
	int r = 0;

	*ret = NULL;
	*ret_n = 0;
	if (nest_inside())
		return briefs_from_host(ret, ret_n, e);
	if (registry_open(&reg, true, e) < 0)
		return -1;
	if (regindex_load(&reg, &slots, &n) < 0 || list_from_index(&reg, slots, n, ret, ret_n) < 0)
		r = list_from_records(&reg, ret, ret_n, e);
	free(slots);
	registry_close(&reg);
	return r;
}
