/* SPDX-License-Identifier: BSD-3-Clause */
/* proc.c - identity checks and waits on a process that is not our child (see proc.h). */
#include "proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"

static ssize_t read_small(const char *path, char *buf, size_t cap)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    ssize_t len = 0, n;

    if (fd < 0)
        return -1;
    while ((size_t)len < cap - 1 && (n = read(fd, buf + len, cap - 1 - (size_t)len)) > 0)
        len += n;
    close(fd);
    buf[len] = '\0';
    return len;
}

char dc_proc_state(pid_t pid)
{
    char path[64], buf[1024], *rp;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (pid <= 0 || read_small(path, buf, sizeof(buf)) <= 0)
        return 0;
    /* "pid (comm) S ...": comm may hold ')' itself, so take the last one. */
    rp = strrchr(buf, ')');
    return rp && rp[1] == ' ' ? rp[2] : 0;
}

/* The process group (field 5) and start time in clock ticks after boot (field 22) of
 * /proc/PID/stat. 0 or -1. */
static int stat_fields(pid_t pid, pid_t *pgrp, unsigned long long *start)
{
    char path[64], buf[1024], *rp;
    unsigned long long v;
    int pg;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if (pid <= 0 || read_small(path, buf, sizeof(buf)) <= 0 || !(rp = strrchr(buf, ')')))
        return -1;
    /* After "(comm)": state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
     * cmajflt utime stime cutime cstime priority nice num_threads itrealvalue starttime. */
    if (sscanf(rp + 1,
               " %*c %*d %d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d "
               "%*d %llu",
               &pg, &v) != 2)
        return -1;
    *pgrp = (pid_t)pg;
    *start = v;
    return 0;
}

pid_t dc_proc_pgrp(pid_t pid)
{
    unsigned long long start;
    pid_t pg;

    return stat_fields(pid, &pg, &start) == 0 ? pg : -1;
}

bool dc_proc_alive(pid_t pid)
{
    char s = dc_proc_state(pid);

    return s != 0 && s != 'Z' && s != 'X';
}

/* Whether pid runs with real and effective uid 0 (the "Uid:" line of /proc/PID/status). */
static bool runs_as_root(pid_t pid)
{
    char path[64], buf[4096], *uid;
    unsigned long real, eff;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if (read_small(path, buf, sizeof(buf)) <= 0 || !(uid = strstr(buf, "\nUid:")))
        return false;
    return sscanf(uid + 5, "%lu %lu", &real, &eff) == 2 && real == 0 && eff == 0;
}

enum dc_proc_match dc_proc_is(pid_t pid, const char *exe, const char *const args[], size_t nargs,
                              char *detail, size_t detlen)
{
    char path[64], link[PATH_MAX + 16], cmd[16384];
    const char *argv_at[256];
    size_t argc = 0, el = strlen(exe);
    ssize_t n, len;

    if (!dc_proc_alive(pid))
        return DC_PROC_GONE;
    snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
    len = read_small(path, cmd, sizeof(cmd));
    if (len < 0)
        return DC_PROC_GONE;
    for (ssize_t i = 0; i < len && argc < sizeof(argv_at) / sizeof(argv_at[0]);) {
        argv_at[argc++] = cmd + i;
        i += (ssize_t)strlen(cmd + i) + 1;
    }
    if (argc < nargs + 1) {
        snprintf(detail, detlen, "pid %d is another process", (int)pid);
        return DC_PROC_OTHER;
    }
    if (!runs_as_root(pid)) {
        if (!dc_proc_alive(pid))
            return DC_PROC_GONE;
        snprintf(detail, detlen, "pid %d is not root's: another process", (int)pid);
        return DC_PROC_OTHER;
    }
    for (size_t i = 0; i < nargs; i++) {
        if (args[i] && strcmp(argv_at[argc - nargs + i], args[i]) != 0) {
            snprintf(detail, detlen, "pid %d is another process", (int)pid);
            return DC_PROC_OTHER;
        }
    }
    snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
    n = readlink(path, link, sizeof(link) - 1);
    if (n < 0) {
        if (!dc_proc_alive(pid))
            return DC_PROC_GONE;
        snprintf(detail, detlen, "cannot read %s: %s", path, strerror(errno));
        return DC_PROC_WRONG_EXE;
    }
    link[n] = '\0';
    if (strcmp(link, exe) != 0 &&
        !(strncmp(link, exe, el) == 0 && strcmp(link + el, " (deleted)") == 0)) {
        snprintf(detail, detlen, "pid %d has the run's command line but runs %s, not %s", (int)pid,
                 link, exe);
        return DC_PROC_WRONG_EXE;
    }
    return DC_PROC_OURS;
}

