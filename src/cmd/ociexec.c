/*
 * prison-oci exec, ps, pause and resume.  exec starts one more process in
 * a container's jail through jail_exec_spawn (or jail_exec for a terminal
 * relayed here), the path of jexec and of the container's own process, so
 * it is confined as they are, then as the bundle's process asks on top;
 * ps lists the jail's processes (jailps.h); pause and resume freeze and
 * thaw the whole jail (jfreeze.h).
 */
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../include/prison.h"
#include "ocicmd.h"
#include "ocilog.h"
#include "ocistate.h"

#define EXEC_MAX_ENV 256

struct exec_opts {
	const char *process, *console, *pid_file, *cwd, *user;
	int preserve_fds;
	bool tty, detach, no_new_privs;
	const char *env[EXEC_MAX_ENV];
	size_t nenv;
};

static const struct option exec_long[] = {
	{ "process", required_argument, NULL, 'p' },   { "console-socket", required_argument, NULL, 'c' },
	{ "pid-file", required_argument, NULL, 'P' },  { "cwd", required_argument, NULL, 'w' },
	{ "env", required_argument, NULL, 'e' },       { "user", required_argument, NULL, 'u' },
	{ "tty", no_argument, NULL, 't' },             { "detach", no_argument, NULL, 'd' },
	{ "no-new-privs", no_argument, NULL, 'n' },    { "preserve-fds", required_argument, NULL, 'F' },
	{ "cap", required_argument, NULL, 'C' },       { "additional-gids", required_argument, NULL, 'g' },
	{ "apparmor", required_argument, NULL, 'A' },  { "process-label", required_argument, NULL, 'L' },
	{ "cgroup", required_argument, NULL, 'G' },    { "ignore-paused", no_argument, NULL, 'I' },
	{ NULL, 0, NULL, 0 },
};

#define EXEC_USAGE                                                                                       \
	"usage: prison-oci exec [--process file] [-t] [-d] [--console-socket socket] [--pid-file file] " \
	"[--cwd dir] [-e name=value] [-u uid[:gid]] id [command [arg ...]]"

static int exec_option(int c, struct exec_opts *o)
{
	switch (c) {
	case 'p': o->process = optarg; break;
	case 'c': o->console = optarg; break;
	case 'P': o->pid_file = optarg; break;
	case 'w': o->cwd = optarg; break;
	case 'u': o->user = optarg; break;
	case 't': o->tty = true; break;
	case 'd': o->detach = true; break;
	case 'n': o->no_new_privs = true; break;
	case 'e':
		if (o->nenv == EXEC_MAX_ENV || !strchr(optarg, '='))
			return ocilog_error("exec: --env \"%s\": not name=value, or more than %d", optarg, EXEC_MAX_ENV);
		o->env[o->nenv++] = optarg;
		break;
	case 'F': {
		struct perr e = { 0 };
		if (oci_preserve_parse(optarg, &o->preserve_fds, &e) < 0)
			return ocilog_error("exec: %s", e.msg);
		break;
	}
	case 'C': case 'g': case 'A': case 'L': case 'G': case 'I':
		for (size_t i = 0; exec_long[i].name; i++)
			if (exec_long[i].val == c)
				return ocilog_error("exec: --%s: not supported (give a --process file)", exec_long[i].name);
		return 1;
	default: return ocilog_error(EXEC_USAGE);
	}
	return 0;
}

static char *dup_or_die(const char *s)
{
	char *d = strdup(s);

	if (!d) {
		ocilog_error("exec: out of memory");
		exit(1);
	}
	return d;
}

/* A NULL-terminated malloc'd copy of n strings, for oci_strv_free. */
static char **strv_copy(char *const *v, size_t n)
{
	char **r = calloc(n + 1, sizeof(char *));

	if (!r)
		return NULL;
	for (size_t i = 0; i < n; i++)
		r[i] = dup_or_die(v[i]);
	return r;
}

