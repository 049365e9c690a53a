#include "conf.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "conflex.h"
#include "util.h"

/*
 * Hostile input is bounded: a file, all files together, the number of
 * files .include may pull in, and what the variables may expand to (in
 * bytes, and in references followed, so that variables which refer to
 * each other many times over cannot make resolution run for ever).
 */
#define MAX_INCLUDE_DEPTH 16
#define MAX_CONF_SIZE (4 << 20)
#define MAX_CONF_TOTAL (16 << 20)
#define MAX_CONF_FILES 1024
#define MAX_EXPAND_DEPTH 16
#define MAX_EXPAND_SIZE (4 << 20)
#define MAX_EXPAND_REFS 65536

static int nomem(struct perr *e)
{
	return perr_set(e, ENOMEM, "jail.conf");
}

/* ---- parser: the lexer's tokens into blocks of statements ---- */

struct parser {
	struct conf *c;
	struct conf_lexer l;
	int depth;
};

static int conf_parse_file_depth(struct conf *c, const char *path, int depth, struct perr *e);

static struct conf_block *new_block(struct conf *c, const char *name, const char *file, int line)
{
	struct conf_block *nb = realloc(c->blocks, (c->nblocks + 1) * sizeof(*nb));

	if (!nb)
		return NULL;
	c->blocks = nb;
	nb = &c->blocks[c->nblocks];
	memset(nb, 0, sizeof(*nb));
	if (name && !(nb->name = strdup(name)))
		return NULL;
	nb->file = file;
	nb->line = line;
	c->nblocks++;
	return nb;
}

static const char *keep_file(struct conf *c, const char *fname)
{
	char **nf = realloc(c->files, (c->nfiles + 1) * sizeof(char *));

	if (!nf)
		return NULL;
	c->files = nf;
	if (!(nf[c->nfiles] = strdup(fname)))
		return NULL;
	return nf[c->nfiles++];
}

static void stmt_free(struct conf_stmt *s)
{
	free(s->name);
	for (size_t i = 0; i < s->nvalues; i++)
		free(s->values[i]);
	free(s->values);
}

/* The name of a statement: "$var" (lexed as the template "${var}") or a bare parameter name. */
static int stmt_name(struct conf_lexer *l, struct conf_stmt *s, const char *name, bool bare)
{
	if (name[0] == '$' && name[1] == '{') {
		size_t n = strlen(name);
		if (n < 4 || name[n - 1] != '}' || strstr(name + 2, "${") || strstr(name, "$$"))
			return conf_lex_error(l, s->line, s->col, "expected a variable name");
		s->is_var = true;
		s->name = strndup(name + 2, n - 3);
	} else {
		if (!bare || strchr(name, '$') || !*name)
			return conf_lex_error(l, s->line, s->col, "expected a parameter name, found \"%s\"", name);
		s->name = strdup(name);
	}
	return s->name ? 0 : nomem(l->e);
}

static int stmt_add_value(struct conf_stmt *s, const char *text, struct perr *e)
{
	char **nv = realloc(s->values, (s->nvalues + 1) * sizeof(char *));

	if (!nv)
		return nomem(e);
	s->values = nv;
	if (!(nv[s->nvalues] = strdup(text)))
		return nomem(e);
	s->nvalues++;
	return 0;
}

/* After '=' or '+=': value, value ... up to the token after the last one. */
static int stmt_values(struct conf_lexer *l, struct conf_stmt *s)
{
	do {
		if (conf_lex_next(l) < 0)
			return -1;
		if (l->tok != T_WORD)
			return conf_lex_error(l, l->tline, l->tcol, "expected a value, found %s", conf_tok_name(l->tok));
		if (stmt_add_value(s, l->text.s, l->e) < 0 || conf_lex_next(l) < 0)
			return -1;
	} while (l->tok == T_COMMA);
	return 0;
}

/*
 * name [= | +=] value, value ... ;  The name was read already (word, bare,
 * at line:col) and the current token is the one after it.
 */
static int parse_stmt(struct parser *p, size_t block, const char *name, bool bare, int line, int col)
{
	struct conf_lexer *l = &p->l;
	struct conf_stmt s = { .file = l->file, .line = line, .col = col };

	if (stmt_name(l, &s, name, bare) < 0)
		goto fail;
	if (l->tok == T_EQ || l->tok == T_PLUSEQ) {
		s.op = l->tok == T_EQ ? CONF_SET : CONF_APPEND;
		if (stmt_values(l, &s) < 0)
			goto fail;
	} else if (s.is_var) {
		conf_lex_error(l, l->tline, l->tcol, "expected '=' after variable $%s", s.name);
		goto fail;
	}
	if (l->tok != T_SEMI) {
		conf_lex_error(l, l->tline, l->tcol, "expected ';'%s, found %s", s.nvalues ? " or ','" : " or '='",
			       conf_tok_name(l->tok));
		goto fail;
	}
	struct conf_block *b = &p->c->blocks[block];
	struct conf_stmt *ns = realloc(b->stmts, (b->nstmts + 1) * sizeof(*ns));
	if (!ns) {
		nomem(l->e);
		goto fail;
	}
	b->stmts = ns;
	b->stmts[b->nstmts++] = s;
	return 0;
fail:
	stmt_free(&s);
	return -1;
}

