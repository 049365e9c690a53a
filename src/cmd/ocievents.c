/*
 * prison-oci events: the container's statistics in runc's JSON, once
 * (--stats) or every --interval until the container stops, with an "oom"
 * event whenever its memory cgroup counts one more.  The counters are the
 * jail's (jailstats.h), the same cgroups rctl -u reads.
 */
#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "../include/prison.h"
#include "ocicmd.h"
#include "ocilog.h"
#include "ocistate.h"

/* How often the OOM counters are looked at between two statistics. */
#define EVENTS_TICK_MS 200

static void add_u64(struct json_object *o, const char *key, uint64_t v)
{
	json_object_object_add(o, key, json_object_new_uint64(v));
}

/* A memory entry as runc gives it: usage, and limit (the largest number for none). */
static struct json_object *memory_entry(uint64_t usage, uint64_t limit)
{
	struct json_object *o = json_object_new_object();

	add_u64(o, "limit", limit);
	if (usage != JAIL_STATS_NONE)
		add_u64(o, "usage", usage);
	add_u64(o, "failcnt", 0);
	return o;
}

/* Block I/O summed over every device: prison's counters are kept per jail, not per device. */
static struct json_object *blkio_list(uint64_t rd, uint64_t wr)
{
	struct json_object *a = json_object_new_array();
	const char *ops[] = { "Read", "Write", "Total" };
	uint64_t v[] = { rd, wr, rd + wr };

	for (size_t i = 0; i < ARRAY_SIZE(ops); i++) {
		struct json_object *x = json_object_new_object();
		add_u64(x, "major", 0);
		add_u64(x, "minor", 0);
		json_object_object_add(x, "op", json_object_new_string(ops[i]));
		add_u64(x, "value", v[i]);
		json_object_array_add(a, x);
	}
	return a;
}

static struct json_object *stats_data(const struct jail_stats *s)
{
	struct json_object *d = json_object_new_object(), *cpu = json_object_new_object(),
			   *usage = json_object_new_object(), *mem = json_object_new_object(),
			   *pids = json_object_new_object(), *blkio = json_object_new_object();

	add_u64(usage, "total", s->cpu_ns == JAIL_STATS_NONE ? 0 : s->cpu_ns);
	json_object_object_add(cpu, "usage", usage);
	json_object_object_add(d, "cpu", cpu);
	if (s->memory != JAIL_STATS_NONE)
		json_object_object_add(mem, "usage", memory_entry(s->memory, s->memory_limit));
	if (s->swap != JAIL_STATS_NONE)
		json_object_object_add(mem, "swap", memory_entry(s->swap, s->swap_limit));
	json_object_object_add(d, "memory", mem);
	if (s->tasks != JAIL_STATS_NONE)
		add_u64(pids, "current", s->tasks);
	if (s->tasks_limit != JAIL_STATS_NONE)
		add_u64(pids, "limit", s->tasks_limit);
	json_object_object_add(d, "pids", pids);
	if (s->rbytes != JAIL_STATS_NONE && s->wbytes != JAIL_STATS_NONE)
		json_object_object_add(blkio, "ioServiceBytesRecursive", blkio_list(s->rbytes, s->wbytes));
	if (s->rios != JAIL_STATS_NONE && s->wios != JAIL_STATS_NONE)
		json_object_object_add(blkio, "ioServicedRecursive", blkio_list(s->rios, s->wios));
	json_object_object_add(d, "blkio", blkio);
	return d;
}

/* One event, one line: {"type": type, "id": id, "data": data}; data is taken. */
static void print_event(const char *type, const char *id, struct json_object *data)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string(type));
	json_object_object_add(o, "id", json_object_new_string(id));
	if (data)
		json_object_object_add(o, "data", data);
	printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
	fflush(stdout);
	json_object_put(o);
}

/* A Go duration as runc takes it: 5s, 500ms, 1m, 1h; at least one tick. */
static long parse_interval(const char *text)
{
	static const struct {
		const char *unit;
		long ms;
	} units[] = { { "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 } };
	char *end;
	double v = strtod(text, &end);

	for (size_t i = 0; end != text && v > 0 && i < ARRAY_SIZE(units); i++)
		if (strcmp(end, units[i].unit) == 0 && v * (double)units[i].ms < 86400000.0)
			return v * (double)units[i].ms < EVENTS_TICK_MS ? EVENTS_TICK_MS : (long)(v * (double)units[i].ms);
	return -1;
}

static bool running(const char *id)
{
	struct oci_state st;
	struct perr e = { 0 };
	enum oci_status s;

	if (ocistate_read(id, &st, &e) < 0)
		return false;
	s = ocistate_status(&st);
	ocistate_free(&st);
	return s != OCI_STOPPED;
}

/* Statistics every interval_ms, OOM events as the counters show them, until the container stops. */
static int stream(const struct jail_record *rec, bool once, long interval_ms)
{
	uint64_t ooms = JAIL_STATS_NONE;
	long waited = interval_ms;
	struct jail_stats s;
	struct perr e = { 0 };

	for (;;) {
		if (jail_stats(rec, &s, &e) < 0)
			return ocilog_error("%s: %s", rec->name, e.msg);
		uint64_t now = s.oom != JAIL_STATS_NONE ? s.oom : s.oom_kill;
		if (!once && ooms != JAIL_STATS_NONE && now != JAIL_STATS_NONE && now > ooms)
			print_event("oom", rec->name, NULL);
		ooms = now;
		if (once || waited >= interval_ms) {
			print_event("stats", rec->name, stats_data(&s));
			waited = 0;
		}
		if (once || !running(rec->name))
			return 0;
		usleep(EVENTS_TICK_MS * 1000);
		waited += EVENTS_TICK_MS;
	}
}

int oci_cmd_events(int argc, char **argv)
{
	static const struct option opts[] = { { "stats", no_argument, NULL, 's' },
					      { "interval", required_argument, NULL, 'i' },
					      { NULL, 0, NULL, 0 } };
	struct jail_record rec = { 0 };
	struct oci_state st;
	struct perr e = { 0 };
	long interval = 5000;
	bool once = false, stopped;
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 's')
			once = true;
		else if (c == 'i' && (interval = parse_interval(optarg)) < 0)
			return ocilog_error("events: --interval \"%s\": not a duration (5s, 500ms, 1m)", optarg);
		else if (c != 'i')
			return ocilog_error("usage: prison-oci events [--stats] [--interval duration] id");
	}
	if (optind != argc - 1)
		return ocilog_error("usage: prison-oci events [--stats] [--interval duration] id");
	if (ocistate_read(argv[optind], &st, &e) < 0)
		return ocilog_error("%s", e.msg);
	stopped = ocistate_status(&st) == OCI_STOPPED;
	ocistate_free(&st);
	if (stopped)
		return ocilog_error("%s: container not running", argv[optind]);
	if (jail_find(argv[optind], &rec, &e) < 0)
		return ocilog_error("%s: %s", argv[optind], e.msg);
	r = stream(&rec, once, interval);
	record_free(&rec);
	return r;
}
