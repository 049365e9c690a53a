/*
 * process.scheduler and process.ioPriority: the CPU scheduling policy,
 * nice value and I/O priority of the container's process, set on the
 * process that spawns it, which it inherits through clone and execve.
 *
 * A jail's processes never outrank the host's: the real-time policies
 * (SCHED_FIFO, SCHED_RR, SCHED_DEADLINE) and the real-time I/O class
 * would let them take a CPU or a disk from everything else on the host,
 * past the share of the jail's cgroup, so they are refused by name.
 */
#include <errno.h>
#include <json-c/json.h>
#include <linux/ioprio.h>
#include <linux/sched.h>
#include <linux/sched/types.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ociconfig.h"
#include "util.h"

static const struct {
	const char *name;
	int policy; /* -1: refused */
	const char *why;
} sched_policies[] = {
	{ "SCHED_OTHER", SCHED_NORMAL, NULL },
	{ "SCHED_BATCH", SCHED_BATCH, NULL },
	{ "SCHED_IDLE", SCHED_IDLE, NULL },
	{ "SCHED_FIFO", -1, "a jail gets no real-time scheduling" },
	{ "SCHED_RR", -1, "a jail gets no real-time scheduling" },
	{ "SCHED_DEADLINE", -1, "a jail gets no real-time scheduling" },
	{ "SCHED_ISO", -1, "Linux has no such policy" },
};

static int map_scheduler(struct json_object *s, struct oci_config *c, struct perr *e)
{
	const char *name = json_object_get_string(oci_get(s, "policy"));
	struct json_object *v;
	size_t i;

	if (!json_object_is_type(s, json_type_object))
		return perr_setx(e, EINVAL, "process.scheduler: not an object");
	if (!name)
		return perr_setx(e, EINVAL, "process.scheduler.policy: missing");
	for (i = 0; i < ARRAY_SIZE(sched_policies) && strcmp(name, sched_policies[i].name) != 0; i++)
		;
	if (i == ARRAY_SIZE(sched_policies))
		return perr_setx(e, EINVAL, "process.scheduler.policy: \"%s\": no such policy", name);
	if (sched_policies[i].policy < 0)
		return perr_setx(e, EPERM, "process.scheduler.policy: \"%s\": refused (%s)", name, sched_policies[i].why);
	c->sched_policy = sched_policies[i].policy;
	if ((v = oci_get(s, "nice"))) {
		c->sched_nice = json_object_get_int(v);
		if (c->sched_nice < -20 || c->sched_nice > 19)
			return perr_setx(e, EINVAL, "process.scheduler.nice: %d is not from -20 to 19", c->sched_nice);
	}
	if ((v = oci_get(s, "priority")) && json_object_get_int(v) != 0)
		return perr_setx(e, EINVAL, "process.scheduler.priority: %d: only 0 with %s", json_object_get_int(v), name);
	/* Set on the spawning process, a flag such as SCHED_FLAG_RESET_ON_FORK would act on the wrong fork. */
	if ((v = oci_get(s, "flags")) && json_object_array_length(v) > 0)
		return perr_setx(e, EINVAL, "process.scheduler.flags: not supported yet");
	c->sched_set = true;
	return 0;
}

static int map_io_priority(struct json_object *io, struct oci_config *c, struct perr *e)
{
	const char *name = json_object_get_string(oci_get(io, "class"));
	int class, prio = json_object_get_int(oci_get(io, "priority"));

	if (!json_object_is_type(io, json_type_object))
		return perr_setx(e, EINVAL, "process.ioPriority: not an object");
	if (!name)
		return perr_setx(e, EINVAL, "process.ioPriority.class: missing");
	if (strcmp(name, "IOPRIO_CLASS_RT") == 0)
		return perr_setx(e, EPERM, "process.ioPriority.class: \"%s\": refused (a jail gets no real-time I/O)", name);
	if (strcmp(name, "IOPRIO_CLASS_BE") == 0)
		class = IOPRIO_CLASS_BE;
	else if (strcmp(name, "IOPRIO_CLASS_IDLE") == 0)
		class = IOPRIO_CLASS_IDLE;
	else
		return perr_setx(e, EINVAL, "process.ioPriority.class: \"%s\": no such class", name);
	if (prio < 0 || prio > 7)
		return perr_setx(e, EINVAL, "process.ioPriority.priority: %d is not from 0 to 7", prio);
	c->ioprio = IOPRIO_PRIO_VALUE(class, prio);
	c->ioprio_set = true;
	return 0;
}

int oci_map_sched(struct json_object *process, struct oci_config *c, struct perr *e)
{
	struct json_object *v;

	if ((v = oci_get(process, "scheduler")) && map_scheduler(v, c, e) < 0)
		return -1;
	if ((v = oci_get(process, "ioPriority")) && map_io_priority(v, c, e) < 0)
		return -1;
	return 0;
}

int oci_sched_apply(const struct oci_config *c, struct perr *e)
{
	if (c->sched_set) {
		struct sched_attr attr = {
			.size = sizeof(attr), .sched_policy = (unsigned)c->sched_policy, .sched_nice = c->sched_nice,
		};
		if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0)
			return perr_set(e, errno, "process.scheduler: sched_setattr");
	}
	if (c->ioprio_set && syscall(SYS_ioprio_set, IOPRIO_WHO_PROCESS, 0, c->ioprio) < 0)
		return perr_set(e, errno, "process.ioPriority: ioprio_set");
	return 0;
}
