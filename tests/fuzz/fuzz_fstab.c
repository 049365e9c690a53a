/*
 * fstab(5) lines of mount and mount.fstab (fstab.h), one per line of the
 * input: an entry that parses, written back with its blanks escaped,
 * parses to the same entry; no field is cut short; and the mount point
 * made relative to a jail's path never climbs out with "..".
 */
#include "fuzz.h"

#include "../../src/lib/fstab.h"

static void escape(const char *s, char *out, size_t len)
{
	size_t n = 0;

	for (; *s && n + 5 < len; s++) {
		if (*s == ' ' || *s == '\t')
			n += (size_t)snprintf(out + n, len - n, "\\0%s", *s == ' ' ? "40" : "11");
		else
			out[n++] = *s;
	}
	out[n] = '\0';
}

static bool has_dotdot(const char *rel)
{
	const char *p = rel;

	while (p) {
		if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == '\0'))
			return true;
		p = strchr(p, '/');
		if (p)
			p++;
	}
	return false;
}

/* The length of each of the first four fields of line once unescaped, counted apart from the parser. */
static void raw_lengths(const char *p, size_t len[4])
{
	for (int i = 0; i < 4; i++) {
		p += strspn(p, " \t");
		len[i] = 0;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n') {
			if (p[0] == '\\' && p[1] == '0' && strchr("41", p[2]) && p[2] && strchr("01", p[3]) && p[3])
				p += 3;
			p++;
			len[i]++;
		}
	}
}

static void check_entry(const char *raw, const struct fstab_entry *f)
{
	size_t len[4];

	static char line[4 * 4200 + 16], fields[4][4200];
	struct fstab_entry again;
	struct perr e = { 0 };
	char rel[1024];

	raw_lengths(raw, len);
	FUZZ_ASSERT(strlen(f->source) == len[0] && strlen(f->target) == len[1] && strlen(f->type) == len[2]);
	FUZZ_ASSERT(len[3] ? strlen(f->options) == len[3] : strcmp(f->options, "rw") == 0);
	escape(f->source, fields[0], sizeof(fields[0]));
	escape(f->target, fields[1], sizeof(fields[1]));
	escape(f->type, fields[2], sizeof(fields[2]));
	escape(f->options, fields[3], sizeof(fields[3]));
	snprintf(line, sizeof(line), "%s %s %s %s 0 0", fields[0], fields[1], fields[2], fields[3]);
	FUZZ_ASSERT(fstab_parse_line(line, &again, &e) == 1);
	FUZZ_ASSERT(strcmp(again.source, f->source) == 0 && strcmp(again.target, f->target) == 0 &&
		    strcmp(again.type, f->type) == 0 && strcmp(again.options, f->options) == 0 &&
		    again.kind == f->kind && again.readonly == f->readonly);
	if (f->kind == FS_BIND)
		FUZZ_ASSERT(f->source[0] == '/');
	if (fstab_relative_target("/jails/j", f->target, rel, sizeof(rel), &e) == 0)
		FUZZ_ASSERT(!has_dotdot(rel) && rel[0] != '\0');
	if (fstab_relative_target("/", f->target, rel, sizeof(rel), &e) == 0)
		FUZZ_ASSERT(!has_dotdot(rel) && rel[0] != '\0');
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = fuzz_string(data, size), *p = text, *line;
	struct fstab_entry f;
	struct perr e = { 0 };

	while ((line = fuzz_line(&p))) {
		int r = fstab_parse_line(line, &f, &e);
		if (r == 1)
			check_entry(line, &f);
		else if (r < 0)
			FUZZ_ASSERT(e.msg[0] != '\0');
	}
	free(text);
	return 0;
}
