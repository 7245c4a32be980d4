/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * procs.h - per-process probe placement: the daemon links the run's user-space probes into each
 * traced process as the BPF side reports it (announce, fork) and removes them when it is gone,
 * so no other process on the node ever meets one of its breakpoints. A thread held at its
 * announcement is released (DC_ACK_SIGNAL) once its probes are in place.
 */
#ifndef DC_RT_PROCS_H
#define DC_RT_PROCS_H

#include <pthread.h>
#include <stdint.h>
#include <sys/types.h>

#include "attach.h"
#include "event.h"

struct rt_proc;

struct rt_procs {
    struct rt_bpf *bpf;
    const struct rt_plan *plan;
    struct rt_proc *tab; /* linked processes */
    size_t n, cap;
    size_t max; /* most processes linked at once */
    /* Closing a probe waits for the kernel's grace period: a thread of its own does it. */
    pthread_t closer;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct rt_linkset *doomed;
    size_t ndoomed, capdoomed;
    int closer_running, closing_done;
    uint64_t linked, released, refused, gone; /* counters for the summary */
};

/* Returns 0, or -1 with err set. max bounds the processes linked at once (descriptors). */
int rt_procs_init(struct rt_procs *ps, struct rt_bpf *b, const struct rt_plan *p, size_t max,
                  char *err, size_t errlen);

/* One control record from the ring buffer. */
void rt_procs_control(struct rt_procs *ps, const struct dc_ctl *c);

/* Remove every process's probes and stop the closer thread. */
void rt_procs_finish(struct rt_procs *ps);

/*
 * Is run_id the only active run of uid in run_dir? Runs are known by their ready files
 * (datacrumbs-RUN_ID.ready, written by rt_procs_ready_text's format) whose daemon is alive.
 */
int rt_procs_sole_run(const char *run_dir, const char *run_id, uid_t uid);

/* The ready file's text: "ready\nuid N\npid P\n". Returns its length. */
size_t rt_procs_ready_text(char *buf, size_t size, uid_t uid, pid_t pid);

#endif
