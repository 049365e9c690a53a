/*
 * A jail's huge page limits apart from any layout: the page sizes as a
 * user writes them and as the kernel names them in hugetlb's files, the
 * hugetlb.limit parameter, and the sizes this host has.
 */
#include "cglimit.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "rctl.h"
#include "util.h"

/* No huge page is larger than this (16 GiB on POWER): a bound on the numbers, not a check of the host. */
#define HUGE_KB_MAX (16ULL << 20)
/* A limit this high is none: the kernel's "max", in whole pages. */
#define CG_HUGE_NONE_ABOVE (1ULL << 62)

bool cg_parse_hugesize(const char *text, uint64_t *ret_kb)
{
	unsigned long long n = 0, kb;
	const char *p = text;
	int shift;

	for (; *p >= '0' && *p <= '9'; p++) {
		n = n * 10 + (unsigned long long)(*p - '0');
		if (n > HUGE_KB_MAX)
			return false;
	}
	if (p == text || n == 0)
		return false;
	switch (*p | 0x20) {
	case 'k': shift = 0; break;
	case 'm': shift = 10; break;
	case 'g': shift = 20; break;
	default: return false;
	}
	p++;
	if ((*p | 0x20) == 'b')
		p++;
	if (*p)
		return false;
	kb = n << shift;
	if (kb > HUGE_KB_MAX)
		return false;
	*ret_kb = kb;
	return true;
}

void cg_huge_name(uint64_t kb, char *buf, size_t len)
{
	/* As the kernel's hugetlb controller names its files: the largest unit that is at most the size. */
	if (kb >= 1ULL << 20)
		snprintf(buf, len, "%lluGB", (unsigned long long)(kb >> 20));
	else if (kb >= 1ULL << 10)
		snprintf(buf, len, "%lluMB", (unsigned long long)(kb >> 10));
	else
		snprintf(buf, len, "%lluKB", (unsigned long long)kb);
}

/* One "SIZE=AMOUNT" into h. */
static int huge_entry(char *entry, struct cg_huge *h, struct perr *e)
{
	char *eq = strchr(entry, '=');

	if (!eq)
		return perr_setx(e, EINVAL, "hugetlb.limit: \"%s\": expected SIZE=AMOUNT such as 2MB=8M", entry);
	*eq = '\0';
	if (!cg_parse_hugesize(entry, &h->kb))
		return perr_setx(e, EINVAL, "hugetlb.limit: \"%s\": not a huge page size such as 2MB or 1GB", entry);
	if (eq[1] == '\0' || rctl_parse_amount(eq + 1, &h->max, e) < 0)
		return perr_setx(e, EINVAL, "hugetlb.limit: %s: \"%s\": not an amount such as 8388608 or 8M", entry,
				 eq + 1);
	return 0;
}

int cg_parse_hugetlb(const char *text, struct cg_limits *l, struct perr *e)
{
	char buf[512], *save = NULL;

	l->nhuge = 0;
	if (snprintf(buf, sizeof(buf), "%s", text) >= (int)sizeof(buf))
		return perr_setx(e, EOVERFLOW, "hugetlb.limit: too long");
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		struct cg_huge h = { 0 };
		char *end;
		t += strspn(t, " \t");
		for (end = t + strlen(t); end > t && (end[-1] == ' ' || end[-1] == '\t');)
			*--end = '\0';
		if (!*t)
			continue;
		if (l->nhuge == CG_MAX_HUGE)
			return perr_setx(e, E2BIG, "hugetlb.limit: more than %d page sizes", CG_MAX_HUGE);
		if (huge_entry(t, &h, e) < 0)
			return -1;
		for (size_t i = 0; i < l->nhuge; i++)
			if (l->huge[i].kb == h.kb) {
				char name[32];
				cg_huge_name(h.kb, name, sizeof(name));
				return perr_setx(e, EINVAL, "hugetlb.limit: %s: given twice", name);
			}
		l->huge[l->nhuge++] = h;
	}
	return 0;
}