static int include_files(struct parser *p, const char *pattern)
{
	glob_t g;
	int r = 0;

	/* A pattern that matches nothing includes nothing, as a glob in a shell loop would. */
	if (glob(pattern, 0, NULL, &g) != 0)
		return 0;
	for (size_t i = 0; i < g.gl_pathc && r == 0; i++)
		r = conf_parse_file_depth(p->c, g.gl_pathv[i], p->depth + 1, p->l.e);
	globfree(&g);
	return r;
}

static int parse_include(struct parser *p)
{
	struct conf_lexer *l = &p->l;
	int line = l->tline, col = l->tcol, r;
	char *pattern;

	if (conf_lex_next(l) < 0)
		return -1;
	if (l->tok != T_WORD || strchr(l->text.s, '$'))
		return conf_lex_error(l, l->tline, l->tcol, "expected a file name or pattern after .include");
	pattern = strdup(l->text.s);
	if (!pattern)
		return nomem(l->e);
	if (conf_lex_next(l) < 0)
		r = -1;
	else if (l->tok != T_SEMI)
		r = conf_lex_error(l, l->tline, l->tcol, "expected ';', found %s", conf_tok_name(l->tok));
	else if (p->c->no_include)
		r = conf_lex_error(l, line, col, ".include is not allowed here");
	else if (p->depth >= MAX_INCLUDE_DEPTH)
		r = conf_lex_error(l, line, col, ".include nested too deep");
	else
		r = include_files(p, pattern);
	free(pattern);
	return r;
}

static int parse_body(struct parser *p, size_t block, bool top);

/* name { ... }: a jail's section, at the top level only. */
static int parse_section(struct parser *p, size_t block, bool top, char *word, bool bare, int line, int col)
{
	struct conf_lexer *l = &p->l;

	if (!top)
		return conf_lex_error(l, line, col,
				      "nested jail \"%s\" in \"%s\": hierarchical jails are not supported yet", word,
				      p->c->blocks[block].name);
	if (!bare || !*word || strchr(word, '.') || strchr(word, '/'))
		return conf_lex_error(l, line, col, "expected a jail name, found \"%s\"", word);
	/* A bare word's only dollars are escaped ones, doubled by the lexer: a name is no template. */
	for (char *d = strstr(word, "$$"); d; d = strstr(d + 1, "$$"))
		memmove(d, d + 1, strlen(d));
	if (!new_block(p->c, word, l->file, line))
		return nomem(l->e);
	return parse_body(p, p->c->nblocks - 1, false);
}

/* A word starts a section when '{' follows it, an assignment otherwise. */
static int parse_word(struct parser *p, size_t block, bool top)
{
	struct conf_lexer *l = &p->l;
	char *word = strdup(l->text.s);
	bool bare = l->bare;
	int line = l->tline, col = l->tcol, r;

	if (!word)
		return nomem(l->e);
	if (conf_lex_next(l) < 0)
		r = -1;
	else if (l->tok == T_LBRACE)
		r = parse_section(p, block, top, word, bare, line, col);
	else
		r = parse_stmt(p, block, word, bare, line, col);
	free(word);
	return r;
}

/* The end of a body: 1 when it may end here, -1 when it may not. */
static int parse_end(struct parser *p, size_t block, bool top)
{
	struct conf_lexer *l = &p->l;

	if (l->tok == T_EOF && !top)
		return conf_lex_error(l, l->tline, l->tcol, "expected '}' to close the jail \"%s\"",
				      p->c->blocks[block].name);
	if (l->tok == T_RBRACE && top)
		return conf_lex_error(l, l->tline, l->tcol, "'}' without a jail to close");
	return 1;
}

