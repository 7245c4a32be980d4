/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * runfiles.h - what a run leaves in run_dir for hooks and datacrumbs_stop: the ready file
 * <run_dir>/datacrumbs-<RUN_ID>.ready while tracing, and the summary
 * <run_dir>/datacrumbs-<RUN_ID>.json at the end.
 */
#ifndef DC_RT_RUNFILES_H
#define DC_RT_RUNFILES_H

#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "conf.h"
#include "event.h"
#include "plan.h"

/* The files of one run, prepared before any probe exists. */
struct rt_runfiles {
    char host[256];         /* gethostname(), made safe for a file name */
    char ready[PATH_MAX];   /* <run_dir>/datacrumbs-<RUN_ID>.ready */
    char summary[PATH_MAX]; /* <run_dir>/datacrumbs-<RUN_ID>.json */
    char trace[PATH_MAX];   /* <trace_dir>/trace-<user>-<RUN_ID>-<host>[.N].pfw.gz */
    int trace_dirfd, trace_fd;
};

enum rt_runfiles_result { RT_RUNFILES_OK = 0, RT_RUNFILES_FAIL, RT_RUNFILES_CONFIG };

void rt_runfiles_init(struct rt_runfiles *f);

/*
 * Check run_dir (root's, not writable by others; created when missing), remove what an earlier
 * run with this id left there, expand and open trace_dir safely and create the trace file for
 * the user (tracefile.h). Errors are printed; RT_RUNFILES_CONFIG means trace_dir itself is bad.
 */
enum rt_runfiles_result rt_runfiles_prepare(struct rt_runfiles *f, const struct dc_sysconf *sys,
                                            const char *user, uid_t uid, gid_t gid,
                                            const char *run_id);

/* Remove the trace file when nothing was ever written to it. Returns 1 when removed. */
int rt_runfiles_discard_trace(struct rt_runfiles *f);

void rt_runfiles_close(struct rt_runfiles *f);

/* <run_dir>/datacrumbs-<run_id><suffix>. Returns 0 or -1 when too long. */
int rt_run_path(char *out, size_t outlen, const char *run_dir, const char *run_id,
                const char *suffix);

struct rt_summary {
    const char *run_id, *user, *host, *probe_file, *trace_file;
    uid_t uid;
    gid_t gid; /* with uid: the summary's owner */
    pid_t pid;
    time_t started, stopped;
    uint64_t stats[DC_STAT_N]; /* the kernel's counters */
    uint64_t lines;            /* events in the trace */
    uint64_t malformed;        /* records the daemon could not format */
    uint64_t trace_bytes;      /* compressed size */
    double load_ms, attach_ms; /* BPF load, attaching the functions */
    uint64_t linked, unlinked; /* processes whose probes were placed, or could not be */
    const char *error;         /* why the run ended badly, NULL when it did not */
    const char *truncated;     /* why events stopped being written early, NULL when they did not */
    uint64_t not_written;      /* events counted instead of written after that */
    uint64_t in_flight;        /* events of calls still in flight at the stop ("unfinished") */
};

/* Total of events that were not recorded although the call completed. */
uint64_t rt_summary_drops(const struct rt_summary *s);

/* The summary as JSON text (malloc'ed), or NULL when out of memory. */
char *rt_summary_json(const struct rt_summary *s, const struct rt_plan *p);

/* Write the summary atomically, mode 0400, owned by uid:gid of s (the run's user: nobody else
 * reads who ran what). Returns 0 or -1 with errno. */
int rt_summary_write(const char *path, const struct rt_summary *s, const struct rt_plan *p);

#endif
