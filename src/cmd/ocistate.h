/*
 * prison-oci's own state of each container, beside the jail's record:
 * ROOT/ID/state.json (pid and start time of the container's process, the
 * bundle, whether it was started, the annotations) and ROOT/ID/gate, the
 * FIFO on which the created process waits for "start".
 */
#ifndef PRISON_OCISTATE_H
#define PRISON_OCISTATE_H

#include <stdbool.h>
#include <sys/types.h>

#include "../include/prison.h"

/* The runtime specification's version that states and lists give. */
#define OCI_SPEC_VERSION "1.2.0"

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_STOPPED, OCI_PAUSED };

struct oci_state {
	char id[256];
	char bundle[4096];
	pid_t pid;
	unsigned long long start; /* the process's start time, so a reused pid is never taken for it */
	bool started;
	long long created;        /* when, in seconds since the epoch */
	char *annotations;        /* JSON text */
};

/* The directory of every container's state: --root, else PRISON_RUNDIR-oci (/run/prison-oci). */
void ocistate_set_root(const char *root);
const char *ocistate_root(void);
/* A container id as a jail name of the host: letters, digits, '_', '-', '+'; at most 200. */
int ocistate_check_id(const char *id, struct perr *e);
/* Make ROOT/ID (EEXIST when it is there) and the gate in it; *ret_gate is it opened for reading and writing. */
int ocistate_make(const char *id, int *ret_gate, struct perr *e);
int ocistate_write(const struct oci_state *s, struct perr *e);
/* ENOENT with "container "ID" does not exist" when there is none. */
int ocistate_read(const char *id, struct oci_state *ret, struct perr *e);
void ocistate_free(struct oci_state *s);
void ocistate_remove(const char *id);
/* Where the container is now, from its process, and paused when its jail is frozen (jfreeze.h). */
enum oci_status ocistate_status(const struct oci_state *s);
const char *ocistate_status_name(enum oci_status st);
/* When the container was created, in RFC 3339 UTC as state gives it. */
void ocistate_created_text(const struct oci_state *s, char *buf, size_t len);
/* A pidfd for the container's process, -1 (ESRCH) when it has ended. */
int ocistate_open_process(const struct oci_state *s);
/* The start time of process pid (field 22 of /proc/PID/stat), 0 when there is none. */
unsigned long long ocistate_start_time(pid_t pid);
/* Open the gate for writing: ENXIO when nothing waits on it any more. */
int ocistate_open_gate(const char *id, struct perr *e);

#endif
