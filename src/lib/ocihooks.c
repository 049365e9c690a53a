/*
 * config.json's hooks (runtime-spec config.md, "POSIX-platform Hooks"):
 * each a host program with args, env and a timeout, given the container's
 * state as JSON on its standard input.  createRuntime (and the deprecated
 * prestart, run as one), poststart and poststop run in the runtime's
 * namespaces, as children of prison-oci.  createContainer and
 * startContainer run in the container's: the program is opened on the
 * host, where its path resolves, and run as a process of the jail through
 * jail_exec_spawn (confined as the container's own processes are), so the
 * host never acts inside the jail's tree itself.
 */
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jail.h"
#include "ociconfig.h"
#include "util.h"

static const char *const kinds[OCI_HOOK__COUNT] = {
	[OCI_HOOK_CREATE_RUNTIME] = "createRuntime", [OCI_HOOK_CREATE_CONTAINER] = "createContainer",
	[OCI_HOOK_START_CONTAINER] = "startContainer", [OCI_HOOK_POSTSTART] = "poststart",
	[OCI_HOOK_POSTSTOP] = "poststop",
};

const char *oci_hook_name(enum oci_hook kind)
{
	return kinds[kind];
}

static int check_hook(struct json_object *h, const char *what, struct perr *e)
{
	struct json_object *p = oci_get(h, "path"), *t = oci_get(h, "timeout");
	char **v = NULL;

	if (!p || !json_object_is_type(p, json_type_string) || json_object_get_string(p)[0] != '/')
		return perr_setx(e, EINVAL, "hooks.%s: path: not an absolute path", what);
	if (oci_get(h, "args") && oci_strv(oci_get(h, "args"), "hooks args", &v, e) < 0)
		return perr_prefix(e, "hooks.%s", what);
	oci_strv_free(v);
	v = NULL;
	if (oci_get(h, "env") && oci_strv(oci_get(h, "env"), "hooks env", &v, e) < 0)
		return perr_prefix(e, "hooks.%s", what);
	oci_strv_free(v);
	if (t && (!json_object_is_type(t, json_type_int) || json_object_get_int64(t) <= 0))
		return perr_setx(e, EINVAL, "hooks.%s: timeout: not a number of seconds above 0", what);
	return 0;
}

/* The hooks object checked; kept as JSON text, since start and delete read it again from the bundle. */
int oci_map_hooks(struct json_object *hooks, struct oci_config *c, struct perr *e)
{
	static const char *const known[] = { "prestart", "createRuntime", "createContainer", "startContainer",
					     "poststart", "poststop" };

	if (!hooks)
		return 0;
	if (!json_object_is_type(hooks, json_type_object))
		return perr_setx(e, EINVAL, "hooks: not an object");
	json_object_object_foreach(hooks, key, list) {
		size_t k = 0;
		for (; k < ARRAY_SIZE(known) && strcmp(key, known[k]) != 0; k++)
			;
		if (k == ARRAY_SIZE(known))
			return perr_setx(e, EINVAL, "hooks.%s: no such hook", key);
		if (!json_object_is_type(list, json_type_array))
			return perr_setx(e, EINVAL, "hooks.%s: not an array", key);
		for (size_t i = 0; i < json_object_array_length(list); i++)
			if (check_hook(json_object_array_get_idx(list, i), key, e) < 0)
				return -1;
	}
	c->hooks = strdup(json_object_to_json_string_ext(hooks, JSON_C_TO_STRING_PLAIN));
	return c->hooks ? 0 : perr_set(e, ENOMEM, "hooks");
}

/* Wait for the hook's process; kill it at its timeout (0: none).  Its status, or -1 with e set. */
static int wait_hook(int pidfd, long timeout, const char *what, struct perr *e)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };
	siginfo_t si = { 0 };
	int r;

	do
		r = poll(&p, 1, timeout > 0 ? (int)(timeout * 1000) : -1);
	while (r < 0 && errno == EINTR);
	if (r == 0)
		syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0);
	if (waitid(P_PIDFD, (id_t)pidfd, &si, WEXITED) < 0)
		return perr_set(e, errno, "%s", what);
	if (r == 0)
		return perr_setx(e, ETIMEDOUT, "%s: killed after its timeout of %ld s", what, timeout);
	if (si.si_code != CLD_EXITED || si.si_status != 0)
		return perr_setx(e, EIO, "%s: %s %d", what, si.si_code == CLD_EXITED ? "exit status" : "killed by signal",
				 si.si_status);
	return 0;
}

struct hook {
	const char *path;
	char **argv, **envp;
	long timeout;
	char what[300];
};

/* The state on the hook's standard input: written whole, then closed (a hook may read none of it). */
static void feed(int fd, const char *state)
{
	size_t n = strlen(state);

	signal(SIGPIPE, SIG_IGN);
	while (n > 0) {
		ssize_t w = write(fd, state, n);
		if (w <= 0)
			break;
		state += w;
		n -= (size_t)w;
	}
	close(fd);
}

