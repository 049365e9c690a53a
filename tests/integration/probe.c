/*
 * A static probe run as a jail's payload: it tries one privileged
 * operation and prints "ok" or the errno name, so a test can assert what
 * the kernel and the filter answered from inside.
 */
#include <errno.h>
#include <signal.h>
#include <sys/swap.h>
#include <time.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <stdlib.h>
#include <unistd.h>

static int result(long r)
{
	if (r < 0) {
		printf("%s\n", strerrorname_np(errno));
		return 1;
	}
	printf("ok\n");
	return 0;
}

int main(int argc, char **argv)
{
	const char *op = argc > 1 ? argv[1] : "";
	char c = 'x';

	if (!strcmp(op, "mount"))
		return result(mount("none", argc > 2 ? argv[2] : "/tmp", "tmpfs", 0, NULL));
	if (!strcmp(op, "finit_module"))
		return result(syscall(SYS_finit_module, 0, "", 0));
	if (!strcmp(op, "keyctl"))
		return result(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
	if (!strcmp(op, "bpf"))
		return result(syscall(SYS_bpf, 0, NULL, 0));
	if (!strcmp(op, "perf_event_open"))
		return result(syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
	if (!strcmp(op, "open_by_handle_at"))
		return result(syscall(SYS_open_by_handle_at, AT_FDCWD, NULL, 0));
	if (!strcmp(op, "reboot"))
		return result(reboot(RB_POWER_OFF));
	if (!strcmp(op, "settime")) {
		struct timespec ts = { 0, 0 };
		return result(clock_settime(CLOCK_REALTIME, &ts));
	}
	if (!strcmp(op, "unshare_user"))
		return result(unshare(CLONE_NEWUSER));
	if (!strcmp(op, "sethostname"))
		return result(sethostname(argc > 2 ? argv[2] : "probe", strlen(argc > 2 ? argv[2] : "probe")));
	if (!strcmp(op, "tiocsti"))
		return result(ioctl(0, TIOCSTI, &c));
	if (!strcmp(op, "shmget"))
		return result(syscall(SYS_shmget, 0, 4096, 01600));
	if (!strcmp(op, "swapoff"))
		return result(swapoff("/nonexistent"));
	if (!strcmp(op, "kill"))
		return result(kill(argc > 2 ? atoi(argv[2]) : 1, 0));
	if (!strcmp(op, "ptrace"))
		return result(syscall(SYS_ptrace, 16 /* PTRACE_ATTACH */, argc > 2 ? atoi(argv[2]) : 1, 0, 0));
	if (!strcmp(op, "fds")) {
		/* The descriptors this process came with, and where fd 0 points. */
		char link[256] = "";
		for (int fd = 0; fd < 4096; fd++)
			if (fcntl(fd, F_GETFD) >= 0)
				printf("%d ", fd);
		if (readlink("/proc/self/fd/0", link, sizeof(link) - 1) < 0)
			strcpy(link, "-");
		printf("%s\n", link);
		return 0;
	}
	fprintf(stderr, "probe: unknown operation %s\n", op);
	return 2;
}
