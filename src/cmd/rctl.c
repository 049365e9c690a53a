/*
 * rctl(8): show, add and remove resource limits of jails, and show what a
 * jail uses.  The rules live in each jail's rctl parameter, so they go with
 * the jail; adding or removing one is a jail -m of that parameter.
 */
#include <fcntl.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../include/prison.h"

static bool opt_h;

static __attribute__((noreturn)) void usage(void)
{
	fprintf(stderr, "usage: rctl [-hn] [filter]\n"
			"       rctl -a [-hn] rule ...\n"
			"       rctl -l [-hn] filter ...\n"
			"       rctl -r [-hn] filter ...\n"
			"       rctl -u [-hn] filter ...\n");
	exit(1);
}

/*
 * FreeBSD's rctl(8) frames every failure with the rule as the user wrote
 * it: "malformed rule 'R': why" for text that does not parse, "failed to
 * add rule 'R': why" (remove, show...) for one that cannot be carried out.
 * The operation under way sets the frame; the library's parse messages,
 * which begin with the same rule, say it once.
 */
static const char *frame_what, *frame_text;

static void frame(const char *what, const char *text)
{
	frame_what = what;
	frame_text = text;
}

static const char *without_subject(const char *msg, const char *text)
{
	static const char *const kinds[] = { "rule \"", "filter \"" };
	size_t tl = strlen(text);

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t kl = strlen(kinds[i]);
		if (strncmp(msg, kinds[i], kl) == 0 && strncmp(msg + kl, text, tl) == 0 &&
		    strncmp(msg + kl + tl, "\": ", 3) == 0)
			return msg + kl + tl + 3;
	}
	return msg;
}

static int fail(const struct perr *e)
{
	if (frame_what)
		fprintf(stderr, "rctl: %s '%s': %s\n", frame_what, frame_text, without_subject(e->msg, frame_text));
	else
		fprintf(stderr, "rctl: %s\n", e->msg);
	return 1;
}

static const char *frame_of(int op)
{
	switch (op) {
	case 'a': return "failed to add rule";
	case 'r': return "failed to remove rule";
	case 'u': return "failed to show resource consumption for";
	case 'l': return "failed to get limits for";
	default: return "failed to show rules for";
	}
}

/* The jail's rules, parsed; n = 0 for none. */
static int rules_of(const struct jail_record *rec, struct rctl_rule *rules, size_t *n, struct perr *e)
{
	return limits_rules(&rec->params, rec->name, rules, LIMITS_MAX_RULES, n, e);
}

/*
 * Edit the rules of jail key in place (read, changed and stored under the
 * registry's lock, so two rctl -a at once both land), recorded in the
 * audit trail when they changed.
 */
static int edit_rules(const char *key, jail_rules_edit edit, void *arg, struct perr *e)
{
	struct paramset ps = { 0 };
	struct jail_record rec;
	int r = jail_modify_rules(key, edit, arg, &ps, &rec, e);

	if (r >= 0) {
		if (ps.v[P_RCTL].set)
			audit_event("modify", rec.name, rec.jid, &ps, NULL, NULL);
		record_free(&rec);
	} else if (r < 0 && e->err != ENOENT) {
		audit_event("modify", key, 0, &ps, NULL, e->msg);
	}
	param_free(&ps);
	return r < 0 ? -1 : 0;
}

/* As FreeBSD: a rule for the same resource and action replaces the old one. */
static int put_rule(const struct jail_record *rec, struct rctl_rule *rules, size_t *n, size_t max, void *arg,
		    struct perr *e)
{
	const struct rctl_rule *r = arg;
	size_t k = 0;

	for (size_t i = 0; i < *n; i++) {
		struct rctl_rule same = *r;
		same.has_amount = false;
		if (!rctl_match(&same, &rules[i]))
			rules[k++] = rules[i];
	}
	if (k == max)
		return perr_setx(e, ENOSPC, "jail \"%s\" has %zu rules already", rec->name, max);
	rules[k++] = *r;
	*n = k;
	return 0;
}

