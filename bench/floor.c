/*
 * floor.c - the "floor" for the prison benchmark.
 *
 * The least work any jail-like tool must do to run one command in a fresh
 * set of namespaces, done directly with system calls and nothing else:
 *
 *   parent: clone(NEWUSER|NEWPID|NEWNS|NEWUTS|NEWIPC), write the child's
 *           setgroups ("deny"), uid_map and gid_map (0 -> HOST_ID), let the
 *           child go, wait for it.
 *   child:  become uid/gid 0 of its namespace, make / recursively private,
 *           bind ROOT onto itself, mount a fresh proc on ROOT/proc,
 *           pivot_root into ROOT, detach the old root, execve /bin/true.
 *
 * Usage: floor ITERATIONS [ROOT]      (ROOT defaults to "/"; run as root)
 * Prints the median wall time of one iteration (clone to reaped child)
 * in microseconds, then min and max, on one line:
 *   floor: median_us=NNN min_us=NNN max_us=NNN n=ITERATIONS
 *
 * Build: cc -O2 -Wall -Wextra -Werror -o floor floor.c
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define HOST_ID 1000000 /* unprivileged host uid/gid that maps to 0 inside */
#define STACK_SIZE (256 * 1024)

static const char *root_dir = "/";
static int sync_pipe[2];
static char child_stack[STACK_SIZE] __attribute__((aligned(16)));

static void child_fail(const char *what)
{
	/* Only async-signal-safe calls: this runs in a clone()d child. */
	char buf[256];
	const char *err = strerror(errno);
	size_t n = 0;
	const char *parts[] = { "floor: child: ", what, ": ", err, "\n" };
	for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		size_t l = strlen(parts[i]);
		if (n + l >= sizeof(buf))
			l = sizeof(buf) - 1 - n;
		memcpy(buf + n, parts[i], l);
		n += l;
	}
	if (write(STDERR_FILENO, buf, n) < 0) {
		/* nothing more to do */
	}
	_exit(127);
}

static int child_main(void *arg)
{
	char c;
	(void)arg;

	close(sync_pipe[1]);
	/* Wait until the parent has written our id maps (EOF on the pipe). */
	if (read(sync_pipe[0], &c, 1) < 0)
		child_fail("read sync pipe");
	close(sync_pipe[0]);

	if (setresgid(0, 0, 0) < 0)
		child_fail("setresgid");
	if (setresuid(0, 0, 0) < 0)
		child_fail("setresuid");

	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		child_fail("make / rprivate");
	if (mount(root_dir, root_dir, NULL, MS_BIND | MS_REC, NULL) < 0)
		child_fail("bind new root");
	/*
	 * chdir after the bind so "." is the new mount, not the one below.
	 * A walk to "/" stops at the process root without climbing the mount
	 * just stacked on it, but ".." at the root does climb it: so "/..".
	 */
	if (chdir(strcmp(root_dir, "/") == 0 ? "/.." : root_dir) < 0)
		child_fail("chdir new root");
	if (mount("proc", "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
		  NULL) < 0)
		child_fail("mount proc");
	/* pivot_root(".", ".") stacks the old root on top of the new one... */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		child_fail("pivot_root");
	/* ...so detaching "." removes the old root and leaves the new one. */
	if (umount2(".", MNT_DETACH) < 0)
		child_fail("umount old root");
	if (chdir("/") < 0)
		child_fail("chdir /");

	char *const argv[] = { "true", NULL };
	char *const envp[] = { "PATH=/usr/bin:/bin", NULL };
	execve("/bin/true", argv, envp);
	child_fail("execve /bin/true");
	return 127;
}

static void die(const char *what)
{
	fprintf(stderr, "floor: %s: %s\n", what, strerror(errno));
	exit(1);
}

static void write_file(pid_t pid, const char *name, const char *text)
{
	char path[64];
	int fd;
	size_t len = strlen(text);

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		die(path);
	if (write(fd, text, len) != (ssize_t)len)
		die(path);
	if (close(fd) < 0)
		die(path);
}

static double now_us(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double one_iteration(void)
{
	const int flags = CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS |
			  CLONE_NEWUTS | CLONE_NEWIPC | SIGCHLD;
	char map[64];
	int status;
	pid_t pid;
	double t0, t1;

	t0 = now_us();
	if (pipe2(sync_pipe, O_CLOEXEC) < 0)
		die("pipe2");
	pid = clone(child_main, child_stack + STACK_SIZE, flags, NULL);
	if (pid < 0)
		die("clone");
	close(sync_pipe[0]);

	snprintf(map, sizeof(map), "0 %d 1\n", HOST_ID);
	write_file(pid, "setgroups", "deny");
	write_file(pid, "uid_map", map);
	write_file(pid, "gid_map", map);
	close(sync_pipe[1]); /* release the child */

	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR)
			die("waitpid");
	}
	t1 = now_us();

	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "floor: child failed (status 0x%x)\n", status);
		exit(1);
	}
	return t1 - t0;
}

int main(int argc, char **argv)
{
	long n;
	char *end;
	double *samples;

	if (argc < 2 || argc > 3) {
		fprintf(stderr, "usage: %s ITERATIONS [ROOT]\n", argv[0]);
		return 2;
	}
	errno = 0;
	n = strtol(argv[1], &end, 10);
	if (errno || *end || n < 1 || n > 10000000) {
		fprintf(stderr, "floor: bad iteration count '%s'\n", argv[1]);
		return 2;
	}
	if (argc == 3) {
		root_dir = realpath(argv[2], NULL);
		if (!root_dir)
			die(argv[2]);
	}

	samples = calloc((size_t)n, sizeof(*samples));
	if (!samples)
		die("calloc");
	for (long i = 0; i < n; i++)
		samples[i] = one_iteration();

	qsort(samples, (size_t)n, sizeof(*samples), cmp_double);
	double median = (n % 2) ? samples[n / 2]
				: (samples[n / 2 - 1] + samples[n / 2]) / 2.0;
	printf("floor: median_us=%.0f min_us=%.0f max_us=%.0f n=%ld\n", median,
	       samples[0], samples[n - 1], n);
	free(samples);
	return 0;
}
