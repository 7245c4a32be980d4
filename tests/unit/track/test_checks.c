/* SPDX-License-Identifier: BSD-3-Clause */
/* test_checks.c - finding the target and each refusal with its exit code and advice. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <elf.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include "../common/testutil.h"
#include "craft.h"
#include "track/checks.h"
#include "track/track.h"

static char *dir;
static char msg[2048];

static char *path_of(const char *name)
{
    static char buf[PATH_MAX];

    snprintf(buf, sizeof(buf), "%s/%s", dir, name);
    return buf;
}

static int open_target(struct target *t, const char *arg)
{
    *t = (struct target)TARGET_INIT;
    msg[0] = '\0';
    return target_open(t, arg, TARGET_LINKS_FOLLOW, msg, sizeof(msg));
}

static void test_target_resolution(void **state)
{
    char *old_path = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    struct target t;

    (void)state;
    tu_write(path_of("prog"), "x", 0755);
    tu_write(path_of("data"), "x", 0644);
    assert_int_equal(symlink("prog", path_of("link")), 0);
    assert_int_equal(mkfifo(path_of("fifo"), 0644), 0);
    assert_int_equal(mkdir(path_of("sub"), 0755), 0);

    assert_int_equal(open_target(&t, path_of("prog")), TRACK_EXIT_OK);
    assert_string_equal(t.name, "prog");
    assert_true(S_ISREG(t.st.st_mode));
    target_close(&t);
    /* A symlink resolves to its target; the target is what gets opened. */
    assert_int_equal(open_target(&t, path_of("link")), TRACK_EXIT_OK);
    assert_string_equal(t.name, "prog");
    assert_non_null(strstr(t.path, "/prog"));
    target_close(&t);

    assert_int_equal(open_target(&t, path_of("missing")), TRACK_EXIT_NOT_FOUND);
    target_close(&t);
    assert_int_equal(open_target(&t, path_of("sub")), TRACK_EXIT_NOT_REGULAR);
    assert_non_null(strstr(msg, "a directory"));
    target_close(&t);
    assert_int_equal(open_target(&t, path_of("fifo")), TRACK_EXIT_NOT_REGULAR);
    assert_non_null(strstr(msg, "FIFO"));
    target_close(&t);
    assert_int_equal(open_target(&t, "/dev/null"), TRACK_EXIT_NOT_REGULAR);
    target_close(&t);
    assert_int_equal(open_target(&t, "/"), TRACK_EXIT_NOT_REGULAR);
    target_close(&t);

    /* Bare names come from PATH only, like a command. */
    setenv("PATH", dir, 1);
    assert_int_equal(open_target(&t, "prog"), TRACK_EXIT_OK);
    assert_string_equal(t.name, "prog");
    target_close(&t);
    assert_int_equal(open_target(&t, "data"), TRACK_EXIT_NOT_FOUND); /* not executable */
    target_close(&t);
    assert_int_equal(open_target(&t, "nothing"), TRACK_EXIT_NOT_FOUND);
    assert_non_null(strstr(msg, "not found in PATH"));
    target_close(&t);
    assert_int_equal(open_target(&t, "sub"), TRACK_EXIT_NOT_REGULAR);
    target_close(&t);
    if (old_path) {
        setenv("PATH", old_path, 1);
        free(old_path);
    }
}

static int open_strict(struct target *t, const char *arg)
{
    *t = (struct target)TARGET_INIT;
    msg[0] = '\0';
    return target_open(t, arg, TARGET_LINKS_STRICT, msg, sizeof(msg));
}

