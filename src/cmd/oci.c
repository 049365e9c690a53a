/*
 * prison-oci(8): prison as an OCI runtime, with runc's command line as
 * container engines call it.  A container is a jail named after it; this
 * file parses the command line and prints, ocicreate.c makes containers,
 * ocistate.c keeps their state, ocispec.c has the default bundle.
 */
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "../include/prison.h"
#include "ocicmd.h"
#include "ocilog.h"
#include "ocispec.h"
#include "ocistate.h"

/* The runtime's own version, as engines print it (runc --version). */
#define PRISON_OCI_RELEASE "0.1"

static const char global_use[] = "[--root dir] [--log file] [--log-format text|json] [--debug] [--systemd-cgroup] "
				 "[--cgroup-manager name] [--criu path] [--rootless false]";

/* Each command's line of the SYNOPSIS of prison-oci(8), for usage and --help. */
static const struct {
	const char *name, *use;
} uses[] = {
	{ "create", "create [-b bundle] [--pid-file file] [--console-socket socket] [--preserve-fds n] [--no-pivot] "
		    "[--no-new-keyring] id" },
	{ "start", "start id" },
	{ "state", "state id" },
	{ "kill", "kill [-a | --all] id [signal]" },
	{ "delete", "delete [-f | --force] id" },
	{ "run", "run [-d | --detach] [--keep] [-b bundle] [--pid-file file] [--console-socket socket] id" },
	{ "exec", "exec [--process file] [-t | --tty] [-d | --detach] [--console-socket socket] [--pid-file file] "
		  "[--cwd dir] [-e | --env name=value] [-u | --user uid[:gid]] [--no-new-privs] [--preserve-fds n] "
		  "id [command [arg ...]]" },
	{ "ps", "ps [--format table | json] id" },
	{ "list", OCI_LIST_USAGE },
	{ "pause", "pause id" },
	{ "resume", "resume id" },
	{ "update", "update [-r file | -] [--memory n] [--memory-swap n] [--pids-limit n] [--cpu-shares n] "
		    "[--cpu-quota n] [--cpu-period n] [--cpuset-cpus list] id" },
	{ "events", "events [--stats] [--interval duration] id" },
	{ "spec", "spec [-b bundle]" },
	{ "features", "features" },
};

static void print_usage(FILE *f)
{
	fprintf(f, "usage: prison-oci %s command ...\n", global_use);
	for (size_t i = 0; i < ARRAY_SIZE(uses); i++)
		fprintf(f, "       prison-oci [global options] %s\n", uses[i].use);
	fprintf(f, "       prison-oci --version | --help\n");
}

static __attribute__((noreturn)) void usage(void)
{
	print_usage(stderr);
	exit(1);
}

/* prison-oci COMMAND --help (or -h) as its first argument: its line of the synopsis, on stdout. */
static bool command_help(int argc, char **argv)
{
	if (argc < 2 || (strcmp(argv[1], "--help") != 0 && strcmp(argv[1], "-h") != 0))
		return false;
	for (size_t i = 0; i < ARRAY_SIZE(uses); i++)
		if (strcmp(argv[0], uses[i].name) == 0)
			printf("usage: prison-oci [global options] %s\n", uses[i].use);
	return true;
}

/* One id after the command's options, which are in opts (getopt_long's). */
static const char *one_id(int argc, char **argv, const char *use)
{
	if (optind != argc - 1) {
		fprintf(stderr, "usage: prison-oci %s\n", use);
		exit(1);
	}
	return argv[optind];
}

static int read_state(const char *id, struct oci_state *st)
{
	struct perr e = { 0 };

	if (ocistate_read(id, st, &e) < 0)
		return ocilog_error("%s", e.msg);
	return 0;
}

/*
 * startContainer before the container's command runs (its failure stops
 * the container and fails start), poststart after (only warned of).
 */
