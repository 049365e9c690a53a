/* prison-oci's state of a container (ocistate.h). */
#include "ocistate.h"

#include <ctype.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static char root_dir[4096];

void ocistate_set_root(const char *root)
{
	snprintf(root_dir, sizeof(root_dir), "%s", root);
}

const char *ocistate_root(void)
{
	if (!root_dir[0])
		/* Beside the registry, not in it: that is a file system of its own, mounted when first used. */
		snprintf(root_dir, sizeof(root_dir), "%s-oci", runtime_rundir());
	return root_dir;
}

int ocistate_check_id(const char *id, struct perr *e)
{
	size_t n = strlen(id);

	if (n == 0 || n > 200)
		return perr_setx(e, EINVAL, "container id \"%s\": empty or longer than 200", id);
	for (const char *p = id; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_' && *p != '-' && *p != '+')
			return perr_setx(e, EINVAL, "container id \"%s\": only letters, digits, '_', '-' and '+'", id);
	if (strspn(id, "0123456789") == n)
		return perr_setx(e, EINVAL, "container id \"%s\": a number is a jid, not a name", id);
	return 0;
}

static int mkdir_p(const char *path, struct perr *e)
{
	char buf[4096];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0700) < 0 && errno != EEXIST)
			return perr_set(e, errno, "%s", buf);
		*p = '/';
	}
	if (mkdir(buf, 0700) < 0 && errno != EEXIST)
		return perr_set(e, errno, "%s", buf);
	return 0;
}

int ocistate_make(const char *id, int *ret_gate, struct perr *e)
{
	char dir[4300], gate[4400];

	*ret_gate = -1;
	if (mkdir_p(ocistate_root(), e) < 0)
		return -1;
	snprintf(dir, sizeof(dir), "%s/%s", ocistate_root(), id);
	if (mkdir(dir, 0700) < 0)
		return errno == EEXIST ? perr_setx(e, EEXIST, "container \"%s\" exists", id) : perr_set(e, errno, "%s", dir);
	snprintf(gate, sizeof(gate), "%s/gate", dir);
	if (mkfifo(gate, 0600) < 0)
		return perr_set(e, errno, "%s", gate);
	/* Read and write: the waiting process never sees an end of file, only the byte "start" writes. */
	*ret_gate = open(gate, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (*ret_gate < 0)
		return perr_set(e, errno, "%s", gate);
	return 0;
}

int ocistate_open_gate(const char *id, struct perr *e)
{
	char gate[4400];
	int fd;

	snprintf(gate, sizeof(gate), "%s/%s/gate", ocistate_root(), id);
	fd = open(gate, O_WRONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return perr_set(e, errno, "%s", gate);
	return fd;
}

int ocistate_write(const struct oci_state *s, struct perr *e)
{
	struct json_object *o = json_object_new_object(), *ann = json_tokener_parse(s->annotations ? s->annotations : "{}");
	char path[4400], tmp[4500];
	const char *text;
	int fd, r = 0;

	json_object_object_add(o, "id", json_object_new_string(s->id));
	json_object_object_add(o, "bundle", json_object_new_string(s->bundle));
	json_object_object_add(o, "pid", json_object_new_int(s->pid));
	json_object_object_add(o, "start", json_object_new_uint64(s->start));
	json_object_object_add(o, "started", json_object_new_boolean(s->started));
	json_object_object_add(o, "created", json_object_new_int64(s->created));
	json_object_object_add(o, "annotations", ann ? ann : json_object_new_object());
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN);
	snprintf(path, sizeof(path), "%s/%s/state.json", ocistate_root(), s->id);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text) || fsync(fd) < 0 ||
	    rename(tmp, path) < 0)
		r = perr_set(e, errno, "%s", path);
	if (fd >= 0)
		close(fd);
	json_object_put(o);
	return r;
}