/* Root without --follow: no final link, no link root does not own on the way. */
static void test_strict_links(void **state)
{
    char buf[PATH_MAX * 2];
    struct target t;

    (void)state;
    tu_write(path_of("sprog"), "x", 0755);
    assert_int_equal(mkdir(path_of("sdir"), 0755), 0);
    assert_int_equal(symlink("sprog", path_of("slink")), 0);
    assert_int_equal(symlink(dir, path_of("sdir/up")), 0);
    if (geteuid() == 0) /* a link of someone else's */
        assert_int_equal(lchown(path_of("sdir/up"), 65534, 65534), 0);

    assert_int_equal(open_strict(&t, path_of("sprog")), TRACK_EXIT_OK);
    target_close(&t);
    snprintf(buf, sizeof(buf), "%s/sdir/../sprog", dir); /* ".." is not a link */
    assert_int_equal(open_strict(&t, buf), TRACK_EXIT_OK);
    assert_string_equal(t.name, "sprog");
    target_close(&t);
    assert_int_equal(open_strict(&t, path_of("slink")), TRACK_EXIT_SYMLINK);
    assert_non_null(strstr(msg, "slink: is a symbolic link (to sprog)"));
    assert_non_null(strstr(msg, "--follow"));
    target_close(&t);
    snprintf(buf, sizeof(buf), "%s/sdir/up/sprog", dir);
    assert_int_equal(open_strict(&t, buf), TRACK_EXIT_SYMLINK);
    assert_non_null(strstr(msg, "owned by uid"));
    target_close(&t);
    /* A link reached inside another link's target is judged too. */
    snprintf(buf, sizeof(buf), "%s/sdir/up/slink", dir);
    assert_int_equal(open_strict(&t, buf), TRACK_EXIT_SYMLINK);
    target_close(&t);
    if (geteuid() == 0) { /* root's own link in the middle is the system's layout */
        assert_int_equal(symlink(dir, path_of("rootup")), 0);
        snprintf(buf, sizeof(buf), "%s/rootup/sprog", dir);
        assert_int_equal(open_strict(&t, buf), TRACK_EXIT_OK);
        target_close(&t);
        snprintf(buf, sizeof(buf), "%s/rootup/slink", dir);
        assert_int_equal(open_strict(&t, buf), TRACK_EXIT_SYMLINK);
        target_close(&t);
    }
    /* Following, all of these open. */
    snprintf(buf, sizeof(buf), "%s/sdir/up/slink", dir);
    t = (struct target)TARGET_INIT;
    assert_int_equal(target_open(&t, buf, TARGET_LINKS_FOLLOW, msg, sizeof(msg)), TRACK_EXIT_OK);
    assert_string_equal(t.name, "sprog");
    target_close(&t);
}

static void test_not_elf_hint(void **state)
{
    struct target t;

    (void)state;
    tu_write(path_of("script"), "#!/bin/sh\necho hi\n", 0755);
    assert_int_equal(open_target(&t, path_of("script")), TRACK_EXIT_OK);
    assert_int_equal(check_elf_status(&t, ELFINFO_NOT_ELF, "no ELF magic number", msg, sizeof(msg)),
                     TRACK_EXIT_NOT_ELF);
    assert_non_null(strstr(msg, "track the interpreter or use datacrumbs_wrap"));
    assert_int_equal(check_elf_status(&t, ELFINFO_MALFORMED, "bad", msg, sizeof(msg)),
                     TRACK_EXIT_NOT_ELF);
    assert_int_equal(check_elf_status(&t, ELFINFO_IOERR, "bad", msg, sizeof(msg)),
                     TRACK_EXIT_FAILED);
    assert_int_equal(check_elf_status(&t, ELFINFO_OK, "", msg, sizeof(msg)), TRACK_EXIT_OK);
    target_close(&t);
}

static void test_dynamic_and_arch(void **state)
{
    struct elfinfo e, lib;
    struct target t;

    (void)state;
    memset(&e, 0, sizeof(e));
    memset(&lib, 0, sizeof(lib));
    tu_write(path_of("p"), "x", 0755);
    assert_int_equal(open_target(&t, path_of("p")), TRACK_EXIT_OK);
    e.kind = ELFINFO_PIE;
    assert_int_equal(check_dynamic(&t, &e, msg, sizeof(msg)), TRACK_EXIT_OK);
    e.kind = ELFINFO_DYN_EXEC;
    assert_int_equal(check_dynamic(&t, &e, msg, sizeof(msg)), TRACK_EXIT_OK);
    e.kind = ELFINFO_STATIC;
    assert_int_equal(check_dynamic(&t, &e, msg, sizeof(msg)), TRACK_EXIT_NOT_DYNAMIC);
    assert_non_null(strstr(msg, "statically linked"));
    e.kind = ELFINFO_STATIC_PIE;
    assert_int_equal(check_dynamic(&t, &e, msg, sizeof(msg)), TRACK_EXIT_NOT_DYNAMIC);
    assert_non_null(strstr(msg, "static-pie"));
    e.kind = ELFINFO_SHARED_LIB;
    assert_int_equal(check_dynamic(&t, &e, msg, sizeof(msg)), TRACK_EXIT_NOT_DYNAMIC);
    assert_non_null(strstr(msg, "program that loads it"));
    e.kind = ELFINFO_OTHER;
    assert_int_equal(check_dynamic(&t, &e, msg, sizeof(msg)), TRACK_EXIT_NOT_DYNAMIC);

    lib.elf_class = e.elf_class = ELFCLASS64;
    lib.data = e.data = ELFDATA2LSB;
    lib.machine = e.machine = EM_X86_64;
    assert_int_equal(check_arch(&t, &e, "/lib/x.so", &lib, msg, sizeof(msg)), TRACK_EXIT_OK);
    e.elf_class = ELFCLASS32;
    e.machine = EM_386;
    assert_int_equal(check_arch(&t, &e, "/lib/x.so", &lib, msg, sizeof(msg)),
                     TRACK_EXIT_WRONG_ARCH);
    assert_non_null(strstr(msg, "32-bit i386"));
    assert_non_null(strstr(msg, "64-bit x86-64"));
    e.elf_class = ELFCLASS64;
    e.machine = EM_AARCH64;
    assert_int_equal(check_arch(&t, &e, "/lib/x.so", &lib, msg, sizeof(msg)),
                     TRACK_EXIT_WRONG_ARCH);
    e.machine = EM_X86_64;
    e.data = ELFDATA2MSB;
    assert_int_equal(check_arch(&t, &e, "/lib/x.so", &lib, msg, sizeof(msg)),
                     TRACK_EXIT_WRONG_ARCH);
    target_close(&t);
}

