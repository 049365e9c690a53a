#include "util.h"

#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <linux/openat2.h>
#include <unistd.h>

#include "error.h"

DIR *opendir_at(int dirfd)
{
	int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d && fd >= 0)
		close(fd);
	return d;
}

int write_all(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

ssize_t read_all(int fd, void *buf, size_t len)
{
	char *p = buf;
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, p + got, len - got);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

int write_file_at(int dirfd, const char *name, const char *text)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);

	if (fd < 0)
		return -1;
	return write_all(fd, text, strlen(text));
}

int write_file_beneath(int dirfd, const char *name, const char *text)
{
	struct open_how how = { .flags = O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	if (!S_ISREG(st.st_mode)) {
		errno = EINVAL;
		return -1;
	}
	return write_all(fd, text, strlen(text));
}

ssize_t read_file_at(int dirfd, const char *name, char *buf, size_t len)
{
	_cleanup_close_ int fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = read_all(fd, buf, len - 1);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	return n;
}

unsigned long long proc_start_time(pid_t pid)
{
	char path[64], buf[1024];
	char *p;
	unsigned long long start = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_file_at(AT_FDCWD, path, buf, sizeof(buf)) <= 0)
		return 0;
	/* The command name may hold spaces and parentheses: skip to the last ')'. */
	p = strrchr(buf, ')');
	if (!p || strlen(p) < 3)
		return 0;
	/* A zombie has finished: for the registry it is gone. */
	if (p[2] == 'Z' || p[2] == 'X')
		return 0;
	/* Field 22 (starttime) is the 20th field after the name. */
	for (int field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (!p)
		return 0;
	p++;
	char *end;
	errno = 0;
	start = strtoull(p, &end, 10);
	if (errno || end == p)
		start = 0;
	return start;
}

bool parse_long(const char *s, long min, long max, long *ret)
{
	char *end;
	long v;

	if (!s || !*s)
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*ret = v;
	return true;
}

bool parse_ull(const char *s, unsigned long long *ret)
{
	char *end;
	unsigned long long v;

	if (!s || *s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}

int ensure_std_fds(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int n = open("/dev/null", fd == 0 ? O_RDONLY : O_WRONLY);
		if (n < 0)
			return -1;
		if (n != fd) {
			/* open() returns the lowest free number, so n is fd unless a lower one was free. */
			close(n);
			return -1;
		}
	}
	return 0;
}

bool csv_add_unique(char *buf, size_t len, const char *item)
{
	size_t have = strlen(buf), n = strlen(item);

	for (const char *p = buf; *p;) {
		size_t k = strcspn(p, ",");
		if (k == n && strncmp(p, item, n) == 0)
			return true;
		p += k;
		if (*p == ',')
			p++;
	}
	if (have + (have ? 1 : 0) + n >= len)
		return false;
	snprintf(buf + have, len - have, "%s%s", have ? "," : "", item);
	return true;
}

int send_msg_fd(int sock, const char *msg, int fd)
{
	return send_packet(sock, msg, strlen(msg), fd);
}

int send_packet(int sock, const void *buf, size_t len, int fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (fd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	}
	return sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 ? -1 : 0;
}

ssize_t recv_packet(int sock, void *buf, size_t len, int *ret_fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	ssize_t n;

	*ret_fd = -1;
	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return -1;
	for (struct cmsghdr *cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm))
		if (cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
			memcpy(ret_fd, CMSG_DATA(cm), sizeof(int));
	return n;
}

ssize_t recv_msg_fd(int sock, char *buf, size_t len, int *ret_fd)
{
	ssize_t n = recv_packet(sock, buf, len - 1, ret_fd);

	if (n >= 0)
		buf[n] = '\0';
	return n;
}

char *read_regular_fd(int fd, size_t max, const char *what, size_t *ret_len, struct perr *e)
{
	struct stat st;
	char *text;
	ssize_t n;

	if (fstat(fd, &st) < 0) {
		perr_set(e, errno, "%s", what);
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		perr_setx(e, EINVAL, "%s: not a regular file", what);
		return NULL;
	}
	if ((size_t)st.st_size > max) {
		perr_setx(e, EFBIG, "%s: larger than %zu bytes", what, max);
		return NULL;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		perr_set(e, ENOMEM, "%s", what);
		return NULL;
	}
	/* At most the size fstat saw: a file that grows meanwhile is read no further. */
	n = read_all(fd, text, (size_t)st.st_size);
	if (n < 0) {
		perr_set(e, errno, "%s", what);
		free(text);
		return NULL;
	}
	text[n] = '\0';
	if (ret_len)
		*ret_len = (size_t)n;
	return text;
}

void *array_grow(void *v, size_t n, size_t *cap, size_t elem, size_t first)
{
	size_t want;
	void *nv;

	if (n < *cap)
		return v;
	want = *cap ? *cap * 2 : first;
	if (want < *cap || want > SIZE_MAX / elem) {
		errno = ENOMEM;
		return NULL;
	}
	nv = realloc(v, want * elem);
	if (nv)
		*cap = want;
	return nv;
}

uint64_t keyed_u64(const char *text, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = text; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (strncmp(p, key, n) == 0 && p[n] == ' ')
			return strtoull(p + n + 1, NULL, 10);
	return UINT64_MAX;
}
