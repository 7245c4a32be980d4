/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * runfiles.h - the files of one run on a node, and the lock that serializes work on it.
 *
 *   <run_dir>/datacrumbs-ID.env     root 0600, the unit's EnvironmentFile (envfile.h)
 *   <run_dir>/datacrumbs-ID.probes  root 0600, snapshot of the user's probe file
 *   <run_dir>/datacrumbs-ID.pid     direct mode: pid of the runtime
 *   <run_dir>/datacrumbs-ID.ready   written by the runtime when it is ready
 *   <run_dir>/datacrumbs-ID.json    the runtime's summary: a result, kept a day after the run
 *                                   (every stop removes older ones: dc_summaries_prune)
 *   <run_dir>/datacrumbs-ID.prolog  the Slurm job's prolog was handled by one of the two hooks
 *                                   (slurm.conf's and the SPANK plugin's); the epilog removes it
 *   <run_dir>/datacrumbs-ID.lock    held while a start or stop works on the run; names its
 *                                   holder (preempt.h)
 *   <log_dir>/datacrumbs-ID.log     direct mode: the runtime's stdout and stderr
 */
#ifndef DC_NODECTL_RUNFILES_H
#define DC_NODECTL_RUNFILES_H

#include <limits.h>
#include <stddef.h>
#include <time.h>

#include "conf.h"

struct dc_runfiles {
    char env[PATH_MAX];
    char probes[PATH_MAX];
    char check_probes[PATH_MAX]; /* a check's snapshot, with ".PID" added (no lock), removed */
    char pid[PATH_MAX];
    char ready[PATH_MAX];
    char summary[PATH_MAX];
    char lock[PATH_MAX];
    char prolog[PATH_MAX];
    char log[PATH_MAX];
};

/* Fill the paths for run_id (already validated). Returns 0, or -1 when a path is too long. */
int dc_runfiles_init(struct dc_runfiles *f, const struct dc_sysconf *sys, const char *run_id);

/*
 * Make sure dir exists (created 0755 when missing, its parent must exist) and is secure: a
 * directory, not a symbolic link, owned by root, not writable by group or others, and so are
 * its parents. Returns 0, or -1 with the reason in err.
 */
int dc_rundir_prepare(const char *dir, const char *what, char *err, size_t errlen);

/* Called while another process holds the lock, with a descriptor of the lock file. */
typedef void (*dc_lock_busy_fn)(int fd, void *arg);

/*
 * Take the run's lock (created 0600 if missing, never through a symlink), waiting up to
 * timeout_s; busy (if not NULL) is called with arg on each try that finds it held, and a
 * cancelled request (preempt.h) stops waiting. Returns the locked fd, or -1 with the reason
 * in err.
 */
int dc_run_lock(const char *path, long timeout_s, dc_lock_busy_fn busy, void *arg, char *err,
                size_t errlen);

/* Replace what the locked lock file says with record (who holds it: preempt.h). 0 or -1. */
int dc_run_lock_note(int fd, const char *record, size_t len);

/* Release the lock; with remove, unlink the lock file first (while still holding it). */
void dc_run_unlock(int fd, const char *path, int remove);

/*
 * The runtime executable root will run: runtime_daemon with symlinks resolved (into exe,
 * PATH_MAX bytes), a regular executable file owned by root and writable by nobody else, in
 * directories to match. Returns 0, or -1 with the reason in err.
 */
int dc_runtime_resolve(const struct dc_sysconf *sys, char *exe, char *err, size_t errlen);

#define DC_SUMMARY_MAX_AGE (24L * 3600) /* seconds a run's summary is kept in run_dir */

/*
 * Remove the summaries (datacrumbs-*.json, regular files, never through a symlink) in run_dir
 * last changed more than max_age seconds before now, looking at DC_SUMMARIES_SCAN entries at
 * most. Returns how many were removed, or -1 when run_dir cannot be read.
 */
#define DC_SUMMARIES_SCAN 100000
int dc_summaries_prune(const char *run_dir, time_t now, long max_age);

/* unlink(2) that ignores a missing file; returns 0 or -1 with errno set. */
int dc_unlink_quiet(const char *path);

#endif
