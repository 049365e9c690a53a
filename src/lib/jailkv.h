/* meta.KEY and env.KEY: keys within the meta and env parameters (jailkv.c). */
#ifndef PRISON_JAILKV_H
#define PRISON_JAILKV_H

#include <stdbool.h>
#include <stddef.h>

#include "api.h"
#include "error.h"
#include "param.h"

/* P_META or P_ENV for "meta.KEY" / "env.KEY" (*ret_key = KEY), -1 for any other name. */
PRISON_API int jail_kv_id(const char *name, const char **ret_key);
/* base with KEY set to value: its old line dropped, the new one first. */
int jail_kv_put(const char *base, const char *key, const char *value, char *out, size_t len, struct perr *e);
/* frag's lines, then base's lines whose key frag does not set. */
int jail_kv_merge(const char *frag, const char *base, char *out, size_t len, struct perr *e);
/* The value of KEY in text, "" when it has none. */
PRISON_API void jail_kv_get(const char *text, const char *key, char *out, size_t len);

#endif
