/* prison-oci's messages (ocilog.h); engines read the log file, in JSON, for why a command failed. */
#include "ocilog.h"

#include <errno.h>
#include <fcntl.h>
#include <json-c/json.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static struct {
	int fd;
	bool json, debug;
} log_state = { .fd = -1 };

int ocilog_open(const char *path, const char *format, bool debug)
{
	log_state.debug = debug;
	if (format && strcmp(format, "json") != 0 && strcmp(format, "text") != 0) {
		fprintf(stderr, "prison-oci: --log-format \"%s\": json or text\n", format);
		return -1;
	}
	log_state.json = format && strcmp(format, "json") == 0;
	if (!path)
		return 0;
	log_state.fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOCTTY | O_CLOEXEC, 0600);
	if (log_state.fd < 0) {
		fprintf(stderr, "prison-oci: --log \"%s\": %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

static void to_log(const char *level, const char *msg)
{
	char when[64], line[2048];
	struct timespec ts;
	struct tm tm;
	int n;

	if (log_state.fd < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (log_state.json) {
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "level", json_object_new_string(level));
		json_object_object_add(o, "msg", json_object_new_string(msg));
		json_object_object_add(o, "time", json_object_new_string(when));
		n = snprintf(line, sizeof(line), "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	} else {
		n = snprintf(line, sizeof(line), "%s %s: %s\n", when, level, msg);
	}
	if (n > 0)
		(void)!write(log_state.fd, line, (size_t)n < sizeof(line) ? (size_t)n : sizeof(line) - 1);
}

int ocilog_error(const char *fmt, ...)
{
	char msg[1536];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "prison-oci: %s\n", msg);
	to_log("error", msg);
	return 1;
}

void ocilog_debug(const char *fmt, ...)
{
	char msg[1536];
	va_list ap;

	if (!log_state.debug)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	to_log("debug", msg);
}
