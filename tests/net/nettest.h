/*
 * Helpers of the root-only network tests: namespaces held by fd alone (no
 * process keeps them), and commands run inside one of them.
 */
#ifndef PRISON_NETTEST_H
#define PRISON_NETTEST_H

#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

/* The caller's own namespace, to come back to. */
static int nettest_home = -1;

static int nettest_self(void)
{
	int fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		perror("open /proc/thread-self/ns/net");
		exit(2);
	}
	return fd;
}

/* A new, empty network namespace, pinned by the returned fd only. */
static int nettest_new_netns(void)
{
	int fd;

	if (nettest_home < 0)
		nettest_home = nettest_self();
	if (unshare(CLONE_NEWNET) < 0) {
		perror("unshare(CLONE_NEWNET)");
		exit(2);
	}
	fd = nettest_self();
	if (setns(nettest_home, CLONE_NEWNET) < 0) {
		perror("setns back");
		exit(2);
	}
	return fd;
}

/* Run argv in netns (-1: here), its output to /dev/null when quiet; its exit status. */
static int nettest_run(int netns, int quiet, char *const argv[])
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (netns >= 0 && setns(netns, CLONE_NEWNET) < 0)
			_exit(126);
		if (quiet) {
			int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
			if (null >= 0) {
				dup2(null, 1);
				dup2(null, 2);
			}
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

#endif
