/* Unit tests of fstab(5) lines and mount points for mount and mount.fstab. */
#include "../../src/lib/fstab.h"

#include <sys/mount.h>

#include "unit.h"

static void test_lines(void)
{
	struct fstab_entry f;
	struct perr e = { 0 };

	CHECK(fstab_parse_line("/usr/src /jails/www/usr/src nullfs ro 0 0", &f, &e) == 1);
	CHECK_STR(f.source, "/usr/src");
	CHECK_STR(f.target, "/jails/www/usr/src");
	CHECK(f.kind == FS_BIND && f.readonly);
	CHECK(fstab_parse_line("tmpfs /jails/www/tmp tmpfs rw,size=16m,mode=1777 0 0", &f, &e) == 1);
	CHECK(f.kind == FS_TMPFS && !f.readonly);
	CHECK_STR(f.options, "rw,size=16m,mode=1777");
	CHECK(fstab_parse_line("proc /j/proc procfs rw", &f, &e) == 1);
	CHECK(f.kind == FS_PROC);
	CHECK(fstab_parse_line("/srv/My\\040Files /j/data nullfs rw 0 0", &f, &e) == 1);
	CHECK_STR(f.source, "/srv/My Files");
	CHECK(fstab_parse_line("/a /j/b none bind,ro", &f, &e) == 1);
	CHECK(f.kind == FS_BIND && f.readonly);
	CHECK(fstab_parse_line("x /j/y tmpfs", &f, &e) == 1);
	CHECK_STR(f.options, "rw");
	CHECK(fstab_parse_line("overlay /j/u overlay lowerdir=/base,upperdir=/up,workdir=/w 0 0", &f, &e) == 1);
	CHECK(f.kind == FS_OVERLAY);
	/* Private unless asked, the last propagation word winning, as with mount(8). */
	CHECK(fstab_parse_line("/a /j/b nullfs ro 0 0", &f, &e) == 1);
	CHECK(f.propagation == MS_PRIVATE);
	CHECK(fstab_parse_line("/a /j/b nullfs rw,rslave 0 0", &f, &e) == 1);
	CHECK(f.propagation == MS_SLAVE && !f.readonly);
	CHECK(fstab_parse_line("/a /j/b nullfs slave,runbindable 0 0", &f, &e) == 1);
	CHECK(f.propagation == MS_UNBINDABLE);
	CHECK(fstab_parse_line("tmpfs /j/t tmpfs rprivate,size=1m 0 0", &f, &e) == 1);
	CHECK(f.propagation == MS_PRIVATE);
	CHECK(fstab_parse_line("   # a comment", &f, &e) == 0);
	CHECK(fstab_parse_line("", &f, &e) == 0);
}

static void test_bad_lines(void)
{
	struct fstab_entry f;
	struct perr e = { 0 };

	CHECK(fstab_parse_line("/dev/sda1 /j/mnt ext4 rw 0 0", &f, &e) < 0);
	CHECK_STR(e.msg, "mount /j/mnt: file system type \"ext4\" is not one a jail may mount (nullfs, tmpfs, procfs, overlay)");
	CHECK(fstab_parse_line("/only /two", &f, &e) < 0);
	CHECK(fstab_parse_line("relative /j/x nullfs ro", &f, &e) < 0);
	CHECK_STR(e.msg, "mount /j/x: source \"relative\" is not an absolute path");
	CHECK(fstab_parse_line("/a /j/b nullfs rw,rshared 0 0", &f, &e) < 0);
	CHECK_STR(e.msg, "mount /j/b: option \"rshared\": a jail's mounts are never the host's peers (private, slave or unbindable)");
	CHECK(fstab_parse_line("/a /j/b nullfs shared", &f, &e) < 0);
}

static void test_targets(void)
{
	char rel[256];
	struct perr e = { 0 };

	CHECK(fstab_relative_target("/jails/www", "/jails/www/usr/src", rel, sizeof(rel), &e) == 0);
	CHECK_STR(rel, "usr/src");
	CHECK(fstab_relative_target("/jails/www/", "/jails/www/tmp", rel, sizeof(rel), &e) == 0);
	CHECK_STR(rel, "tmp");
	CHECK(fstab_relative_target("/", "/mnt/data", rel, sizeof(rel), &e) == 0);
	CHECK_STR(rel, "mnt/data");
	CHECK(fstab_relative_target("/jails/www", "/jails/wwwx/tmp", rel, sizeof(rel), &e) < 0);
	CHECK_STR(e.msg, "mount point \"/jails/wwwx/tmp\": not under the jail's path /jails/www");
	CHECK(fstab_relative_target("/jails/www", "/jails/www/../etc", rel, sizeof(rel), &e) < 0);
	CHECK(fstab_relative_target("/jails/www", "relative", rel, sizeof(rel), &e) < 0);
}

UNIT_MAIN(test_lines, test_bad_lines, test_targets)
