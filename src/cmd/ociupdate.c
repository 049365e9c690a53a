/*
 * prison-oci update: a running container's limits changed, from a
 * runtime-spec linux.resources object (-r file, or - for standard input)
 * and runc's flags on top of it.  The object is mapped as create maps it
 * (oci_resources_load), and the result is stored as rctl -a and jail -m
 * store theirs: the rules through jail_modify_rules, cpu.weight,
 * cpuset.cpus and .mems, io.device, memory.low, hugetlb.limit and
 * cgroup.unified through jail_modify, so the kernel's limits change with
 * the jail's record, under its lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../include/prison.h"
#include "ocicmd.h"
#include "ocilog.h"
#include "ocistate.h"

#define UPDATE_MAX_INPUT (1 << 20)

static const struct option update_long[] = {
	{ "resources", required_argument, NULL, 'r' },    { "memory", required_argument, NULL, 'm' },
	{ "memory-swap", required_argument, NULL, 's' },  { "pids-limit", required_argument, NULL, 'p' },
	{ "cpu-shares", required_argument, NULL, 'S' },   { "cpu-quota", required_argument, NULL, 'q' },
	{ "cpu-period", required_argument, NULL, 'P' },   { "cpuset-cpus", required_argument, NULL, 'c' },
	{ "cpuset-mems", required_argument, NULL, 'M' },  { "memory-reservation", required_argument, NULL, 'R' },
	{ "kernel-memory", required_argument, NULL, 'k' }, { "kernel-memory-tcp", required_argument, NULL, 'T' },
	{ "blkio-weight", required_argument, NULL, 'b' }, { NULL, 0, NULL, 0 },
};

/* The text of file, or of standard input for "-". */
static char *read_input(const char *file)
{
	int fd = strcmp(file, "-") == 0 ? 0 : open(file, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	char *buf = fd < 0 ? NULL : malloc(UPDATE_MAX_INPUT + 1);
	size_t len = 0;
	ssize_t n = 1;

	while (buf && len < UPDATE_MAX_INPUT && (n = read(fd, buf + len, UPDATE_MAX_INPUT - len)) > 0)
		len += (size_t)n;
	if (fd > 0)
		close(fd);
	if (!buf || n < 0) {
		ocilog_error("update: -r \"%s\": %s", file, strerror(errno));
		free(buf);
		return NULL;
	}
	buf[len] = '\0';
	return buf;
}

/* A number, with runc's k, m, g or t (powers of 1024) after it for sizes; -1 for no limit. */
static bool parse_amount(const char *text, long long *ret)
{
	static const char units[] = "kmgt";
	char *end;
	long long v;

	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno || end == text || v < -1)
		return false;
	if (*end && v > 0) {
		const char *u = strchr(units, *end | 0x20);
		if (!u || (end[1] && (end[1] | 0x20) != 'b') || (end[1] && end[2]))
			return false;
		for (long i = 0; i <= u - units; i++) {
			if (v > (1LL << 53))
				return false;
			v *= 1024;
		}
	} else if (*end) {
		return false;
	}
	*ret = v;
	return true;
}

/* o[section][key] = value: a number given as text, or the text itself (cpus, mems). */
static int put_flag(struct json_object *o, const char *section, const char *key, const char *value, bool text)
{
	struct json_object *sec = NULL;
	long long v;

	if (!json_object_object_get_ex(o, section, &sec) || !json_object_is_type(sec, json_type_object)) {
		sec = json_object_new_object();
		json_object_object_add(o, section, sec);
	}
	if (text) {
		json_object_object_add(sec, key, json_object_new_string(value));
		return 0;
	}
	if (!parse_amount(value, &v))
		return ocilog_error("update: %s.%s \"%s\": not a number", section, key, value);
	json_object_object_add(sec, key, json_object_new_int64(v));
	return 0;
}

static int apply_flag(struct json_object *o, int c, const char *arg)
{
	switch (c) {
	case 'm': return put_flag(o, "memory", "limit", arg, false);
	case 's': return put_flag(o, "memory", "swap", arg, false);
	case 'R': return put_flag(o, "memory", "reservation", arg, false);
	case 'k': return put_flag(o, "memory", "kernel", arg, false);
	case 'T': return put_flag(o, "memory", "kernelTCP", arg, false);
	case 'p': return put_flag(o, "pids", "limit", arg, false);
	case 'S': return put_flag(o, "cpu", "shares", arg, false);
	case 'q': return put_flag(o, "cpu", "quota", arg, false);
	case 'P': return put_flag(o, "cpu", "period", arg, false);
	case 'c': return put_flag(o, "cpu", "cpus", arg, true);
	case 'M': return put_flag(o, "cpu", "mems", arg, true);
	case 'b': return put_flag(o, "blockIO", "weight", arg, false);
	default: return ocilog_error("usage: prison-oci update [-r file|-] [--memory n] [--pids-limit n] [--cpu-shares n] "
				     "[--cpu-quota n] [--cpu-period n] [--cpuset-cpus list] id");
	}
}