/* --env on top of the process's environment: a name given replaces the one there. */
static int merge_env(struct oci_config *c, const struct exec_opts *o)
{
	size_t n = 0;
	char **env;

	while (c->envp && c->envp[n])
		n++;
	env = realloc(c->envp, (n + o->nenv + 1) * sizeof(char *));
	if (!env)
		return ocilog_error("exec: out of memory");
	c->envp = env;
	for (size_t i = 0; i < o->nenv; i++) {
		size_t k, len = (size_t)(strchr(o->env[i], '=') - o->env[i]) + 1;
		for (k = 0; k < n && strncmp(env[k], o->env[i], len) != 0; k++)
			;
		if (k == n)
			n++;
		else
			free(env[k]);
		env[k] = dup_or_die(o->env[i]);
	}
	env[n] = NULL;
	return 0;
}

/* --user uid[:gid], the container's own ids. */
static int parse_user(const char *s, struct jail_cred *cred)
{
	char *end;
	unsigned long uid = strtoul(s, &end, 10), gid = cred->gid;

	if (end == s || (*end && *end != ':') || uid > 65535)
		return ocilog_error("exec: --user \"%s\": not uid[:gid] of the container (0 to 65535)", s);
	if (*end == ':') {
		const char *g = end + 1;
		gid = strtoul(g, &end, 10);
		if (end == g || *end || gid > 65535)
			return ocilog_error("exec: --user \"%s\": not uid[:gid] of the container (0 to 65535)", s);
	}
	/* The supplementary groups stay the process's additionalGids: the new gid is not one of them. */
	cred->uid = (uid_t)uid;
	cred->gid = (gid_t)gid;
	return 0;
}

/* The process to run: the bundle's, with the command, the file or the options in its place. */
static int exec_process(const struct oci_state *st, const struct exec_opts *o, char **args, size_t nargs,
			struct oci_config *c)
{
	struct perr e = { 0 };

	if (oci_config_load(st->bundle, st->id, c, &e) < 0)
		return ocilog_error("%s: %s", st->id, e.msg);
	if (o->process && oci_process_load(o->process, c, &e) < 0)
		return ocilog_error("%s: %s", st->id, e.msg);
	if (!o->process) {
		if (nargs == 0)
			return ocilog_error(EXEC_USAGE);
		oci_strv_free(c->argv);
		c->argv = strv_copy(args, nargs);
		if (!c->argv)
			return ocilog_error("exec: out of memory");
		c->terminal = false;
	}
	c->terminal |= o->tty;
	c->no_new_privs |= o->no_new_privs;
	if (o->cwd && o->cwd[0] != '/')
		return ocilog_error("exec: --cwd \"%s\": not an absolute path", o->cwd);
	if (o->cwd) {
		free(c->cwd);
		c->cwd = dup_or_die(o->cwd);
	}
	if (o->user && parse_user(o->user, &c->cred) != 0)
		return 1;
	return merge_env(c, o);
}

/* The container may take one more process: created or running, not stopped nor paused. */
static int exec_allowed(const struct oci_state *st)
{
	enum oci_status s = ocistate_status(st);

	if (s == OCI_CREATED || s == OCI_RUNNING)
		return 0;
	return ocilog_error("%s: cannot exec in a %s container", st->id, ocistate_status_name(s));
}

/* A terminal relayed by prison-oci itself (-t in the foreground, no console socket). */
static int exec_relayed(const struct jail_record *rec, const struct jail_exec *x)
{
	struct perr e = { 0 };
	int status = 0;

	if (jail_exec(rec, x, &status, &e) < 0) {
		audit_event("exec", rec->name, rec->jid, NULL, x->argv, e.msg);
		ocilog_error("%s: %s", rec->name, e.msg);
		return status ? status : 1;
	}
	audit_event("exec", rec->name, rec->jid, NULL, x->argv, NULL);
	return status;
}