static int fill(struct json_object *o, struct oci_state *s)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, "bundle", &v) || !json_object_is_type(v, json_type_string))
		return -1;
	snprintf(s->bundle, sizeof(s->bundle), "%s", json_object_get_string(v));
	if (json_object_object_get_ex(o, "pid", &v))
		s->pid = json_object_get_int(v);
	if (json_object_object_get_ex(o, "start", &v))
		s->start = json_object_get_uint64(v);
	if (json_object_object_get_ex(o, "started", &v))
		s->started = json_object_get_boolean(v);
	if (json_object_object_get_ex(o, "created", &v))
		s->created = json_object_get_int64(v);
	s->annotations = strdup(json_object_object_get_ex(o, "annotations", &v)
					? json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN)
					: "{}");
	return s->annotations ? 0 : -1;
}

int ocistate_read(const char *id, struct oci_state *s, struct perr *e)
{
	char path[4400], buf[65536];
	struct json_object *o;
	ssize_t n;
	int fd, r;

	memset(s, 0, sizeof(*s));
	if (ocistate_check_id(id, e) < 0)
		return -1;
	snprintf(s->id, sizeof(s->id), "%s", id);
	snprintf(path, sizeof(path), "%s/%s/state.json", ocistate_root(), id);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == ENOENT ? perr_setx(e, ENOENT, "container \"%s\" does not exist", id)
				       : perr_set(e, errno, "%s", path);
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n < 0)
		return perr_set(e, errno, "%s", path);
	buf[n] = '\0';
	o = json_tokener_parse(buf);
	r = o ? fill(o, s) : -1;
	json_object_put(o);
	if (r < 0)
		return perr_setx(e, EINVAL, "%s: not a state of prison-oci", path);
	return 0;
}

void ocistate_free(struct oci_state *s)
{
	free(s->annotations);
	s->annotations = NULL;
}

void ocistate_remove(const char *id)
{
	char path[4400];
	static const char *const files[] = { "state.json", "state.json.tmp", "gate" };

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		snprintf(path, sizeof(path), "%s/%s/%s", ocistate_root(), id, files[i]);
		(void)unlink(path);
	}
	snprintf(path, sizeof(path), "%s/%s", ocistate_root(), id);
	(void)rmdir(path);
}

unsigned long long ocistate_start_time(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long long start = 0;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	/* After the command's closing parenthesis: state is field 3, starttime field 22. */
	p = strrchr(buf, ')');
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X')
		return 0;
	p += 2;
	for (int field = 3; field < 22 && p; field++)
		p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
	if (p)
		start = strtoull(p, NULL, 10);
	return start;
}

int ocistate_open_process(const struct oci_state *s)
{
	int fd;

	if (s->pid <= 0)
		return errno = ESRCH, -1;
	fd = (int)syscall(SYS_pidfd_open, s->pid, 0);
	if (fd < 0)
		return -1;
	/* Checked after the pidfd is held: the pid cannot be reused behind it from here on. */
	if (ocistate_start_time(s->pid) != s->start) {
		close(fd);
		return errno = ESRCH, -1;
	}
	return fd;
}

/* Whether the container's jail is frozen; a jail that is gone is not. */
static bool paused(const char *id)
{
	struct jail_record rec = { 0 };
	struct perr e = { 0 };
	bool r = jail_find(id, &rec, &e) == 0 && jail_frozen(&rec, &e) == 1;

	record_free(&rec);
	return r;
}

enum oci_status ocistate_status(const struct oci_state *s)
{
	if (s->pid <= 0)
		return OCI_CREATING;
	if (s->start == 0 || ocistate_start_time(s->pid) != s->start)
		return OCI_STOPPED;
	if (paused(s->id))
		return OCI_PAUSED;
	return s->started ? OCI_RUNNING : OCI_CREATED;
}

const char *ocistate_status_name(enum oci_status st)
{
	static const char *const names[] = { "creating", "created", "running", "stopped", "paused" };

	return names[st];
}

void ocistate_created_text(const struct oci_state *s, char *buf, size_t len)
{
	time_t t = (time_t)s->created;
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm);
}
