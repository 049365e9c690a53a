/*
 * Registry records (registry.h): any text is read into a record or
 * refused with a reason; a record that is read keeps its parameters
 * valid, its cgroup path its own, and written out again reads back the
 * same.
 */
#include "fuzz.h"

#include "../../src/lib/registry.h"

static bool same_params(const struct paramset *a, const struct paramset *b)
{
	for (int id = 0; id < P__COUNT; id++) {
		const struct param_value *x = &a->v[id], *y = &b->v[id];
		if (x->set != y->set || (x->set && strcmp(x->str, y->str) != 0))
			return false;
	}
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *out;
	struct jail_record rec, again;
	struct perr e = { 0 };

	if (registry_record_parse(text, "fuzz", &rec, &e) < 0) {
		FUZZ_ASSERT(e.msg[0] != '\0' && e.err != 0);
		free(text);
		return 0;
	}
	FUZZ_ASSERT(rec.state <= JS_DYING);
	FUZZ_ASSERT(rec.cg.jid == rec.jid);
	for (int id = 0; id < P__COUNT; id++)
		FUZZ_ASSERT(!rec.params.v[id].set || rec.params.v[id].str != NULL);
	out = registry_record_text(&rec);
	FUZZ_ASSERT(out != NULL);
	FUZZ_ASSERT(registry_record_parse(out, "again", &again, &e) == 0);
	FUZZ_ASSERT(again.jid == rec.jid && strcmp(again.name, rec.name) == 0 && again.state == rec.state &&
		    again.init_pid == rec.init_pid && again.init_start == rec.init_start &&
		    again.uid_base == rec.uid_base && strcmp(again.cg.dir, rec.cg.dir) == 0 &&
		    again.cg.leaf == rec.cg.leaf && again.has_policy == rec.has_policy);
	FUZZ_ASSERT(same_params(&rec.params, &again.params));
	free(out);
	record_free(&again);
	record_free(&rec);
	free(text);
	return 0;
}
