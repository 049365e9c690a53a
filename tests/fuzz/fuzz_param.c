/*
 * Parameter values (param.h): the input's first line is a command-line
 * word ("name=value", "name", "noname"), the lines after it the words
 * that follow it; the same lines are also given as jail.conf gives a
 * parameter (its name, then its values).  Whatever was set prints back as
 * a word that parses to the same value, and a copy is equal.
 */
#include "fuzz.h"

#include "../../src/lib/param.h"

#define MAX_WORDS 16

static bool same_value(const struct param_value *a, const struct param_value *b)
{
	if (a->set != b->set || !a->set)
		return a->set == b->set;
	if (strcmp(a->str, b->str) != 0 || !a->argv != !b->argv)
		return false;
	for (size_t i = 0; a->argv && (a->argv[i] || b->argv[i]); i++)
		if (!a->argv[i] || !b->argv[i] || strcmp(a->argv[i], b->argv[i]) != 0)
			return false;
	return true;
}

static void check_set(const struct paramset *ps)
{
	static char word[8192];
	struct paramset again = { 0 }, copy = { 0 };
	struct perr e = { 0 };
	int used;

	for (int id = 0; id < P__COUNT; id++) {
		const struct param_value *v = &ps->v[id];
		if (!v->set)
			continue;
		FUZZ_ASSERT(v->str != NULL);
		if (param_table[id].type == PT_ARGV || param_table[id].type == PT_LIST) {
			FUZZ_ASSERT(v->argv != NULL && v->argv[0] != NULL);
			continue;
		}
		FUZZ_ASSERT(param_format(ps, id, false, word, sizeof(word)) < (int)sizeof(word));
		FUZZ_ASSERT(param_parse_word(&again, word, NULL, 0, &used, &e) == 0);
		FUZZ_ASSERT(same_value(v, &again.v[id]));
		(void)param_format(ps, id, true, word, sizeof(word));
		(void)param_format_value(ps, id, true, word, sizeof(word));
	}
	FUZZ_ASSERT(param_copy(&copy, ps) == 0);
	for (int id = 0; id < P__COUNT; id++)
		FUZZ_ASSERT(same_value(&ps->v[id], &copy.v[id]));
	param_free(&again);
	param_free(&copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *p = text, *words[MAX_WORDS + 1], *line;
	struct paramset ps = { 0 };
	struct perr e = { 0 };
	int n = 0, used;

	while (n < MAX_WORDS && (line = fuzz_line(&p)))
		words[n++] = line;
	words[n] = NULL;
	if (n > 0) {
		if (param_parse_word(&ps, words[0], words + 1, n - 1, &used, &e) == 0) {
			FUZZ_ASSERT(used >= 0 && used <= n - 1);
			check_set(&ps);
		} else {
			FUZZ_ASSERT(e.msg[0] != '\0' && e.err != 0);
		}
		param_free(&ps);
		memset(&ps, 0, sizeof(ps));
		if (param_parse_conf(&ps, words[0], words + 1, (size_t)n - 1, &e) == 0)
			check_set(&ps);
		param_free(&ps);
	}
	free(text);
	return 0;
}