static int parse_body(struct parser *p, size_t block, bool top)
{
	struct conf_lexer *l = &p->l;
	int r;

	for (;;) {
		if (conf_lex_next(l) < 0)
			return -1;
		switch (l->tok) {
		case T_EOF:
		case T_RBRACE:
			return parse_end(p, block, top) < 0 ? -1 : 0;
		case T_INCLUDE:
			if (!top)
				return conf_lex_error(l, l->tline, l->tcol, ".include is allowed outside jails only");
			r = parse_include(p);
			break;
		case T_WORD:
			r = parse_word(p, block, top);
			break;
		default:
			return conf_lex_error(l, l->tline, l->tcol, "expected a parameter, a jail name or '}', found %s",
					      conf_tok_name(l->tok));
		}
		if (r < 0)
			return -1;
	}
}

static int parse_text(struct conf *c, const char *text, size_t len, const char *fname, int depth, struct perr *e)
{
	struct parser p = { .c = c, .depth = depth };
	int r;

	p.l = (struct conf_lexer){ .p = text, .end = text + len, .line = 1, .col = 1, .e = e };
	p.l.file = keep_file(c, fname);
	if (!p.l.file)
		return nomem(e);
	if (c->nblocks == 0 && !new_block(c, NULL, p.l.file, 1))
		return nomem(e);
	if (memchr(text, '\0', len))
		return perr_setx(e, EINVAL, "%s: not a text file", fname);
	r = parse_body(&p, 0, true);
	free(p.l.text.s);
	return r;
}

/*
 * The whole text of a configuration file.  O_NONBLOCK, so that a FIFO put
 * where a file is expected is refused by the fstat below instead of
 * blocking the open until someone writes to it.
 */
static char *read_conf_file(const char *path, size_t *ret_len, struct perr *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0) {
		perr_set(e, errno, "%s", path);
		return NULL;
	}
	return read_regular_fd(fd, MAX_CONF_SIZE, path, ret_len, e);
}

static int conf_parse_file_depth(struct conf *c, const char *path, int depth, struct perr *e)
{
	_cleanup_free_ char *text = NULL;
	size_t len = 0;

	if (c->nfiles >= MAX_CONF_FILES)
		return perr_setx(e, E2BIG, "%s: more than %d files in the configuration", path, MAX_CONF_FILES);
	text = read_conf_file(path, &len, e);
	if (!text)
		return -1;
	if (len > MAX_CONF_TOTAL - c->size)
		return perr_setx(e, E2BIG, "%s: the configuration is larger than %d bytes in all", path,
				 MAX_CONF_TOTAL);
	c->size += len;
	return parse_text(c, text, len, path, depth, e);
}

int conf_parse_file(struct conf *c, const char *path, struct perr *e)
{
	return conf_parse_file_depth(c, path, 0, e);
}

int conf_parse_string(struct conf *c, const char *text, size_t len, const char *fname, struct perr *e)
{
	return parse_text(c, text, len, fname, 0, e);
}

void conf_free(struct conf *c)
{
	for (size_t b = 0; b < c->nblocks; b++) {
		for (size_t i = 0; i < c->blocks[b].nstmts; i++)
			stmt_free(&c->blocks[b].stmts[i]);
		free(c->blocks[b].stmts);
		free(c->blocks[b].name);
	}
	free(c->blocks);
	for (size_t i = 0; i < c->nfiles; i++)
		free(c->files[i]);
	free(c->files);
	memset(c, 0, sizeof(*c));
}

/* ---- resolution: globals, then "*", then the jail's own sections ---- */

/* A parameter or variable while statements are applied, with where it was last set. */
struct entry {
	char *name;
	bool is_var;
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

static size_t entry_hash(const char *name, bool is_var)
{
	size_t h = is_var ? 0x9e3779b97f4a7c15ULL : 14695981039346656037ULL;

	for (; *name; name++)
		h = (h ^ (unsigned char)*name) * 1099511628211ULL;
	return h;
}

/* The slot that holds name, or the empty one where it would go. */
static size_t *scope_slot(const struct scope *sc, const char *name, bool is_var)
{
	size_t mask = sc->nslot - 1;

	for (size_t i = entry_hash(name, is_var) & mask;; i = (i + 1) & mask) {
		size_t k = sc->slot[i];
		if (k == 0 || (sc->v[k - 1].is_var == is_var && strcmp(sc->v[k - 1].name, name) == 0))
			return &sc->slot[i];
	}
}

static struct entry *scope_find(const struct scope *sc, const char *name, bool is_var)
{
	size_t k = sc->nslot ? *scope_slot(sc, name, is_var) : 0;

	return k ? &sc->v[k - 1] : NULL;
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
		*scope_slot(sc, sc->v[i].name, sc->v[i].is_var) = i + 1;
	return 0;
}

static struct entry *scope_add(struct scope *sc, const char *name, bool is_var)
{
	struct entry *en;