static int oci_start_hooks(const struct oci_state *st, bool before)
{
	struct perr e = { 0 };
	char *hooks = oci_bundle_hooks(st->bundle, st->id);
	int r = 0;

	if (!hooks)
		return 0;
	if (!before) {
		(void)oci_run_hooks(hooks, OCI_HOOK_POSTSTART, st->id, "running", st->pid, st->bundle, st->annotations,
				    true, &e);
	} else if (oci_run_hooks(hooks, OCI_HOOK_START_CONTAINER, st->id, "created", st->pid, st->bundle,
				 st->annotations, false, &e) < 0) {
		int fd = ocistate_open_process(st);
		if (fd >= 0) {
			syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
			close(fd);
		}
		r = ocilog_error("%s: %s", st->id, e.msg);
	}
	free(hooks);
	return r;
}

int oci_start(const char *id)
{
	struct oci_state st;
	struct perr e = { 0 };
	enum oci_status s;
	int fd, r = 0;

	if (read_state(id, &st) != 0)
		return 1;
	s = ocistate_status(&st);
	if (s != OCI_CREATED) {
		ocistate_free(&st);
		return ocilog_error("%s: cannot start a container that is %s", id, ocistate_status_name(s));
	}
	if (oci_start_hooks(&st, true) != 0) {
		ocistate_free(&st);
		return 1;
	}
	fd = ocistate_open_gate(id, &e);
	if (fd < 0 || write(fd, "0", 1) != 1) {
		r = ocilog_error("%s: %s", id, fd < 0 && e.err == ENXIO ? "its process has ended" : e.msg);
	} else {
		st.started = true;
		if (ocistate_write(&st, &e) < 0)
			r = ocilog_error("%s: %s", id, e.msg);
	}
	if (fd >= 0)
		close(fd);
	if (r == 0)
		(void)oci_start_hooks(&st, false);
	ocistate_free(&st);
	return r;
}

static int cmd_start(int argc, char **argv)
{
	optind = 1;
	if (getopt(argc, argv, "") != -1)
		usage();
	return oci_start(one_id(argc, argv, "start id"));
}

static int cmd_state(int argc, char **argv)
{
	struct oci_state st;
	struct json_object *o;
	enum oci_status s;
	char when[64];

	optind = 1;
	if (getopt(argc, argv, "") != -1)
		usage();
	if (read_state(one_id(argc, argv, "state id"), &st) != 0)
		return 1;
	s = ocistate_status(&st);
	ocistate_created_text(&st, when, sizeof(when));
	o = json_object_new_object();
	json_object_object_add(o, "ociVersion", json_object_new_string(OCI_SPEC_VERSION));
	json_object_object_add(o, "id", json_object_new_string(st.id));
	json_object_object_add(o, "status", json_object_new_string(ocistate_status_name(s)));
	json_object_object_add(o, "pid", json_object_new_int(s == OCI_STOPPED ? 0 : st.pid));
	json_object_object_add(o, "bundle", json_object_new_string(st.bundle));
	json_object_object_add(o, "created", json_object_new_string(when));
	json_object_object_add(o, "annotations", json_tokener_parse(st.annotations));
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	ocistate_free(&st);
	return 0;
}

/* Every process of the container's jail (kill --all), jailinit apart. */
static int kill_all(const char *id, int sig)
{
	char *keys[] = { (char *)id, NULL };
	struct jkill_report rep = { 0 };
	struct perr e = { 0 };
	int r = 0;

	if (jail_kill(keys, 1, sig, 0, &rep, &e) < 0)
		r = ocilog_error("%s: %s", id, e.msg);
	else if (rep.njails == 1 && rep.jails[0].err.err)
		r = ocilog_error("%s: %s", id, rep.jails[0].err.msg);
	jkill_report_free(&rep);
	return r;
}

static int kill_process(const struct oci_state *st, int sig)
{
	int fd = ocistate_open_process(st), r = 0;

	if (fd < 0)
		return ocilog_error("%s: container not running", st->id);
	if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
		r = ocilog_error("%s: kill: %s", st->id, strerror(errno));
	close(fd);
	return r;
}

