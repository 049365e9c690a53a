#include "conf.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util.h"

#define MAX_INCLUDE_DEPTH 16
#define MAX_CONF_SIZE (4 << 20)
#define MAX_EXPAND_DEPTH 16

/* A growable string. */
struct buf {
	char *s;
	size_t len, cap;
};

static int buf_add(struct buf *b, const char *p, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 32;
		while (cap < b->len + n + 1)
			cap *= 2;
		char *ns = realloc(b->s, cap);
		if (!ns)
			return -1;
		b->s = ns;
		b->cap = cap;
	}
	memcpy(b->s + b->len, p, n);
	b->len += n;
	b->s[b->len] = '\0';
	return 0;
}

static int buf_addc(struct buf *b, char c)
{
	return buf_add(b, &c, 1);
}

/* ---- lexer ---- */

enum tok {
	T_EOF,
	T_WORD,    /* a value or a name: text is a template */
	T_LBRACE,
	T_RBRACE,
	T_SEMI,
	T_COMMA,
	T_EQ,
	T_PLUSEQ,
	T_INCLUDE,
};

struct lexer {
	const char *p, *end;
	const char *file;
	int line, col;
	/* the current token */
	enum tok tok;
	struct buf text;
	bool bare;       /* the word had no quoted part: it may be a name */
	int tline, tcol;
	struct perr *e;
};

static const char *tok_name(enum tok t)
{
	static const char *const names[] = {
		[T_EOF] = "end of file", [T_WORD] = "a word", [T_LBRACE] = "'{'", [T_RBRACE] = "'}'",
		[T_SEMI] = "';'", [T_COMMA] = "','", [T_EQ] = "'='", [T_PLUSEQ] = "'+='",
		[T_INCLUDE] = "'.include'",
	};
	return names[t];
}

