/* The few JSON helpers config.json's mapping shares (ociconfig.h). */
#include <errno.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#include "ociconfig.h"

struct json_object *oci_get(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	if (!o || !json_object_is_type(o, json_type_object) || !json_object_object_get_ex(o, key, &v))
		return NULL;
	return json_object_is_type(v, json_type_null) ? NULL : v;
}

void oci_strv_free(char **v)
{
	if (!v)
		return;
	for (char **p = v; *p; p++)
		free(*p);
	free(v);
}

int oci_strv(struct json_object *o, const char *what, char ***ret, struct perr *e)
{
	size_t n;
	char **v;

	*ret = NULL;
	if (!json_object_is_type(o, json_type_array))
		return perr_setx(e, EINVAL, "%s: not an array of strings", what);
	n = json_object_array_length(o);
	v = calloc(n + 1, sizeof(*v));
	if (!v)
		return perr_set(e, ENOMEM, "%s", what);
	for (size_t i = 0; i < n; i++) {
		struct json_object *s = json_object_array_get_idx(o, i);
		if (!json_object_is_type(s, json_type_string)) {
			oci_strv_free(v);
			return perr_setx(e, EINVAL, "%s: not an array of strings", what);
		}
		v[i] = strdup(json_object_get_string(s));
		if (!v[i]) {
			oci_strv_free(v);
			return perr_set(e, ENOMEM, "%s", what);
		}
	}
	*ret = v;
	return 0;
}
