/* SPDX-License-Identifier: BSD-3-Clause */
/* test_replace.c - copy, edit, keep metadata, rename over; aborts and leftovers. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#include "../common/testutil.h"
#include "track/replace.h"

static char *dir;
static int dirfd_;

static char *path_of(const char *name)
{
    static char buf[PATH_MAX];

    snprintf(buf, sizeof(buf), "%s/%s", dir, name);
    return buf;
}

static char *slurp(const char *name)
{
    static char buf[4096];
    int fd = openat(dirfd_, name, O_RDONLY);
    ssize_t n;

    assert_true(fd >= 0);
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    assert_true(n >= 0);
    buf[n] = '\0';
    return buf;
}

/* Entries of the directory other than . and .. */
static int count_entries(void)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;

    while ((de = readdir(d)) != NULL)
        n += strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0;
    closedir(d);
    return n;
}

/* A "program" with a mode, a user xattr (where the filesystem has them) and old timestamps. */
static int make_prog(const char *name, mode_t mode, int *has_xattr)
{
    struct timespec times[2] = {{1000000000, 111}, {1200000000, 222}};
    int fd;

    tu_write(path_of(name), "original contents\n", mode);
    chmod(path_of(name), mode);
    *has_xattr = setxattr(path_of(name), "user.dc_test", "v1", 2, 0) == 0;
    assert_int_equal(utimensat(dirfd_, name, times, 0), 0);
    fd = openat(dirfd_, name, O_RDONLY | O_CLOEXEC);
    assert_true(fd >= 0);
    return fd;
}

static void test_replace_keeps_metadata(void **state)
{
    struct replace r = REPLACE_INIT;
    struct stat before, after;
    char val[16];
    int has_xattr, fd = make_prog("prog", 0751, &has_xattr);

    (void)state;
    assert_int_equal(fstat(fd, &before), 0);
    assert_int_equal(replace_begin(&r, dirfd_, "prog", fd, &before), 0);
    assert_string_equal(slurp(r.tmpname), "original contents\n");
    /* The edit, as patchelf would do it through the path it is given. */
    {
        char p[PATH_MAX + NAME_MAX + 2];
        int w;

        replace_tmp_path(&r, dir, p, sizeof(p));
        w = open(p, O_WRONLY | O_TRUNC);
        assert_true(w >= 0);
        assert_int_equal(write(w, "patched\n", 8), 8);
        close(w);
    }
    assert_int_equal(replace_copy_metadata(&r, fd), 0);
    assert_int_equal(replace_commit(&r, NULL), 0);
    assert_int_equal(stat(path_of("prog"), &after), 0); /* before a read moves atime */
    assert_string_equal(slurp("prog"), "patched\n");
    assert_int_not_equal(after.st_ino, before.st_ino);
    assert_int_equal(after.st_mode, before.st_mode);
    assert_int_equal(after.st_uid, before.st_uid);
    assert_int_equal(after.st_gid, before.st_gid);
    assert_int_equal(after.st_mtim.tv_sec, 1200000000);
    assert_int_equal(after.st_mtim.tv_nsec, 222);
    assert_int_equal(after.st_atim.tv_sec, 1000000000);
    if (has_xattr) {
        assert_int_equal(getxattr(path_of("prog"), "user.dc_test", val, sizeof(val)), 2);
        assert_memory_equal(val, "v1", 2);
    }
    assert_int_equal(count_entries(), 1); /* no temporary file left */
    replace_abort(&r);                    /* harmless after a commit */
    assert_int_equal(count_entries(), 1);
    close(fd);
    unlink(path_of("prog"));
}

static void test_setid_bits_kept(void **state)
{
    struct replace r = REPLACE_INIT;
    struct stat before, after;
    int has_xattr, fd = make_prog("suid", 04755, &has_xattr);

    (void)state;
    assert_int_equal(fstat(fd, &before), 0);
    assert_int_equal(replace_begin(&r, dirfd_, "suid", fd, &before), 0);
    assert_int_equal(replace_copy_metadata(&r, fd), 0);
    assert_int_equal(replace_commit(&r, NULL), 0);
    assert_int_equal(stat(path_of("suid"), &after), 0);
    assert_int_equal(after.st_mode & 07777, 04755);
    close(fd);
    unlink(path_of("suid"));
}

static void test_backup(void **state)
{
    struct replace r = REPLACE_INIT;
    struct stat before, bak;
    int has_xattr, fd = make_prog("prog", 0755, &has_xattr);

    (void)state;
    tu_write(path_of("prog~"), "an older backup\n", 0644);
    assert_int_equal(fstat(fd, &before), 0);
    assert_int_equal(replace_begin(&r, dirfd_, "prog", fd, &before), 0);
    assert_int_equal(pwrite(r.tmpfd, "NEW", 3, 0), 3);
    assert_int_equal(replace_copy_metadata(&r, fd), 0);
    assert_int_equal(replace_commit(&r, "prog~"), 0);
    assert_string_equal(slurp("prog~"), "original contents\n");
    assert_string_equal(slurp("prog"), "NEWginal contents\n");
    assert_int_equal(stat(path_of("prog~"), &bak), 0);
    assert_int_equal(bak.st_ino, before.st_ino); /* the original inode itself */
    assert_int_equal(count_entries(), 2);
    close(fd);
    unlink(path_of("prog"));
    unlink(path_of("prog~"));
}

