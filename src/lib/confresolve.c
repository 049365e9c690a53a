/*
 * jail.conf(5) resolution: one jail's parameters from the statements that
 * apply to it, taken in the order of the file as FreeBSD takes them, with
 * the variables expanded once all are known.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "conflex.h"
#include "util.h"

/*
 * What the variables may expand to is bounded, in bytes and in references
 * followed, so that variables which refer to each other many times over
 * cannot make resolution run for ever.  A loop is found as such; a chain
 * of distinct variables may be MAX_EXPAND_DEPTH deep (FreeBSD has no such
 * limit; this one keeps the recursion off the end of the stack).
 */
#define MAX_EXPAND_DEPTH 1024
#define MAX_EXPAND_SIZE (4 << 20)
#define MAX_EXPAND_REFS 65536
#define MAX_EXPAND_VALUES 65536

static int nomem(struct perr *e)
{
	return perr_set(e, ENOMEM, "jail.conf");
}

/* A parameter or variable while statements are applied, with where it was last set. */
struct entry {
	char *key;     /* the name, for a parameter without the "no" of a negated boolean */
	char *name;    /* the name as last written */
	bool is_var;
	bool busy;     /* being expanded: a reference back to it is a loop */
	char **values; /* templates */
	size_t nvalues;
	const struct conf_stmt *where;
};

/*
 * The entries, with an open-addressing index over them (slot = entry + 1,
 * 0 empty), so that applying many statements stays linear.
 */
struct scope {
	struct entry *v;
	size_t n, cap;
	size_t *slot;
	size_t nslot; /* a power of two, at least twice n */
};

/*
 * FreeBSD takes "allow.nomount" and "allow.mount" for one parameter (its
 * equalopts()), so that the later of the two wins: the key of a parameter
 * drops a "no" at the start of its last component.
 */
static char *param_key(const char *name, bool is_var)
{
	const char *dot = strrchr(name, '.');
	const char *last = dot ? dot + 1 : name;
	char *key;

	if (is_var || strncmp(last, "no", 2) != 0 || !last[2])
		return strdup(name);
	if (asprintf(&key, "%.*s%s", (int)(last - name), name, last + 2) < 0)
		return NULL;
	return key;
}

static size_t entry_hash(const char *key, bool is_var)
{
	size_t h = is_var ? 0x9e3779b97f4a7c15ULL : 14695981039346656037ULL;

	for (; *key; key++)
		h = (h ^ (unsigned char)*key) * 1099511628211ULL;
	return h;
}

/* The slot that holds key, or the empty one where it would go. */
static size_t *scope_slot(const struct scope *sc, const char *key, bool is_var)
{
	size_t mask = sc->nslot - 1;

	for (size_t i = entry_hash(key, is_var) & mask;; i = (i + 1) & mask) {
		size_t k = sc->slot[i];
		if (k == 0 || (sc->v[k - 1].is_var == is_var && strcmp(sc->v[k - 1].key, key) == 0))
			return &sc->slot[i];
	}
}

static struct entry *scope_find_key(const struct scope *sc, const char *key, bool is_var)
{
	size_t k = sc->nslot ? *scope_slot(sc, key, is_var) : 0;

	return k ? &sc->v[k - 1] : NULL;
}

/* The entry a name refers to; NULL with errno ENOMEM or 0. */
static struct entry *scope_find(const struct scope *sc, const char *name, bool is_var)
{
	char *key = param_key(name, is_var);
	struct entry *en;

	if (!key) {
		errno = ENOMEM;
		return NULL;
	}
	en = scope_find_key(sc, key, is_var);
	free(key);
	errno = 0;
	return en;
}

/* Room for one more entry, in the array and in the index. */
static int scope_grow(struct scope *sc)
{
	struct entry *nv = array_grow(sc->v, sc->n, &sc->cap, sizeof(*nv), 16);

	if (!nv)
		return -1;
	sc->v = nv;
	if ((sc->n + 1) * 2 <= sc->nslot)
		return 0;
	size_t nslot = sc->nslot ? sc->nslot * 2 : 32;
	size_t *slot = calloc(nslot, sizeof(*slot));
	if (!slot)
		return -1;
	free(sc->slot);
	sc->slot = slot;
	sc->nslot = nslot;
	for (size_t i = 0; i < sc->n; i++)
		*scope_slot(sc, sc->v[i].key, sc->v[i].is_var) = i + 1;
	return 0;
}

/* A new entry for key, which it takes over. */
static struct entry *scope_add(struct scope *sc, char *key, bool is_var)
{
	struct entry *en;