static int exec_spawned(const struct jail_record *rec, const struct jail_exec *x, const struct exec_opts *o,
			const struct oci_config *c)
{
	struct perr e = { 0 };
	int pidfd = -1, master = -1, sock = -1, r = 0;
	pid_t pid = -1;

	if (o->console && (sock = oci_console_connect(o->console, &e)) < 0)
		r = -1;
	if (r == 0)
		r = oci_apply_inherited(c, &e);
	if (r == 0 && (pid = jail_exec_spawn(rec, x, &pidfd, &master, &e)) < 0)
		r = -1;
	if (r == 0 && master >= 0)
		r = oci_console_send(sock, master, &e);
	if (r == 0 && o->pid_file)
		r = oci_write_pid_file(o->pid_file, pid, &e);
	audit_event("exec", rec->name, rec->jid, NULL, x->argv, r < 0 ? e.msg : NULL);
	if (master >= 0)
		close(master);
	if (sock >= 0)
		close(sock);
	if (r < 0) {
		/* A process that runs but was not handed over is not left behind. */
		if (pidfd >= 0)
			(void)syscall(SYS_pidfd_send_signal, pidfd, SIGKILL, NULL, 0), (void)oci_wait_process(pidfd),
				close(pidfd);
		return ocilog_error("%s: %s", rec->name, e.msg);
	}
	ocilog_debug("exec in %s: pid %d", rec->name, pid);
	r = o->detach ? 0 : oci_wait_process(pidfd);
	close(pidfd);
	return r;
}

static int exec_run(const struct oci_state *st, const struct exec_opts *o, struct oci_config *c)
{
	struct jail_exec x = {
		.argv = c->argv, .envp = c->envp, .cwd = c->cwd, .cred = &c->cred,
		.own_stdio = !c->terminal, .terminal = c->terminal,
		.no_new_privs = c->no_new_privs, .caps_set = c->caps_set, .caps = c->caps,
		.inheritable = c->inheritable, .ambient = c->ambient,
		.seccomp = c->seccomp.len ? &c->seccomp : NULL, .seccomp_flags = c->seccomp_flags,
		.default_home = true,
	};
	struct jail_record rec = { 0 };
	struct perr e = { 0 };
	int r;

	if (c->terminal && !o->console && o->detach)
		return ocilog_error("%s: a terminal with --detach needs --console-socket", st->id);
	if (!c->terminal && o->console)
		return ocilog_error("%s: --console-socket given but no terminal asked for", st->id);
	if (oci_pass_fds(o->preserve_fds, &c->envp, &x, &e) < 0)
		return ocilog_error("%s: %s", st->id, e.msg);
	x.envp = c->envp;
	if (jail_find(st->id, &rec, &e) < 0)
		return ocilog_error("%s: %s", st->id, e.msg);
	if (c->terminal && !o->console)
		r = exec_relayed(&rec, &x);
	else
		r = exec_spawned(&rec, &x, o, c);
	record_free(&rec);
	return r;
}

int oci_cmd_exec(int argc, char **argv)
{
	struct exec_opts o = { 0 };
	struct oci_config c = { 0 };
	struct oci_state st;
	struct perr e = { 0 };
	int ch, r;

	optind = 1;
	/* "+": the command's own options after the id are its, not ours. */
	while ((ch = getopt_long(argc, argv, "+p:tde:u:", exec_long, NULL)) != -1)
		if (exec_option(ch, &o) != 0)
			return 1;
	if (optind >= argc)
		return ocilog_error(EXEC_USAGE);
	if (ocistate_read(argv[optind], &st, &e) < 0)
		return ocilog_error("%s", e.msg);
	r = exec_allowed(&st);
	if (r == 0)
		r = exec_process(&st, &o, argv + optind + 1, (size_t)(argc - optind - 1), &c);
	if (r == 0)
		r = exec_run(&st, &o, &c);
	oci_config_free(&c);
	ocistate_free(&st);
	return r;
}

