/*
 * jail.conf(5): the lexer and parser build lists of statements only; the
 * meaning (variables, the wildcard section, globals, +=) comes in a second
 * pass, conf_resolve(), per jail.  Errors name file, line and column.
 */
#ifndef PRISON_CONF_H
#define PRISON_CONF_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "api.h"
#include "error.h"

enum conf_op {
	CONF_SET,    /* name = value[, value...];  or  name;  */
	CONF_APPEND, /* name += value[, value...]; */
};

/*
 * One assignment.  Values are templates: "${x}" marks a reference to
 * expand, "$$" a literal dollar; everything else is literal text.
 */
struct conf_stmt {
	char *name;     /* parameter name, or variable name for is_var */
	bool is_var;    /* $name = ... */
	enum conf_op op;
	char **values;
	size_t nvalues; /* 0: a bare parameter (a boolean "true") */
	const char *file;
	int line, col;
};

struct conf_block {
	char *name; /* jail name; "*" for the wildcard section; NULL for global statements */
	struct conf_stmt *stmts;
	size_t nstmts, cap;
	const char *file;
	int line;
};

/* A file read, and where its statements went: a file is not read twice into the same place. */
struct conf_seen {
	dev_t dev;
	ino_t ino;
	size_t block;
};

struct conf {
	struct conf_block *blocks; /* in the order of the files: sections, and the global statements between them */
	size_t nblocks, blocks_cap;
	struct conf_seen *seen;
	size_t nseen, seen_cap;
	char **files;              /* names kept for the statements' messages */
	size_t nfiles;
	size_t size;               /* bytes read from files so far, all files together */
	bool no_include;           /* refuse .include (the fuzzer must not read the host's files) */
};

/*
 * Parse a file (following .include globs; "-" is standard input, named
 * STDIN in messages), or a string named fname.
 */
int conf_parse_file(struct conf *c, const char *path, struct perr *e);
int conf_parse_string(struct conf *c, const char *text, size_t len, const char *fname, struct perr *e);
PRISON_API void conf_free(struct conf *c);

/* A jail's parameters from the statements that apply to it, in file order, with variables expanded. */
struct conf_param {
	char *name;
	char **values;
	size_t nvalues; /* 0: bare */
};

struct conf_jail {
	char *name;   /* the section's name */
	bool numeric; /* the section's name is the jail's jid (its name, if any, is a parameter) */
	struct conf_param *params;
	size_t nparams;
};

PRISON_API int conf_resolve(const struct conf *c, const char *jail, struct conf_jail *ret, struct perr *e);
PRISON_API void conf_jail_free(struct conf_jail *j);
/* Names of the configured jails (not "*"), in file order. */
PRISON_API size_t conf_jail_names(const struct conf *c, const char ***ret);
/* Look a resolved parameter up; NULL if absent. */
const struct conf_param *conf_jail_param(const struct conf_jail *j, const char *name);

#endif