static void test_abort_leaves_original(void **state)
{
    struct replace r = REPLACE_INIT;
    struct stat before, now;
    int has_xattr, fd = make_prog("prog", 0755, &has_xattr);

    (void)state;
    assert_int_equal(fstat(fd, &before), 0);
    assert_int_equal(replace_begin(&r, dirfd_, "prog", fd, &before), 0);
    assert_int_equal(count_entries(), 2);
    replace_abort(&r);
    replace_abort(&r);
    assert_int_equal(count_entries(), 1);
    assert_int_equal(stat(path_of("prog"), &now), 0);
    assert_int_equal(now.st_ino, before.st_ino);
    assert_string_equal(slurp("prog"), "original contents\n");
    close(fd);
    unlink(path_of("prog"));
}

static void test_changed_original_wins(void **state)
{
    struct replace r = REPLACE_INIT;
    struct stat before;
    int has_xattr, fd = make_prog("prog", 0755, &has_xattr);

    (void)state;
    assert_int_equal(fstat(fd, &before), 0);
    assert_int_equal(replace_begin(&r, dirfd_, "prog", fd, &before), 0);
    assert_int_equal(replace_copy_metadata(&r, fd), 0);
    /* Someone installs a new version meanwhile. */
    tu_write(path_of("other"), "new release\n", 0755);
    assert_int_equal(renameat(dirfd_, "other", dirfd_, "prog"), 0);
    assert_int_equal(replace_commit(&r, NULL), -1);
    assert_int_equal(r.err_no, ESTALE);
    assert_non_null(strstr(r.err, "changed"));
    replace_abort(&r);
    assert_string_equal(slurp("prog"), "new release\n");
    assert_int_equal(count_entries(), 1);
    close(fd);
    unlink(path_of("prog"));
}

static void test_signal_cleanup(void **state)
{
    int status, has_xattr, fd = make_prog("prog", 0755, &has_xattr);
    pid_t pid;

    (void)state;
    close(fd);
    pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        struct replace r = REPLACE_INIT;
        struct stat st;
        int f = openat(dirfd_, "prog", O_RDONLY);

        fstat(f, &st);
        if (replace_begin(&r, dirfd_, "prog", f, &st) < 0)
            _exit(1);
        replace_on_signal(); /* what the SIGTERM handler of datacrumbs_track does */
        _exit(0);
    }
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_int_equal(WEXITSTATUS(status), 0);
    assert_int_equal(count_entries(), 1);
    unlink(path_of("prog"));
}

static void test_clean_stale(void **state)
{
    char name[NAME_MAX + 1];
    int status;
    pid_t dead = fork();

    (void)state;
    if (dead == 0)
        _exit(0);
    waitpid(dead, &status, 0);
    tu_write(path_of("prog"), "x", 0755);
    snprintf(name, sizeof(name), ".prog" REPLACE_TAG "%ld-0000abcd", (long)dead);
    tu_write(path_of(name), "stale", 0600); /* its process is gone: removed */
    snprintf(name, sizeof(name), ".prog" REPLACE_TAG "%ld-0000abcd", (long)getpid());
    tu_write(path_of(name), "mine", 0600);                             /* a live process: kept */
    tu_write(path_of(".prog" REPLACE_TAG "1-00000001"), "init", 0600); /* alive: kept */
    tu_write(path_of(".other" REPLACE_TAG "99999999-1"), "x", 0600);   /* another file: kept */
    tu_write(path_of(".prog" REPLACE_TAG "notapid"), "x", 0600);       /* not our pattern */
    assert_int_equal(count_entries(), 6);
    assert_int_equal(replace_clean_stale(dirfd_, "prog"), 1);
    assert_int_equal(count_entries(), 5);
    assert_int_equal(replace_clean_stale(dirfd_, "prog"), 0);
    tu_rmtree(dir);
    assert_int_equal(mkdir(dir, 0700), 0);
    close(dirfd_);
    dirfd_ = open(dir, O_RDONLY | O_DIRECTORY);
}

static void test_long_name(void **state)
{
    char name[NAME_MAX + 1];
    struct replace r = REPLACE_INIT;
    struct stat st;
    int fd;

    (void)state;
    memset(name, 'n', NAME_MAX);
    name[NAME_MAX] = '\0';
    tu_write(path_of(name), "long\n", 0755);
    fd = openat(dirfd_, name, O_RDONLY);
    assert_true(fd >= 0);
    fstat(fd, &st);
    assert_int_equal(replace_begin(&r, dirfd_, name, fd, &st), 0);
    assert_true(strlen(r.tmpname) <= NAME_MAX);
    assert_int_equal(replace_copy_metadata(&r, fd), 0);
    assert_int_equal(replace_commit(&r, NULL), 0);
    assert_int_equal(count_entries(), 1);
    close(fd);
    unlink(path_of(name));
}

static int setup(void **state)
{
    (void)state;
    dir = tu_mkdtemp();
    if (!dir)
        return -1;
    dirfd_ = open(dir, O_RDONLY | O_DIRECTORY);
    return dirfd_ < 0 ? -1 : 0;
}

static int teardown(void **state)
{
    (void)state;
    close(dirfd_);
    tu_dir_done(&dir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_replace_keeps_metadata),
        cmocka_unit_test(test_setid_bits_kept),
        cmocka_unit_test(test_backup),
        cmocka_unit_test(test_abort_leaves_original),
        cmocka_unit_test(test_changed_original_wins),
        cmocka_unit_test(test_signal_cleanup),
        cmocka_unit_test(test_clean_stale),
        cmocka_unit_test(test_long_name),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