	if (scope_grow(sc) < 0) {
		free(key);
		return NULL;
	}
	en = &sc->v[sc->n];
	memset(en, 0, sizeof(*en));
	en->key = key;
	en->is_var = is_var;
	*scope_slot(sc, key, is_var) = ++sc->n;
	return en;
}

static void entry_clear_values(struct entry *en)
{
	for (size_t i = 0; i < en->nvalues; i++)
		free(en->values[i]);
	free(en->values);
	en->values = NULL;
	en->nvalues = 0;
}

static void scope_free(struct scope *sc)
{
	for (size_t i = 0; i < sc->n; i++) {
		entry_clear_values(&sc->v[i]);
		free(sc->v[i].key);
		free(sc->v[i].name);
	}
	free(sc->v);
	free(sc->slot);
}

/* The entry a statement sets, made when it is new, renamed as the statement writes it. */
static struct entry *stmt_entry(struct scope *sc, const struct conf_stmt *s)
{
	char *key = param_key(s->name, s->is_var), *name;
	struct entry *en;

	if (!key)
		return NULL;
	en = scope_find_key(sc, key, s->is_var);
	if (en)
		free(key);
	else if (!(en = scope_add(sc, key, s->is_var)))
		return NULL;
	if (en->name && strcmp(en->name, s->name) == 0)
		return en;
	if (!(name = strdup(s->name)))
		return NULL;
	free(en->name);
	en->name = name;
	return en;
}

static int apply(struct scope *sc, const struct conf_stmt *s, struct perr *e)
{
	struct entry *en = stmt_entry(sc, s);

	if (!en)
		return nomem(e);
	/* As in FreeBSD, += with nothing to add (a bare name) replaces too. */
	if (s->op == CONF_SET || s->nvalues == 0)
		entry_clear_values(en);
	en->where = s;
	if (s->nvalues == 0)
		return 0;
	char **nv = realloc(en->values, (en->nvalues + s->nvalues) * sizeof(char *));
	if (!nv)
		return nomem(e);
	en->values = nv;
	for (size_t i = 0; i < s->nvalues; i++)
		if (!(en->values[en->nvalues++] = strdup(s->values[i])))
			return nomem(e);
	return 0;
}

/* One jail's expansion of templates, with what it may still spend. */
struct expander {
	struct scope *sc;
	const char *jail;
	bool numeric; /* the section name is a jid: a name parameter names the jail */
	size_t bytes_left, refs_left, values_left;
	struct perr *e;
};

static int expand(struct expander *x, const char *tmpl, const struct conf_stmt *where, int depth,
		  struct conf_buf *out);

static int expand_add(struct expander *x, const struct conf_stmt *where, struct conf_buf *out, const char *p,
		      size_t n)
{
	if (n > x->bytes_left)
		return perr_setx(x->e, E2BIG, "%s:%d:%d: %s: parameters longer than %d bytes once variables are expanded",
				 where->file, where->line, where->col, x->jail, MAX_EXPAND_SIZE);
	x->bytes_left -= n;
	return conf_buf_add(out, p, n) < 0 ? nomem(x->e) : 0;
}

/*
 * What "${name}" refers to: a variable first, then a parameter of the
 * jail.  *ret NULL with 0 returned means the jail's own name ("name" alone,
 * unless a numeric section sets it as a parameter).
 */
static int lookup_ref(struct expander *x, const char *name, const struct conf_stmt *where, int depth,
		      struct entry **ret)
{
	struct entry *en = scope_find(x->sc, name, true);

	*ret = NULL;
	if (x->refs_left == 0)
		return perr_setx(x->e, E2BIG, "%s:%d:%d: %s: more than %d variable references", where->file,
				 where->line, where->col, x->jail, MAX_EXPAND_REFS);
	x->refs_left--;
	if (depth >= MAX_EXPAND_DEPTH)
		return perr_setx(x->e, ELOOP, "%s:%d:%d: %s: variables nested more than %d deep", where->file,
				 where->line, where->col, x->jail, MAX_EXPAND_DEPTH);
	if (!en && errno == 0 && (x->numeric || strcmp(name, "name") != 0))
		en = scope_find(x->sc, name, false);
	if (!en && errno == ENOMEM)
		return nomem(x->e);
	if (!en && strcmp(name, "name") == 0)
		return 0;
	if (!en)
		return perr_setx(x->e, EINVAL, "%s:%d:%d: %s: undefined variable \"%s\"", where->file, where->line,
				 where->col, x->jail, name);
	if (en->busy)
		return perr_setx(x->e, ELOOP, "%s:%d:%d: variables refer to each other in a loop", en->where->file,
				 en->where->line, en->where->col);
	*ret = en;
	return 0;
}

