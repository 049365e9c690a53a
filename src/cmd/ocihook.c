/*
 * prison-oci's side of the hooks (ociconfig.h): where in create, start and
 * delete each kind runs, with what state, and what its failure does.  A
 * failing createRuntime, createContainer or startContainer hook fails the
 * operation; poststart and poststop failures are only warned of, as
 * runtime-spec says.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/prison.h"
#include "ocicmd.h"
#include "ocilog.h"

/* A poststart or poststop hook's failure: a line of its own, the hooks after it still run. */
static void warn_hook(const struct perr *e, void *id)
{
	ocilog_error("%s: warning: %s", (const char *)id, e->msg);
}

int oci_run_hooks(const char *hooks, enum oci_hook kind, const char *id, const char *status, pid_t pid,
		  const char *bundle, const char *annotations, bool warn, struct perr *e)
{
	bool in_jail = kind == OCI_HOOK_CREATE_CONTAINER || kind == OCI_HOOK_START_CONTAINER;
	struct jail_record rec = { 0 };
	char *state;
	int r = 0;

	if (!hooks)
		return 0;
	state = oci_hook_state(id, status, pid, bundle, annotations);
	if (!state)
		return perr_set(e, ENOMEM, "hooks");
	if ((in_jail && jail_find(id, &rec, e) < 0) ||
	    oci_hooks_run(hooks, kind, in_jail ? &rec : NULL, state, warn ? warn_hook : NULL, (void *)id, e) < 0)
		r = -1;
	if (in_jail)
		record_free(&rec);
	free(state);
	if (r == 0)
		return 0;
	if (warn) {
		ocilog_error("%s: warning: %s", id, e->msg);
		memset(e, 0, sizeof(*e));
		return 0;
	}
	return -1;
}

char *oci_bundle_hooks(const char *bundle, const char *id)
{
	struct oci_config cfg;
	struct perr e = { 0 };
	char *hooks = NULL;

	if (oci_config_load(bundle, id, &cfg, &e) == 0 && cfg.hooks)
		hooks = strdup(cfg.hooks);
	oci_config_free(&cfg);
	return hooks;
}
