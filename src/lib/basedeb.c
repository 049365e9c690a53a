#include "basedeb.h"

#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "util.h"

/* The first non-security URI of a sources file, one-line ("deb URI suite") or deb822 ("URIs: URI"). */
static bool uri_of(const char *file, char *buf, size_t len)
{
	_cleanup_fclose_ FILE *f = fopen(file, "re");
	char line[1024], uri[1024];

	while (f && fgets(line, sizeof(line), f)) {
		char *p = line + strspn(line, " \t");
		if (strncmp(p, "deb ", 4) == 0) {
			p += 4 + strspn(p + 4, " \t");
			if (*p == '[' && (p = strchr(p, ']')))
				p++;
		} else if (strncmp(p, "URIs:", 5) == 0) {
			p += 5;
		} else {
			continue;
		}
		if (!p || sscanf(p, " %1023s", uri) != 1 || strstr(uri, "security"))
			continue;
		snprintf(buf, len, "%s", uri);
		return true;
	}
	return false;
}

/* The host's Debian mirror, as apt on the host has it. */
static bool host_mirror(char *buf, size_t len)
{
	glob_t g;
	bool found = uri_of("/etc/apt/sources.list", buf, len);

	if (!found && glob("/etc/apt/sources.list.d/*.sources", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && !found; i++)
			found = uri_of(g.gl_pathv[i], buf, len);
		globfree(&g);
	}
	if (!found && glob("/etc/apt/sources.list.d/*.list", 0, NULL, &g) == 0) {
		for (size_t i = 0; i < g.gl_pathc && !found; i++)
			found = uri_of(g.gl_pathv[i], buf, len);
		globfree(&g);
	}
	return found;
}

static __attribute__((noreturn)) void run(char **argv, int out)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(out, 2) < 0)
		_exit(127);
	execvp(argv[0], argv);
	_exit(127);
}

/* The last line of what the program said, for the error. */
static void last_line(const char *text, char *buf, size_t len)
{
	size_t n = strlen(text);
	const char *start;

	while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '))
		n--;
	start = text + n;
	while (start > text && start[-1] != '\n')
		start--;
	snprintf(buf, len, "%.*s", (int)(text + n - start), start);
}

static int wait_for(pid_t pid, int out, struct perr *e)
{
	char text[8192] = "", msg[512];
	size_t have = 0;
	ssize_t n;
	int status;

	/* Keep the end of the output: a ring of one buffer, shifted when full. */
	while ((n = read(out, text + have, sizeof(text) - 1 - have)) > 0 || (n < 0 && errno == EINTR)) {
		have += n > 0 ? (size_t)n : 0;
		if (have == sizeof(text) - 1) {
			memmove(text, text + sizeof(text) / 2, have - sizeof(text) / 2);
			have -= sizeof(text) / 2;
		}
	}
	text[have] = '\0';
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return perr_set(e, errno, "mmdebstrap");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && !have)
		return perr_setx(e, ENOENT, "mmdebstrap not found (apt-get install mmdebstrap)");
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		last_line(text, msg, sizeof(msg));
		return perr_setx(e, EIO, "mmdebstrap failed: %s", msg[0] ? msg : "no message");
	}
	return 0;
}

int basedeb_build(const char *path, const char *suite, const char *arch, const char *include, const char *mirror,
		  struct perr *e)
{
	char archopt[96], incopt[1100], uri[1024];
	char *argv[10];
	int n = 0, pipefd[2];
	pid_t pid;

	argv[n++] = "mmdebstrap";
	argv[n++] = "--quiet";
	argv[n++] = "--variant=minbase";
	if (arch[0]) {
		snprintf(archopt, sizeof(archopt), "--architectures=%s", arch);
		argv[n++] = archopt;
	}
	if (include[0]) {
		snprintf(incopt, sizeof(incopt), "--include=%s", include);
		argv[n++] = incopt;
	}
	argv[n++] = (char *)suite;
	argv[n++] = (char *)path;
	if (mirror[0])
		snprintf(uri, sizeof(uri), "%s", mirror);
	if (mirror[0] || host_mirror(uri, sizeof(uri)))
		argv[n++] = uri;
	argv[n] = NULL;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return perr_set(e, errno, "pipe");
	pid = fork();
	if (pid == 0)
		run(argv, pipefd[1]);
	close(pipefd[1]);
	if (pid < 0) {
		close(pipefd[0]);
		return perr_set(e, errno, "fork");
	}
	n = wait_for(pid, pipefd[0], e);
	close(pipefd[0]);
	return n;
}
