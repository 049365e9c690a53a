/*
 * The jail.conf(5) lexer, for conf.c's parser only: it turns text into
 * tokens, and a word into a template ("${x}" a reference, "$$" a dollar).
 */
#ifndef PRISON_CONFLEX_H
#define PRISON_CONFLEX_H

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* A growable string, always NUL-terminated once anything was added. */
struct conf_buf {
	char *s;
	size_t len, cap;
};

int conf_buf_add(struct conf_buf *b, const char *p, size_t n);
int conf_buf_addc(struct conf_buf *b, char c);

enum conf_tok {
	T_EOF,
	T_WORD, /* a value or a name: text is a template */
	T_LBRACE,
	T_RBRACE,
	T_SEMI,
	T_COMMA,
	T_EQ,
	T_PLUSEQ,
	T_INCLUDE,
};

struct conf_lexer {
	const char *p, *end;
	const char *file;
	int line, col;
	/* the current token */
	enum conf_tok tok;
	struct conf_buf text;
	bool bare; /* the word had no quoted part: it may be a name */
	int tline, tcol;
	struct perr *e;
};

const char *conf_tok_name(enum conf_tok t);
/* "file:line:col: message" as a syntax error (EINVAL); returns -1. */
int conf_lex_error(struct conf_lexer *l, int line, int col, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* Read the next token into l->tok (and l->text for a word); -1 with l->e set. */
int conf_lex_next(struct conf_lexer *l);

#endif