/* The resources object the command line gives: -r's, then each flag over it. */
static struct json_object *parse_update(int argc, char **argv, const char **ret_id)
{
	struct json_object *o = NULL;
	const char *file = NULL;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "r:", update_long, NULL)) != -1)
		if (c == 'r')
			file = optarg;
	if (optind != argc - 1) {
		apply_flag(NULL, '?', NULL);
		return NULL;
	}
	*ret_id = argv[optind];
	if (file) {
		char *text = read_input(file);
		o = text ? json_tokener_parse(text) : NULL;
		free(text);
		if (text && !json_object_is_type(o, json_type_object)) {
			ocilog_error("update: -r \"%s\": not a JSON object", file);
			json_object_put(o);
			return NULL;
		}
	} else {
		o = json_object_new_object();
	}
	optind = 1;
	while (o && (c = getopt_long(argc, argv, "r:", update_long, NULL)) != -1)
		if (c != 'r' && apply_flag(o, c, optarg) != 0) {
			json_object_put(o);
			return NULL;
		}
	return o;
}

/* What update changes: the mapped parameters, and the resources -1 lifts. */
struct update {
	const struct paramset *ps;
	const char *lift; /* rctl resources, comma-separated */
};

/* Without the deny rules of each resource lifted: their limits go as with rctl -r (only limits; log rules stay). */
static int lift_rules(const struct jail_record *rec, const char *lift, struct rctl_rule *rules, size_t *n,
		      struct perr *e)
{
	char list[128], filter[RCTL_NAME_MAX + 192];

	snprintf(list, sizeof(list), "%s", lift);
	for (char *save = NULL, *res = strtok_r(list, ",", &save); res; res = strtok_r(NULL, ",", &save)) {
		struct rctl_rule f;
		size_t k = 0;
		snprintf(filter, sizeof(filter), "jail:%s:%s:deny", rec->name, res);
		if (rctl_parse_filter(filter, &f, e) < 0)
			return -1;
		for (size_t i = 0; i < *n; i++)
			if (!rctl_match(&f, &rules[i]))
				rules[k++] = rules[i];
		*n = k;
	}
	return 0;
}

/* As rctl -a: a rule for the same resource and action replaces the old one; a lifted resource loses its rules. */
static int put_rules(const struct jail_record *rec, struct rctl_rule *rules, size_t *n, size_t max, void *arg,
		     struct perr *e)
{
	const struct update *u = arg;
	struct rctl_rule add[LIMITS_MAX_RULES];
	size_t nadd = 0, before = *n;

	if (u->ps->v[P_RCTL].set && limits_rules(u->ps, rec->name, add, LIMITS_MAX_RULES, &nadd, e) < 0)
		return -1;
	if (lift_rules(rec, u->lift, rules, n, e) < 0)
		return -1;
	for (size_t a = 0; a < nadd; a++) {
		struct rctl_rule same = add[a];
		size_t k = 0;
		same.has_amount = false;
		for (size_t i = 0; i < *n; i++)
			if (!rctl_match(&same, &rules[i]))
				rules[k++] = rules[i];
		if (k == max)
			return perr_setx(e, ENOSPC, "jail \"%s\" has %zu rules already", rec->name, max);
		rules[k++] = add[a];
		*n = k;
	}
	return nadd || *n != before ? 0 : 1;
}

/* The mapped parameters onto the container's jail; every change is in the audit trail. */
static int apply(const char *id, const struct paramset *ps, const char *lift, struct perr *e)
{
	struct paramset rules = { 0 }, rest = { 0 };
	struct update u = { .ps = ps, .lift = lift };
	struct jail_record rec;
	int r = 0;

	if (ps->v[P_RCTL].set || lift[0]) {
		r = jail_modify_rules(id, put_rules, &u, &rules, &rec, e);
		if (r >= 0)
			record_free(&rec);
		audit_event("modify", id, 0, &rules, NULL, r < 0 ? e->msg : NULL);
	}
	/* The jail's own parameters of the cgroup, in the table's order from cpu.weight to cgroup.unified. */
	bool any = false;
	for (int p = P_CPU_WEIGHT; r >= 0 && p <= P_CGROUP_UNIFIED; p++) {
		if (ps->v[p].set && param_copy_one(&rest, ps, p, e) < 0)
			r = -1;
		any |= ps->v[p].set;
	}
	if (r >= 0 && any) {
		r = jail_modify(id, &rest, &rec, e);
		if (r >= 0)
			record_free(&rec);
		audit_event("modify", id, 0, &rest, NULL, r < 0 ? e->msg : NULL);
	}
	param_free(&rules);
	param_free(&rest);
	return r < 0 ? -1 : 0;
}

int oci_cmd_update(int argc, char **argv)
{
	struct paramset ps = { 0 };
	struct perr e = { 0 };
	struct oci_state st;
	const char *id = NULL;
	char lift[128];
	struct json_object *o = parse_update(argc, argv, &id);
	enum oci_status s;
	int r;

	if (!o)
		return 1;
	if (ocistate_read(id, &st, &e) < 0) {
		json_object_put(o);
		return ocilog_error("%s", e.msg);
	}
	s = ocistate_status(&st);
	ocistate_free(&st);
	if (s == OCI_STOPPED) {
		json_object_put(o);
		return ocilog_error("%s: cannot update a container that is stopped", id);
	}
	r = oci_resources_load(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), &ps, lift, sizeof(lift), &e);
	json_object_put(o);
	if (r < 0 || apply(id, &ps, lift, &e) < 0)
		r = ocilog_error("%s: %s", id, e.msg);
	else
		ocilog_debug("updated %s", id);
	param_free(&ps);
	return r < 0 ? 1 : r;
}
