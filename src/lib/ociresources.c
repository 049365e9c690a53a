/*
 * A linux.resources object by itself, for prison-oci update: the same
 * mapping as a config.json's (ocilinux.c), so that a limit changed on a
 * running container is the limit create would have set.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "ociconfig.h"

/* An update is input like a config.json, and smaller. */
#define OCI_MAX_RESOURCES (1 << 20)

int oci_resources_load(const char *text, struct paramset *ret, char *ret_lift, size_t lift_len, struct perr *e)
{
	struct oci_config c = { 0 };
	struct json_tokener *tok;
	struct json_object *o;
	size_t len = strlen(text);
	int r;

	memset(ret, 0, sizeof(*ret));
	if (len > OCI_MAX_RESOURCES)
		return perr_setx(e, E2BIG, "resources: larger than %d bytes", OCI_MAX_RESOURCES);
	tok = json_tokener_new();
	if (!tok)
		return perr_set(e, ENOMEM, "resources");
	o = json_tokener_parse_ex(tok, text, (int)len);
	if (!o || !json_object_is_type(o, json_type_object)) {
		json_object_put(o);
		r = perr_setx(e, EINVAL, "resources: not a JSON object");
	} else {
		r = oci_map_resources(o, &c, e);
		json_object_put(o);
	}
	json_tokener_free(tok);
	/* Only the parameters and the lifts: c has no process. */
	*ret = c.params;
	snprintf(ret_lift, lift_len, "%s", r < 0 ? "" : c.lift);
	if (r < 0) {
		param_free(ret);
		memset(ret, 0, sizeof(*ret));
	}
	return r;
}