/* "${name}" inside a value: what it holds, expanded in turn. */
static int expand_ref(struct expander *x, const char *name, const struct conf_stmt *where, int depth,
		      struct conf_buf *out)
{
	struct entry *en;
	int r = 0;

	if (lookup_ref(x, name, where, depth, &en) < 0)
		return -1;
	if (!en)
		return expand_add(x, where, out, x->jail, strlen(x->jail));
	/*
	 * FreeBSD refuses a list inside a longer value; its values joined by
	 * commas are what a list parameter means anyway.
	 */
	en->busy = true;
	for (size_t i = 0; i < en->nvalues && r == 0; i++) {
		if (i && expand_add(x, where, out, ",", 1) < 0)
			r = -1;
		else
			r = expand(x, en->values[i], en->where, depth + 1, out);
	}
	en->busy = false;
	return r;
}

static int expand(struct expander *x, const char *tmpl, const struct conf_stmt *where, int depth,
		  struct conf_buf *out)
{
	for (const char *p = tmpl; *p;) {
		if (p[0] == '$' && p[1] == '{') {
			/* The lexer closes every reference it makes; a template that is not its own is refused. */
			const char *close = strchr(p, '}');
			if (!close)
				return perr_setx(x->e, EINVAL, "%s:%d:%d: %s: a variable reference not closed", where->file,
						 where->line, where->col, x->jail);
			char *name = strndup(p + 2, (size_t)(close - p - 2));
			if (!name)
				return nomem(x->e);
			int r = expand_ref(x, name, where, depth, out);
			free(name);
			if (r < 0)
				return -1;
			p = close + 1;
			continue;
		}
		/* "$$" is one literal dollar. */
		if (expand_add(x, where, out, p, 1) < 0)
			return -1;
		p += p[0] == '$' && p[1] == '$' ? 2 : 1;
	}
	return 0;
}

/* One more value of a parameter; lists of lists are bounded in how many values they make. */
static int param_push(struct expander *x, const struct conf_stmt *where, struct conf_param *np, char *s)
{
	char **nv;

	if (x->values_left == 0) {
		free(s);
		return perr_setx(x->e, E2BIG, "%s:%d:%d: %s: more than %d values once variables are expanded",
				 where->file, where->line, where->col, x->jail, MAX_EXPAND_VALUES);
	}
	x->values_left--;
	nv = realloc(np->values, (np->nvalues + 1) * sizeof(char *));
	if (!nv) {
		free(s);
		return nomem(x->e);
	}
	np->values = nv;
	np->values[np->nvalues++] = s;
	return 0;
}

/* The name of a template that is one reference and nothing else, or NULL. */
static char *whole_ref(const char *tmpl)
{
	size_t n = strlen(tmpl);

	if (n < 4 || tmpl[0] != '$' || tmpl[1] != '{' || strchr(tmpl, '}') != tmpl + n - 1)
		return NULL;
	return strndup(tmpl + 2, n - 3);
}

/*
 * One value template into values of np.  As in FreeBSD, a value that is a
 * reference alone to a list becomes the list's values (each of them, in
 * turn, a list when it is a reference alone); anywhere else a reference
 * is replaced by text.
 */
static int expand_value(struct expander *x, const char *tmpl, const struct conf_stmt *where, int depth,
			struct conf_param *np)
{
	char *name = whole_ref(tmpl);
	struct entry *en = NULL;
	int r = 0;

	if (name) {
		r = lookup_ref(x, name, where, depth, &en);
		free(name);
		if (r < 0)
			return -1;
		if (en && en->nvalues > 0) {
			en->busy = true;
			for (size_t i = 0; i < en->nvalues && r == 0; i++)
				r = expand_value(x, en->values[i], en->where, depth + 1, np);
			en->busy = false;
			return r;
		}
		/* A reference the lookup has spent: give it back to expand(), which counts it again. */
		x->refs_left++;
	}
	struct conf_buf out = { 0 };
	if (conf_buf_add(&out, "", 0) < 0)
		return nomem(x->e);
	if (expand(x, tmpl, where, depth, &out) < 0) {
		free(out.s);
		return -1;
	}
	return param_push(x, where, np, out.s);
}

void conf_jail_free(struct conf_jail *j)
{
	for (size_t i = 0; i < j->nparams; i++) {
		for (size_t k = 0; k < j->params[i].nvalues; k++)
			free(j->params[i].values[k]);
		free(j->params[i].values);
		free(j->params[i].name);
	}
	free(j->params);
	free(j->name);
	memset(j, 0, sizeof(*j));
}

/*
 * FreeBSD's rule for wildcards in hierarchical names: a section whose name
 * has a '*' is a wildcard; a "*" part before a dot matches any one part of
 * the jail's name, a final "*" one part or more, and every other part must
 * be equal.  So "web.*" is every jail below web (not web), "*.php" every
 * php one level down, "*" every jail.
 */
