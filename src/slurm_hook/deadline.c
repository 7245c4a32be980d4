/* SPDX-License-Identifier: BSD-3-Clause */
/* deadline.c - a child with a time limit (see deadline.h). */
#include "deadline.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "proc.h"

/* 1 when pid has ended (and was reaped), 0 when it still runs at the deadline. */
static int wait_until(pid_t pid, long deadline)
{
    int pidfd = dc_pidfd_open(pid), status;

    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        long left = deadline - dc_now_ms();

        if (r == pid || (r < 0 && errno != EINTR))
            break;
        if (left <= 0) {
            if (pidfd >= 0)
                close(pidfd);
            return 0;
        }
        if (pidfd >= 0) {
            struct pollfd p = {.fd = pidfd, .events = POLLIN};

            poll(&p, 1, left > 1000 ? 1000 : (int)left);
        } else {
            struct timespec ts = {0, 20 * 1000000L};

            nanosleep(&ts, NULL);
        }
    }
    if (pidfd >= 0)
        close(pidfd);
    return 1;
}

enum dc_deadline dc_run_with_deadline(long timeout_s, void (*fn)(void *arg), void *arg)
{
    long deadline = dc_now_ms() + timeout_s * 1000;
    pid_t parent = getpid(), pid = fork();

    if (pid < 0)
        return DC_DEADLINE_NO_CHILD;
    if (pid == 0) {
        /* Its own group, so that giving up reaches what it started; but if slurmd kills the
         * hook itself (its group), the work must not go on without it. */
        setpgid(0, 0);
        prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (getppid() != parent)
            _exit(0);
        fn(arg);
        _exit(0);
    }
    setpgid(pid, pid); /* also here: either may run first */
    if (wait_until(pid, deadline))
        return DC_DEADLINE_DONE;
    /* SIGTERM first: node control then kills the helpers it runs in process groups of their
     * own and undoes what it did (preempt.h). Whatever is left after the grace is killed. */
    if (pid > 1 && kill(pid, SIGTERM) == 0 && wait_until(pid, dc_now_ms() + DC_DEADLINE_GRACE_MS))
        return DC_DEADLINE_EXPIRED;
    /* Our own child leads its own group: pid > 1 was checked by fork's contract. */
    if (pid > 1) {
        kill(-pid, SIGKILL);
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
    }
    return DC_DEADLINE_EXPIRED;
}