int cg_huge_sizes(uint64_t *kb, int max)
{
	_cleanup_close_ int dir = open("/sys/kernel/mm/hugepages", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	_cleanup_closedir_ DIR *d = dir >= 0 ? opendir_at(dir) : NULL;
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d)) && n < max) {
		unsigned long long v;
		char num[32];
		/* "hugepages-2048kB" */
		if (strncmp(de->d_name, "hugepages-", 10) != 0)
			continue;
		snprintf(num, sizeof(num), "%s", de->d_name + 10);
		if (strlen(num) < 3 || strcmp(num + strlen(num) - 2, "kB") != 0)
			continue;
		num[strlen(num) - 2] = '\0';
		if (!parse_ull(num, &v) || v == 0)
			continue;
		/* Smallest first, whatever the directory's order: messages list them so. */
		int at = n++;
		for (; at > 0 && kb[at - 1] > v; at--)
			kb[at] = kb[at - 1];
		kb[at] = v;
	}
	return n;
}

int cg_check_hugetlb(const struct cg_limits *l, struct perr *e)
{
	uint64_t have[CG_MAX_HUGE];
	int n = l->nhuge ? cg_huge_sizes(have, CG_MAX_HUGE) : 0;

	for (size_t i = 0; i < l->nhuge; i++) {
		char name[32], list[128] = "";
		bool found = false;
		for (int k = 0; k < n; k++)
			found |= have[k] == l->huge[i].kb;
		if (found)
			continue;
		cg_huge_name(l->huge[i].kb, name, sizeof(name));
		for (int k = 0; k < n; k++) {
			char one[32];
			cg_huge_name(have[k], one, sizeof(one));
			snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s", list[0] ? ", " : "", one);
		}
		return perr_setx(e, EINVAL, "hugetlb.limit: %s: this host has no huge pages of that size (%s%s)", name,
				 n ? "it has " : "it has none", list);
	}
	return 0;
}

int cg_apply_hugetlb(int dir, const struct cg_limits *l, const char *limit, const char *rsvd, const char *none,
		     struct perr *e)
{
	uint64_t have[CG_MAX_HUGE];
	int n = cg_huge_sizes(have, CG_MAX_HUGE);

	for (int k = 0; k < n; k++) {
		const char *const files[] = { limit, rsvd };
		char name[32], file[96], v[32];
		snprintf(v, sizeof(v), "%s", none);
		for (size_t i = 0; i < l->nhuge; i++)
			if (l->huge[i].kb == have[k])
				snprintf(v, sizeof(v), "%llu", (unsigned long long)l->huge[i].max);
		cg_huge_name(have[k], name, sizeof(name));
		for (size_t f = 0; f < ARRAY_SIZE(files); f++) {
			snprintf(file, sizeof(file), "hugetlb.%s.%s", name, files[f]);
			/* The reservation's own counter came with Linux 5.7; without it the limit holds at fault time only. */
			if (f == 1 && faccessat(dir, file, F_OK, 0) < 0)
				continue;
			if (write_file_at(dir, file, v) < 0)
				return perr_set(e, errno, "hugetlb.limit: cgroup %s = %s", file, v);
		}
	}
	return 0;
}

bool cg_hugetlb_limited(int dir, const char *limit, const char *none)
{
	uint64_t have[CG_MAX_HUGE];
	int n = cg_huge_sizes(have, CG_MAX_HUGE);

	for (int k = 0; k < n; k++) {
		char name[32], file[96], buf[64];
		cg_huge_name(have[k], name, sizeof(name));
		snprintf(file, sizeof(file), "hugetlb.%s.%s", name, limit);
		unsigned long long v;
		if (read_file_at(dir, file, buf, sizeof(buf)) <= 0 || strncmp(buf, none, strlen(none)) == 0)
			continue;
		buf[strcspn(buf, "\n")] = '\0';
		/* "max" written is kept rounded down to whole pages, and then read back as that number. */
		if (!parse_ull(buf, &v) || v < CG_HUGE_NONE_ABOVE)
			return true;
	}
	return false;
}
