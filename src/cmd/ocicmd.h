/* prison-oci's commands, one function each: argc/argv from the command's name on. */
#ifndef PRISON_OCICMD_H
#define PRISON_OCICMD_H

#include <stdbool.h>
#include <sys/types.h>

/* create and run (ocicreate.c) */
int oci_cmd_create(int argc, char **argv);
int oci_cmd_run(int argc, char **argv);
/* The byte on the gate of a created container, and its state marked started; 0 or an exit status. */
int oci_start(const char *id);
/* The jail and the state of a container removed; 0 or an exit status. */
int oci_remove(const char *id);

/* exec, ps, pause and resume (ociexec.c) */
int oci_cmd_exec(int argc, char **argv);
int oci_cmd_ps(int argc, char **argv);
int oci_cmd_pause(int argc, char **argv);
int oci_cmd_resume(int argc, char **argv);
/* Thaw the container's jail if it is frozen (delete of a paused one); 0 or an exit status. */
int oci_thaw(const char *id);

/* list (ocilist.c) */
#define OCI_LIST_USAGE "list [-q | --quiet] [--format table | json]"
int oci_cmd_list(int argc, char **argv);

/* update (ociupdate.c) and events (ocievents.c) */
int oci_cmd_update(int argc, char **argv);
int oci_cmd_events(int argc, char **argv);

/* Shared by create, run and exec (ocicreate.c). */
struct perr;
struct oci_config;
/* A connection to the engine's console socket. */
int oci_console_connect(const char *path, struct perr *e);
/* The terminal's master to the engine, as runc sends it: one byte of data, the fd in SCM_RIGHTS. */
int oci_console_send(int sock, int master, struct perr *e);
int oci_write_pid_file(const char *path, pid_t pid, struct perr *e);
/* process.rlimits, user.umask, oomScoreAdj, scheduler, ioPriority and linux.memoryPolicy on this process, for the container's process to inherit. */
int oci_apply_inherited(const struct oci_config *cfg, struct perr *e);
/* --preserve-fds's number (ocifds.c). */
int oci_preserve_parse(const char *text, int *ret, struct perr *e);
/*
 * The fds 3.. the process gets: LISTEN_FDS (socket activation) then
 * preserve more, checked to be the caller's; into x, with LISTEN_FDS in *envp.
 */
struct jail_exec;
int oci_pass_fds(int preserve, char ***envp, struct jail_exec *x, struct perr *e);
/* Wait for the process, passing on the signals this one gets; its status as a shell gives it. */
int oci_wait_process(int pidfd);

/* Hooks (ocihook.c): those of kind, state made of the rest; -1 with e set, or 0 and a warning printed with warn. */
enum oci_hook;
struct perr;
int oci_run_hooks(const char *hooks, enum oci_hook kind, const char *id, const char *status, pid_t pid,
		  const char *bundle, const char *annotations, bool warn, struct perr *e);
/* The hooks of the bundle's config.json now (start and delete); NULL when none or unreadable. */
char *oci_bundle_hooks(const char *bundle, const char *id);

#endif
