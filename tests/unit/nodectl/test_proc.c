/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_proc.c - telling node control's runtime from a process that only looks like it: the
 * command line, the executable, and (against a user who starts the runtime's executable with
 * the same arguments) root as its owner; a runtime of any shape (a script, an exec) told by its
 * process group and its start time; the process group waited for as a whole.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "proc.h"

#define NOBODY 65534

/* /bin/sh -c LOOP sh run-7 alice in a child, as uid (when root); returns its pid. */
static pid_t spawn_sh(uid_t uid)
{
    pid_t pid = fork();

    if (pid == 0) {
        if (uid != 0 && (setgid(NOBODY) < 0 || setuid(uid) < 0))
            _exit(126);
        execl("/bin/sh", "/bin/sh", "-c", "while :; do sleep 1; done", "sh", "run-7", "alice",
              (char *)NULL);
        _exit(127);
    }
    /* Until the exec is visible in /proc. */
    for (int i = 0; i < 1000 && pid > 1; i++) { /* 10 s: a loaded CI machine */
        char path[64], exe[256];
        ssize_t n;

        snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
        n = readlink(path, exe, sizeof(exe) - 1);
        if (n > 0 && (exe[n] = '\0', strstr(exe, "sh")))
            break;
        usleep(10000);
    }
    return pid;
}

static void reap(pid_t pid)
{
    if (pid > 1) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
}

static const char *sh_exe(void)
{
    static char exe[4096];
    char *r = realpath("/bin/sh", exe);

    return r ? r : "/bin/sh";
}

static void test_ours_and_others(void **state)
{
    const char *args[] = {"run-7", "alice"}, *wrong[] = {"run-8", "alice"};
    char detail[256];
    pid_t pid;

    (void)state;
    if (geteuid() != 0)
        skip(); /* the runtime is root's: as a user, no process of ours can match */
    pid = spawn_sh(0);
    assert_int_equal(dc_proc_is(pid, sh_exe(), args, 2, detail, sizeof(detail)), DC_PROC_OURS);
    assert_int_equal(dc_proc_is(pid, sh_exe(), wrong, 2, detail, sizeof(detail)), DC_PROC_OTHER);
    assert_int_equal(dc_proc_is(pid, "/usr/sbin/datacrumbs", args, 2, detail, sizeof(detail)),
                     DC_PROC_WRONG_EXE);
    reap(pid);
    assert_int_equal(dc_proc_is(pid, sh_exe(), args, 2, detail, sizeof(detail)), DC_PROC_GONE);
}

static void test_not_root_is_not_ours(void **state)
{
    const char *args[] = {"run-7", "alice"};
    char detail[256];
    pid_t pid;

    (void)state;
    if (geteuid() != 0)
        skip();
    pid = spawn_sh(NOBODY);
    assert_int_equal(dc_proc_is(pid, sh_exe(), args, 2, detail, sizeof(detail)), DC_PROC_OTHER);
    assert_non_null(strstr(detail, "not root's"));
    reap(pid);
}

/* A child that leads its own process group (as the direct manager's runtime does), runs as
 * uid and starts a grandchild in the group; returns the leader's pid. */
static pid_t spawn_group(uid_t uid)
{
    pid_t pid = fork();

    if (pid == 0) {
        if (setpgid(0, 0) < 0 || (uid != 0 && (setgid(NOBODY) < 0 || setuid(uid) < 0)))
            _exit(126);
        execl("/bin/sh", "/bin/sh", "-c", "sleep 100 & wait", (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 1000 && pid > 1 && dc_proc_pgrp(pid) != pid; i++)
        usleep(10000);
    return pid;
}

/* The leader and the rest of its group. */
static void reap_group(pid_t pid)
{
    if (pid > 1) {
        kill(-pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
}

static void now_plus(struct timespec *t, long seconds)
{
    clock_gettime(CLOCK_REALTIME, t);
    t->tv_sec += seconds;
}

static void test_leads_run(void **state)
{
    struct timespec after, before;
    pid_t lead, plain, other;

    (void)state;
    if (geteuid() != 0)
        skip();
    lead = spawn_group(0);
    plain = spawn_sh(0);
    other = spawn_group(NOBODY);
    usleep(20000);
    now_plus(&after, 0);
    now_plus(&before, -3600);
    assert_true(dc_proc_leads_run(lead, &after));
    /* A pid file written before the process started names a process that had this pid. */
    assert_false(dc_proc_leads_run(lead, &before));
    /* Not the leader of its own group (the test's group). */
    assert_false(dc_proc_leads_run(plain, &after));
    assert_false(dc_proc_leads_run(other, &after));
    reap_group(lead);
    reap(plain);
    reap_group(other);
    assert_false(dc_proc_leads_run(lead, &after));
}

static void test_group_alive(void **state)
{
    pid_t lead;
    int gone = 0;

    (void)state;
    lead = spawn_group(geteuid());
    for (int i = 0; i < 500 && !dc_proc_group_alive(lead); i++)
        usleep(10000);
    assert_true(dc_proc_group_alive(lead));
    assert_int_equal(dc_proc_signal_group(lead, SIGKILL), 0);
    waitpid(lead, NULL, 0);
    /* The grandchild was killed too: the group is gone (its zombie, if any, does not count). */
    for (int i = 0; i < 500 && !gone; i++) {
        gone = !dc_proc_group_alive(lead);
        usleep(10000);
    }
    assert_true(gone);
    assert_int_equal(dc_proc_signal_group(1, 0), -1);
    assert_int_equal(dc_proc_signal_group(0, 0), -1);
    assert_false(dc_proc_group_alive(1));
}

static void test_pidfile_written(void **state)
{
    char dir[] = "/tmp/dc-pidfile.XXXXXX", path[64];
    struct timespec written;
    struct stat st;
    int fd;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/p.pid", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "4242\n", 5), 5);
    close(fd);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(dc_pidfile_read(path, &written), 4242);
    assert_int_equal(written.tv_sec, st.st_mtim.tv_sec);
    assert_int_equal(written.tv_nsec, st.st_mtim.tv_nsec);
    assert_int_equal(dc_pidfile_read(path, NULL), 4242);
    unlink(path);
    assert_int_equal(dc_pidfile_read(path, &written), 0);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ours_and_others), cmocka_unit_test(test_not_root_is_not_ours),
        cmocka_unit_test(test_leads_run),       cmocka_unit_test(test_group_alive),
        cmocka_unit_test(test_pidfile_written),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