/* In the runtime's namespaces: a child of this process. */
static int run_on_host(const struct hook *h, const char *state, struct perr *e)
{
	int in[2], pidfd = -1;
	pid_t pid;

	if (pipe2(in, O_CLOEXEC) < 0)
		return perr_set(e, errno, "%s", h->what);
	pid = fork();
	if (pid == 0) {
		if (dup2(in[0], 0) < 0)
			_exit(127);
		execve(h->path, h->argv, h->envp);
		_exit(127);
	}
	close(in[0]);
	if (pid < 0) {
		close(in[1]);
		return perr_set(e, errno, "%s", h->what);
	}
	/* Our own child, not yet waited for: its pid cannot have been reused. */
	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	feed(in[1], state);
	if (pidfd < 0) {
		int st;
		waitpid(pid, &st, 0);
		return perr_set(e, errno, "%s", h->what);
	}
	int r = wait_hook(pidfd, h->timeout, h->what, e);
	close(pidfd);
	return r;
}

/* In the container's namespaces: a process of the jail, running the program opened here. */
static int run_in_jail(const struct hook *h, const struct jail_record *rec, const char *state, struct perr *e)
{
	_cleanup_close_ int prog = open(h->path, O_PATH | O_CLOEXEC), saved = -1;
	struct jail_exec x = { .argv = h->argv, .envp = h->envp, .own_stdio = true, .exec_fd = prog };
	int in[2], pidfd = -1, master = -1, r;
	pid_t pid;

	if (prog < 0)
		return perr_set(e, errno, "%s", h->what);
	if (pipe2(in, O_CLOEXEC) < 0)
		return perr_set(e, errno, "%s", h->what);
	/* The process takes this one's 0, 1 and 2: the pipe is its 0 while it starts. */
	saved = fcntl(0, F_DUPFD_CLOEXEC, 3);
	if (saved < 0 || dup2(in[0], 0) < 0) {
		close(in[0]);
		close(in[1]);
		return perr_set(e, errno, "%s", h->what);
	}
	pid = jail_exec_spawn(rec, &x, &pidfd, &master, e);
	(void)dup2(saved, 0);
	close(in[0]);
	if (master >= 0)
		close(master);
	if (pid < 0) {
		close(in[1]);
		return perr_prefix(e, "%s", h->what);
	}
	feed(in[1], state);
	r = wait_hook(pidfd, h->timeout, h->what, e);
	close(pidfd);
	return r;
}

static int run_one(struct json_object *o, const char *kind, size_t i, const struct jail_record *rec, const char *state,
		   struct perr *e)
{
	struct hook h = { .path = json_object_get_string(oci_get(o, "path")) };
	char *own[2] = { (char *)h.path, NULL }, *none[1] = { NULL };
	int r;

	snprintf(h.what, sizeof(h.what), "hooks.%s[%zu] \"%s\"", kind, i, h.path ? h.path : "");
	if (oci_get(o, "timeout"))
		h.timeout = (long)json_object_get_int64(oci_get(o, "timeout"));
	if ((oci_get(o, "args") && oci_strv(oci_get(o, "args"), "args", &h.argv, e) < 0) ||
	    (oci_get(o, "env") && oci_strv(oci_get(o, "env"), "env", &h.envp, e) < 0)) {
		oci_strv_free(h.argv);
		return -1;
	}
	/* args is the whole argv, argv[0] included; without it, the path alone. */
	if (!h.argv || !h.argv[0]) {
		oci_strv_free(h.argv);
		h.argv = NULL;
	}
	{
		struct hook run = h;
		run.argv = h.argv ? h.argv : own;
		run.envp = h.envp ? h.envp : none;
		r = rec ? run_in_jail(&run, rec, state, e) : run_on_host(&run, state, e);
	}
	oci_strv_free(h.argv);
	oci_strv_free(h.envp);
	return r;
}

int oci_hooks_run(const char *hooks, enum oci_hook kind, const struct jail_record *rec, const char *state,
		  oci_hook_warn_fn *warn, void *arg, struct perr *e)
{
	struct json_object *all = hooks ? json_tokener_parse(hooks) : NULL;
	/* prestart is createRuntime's older name: its hooks run first, in the same place. */
	const char *names[2] = { kind == OCI_HOOK_CREATE_RUNTIME ? "prestart" : NULL, kinds[kind] };
	int r = 0;

	for (size_t n = 0; n < 2 && r == 0; n++) {
		struct json_object *list = names[n] ? oci_get(all, names[n]) : NULL;
		for (size_t i = 0; list && i < json_object_array_length(list) && r == 0; i++) {
			r = run_one(json_object_array_get_idx(list, i), names[n], i,
				    kind == OCI_HOOK_CREATE_CONTAINER || kind == OCI_HOOK_START_CONTAINER ? rec : NULL,
				    state, e);
			/* A failure that is only reported leaves the hooks after it to run. */
			if (r < 0 && warn) {
				warn(e, arg);
				memset(e, 0, sizeof(*e));
				r = 0;
			}
		}
	}
	json_object_put(all);
	return r;
}

char *oci_hook_state(const char *id, const char *status, pid_t pid, const char *bundle, const char *annotations)
{
	struct json_object *o = json_object_new_object(), *a = annotations ? json_tokener_parse(annotations) : NULL;
	char *text;

	if (!o)
		return NULL;
	json_object_object_add(o, "ociVersion", json_object_new_string("1.2.0"));
	json_object_object_add(o, "id", json_object_new_string(id));
	json_object_object_add(o, "status", json_object_new_string(status));
	if (pid > 0)
		json_object_object_add(o, "pid", json_object_new_int(pid));
	json_object_object_add(o, "bundle", json_object_new_string(bundle));
	json_object_object_add(o, "annotations", a ? a : json_object_new_object());
	text = strdup(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	return text;
}
