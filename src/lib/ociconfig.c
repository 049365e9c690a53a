/*
 * config.json's top level, root and process (runtime-spec config.md);
 * linux.* is in ocilinux.c, freebsd.jail, mounts, capabilities and
 * rlimits in ocimisc.c.
 */
#include "ociconfig.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

/* A config.json larger than this is refused: it is input, and bounded. */
#define OCI_MAX_CONFIG (4 << 20)

static int get_string(struct json_object *o, const char *key, const char *what, const char **ret, struct perr *e)
{
	struct json_object *v = oci_get(o, key);

	*ret = NULL;
	if (!v)
		return 0;
	if (!json_object_is_type(v, json_type_string))
		return perr_setx(e, EINVAL, "%s: not a string", what);
	*ret = json_object_get_string(v);
	return 0;
}

static int get_id(struct json_object *o, const char *key, const char *what, unsigned *ret, struct perr *e)
{
	struct json_object *v = oci_get(o, key);
	int64_t n;

	if (!v)
		return 0;
	n = json_object_get_int64(v);
	if (!json_object_is_type(v, json_type_int) || n < 0 || n > 65535)
		return perr_setx(e, EINVAL, "%s: %s is not an id of the container (0 to 65535)", what,
				 json_object_get_string(v));
	*ret = (unsigned)n;
	return 0;
}

/* process.user: numbers only; a jail's user database is not read for them. */
static int map_user(struct json_object *user, struct oci_config *c, struct perr *e)
{
	struct json_object *groups = oci_get(user, "additionalGids");
	unsigned uid = 0, gid = 0;
	const char *name;

	if (get_id(user, "uid", "process.user.uid", &uid, e) < 0 || get_id(user, "gid", "process.user.gid", &gid, e) < 0 ||
	    get_string(user, "username", "process.user.username", &name, e) < 0)
		return -1;
	if (name)
		return perr_setx(e, EINVAL, "process.user.username: not supported on Linux (give uid and gid)");
	if (oci_get(user, "umask")) {
		int64_t m = json_object_get_int64(oci_get(user, "umask"));
		if (m < 0 || m > 0777)
			return perr_setx(e, EINVAL, "process.user.umask: not a file mode");
		c->umask_set = true;
		c->umask = (unsigned)m;
	}
	/*
	 * The supplementary groups are additionalGids and nothing else, as
	 * runc and crun set them: unlike initgroups(3), which jexec -u follows
	 * (cred.c), the primary group is not added to them.
	 */
	c->cred.uid = uid;
	c->cred.gid = gid;
	c->cred.ngroups = 0;
	if (!groups)
		return 0;
	if (!json_object_is_type(groups, json_type_array) || json_object_array_length(groups) > CRED_MAX_GROUPS)
		return perr_setx(e, EINVAL, "process.user.additionalGids: not an array of at most %d ids",
				 CRED_MAX_GROUPS);
	for (size_t i = 0; i < json_object_array_length(groups); i++) {
		struct json_object *g = json_object_array_get_idx(groups, i);
		int64_t n = json_object_get_int64(g);
		if (!json_object_is_type(g, json_type_int) || n < 0 || n > 65535)
			return perr_setx(e, EINVAL, "process.user.additionalGids: %s is not an id of the container",
					 json_object_get_string(g));
		c->cred.groups[c->cred.ngroups++] = (gid_t)n;
	}
	return 0;
}

/* process.terminal, noNewPrivileges, oomScoreAdj; the labels of security modules prison does not use. */
static int map_process_flags(struct json_object *p, struct oci_config *c, struct perr *e)
{
	struct json_object *v;

	c->terminal = (v = oci_get(p, "terminal")) && json_object_get_boolean(v);
	c->no_new_privs = (v = oci_get(p, "noNewPrivileges")) && json_object_get_boolean(v);
	if ((v = oci_get(p, "oomScoreAdj"))) {
		c->oom_score_adj_set = true;
		c->oom_score_adj = json_object_get_int(v);
	}
	if ((v = oci_get(p, "apparmorProfile")) && json_object_get_string_len(v) > 0)
		return perr_setx(e, EINVAL, "process.apparmorProfile: not supported (prison confines with seccomp and Landlock)");
	if ((v = oci_get(p, "selinuxLabel")) && json_object_get_string_len(v) > 0)
		return perr_setx(e, EINVAL, "process.selinuxLabel: not supported");
	return 0;
}

