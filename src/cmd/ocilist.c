/*
 * prison-oci list: the containers of the state directory (--root), as
 * runc lists them: a table, their ids only (-q), or a JSON array.
 */
#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <json-c/json.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../include/prison.h"
#include "ocicmd.h"
#include "ocilog.h"
#include "ocistate.h"

enum list_format { LIST_TABLE, LIST_JSON, LIST_QUIET };

/* The user who owns the container's state directory, by name when it has one. */
static void owner_of(int dirfd, const char *id, char *buf, size_t len)
{
	struct passwd pw, *found = NULL;
	char pwbuf[1024];
	struct stat sb;

	if (fstatat(dirfd, id, &sb, AT_SYMLINK_NOFOLLOW) < 0) {
		snprintf(buf, len, "?");
		return;
	}
	if (getpwuid_r(sb.st_uid, &pw, pwbuf, sizeof(pwbuf), &found) == 0 && found)
		snprintf(buf, len, "%s", found->pw_name);
	else
		snprintf(buf, len, "#%u", (unsigned)sb.st_uid);
}

static void print_one(enum list_format fmt, const struct oci_state *st, const char *owner, struct json_object *all)
{
	enum oci_status s = ocistate_status(st);
	pid_t pid = s == OCI_STOPPED ? 0 : st->pid;
	char when[64];

	ocistate_created_text(st, when, sizeof(when));
	if (fmt == LIST_QUIET) {
		printf("%s\n", st->id);
	} else if (fmt == LIST_TABLE) {
		printf("%-20s %-8d %-10s %-40s %-22s %s\n", st->id, (int)pid, ocistate_status_name(s), st->bundle, when,
		       owner);
	} else {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "ociVersion", json_object_new_string(OCI_SPEC_VERSION));
		json_object_object_add(o, "id", json_object_new_string(st->id));
		json_object_object_add(o, "pid", json_object_new_int(pid));
		json_object_object_add(o, "status", json_object_new_string(ocistate_status_name(s)));
		json_object_object_add(o, "bundle", json_object_new_string(st->bundle));
		json_object_object_add(o, "created", json_object_new_string(when));
		json_object_object_add(o, "owner", json_object_new_string(owner));
		json_object_array_add(all, o);
	}
}

/*
 * Every directory of the state root with a state that reads: one still
 * being created (no state.json yet) or gone meanwhile is passed over.
 */
static int list_all(enum list_format fmt)
{
	struct json_object *all = fmt == LIST_JSON ? json_object_new_array() : NULL;
	DIR *d = opendir(ocistate_root());
	struct perr e = { 0 };
	struct dirent *de;

	if (!d && errno != ENOENT) {
		json_object_put(all);
		return ocilog_error("%s: %s", ocistate_root(), strerror(errno));
	}
	if (fmt == LIST_TABLE)
		printf("%-20s %-8s %-10s %-40s %-22s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
	while (d && (de = readdir(d))) {
		struct oci_state st;
		char owner[64];
		if (de->d_type != DT_DIR || ocistate_check_id(de->d_name, &e) < 0 || ocistate_read(de->d_name, &st, &e) < 0)
			continue;
		owner_of(dirfd(d), de->d_name, owner, sizeof(owner));
		print_one(fmt, &st, owner, all);
		ocistate_free(&st);
	}
	if (d)
		closedir(d);
	if (all) {
		printf("%s\n", json_object_to_json_string_ext(all, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(all);
	}
	return 0;
}

int oci_cmd_list(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "quiet", no_argument, NULL, 'q' },
		{ NULL, 0, NULL, 0 },
	};
	enum list_format fmt = LIST_TABLE;
	bool quiet = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:q", opts, NULL)) != -1) {
		if (c == 'q') {
			quiet = true;
		} else if (c == 'f' && strcmp(optarg, "table") == 0) {
			fmt = LIST_TABLE;
		} else if (c == 'f' && strcmp(optarg, "json") == 0) {
			fmt = LIST_JSON;
		} else if (c == 'f') {
			return ocilog_error("list: --format \"%s\": table or json", optarg);
		} else {
			fprintf(stderr, "usage: prison-oci %s\n", OCI_LIST_USAGE);
			return 1;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "usage: prison-oci %s\n", OCI_LIST_USAGE);
		return 1;
	}
	return list_all(quiet ? LIST_QUIET : fmt);
}