	if (scope_grow(sc) < 0)
		return NULL;
	en = &sc->v[sc->n];
	memset(en, 0, sizeof(*en));
	if (!(en->name = strdup(name)))
		return NULL;
	en->is_var = is_var;
	*scope_slot(sc, name, is_var) = ++sc->n;
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
		free(sc->v[i].name);
	}
	free(sc->v);
	free(sc->slot);
}

static int apply(struct scope *sc, const struct conf_stmt *s, struct perr *e)
{
	struct entry *en = scope_find(sc, s->name, s->is_var);

	if (!en && !(en = scope_add(sc, s->name, s->is_var)))
		return nomem(e);
	if (s->op == CONF_SET)
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
	size_t bytes_left, refs_left;
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

/* "${name}": a variable first, then a parameter of the same jail; ${name} alone is the jail's name. */
static int expand_ref(struct expander *x, const char *name, const struct conf_stmt *where, int depth,
		      struct conf_buf *out)
{
	struct entry *en = scope_find(x->sc, name, true);

	if (x->refs_left == 0)
		return perr_setx(x->e, E2BIG, "%s:%d:%d: %s: more than %d variable references", where->file,
				 where->line, where->col, x->jail, MAX_EXPAND_REFS);
	x->refs_left--;
	if (!en && strcmp(name, "name") == 0)
		return expand_add(x, where, out, x->jail, strlen(x->jail));
	if (!en)
		en = scope_find(x->sc, name, false);
	if (!en)
		return perr_setx(x->e, EINVAL, "%s:%d:%d: %s: undefined variable \"%s\"", where->file, where->line,
				 where->col, x->jail, name);
	for (size_t i = 0; i < en->nvalues; i++) {
		if (i && expand_add(x, where, out, ",", 1) < 0)
			return -1;
		if (expand(x, en->values[i], en->where, depth + 1, out) < 0)
			return -1;
	}
	return 0;
}

static int expand(struct expander *x, const char *tmpl, const struct conf_stmt *where, int depth,
		  struct conf_buf *out)
{
	if (depth > MAX_EXPAND_DEPTH)
		return perr_setx(x->e, ELOOP, "%s:%d:%d: variables refer to each other in a loop", where->file,
				 where->line, where->col);
	for (const char *p = tmpl; *p;) {
		if (p[0] == '$' && p[1] == '{') {
			/* The lexer closed every reference it made. */
			const char *close = strchr(p, '}');
			char name[256];
			if (!close)
				return perr_setx(x->e, EINVAL, "%s:%d:%d: %s: a variable reference not closed", where->file,
						 where->line, where->col, x->jail);
			snprintf(name, sizeof(name), "%.*s", (int)(close - p - 2), p + 2);
			p = close + 1;
			if (expand_ref(x, name, where, depth, out) < 0)
				return -1;
			continue;
		}
		/* "$$" is one literal dollar. */
		if (expand_add(x, where, out, p, 1) < 0)
			return -1;
		p += p[0] == '$' && p[1] == '$' ? 2 : 1;
	}
	return 0;
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

static bool block_applies(const struct conf_block *bl, int pass, const char *jail)
{
	switch (pass) {
	case 0: return !bl->name;
	case 1: return bl->name && strcmp(bl->name, "*") == 0;
	default: return bl->name && strcmp(bl->name, jail) == 0;
	}
}

/* Pass 0: globals; 1: the wildcard sections; 2: the jail's own, in file order.  1 if it has one. */
static int apply_blocks(const struct conf *c, const char *jail, struct scope *sc, struct perr *e)
{
	bool found = false;

	for (int pass = 0; pass < 3; pass++)
		for (size_t b = 0; b < c->nblocks; b++) {
			const struct conf_block *bl = &c->blocks[b];
			if (!block_applies(bl, pass, jail))
				continue;
			found |= pass == 2;
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
	if (!(np->name = strdup(en->name)) || (en->nvalues && !(np->values = calloc(en->nvalues, sizeof(char *)))))
		return nomem(x->e);
	for (size_t k = 0; k < en->nvalues; k++) {
		struct conf_buf out = { 0 };
		if (conf_buf_add(&out, "", 0) < 0)
			return nomem(x->e);
		if (expand(x, en->values[k], en->where, 0, &out) < 0) {
			free(out.s);
			return -1;
		}
		np->values[np->nvalues++] = out.s;
	}
	return 0;
}

int conf_resolve(const struct conf *c, const char *jail, struct conf_jail *ret, struct perr *e)
{
	struct scope sc = { 0 };
	struct expander x = { .sc = &sc, .jail = jail, .bytes_left = MAX_EXPAND_SIZE, .refs_left = MAX_EXPAND_REFS,
			      .e = e };
	int r = -1;

	memset(ret, 0, sizeof(*ret));
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
		if (!name || strcmp(name, "*") == 0)
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