static int cmd_kill(int argc, char **argv)
{
	static const struct option opts[] = { { "all", no_argument, NULL, 'a' }, { NULL, 0, NULL, 0 } };
	struct oci_state st;
	bool all = false;
	int c, sig = SIGTERM, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "a", opts, NULL)) != -1) {
		if (c != 'a')
			usage();
		all = true;
	}
	if (optind != argc - 1 && optind != argc - 2)
		usage();
	if (optind == argc - 2 && (sig = signal_parse(argv[argc - 1])) < 0)
		return ocilog_error("kill: \"%s\": no such signal", argv[argc - 1]);
	if (read_state(argv[optind], &st) != 0)
		return 1;
	r = all ? kill_all(st.id, sig) : kill_process(&st, sig);
	ocistate_free(&st);
	return r;
}

int oci_remove(const char *id)
{
	struct jail_record gone = { 0 };
	struct perr e = { 0 }, ignore = { 0 };
	struct oci_state st;
	char *hooks = ocistate_read(id, &st, &ignore) == 0 ? oci_bundle_hooks(st.bundle, id) : NULL;
	int r = jail_remove(id, false, &gone, &e);

	audit_event("remove", id, gone.jid, NULL, NULL, r < 0 && e.err != ENOENT ? e.msg : NULL);
	record_free(&gone);
	/* A jail removed already (jail -r) leaves only the state to clear. */
	if (r < 0 && e.err != ENOENT) {
		ocistate_free(&st);
		free(hooks);
		return ocilog_error("%s: %s", id, e.msg);
	}
	ocistate_remove(id);
	/* poststop, once the container is gone: a failure is a warning. */
	if (hooks)
		(void)oci_run_hooks(hooks, OCI_HOOK_POSTSTOP, id, "stopped", 0, st.bundle, st.annotations, true, &ignore);
	ocistate_free(&st);
	free(hooks);
	return 0;
}

/* The jail of a container whose state was never written, if it is a container's jail, and its directory. */
static int remove_remains(const char *id)
{
	struct jail_record rec = { 0 };
	struct perr e = { 0 };
	bool ours = jail_find(id, &rec, &e) == 0 && param_str(&rec.params, P_OCI_BUNDLE);

	record_free(&rec);
	if (ours) {
		(void)kill_all(id, SIGKILL);
		return oci_remove(id);
	}
	ocistate_remove(id);
	return 0;
}

static int cmd_delete(int argc, char **argv)
{
	static const struct option opts[] = { { "force", no_argument, NULL, 'f' }, { NULL, 0, NULL, 0 } };
	struct oci_state st;
	struct perr e = { 0 };
	const char *id;
	bool force = false;
	enum oci_status s;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f", opts, NULL)) != -1) {
		if (c != 'f')
			usage();
		force = true;
	}
	id = one_id(argc, argv, "delete [--force] id");
	/*
	 * As runc: --force deletes what there is of a container that does not
	 * exist (a create that died before its state was written), and succeeds.
	 */
	if (force && ocistate_check_id(id, &e) == 0 && ocistate_read(id, &st, &e) < 0 && e.err == ENOENT)
		return remove_remains(id);
	if (read_state(id, &st) != 0)
		return 1;
	s = ocistate_status(&st);
	ocistate_free(&st);
	if ((s == OCI_RUNNING || s == OCI_PAUSED) && !force)
		return ocilog_error("%s: cannot delete a %s container (use --force)", st.id, ocistate_status_name(s));
	/* Everything at once, as runc's --force: no stop timeout to wait out. */
	if (s != OCI_STOPPED)
		(void)kill_all(st.id, SIGKILL);
	/* A frozen jailinit would not answer the removal: the killed jail is thawed. */
	if (s == OCI_PAUSED && oci_thaw(st.id) != 0)
		return 1;
	return oci_remove(st.id);
}