static int lex_error(struct lexer *l, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int lex_error(struct lexer *l, int line, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return perr_setx(l->e, EINVAL, "%s:%d:%d: %s", l->file, line, col, msg);
}

static void advance(struct lexer *l)
{
	if (*l->p == '\n') {
		l->line++;
		l->col = 1;
	} else {
		l->col++;
	}
	l->p++;
}

static bool at(struct lexer *l, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(l->end - l->p) >= n && memcmp(l->p, s, n) == 0;
}

static int skip_space(struct lexer *l)
{
	while (l->p < l->end) {
		if (*l->p == ' ' || *l->p == '\t' || *l->p == '\n' || *l->p == '\r') {
			advance(l);
		} else if (*l->p == '#' || at(l, "//")) {
			while (l->p < l->end && *l->p != '\n')
				advance(l);
		} else if (at(l, "/*")) {
			int line = l->line, col = l->col;
			advance(l);
			advance(l);
			while (l->p < l->end && !at(l, "*/"))
				advance(l);
			if (l->p >= l->end)
				return lex_error(l, line, col, "comment not closed, expected '*/'");
			advance(l);
			advance(l);
		} else {
			break;
		}
	}
	return 0;
}

static bool is_special(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '{' || c == '}' || c == ';' ||
	       c == ',' || c == '=' || c == '#' || c == '"' || c == '\'';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

/* A '$' reference at l->p: append "${name}" to the template. */
static int lex_ref(struct lexer *l)
{
	int line = l->line, col = l->col;
	struct buf *t = &l->text;

	advance(l); /* '$' */
	if (l->p < l->end && *l->p == '{') {
		advance(l);
		const char *start = l->p;
		while (l->p < l->end && *l->p != '}' && *l->p != '\n')
			advance(l);
		if (l->p >= l->end || *l->p != '}' || l->p == start)
			return lex_error(l, line, col, "expected a name and '}' after '${'");
		if (buf_add(t, "${", 2) < 0 || buf_add(t, start, (size_t)(l->p - start)) < 0 || buf_addc(t, '}') < 0)
			return perr_set(l->e, ENOMEM, "jail.conf");
		advance(l);
		return 0;
	}
	const char *start = l->p;
	while (l->p < l->end && is_name_char(*l->p))
		advance(l);
	if (l->p == start)
		return lex_error(l, line, col, "expected a variable name after '$'");
	if (buf_add(t, "${", 2) < 0 || buf_add(t, start, (size_t)(l->p - start)) < 0 || buf_addc(t, '}') < 0)
		return perr_set(l->e, ENOMEM, "jail.conf");
	return 0;
}

static int lex_quoted(struct lexer *l)
{
	char q = *l->p;
	int line = l->line, col = l->col;
	struct buf *t = &l->text;

	advance(l);
	for (;;) {
		if (l->p >= l->end)
			return lex_error(l, line, col, "string not closed, expected %c", q);
		char c = *l->p;
		if (c == q) {
			advance(l);
			return 0;
		}
		if (q == '"' && c == '$') {
			if (lex_ref(l) < 0)
				return -1;
			continue;
		}
		if (q == '"' && c == '\\' && l->p + 1 < l->end) {
			advance(l);
			c = *l->p;
			advance(l);
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case '\n': continue; /* a line continued */
			case '$':
				if (buf_add(t, "$$", 2) < 0)
					return perr_set(l->e, ENOMEM, "jail.conf");
				continue;
			default: break;
			}
			if (buf_addc(t, c) < 0)
				return perr_set(l->e, ENOMEM, "jail.conf");
			continue;
		}
		advance(l);
		if ((c == '$' ? buf_add(t, "$$", 2) : buf_addc(t, c)) < 0)
			return perr_set(l->e, ENOMEM, "jail.conf");
	}
}

static int next(struct lexer *l)
{
	l->text.len = 0;
	if (l->text.s)
		l->text.s[0] = '\0';
	l->bare = true;
	if (skip_space(l) < 0)
		return -1;
	l->tline = l->line;
	l->tcol = l->col;
	if (l->p >= l->end) {
		l->tok = T_EOF;
		return 0;
	}
	switch (*l->p) {
	case '{': advance(l); l->tok = T_LBRACE; return 0;
	case '}': advance(l); l->tok = T_RBRACE; return 0;
	case ';': advance(l); l->tok = T_SEMI; return 0;
	case ',': advance(l); l->tok = T_COMMA; return 0;
	case '=': advance(l); l->tok = T_EQ; return 0;
	default: break;
	}
	if (at(l, "+=")) {
		advance(l);
		advance(l);
		l->tok = T_PLUSEQ;
		return 0;
	}
	if (at(l, ".include") && (l->p + 8 >= l->end || is_special(l->p[8]))) {
		for (int i = 0; i < 8; i++)
			advance(l);
		l->tok = T_INCLUDE;
		return 0;
	}
	/* A word: bare and quoted pieces with nothing between them make one value. */
	if (buf_add(&l->text, "", 0) < 0)
		return perr_set(l->e, ENOMEM, "jail.conf");
	while (l->p < l->end && !(is_special(*l->p) && *l->p != '"' && *l->p != '\'')) {
		if (at(l, "+=") || at(l, "//") || at(l, "/*"))
			break;
		if (*l->p == '"' || *l->p == '\'') {
			l->bare = false;
			if (lex_quoted(l) < 0)
				return -1;
		} else if (*l->p == '$') {
			l->bare = false;
			if (lex_ref(l) < 0)
				return -1;
		} else if (*l->p == '\\' && l->p + 1 < l->end) {
			advance(l);
			if (buf_addc(&l->text, *l->p) < 0)
				return perr_set(l->e, ENOMEM, "jail.conf");
			advance(l);
		} else {
			if (buf_addc(&l->text, *l->p) < 0)
				return perr_set(l->e, ENOMEM, "jail.conf");
			advance(l);
		}
	}
	l->tok = T_WORD;
	return 0;
}

/* ---- parser ---- */

struct parser {
	struct conf *c;
	struct lexer l;
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

/*
 * name [= | +=] value, value ... ;  The name was read already (word, bare,
 * at line:col) and the current token is the one after it.
 */
static int parse_stmt(struct parser *p, size_t block, const char *name, bool bare, int line, int col)
{
	struct lexer *l = &p->l;
	struct conf_stmt s = { .file = l->file, .line = line, .col = col };

	if (name[0] == '$' && name[1] == '{') {
		/* "$var" was lexed as the template "${var}". */
		size_t n = strlen(name);
		if (n < 4 || name[n - 1] != '}' || strstr(name + 2, "${") || strstr(name, "$$"))
			return lex_error(l, s.line, s.col, "expected a variable name");
		s.is_var = true;
		s.name = strndup(name + 2, n - 3);
	} else {
		if (!bare || strchr(name, '$') || !*name)
			return lex_error(l, s.line, s.col, "expected a parameter name, found \"%s\"", name);
		s.name = strdup(name);
	}
	if (!s.name)
		return perr_set(l->e, ENOMEM, "jail.conf");
	if (l->tok == T_EQ || l->tok == T_PLUSEQ) {
		s.op = l->tok == T_EQ ? CONF_SET : CONF_APPEND;
		for (;;) {
			if (next(l) < 0)
				goto fail;
			if (l->tok != T_WORD) {
				lex_error(l, l->tline, l->tcol, "expected a value, found %s", tok_name(l->tok));
				goto fail;
			}
			char **nv = realloc(s.values, (s.nvalues + 1) * sizeof(char *));
			if (!nv || !(nv[s.nvalues] = strdup(l->text.s))) {
				free(nv);
				perr_set(l->e, ENOMEM, "jail.conf");
				goto fail;
			}
			s.values = nv;
			s.nvalues++;
			if (next(l) < 0)
				goto fail;
			if (l->tok != T_COMMA)
				break;
		}
	} else if (s.is_var) {
		lex_error(l, l->tline, l->tcol, "expected '=' after variable $%s", s.name);
		goto fail;
	}
	if (l->tok != T_SEMI) {
		lex_error(l, l->tline, l->tcol, "expected ';'%s, found %s", s.nvalues ? " or ','" : " or '='",
			  tok_name(l->tok));
		goto fail;
	}
	struct conf_block *b = &p->c->blocks[block];
	struct conf_stmt *ns = realloc(b->stmts, (b->nstmts + 1) * sizeof(*ns));
	if (!ns) {
		perr_set(l->e, ENOMEM, "jail.conf");
		goto fail;
	}
	b->stmts = ns;
	b->stmts[b->nstmts++] = s;
	return 0;
fail:
	stmt_free(&s);
	return -1;
}

static int parse_include(struct parser *p)
{
	struct lexer *l = &p->l;
	int line = l->tline, col = l->tcol;
	glob_t g;
	char *pattern;
	int r = 0;

	if (next(l) < 0)
		return -1;
	if (l->tok != T_WORD || strchr(l->text.s, '$'))
		return lex_error(l, l->tline, l->tcol, "expected a file name or pattern after .include");
	pattern = strdup(l->text.s);
	if (!pattern)
		return perr_set(l->e, ENOMEM, "jail.conf");
	if (next(l) < 0 || (l->tok != T_SEMI && lex_error(l, l->tline, l->tcol, "expected ';', found %s", tok_name(l->tok)))) {
		free(pattern);
		return -1;
	}
	if (p->c->no_include) {
		free(pattern);
		return lex_error(l, line, col, ".include is not allowed here");
	}
	if (p->depth >= MAX_INCLUDE_DEPTH) {
		free(pattern);
		return lex_error(l, line, col, ".include nested too deep");
	}
	/* A pattern that matches nothing includes nothing, as a glob in a shell loop would. */
	if (glob(pattern, 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && r == 0; i++)
			r = conf_parse_file_depth(p->c, g.gl_pathv[i], p->depth + 1, l->e);
		globfree(&g);
	}
	free(pattern);
	return r;
}

static int parse_body(struct parser *p, size_t block, bool top)
{
	struct lexer *l = &p->l;

	for (;;) {
		if (next(l) < 0)
			return -1;
		switch (l->tok) {
		case T_EOF:
			if (!top)
				return lex_error(l, l->tline, l->tcol, "expected '}' to close the jail \"%s\"",
						 p->c->blocks[block].name);
			return 0;
		case T_RBRACE:
			if (top)
				return lex_error(l, l->tline, l->tcol, "'}' without a jail to close");
			return 0;
		case T_INCLUDE:
			if (!top)
				return lex_error(l, l->tline, l->tcol, ".include is allowed outside jails only");
			if (parse_include(p) < 0)
				return -1;
			break;
		case T_WORD: {
			/* name { ... } starts a jail; anything else is an assignment. */
			char *word = strdup(l->text.s);
			bool bare = l->bare;
			int line = l->tline, col = l->tcol, r;
			if (!word)
				return perr_set(l->e, ENOMEM, "jail.conf");
			if (next(l) < 0) {
				free(word);
				return -1;
			}
			if (l->tok != T_LBRACE) {
				r = parse_stmt(p, block, word, bare, line, col);
				free(word);
				if (r < 0)
					return -1;
				break;
			}
			if (!top)
				r = lex_error(l, line, col, "nested jail \"%s\" in \"%s\": hierarchical jails are not supported yet",
					      word, p->c->blocks[block].name);
			else if (!bare || !*word || strchr(word, '.') || strchr(word, '/'))
				r = lex_error(l, line, col, "expected a jail name, found \"%s\"", word);
			else
				r = new_block(p->c, word, l->file, line) ? 0 : perr_set(l->e, ENOMEM, "jail.conf");
			free(word);
			if (r < 0 || parse_body(p, p->c->nblocks - 1, false) < 0)
				return -1;
			break;
		}
		default:
			return lex_error(l, l->tline, l->tcol, "expected a parameter, a jail name or '}', found %s",
					 tok_name(l->tok));
		}
	}
}

static int parse_text(struct conf *c, const char *text, size_t len, const char *fname, int depth, struct perr *e)
{
	struct parser p = { .c = c, .depth = depth };
	int r;

	p.l = (struct lexer){ .p = text, .end = text + len, .line = 1, .col = 1, .e = e };
	p.l.file = keep_file(c, fname);
	if (!p.l.file)
		return perr_set(e, ENOMEM, "jail.conf");
	if (c->nblocks == 0 && !new_block(c, NULL, p.l.file, 1))
		return perr_set(e, ENOMEM, "jail.conf");
	if (memchr(text, '\0', len))
		return perr_setx(e, EINVAL, "%s: not a text file", fname);
	r = parse_body(&p, 0, true);
	free(p.l.text.s);
	return r;
}

static int conf_parse_file_depth(struct conf *c, const char *path, int depth, struct perr *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *text;
	ssize_t n;
	int r;

	if (fd < 0)
		return perr_set(e, errno, "%s", path);
	if (fstat(fd, &st) < 0)
		return perr_set(e, errno, "%s", path);
	if (!S_ISREG(st.st_mode))
		return perr_setx(e, EINVAL, "%s: not a regular file", path);
	if (st.st_size > MAX_CONF_SIZE)
		return perr_setx(e, EFBIG, "%s: larger than %d bytes", path, MAX_CONF_SIZE);
	text = malloc((size_t)st.st_size + 1);
	if (!text)
		return perr_set(e, ENOMEM, "%s", path);
	n = read_all(fd, text, (size_t)st.st_size);
	if (n < 0) {
		free(text);
		return perr_set(e, errno, "%s", path);
	}
	r = parse_text(c, text, (size_t)n, path, depth, e);
	free(text);
	return r;
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

struct scope {
	struct entry *v;
	size_t n;
};

static struct entry *scope_find(struct scope *sc, const char *name, bool is_var)
{
	for (size_t i = 0; i < sc->n; i++)
		if (sc->v[i].is_var == is_var && strcmp(sc->v[i].name, name) == 0)
			return &sc->v[i];
	return NULL;
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
}

static int apply(struct scope *sc, const struct conf_stmt *s, struct perr *e)
{
	struct entry *en = scope_find(sc, s->name, s->is_var);

	if (!en) {
		struct entry *nv = realloc(sc->v, (sc->n + 1) * sizeof(*nv));
		if (!nv)
			return perr_set(e, ENOMEM, "jail.conf");
		sc->v = nv;
		en = &sc->v[sc->n];
		memset(en, 0, sizeof(*en));
		if (!(en->name = strdup(s->name)))
			return perr_set(e, ENOMEM, "jail.conf");
		en->is_var = s->is_var;
		sc->n++;
	}
	if (s->op == CONF_SET)
		entry_clear_values(en);
	en->where = s;
	if (s->nvalues == 0)
		return 0;
	char **nv = realloc(en->values, (en->nvalues + s->nvalues) * sizeof(char *));
	if (!nv)
		return perr_set(e, ENOMEM, "jail.conf");
	en->values = nv;
	for (size_t i = 0; i < s->nvalues; i++)
		if (!(en->values[en->nvalues++] = strdup(s->values[i])))
			return perr_set(e, ENOMEM, "jail.conf");
	return 0;
}

static int expand(struct scope *sc, const char *jail, const char *tmpl, const struct conf_stmt *where, int depth,
		  struct buf *out, struct perr *e)
{
	if (depth > MAX_EXPAND_DEPTH)
		return perr_setx(e, ELOOP, "%s:%d:%d: variables refer to each other in a loop", where->file, where->line,
				where->col);
	for (const char *p = tmpl; *p;) {
		if (p[0] == '$' && p[1] == '$') {
			if (buf_addc(out, '$') < 0)
				return perr_set(e, ENOMEM, "jail.conf");
			p += 2;
			continue;
		}
		if (p[0] == '$' && p[1] == '{') {
			const char *close = strchr(p, '}');
			char name[256];
			snprintf(name, sizeof(name), "%.*s", (int)(close - p - 2), p + 2);
			p = close + 1;
			if (strcmp(name, "name") == 0 && !scope_find(sc, name, true)) {
				if (buf_add(out, jail, strlen(jail)) < 0)
					return perr_set(e, ENOMEM, "jail.conf");
				continue;
			}
			/* A variable first, then a parameter of the same jail. */
			struct entry *en = scope_find(sc, name, true);
			if (!en)
				en = scope_find(sc, name, false);
			if (!en)
				return perr_setx(e, EINVAL, "%s:%d:%d: %s: undefined variable \"%s\"", where->file,
						where->line, where->col, jail, name);
			for (size_t i = 0; i < en->nvalues; i++) {
				if (i && buf_addc(out, ',') < 0)
					return perr_set(e, ENOMEM, "jail.conf");
				if (expand(sc, jail, en->values[i], en->where, depth + 1, out, e) < 0)
					return -1;
			}
			continue;
		}
		if (buf_addc(out, *p++) < 0)
			return perr_set(e, ENOMEM, "jail.conf");
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

int conf_resolve(const struct conf *c, const char *jail, struct conf_jail *ret, struct perr *e)
{
	struct scope sc = { 0 };
	bool found = false;
	int r = -1;

	memset(ret, 0, sizeof(*ret));
	/* Pass 0: globals; 1: the wildcard sections; 2: the jail's own, in file order. */
	for (int pass = 0; pass < 3; pass++)
		for (size_t b = 0; b < c->nblocks; b++) {
			const struct conf_block *bl = &c->blocks[b];
			bool take = pass == 0 ? !bl->name
				    : pass == 1 ? bl->name && strcmp(bl->name, "*") == 0
				    : bl->name && strcmp(bl->name, jail) == 0;
			if (!take)
				continue;
			found |= pass == 2;
			for (size_t i = 0; i < bl->nstmts; i++)
				if (apply(&sc, &bl->stmts[i], e) < 0)
					goto out;
		}
	if (!found) {
		perr_setx(e, ENOENT, "jail \"%s\" is not in the configuration", jail);
		goto out;
	}
	if (!(ret->name = strdup(jail)))
		goto nomem;
	for (size_t i = 0; i < sc.n; i++) {
		struct entry *en = &sc.v[i];
		struct conf_param *np;
		if (en->is_var)
			continue;
		np = realloc(ret->params, (ret->nparams + 1) * sizeof(*np));
		if (!np)
			goto nomem;
		ret->params = np;
		np = &ret->params[ret->nparams++];
		memset(np, 0, sizeof(*np));
		if (!(np->name = strdup(en->name)) || (en->nvalues && !(np->values = calloc(en->nvalues, sizeof(char *)))))
			goto nomem;
		for (size_t k = 0; k < en->nvalues; k++) {
			struct buf out = { 0 };
			if (buf_add(&out, "", 0) < 0)
				goto nomem;
			if (expand(&sc, jail, en->values[k], en->where, 0, &out, e) < 0) {
				free(out.s);
				goto out;
			}
			np->values[np->nvalues++] = out.s;
		}
	}
	r = 0;
	goto out;
nomem:
	perr_set(e, ENOMEM, "jail.conf");
out:
	scope_free(&sc);
	if (r < 0)
		conf_jail_free(ret);
	return r;
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
