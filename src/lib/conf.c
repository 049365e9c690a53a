#include "conf.h"

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conflex.h"
#include "util.h"

/*
 * Hostile input is bounded: a file, all files together, the number of
 * files .include may pull in, and how deep includes nest.  What the
 * variables may expand to is bounded in confresolve.c.
 */
#define MAX_INCLUDE_DEPTH 16
#define MAX_CONF_SIZE (4 << 20)
#define MAX_CONF_TOTAL (16 << 20)
#define MAX_CONF_FILES 1024

/* The block of the global statements: the context outside any section. */
#define NO_BLOCK ((size_t)-1)

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

static int parse_file(struct conf *c, const char *path, int depth, size_t block, bool magic, struct perr *e);

static struct conf_block *new_block(struct conf *c, const char *name, const char *file, int line)
{
	struct conf_block *nb = array_grow(c->blocks, c->nblocks, &c->blocks_cap, sizeof(*nb), 16);

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

/*
 * Global statements go, in the order they are read, into a block of their
 * own after the sections read before them (as FreeBSD's parser does), so
 * that resolution can apply everything in the order of the file.
 */
static long global_block(struct conf *c, const char *file, int line)
{
	if (c->nblocks > 0 && !c->blocks[c->nblocks - 1].name)
		return (long)c->nblocks - 1;
	return new_block(c, NULL, file, line) ? (long)c->nblocks - 1 : -1;
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

/* A template without references as plain text ("$$" is one dollar); NULL if it holds a reference. */
static char *untemplate(const char *t)
{
	char *out = malloc(strlen(t) + 1), *d = out;

	if (!out)
		return NULL;
	for (; *t; t++) {
		if (t[0] == '$' && t[1] == '{') {
			free(out);
			errno = EINVAL;
			return NULL;
		}
		*d++ = *t;
		if (t[0] == '$' && t[1] == '$')
			t++;
	}
	*d = '\0';
	return out;
}

/*
 * The name of a statement: "$var" (lexed as the template "${var}"), or a
 * parameter name, bare or quoted, without a reference in it.
 */
static int stmt_name(struct conf_lexer *l, struct conf_stmt *s, const char *name)
{
	size_t n = strlen(name);

	/* The lexer closes every reference it makes: one reference alone ends at the first '}'. */
	if (n >= 4 && name[0] == '$' && name[1] == '{' && strchr(name, '}') == name + n - 1) {
		s->is_var = true;
		s->name = strndup(name + 2, n - 3);
		return s->name ? 0 : nomem(l->e);
	}
	s->name = untemplate(name);
	if (!s->name && errno != EINVAL)
		return nomem(l->e);
	if (!s->name || !*s->name)
		return conf_lex_error(l, s->line, s->col, "expected a parameter name, found \"%s\"", name);
	return 0;
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

/*
 * value, value ... up to the token after the last one.  The current token
 * is the first value already when have_word (FreeBSD's "name value;"),
 * else the '=' or '+=' before it.
 */
static int stmt_values(struct conf_lexer *l, struct conf_stmt *s, bool have_word)
{
	do {
		if (!have_word && conf_lex_next(l) < 0)
			return -1;
		have_word = false;
		if (l->tok != T_WORD)
			return conf_lex_error(l, l->tline, l->tcol, "expected a value, found %s", conf_tok_name(l->tok));
		if (stmt_add_value(s, l->text.s, l->e) < 0 || conf_lex_next(l) < 0)
			return -1;
	} while (l->tok == T_COMMA);
	return 0;
}

static int add_stmt(struct parser *p, size_t block, struct conf_stmt *s)
{
	struct conf_lexer *l = &p->l;
	long b = block == NO_BLOCK ? global_block(p->c, l->file, s->line) : (long)block;

	if (b < 0)
		return nomem(l->e);
	struct conf_block *bl = &p->c->blocks[b];
	struct conf_stmt *ns = array_grow(bl->stmts, bl->nstmts, &bl->cap, sizeof(*ns), 8);
	if (!ns)
		return nomem(l->e);
	bl->stmts = ns;
	bl->stmts[bl->nstmts++] = *s;
	return 0;
}

/*
 * name [= | +=] value, value ... ;  or  name value, value ... ;  or  name;
 * The name was read already (at line:col) and the current token is the
 * one after it.
 */
static int parse_stmt(struct parser *p, size_t block, const char *name, int line, int col)
{
	struct conf_lexer *l = &p->l;
	struct conf_stmt s = { .file = l->file, .line = line, .col = col };

	if (stmt_name(l, &s, name) < 0)
		goto fail;
	if (l->tok == T_EQ || l->tok == T_PLUSEQ || l->tok == T_WORD) {
		s.op = l->tok == T_PLUSEQ ? CONF_APPEND : CONF_SET;
		if (stmt_values(l, &s, l->tok == T_WORD) < 0)
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
	if (add_stmt(p, block, &s) < 0)
		goto fail;
	return 0;
fail:
	stmt_free(&s);
	return -1;
}

/*
 * The files of one .include pattern, in sorted order, read into block.
 * As FreeBSD does, the pattern is globbed with GLOB_NOCHECK: a name
 * without wildcards is read even when it does not exist (so that a
 * missing file is an error), while a pattern with wildcards that matches
 * nothing includes nothing.
 */
static int include_files(struct parser *p, const char *pattern, size_t block)
{
	glob_t g;
	int r;

	r = glob(pattern, GLOB_NOCHECK, NULL, &g);
	if (r != 0) {
		globfree(&g);
		return r == GLOB_NOSPACE ? nomem(p->l.e) : perr_setx(p->l.e, EIO, "%s: cannot be read", pattern);
	}
	bool magic = (g.gl_flags & GLOB_MAGCHAR) != 0;
	for (size_t i = 0; i < g.gl_pathc && r == 0; i++)
		r = parse_file(p->c, g.gl_pathv[i], p->depth + 1, block, magic, p->l.e);
	globfree(&g);
	return r;
}

/* A relative pattern is relative to the directory of the file that includes it. */
static char *include_path(const char *file, const char *name)
{
	const char *slash = strrchr(file, '/');
	char *path;

	if (name[0] == '/' || !slash)
		return strdup(name);
	if (asprintf(&path, "%.*s/%s", (int)(slash - file), file, name) < 0)
		return NULL;
	return path;
}

/* One name of .include: a plain word, without a variable. */
static int include_one(struct parser *p, size_t block, int line, int col)
{
	struct conf_lexer *l = &p->l;
	char *name, *path;
	int r;

	if (l->tok != T_WORD)
		return conf_lex_error(l, l->tline, l->tcol, "expected a file name or pattern after .include");
	name = untemplate(l->text.s);
	if (!name)
		return errno == EINVAL ? conf_lex_error(l, l->tline, l->tcol, "a variable cannot be used in .include")
				       : nomem(l->e);
	path = include_path(l->file, name);
	free(name);
	if (!path)
		return nomem(l->e);
	if (p->c->no_include)
		r = conf_lex_error(l, line, col, ".include is not allowed here");
	else if (p->depth >= MAX_INCLUDE_DEPTH)
		r = conf_lex_error(l, line, col, ".include nested too deep");
	else
		r = include_files(p, path, block);
	free(path);
	return r;
}

/* .include pattern [, pattern ...] ;  in a jail's section, the files' statements are the section's. */
static int parse_include(struct parser *p, size_t block)
{
	struct conf_lexer *l = &p->l;
	int line = l->tline, col = l->tcol;

	do {
		if (conf_lex_next(l) < 0 || include_one(p, block, line, col) < 0 || conf_lex_next(l) < 0)
			return -1;
	} while (l->tok == T_COMMA);
	if (l->tok != T_SEMI)
		return conf_lex_error(l, l->tline, l->tcol, "expected ';', found %s", conf_tok_name(l->tok));
	return 0;
}

static int parse_body(struct parser *p, size_t block, bool file_level);

/*
 * name { ... }: a jail's section, outside any other.  The name may be
 * quoted; a dotted name (web.php) is a child jail, created after its
 * parent; a numeric name is the jail's jid.
 */
static int parse_section(struct parser *p, size_t block, const char *word, int line, int col)
{
	struct conf_lexer *l = &p->l;
	char *name;
	int r;

	if (block != NO_BLOCK)
		return conf_lex_error(l, line, col,
				      "nested jail \"%s\" in \"%s\": write the child's section as \"%s.%s\" instead",
				      word, p->c->blocks[block].name, p->c->blocks[block].name, word);
	name = untemplate(word);
	if (!name && errno != EINVAL)
		return nomem(l->e);
	if (!name || !*name || strchr(name, '/') || name[0] == '.' || name[strlen(name) - 1] == '.' ||
	    strstr(name, "..")) {
		r = conf_lex_error(l, line, col, "expected a jail name, found \"%s\"", word);
	} else if (!new_block(p->c, name, l->file, line)) {
		r = nomem(l->e);
	} else {
		r = parse_body(p, p->c->nblocks - 1, false);
	}
	free(name);
	return r;
}

/* A word starts a section when '{' follows it, a statement otherwise. */
static int parse_word(struct parser *p, size_t block)
{
	struct conf_lexer *l = &p->l;
	char *word = strdup(l->text.s);
	int line = l->tline, col = l->tcol, r;

	if (!word)
		return nomem(l->e);
	if (conf_lex_next(l) < 0)
		r = -1;
	else if (l->tok == T_LBRACE)
		r = parse_section(p, block, word, line, col);
	else
		r = parse_stmt(p, block, word, line, col);
	free(word);
	return r;
}

/* The end of a body: a section ends at its '}', a file at its end. */
static int parse_end(struct parser *p, size_t block, bool file_level)
{
	struct conf_lexer *l = &p->l;

	if (l->tok == T_EOF && !file_level)
		return conf_lex_error(l, l->tline, l->tcol, "expected '}' to close the jail \"%s\"",
				      p->c->blocks[block].name);
	if (l->tok == T_RBRACE && file_level)
		return conf_lex_error(l, l->tline, l->tcol, "'}' without a jail to close");
	return 0;
}

/* Statements, sections and includes of block (NO_BLOCK: the global context). */
static int parse_body(struct parser *p, size_t block, bool file_level)
{
	struct conf_lexer *l = &p->l;
	int r;

	for (;;) {
		if (conf_lex_next(l) < 0)
			return -1;
		switch (l->tok) {
		case T_EOF:
		case T_RBRACE: return parse_end(p, block, file_level);
		case T_SEMI: r = 0; break; /* an empty statement */
		case T_INCLUDE: r = parse_include(p, block); break;
		case T_WORD: r = parse_word(p, block); break;
		default:
			return conf_lex_error(l, l->tline, l->tcol, "expected a parameter, a jail name or '}', found %s",
					      conf_tok_name(l->tok));
		}
		if (r < 0)
			return -1;
	}
}

static int parse_text(struct conf *c, const char *text, size_t len, const char *fname, int depth, size_t block,
		      struct perr *e)
{
	struct parser p = { .c = c, .depth = depth };
	int r;

	p.l = (struct conf_lexer){ .p = text, .end = text + len, .line = 1, .col = 1, .e = e };
	p.l.file = keep_file(c, fname);
	if (!p.l.file)
		return nomem(e);
	if (memchr(text, '\0', len))
		return perr_setx(e, EINVAL, "%s: not a text file", fname);
	r = parse_body(&p, block, true);
	free(p.l.text.s);
	return r;
}

/* All of a stream (jail -f -), up to max bytes. */
static char *read_stream(int fd, size_t max, const char *what, size_t *ret_len, struct perr *e)
{
	struct conf_buf b = { 0 };
	char chunk[65536];
	ssize_t n;

	if (conf_buf_add(&b, "", 0) < 0)
		goto nomem;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			perr_set(e, errno, "%s", what);
			free(b.s);
			return NULL;
		}
		if (b.len + (size_t)n > max) {
			perr_setx(e, EFBIG, "%s: larger than %zu bytes", what, max);
			free(b.s);
			return NULL;
		}
		if (conf_buf_add(&b, chunk, (size_t)n) < 0)
			goto nomem;
	}
	*ret_len = b.len;
	return b.s;
nomem:
	free(b.s);
	perr_set(e, ENOMEM, "%s", what);
	return NULL;
}

/* Has this file been read into this block before?  If not, remember it. */
static int seen_before(struct conf *c, int fd, size_t block, const char *path, struct perr *e)
{
	struct stat st;

	if (fstat(fd, &st) < 0)
		return perr_set(e, errno, "%s", path);
	for (size_t i = 0; i < c->nseen; i++)
		if (c->seen[i].dev == st.st_dev && c->seen[i].ino == st.st_ino && c->seen[i].block == block)
			return 1;
	struct conf_seen *ns = array_grow(c->seen, c->nseen, &c->seen_cap, sizeof(*ns), 16);
	if (!ns)
		return nomem(e);
	c->seen = ns;
	c->seen[c->nseen++] = (struct conf_seen){ .dev = st.st_dev, .ino = st.st_ino, .block = block };
	return 0;
}

/*
 * The text of a configuration file, or NULL with *ret_skip set when the
 * file is not to be read: read into the same place before, or missing
 * while a wildcard pattern named it.  O_NONBLOCK, so that a FIFO put where
 * a file is expected is refused by read_regular_fd's fstat instead of
 * blocking the open until someone writes to it.
 */
static char *read_conf(struct conf *c, const char *path, bool is_stdin, size_t block, bool magic, bool *ret_skip,
		       size_t *ret_len, struct perr *e)
{
	_cleanup_close_ int fd = is_stdin ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3)
					  : open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
	int r;

	*ret_skip = false;
	if (fd < 0) {
		*ret_skip = magic && errno == ENOENT;
		if (!*ret_skip)
			perr_set(e, errno, "%s", path);
		return NULL;
	}
	r = seen_before(c, fd, block, path, e);
	*ret_skip = r > 0;
	if (r != 0)
		return NULL;
	if (is_stdin)
		return read_stream(fd, MAX_CONF_SIZE, path, ret_len, e);
	return read_regular_fd(fd, MAX_CONF_SIZE, path, ret_len, e);
}

static int parse_file(struct conf *c, const char *path, int depth, size_t block, bool magic, struct perr *e)
{
	bool is_stdin = depth == 0 && strcmp(path, "-") == 0, skip;
	const char *fname = is_stdin ? "STDIN" : path;
	char *text;
	size_t len = 0;
	int r;

	if (c->nfiles >= MAX_CONF_FILES)
		return perr_setx(e, E2BIG, "%s: more than %d files in the configuration", path, MAX_CONF_FILES);
	text = read_conf(c, fname, is_stdin, block, magic, &skip, &len, e);
	if (!text)
		return skip ? 0 : -1;
	if (len > MAX_CONF_TOTAL - c->size) {
		free(text);
		return perr_setx(e, E2BIG, "%s: the configuration is larger than %d bytes in all", path,
				 MAX_CONF_TOTAL);
	}
	c->size += len;
	r = parse_text(c, text, len, fname, depth, block, e);
	free(text);
	return r;
}

int conf_parse_file(struct conf *c, const char *path, struct perr *e)
{
	return parse_file(c, path, 0, NO_BLOCK, false, e);
}

int conf_parse_string(struct conf *c, const char *text, size_t len, const char *fname, struct perr *e)
{
	return parse_text(c, text, len, fname, 0, NO_BLOCK, e);
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
	free(c->seen);
	memset(c, 0, sizeof(*c));
}