static int cmd_spec(int argc, char **argv)
{
	static const struct option opts[] = { { "bundle", required_argument, NULL, 'b' }, { NULL, 0, NULL, 0 } };
	const char *bundle = ".", *text = ocispec_default();
	char path[4200];
	FILE *f;
	int c, fd;

	optind = 1;
	while ((c = getopt_long(argc, argv, "b:", opts, NULL)) != -1) {
		if (c != 'b')
			usage();
		bundle = optarg;
	}
	if (optind != argc)
		usage();
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return ocilog_error("%s: %s", path, strerror(errno));
	f = fdopen(fd, "w");
	if (!f || fputs(text, f) < 0 || fclose(f) != 0)
		return ocilog_error("%s: %s", path, strerror(errno));
	return 0;
}

static int cmd_features(int argc, char **argv)
{
	(void)argv;
	if (argc != 1)
		usage();
	fputs(ocispec_features(), stdout);
	return 0;
}

static const struct {
	const char *name;
	int (*run)(int argc, char **argv);
} commands[] = {
	{ "create", oci_cmd_create }, { "start", cmd_start }, { "state", cmd_state },     { "kill", cmd_kill },
	{ "delete", cmd_delete },     { "run", oci_cmd_run }, { "spec", cmd_spec },       { "features", cmd_features },
	{ "exec", oci_cmd_exec },     { "ps", oci_cmd_ps },   { "pause", oci_cmd_pause }, { "resume", oci_cmd_resume },
	{ "update", oci_cmd_update },   { "events", oci_cmd_events }, { "list", oci_cmd_list },
};

struct globals {
	const char *root, *log, *log_format;
	bool debug;
};

static void parse_globals(int argc, char **argv, struct globals *g)
{
	static const struct option opts[] = {
		{ "root", required_argument, NULL, 'r' },       { "log", required_argument, NULL, 'l' },
		{ "log-format", required_argument, NULL, 'F' }, { "debug", no_argument, NULL, 'D' },
		{ "systemd-cgroup", no_argument, NULL, 'S' },   { "cgroup-manager", required_argument, NULL, 'C' },
		{ "rootless", required_argument, NULL, 'R' },   { "criu", required_argument, NULL, 'c' },
		{ "version", no_argument, NULL, 'v' },         { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
		switch (c) {
		case 'r': g->root = optarg; break;
		case 'l': g->log = optarg; break;
		case 'F': g->log_format = optarg; break;
		case 'D': g->debug = true; break;
		/* A jail's cgroup is prison's own (PRISON_CGROUP/JID), whichever manager the engine uses. */
		case 'S': break;
		case 'C':
			if (strcmp(optarg, "cgroupfs") != 0 && strcmp(optarg, "systemd") != 0 && strcmp(optarg, "disabled") != 0)
				exit(ocilog_error("--cgroup-manager \"%s\": cgroupfs, systemd or disabled", optarg));
			break;
		/* No checkpoint and restore: the path to criu is never used. */
		case 'c': break;
		case 'v':
			printf("prison-oci version %s\nspec: %s\n", PRISON_OCI_RELEASE, OCI_SPEC_VERSION);
			exit(0);
		case 'h':
			print_usage(stdout);
			exit(0);
		case 'R':
			if (strcmp(optarg, "false") != 0)
				exit(ocilog_error("--rootless %s: prison-oci runs as root", optarg));
			break;
		default: usage();
		}
	}
}

int main(int argc, char **argv)
{
	struct globals g = { 0 };
	struct perr e = { 0 };

	if (ensure_std_fds() < 0) {
		fprintf(stderr, "prison-oci: cannot open /dev/null\n");
		return 1;
	}
	parse_globals(argc, argv, &g);
	if (ocilog_open(g.log, g.log_format, g.debug) < 0)
		return 1;
	if (optind >= argc)
		usage();
	if (runtime_check(&e) < 0)
		return ocilog_error("%s", e.msg);
	if (g.root)
		ocistate_set_root(g.root);
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		if (strcmp(argv[optind], commands[i].name) != 0)
			continue;
		if (command_help(argc - optind, argv + optind))
			return 0;
		return commands[i].run(argc - optind, argv + optind);
	}
	return ocilog_error("\"%s\": no such command", argv[optind]);
}