static int map_process(struct json_object *p, struct oci_config *c, struct perr *e)
{
	struct json_object *args = oci_get(p, "args"), *env = oci_get(p, "env");
	const char *cwd;

	if (!p)
		return perr_setx(e, EINVAL, "process: missing (a container needs a process to run)");
	if (!args)
		return perr_setx(e, EINVAL, "process.args: missing");
	if (oci_strv(args, "process.args", &c->argv, e) < 0)
		return -1;
	if (!c->argv || !c->argv[0])
		return perr_setx(e, EINVAL, "process.args: empty");
	if (env ? oci_strv(env, "process.env", &c->envp, e) < 0 : !(c->envp = calloc(1, sizeof(char *))))
		return env ? -1 : perr_set(e, ENOMEM, "process.env");
	if (get_string(p, "cwd", "process.cwd", &cwd, e) < 0)
		return -1;
	if (cwd && cwd[0] != '/')
		return perr_setx(e, EINVAL, "process.cwd \"%s\": not an absolute path", cwd);
	c->cwd = strdup(cwd ? cwd : "/");
	if (!c->cwd)
		return perr_set(e, ENOMEM, "process.cwd");
	if (map_process_flags(p, c, e) < 0)
		return -1;
	if (oci_get(p, "user") && map_user(oci_get(p, "user"), c, e) < 0)
		return -1;
	if (oci_map_caps(oci_get(p, "capabilities"), c, e) < 0)
		return -1;
	if (oci_map_sched(p, c, e) < 0)
		return -1;
	return oci_get(p, "rlimits") ? oci_map_rlimits(oci_get(p, "rlimits"), c, e) : 0;
}

/* root.path, relative to the bundle or absolute; the jail opens it without following links. */
static int map_root(struct json_object *root, const char *bundle, struct oci_config *c, struct perr *e)
{
	char full[PATH_MAX * 2];
	const char *path;
	struct json_object *ro;

	if (get_string(root, "path", "root.path", &path, e) < 0)
		return -1;
	if (!path || !*path)
		return perr_setx(e, EINVAL, "root.path: missing");
	if ((ro = oci_get(root, "readonly")) && json_object_get_boolean(ro) &&
	    param_set(&c->params, P_PATH_READONLY, "true", e) < 0)
		return -1;
	if (path[0] == '/')
		snprintf(full, sizeof(full), "%s", path);
	else
		snprintf(full, sizeof(full), "%s/%s", bundle, path);
	return param_set(&c->params, P_PATH, full, e);
}

static int map_names(struct json_object *cfg, const char *bundle, const char *id, struct oci_config *c,
		     struct perr *e)
{
	const char *host, *domain;

	/*
	 * Persistent, to outlive its process in the state "stopped"; never
	 * idle: a container's life is its process's, and its pins would be
	 * work for nothing.
	 */
	if (param_set(&c->params, P_NAME, id, e) < 0 || param_set(&c->params, P_OCI_BUNDLE, bundle, e) < 0 ||
	    param_set(&c->params, P_PERSIST, "true", e) < 0 || param_set(&c->params, P_PERSIST_IDLE, "false", e) < 0)
		return -1;
	if (get_string(cfg, "hostname", "hostname", &host, e) < 0 ||
	    get_string(cfg, "domainname", "domainname", &domain, e) < 0)
		return -1;
	if ((host && param_set(&c->params, P_HOSTNAME, host, e) < 0) ||
	    (domain && param_set(&c->params, P_DOMAINNAME, domain, e) < 0))
		return -1;
	return 0;
}

/* SemVer's MAJOR.MINOR.PATCH[-pre][+build] with MAJOR 1, no leading zeros: a version of runtime-spec 1. */
static bool spec_version_ok(const char *v)
{
	static const char ident[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz.-";
	const char *p = v;

	for (int part = 0; part < 3; part++) {
		size_t n = strspn(p, "0123456789");
		if (n == 0 || (n > 1 && *p == '0') || (part == 0 && (n != 1 || *p != '1')))
			return false;
		p += n;
		if (part < 2 && *p++ != '.')
			return false;
	}
	/* A pre-release after '-', then build metadata after '+': each not empty. */
	if (*p == '-' && strspn(p + 1, ident) > 0)
		p += 1 + strspn(p + 1, ident);
	if (*p == '+' && strspn(p + 1, ident) > 0)
		p += 1 + strspn(p + 1, ident);
	return *p == '\0';
}

static int map_config(struct json_object *cfg, const char *bundle, const char *id, struct oci_config *c,
		      struct perr *e)
{
	struct json_object *v;

	if (!json_object_is_type(cfg, json_type_object))
		return perr_setx(e, EINVAL, "config.json: not a JSON object");
	if (!oci_get(cfg, "ociVersion") || !json_object_is_type(oci_get(cfg, "ociVersion"), json_type_string))
		return perr_setx(e, EINVAL, "ociVersion: missing");
	if (!spec_version_ok(json_object_get_string(oci_get(cfg, "ociVersion"))))
		return perr_setx(e, EINVAL, "ociVersion \"%s\": not a version of runtime-spec 1 (1.MINOR.PATCH, as SemVer)",
				 json_object_get_string(oci_get(cfg, "ociVersion")));
	if (!oci_get(cfg, "root"))
		return perr_setx(e, EINVAL, "root: missing");
	if (map_names(cfg, bundle, id, c, e) < 0 || map_root(oci_get(cfg, "root"), bundle, c, e) < 0 ||
	    map_process(oci_get(cfg, "process"), c, e) < 0)
		return -1;
	if (oci_map_hooks(oci_get(cfg, "hooks"), c, e) < 0)
		return -1;
	if (oci_map_linux(oci_get(cfg, "linux"), c, e) < 0 || oci_map_freebsd(oci_get(cfg, "freebsd"), c, e) < 0 ||
	    oci_map_mounts(oci_get(cfg, "mounts"), c, e) < 0 || oci_check_caps(c, e) < 0)
		return -1;
	v = oci_get(cfg, "annotations");
	if (v && !json_object_is_type(v, json_type_object))
		return perr_setx(e, EINVAL, "annotations: not an object");
	c->annotations = strdup(v ? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN) : "{}");
	return c->annotations ? 0 : perr_set(e, ENOMEM, "annotations");
}

