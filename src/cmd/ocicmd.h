/* prison-oci's commands, one function each: argc/argv from the command's name on. */
#ifndef PRISON_OCICMD_H
#define PRISON_OCICMD_H

/* create and run (ocicreate.c) */
int oci_cmd_create(int argc, char **argv);
int oci_cmd_run(int argc, char **argv);
/* The byte on the gate of a created container, and its state marked started; 0 or an exit status. */
int oci_start(const char *id);
/* The jail and the state of a container removed; 0 or an exit status. */
int oci_remove(const char *id);

#endif
