#include "conflex.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int conf_buf_add(struct conf_buf *b, const char *p, size_t n)
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

int conf_buf_addc(struct conf_buf *b, char c)
{
	return conf_buf_add(b, &c, 1);
}

const char *conf_tok_name(enum conf_tok t)
{
	static const char *const names[] = {
		[T_EOF] = "end of file", [T_WORD] = "a word", [T_LBRACE] = "'{'", [T_RBRACE] = "'}'",
		[T_SEMI] = "';'", [T_COMMA] = "','", [T_EQ] = "'='", [T_PLUSEQ] = "'+='",
		[T_INCLUDE] = "'.include'",
	};
	return names[t];
}

int conf_lex_error(struct conf_lexer *l, int line, int col, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return perr_setx(l->e, EINVAL, "%s:%d:%d: %s", l->file, line, col, msg);
}

static int nomem(struct conf_lexer *l)
{
	return perr_set(l->e, ENOMEM, "jail.conf");
}

static void advance(struct conf_lexer *l)
{
	if (*l->p == '\n') {
		l->line++;
		l->col = 1;
	} else {
		l->col++;
	}
	l->p++;
}

static void advance_n(struct conf_lexer *l, int n)
{
	while (n-- > 0)
		advance(l);
}

static bool at(const struct conf_lexer *l, const char *s)
{
	size_t n = strlen(s);
	return (size_t)(l->end - l->p) >= n && memcmp(l->p, s, n) == 0;
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

static int skip_block_comment(struct conf_lexer *l)
{
	int line = l->line, col = l->col;

	advance_n(l, 2);
	while (l->p < l->end && !at(l, "*/"))
		advance(l);
	if (l->p >= l->end)
		return conf_lex_error(l, line, col, "comment not closed, expected '*/'");
	advance_n(l, 2);
	return 0;
}

static int skip_space(struct conf_lexer *l)
{
	while (l->p < l->end) {
		if (is_blank(*l->p)) {
			advance(l);
		} else if (*l->p == '#' || at(l, "//")) {
			while (l->p < l->end && *l->p != '\n')
				advance(l);
		} else if (at(l, "/*")) {
			if (skip_block_comment(l) < 0)
				return -1;
		} else {
			break;
		}
	}
	return 0;
}

static bool is_special(char c)
{
	return is_blank(c) || c == '{' || c == '}' || c == ';' || c == ',' || c == '=' || c == '#' || c == '"' ||
	       c == '\'';
}

static bool is_name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

static int add_ref(struct conf_lexer *l, const char *name, size_t n)
{
	struct conf_buf *t = &l->text;

	if (conf_buf_add(t, "${", 2) < 0 || conf_buf_add(t, name, n) < 0 || conf_buf_addc(t, '}') < 0)
		return nomem(l);
	return 0;
}

/* A '$' reference at l->p: append "${name}" to the template. */
static int lex_ref(struct conf_lexer *l)
{
	int line = l->line, col = l->col;
	const char *start;

	advance(l); /* '$' */
	if (l->p < l->end && *l->p == '{') {
		advance(l);
		start = l->p;
		while (l->p < l->end && *l->p != '}' && *l->p != '\n')
			advance(l);
		if (l->p >= l->end || *l->p != '}' || l->p == start)
			return conf_lex_error(l, line, col, "expected a name and '}' after '${'");
		advance(l);
		return add_ref(l, start, (size_t)(l->p - 1 - start));
	}
	start = l->p;
	while (l->p < l->end && is_name_char(*l->p))
		advance(l);
	if (l->p == start)
		return conf_lex_error(l, line, col, "expected a variable name after '$'");
	return add_ref(l, start, (size_t)(l->p - start));
}

/* A backslash in double quotes, at l->p with a character after it. */
static int lex_escape(struct conf_lexer *l)
{
	char c;

	advance(l);
	c = *l->p;
	advance(l);
	switch (c) {
	case 'n': c = '\n'; break;
	case 't': c = '\t'; break;
	case 'r': c = '\r'; break;
	case '\n': return 0; /* a line continued */
	case '$': return conf_buf_add(&l->text, "$$", 2) < 0 ? nomem(l) : 0;
	default: break;
	}
	return conf_buf_addc(&l->text, c) < 0 ? nomem(l) : 0;
}

/* A literal character of a template: a dollar is doubled. */
static int add_literal(struct conf_lexer *l, char c)
{
	if ((c == '$' ? conf_buf_add(&l->text, "$$", 2) : conf_buf_addc(&l->text, c)) < 0)
		return nomem(l);
	return 0;
}

static int lex_quoted(struct conf_lexer *l)
{
	char q = *l->p;
	int line = l->line, col = l->col, r;

	advance(l);
	for (;;) {
		if (l->p >= l->end)
			return conf_lex_error(l, line, col, "string not closed, expected %c", q);
		char c = *l->p;
		if (c == q) {
			advance(l);
			return 0;
		}
		if (q == '"' && c == '$') {
			r = lex_ref(l);
		} else if (q == '"' && c == '\\' && l->p + 1 < l->end) {
			r = lex_escape(l);
		} else {
			advance(l);
			r = add_literal(l, c);
		}
		if (r < 0)
			return -1;
	}
}

/* Punctuation at l->p: true with l->tok set and the input consumed. */
static bool lex_punct(struct conf_lexer *l)
{
	static const struct {
		const char *text;
		enum conf_tok tok;
	} punct[] = {
		{ "{", T_LBRACE }, { "}", T_RBRACE }, { ";", T_SEMI }, { ",", T_COMMA }, { "=", T_EQ }, { "+=", T_PLUSEQ },
	};

	for (size_t i = 0; i < sizeof(punct) / sizeof(punct[0]); i++) {
		if (at(l, punct[i].text)) {
			advance_n(l, (int)strlen(punct[i].text));
			l->tok = punct[i].tok;
			return true;
		}
	}
	if (at(l, ".include") && (l->p + 8 >= l->end || is_special(l->p[8]))) {
		advance_n(l, 8);
		l->tok = T_INCLUDE;
		return true;
	}
	return false;
}

static bool word_ends(const struct conf_lexer *l)
{
	char c = *l->p;

	return (is_special(c) && c != '"' && c != '\'') || at(l, "+=") || at(l, "//") || at(l, "/*");
}

/* A word: bare and quoted pieces with nothing between them make one value. */
static int lex_word(struct conf_lexer *l)
{
	int r;

	if (conf_buf_add(&l->text, "", 0) < 0)
		return nomem(l);
	while (l->p < l->end && !word_ends(l)) {
		char c = *l->p;
		if (c == '"' || c == '\'') {
			l->bare = false;
			r = lex_quoted(l);
		} else if (c == '$') {
			l->bare = false;
			r = lex_ref(l);
		} else {
			/* An escaped character is a literal one: "\\$" is a dollar, doubled in the template like any other. */
			if (c == '\\' && l->p + 1 < l->end)
				advance(l);
			c = *l->p;
			advance(l);
			r = add_literal(l, c);
		}
		if (r < 0)
			return -1;
	}
	l->tok = T_WORD;
	return 0;
}

int conf_lex_next(struct conf_lexer *l)
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
	if (lex_punct(l))
		return 0;
	return lex_word(l);
}
