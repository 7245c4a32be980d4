/* SPDX-License-Identifier: BSD-3-Clause */
/* runfiles.c - paths of a run's files, the run and log directories, the per-run lock. */
#include "runfiles.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "path.h"
#include "preempt.h"

static int fmt(char *out, const char *dir, const char *id, const char *suffix)
{
    int n = snprintf(out, PATH_MAX, "%s/datacrumbs-%s%s", dir, id, suffix);

    return n < 0 || n >= PATH_MAX ? -1 : 0;
}

int dc_runfiles_init(struct dc_runfiles *f, const struct dc_sysconf *sys, const char *run_id)
{
    const char *r = sys->run_dir;

    memset(f, 0, sizeof(*f));
    if (fmt(f->env, r, run_id, ".env") || fmt(f->probes, r, run_id, ".probes") ||
        fmt(f->check_probes, r, run_id, ".check.probes") || fmt(f->pid, r, run_id, ".pid") ||
        fmt(f->ready, r, run_id, ".ready") || fmt(f->summary, r, run_id, ".json") ||
        fmt(f->lock, r, run_id, ".lock") || fmt(f->prolog, r, run_id, ".prolog") ||
        fmt(f->log, sys->log_dir, run_id, ".log"))
        return -1;
    return 0;
}

int dc_rundir_prepare(const char *dir, const char *what, char *err, size_t errlen)
{
    struct dc_path_verdict v;
    struct stat st;
    int rc;

    if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s %s: %s", what, dir, strerror(errno));
        return -1;
    }
    if (lstat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
        snprintf(err, errlen, "%s %s is not a directory", what, dir);
        return -1;
    }
    rc = dc_path_is_secure(dir, 0, &v);
    if (rc != 1) {
        snprintf(err, errlen, "%s is not secure: %s", what, v.message);
        return -1;
    }
    return 0;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {.tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L};

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

int dc_run_lock(const char *path, long timeout_s, dc_lock_busy_fn busy, void *arg, char *err,
                size_t errlen)
{
    struct timespec t0, now;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct stat a, b;
        int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY, 0600);

        if (fd < 0) {
            snprintf(err, errlen, "cannot open the lock %s: %s", path, strerror(errno));
            return -1;
        }
        if (fstat(fd, &a) < 0 || !S_ISREG(a.st_mode) || a.st_uid != 0) {
            close(fd);
            snprintf(err, errlen, "lock %s is not a root-owned regular file", path);
            return -1;
        }
        if (flock(fd, LOCK_EX | LOCK_NB) == 0) {
            /* The holder before us may have removed the file: our lock must be on the inode
             * that the path names now, or a third process could lock a new file alongside. */
            if (stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino)
                return fd;
            close(fd);
            continue;
        }
        if (errno != EWOULDBLOCK) {
            snprintf(err, errlen, "cannot lock %s: %s", path, strerror(errno));
            close(fd);
            return -1;
        }
        if (busy)
            busy(fd, arg);
        close(fd);
        if (dc_cancelled()) {
            snprintf(err, errlen, "cancelled while waiting for %s", path);
            return -1;
        }
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec - t0.tv_sec >= timeout_s) {
            snprintf(err, errlen, "another node control process has held %s for %ld s", path,
                     timeout_s);
            return -1;
        }
        sleep_ms(50);
    }
}

int dc_run_lock_note(int fd, const char *record, size_t len)
{
    if (ftruncate(fd, 0) < 0 || pwrite(fd, record, len, 0) != (ssize_t)len)
        return -1;
    return 0;
}

void dc_run_unlock(int fd, const char *path, int remove)
{
    if (fd < 0)
        return;
    if (remove)
        dc_unlink_quiet(path);
    close(fd);
}

int dc_runtime_resolve(const struct dc_sysconf *sys, char *exe, char *err, size_t errlen)
{
    struct dc_path_verdict v;

    if (!realpath(sys->runtime_daemon, exe)) {
        snprintf(err, errlen, "runtime_daemon %s: %s", sys->runtime_daemon, strerror(errno));
        return -1;
    }
    if (dc_path_is_secure(exe, DC_PATH_REGULAR, &v) != 1) {
        snprintf(err, errlen, "runtime_daemon is not safe to run as root: %s", v.message);
        return -1;
    }
    if (access(exe, X_OK) < 0) {
        snprintf(err, errlen, "runtime_daemon %s is not executable", exe);
        return -1;
    }
    return 0;
}

int dc_unlink_quiet(const char *path)
{
    if (unlink(path) < 0 && errno != ENOENT)
        return -1;
    return 0;
}

static bool is_summary_name(const char *name)
{
    size_t n = strlen(name);

    return strncmp(name, "datacrumbs-", 11) == 0 && n > 16 && strcmp(name + n - 5, ".json") == 0;
}

int dc_summaries_prune(const char *run_dir, time_t now, long max_age)
{
    int dfd = open(run_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    struct dirent *de;
    struct stat st;
    long seen = 0;
    int removed = 0;
    DIR *d;

    if (dfd < 0)
        return -1;
    d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return -1;
    }
    while ((de = readdir(d)) && seen++ < DC_SUMMARIES_SCAN) {
        if (!is_summary_name(de->d_name) ||
            fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISREG(st.st_mode))
            continue;
        /* mtime: when the runtime wrote it (a chown or a copy does not make it newer). */
        if (st.st_mtime > now - max_age)
            continue;
        if (unlinkat(dfd, de->d_name, 0) == 0)
            removed++;
    }
    closedir(d);
    return removed;
}