/* The container's jail, for ps, pause and resume. */
static int find_jail(int argc, char **argv, const char *use, struct oci_state *st, struct jail_record *rec)
{
	struct perr e = { 0 };

	if (optind != argc - 1)
		return ocilog_error("usage: prison-oci %s", use);
	if (ocistate_read(argv[optind], st, &e) < 0)
		return ocilog_error("%s", e.msg);
	if (jail_find(st->id, rec, &e) < 0) {
		ocistate_free(st);
		return ocilog_error("%s: %s", argv[optind], e.msg);
	}
	return 0;
}

static void print_procs(const struct jail_proc *p, size_t n, bool json)
{
	bool first = true;

	if (!json)
		printf("%-7s %-7s %-12s %-12s %s\n", "PID", "JPID", "USER", "JUSER", "COMMAND");
	else
		putchar('[');
	/* jailinit is prison's, not the container's: runc's list has the container's processes only. */
	for (size_t i = 0; i < n; i++) {
		if (p[i].init)
			continue;
		if (json)
			printf("%s%d", first ? "" : ",", (int)p[i].pid);
		else
			printf("%-7d %-7d %-12s %-12s %s\n", (int)p[i].pid, (int)p[i].jpid, p[i].user, p[i].juser,
			       p[i].command);
		first = false;
	}
	if (json)
		printf("]\n");
}

int oci_cmd_ps(int argc, char **argv)
{
	static const struct option opts[] = { { "format", required_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	struct jail_record rec = { 0 };
	struct jail_proc *procs = NULL;
	struct oci_state st;
	struct perr e = { 0 };
	bool json = false;
	size_t n = 0;
	int c, r = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
		if (c != 'f' || (strcmp(optarg, "json") != 0 && strcmp(optarg, "table") != 0))
			return ocilog_error("usage: prison-oci ps [--format table|json] id");
		json = strcmp(optarg, "json") == 0;
	}
	if (argc - optind > 1)
		return ocilog_error("ps: \"%s\": ps(1) options are not taken; the table is prison-oci's own",
				    argv[optind + 1]);
	if (find_jail(argc, argv, "ps [--format table|json] id", &st, &rec) != 0)
		return 1;
	if (jail_procs(&rec, &procs, &n, &e) < 0)
		r = ocilog_error("%s: %s", st.id, e.msg);
	else
		print_procs(procs, n, json);
	free(procs);
	record_free(&rec);
	ocistate_free(&st);
	return r;
}

/* pause (freeze true) or resume: the container must be running or created, or paused. */
static int pause_resume(int argc, char **argv, bool freeze)
{
	struct jail_record rec = { 0 };
	struct oci_state st;
	struct perr e = { 0 };
	enum oci_status s;
	int r = 0;

	optind = 1;
	if (getopt(argc, argv, "") != -1 ||
	    find_jail(argc, argv, freeze ? "pause id" : "resume id", &st, &rec) != 0)
		return 1;
	s = ocistate_status(&st);
	if (freeze && s != OCI_RUNNING && s != OCI_CREATED)
		r = ocilog_error("%s: cannot pause a container that is %s", st.id, ocistate_status_name(s));
	else if (!freeze && s != OCI_PAUSED)
		r = ocilog_error("%s: cannot resume a container that is %s", st.id, ocistate_status_name(s));
	else if (jail_freeze(&rec, freeze, &e) < 0)
		r = ocilog_error("%s: %s", st.id, e.msg);
	else
		ocilog_debug("%s %s", freeze ? "paused" : "resumed", st.id);
	record_free(&rec);
	ocistate_free(&st);
	return r;
}

int oci_cmd_pause(int argc, char **argv)
{
	return pause_resume(argc, argv, true);
}

int oci_cmd_resume(int argc, char **argv)
{
	return pause_resume(argc, argv, false);
}

int oci_thaw(const char *id)
{
	struct jail_record rec = { 0 };
	struct perr e = { 0 };
	int r = 0;

	if (jail_find(id, &rec, &e) == 0 && jail_frozen(&rec, &e) == 1 && jail_freeze(&rec, false, &e) < 0)
		r = ocilog_error("%s: %s", id, e.msg);
	record_free(&rec);
	return r;
}