static int add_rule(const char *text)
{
	struct perr e = { 0 };
	struct rctl_rule r;

	frame("malformed rule", text);
	if (rctl_parse_rule(text, NULL, &r, &e) < 0)
		return fail(&e);
	frame(frame_of('a'), text);
	if (rctl_check(&r, &e) < 0)
		return fail(&e);
	return edit_rules(r.jail, put_rule, &r, &e) < 0 ? fail(&e) : 0;
}

static int for_each_jail(const struct rctl_rule *f, int (*fn)(const struct jail_record *, const struct rctl_rule *))
{
	struct perr e = { 0 };
	struct jail_record *list;
	size_t n;
	int ret = 0;

	if (f->jail[0]) {
		struct jail_record rec;
		struct rctl_rule g = *f;
		if (jail_find(f->jail, &rec, &e) < 0)
			return fail(&e);
		/* Found by jid or name: rules carry the name. */
		snprintf(g.jail, sizeof(g.jail), "%s", rec.name);
		ret = fn(&rec, &g);
		record_free(&rec);
		return ret;
	}
	if (jail_list(&list, &n, &e) < 0)
		return fail(&e);
	for (size_t i = 0; i < n; i++)
		ret |= fn(&list[i], f);
	for (size_t i = 0; i < n; i++)
		record_free(&list[i]);
	free(list);
	return ret;
}

static int show_rules(const struct jail_record *rec, const struct rctl_rule *f)
{
	struct perr e = { 0 };
	struct rctl_rule rules[LIMITS_MAX_RULES];
	size_t n;

	if (rules_of(rec, rules, &n, &e) < 0)
		return fail(&e);
	for (size_t i = 0; i < n; i++) {
		char buf[512];
		if (!rctl_match(f, &rules[i]))
			continue;
		rctl_format(&rules[i], opt_h, buf, sizeof(buf));
		printf("%s\n", buf);
	}
	return 0;
}

/* The rules that match the filter go; nothing is stored when none did. */
static int drop_rules(const struct jail_record *rec, struct rctl_rule *rules, size_t *n, size_t max, void *arg,
		      struct perr *e)
{
	const struct rctl_rule *f = arg;
	size_t k = 0;

	(void)rec;
	(void)max;
	(void)e;
	for (size_t i = 0; i < *n; i++)
		if (!rctl_match(f, &rules[i]))
			rules[k++] = rules[i];
	if (k == *n)
		return 1;
	*n = k;
	return 0;
}

static int remove_rules(const struct jail_record *rec, const struct rctl_rule *f)
{
	struct perr e = { 0 };
	char key[16];

	snprintf(key, sizeof(key), "%d", rec->jid);
	return edit_rules(key, drop_rules, (void *)f, &e) < 0 ? fail(&e) : 0;
}

static int show_usage(const struct jail_record *rec, const struct rctl_rule *f)
{
	struct perr e = { 0 };
	uint64_t u[R__COUNT];

	if (jail_usage(rec, u, &e) < 0)
		return fail(&e);
	for (int i = 0; i < R__COUNT; i++) {
		char buf[32];
		if (f->resource >= 0 && f->resource != i)
			continue;
		rctl_format_amount(i, u[i], opt_h, buf, sizeof(buf));
		printf("%s=%s\n", rctl_resources[i].name, buf);
	}
	return 0;
}

#define MAX_DEPTH 16

/* A filter of -l that names a process rather than a jail. */
static bool is_process_filter(const char *text)
{
	return strncmp(text, "process:", 8) == 0;
}

/*
 * "process:PID" for -l: the jails whose rules bind that process, from its
 * cgroup2 path "0::/prison/P/C[/self]": the jail it is in and every jail
 * above it, whose limits hold it too.  Returns how many, 0 for a process
 * outside every jail.
 */
static int process_jails(const char *text, int *jids, struct perr *e)
{
	long pid;

	if (!parse_long(text + 8, 1, 1L << 30, &pid))
		return perr_setx(e, EINVAL, "filter \"%s\": bad process id", text);
	return cgroup_jails_of_pid((pid_t)pid, jids, MAX_DEPTH, e);
}