/* One JSON object, the whole of the regular file fd (what names it in errors). */
static struct json_object *read_json(int fd, const char *what, struct perr *e)
{
	struct json_tokener *tok;
	struct json_object *o;
	char *text;
	size_t len, end;

	text = read_regular_fd(fd, OCI_MAX_CONFIG, what, &len, e);
	if (!text)
		return NULL;
	tok = json_tokener_new();
	if (!tok) {
		free(text);
		return perr_set(e, ENOMEM, "%s", what), NULL;
	}
	o = json_tokener_parse_ex(tok, text, (int)len);
	end = o ? json_tokener_get_parse_end(tok) : 0;
	while (o && end < len && strchr(" \t\r\n", text[end]))
		end++;
	if (!o || end != len) {
		perr_setx(e, EINVAL, "%s: not valid JSON (%s at byte %zu)", what,
			  o ? "text after the object"
			  : json_tokener_get_error(tok) == json_tokener_continue
				  ? "unexpected end of the text"
				  : json_tokener_error_desc(json_tokener_get_error(tok)),
			  o ? end : json_tokener_get_parse_end(tok));
		json_object_put(o);
		o = NULL;
	}
	json_tokener_free(tok);
	free(text);
	return o;
}

static struct json_object *read_config(const char *bundle, struct perr *e)
{
	_cleanup_close_ int dir = open(bundle, O_PATH | O_DIRECTORY | O_CLOEXEC), fd = -1;

	if (dir < 0)
		return perr_set(e, errno, "bundle \"%s\"", bundle), NULL;
	fd = openat(dir, "config.json", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return perr_set(e, errno, "bundle \"%s\": config.json", bundle), NULL;
	return read_json(fd, "config.json", e);
}

int oci_config_load(const char *bundle, const char *id, struct oci_config *c, struct perr *e)
{
	struct json_object *cfg;
	int r;

	memset(c, 0, sizeof(*c));
	if (bundle[0] != '/')
		return perr_setx(e, EINVAL, "bundle \"%s\": not an absolute path", bundle);
	cfg = read_config(bundle, e);
	if (!cfg)
		return -1;
	r = map_config(cfg, bundle, id, c, e);
	json_object_put(cfg);
	return r;
}

/* The process fields of c, taken by a new process object. */
static void process_free(struct oci_config *c)
{
	oci_strv_free(c->argv);
	oci_strv_free(c->envp);
	free(c->cwd);
	c->argv = c->envp = NULL;
	c->cwd = NULL;
	memset(&c->cred, 0, sizeof(c->cred));
	c->terminal = c->no_new_privs = c->caps_set = c->umask_set = c->oom_score_adj_set = false;
	c->caps = 0;
	c->nrlimits = 0;
}

int oci_process_load(const char *file, struct oci_config *c, struct perr *e)
{
	_cleanup_close_ int fd = open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	struct json_object *p;
	int r;

	if (fd < 0)
		return perr_set(e, errno, "--process \"%s\"", file);
	p = read_json(fd, file, e);
	if (!p)
		return -1;
	process_free(c);
	r = json_object_is_type(p, json_type_object) ? map_process(p, c, e)
						      : perr_setx(e, EINVAL, "%s: not a JSON object", file);
	if (r == 0)
		r = oci_check_caps(c, e);
	json_object_put(p);
	return r;
}

void oci_config_free(struct oci_config *c)
{
	param_free(&c->params);
	process_free(c);
	free(c->annotations);
	free(c->seccomp.insns);
	free(c->hooks);
	for (size_t i = 0; i < c->nsysctl; i++)
		free(c->sysctl[i]);
	memset(c, 0, sizeof(*c));
}
