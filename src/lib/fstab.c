#include "fstab.h"

#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "util.h"

/*
 * Copy one blank-separated field, turning \040 and \011 back into blanks.
 * NULL when it does not fit: a path cut short would name another file.
 */
static const char *field(const char *p, char *out, size_t len)
{
	size_t n = 0;

	while (*p == ' ' || *p == '\t')
		p++;
	while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
		char c = *p++;
		if (c == '\\' && p[0] == '0' && (p[1] == '4' || p[1] == '1') && (p[2] == '0' || p[2] == '1')) {
			c = p[1] == '4' ? ' ' : '\t';
			p += 3;
		}
		if (n + 1 >= len)
			return NULL;
		out[n++] = c;
	}
	out[n] = '\0';
	return p;
}

static bool has_option(const char *opts, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = opts; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL)
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || p[n] == '\0'))
			return true;
	return false;
}

int fstab_propagation(const char *word, unsigned long *ret)
{
	static const struct { const char *name; unsigned long flag; } words[] = {
		{ "private", MS_PRIVATE }, { "rprivate", MS_PRIVATE }, { "slave", MS_SLAVE },
		{ "rslave", MS_SLAVE }, { "unbindable", MS_UNBINDABLE }, { "runbindable", MS_UNBINDABLE },
		{ "shared", MS_SHARED }, { "rshared", MS_SHARED },
	};

	for (size_t i = 0; i < ARRAY_SIZE(words); i++)
		if (strcmp(word, words[i].name) == 0) {
			*ret = words[i].flag;
			return words[i].flag == MS_SHARED ? -1 : 1;
		}
	return 0;
}

/* The propagation the options ask for; the last word wins, as with mount(8). */
static int parse_propagation(struct fstab_entry *f, struct perr *e)
{
	char opts[sizeof(f->options)];

	f->propagation = MS_PRIVATE;
	snprintf(opts, sizeof(opts), "%s", f->options);
	for (char *save = NULL, *o = strtok_r(opts, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
		unsigned long flag;
		int r = fstab_propagation(o, &flag);
		if (r < 0)
			return perr_setx(e, EPERM, "mount %s: option \"%s\": a jail's mounts are never the host's peers "
					 "(private, slave or unbindable)", f->target, o);
		if (r > 0)
			f->propagation = flag;
	}
	return 0;
}

int fstab_parse_line(const char *line, struct fstab_entry *ret, struct perr *e)
{
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (*p == '\0' || *p == '\n' || *p == '#')
		return 0;
	memset(ret, 0, sizeof(*ret));
	if (!(p = field(p, ret->source, sizeof(ret->source))) || !(p = field(p, ret->target, sizeof(ret->target))) ||
	    !(p = field(p, ret->type, sizeof(ret->type))) || !field(p, ret->options, sizeof(ret->options)))
		return perr_setx(e, ENAMETOOLONG, "mount \"%.64s...\": a field too long", line);
	/* dump and pass mean nothing here */
	if (!ret->source[0] || !ret->target[0] || !ret->type[0])
		return perr_setx(e, EINVAL, "mount \"%s\": expected source, mount point and type", line);
	if (!ret->options[0])
		strcpy(ret->options, "rw");
	ret->readonly = has_option(ret->options, "ro");
	if (strcmp(ret->type, "nullfs") == 0 || has_option(ret->options, "bind") || has_option(ret->options, "rbind"))
		ret->kind = FS_BIND;
	else if (strcmp(ret->type, "tmpfs") == 0)
		ret->kind = FS_TMPFS;
	else if (strcmp(ret->type, "procfs") == 0 || strcmp(ret->type, "proc") == 0 || strcmp(ret->type, "linprocfs") == 0)
		ret->kind = FS_PROC;
	else if (strcmp(ret->type, "overlay") == 0 || strcmp(ret->type, "unionfs") == 0)
		ret->kind = FS_OVERLAY;
	else
		return perr_setx(e, EPERM, "mount %s: file system type \"%s\" is not one a jail may mount "
				"(nullfs, tmpfs, procfs, overlay)", ret->target, ret->type);
	if (ret->kind == FS_BIND && ret->source[0] != '/')
		return perr_setx(e, EINVAL, "mount %s: source \"%s\" is not an absolute path", ret->target, ret->source);
	return parse_propagation(ret, e) < 0 ? -1 : 1;
}

int fstab_relative_target(const char *jail_path, const char *target, char *ret, size_t len, struct perr *e)
{
	size_t n = strlen(jail_path);
	const char *rel;

	if (target[0] != '/')
		return perr_setx(e, EINVAL, "mount point \"%s\": not an absolute path", target);
	while (n > 1 && jail_path[n - 1] == '/')
		n--;
	if (strcmp(jail_path, "/") == 0)
		rel = target + 1;
	else if (strncmp(target, jail_path, n) == 0 && (target[n] == '/' || target[n] == '\0'))
		rel = target + n + (target[n] == '/');
	else
		return perr_setx(e, EINVAL, "mount point \"%s\": not under the jail's path %s", target, jail_path);
	if (strstr(rel, "..") && (strcmp(rel, "..") == 0 || strncmp(rel, "../", 3) == 0 || strstr(rel, "/../") ||
				  (strlen(rel) >= 3 && strcmp(rel + strlen(rel) - 3, "/..") == 0)))
		return perr_setx(e, EINVAL, "mount point \"%s\": '..' is not allowed", target);
	snprintf(ret, len, "%s", *rel ? rel : ".");
	return 0;
}