/* rctl -l process:PID: the rules of the jails above the process first, its own jail's last. */
static int list_process(const char *text)
{
	struct perr e = { 0 };
	int jids[MAX_DEPTH] = { 0 };
	int k = process_jails(text, jids, &e), ret = 0;

	if (k < 0)
		return fail(&e);
	for (int j = 0; j < k; j++) {
		struct rctl_rule f = { .resource = -1, .action = -1 };
		snprintf(f.jail, sizeof(f.jail), "%d", jids[j]);
		ret |= for_each_jail(&f, show_rules);
	}
	return ret;
}

/* rctl -l, -r or -u with one filter; returns the exit status. */
static int with_filter(int op, const char *text)
{
	struct rctl_rule f = { .resource = -1, .action = -1 };
	struct perr e = { 0 };

	frame(frame_of(op), text);
	if (op == 'l' && is_process_filter(text))
		return list_process(text);
	frame("malformed rule", text);
	if (rctl_parse_filter(text, &f, &e) < 0)
		return fail(&e);
	frame(frame_of(op), text);
	if (op == 'u' && (!f.jail[0] || f.action >= 0)) {
		perr_setx(&e, EINVAL, "-u needs a filter of the form jail:NAME[:resource]");
		return fail(&e);
	}
	/*
	 * A filter that selects nothing in particular ("", ":") would remove
	 * every rule of every jail: only "jail:" asks for that.
	 */
	if (op == 'r' && !f.jail[0] && f.resource < 0 && f.action < 0 && strcmp(text, "jail:") != 0 &&
	    strcmp(text, "jail") != 0) {
		perr_setx(&e, EINVAL, "filter \"%s\" matches nothing a jail has", text);
		return fail(&e);
	}
	return for_each_jail(&f, op == 'r' ? remove_rules : op == 'u' ? show_usage : show_rules);
}

/* rctl [filter]: the rules of every jail the filter matches, all of them without one. */
static int show_matching(const char *text)
{
	struct rctl_rule f = { .resource = -1, .action = -1 };
	struct perr e = { 0 };

	frame("malformed rule", text);
	if (rctl_parse_filter(text, &f, &e) < 0)
		return fail(&e);
	frame(frame_of(0), text);
	return for_each_jail(&f, show_rules);
}

/* The operation flag (a, l, r or u; 0 for none) and -h; at most one operation. */
static int take_flags(int argc, char **argv)
{
	int op = 0, c;

	while ((c = getopt(argc, argv, "alruhn")) != -1) {
		switch (c) {
		case 'a':
		case 'l':
		case 'r':
		case 'u':
			if (op && op != c) {
				fprintf(stderr, "rctl: at most one of -a, -l, -r, or -u may be specified\n");
				exit(1);
			}
			op = c;
			break;
		case 'h': opt_h = true; break;
		case 'n': break; /* numeric ids matter for user subjects; jails are shown by name either way */
		default: usage();
		}
	}
	return op;
}

int main(int argc, char **argv)
{
	int op, ret = 0;

	if (ensure_std_fds() < 0) {
		fprintf(stderr, "rctl: cannot open /dev/null\n");
		return 1;
	}
	op = take_flags(argc, argv);
	/* In a jail, as on FreeBSD, where jail root lacks the rctl privileges: every rule and filter is refused. */
	if (nest_inside()) {
		struct perr e = { .err = EPERM };
		snprintf(e.msg, sizeof(e.msg), "%s", strerror(EPERM));
		if (optind >= argc)
			return frame(frame_of(op), ":"), fail(&e);
		for (int i = optind; i < argc; i++) {
			frame(frame_of(op), argv[i]);
			ret |= fail(&e);
		}
		return ret;
	}
	/* A bad runtime context is no rule's fault: said on its own, before any rule is framed. */
	{
		struct perr e = { 0 };
		if (runtime_check(&e) < 0)
			return fail(&e);
	}
	argc -= optind;
	argv += optind;
	if (op && op != 'l' && argc == 0)
		usage();
	if (!op && argc > 1)
		usage();
	if (!op)
		return show_matching(argc ? argv[0] : ":");
	for (int i = 0; i < argc; i++)
		ret |= op == 'a' ? add_rule(argv[i]) : with_filter(op, argv[i]);
	return ret;
}
