/*
 * The verbs of a jail's socket (ctlmsg.h), each acting through the same
 * library calls jail(8), jls and jexec make on the host, on names made
 * relative to the requesting jail: "php" from jail web is web.php, and a
 * name or jid that is not one of web's descendants is not found.
 */
#include "nestserve.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "audit.h"
#include "ctlmsg.h"
#include "jail.h"
#include "nestpath.h"
#include "nestpeer.h"
#include "thin.h"
#include "util.h"

/* One answer packet: a kind letter, then text (nestcli.c reads them). */
static void say(int conn, char kind, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void say(int conn, char kind, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;
	int n;

	buf[0] = kind;
	va_start(ap, fmt);
	n = vsnprintf(buf + 1, sizeof(buf) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	(void)send_packet(conn, buf, strlen(buf), -1);
}

/* A FreeBSD-style error line, with the requester's descendants named as it names them. */
static void say_error(int conn, const struct jail_record *me, const char *prog, const char *name, const char *msg)
{
	char out[2048];

	nest_rewrite(me->name, msg, out, sizeof(out));
	if (name)
		say(conn, 'e', "%s: %s: %s", prog, name, out);
	else
		say(conn, 'e', "%s: %s", prog, out);
}

static const char *relative(const struct jail_record *me, const char *full)
{
	return nest_relative(me->name, full);
}

static bool descends(const struct jail_record *me, const struct jail_record *rec)
{
	return relative(me, rec->name) != rec->name;
}

/*
 * The descendant of me that key names: a name relative to me, or a jid.
 * Anything else, me itself and its ancestors among it, is not found.
 */
static int find_descendant(const struct jail_record *me, const char *key, struct jail_record *ret, struct perr *e)
{
	char full[512];
	long jid;

	memset(ret, 0, sizeof(*ret));
	if (parse_long(key, 1, 999999, &jid)) {
		if (jail_find(key, ret, e) == 0 && descends(me, ret))
			return 0;
		/* Nothing of a jail that is not the requester's stays behind, not even its name. */
		record_free(ret);
		memset(ret, 0, sizeof(*ret));
	} else if (key[0] && key[0] != '.' && !strchr(key, '/') &&
		   (size_t)snprintf(full, sizeof(full), "%s.%s", me->name, key) < sizeof(full) &&
		   jail_find(full, ret, e) == 0) {
		return 0;
	}
	return perr_setx(e, ENOENT, "jail \"%s\" not found", key);
}

/* Every parameter set is one a jail may set on its descendants (PF_INNER, param.c). */
static int check_inner(const struct paramset *ps, struct perr *e)
{
	for (int id = 0; id < P__COUNT; id++)
		if (ps->v[id].set && !(param_table[id].flags & PF_INNER))
			return perr_setx(e, EPERM, "%s: cannot be set from inside a jail", param_table[id].name);
	return 0;
}

/* The list parameter a word sets once more ("exec.start=..." after another): its id, else -1. */
static int list_again(const struct paramset *ps, const char *word)
{
	char name[128];
	const char *eq = strchr(word, '=');
	int id;

	if (!eq || (size_t)(eq - word) >= sizeof(name))
		return -1;
	snprintf(name, sizeof(name), "%.*s", (int)(eq - word), word);
	id = param_lookup(name);
	return id >= 0 && param_table[id].type == PT_LIST && ps->v[id].set ? id : -1;
}

static int append_entry(struct paramset *ps, int id, const char *entry, struct perr *e)
{
	size_t n = 0;
	char **old = ps->v[id].argv;
	_cleanup_free_ char **all = NULL;

	while (old && old[n])
		n++;
	if (n >= CTL_NEST_WORDS)
		return perr_setx(e, E2BIG, "%s: too many commands", param_table[id].name);
	all = calloc(n + 2, sizeof(*all));
	if (!all)
		return perr_set(e, ENOMEM, "%s", param_table[id].name);
	if (n > 0)
		memcpy(all, old, n * sizeof(*all));
	all[n] = (char *)entry;
	return param_set_argv(ps, id, all, (int)n + 1, e);
}

/*
 * The words as the command line's, except that a list parameter given
 * again takes one more entry (nest_param_words: jail.conf's lists).
 */
static int parse_words(struct paramset *ps, char **w, int n, bool check, struct perr *e)
{
	for (int i = 0; i < n; i++) {
		int used = 0, id = list_again(ps, w[i]);
		if (id >= 0 ? append_entry(ps, id, strchr(w[i], '=') + 1, e) < 0
			    : param_parse_word(ps, w[i], w + i + 1, n - i - 1, &used, e) < 0)
			return -1;
		i += used;
	}
	return check ? check_inner(ps, e) : 0;
}

/* The child's root fd found: its host path recorded, and read-only as its parent's is. */
static int child_path(const struct jail_record *me, struct paramset *ps, const char *host, int fd, struct perr *e)
{
	if (param_set(ps, P_PATH, host, e) < 0 ||
	    (param_bool(&me->params, P_PATH_READONLY) && param_set(ps, P_PATH_READONLY, "true", e) < 0)) {
		close(fd);
		return -1;
	}
	return fd;
}

/*
 * The child's root, resolved beneath the parent's as the host opened it:
 * no link followed, no mount crossed (a mount there is the host's, not
 * the parent's to give), so the child's files are the parent's own.  path
 * becomes the host's name for it.
 */
static int child_root(const struct jail_record *me, const struct nest_self *self, struct paramset *ps, struct perr *e)
{
	struct open_how how = { .flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV };
	const char *given = param_str(ps, P_PATH) ? param_str(ps, P_PATH) : "/";
	const char *ppath = param_str(&me->params, P_PATH);
	char rel[PATH_MAX], host[PATH_MAX];
	int fd;

	if (nest_path_canonical(given, rel, sizeof(rel), e) < 0)
		return -1;
	/*
	 * A jail with path=/ sees the host's files with its own host uids: a
	 * child with a root of its own would be idmapped and own what its
	 * parent only sees.
	 */
	if (strcmp(ppath, "/") == 0 && strcmp(rel, "/") != 0)
		return perr_setx(e, EPERM, "path \"%s\": a jail whose path is / can only make children with path=/", given);
	/* A thin jail's root is an overlay, which Linux cannot idmap: the child gets the layer's directory beneath. */
	if (thin_jail(&me->params)) {
		fd = thin_own_dir(&me->params, rel, host, sizeof(host), e);
		if (fd < 0)
			return perr_prefix(e, "path \"%s\"", given);
		return child_path(me, ps, host, fd, e);
	}
	fd = (int)syscall(SYS_openat2, self->rootfd, rel[1] ? rel + 1 : ".", &how, sizeof(how));
	if (fd < 0) {
		if (errno == ELOOP)
			return perr_setx(e, ELOOP, "path \"%s\": contains a symbolic link", given);
		if (errno == EXDEV)
			return perr_setx(e, EXDEV, "path \"%s\": crosses a mount point", given);
		return perr_set(e, errno, "path \"%s\"", given);
	}
	snprintf(host, sizeof(host), "%s%s", strcmp(ppath, "/") == 0 ? "" : ppath, strcmp(rel, "/") == 0 ? "" : rel);
	return child_path(me, ps, host[0] ? host : "/", fd, e);
}

static int do_create(int conn, const struct jail_record *me, const struct nest_self *self, char **w, int n)
{
	struct paramset ps _cleanup_params_ = { 0 };
	struct jail_record rec;
	struct jail_exec x = { 0 };
	struct perr e = { 0 }, again = { 0 };
	char full[512], rel[256] = "";
	_cleanup_close_ int root = -1;

	if (parse_words(&ps, w, n, true, &e) < 0) {
		if (param_str(&ps, P_NAME))
			snprintf(rel, sizeof(rel), "%s", param_str(&ps, P_NAME));
		goto fail;
	}
	if (!param_str(&ps, P_NAME)) {
		perr_setx(&e, EINVAL, "a jail made inside a jail needs name=");
		goto fail;
	}
	snprintf(rel, sizeof(rel), "%s", param_str(&ps, P_NAME));
	if ((size_t)snprintf(full, sizeof(full), "%s.%s", me->name, rel) >= sizeof(full) ||
	    param_set(&ps, P_NAME, full, &e) < 0)
		goto fail;
	root = child_root(me, self, &ps, &e);
	if (root < 0 || jail_start_at(&ps, &x, root, &rec, &e) < 0)
		goto fail;
	audit_event("create", rec.name, rec.jid, &ps, NULL, NULL);
	say(conn, 'j', "%d", rec.jid);
	say(conn, 'o', "%s: created", rel);
	record_free(&rec);
	return 0;
fail:
	audit_event("create", param_str(&ps, P_NAME), 0, &ps, NULL, e.msg);
	if (e.err == EEXIST && rel[0] && find_descendant(me, rel, &rec, &again) == 0) {
		record_free(&rec);
		say(conn, 'e', "jail: \"%s\" already exists", rel);
	} else
		say_error(conn, me, "jail", rel[0] ? rel : NULL, e.msg);
	return 1;
}

/* [jail] param=value ...: the jail named first, or by name= or jid=; never renamed from inside. */
static int do_modify(int conn, const struct jail_record *me, char **w, int n)
{
	struct paramset ps _cleanup_params_ = { 0 };
	struct jail_record rec = { 0 }, now = { 0 };
	struct perr e = { 0 };
	const char *key = NULL;

	if (n > 0 && !strchr(w[0], '=')) {
		key = w[0];
		w++;
		n--;
	}
	/* jid= and name= say which jail; the rest must be the jail's to set. */
	if (parse_words(&ps, w, n, false, &e) < 0)
		goto fail;
	if (key && param_str(&ps, P_NAME)) {
		perr_setx(&e, EPERM, "name: a jail is not renamed from inside a jail");
		goto fail;
	}
	if (!key)
		key = param_str(&ps, P_JID) ? param_str(&ps, P_JID) : param_str(&ps, P_NAME);
	if (!key) {
		perr_setx(&e, EINVAL, "-m needs jid= or name= to say which jail");
		goto fail;
	}
	if (param_str(&ps, P_JID) && param_str(&ps, P_NAME)) {
		perr_setx(&e, EPERM, "name: a jail is not renamed from inside a jail");
		goto fail;
	}
	if (find_descendant(me, key, &now, &e) < 0)
		goto fail;
	param_unset(&ps, P_NAME);
	param_unset(&ps, P_JID);
	if (check_inner(&ps, &e) < 0 || jail_modify(now.name, &ps, &rec, &e) < 0)
		goto fail;
	audit_event("modify", rec.name, rec.jid, &ps, NULL, NULL);
	say(conn, 'o', "%s: updated", relative(me, rec.name));
	record_free(&rec);
	record_free(&now);
	return 0;
fail:
	audit_event("modify", now.name[0] ? now.name : key, now.jid, &ps, NULL, e.msg);
	if (e.err == ENOENT && key && !now.name[0])
		say(conn, 'e', "jail: \"%s\" not found", key);
	else
		say_error(conn, me, "jail", key, e.msg);
	record_free(&now);
	return 1;
}

static int remove_one(int conn, const struct jail_record *me, const char *key, bool hooks)
{
	struct jail_record target, rec;
	struct perr e = { 0 };
	int r;

	if (find_descendant(me, key, &target, &e) < 0) {
		say(conn, 'e', "jail: \"%s\" not found", key);
		return 1;
	}
	r = jail_remove(target.name, hooks, &rec, &e);
	if (r < 0) {
		audit_event("remove", target.name, target.jid, NULL, NULL, e.msg);
		say_error(conn, me, "jail", key, e.msg);
		record_free(&target);
		return 1;
	}
	audit_event("remove", rec.name, rec.jid, NULL, NULL, r > 0 ? e.msg : NULL);
	say(conn, 'o', "%s: removed", relative(me, rec.name));
	if (r > 0)
		say_error(conn, me, "jail", relative(me, rec.name), e.msg);
	record_free(&rec);
	record_free(&target);
	return r > 0;
}

/* -r|-R jail ...: '*' is every descendant, highest jid first (a child went with its parent). */
static int do_remove(int conn, const struct jail_record *me, char **w, int n)
{
	struct jail_record *list = NULL;
	size_t nlist = 0;
	struct perr e = { 0 };
	bool hooks;
	int ret = 0;

	if (n < 2 || (strcmp(w[0], "-r") != 0 && strcmp(w[0], "-R") != 0)) {
		say(conn, 'e', "jail: a malformed request");
		return 1;
	}
	hooks = strcmp(w[0], "-r") == 0;
	if (!(n == 2 && strcmp(w[1], "*") == 0)) {
		for (int i = 1; i < n; i++)
			ret |= remove_one(conn, me, w[i], hooks);
		return ret;
	}
	if (jail_list(&list, &nlist, &e) < 0) {
		say_error(conn, me, "jail", NULL, e.msg);
		return 1;
	}
	for (size_t i = nlist; i-- > 0;) {
		struct jail_record still;
		char key[16];
		if (!descends(me, &list[i]))
			continue;
		/* By jid, checked again: one that went with its parent is skipped. */
		snprintf(key, sizeof(key), "%d", list[i].jid);
		if (find_descendant(me, key, &still, &e) < 0 || strcmp(still.name, list[i].name) != 0) {
			if (still.name[0])
				record_free(&still);
			continue;
		}
		record_free(&still);
		ret |= remove_one(conn, me, key, hooks);
	}
	registry_free_list(list, nlist);
	return ret;
}

/* A record as the requester sees it: its name and path relative to it, its own children's parent 0. */
static int send_record(int conn, const struct jail_record *me, const struct jail_record *rec)
{
	_cleanup_record_ struct jail_record r = *rec;
	const char *ppath = param_str(&me->params, P_PATH), *path = param_str(&rec->params, P_PATH);
	struct perr e = { 0 };
	char layer[1024], *text;
	size_t pl;
	int ret;

	/* A thin jail's children stand in its layer (thin_own_dir). */
	if (thin_jail(&me->params) && thin_layer_path(&me->params, layer, sizeof(layer), &e) == 0)
		ppath = layer;
	pl = strlen(ppath);
	memset(&r.params, 0, sizeof(r.params));
	if (param_copy(&r.params, &rec->params) < 0)
		return -1;
	snprintf(r.name, sizeof(r.name), "%s", relative(me, rec->name));
	if (param_set(&r.params, P_NAME, r.name, &e) < 0)
		return -1;
	if (param_int(&rec->params, P_PARENT) == me->jid && param_set(&r.params, P_PARENT, "0", &e) < 0)
		return -1;
	if (path && strcmp(ppath, "/") != 0 && strncmp(path, ppath, pl) == 0 && (path[pl] == '/' || !path[pl]) &&
	    param_set(&r.params, P_PATH, path[pl] ? path + pl : "/", &e) < 0)
		return -1;
	/*
	 * What names the host's side of it (mounts, host commands and files,
	 * interfaces, NAT, namespaces joined, its host IDs and jailinit) is not
	 * the jail's to see.
	 */
	static const int host_side[] = {
		P_EXEC_PREPARE, P_EXEC_PRESTART, P_EXEC_CREATED, P_EXEC_POSTSTART, P_EXEC_PRESTOP, P_EXEC_POSTSTOP,
		P_EXEC_RELEASE, P_EXEC_CONSOLELOG, P_EXEC_SYSTEM_USER, P_MOUNT, P_MOUNT_FSTAB, P_INTERFACE,
		P_VNET_INTERFACE, P_VNET_BRIDGE, P_IP4_NAT, P_IP6_NAT, P_EXPOSE, P_BASE, P_OCI_BUNDLE, P_NS_NET,
		P_NS_IPC, P_NS_UTS, P_IDMAP_BASE,
	};
	for (size_t i = 0; i < ARRAY_SIZE(host_side); i++)
		param_unset(&r.params, host_side[i]);
	r.init_pid = 0;
	r.creator_pid = 0;
	r.uid_base = 0;
	text = registry_record_text(&r);
	if (!text)
		return -1;
	/* The kind letter in front: the text is copied after it. */
	size_t tl = strlen(text);
	char *pkt = malloc(tl + 2);
	if (!pkt) {
		free(text);
		return -1;
	}
	pkt[0] = 'r';
	memcpy(pkt + 1, text, tl + 1);
	ret = send_packet(conn, pkt, tl + 1, -1);
	free(pkt);
	free(text);
	return ret;
}

static int do_list(int conn, const struct jail_record *me)
{
	struct jail_record *list = NULL;
	size_t n = 0;
	struct perr e = { 0 };

	if (jail_list(&list, &n, &e) < 0) {
		say_error(conn, me, "jls", NULL, e.msg);
		return 1;
	}
	for (size_t i = 0; i < n; i++)
		if (descends(me, &list[i]) && send_record(conn, me, &list[i]) < 0) {
			registry_free_list(list, n);
			say(conn, 'e', "jls: a record too large to send");
			return 1;
		}
	registry_free_list(list, n);
	return 0;
}

/*
 * -l, -dDIR, -UUSER, -eNAME=VALUE (the requester's environment, which the
 * command gets as jexec's would on the host), then "--", the jail and the
 * command (none: the user's shell).
 */
static int do_exec(int conn, const struct jail_record *me, char **w, int n)
{
	struct jail_exec x = { 0 };
	struct jail_record rec;
	struct perr e = { 0 };
	const char *user = NULL, *dir = NULL;
	char *envp[CTL_NEST_WORDS + 1];
	size_t nenv = 0;
	bool login = false;
	int i, status = 0;

	for (i = 0; i < n && strcmp(w[i], "--") != 0; i++) {
		if (strncmp(w[i], "-e", 2) == 0 && strchr(w[i] + 2, '=') && w[i][2] != '=')
			envp[nenv++] = w[i] + 2;
		else if (strcmp(w[i], "-l") == 0)
			login = true;
		else if (strncmp(w[i], "-d", 2) == 0 && w[i][2])
			dir = w[i] + 2;
		else if (strncmp(w[i], "-U", 2) == 0 && w[i][2])
			user = w[i] + 2;
		else
			break;
	}
	if (i + 1 >= n || strcmp(w[i], "--") != 0) {
		say(conn, 'e', "jexec: a malformed request");
		return 1;
	}
	i++;
	if (find_descendant(me, w[i], &rec, &e) < 0) {
		say(conn, 'e', "jexec: jail \"%s\" not found", w[i]);
		return 1;
	}
	if (!user)
		jail_exec_defaults(&x, &rec.params);
	else
		x.jail_user = user;
	/* A user of the host's passwd (exec.system_jail_user) is never looked up for a request from inside. */
	x.host_user = NULL;
	envp[nenv] = NULL;
	x.envp = envp;
	x.login = login;
	x.workdir = dir;
	x.argv = i + 1 < n ? w + i + 1 : NULL;
	if (jail_exec(&rec, &x, &status, &e) < 0) {
		audit_event("jexec", rec.name, rec.jid, NULL, x.argv, e.msg);
		say_error(conn, me, "jexec", relative(me, rec.name), e.msg);
		record_free(&rec);
		return status ? status : 1;
	}
	audit_event("jexec", rec.name, rec.jid, NULL, x.argv, NULL);
	record_free(&rec);
	return status;
}

/*
 * Nothing of the environment jail -c had on the host reaches a command run
 * for the jail (exec.start, exec.stop, command=): a PATH, and the runtime
 * context's settings, which host commands pass on to jails too.
 */
static void clean_environment(void)
{
	static const char *const keep[] = { "PRISON_RUNDIR", "PRISON_CGROUP", "PRISON_LOGDIR", "PRISON_STATEDIR",
					     "PRISON_RCTL_CONF" };
	char *saved[ARRAY_SIZE(keep)];

	for (size_t i = 0; i < ARRAY_SIZE(keep); i++) {
		const char *v = getenv(keep[i]);
		saved[i] = v ? strdup(v) : NULL;
	}
	clearenv();
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	for (size_t i = 0; i < ARRAY_SIZE(keep); i++)
		if (saved[i]) {
			setenv(keep[i], saved[i], 1);
			free(saved[i]);
		}
}

int nest_serve(int conn, const struct nest_self *self)
{
	static char buf[CTL_NEST_MAX + 1];
	static struct ctl_nest req;
	char *w[CTL_NEST_WORDS + 1];
	struct jail_record me;
	struct perr e = { 0 };
	int fds[3], status = 1;
	ssize_t n = nest_recv_request(conn, buf, sizeof(buf) - 1, fds, &e);

	if (n < 0 || ctl_nest_decode(buf, (size_t)n, &req) == CTL_NEST_BAD) {
		say(conn, 'e', "jail: %s", n < 0 ? e.msg : "a malformed request");
		say(conn, 'x', "1");
		return 1;
	}
	/* Anyone in the jail may list its jails (as jls does on FreeBSD); only its root may do more. */
	if (nest_peer_jail(conn, self, req.verb != CTL_NEST_LIST, &me, &e) < 0 || nest_take_stdio(fds, &e) < 0) {
		for (int i = 0; i < 3; i++)
			if (fds[i] >= 0)
				close(fds[i]);
		say(conn, 'e', "%s: %s", req.verb == CTL_NEST_EXEC ? "jexec" : req.verb == CTL_NEST_LIST ? "jls" : "jail",
		    e.msg);
		say(conn, 'x', "1");
		return 1;
	}
	clean_environment();
	for (size_t i = 0; i < req.nwords; i++)
		w[i] = (char *)req.words[i];
	w[req.nwords] = NULL;
	switch (req.verb) {
	case CTL_NEST_CREATE: status = do_create(conn, &me, self, w, (int)req.nwords); break;
	case CTL_NEST_MODIFY: status = do_modify(conn, &me, w, (int)req.nwords); break;
	case CTL_NEST_REMOVE: status = do_remove(conn, &me, w, (int)req.nwords); break;
	case CTL_NEST_LIST: status = do_list(conn, &me); break;
	case CTL_NEST_EXEC: status = do_exec(conn, &me, w, (int)req.nwords); break;
	default: break;
	}
	record_free(&me);
	say(conn, 'x', "%d", status);
	return status;
}
