#include "jailmeta.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

bool jailmeta_transient(int id)
{
	switch (id) {
	case P_JID: case P_NAME: case P_PATH: case P_COMMAND: case P_BASE_GENERATION: case P_DYING:
	case P_PARENT: case P_CHILDREN_CUR:
		return true;
	default:
		return (param_table[id].flags & PF_RDONLY) != 0;
	}
}

static json_object *values_json(const struct param_value *v)
{
	json_object *a = json_object_new_array();

	if (v->argv)
		for (char **p = v->argv; *p; p++)
			json_object_array_add(a, json_object_new_string(*p));
	else
		json_object_array_add(a, json_object_new_string(v->str ? v->str : ""));
	return a;
}

char *jailmeta_text(const struct paramset *ps, bool thick, long gen, struct perr *e)
{
	json_object *o = json_object_new_object(), *params = json_object_new_object();
	const char *name = param_str(ps, P_NAME), *base = param_str(ps, P_BASE);
	char *text;

	for (int i = 0; i < P__COUNT; i++) {
		const struct param_value *v = &ps->v[i];
		/* Defaults are left out: the file says what the user chose. */
		if (!v->set || jailmeta_transient(i) ||
		    (!v->argv && v->str && param_table[i].def && strcmp(v->str, param_table[i].def) == 0))
			continue;
		json_object_object_add(params, param_table[i].name, values_json(v));
	}
	json_object_object_add(o, "format", json_object_new_int(1));
	json_object_object_add(o, "name", json_object_new_string(name ? name : ""));
	json_object_object_add(o, "base", json_object_new_string(base ? base : ""));
	json_object_object_add(o, "type", json_object_new_string(thick ? "thick" : "thin"));
	json_object_object_add(o, "generation", json_object_new_int64(gen));
	json_object_object_add(o, "params", params);
	text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (!text)
		perr_set(e, ENOMEM, "%s", JAILMETA_FILE);
	return text;
}

int jailmeta_write(int dirfd, const struct paramset *ps, bool thick, long gen, struct perr *e)
{
	char *text = jailmeta_text(ps, thick, gen, e);
	_cleanup_close_ int fd = -1;
	int r = 0;

	if (!text)
		return -1;
	fd = openat(dirfd, "." JAILMETA_FILE ".tmp", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write_all(fd, text, strlen(text)) < 0 || write_all(fd, "\n", 1) < 0 ||
	    renameat(dirfd, "." JAILMETA_FILE ".tmp", dirfd, JAILMETA_FILE) < 0)
		r = perr_set(e, errno, "write %s", JAILMETA_FILE);
	free(text);
	return r;
}

static const char *str_of(json_object *o, const char *key)
{
	json_object *v;

	return json_object_object_get_ex(o, key, &v) && json_object_is_type(v, json_type_string) ?
		       json_object_get_string(v) : NULL;
}

/* One "name": [values] of params, checked as jail.conf's "name = values;" would be. */
static int param_from_json(struct paramset *ps, const char *name, json_object *vals, struct perr *e)
{
	char *values[64];
	size_t n;
	int id = param_lookup(name);

	if (id < 0 || jailmeta_transient(id))
		return perr_setx(e, EINVAL, "parameter \"%s\": not a parameter a jail keeps", name);
	if (!json_object_is_type(vals, json_type_array) || (n = json_object_array_length(vals)) == 0 || n > 64)
		return perr_setx(e, EINVAL, "parameter \"%s\": not a list of 1 to 64 values", name);
	for (size_t i = 0; i < n; i++) {
		json_object *v = json_object_array_get_idx(vals, i);
		if (!json_object_is_type(v, json_type_string))
			return perr_setx(e, EINVAL, "parameter \"%s\": a value that is not a string", name);
		values[i] = (char *)json_object_get_string(v);
	}
	if (param_parse_conf(ps, name, values, n, e) < 0)
		return perr_prefix(e, "parameter \"%s\"", name);
	return 0;
}

static int parse_fields(json_object *o, struct jailmeta *m, struct perr *e)
{
	const char *name = str_of(o, "name"), *base = str_of(o, "base"), *type = str_of(o, "type");
	json_object *v, *params;

	if (!json_object_object_get_ex(o, "format", &v) || json_object_get_int(v) != 1)
		return perr_setx(e, EINVAL, "not format 1");
	if (!name || !base || !type || strlen(name) >= sizeof(m->name) || strlen(base) >= sizeof(m->base))
		return perr_setx(e, EINVAL, "no name, base or type");
	if (strcmp(type, "thin") != 0 && strcmp(type, "thick") != 0)
		return perr_setx(e, EINVAL, "type \"%s\": neither thin nor thick", type);
	snprintf(m->name, sizeof(m->name), "%s", name);
	snprintf(m->base, sizeof(m->base), "%s", base);
	m->thick = strcmp(type, "thick") == 0;
	if (!json_object_object_get_ex(o, "generation", &v) || !json_object_is_type(v, json_type_int) ||
	    (m->generation = json_object_get_int64(v)) < 0 || m->generation > 999999)
		return perr_setx(e, EINVAL, "no generation");
	if (!json_object_object_get_ex(o, "params", &params) || !json_object_is_type(params, json_type_object))
		return perr_setx(e, EINVAL, "no parameters");
	json_object_object_foreach(params, key, vals) {
		if (param_from_json(&m->params, key, vals, e) < 0)
			return -1;
	}
	return 0;
}

int jailmeta_parse(const char *text, struct jailmeta *m, struct perr *e)
{
	json_object *o = json_tokener_parse(text);
	int r;

	memset(m, 0, sizeof(*m));
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		return perr_setx(e, EINVAL, "%s: not JSON", JAILMETA_FILE);
	}
	r = parse_fields(o, m, e);
	json_object_put(o);
	if (r < 0) {
		param_free(&m->params);
		return perr_prefix(e, "%s", JAILMETA_FILE);
	}
	return 0;
}

int jailmeta_read(int dirfd, struct jailmeta *m, struct perr *e)
{
	_cleanup_close_ int fd = openat(dirfd, JAILMETA_FILE, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	char *text;
	int r;

	memset(m, 0, sizeof(*m));
	if (fd < 0)
		return errno == ENOENT ? perr_setx(e, ENOENT, "%s: none", JAILMETA_FILE)
				       : perr_set(e, errno, "%s", JAILMETA_FILE);
	text = read_regular_fd(fd, JAILMETA_MAX, JAILMETA_FILE, NULL, e);
	if (!text)
		return -1;
	r = jailmeta_parse(text, m, e);
	free(text);
	return r;
}
