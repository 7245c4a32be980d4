/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_proc.c - telling node control's runtime from a process that only looks like it: the
 * command line, the executable, and (against a user who starts the runtime's executable with
 * the same arguments) root as its owner.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ours_and_others),
        cmocka_unit_test(test_not_root_is_not_ours),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