static bool wild_match(const char *jail, const char *wild)
{
	for (;;) {
		size_t jl = strcspn(jail, "."), wl = strcspn(wild, ".");
		bool star = wl == 1 && wild[0] == '*';
		if (!wild[wl])
			return star || (!jail[jl] && jl == wl && memcmp(jail, wild, wl) == 0);
		if (!jail[jl] || (!star && (jl != wl || memcmp(jail, wild, wl) != 0)))
			return false;
		jail += jl + 1;
		wild += wl + 1;
	}
}

static bool is_wild(const char *name)
{
	return name && strchr(name, '*');
}

/* Does a section apply to the jail?  Globals apply to all, wildcards to the jails they match. */
static bool block_applies(const struct conf_block *bl, const char *jail)
{
	return !bl->name || strcmp(bl->name, jail) == 0 || (is_wild(bl->name) && wild_match(jail, bl->name));
}

/*
 * Every statement that applies to the jail, in the order of the file, as
 * FreeBSD takes them: a global statement or a "*" section after the
 * jail's own section overrides it.  1 if the jail has a section.
 */
static int apply_blocks(const struct conf *c, const char *jail, struct scope *sc, struct perr *e)
{
	bool found = false;

	for (size_t b = 0; b < c->nblocks; b++) {
		const struct conf_block *bl = &c->blocks[b];
		if (!block_applies(bl, jail))
			continue;
		found |= bl->name && !is_wild(bl->name) && strcmp(bl->name, jail) == 0;
		for (size_t i = 0; i < bl->nstmts; i++)
			if (apply(sc, &bl->stmts[i], e) < 0)
				return -1;
	}
	return found;
}

/* A parameter of the scope, its values expanded, as the jail's next parameter. */
static int resolve_param(struct expander *x, const struct entry *en, struct conf_jail *ret)
{
	struct conf_param *np = realloc(ret->params, (ret->nparams + 1) * sizeof(*np));

	if (!np)
		return nomem(x->e);
	ret->params = np;
	np = &ret->params[ret->nparams++];
	memset(np, 0, sizeof(*np));
	if (!(np->name = strdup(en->name)))
		return nomem(x->e);
	for (size_t k = 0; k < en->nvalues; k++)
		if (expand_value(x, en->values[k], en->where, 0, np) < 0)
			return -1;
	return 0;
}

/* A section named by a number gives the jail's jid (FreeBSD's rule); its name comes from a name parameter. */
static bool is_jid(const char *name)
{
	if (!*name || *name == '0')
		return false;
	for (; *name; name++)
		if (*name < '0' || *name > '9')
			return false;
	return true;
}

int conf_resolve(const struct conf *c, const char *jail, struct conf_jail *ret, struct perr *e)
{
	struct scope sc = { 0 };
	struct expander x = { .sc = &sc, .jail = jail, .numeric = is_jid(jail), .bytes_left = MAX_EXPAND_SIZE,
			      .refs_left = MAX_EXPAND_REFS, .values_left = MAX_EXPAND_VALUES, .e = e };
	int r = -1;

	memset(ret, 0, sizeof(*ret));
	ret->numeric = x.numeric;
	r = apply_blocks(c, jail, &sc, e);
	if (r == 0)
		r = perr_setx(e, ENOENT, "jail \"%s\" is not in the configuration", jail);
	else if (r > 0 && !(ret->name = strdup(jail)))
		r = nomem(e);
	for (size_t i = 0; r > 0 && i < sc.n; i++)
		if (!sc.v[i].is_var && resolve_param(&x, &sc.v[i], ret) < 0)
			r = -1;
	scope_free(&sc);
	if (r < 0) {
		conf_jail_free(ret);
		return -1;
	}
	return 0;
}
size_t conf_jail_names(const struct conf *c, const char ***ret)
{
	const char **names = calloc(c->nblocks + 1, sizeof(char *));
	size_t n = 0;

	*ret = names;
	if (!names)
		return 0;
	for (size_t b = 0; b < c->nblocks; b++) {
		const char *name = c->blocks[b].name;
		bool seen = false;
		if (!name || is_wild(name))
			continue;
		for (size_t i = 0; i < n && !seen; i++)
			seen = strcmp(names[i], name) == 0;
		if (!seen)
			names[n++] = name;
	}
	return n;
}

const struct conf_param *conf_jail_param(const struct conf_jail *j, const char *name)
{
	for (size_t i = 0; i < j->nparams; i++)
		if (strcmp(j->params[i].name, name) == 0)
			return &j->params[i];
	return NULL;
}
