/* jail(8) inside a jail: the host makes, changes and removes this jail's descendants (nested.h). */
#include "jailinner.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static bool quiet, print_jid;
static const char *jid_file;

void inner_setup(bool q, bool pj, const char *jf)
{
	quiet = q;
	print_jid = pj;
	jid_file = jf;
}

static void fail(const char *name, const struct perr *e)
{
	if (name)
		fprintf(stderr, "jail: %s: %s\n", name, e->msg);
	else
		fprintf(stderr, "jail: %s\n", e->msg);
}

/* A line of the host's answer; a 'j' line's jid goes to *arg when it is given. */
static void inner_line(char kind, const char *text, void *arg)
{
	long jid;

	if (kind == 'j' && arg && parse_long(text, 1, 999999, &jid))
		*(int *)arg = (int)jid;
	if (kind == 'e')
		fprintf(stderr, "%s\n", text);
	else if ((kind == 'o' && !quiet) || (kind == 'j' && print_jid))
		printf("%s\n", text);
}

/*
 * Send a request; its status, or 1 after the one line that says why it
 * could not be asked.  A jail without a socket may have no children:
 * FreeBSD's "prison limit exceeded" for a creation, no jail to find else.
 */
static int inner_call(enum ctl_nest_verb verb, const struct nest_words *w, const char *name, int *jid)
{
	struct perr e = { 0 };
	int r = nest_call(verb, w->words, w->n, inner_line, jid, &e);

	if (r >= 0)
		return r;
	if (e.err != ENOENT)
		fail(name, &e);
	else if (verb == CTL_NEST_CREATE && name)
		fprintf(stderr, "jail: %s: prison limit exceeded\n", name);
	else if (verb == CTL_NEST_CREATE)
		fprintf(stderr, "jail: prison limit exceeded\n");
	else
		fprintf(stderr, "jail: \"%s\" not found\n", name ? name : "");
	return 1;
}

/* Into w, the words of a request for ps (key first when given); 0 or 1 after saying why. */
static int request_words(const struct paramset *ps, const char *key, struct nest_words *w)
{
	struct perr e = { 0 };

	if (nest_request_words(ps, key, w, &e) == 0)
		return 0;
	fail(key ? key : param_str(ps, P_NAME), &e);
	return 1;
}

/* Run the commands of id here, for the jail being made or removed; 0 or 1 after saying why. */
static int inner_hooks(const struct paramset *ps, int id, int jid)
{
	struct perr e = { 0 };

	if (nest_parent_hooks(ps, id, jid, &e) == 0)
		return 0;
	fail(param_str(ps, P_NAME), &e);
	return 1;
}

/* -J inside: the jid the host gave, with the path, hostname and command this jail asked for. */
static int inner_jid_file(const struct paramset *ps, int jid)
{
	FILE *f = fopen(jid_file, "we");
	const char *cmd = param_str(ps, P_COMMAND), *path = param_str(ps, P_PATH), *host = param_str(ps, P_HOSTNAME);

	if (!f || fprintf(f, "%d\t%s\t%s\t\t%s\n", jid, path ? path : "/", host ? host : "", cmd ? cmd : "") < 0 ||
	    fclose(f) != 0) {
		fprintf(stderr, "jail: %s: %s: %m\n", param_str(ps, P_NAME) ? param_str(ps, P_NAME) : "", jid_file);
		return 1;
	}
	return 0;
}

/*
 * jail -c inside a jail: exec.prepare and exec.prestart here, the jail
 * made and started by the host, then exec.created and exec.poststart
 * here (the host makes and starts a child in one step, so exec.created
 * comes after exec.start).  A failure after the host made it removes it
 * again; exec.release runs whenever exec.prepare did.
 */
int inner_create(const struct paramset *ps, const struct jail_exec *x)
{
	static struct nest_words w;
	const char *name = param_str(ps, P_NAME);
	int jid = 0, r;

	if (x->host_user || x->jail_user || x->login) {
		fprintf(stderr, "jail: %s%s-u, -U and -l are not for jails made inside a jail\n", name ? name : "",
			name ? ": " : "");
		return 1;
	}
	if (request_words(ps, NULL, &w))
		return 1;
	if (inner_hooks(ps, P_EXEC_PREPARE, 0))
		return 1;
	r = inner_hooks(ps, P_EXEC_PRESTART, 0) ? 1 : inner_call(CTL_NEST_CREATE, &w, name, &jid);
	if (r == 0 && (inner_hooks(ps, P_EXEC_CREATED, jid) || inner_hooks(ps, P_EXEC_POSTSTART, jid))) {
		char key[16];
		snprintf(key, sizeof(key), "%d", jid);
		(void)inner_remove_one(NULL, key, false);
		(void)inner_hooks(ps, P_EXEC_POSTSTOP, jid);
		r = 1;
	}
	if (r != 0)
		(void)inner_hooks(ps, P_EXEC_RELEASE, 0);
	else if (jid_file)
		r = inner_jid_file(ps, jid);
	return r;
}

/*
 * jail -r of one descendant: the stop commands of its configuration (if
 * conf is given) here around the host's removal, as FreeBSD runs them in
 * the system environment.
 */
int inner_remove_one(const struct paramset *conf, const char *key, bool hooks)
{
	static struct nest_words w;
	struct perr e = { 0 };
	int r;

	w.n = w.used = 0;
	if (nest_word(&w, hooks ? "-r" : "-R", &e) < 0 || nest_word(&w, key, &e) < 0) {
		fail(key, &e);
		return 1;
	}
	if (hooks && conf && inner_hooks(conf, P_EXEC_PRESTOP, 0))
		return 1;
	r = inner_call(CTL_NEST_REMOVE, &w, key, NULL);
	if (r == 0 && hooks && conf && (inner_hooks(conf, P_EXEC_POSTSTOP, 0) || inner_hooks(conf, P_EXEC_RELEASE, 0)))
		r = 1;
	return r;
}

/*
 * jail -m inside: the jail named by key (or by jid= or name= among the
 * words), and what changes; the parent-side commands are this jail's,
 * read from its jail.conf when they run, and not sent.
 */
int inner_modify(const struct paramset *ps, const char *key)
{
	static struct nest_words w;

	if (request_words(ps, key, &w))
		return 1;
	return inner_call(CTL_NEST_MODIFY, &w, key ? key : param_str(ps, P_NAME), NULL);
}