/* Did pid start before t (wall clock)? Its start time counts from boot (CLOCK_BOOTTIME). */
static bool started_before(pid_t pid, const struct timespec *t)
{
    struct timespec real, boot;
    unsigned long long start;
    long hz = sysconf(_SC_CLK_TCK);
    double started;
    pid_t pg;

    if (hz <= 0 || stat_fields(pid, &pg, &start) < 0 || clock_gettime(CLOCK_REALTIME, &real) < 0 ||
        clock_gettime(CLOCK_BOOTTIME, &boot) < 0)
        return false;
    started = (double)real.tv_sec - (double)boot.tv_sec +
              ((double)real.tv_nsec - (double)boot.tv_nsec) / 1e9 + (double)start / (double)hz;
    return started <= (double)t->tv_sec + (double)t->tv_nsec / 1e9;
}

bool dc_proc_leads_run(pid_t pid, const struct timespec *written)
{
    return dc_proc_alive(pid) && runs_as_root(pid) && dc_proc_pgrp(pid) == pid &&
           started_before(pid, written);
}

int dc_proc_signal_group(pid_t pgid, int sig)
{
    if (pgid <= 1) {
        errno = EINVAL;
        return -1;
    }
    return kill(-pgid, sig);
}

bool dc_proc_group_alive(pid_t pgid)
{
    struct dirent *de;
    bool alive = false;
    DIR *d;

    if (pgid <= 1 || (kill(-pgid, 0) < 0 && errno == ESRCH))
        return false;
    /* Zombies answer kill(2) too: only a member that still runs counts. */
    if (!(d = opendir("/proc")))
        return true;
    while (!alive && (de = readdir(d))) {
        char *end;
        long p = strtol(de->d_name, &end, 10);

        if (*end || p <= 1)
            continue;
        alive = dc_proc_pgrp((pid_t)p) == pgid && dc_proc_alive((pid_t)p);
    }
    closedir(d);
    return alive;
}

int dc_pidfd_open(pid_t pid)
{
#ifdef SYS_pidfd_open
    return (int)syscall(SYS_pidfd_open, pid, 0);
#else
    (void)pid;
    errno = ENOSYS;
    return -1;
#endif
}

int dc_proc_signal(pid_t pid, int pidfd, int sig)
{
    /* kill(0), kill(-1) or kill(1) would reach far more than one runtime. */
    if (pid <= 1) {
        errno = EINVAL;
        return -1;
    }
#ifdef SYS_pidfd_send_signal
    if (pidfd >= 0)
        return (int)syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0);
#endif
    return kill(pid, sig);
}

int dc_proc_wait_gone(pid_t pid, int pidfd, long timeout_ms)
{
    long deadline = dc_now_ms() + timeout_ms;

    for (;;) {
        long left = deadline - dc_now_ms();

        if (!dc_proc_alive(pid))
            return 0;
        if (left <= 0)
            return -1;
        if (pidfd >= 0) {
            struct pollfd p = {.fd = pidfd, .events = POLLIN};

            if (poll(&p, 1, (int)(left > 1000 ? 1000 : left)) > 0)
                return 0;
        } else {
            usleep(left > 20 ? 20000 : (useconds_t)left * 1000);
        }
    }
}

pid_t dc_pidfile_read(const char *path, struct timespec *written)
{
    char buf[32], *end;
    struct stat st;
    ssize_t n;
    long v;
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);

    if (fd < 0)
        return errno == ENOENT ? 0 : -1;
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (st.st_uid != 0 && st.st_uid != geteuid())) {
        close(fd);
        return -1;
    }
    if (written)
        *written = st.st_mtim;
    n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n <= 1 || buf[n - 1] != '\n')
        return -1;
    buf[n - 1] = '\0';
    errno = 0;
    v = strtol(buf, &end, 10);
    if (errno || *end || buf[0] < '1' || buf[0] > '9' || v <= 1 || v > INT_MAX)
        return -1;
    return (pid_t)v;
}