static void test_privileged(void **state)
{
    struct target t;

    (void)state;
    tu_write(path_of("plain"), "x", 0755);
    assert_int_equal(open_target(&t, path_of("plain")), TRACK_EXIT_OK);
    assert_int_equal(check_privileged(&t, msg, sizeof(msg)), 0);
    target_close(&t);
    tu_write(path_of("suid"), "x", 04755);
    assert_int_equal(open_target(&t, path_of("suid")), TRACK_EXIT_OK);
    assert_int_equal(check_privileged(&t, msg, sizeof(msg)), 1);
    assert_non_null(strstr(msg, "set-user-ID"));
    target_close(&t);
    tu_write(path_of("sgid"), "x", 02755);
    assert_int_equal(open_target(&t, path_of("sgid")), TRACK_EXIT_OK);
    if (t.st.st_mode & S_ISGID) { /* not silently dropped (group membership) */
        assert_int_equal(check_privileged(&t, msg, sizeof(msg)), 1);
        assert_non_null(strstr(msg, "set-group-ID"));
    }
    target_close(&t);
}

static void test_writable(void **state)
{
    struct target t;
    int flags;

    (void)state;
    tu_write(path_of("w"), "x", 0755);
    assert_int_equal(open_target(&t, path_of("w")), TRACK_EXIT_OK);
    assert_int_equal(check_writable(&t, msg, sizeof(msg)), TRACK_EXIT_OK);
    if (geteuid() != 0) {
        chmod(path_of("w"), 0555);
        assert_int_equal(check_writable(&t, msg, sizeof(msg)), TRACK_EXIT_NOT_WRITABLE);
        assert_non_null(strstr(msg, "copy it"));
        chmod(path_of("w"), 0755);
    } else if (ioctl(t.fd, FS_IOC_GETFLAGS, &flags) == 0) {
        /* Root writes anything, except an immutable file. */
        flags |= FS_IMMUTABLE_FL;
        if (ioctl(t.fd, FS_IOC_SETFLAGS, &flags) == 0) {
            assert_int_equal(check_writable(&t, msg, sizeof(msg)), TRACK_EXIT_NOT_WRITABLE);
            assert_non_null(strstr(msg, "immutable"));
            flags &= ~FS_IMMUTABLE_FL;
            assert_int_equal(ioctl(t.fd, FS_IOC_SETFLAGS, &flags), 0);
        }
    }
    target_close(&t);
}

static void test_system_path(void **state)
{
    (void)state;
    assert_true(check_system_path("/usr/bin/dd"));
    assert_true(check_system_path("/bin/ls"));
    assert_true(check_system_path("/sbin/init"));
    assert_true(check_system_path("/lib64/ld-linux-x86-64.so.2"));
    assert_true(check_system_path("/lib/x"));
    assert_false(check_system_path("/usrlocal/x"));
    assert_false(check_system_path("/usr/local/bin/app"));
    assert_false(check_system_path("/home/u/bin/app"));
    assert_false(check_system_path("/opt/app/bin/x"));
    assert_false(check_system_path("/library/x"));
}

static int setup(void **state)
{
    (void)state;
    dir = tu_mkdtemp();
    return dir ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    return tu_dir_done(&dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_target_resolution), cmocka_unit_test(test_strict_links),
        cmocka_unit_test(test_not_elf_hint),      cmocka_unit_test(test_dynamic_and_arch),
        cmocka_unit_test(test_privileged),        cmocka_unit_test(test_writable),
        cmocka_unit_test(test_system_path),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
