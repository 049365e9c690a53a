#include "audit.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "registry.h"
#include "runtime.h"
#include "util.h"

/* The invoking command line, NUL separators turned to spaces. */
static void own_cmdline(char *buf, size_t len)
{
	ssize_t n = read_file_at(AT_FDCWD, "/proc/self/cmdline", buf, len);

	if (n <= 0) {
		buf[0] = '\0';
		return;
	}
	for (ssize_t i = 0; i < n - 1; i++)
		if (buf[i] == '\0')
			buf[i] = ' ';
}

static long login_uid(void)
{
	char buf[32];
	long v;

	if (read_file_at(AT_FDCWD, "/proc/self/loginuid", buf, sizeof(buf)) <= 0 || !parse_long(buf, 0, 4294967295L, &v))
		return -1;
	return v == 4294967295L ? -1 : v;
}

static bool safe_name(const char *s)
{
	return s && *s && s[0] != '.' && !strchr(s, '/') && strlen(s) < 200;
}

int audit_open_log(const char *jail)
{
	char path[512];
	struct perr ignore = { 0 };

	/* A refused runtime context writes nothing: no log in whatever directory a bad setting names. */
	if (runtime_check(&ignore) < 0 || !safe_name(jail) || (mkdir(runtime_logdir(), 0750) < 0 && errno != EEXIST))
		return -1;
	snprintf(path, sizeof(path), "%s/%s.log", runtime_logdir(), jail);
	return open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
}

/* line and a newline at the end of the jail's log, in one write: appends from concurrent commands do not interleave. */
static void append_line(const char *jail, const char *line)
{
	_cleanup_close_ int fd = audit_open_log(jail);
	size_t len = strlen(line);
	char *buf;

	if (fd < 0 || !(buf = malloc(len + 2)))
		return;
	snprintf(buf, len + 2, "%s\n", line);
	(void)write_all(fd, buf, len + 1);
	free(buf);
}

void audit_event(const char *event, const char *jail, int jid, const struct paramset *ps, char *const *argv,
		 const char *error)
{
	json_object *o = json_object_new_object();
	char when[64], cmd[4096];
	struct timespec ts;
	struct tm tm;
	long luid = login_uid();
	const char *line;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(when + strlen(when), sizeof(when) - strlen(when), ".%03ldZ", ts.tv_nsec / 1000000);
	own_cmdline(cmd, sizeof(cmd));
	json_object_object_add(o, "time", json_object_new_string(when));
	json_object_object_add(o, "event", json_object_new_string(event));
	json_object_object_add(o, "jail", jail ? json_object_new_string(jail) : NULL);
	json_object_object_add(o, "jid", jid > 0 ? json_object_new_int(jid) : NULL);
	json_object_object_add(o, "uid", json_object_new_int64((int64_t)getuid()));
	json_object_object_add(o, "login_uid", luid >= 0 ? json_object_new_int64(luid) : NULL);
	json_object_object_add(o, "pid", json_object_new_int(getpid()));
	json_object_object_add(o, "command", json_object_new_string(cmd));
	if (ps)
		json_object_object_add(o, "params", params_to_json(ps));
	if (argv) {
		json_object *a = json_object_new_array();
		for (; *argv; argv++)
			json_object_array_add(a, json_object_new_string(*argv));
		json_object_object_add(o, "run", a);
	}
	json_object_object_add(o, "result", json_object_new_string(error ? "error" : "ok"));
	if (error)
		json_object_object_add(o, "error", json_object_new_string(error));
	line = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	openlog("prison", LOG_PID, LOG_AUTHPRIV);
	syslog(error ? LOG_WARNING : LOG_NOTICE, "%s", line);
	closelog();

	append_line(jail, line);
	json_object_put(o);
}
